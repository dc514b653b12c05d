"""The trail's anchor outside the database (issue 24 §2): a checkpoint is the id of a trail entry and
its value in the hash chain. Published where the database cannot reach it (a file the body keeps
elsewhere, every document it issues), it proves later that the trail up to that entry is still the
one the body had: an entry changed, removed or re-chained below it (even with the key) gives that
entry another value, and a truncated trail no longer has the entry at all. As certificate
transparency publishes signed tree heads, and a git remote shows a rewritten history."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InputFileError
from ..files import write_atomically
from . import models, signing
from .base import StoreBase
from .trail_chain import GENESIS

FILE_PATTERN = "checkpoint-*.json"


@dataclass(frozen=True)
class Checkpoint:
    entry: int   # the trail entry's id (0: an empty trail)
    head: str    # its value in the hash chain
    key_id: str  # the key the chain is made with

    def text(self) -> str:
        """As a document prints it: short enough to read, long enough to compare by eye."""
        return f"#{self.entry} {self.head[:16]}"

    def as_dict(self) -> dict:
        return asdict(self)

    def label(self) -> str:
        """In a workbook's properties (the register, the CNCA report): the whole chain value."""
        return f"审计轨迹检查点 trail checkpoint: entry {self.entry}, head {self.head}, key {self.key_id}"


@dataclass(frozen=True)
class CheckpointProblem:
    source: str      # the file the checkpoint was read from
    checkpoint: Checkpoint
    problem: str     # missing (the trail was cut below it), differs (rewritten below it)

    def text(self) -> str:
        where = f"{self.source}（{self.checkpoint.text()}）"
        if self.problem == "missing":
            return (f"检查点 {where}：轨迹中已没有该条目，轨迹被截断 / the trail no longer has this entry: it was "
                    "truncated below the checkpoint")
        return (f"检查点 {where}：该条目的链值已不同，其下的轨迹被改写 / the entry's chain value differs: the trail "
                "below the checkpoint was rewritten")


class CheckpointStore(StoreBase):
    def checkpoint(self) -> Checkpoint:
        """The trail's newest entry and its chain value: where the trail stands now."""
        with self._reading_session() as session:
            row = session.execute(select(models.AuditTrail.id, models.AuditTrail.chain)
                                  .order_by(models.AuditTrail.id.desc()).limit(1)).first()
        return Checkpoint(row.id, row.chain or GENESIS, signing.key_id()) if row else Checkpoint(0, GENESIS,
                                                                                                 signing.key_id())



def checkpoint_problem(session: Session, checkpoint: Checkpoint, source: str) -> CheckpointProblem | None:
    """Whether the trail still holds the checkpoint's entry with the same chain value."""
    if checkpoint.entry == 0:
        return None
    chain = session.scalar(select(models.AuditTrail.chain).where(models.AuditTrail.id == checkpoint.entry))
    if chain is None:
        return CheckpointProblem(source, checkpoint, "missing")
    return None if chain == checkpoint.head else CheckpointProblem(source, checkpoint, "differs")


def write_checkpoint(checkpoint: Checkpoint, target: Path) -> Path:
    """The checkpoint as a JSON file: `target` itself, or checkpoint-<entry>.json in a folder."""
    target = Path(target)
    if target.is_dir() or not target.suffix:
        target = target / f"checkpoint-{checkpoint.entry:09d}.json"
    return write_atomically(target, json.dumps(checkpoint.as_dict(), indent=1) + "\n")


def read_checkpoints(folder: Path) -> list[tuple[str, Checkpoint]]:
    """Every checkpoint file in `folder` (or the one file named); a file that is not one is refused,
    named."""
    folder = Path(folder)
    paths = sorted(folder.glob(FILE_PATTERN)) if folder.is_dir() else [folder]
    if not paths or not paths[0].exists():
        raise InputFileError(f"没有找到检查点文件（{FILE_PATTERN}）", f"No checkpoint file ({FILE_PATTERN}) found",
                             file=folder)
    found = []
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            found.append((str(path), Checkpoint(int(data["entry"]), str(data["head"]), str(data["key_id"]))))
        except (ValueError, KeyError, TypeError) as error:
            raise InputFileError(f"检查点文件无法读取（应有 entry、head、key_id）：{error}",
                                 f"The checkpoint file cannot be read (it needs entry, head, key_id): {error}",
                                 file=path) from None
    return found
