"""How big an imported file may be, checked before it is parsed (issue 12 §4). Imports read a
block at a time, so memory follows the block, not the file; the limits keep a file to what an
audit needs and an import finishes in minutes. The defaults fit the machine (a sixteenth of
its memory for a file, three million rows). Each limit can be set in the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass

from ..settings import current

MEMORY_SHARE = 16       # a file may take 1/16 of the memory
MB = 1024 * 1024


def _memory_bytes() -> int:
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 8 * 1024 * MB


@dataclass(frozen=True)
class ImportLimits:
    max_bytes: int              # the file as uploaded
    max_uncompressed_bytes: int  # an XLSX's sheets, unpacked (a zip bomb is refused before parsing)
    max_rows: int

    @classmethod
    def from_environment(cls) -> ImportLimits:
        settings = current()
        max_bytes = int(settings.max_import_mb * MB) if settings.max_import_mb else _memory_bytes() // MEMORY_SHARE
        unpacked = settings.max_xlsx_uncompressed_mb
        return cls(max_bytes, int(unpacked * MB) if unpacked else 4 * max_bytes, settings.max_import_rows)
