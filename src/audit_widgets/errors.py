"""Typed, bilingual errors for people who are not programmers.

Every error the workbench raises on purpose is a WorkbenchError. It carries a Chinese and
an English sentence and, where it applies, the file, row and column it is about, so that
the command line, a widget or a notebook can show it without a traceback. Its `code` is stable
(`stage.signed`, `import.duplicate_id`): tests and programs match the code, never the prose.
A raise names its code where the class's own (`conflict`, `not_found` …) is too broad.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MAX_PROBLEMS_SHOWN = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place in an input."""

    zh: str
    en: str
    row: int | None = None
    column: str | None = None
    file: str | None = None
    entry: str | None = None

    def location(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(f"文件 file {self.file}")
        if self.entry is not None:
            parts.append(f"条目 entry {self.entry}")
        if self.row is not None:
            parts.append(f"第 {self.row} 行 row {self.row}")
        if self.column is not None:
            parts.append(f"字段 field「{self.column}」")
        return "，".join(parts)

    def render(self) -> str:
        where = self.location()
        head = f"{where}：" if where else ""
        return f"{head}{self.zh} / {self.en}"


class WorkbenchError(Exception):
    """An error meant for the user; rendered in Chinese and English."""

    exit_code = 1
    code = "error"

    def __init__(
        self,
        zh: str,
        en: str,
        *,
        code: str | None = None,
        file: str | Path | None = None,
        problems: list[Problem] | tuple[Problem, ...] = (),
    ):
        if code is not None:
            self.code = code
        self.zh = zh
        self.en = en
        self.file = str(file) if file is not None else None
        self.problems = list(problems)
        super().__init__(self.render())

    def render(self) -> str:
        lines = []
        if self.file:
            lines.append(f"文件 file: {self.file}")
        lines.append(f"{self.zh}")
        lines.append(f"{self.en}")
        for problem in self.problems[:MAX_PROBLEMS_SHOWN]:
            lines.append(f"  - {problem.render()}")
        hidden = len(self.problems) - MAX_PROBLEMS_SHOWN
        if hidden > 0:
            lines.append(f"  … 另有 {hidden} 处问题 / {hidden} more problems")
        return "\n".join(lines)


class SchemeError(WorkbenchError):
    """The scheme files are malformed or inconsistent."""

    code = "scheme.invalid"


class InputFileError(WorkbenchError):
    """An imported file (survey, work orders, applicant) is unusable; nothing was written."""

    code = "input.invalid"


class RuleError(WorkbenchError):
    """A rule cannot be applied to the given values (e.g. beyond the scheme's tables)."""

    code = "rule"


class NotFoundError(WorkbenchError):
    """A record that was asked for does not exist."""

    code = "not_found"


class ConflictError(WorkbenchError):
    """A write would break a rule of the store (duplicate, locked, not allowed)."""

    code = "conflict"


class PermissionDenied(ConflictError):
    """The person acting does not hold the role the write needs (or is unknown)."""

    code = "permission.denied"


class DatabaseBusy(WorkbenchError):
    """Another write held the database longer than the busy timeout; nothing was written."""

    code = "database.busy"


class DatabaseConnectionLost(WorkbenchError):
    """The database server could not be reached, or went away during the work; the unfinished
    transaction was rolled back by the server, so nothing of it was written."""

    code = "database.connection_lost"


class StaleWriteError(ConflictError):
    """Someone saved this record after the writer last read it: the write would overwrite
    their change unseen, so it is refused."""

    code = "write.stale"


class TamperedError(WorkbenchError):
    """A signed record no longer matches its signature: changed behind the workbench's back."""

    code = "record.tampered"


class ReasonRequired(ConflictError):
    """The answer is allowed, but only with a written reason (不适用, 不符合, 部分符合)."""

    code = "answer.reason_required"
