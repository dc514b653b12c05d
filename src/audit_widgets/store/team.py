"""Auditors and committee members with their competence records (registration, evidence per
domain, impartiality declarations per client and year), their consultancies, and the audit
team of an audit."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from ..body import single_person_body
from ..contract import Action, Entity, TeamRole
from ..domain import AuditorProfile, CompetenceRecord, Consultancy, Declaration, RoleChange, TeamMember
from ..errors import ConflictError
from . import models, roles
from .base import StoreBase
from .records import from_row

NOBODY = "@hub"  # after a hub name that spells the id of someone who signs in otherwise


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
            directly = self._roles_apply_directly(session)
            person = models.Auditor(id=auditor_id, name=name, grade=grade, domains=list(domains),
                                    auditor_since=auditor_since, is_decision_maker=False, roles=[],
                                    competence_evidence=competence_evidence, registration_no=registration_no,
                                    registration_expires=registration_expires)
            roles.refuse_login_taken(session, person, auditor_id.lower())  # their id is their login, for now
            session.add(person)
            roles.change_roles(session, person, roles.role_state((), is_decision_maker), actor=self.actor,
                               at=self.clock.now(), directly=directly)
            self._trail(session, "add", Entity.AUDITOR, auditor_id, {"grade": grade, "domains": list(domains)})

    def import_people(self, people: list[dict], evidence: list[dict], declarations: list[dict]) -> dict:
        """Load competence records (validated by imports.auditors) in one transaction: each
        person is added or updated, their evidence replaced by the file's, their declarations
        added (or replaced for the same client and year)."""
        return self._load_people(people, evidence, declarations, action=Action.PEOPLE)

    def _load_people(self, people: list[dict], evidence: list[dict], declarations: list[dict], *, action: Action) -> dict:
        """A change of anyone's roles is asked for, not made (roles.py): it waits for a second
        person's approval, and the trail entry lists it."""
        with self._writing_session(action) as session:
            directly = self._roles_apply_directly(session)
            asked = []
            for person in people:
                fields = {k: v for k, v in person.items() if k not in ("roles", "is_decision_maker", "login")}
                row = session.get(models.Auditor, person["id"])
                if row is None:
                    row = models.Auditor(**fields, roles=[], is_decision_maker=False)
                    roles.refuse_login_taken(session, row, row.id.lower())  # their id is their login, for now
                    session.add(row)
                else:
                    for key, value in fields.items():
                        setattr(row, key, value)
                login = person.get("login")  # None: the file has no login column, the login stays
                wanted = roles.role_state(person.get("roles", row.roles),
                                          person.get("is_decision_maker", row.is_decision_maker),
                                          row.login if login is None else login or None)
                change = roles.change_roles(session, row, wanted, actor=self.actor, at=self.clock.now(),
                                            directly=directly)
                if change is not None and change.state == roles.PENDING:
                    asked.append(person["id"])
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
            counts = {"people": len(people), "evidence": len(evidence), "declarations": len(declarations),
                      "role_changes_pending": len(asked)}
            self._trail(session, "import", Entity.AUDITORS, ",".join(sorted(listed))[:128], counts)
            return counts

    @staticmethod
    def _roles_apply_directly(session) -> str | None:
        """Why this write's changes of roles take effect without a second person (roles.py): an
        empty store's first registration, or a single-person body; None: they wait for approval."""
        if session.scalar(select(models.Auditor.id).limit(1)) is None:
            return roles.FIRST_REGISTRATION
        return roles.SINGLE_PERSON if single_person_body() else None

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

    def role_changes(self, *, state: str | None = None, person_id: str | None = None) -> list[RoleChange]:
        """The role changes, newest first (`state`: only those, e.g. roles.PENDING)."""
        query = select(models.RoleChange).order_by(models.RoleChange.id.desc())
        if state is not None:
            query = query.where(models.RoleChange.state == state)
        if person_id is not None:
            query = query.where(models.RoleChange.person_id == person_id)
        with self._reading_session() as session:
            return [from_row(RoleChange, row, reason=row.reason or "") for row in session.scalars(query)]

    def approve_role_change(self, change_id: int) -> None:
        """A second person's approval: the change takes effect."""
        self._decide_role_change(change_id, roles.APPROVED, "")

    def refuse_role_change(self, change_id: int, reason: str) -> None:
        if not reason.strip():
            raise ConflictError("拒绝角色变更须写明理由", "Refusing a role change needs a reason", code="roles.reason")
        self._decide_role_change(change_id, roles.REFUSED, reason.strip())

    def _decide_role_change(self, change_id: int, outcome: str, reason: str) -> None:
        with self._writing_session(Action.ROLES) as session:
            change = self._row(session, models.RoleChange, change_id)
            if change.state != roles.PENDING:
                raise ConflictError(f"角色变更 {change_id} 已处理（{change.state}）",
                                    f"Role change {change_id} was already decided ({change.state})",
                                    code="roles.decided")
            if self.actor in (change.requested_by, change.person_id):
                raise ConflictError(f"角色变更须由提出者和当事人以外的第二人决定（{self.actor} 不能决定"
                                    "自己提出或涉及自己的变更）",
                                    f"A role change is decided by a second person, neither the one who asked for it "
                                    f"nor its subject ({self.actor} cannot decide it)", code="roles.second_person")
            person = self._row(session, models.Auditor, change.person_id)
            if roles.held(person) != change.before:
                raise ConflictError(f"{person.id} 的角色在提出变更后已有改变，请重新提出",
                                    f"{person.id}'s roles changed after this change was asked for; ask again",
                                    code="roles.stale")
            change.state, change.decided_by, change.decided_at, change.reason = (
                outcome, self.actor, self.clock.now(), reason)
            if outcome == roles.APPROVED:
                if change.after.get("login") not in (None, change.before.get("login")):
                    roles.refuse_login_taken(session, person, change.after["login"])  # taken since it was asked
                roles.take_effect(person, change.after)
            self._trail(session, "approve" if outcome == roles.APPROVED else "refuse", Entity.ROLE_CHANGE, change_id,
                        {"person": person.id, "before": change.before, "after": change.after, "reason": reason})

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

    def person_for_login(self, hub_name: str) -> str:
        """The person a hub user is: the one whose login (the people file's login column, given
        through an approved role change) is the hub name; else the one whose id it is, whatever
        its case (the hub lower-cases names), if they have no login of their own. Anyone else is
        the hub name, kept apart from every id (`<name>@hub` when it spells one: no id has an @),
        whom the store lets do nothing. A person whose login, or its absence, is not what their
        approved changes say (written around them) is refused, and `verify` names them."""
        name = hub_name.lower()
        with self._reading_session() as session:
            person = session.scalar(select(models.Auditor).where(models.Auditor.login == name))
            spelt = list(session.scalars(select(models.Auditor).where(func.lower(models.Auditor.id) == name)))
            if person is None and len(spelt) == 1 and not spelt[0].login:
                person = spelt[0]
            if person is None:
                return f"{hub_name}{NOBODY}" if spelt else hub_name
            roles.refuse_unless_granted(session, person)
            return person.id

    def people_names(self) -> dict[str, str]:
        """Each person's name by id: the screens name people as 「吴芳 P01」 (render.html.person)."""
        with self._reading_session() as session:
            return {person: name for person, name in session.execute(select(models.Auditor.id, models.Auditor.name))}

    def decision_makers(self) -> list[str]:
        with self._reading_session() as session:
            return list(session.scalars(select(models.Auditor.id).where(models.Auditor.is_decision_maker)))

    def set_team(self, audit_id: int, members: list[tuple[str, str]]) -> None:
        """Replace the audit team: (auditor id, role) pairs. The check is the rule's, not here."""
        team_roles = {r.id for r in self.scheme.team_roles}
        with self._writing_session(Action.TEAM, audit=audit_id) as session:
            self._refuse_if_locked(session, audit_id, "team")
            if (self.actor, TeamRole.LEADER) in [tuple(m) for m in members]:
                raise ConflictError(f"不能任命自己为审查组长（{self.actor}）；请由其他方案管理人员指定",
                                    f"Nobody appoints themselves team leader ({self.actor}); another programme "
                                    "manager must set this team")
            for auditor_id, role in members:
                if role not in team_roles:
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
