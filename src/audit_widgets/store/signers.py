"""Who signs a stage off (procedure.yaml signed_by): the audit's team leader, a committee member
who took the decision, or anyone holding an assigned role (the programme manager signs the
application and the contract, the administrator the issued certificate). One answer for the
store's refusal and for the screen that names the signer on a disabled button."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..contract import TeamRole
from ..scheme import ProcedureStage
from . import models

# How each signed_by reads on a screen: "须由审查组长 李娜 A02 签署".
SIGNER_NAMES = {"team_leader": ("审查组长", "the team leader"),
                "decision_maker": ("参与决定的委员", "a committee member who took the decision"),
                "programme_manager": ("认证方案管理人员", "a programme manager"),
                "administrator": ("系统管理员（授权签字人）", "an administrator (the authorised signatory)")}


@dataclass(frozen=True)
class Signers:
    """The people who may sign a stage of an audit off, as the records stand."""
    signed_by: str
    people: tuple[tuple[str, str], ...]  # (id, name)

    def allows(self, person_id: str | None) -> bool:
        return any(person == person_id for person, _ in self.people)

    def named(self) -> str:
        return "、".join(f"{name} {person}" for person, name in self.people)

    @property
    def zh(self) -> str:
        role = SIGNER_NAMES[self.signed_by][0]
        return f"须由{role} {self.named()} 签署" if self.people else f"须由{role}签署（尚未指定）"

    @property
    def en(self) -> str:
        role = SIGNER_NAMES[self.signed_by][1]
        who = ", ".join(f"{name} ({person})" for person, name in self.people)
        return f"to be signed off by {role}: {who}" if self.people else f"to be signed off by {role} (none set yet)"


def stage_signers(session: Session, audit_id: int, stage: ProcedureStage) -> Signers:
    names = {person: name for person, name in session.execute(select(models.Auditor.id, models.Auditor.name))}
    if stage.signed_by == "decision_maker":
        decision = session.scalar(select(models.Decision).where(models.Decision.audit_id == audit_id))
        ids = list(decision.members) if decision else []
    elif stage.signed_by == "team_leader":
        ids = list(session.scalars(select(models.TeamMember.auditor_id).where(
            models.TeamMember.audit_id == audit_id, models.TeamMember.role == TeamRole.LEADER)))
    else:  # an assigned role: whoever holds it now (roles.py keeps the column as approved)
        ids = sorted(row.id for row in session.scalars(select(models.Auditor)) if stage.signed_by in (row.roles or ()))
    return Signers(stage.signed_by, tuple((person, names.get(person, person)) for person in ids))
