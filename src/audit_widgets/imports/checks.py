"""Checking a file that is read a block at a time: the problems found so far (reading stops
once there are enough to show the pattern), and duplicate keys across blocks, found without
keeping the keys themselves."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputFileError, Problem

HEADER_ROW = 1  # rows are numbered as a spreadsheet shows them: the header is row 1
# Problems collected before reading stops: enough to see the pattern, not a whole file's worth.
MAX_PROBLEMS_COLLECTED = 200


def file_row(index: int) -> int:
    """The row number a person sees for a block's index (blocks are indexed from the first data row)."""
    return int(index) + HEADER_ROW + 1


class ProblemList:
    """The problems of one file, in the order found. It is full at MAX_PROBLEMS_COLLECTED: the
    reader then stops, and the refusal says the file was read only that far."""

    def __init__(self, path: Path, what_zh: str, what_en: str):
        self.path, self.what_zh, self.what_en = path, what_zh, what_en
        self.problems: list[Problem] = []
        self.last_row_read = 0

    @property
    def full(self) -> bool:
        return len(self.problems) >= MAX_PROBLEMS_COLLECTED

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def rows(self, mask: pd.Series, zh: str, en: str, column: str | None) -> None:
        """One problem for each row where `mask` holds (the mask carries the block's index)."""
        self.at(mask.index[mask.to_numpy(dtype=bool)], zh, en, column)

    def at(self, indexes, zh: str, en: str, column: str | None) -> None:
        """One problem for each of these rows (block indexes)."""
        for index in list(indexes)[:MAX_PROBLEMS_COLLECTED]:
            self.add(Problem(zh=zh, en=en, row=file_row(index), column=column))

    def read(self, block: pd.DataFrame) -> None:
        """Note how far the file has been read (for the refusal, if reading stops early)."""
        if len(block):
            self.last_row_read = max(self.last_row_read, file_row(block.index[-1]))

    def raise_if_any(self) -> None:
        if not self.problems:
            return
        problems = sorted(self.problems, key=lambda p: (p.row or 0, p.column or ""))
        count = len(problems)
        if self.full:
            zh = (f"{self.what_zh}至少有 {count} 处错误（读到第 {self.last_row_read} 行即停止检查），"
                  "未导入任何数据")
            en = (f"The {self.what_en} has at least {count} errors (checking stopped at row "
                  f"{self.last_row_read}); nothing was imported")
        else:
            zh, en = f"{self.what_zh}有 {count} 处错误，未导入任何数据", \
                f"The {self.what_en} has {count} errors; nothing was imported"
        raise InputFileError(zh, en, file=self.path, problems=problems)


class DuplicateFinder:
    """Keys that occur more than once in a file read block by block. It keeps eight bytes a
    key (a 64-bit hash of it), not the keys: a million ids take 8 MB. A key seen before is
    noticed as its block arrives (`add`), so that a file of repeats is refused once they fill
    the problem list; otherwise the file is read again at the end, for the key column alone, to
    name every row of each repeated key (`rows`). A hash collision then names none."""

    def __init__(self):
        self._seen = np.empty(0, dtype=np.uint64)  # sorted, each hash once
        self._repeated: list[np.ndarray] = []
        self.repeats: list[int] = []  # indexes of rows whose key came before (up to a full list)

    def add(self, keys: pd.Series) -> None:
        keys = keys.dropna()
        hashes = _hashes(keys)
        again = pd.Series(hashes).duplicated().to_numpy() | np.isin(hashes, self._seen, assume_unique=False)
        if again.any():
            self._repeated.append(hashes[again])
            room = MAX_PROBLEMS_COLLECTED - len(self.repeats)
            self.repeats += [int(i) for i in keys.index[again][:max(room, 0)]]
        self._seen = np.union1d(self._seen, hashes)

    def rows(self, keys_again: Iterable[pd.Series]) -> list[int]:
        """The indexes of every row whose key is repeated; `keys_again` reads the keys once more."""
        if not self._repeated:
            return []
        suspects = np.unique(np.concatenate(self._repeated))
        indexes_of: dict[str, list[int]] = {}
        for keys in keys_again:
            keys = keys.dropna()
            for index, key in keys[np.isin(_hashes(keys), suspects)].items():
                indexes_of.setdefault(key, []).append(index)
        return sorted(i for indexes in indexes_of.values() if len(indexes) > 1 for i in indexes)


def _hashes(keys: pd.Series) -> np.ndarray:
    return pd.util.hash_array(keys.to_numpy(dtype=object))
