"""Pure rules: data in, results out. No I/O, no widgets, no database."""
