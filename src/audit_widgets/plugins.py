"""One registry shape for everything the workbench can be extended with: stages, documents,
importers and batch executors.

Like papermill's engine registry: the project registers its own entries in code, and a third
party adds one through an entry point in its own package's metadata (for example
`[project.entry-points."audit_workbench.documents"]`), loaded the first time the registry is read.
Each entry point names an object of the registry's kind, or a function that returns one.
"""
from __future__ import annotations

from importlib.metadata import entry_points
from typing import Generic, Iterator, Protocol, TypeVar

from .errors import NotFoundError


class Named(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=Named)


class Registry(Generic[T]):
    def __init__(self, kind_zh: str, kind_en: str, group: str | None = None):
        self.kind_zh, self.kind_en = kind_zh, kind_en
        self.group = group  # the entry-point group third parties register under
        self._entries: dict[str, T] = {}
        self._loaded = group is None

    def register(self, entry: T) -> T:
        self._entries[entry.id] = entry
        return entry

    def unregister(self, entry_id: str) -> None:
        self._entries.pop(entry_id, None)

    def _load_entry_points(self) -> None:
        if self._loaded or self.group is None:
            return
        self._loaded = True
        for point in entry_points(group=self.group):
            if point.name in self._entries:
                continue  # the project's own entry wins over a plug-in of the same name
            entry = point.load()
            self.register(entry() if callable(entry) and not hasattr(entry, "id") else entry)

    def get(self, entry_id: str) -> T:
        self._load_entry_points()
        entry = self._entries.get(entry_id)
        if entry is None:
            known = ", ".join(self._entries)
            raise NotFoundError(f"没有登记编号为「{entry_id}」的{self.kind_zh}，可选：{known}",
                                f"No {self.kind_en} '{entry_id}' is registered; known: {known}", code="registry.unknown")
        return entry

    def __contains__(self, entry_id: str) -> bool:
        self._load_entry_points()
        return entry_id in self._entries

    def __iter__(self) -> Iterator[T]:
        self._load_entry_points()
        return iter(list(self._entries.values()))

    def ids(self) -> list[str]:
        return [entry.id for entry in self]
