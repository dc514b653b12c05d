"""Where the store keeps its files (evidence attached to answers, documents an applicant
submitted): content-addressed, `<ab>/<sha256>.<ext>`, behind fsspec.

By default that is the folder data/evidence on this machine. `AUDIT_WORKBENCH_FILES` names
another place as any fsspec URL (a shared mount's path, `s3://bucket/evidence` with s3fs
installed, `memory://…` in tests), so that a batch worker on another machine keeps files where
the dashboard and the backup find them. A record names its file by its location here
(`stored_path`): the local path for a local folder, the URL otherwise.
"""
from __future__ import annotations

from pathlib import Path

from .paths import data_dir
from .places import Place
from .settings import current


def kept_name(digest: str, filename: str) -> str:
    """A file's name in the store: by its SHA-256, with its extension (in lower case)."""
    return f"{digest[:2]}/{digest}{Path(filename).suffix.lower()}"


def name_of(stored_path: str) -> str:
    """The name (`<ab>/<file>`) of a file from its record's location, wherever it was kept."""
    parts = stored_path.replace("\\", "/").rstrip("/").split("/")
    return "/".join(parts[-2:])


class KeptFiles(Place):
    """The store's files at one fsspec location."""

    def __init__(self, url: str | None = None):
        super().__init__(url or current().files or str(data_dir() / "evidence"))

    def keep(self, name: str, content: bytes) -> str:
        """Keep the content under its name (a file already there is the same file: its name is
        its hash); returns its location."""
        return self.location(name) if self.exists(name) else self.write(name, content)
