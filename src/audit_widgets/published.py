"""The batch's finished outputs where others read them (issue 26 §2): the executed notebooks,
their HTML copies and results, and the documents (report, certificate, notices).

Each is written into outputs/ on the machine that makes it (papermill, nbconvert and Chromium
write local files). With `AUDIT_WORKBENCH_PUBLISHED` set (a folder or any fsspec URL), each
finished file is then copied there under its name in outputs/ (`<applicant>/<file>`,
`<applicant>/audits/<audit>/<file>`), and the committee's dashboard reads it there: what a Dask
worker on another machine ran is what the committee downloads. Without it, outputs/ itself is
the published place, and nothing is copied."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import WorkbenchError
from .paths import outputs_dir
from .places import Place
from .settings import current


def published_url() -> str | None:
    """The published place as set, a folder made absolute (a Dask worker gets it as it is)."""
    url = current().published
    if url and "://" not in url:
        return str(Path(url).resolve())
    return url


def published() -> Place:
    """Where the dashboard reads the outputs."""
    return Place(published_url() or str(outputs_dir()))


def name(path: Path | str) -> str | None:
    """A file's name under outputs/ (`<applicant>/<file>`); None for a file elsewhere."""
    try:
        return Path(path).resolve().relative_to(outputs_dir().resolve()).as_posix()
    except ValueError:
        return None


@contextmanager
def _plainly(url: str) -> Iterator[None]:
    """A place that cannot be written is a plain error: the files are written here, not published."""
    try:
        yield
    except Exception as exc:  # an object store has errors of its own besides OSError
        raise WorkbenchError(f"已写入本机，未能发布到 {url}：{exc}", f"Written here, not published to {url}: {exc}",
                             code="published.failed") from None


def publish(paths: Iterable[Path | str]) -> tuple[str, ...]:
    """Publish the finished files of outputs/ among `paths`; returns where each is read (a file
    outside outputs/ stays where it is)."""
    paths = [Path(p) for p in paths]
    url = published_url()
    if not url:
        return tuple(str(p) for p in paths)
    with _plainly(url):
        place = Place(url)
        return tuple(place.write(n, p.read_bytes()) if (n := name(p)) else str(p) for p in paths)


def location(path: Path | str) -> str:
    """Where a file of outputs/ is read: its published location, or the path itself."""
    url, published_name = published_url(), name(path)
    return Place(url).location(published_name) if url and published_name else str(path)


def withdraw(paths: Iterable[Path | str]) -> None:
    """Remove published files that outputs/ no longer has (a failed run's copy, after a success)."""
    url = published_url()
    if url:
        with _plainly(url):
            place = Place(url)
            for path in paths:
                if (published_name := name(path)) is not None:
                    place.remove(published_name)
