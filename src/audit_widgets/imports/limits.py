"""How big an imported file may be, checked before it is parsed (issue 12 §4). Imports read a
block at a time, so memory follows the block, not the file; the limits keep a file to what an
audit needs and an import finishes in minutes. The defaults fit the machine (a sixteenth of
its memory for a file, three million rows). Each limit can be set in the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass

MAX_BYTES_ENV = "AUDIT_WORKBENCH_MAX_IMPORT_MB"
MAX_UNCOMPRESSED_ENV = "AUDIT_WORKBENCH_MAX_XLSX_UNCOMPRESSED_MB"
MAX_ROWS_ENV = "AUDIT_WORKBENCH_MAX_IMPORT_ROWS"
MEMORY_SHARE = 16       # a file may take 1/16 of the memory
DEFAULT_MAX_ROWS = 3_000_000
MB = 1024 * 1024


def _memory_bytes() -> int:
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 8 * 1024 * MB


def _setting(name: str, default: int, scale: int = 1) -> int:
    value = os.environ.get(name, "").strip()
    try:
        return int(float(value) * scale) if value else default
    except ValueError:
        return default


@dataclass(frozen=True)
class ImportLimits:
    max_bytes: int              # the file as uploaded
    max_uncompressed_bytes: int  # an XLSX's sheets, unpacked (a zip bomb is refused before parsing)
    max_rows: int

    @classmethod
    def from_environment(cls) -> ImportLimits:
        default = _memory_bytes() // MEMORY_SHARE
        max_bytes = _setting(MAX_BYTES_ENV, default, MB)
        return cls(max_bytes, _setting(MAX_UNCOMPRESSED_ENV, 4 * max_bytes, MB),
                   _setting(MAX_ROWS_ENV, DEFAULT_MAX_ROWS))
