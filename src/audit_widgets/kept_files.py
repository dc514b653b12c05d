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

import fsspec
from fsspec.implementations.local import LocalFileSystem

from .files import write_atomically
from .paths import data_dir
from .settings import current


def kept_name(digest: str, filename: str) -> str:
    """A file's name in the store: by its SHA-256, with its extension (in lower case)."""
    return f"{digest[:2]}/{digest}{Path(filename).suffix.lower()}"


def name_of(stored_path: str) -> str:
    """The name (`<ab>/<file>`) of a file from its record's location, wherever it was kept."""
    parts = stored_path.replace("\\", "/").rstrip("/").split("/")
    return "/".join(parts[-2:])


class KeptFiles:
    """The store's files at one fsspec location."""

    def __init__(self, url: str | None = None):
        self.url = url or current().files or str(data_dir() / "evidence")
        self.fs, self.root = fsspec.core.url_to_fs(self.url)
        self.local = isinstance(self.fs, LocalFileSystem)

    def _path(self, name: str) -> str:
        return f"{self.root.rstrip('/')}/{name}"

    def location(self, name: str) -> str:
        """What a record keeps: the path on this machine, or the URL."""
        return self._path(name) if self.local else self.fs.unstrip_protocol(self._path(name))

    def exists(self, name: str) -> bool:
        return self.fs.isfile(self._path(name))

    def read(self, name: str) -> bytes:
        return self.fs.cat_file(self._path(name))

    def keep(self, name: str, content: bytes) -> str:
        """Keep the content under its name (a file already there is the same file: its name is
        its hash); returns its location."""
        path = self._path(name)
        if not self.fs.isfile(path):
            if self.local:  # never a half-written file under a hash name
                Path(path).parent.mkdir(parents=True, exist_ok=True)
                write_atomically(Path(path), content)
            else:  # an object store writes an object whole, or not at all
                self.fs.makedirs(self.fs._parent(path), exist_ok=True)
                self.fs.pipe_file(path, content)
        return self.location(name)
