"""Files: writing outputs so that a reader never sees half of one (a failure keeps the old),
and a file's SHA-256, read a piece at a time."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .processes import owned_temporary


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_atomically(path: Path, data: str | bytes) -> Path:
    """Write beside the target, then rename over it (a rename within one folder is atomic)."""
    temporary = temporary_beside(path)
    try:
        os.chmod(temporary, 0o666 & ~_umask())  # made private; an output is not
        temporary.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def temporary_beside(path: Path, suffix: str = ".tmp") -> Path:
    """A new temporary file in `path`'s folder, to be renamed over `path`: named after it and
    this process (processes.owned_temporary), so that one a killed process left is removed."""
    return owned_temporary(path.parent, f".{path.name}.", suffix)


def sha256_of(path: Path) -> str:
    """The file's SHA-256, read in pieces: a large file is never held in memory."""
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()
