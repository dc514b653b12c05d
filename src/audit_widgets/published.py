"""The batch's finished outputs where others read them (issue 26 §2): the executed notebooks,
their HTML copies and results, and the documents (report, certificate, notices).

Each is written into outputs/ on the machine that makes it (papermill, nbconvert and Chromium
write local files). With `AUDIT_WORKBENCH_PUBLISHED` set (a folder or any fsspec URL), each
finished file is then copied there under its name in outputs/ (`<applicant>/<file>`,
`<applicant>/audits/<audit>/<file>`), and the committee's dashboard reads it there: what a Dask
worker on another machine ran is what the committee downloads. Without it, outputs/ itself is
the published place, and nothing is copied."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .paths import outputs_dir
from .places import Place
from .settings import current


def published() -> Place:
    """Where the dashboard reads the outputs."""
    return Place(current().published or str(outputs_dir()))


def name(path: Path | str) -> str:
    """A file's name under outputs/: `<applicant>/<file>`."""
    return Path(path).resolve().relative_to(outputs_dir().resolve()).as_posix()


def publish(paths: Iterable[Path | str]) -> tuple[str, ...]:
    """Publish finished files of outputs/; returns their locations where they are published."""
    paths = [Path(p) for p in paths]
    if not current().published:
        return tuple(str(p) for p in paths)
    place = published()
    return tuple(place.write(name(p), p.read_bytes()) for p in paths)


def location(path: Path | str) -> str:
    """Where a published file of outputs/ is read."""
    return published().location(name(path)) if current().published else str(path)


def withdraw(paths: Iterable[Path | str]) -> None:
    """Remove published files that outputs/ no longer has (a failed run's copy, after a success)."""
    if current().published:
        place = published()
        for path in paths:
            place.remove(name(path))
