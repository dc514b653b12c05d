"""A place for files behind fsspec: a folder on this machine, or any fsspec URL (a shared
mount's path, `s3://bucket/prefix` with s3fs installed, `memory://…` in tests). Used for the
store's files (kept_files.py) and for the batch's published outputs (published.py), so that a
worker on another machine writes what the dashboard and the backup read.

A reader never sees half a file: a local folder is written beside the name and renamed over
it; an object store writes an object whole, or not at all."""
from __future__ import annotations

from pathlib import Path

import fsspec
from fsspec.implementations.local import LocalFileSystem

from .files import write_atomically


class Place:
    def __init__(self, url: str):
        self.url = url
        self.fs, self.root = fsspec.core.url_to_fs(url)
        self.local = isinstance(self.fs, LocalFileSystem)

    def path(self, name: str) -> str:
        return f"{self.root.rstrip('/')}/{name}"

    def location(self, name: str) -> str:
        """How a record names the file: its path on this machine, or its URL."""
        return self.path(name) if self.local else self.fs.unstrip_protocol(self.path(name))

    def exists(self, name: str) -> bool:
        return self.fs.isfile(self.path(name))

    def read(self, name: str) -> bytes:
        return self.fs.cat_file(self.path(name))

    def sizes(self, folder: str) -> dict[str, int]:
        """Each file directly in `folder` by its name there, with its size: one listing, one
        round trip to an object store."""
        try:
            entries = self.fs.ls(self.path(folder), detail=True)
        except FileNotFoundError:
            return {}
        return {e["name"].rstrip("/").rsplit("/", 1)[-1]: e["size"] for e in entries if e["type"] == "file"}

    def write(self, name: str, content: bytes) -> str:
        """Write the whole file under its name; returns its location."""
        path = self.path(name)
        if self.local:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            write_atomically(Path(path), content)
        else:
            self.fs.makedirs(self.fs._parent(path), exist_ok=True)
            self.fs.pipe_file(path, content)
        return self.location(name)

    def remove(self, name: str) -> None:
        if self.exists(name):
            self.fs.rm_file(self.path(name))
