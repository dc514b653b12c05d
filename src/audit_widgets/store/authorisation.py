"""Who may write what: the roles a person holds on an audit, from the people records (the
roles column, the decision-maker mark: as approved role changes gave them, roles.py) and the
audit's team, checked against the scheme's permissions before every write."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..contract import Action, Role, TeamRole
from ..errors import PermissionDenied
from ..identity import HOW_TO_SAY_WHO
from ..scheme import Scheme
from . import models
from .roles import refuse_unless_granted


def roles_of(session: Session, person_id: str, audit_id: int | None) -> set[str] | None:
    """The roles a person holds on an audit (None: not in the people records)."""
    person = session.get(models.Auditor, person_id)
    if person is None:
        return None
    if person.roles or person.is_decision_maker:
        refuse_unless_granted(session, person)  # granted through an approved role change, not written around it
    roles = set(person.roles or ())
    if person.is_decision_maker:
        roles.add(Role.COMMITTEE_MEMBER)
    if audit_id is not None:
        team_role = session.scalar(select(models.TeamMember.role).where(
            models.TeamMember.audit_id == audit_id, models.TeamMember.auditor_id == person_id))
        if team_role is not None:
            roles.add(Role.TEAM_MEMBER)
            if team_role == TeamRole.LEADER:
                roles.add(Role.TEAM_LEADER)
    return roles


def authorise(session: Session, scheme: Scheme, actor: str, action: Action, audit_id: int | None) -> None:
    """Refuse, with a plain message, an actor who holds none of the action's roles. The first
    people import of an empty store is everyone's: someone must register the administrator."""
    permission = scheme.permission(action)
    allowed, what = permission.roles, permission.name
    if action == Action.PEOPLE and session.scalar(select(models.Auditor.id).limit(1)) is None:
        return
    held = roles_of(session, actor, audit_id)
    names = scheme.roles_by_id
    if held is None:
        raise PermissionDenied(f"未能识别您的身份：「{actor}」不在人员记录中，不能{what}。{HOW_TO_SAY_WHO[0]}",
                               f"Unknown identity: '{actor}' is not in the people records and may not "
                               f"'{action}'; {HOW_TO_SAY_WHO[1]}")
    if not held & set(allowed):
        held_text = "、".join(names[r].name for r in sorted(held) if r in names) or "无 none"
        needed = "、".join(names[r].name for r in allowed)
        raise PermissionDenied(f"{actor}（{held_text}）无权{what}；须由以下角色之一操作：{needed}",
                               f"{actor} (roles: {', '.join(sorted(held)) or 'none'}) may not '{action}'; "
                               f"that needs one of: {', '.join(allowed)}")
