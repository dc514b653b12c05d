"""Role changes take two people (issue 24 §4, ISO/IEC 17021-1 §5.2, §6.1.2). A change of the
roles the people file assigns (administrator, programme manager), of the committee mark, or of
the login a person signs in with behind the hub (issue 27: whoever sets it decides who a login
acts as) is recorded with the person's roles before and after, and takes effect only when a second person,
another administrator or a committee member, approves it. Neither the person who asked for the
change nor the person it concerns may approve it: nobody grants a role to themselves.

Two cases take effect at once, recorded as `applied` with the reason: the first people import of
an empty store (someone must register the first administrator), and a body whose configuration
says one person runs it (body.yaml `single_person`), which every document then states.

Each change is a sealed row (sealing.py). The roles a person holds must be those of their newest
approved change: `authorise` refuses a person whose roles were changed around it, and `verify`
names them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..errors import ConflictError
from . import models
from .sealing import RowProblem, check_row

PENDING, APPROVED, REFUSED, APPLIED = "pending", "approved", "refused", "applied"
FIRST_REGISTRATION = "首次登记人员（空库）/ the first people registered in an empty store"
SINGLE_PERSON = "单人机构，无第二人批准（body.yaml single_person）/ single-person body: no second person to approve"


def role_state(roles, committee_member, login: str | None = None) -> dict:
    """A person's roles as a change records them; the login only when there is one, so that the
    changes recorded before logins existed still say what people hold."""
    return {"roles": sorted(roles or ()), "committee_member": bool(committee_member), **({"login": login} if login else {})}


def held(person: models.Auditor) -> dict:
    return role_state(person.roles, person.is_decision_maker, person.login)


def change_roles(session: Session, person: models.Auditor, wanted: dict, *, actor: str, at: datetime,
                 directly: str | None) -> models.RoleChange | None:
    """Ask for `person`'s roles to become `wanted`; with `directly` (the reason no second person
    approves), the change takes effect now. Nothing is recorded if the roles stay the same, or
    if the same change is already waiting for approval."""
    before = held(person)
    if wanted == before:
        return None
    if wanted.get("login") and wanted.get("login") != before.get("login"):
        refuse_login_taken(session, person, wanted["login"])
    if directly is None:
        for waiting in session.scalars(select(models.RoleChange).where(
                models.RoleChange.person_id == person.id, models.RoleChange.state == PENDING)):
            if (waiting.before, waiting.after) == (before, wanted):
                return waiting
    change = models.RoleChange(person_id=person.id, before=before, after=wanted, requested_by=actor, requested_at=at,
                               state=PENDING if directly is None else APPLIED, reason=directly or "",
                               decided_by=None if directly is None else actor, decided_at=None if directly is None else at)
    session.add(change)
    if directly is not None:
        take_effect(person, wanted)
    return change


def take_effect(person: models.Auditor, state: dict) -> None:
    person.roles, person.is_decision_maker, person.login = (list(state["roles"]), state["committee_member"],
                                                            state.get("login"))


def refuse_login_taken(session: Session, person: models.Auditor, login: str) -> None:
    """One person per login: not another person's login (held or asked for), nor another person's
    id, which is that person's login while they have none of their own (a new person's id is
    checked so too)."""
    others = list(session.scalars(select(models.Auditor.id).where(
        models.Auditor.id != person.id, or_(models.Auditor.login == login, func.lower(models.Auditor.id) == login))))
    others += [c.person_id for c in session.scalars(select(models.RoleChange).where(
        models.RoleChange.state == PENDING, models.RoleChange.person_id != person.id)) if c.after.get("login") == login]
    if others:
        raise ConflictError(f"登录名「{login}」已属于 {others[0]}，不能再给 {person.id}",
                            f"The login '{login}' is already {others[0]}'s and cannot be {person.id}'s too",
                            code="roles.login_taken")


def _newest_in_effect(session: Session, person_id: str) -> models.RoleChange | None:
    return session.scalar(select(models.RoleChange).where(
        models.RoleChange.person_id == person_id, models.RoleChange.state.in_((APPROVED, APPLIED)))
        .order_by(models.RoleChange.id.desc()).limit(1))


def role_problem(session: Session, person: models.Auditor) -> RowProblem | None:
    """Whether the roles `person` holds are those of their newest change in effect (none: no
    roles), and that change matches its signed statement."""
    change = _newest_in_effect(session, person.id)
    if change is not None:
        problem = check_row(session, change)
        if problem is not None:
            return problem
    granted, now = change.after if change is not None else role_state((), False), held(person)
    if now == granted:
        return None
    fields = tuple(name for name, key in (("roles", "roles"), ("is_decision_maker", "committee_member"),
                                          ("login", "login")) if now.get(key) != granted.get(key))
    return RowProblem(models.Auditor.__tablename__, person.id, "roles", fields)


def role_problems(session: Session) -> list[RowProblem]:
    """Every person whose roles are not those their approved changes gave them (for verify)."""
    people = session.scalars(select(models.Auditor).order_by(models.Auditor.id))
    return [problem for person in people if (problem := role_problem(session, person)) is not None]


def refuse_unless_granted(session: Session, person: models.Auditor) -> None:
    """Refuse to act on roles that were not granted through an approved change."""
    problem = role_problem(session, person)
    if problem is not None:
        raise ConflictError(f"{person.id} 的角色与经批准的角色变更不符，不能据此操作（请运行 audit-workbench verify）："
                            f"{problem.text()}",
                            f"{person.id}'s roles are not those of an approved role change; nothing is done on them "
                            f"(run audit-workbench verify): {problem.text()}", code="roles.not_granted")
