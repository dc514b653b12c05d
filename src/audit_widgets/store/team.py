"""Auditors, their consultancies (for impartiality) and the audit team of an application."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..domain import AuditorProfile, Consultancy, TeamMember
from ..errors import ConflictError
from . import models
from .base import StoreBase


class TeamStore(StoreBase):
    def add_auditor(self, auditor_id: str, name: str, grade: str, domains: list[str], *,
                    auditor_since: date | None = None, is_decision_maker: bool = False,
                    competence_evidence: str = "") -> None:
        if grade not in self.scheme.grades_by_id:
            raise ConflictError(f"未知的审查员等级「{grade}」", f"Unknown auditor grade '{grade}'")
        with self._writing_session() as session:
            if session.get(models.Auditor, auditor_id) is not None:
                raise ConflictError(f"审查员编号「{auditor_id}」已存在", f"Auditor '{auditor_id}' already exists")
            session.add(models.Auditor(id=auditor_id, name=name, grade=grade, domains=list(domains),
                                       auditor_since=auditor_since, is_decision_maker=is_decision_maker,
                                       competence_evidence=competence_evidence))
            self._trail(session, "add", "auditor", auditor_id, {"grade": grade, "domains": list(domains)})

    def add_consultancy(self, auditor_id: str, applicant_id: str, last_day: date) -> None:
        with self._writing_session() as session:
            session.add(models.Consultancy(auditor_id=auditor_id, applicant_id=applicant_id, last_day=last_day))
            self._trail(session, "add", "consultancy", auditor_id, {"applicant_id": applicant_id, "last_day": str(last_day)},
                        applicant=applicant_id)

    def auditors(self) -> list[AuditorProfile]:
        with self._reading_session() as session:
            consultancies: dict[str, list[Consultancy]] = {}
            for c in session.scalars(select(models.Consultancy)):
                consultancies.setdefault(c.auditor_id, []).append(Consultancy(c.applicant_id, c.last_day))
            return [AuditorProfile(a.id, a.name, a.grade, tuple(a.domains), a.auditor_since,
                                   tuple(consultancies.get(a.id, ())))
                    for a in session.scalars(select(models.Auditor).order_by(models.Auditor.id))]

    def decision_makers(self) -> list[str]:
        with self._reading_session() as session:
            return list(session.scalars(select(models.Auditor.id).where(models.Auditor.is_decision_maker)))

    def set_team(self, application_id: int, members: list[tuple[str, str]]) -> None:
        """Replace the audit team: (auditor id, role) pairs. The check is the rule's, not here."""
        roles = {r.id for r in self.scheme.team_roles}
        with self._writing_session() as session:
            self._row(session, models.Application, application_id)
            self._refuse_if_locked(session, application_id, "team")
            for auditor_id, role in members:
                if role not in roles:
                    raise ConflictError(f"未知的组内角色「{role}」", f"Unknown team role '{role}'")
                self._row(session, models.Auditor, auditor_id)
            for row in session.scalars(select(models.TeamMember).where(
                    models.TeamMember.application_id == application_id)):
                session.delete(row)
            session.flush()
            for auditor_id, role in members:
                session.add(models.TeamMember(application_id=application_id, auditor_id=auditor_id, role=role))
            self._trail(session, "set", "team", application_id, {"members": members}, application=application_id)

    def team(self, application_id: int) -> list[TeamMember]:
        with self._reading_session() as session:
            profiles = {a.id: a for a in self.auditors()}
            rows = session.scalars(select(models.TeamMember).where(
                models.TeamMember.application_id == application_id).order_by(models.TeamMember.id)).all()
            return [TeamMember(profiles[r.auditor_id], r.role) for r in rows]
