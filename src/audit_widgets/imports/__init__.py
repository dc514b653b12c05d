"""Readers for the files auditors bring: applicants, survey exports, work-order logs.
Each either returns validated data or raises InputFileError naming file, row and column."""
