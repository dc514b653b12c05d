"""Auditors and committee members with their competence records (registration, evidence per
domain, impartiality declarations per client and year), their consultancies, and the audit
team of an audit."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..contract import Action, Entity, TeamRole
from ..domain import AuditorProfile, CompetenceRecord, Consultancy, Declaration, TeamMember
from ..errors import ConflictError
from . import models
from .base import StoreBase
from .records import from_row


class TeamStore(StoreBase):
    def add_auditor(self, auditor_id: str, name: str, grade: str, domains: list[str], *,
                    auditor_since: date | None = None, is_decision_maker: bool = False,
                    competence_evidence: str = "", registration_no: str = "",
                    registration_expires: date | None = None) -> None:
        if grade not in self.scheme.grades_by_id:
            raise ConflictError(f"未知的审查员等级「{grade}」", f"Unknown auditor grade '{grade}'")
        with self._writing_session(Action.PEOPLE) as session:
            if session.get(models.Auditor, auditor_id) is not None:
                raise ConflictError(f"审查员编号「{auditor_id}」已存在", f"Auditor '{auditor_id}' already exists",
                                    code="people.duplicate_id")
            session.add(models.Auditor(id=auditor_id, name=name, grade=grade, domains=list(domains),
                                       auditor_since=auditor_since, is_decision_maker=is_decision_maker,
                                       competence_evidence=competence_evidence, registration_no=registration_no,
                                       registration_expires=registration_expires))
            self._trail(session, "add", Entity.AUDITOR, auditor_id, {"grade": grade, "domains": list(domains)})

    def import_people(self, people: list[dict], evidence: list[dict], declarations: list[dict]) -> dict:
        """Load competence records (validated by imports.auditors) in one transaction: each
        person is added or updated, their evidence replaced by the file's, their declarations
        added (or replaced for the same client and year)."""
        return self._load_people(people, evidence, declarations, action=Action.PEOPLE)

    def _load_people(self, people: list[dict], evidence: list[dict], declarations: list[dict], *, action: Action) -> dict:
        with self._writing_session(action) as session:
            for person in people:
                row = session.get(models.Auditor, person["id"])
                if row is None:
                    session.add(models.Auditor(**person))
                else:
                    for key, value in person.items():
                        setattr(row, key, value)
            session.flush()
            listed = {p["id"] for p in people} | {e["auditor_id"] for e in evidence}
            for row in session.scalars(select(models.CompetenceEvidence).where(
                    models.CompetenceEvidence.auditor_id.in_(listed))):
                session.delete(row)
            session.flush()
            for record in evidence:
                self._row(session, models.Auditor, record["auditor_id"])
                session.add(models.CompetenceEvidence(**record))
            for record in declarations:
                self._row(session, models.Auditor, record["auditor_id"])
                old = session.scalar(select(models.ImpartialityDeclaration).where(
                    models.ImpartialityDeclaration.auditor_id == record["auditor_id"],
                    models.ImpartialityDeclaration.applicant_id == record["applicant_id"],
                    models.ImpartialityDeclaration.year == record["year"]))
                if old is not None:
                    session.delete(old)
                    session.flush()
                session.add(models.ImpartialityDeclaration(**record))
            counts = {"people": len(people), "evidence": len(evidence), "declarations": len(declarations)}
            self._trail(session, "import", Entity.AUDITORS, ",".join(sorted(listed))[:128], counts)
            return counts

    def declare_impartiality(self, auditor_ids: str | list[str], applicant_id: str, year: int, declared_on: date,
                             conflicts: str = "") -> None:
        """The declarations of one or several people about a client for a year, in one write; a
        declared conflict keeps them off its teams."""
        people = [auditor_ids] if isinstance(auditor_ids, str) else auditor_ids
        self._load_people([], [], [{"auditor_id": auditor_id, "applicant_id": applicant_id, "year": year,
                                     "declared_on": declared_on, "conflicts": conflicts} for auditor_id in people],
                          action=Action.DECLARATIONS)

    def add_consultancy(self, auditor_id: str, applicant_id: str, last_day: date) -> None:
        with self._writing_session(Action.PEOPLE) as session:
            session.add(models.Consultancy(auditor_id=auditor_id, applicant_id=applicant_id, last_day=last_day))
            self._trail(session, "add", Entity.CONSULTANCY, auditor_id, {"applicant_id": applicant_id, "last_day": str(last_day)},
                        applicant=applicant_id)

    def auditors(self) -> list[AuditorProfile]:
        with self._reading_session() as session:
            consultancies: dict[str, list[Consultancy]] = {}
            for c in session.scalars(select(models.Consultancy)):
                consultancies.setdefault(c.auditor_id, []).append(Consultancy(c.applicant_id, c.last_day))
            evidence: dict[str, list[CompetenceRecord]] = {}
            for e in session.scalars(select(models.CompetenceEvidence).order_by(models.CompetenceEvidence.id)):
                evidence.setdefault(e.auditor_id, []).append(CompetenceRecord(e.domain, e.kind, e.reference, e.on))
            declared: dict[str, list[Declaration]] = {}
            for d in session.scalars(select(models.ImpartialityDeclaration)):
                declared.setdefault(d.auditor_id, []).append(from_row(Declaration, d, conflicts=d.conflicts or ""))
            return [from_row(AuditorProfile, a, domains=tuple(a.domains), consultancies=tuple(consultancies.get(a.id, ())),
                             registration_no=a.registration_no or "", evidence=tuple(evidence.get(a.id, ())),
                             declarations=tuple(declared.get(a.id, ())))
                    for a in session.scalars(select(models.Auditor).order_by(models.Auditor.id))]

    def decision_makers(self) -> list[str]:
        with self._reading_session() as session:
            return list(session.scalars(select(models.Auditor.id).where(models.Auditor.is_decision_maker)))

    def set_team(self, audit_id: int, members: list[tuple[str, str]]) -> None:
        """Replace the audit team: (auditor id, role) pairs. The check is the rule's, not here."""
        roles = {r.id for r in self.scheme.team_roles}
        with self._writing_session(Action.TEAM, audit=audit_id) as session:
            self._refuse_if_locked(session, audit_id, "team")
            if (self.actor, TeamRole.LEADER) in [tuple(m) for m in members]:
                raise ConflictError(f"不能任命自己为审查组长（{self.actor}）；请由其他方案管理人员指定",
                                    f"Nobody appoints themselves team leader ({self.actor}); another programme "
                                    "manager must set this team")
            for auditor_id, role in members:
                if role not in roles:
                    raise ConflictError(f"未知的组内角色「{role}」", f"Unknown team role '{role}'")
                self._row(session, models.Auditor, auditor_id)
            for row in session.scalars(select(models.TeamMember).where(
                    models.TeamMember.audit_id == audit_id)):
                session.delete(row)
            session.flush()
            for auditor_id, role in members:
                session.add(models.TeamMember(audit_id=audit_id, auditor_id=auditor_id, role=role))
            self._trail(session, "set", Entity.TEAM, audit_id, {"members": members}, audit=audit_id)

    def team(self, audit_id: int) -> list[TeamMember]:
        with self._reading_session() as session:
            profiles = {a.id: a for a in self.auditors()}
            rows = session.scalars(select(models.TeamMember).where(
                models.TeamMember.audit_id == audit_id).order_by(models.TeamMember.id)).all()
            return [TeamMember(profiles[r.auditor_id], r.role) for r in rows]
