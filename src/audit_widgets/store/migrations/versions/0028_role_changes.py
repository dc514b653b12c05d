"""role changes take two people (issue 24 §4): each change of someone's roles (administrator,
programme manager, committee member) is a row with the roles before and after, who asked, who
decided and when; sealed like a decision. The roles people hold at this upgrade are recorded as
changes already in effect (actor "db upgrade 0028"), so that from here on a person's roles can
be checked against their approved changes.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-05
"""
import json
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None

ACTOR = "db upgrade 0028"


def upgrade() -> None:
    op.create_table(
        "role_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.String(length=64), sa.ForeignKey("auditors.id"), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
    )
    op.create_index("ix_role_changes_person_id", "role_changes", ["person_id"])
    _record_the_roles_held(op.get_bind())


def _record_the_roles_held(bind) -> None:
    from audit_widgets.store import sealing
    from audit_widgets.store.roles import APPLIED, role_state
    from audit_widgets.store.trail_chain import GENESIS, link_values
    people = bind.execute(sa.text("SELECT id, roles, is_decision_maker FROM auditors ORDER BY id")).all()
    metadata = sa.MetaData()
    changes = sa.Table("role_changes", metadata, autoload_with=bind)
    trail = sa.table("audit_trail", *(sa.column(name) for name in (
        "id", "actor", "action", "entity", "entity_id", "applicant_id", "chain")),
        sa.column("at", sa.DateTime(timezone=True)), sa.column("detail", sa.JSON))
    previous = bind.execute(sa.select(trail.c.chain).order_by(trail.c.id.desc()).limit(1)).scalar() or GENESIS
    for person_id, held_roles, committee in people:
        roles = json.loads(held_roles) if isinstance(held_roles, str) else held_roles
        after = role_state(roles, committee)
        if after == role_state((), False):
            continue
        at = datetime.now(timezone.utc)
        values = {"person_id": person_id, "before": role_state((), False), "after": after, "requested_by": ACTOR,
                  "requested_at": at, "state": APPLIED, "decided_by": ACTOR, "decided_at": at,
                  "reason": "升级时已有的角色 / roles held at the upgrade to revision 0028"}
        key = bind.execute(changes.insert().values(**values)).inserted_primary_key[0]
        row = bind.execute(sa.select(changes).where(changes.c.id == key)).mappings().one()
        detail = sealing.seal_detail("role_changes", str(key), sealing.as_json(
            {name: sealing.as_stored_time(value) for name, value in row.items()}), None)
        previous = link_values(previous, at, ACTOR, sealing.SEAL_ACTION, "role_change", str(key), detail, None)
        bind.execute(trail.insert().values(at=at, actor=ACTOR, action=sealing.SEAL_ACTION, entity="role_change",
                                           entity_id=str(key), detail=detail, applicant_id=None, chain=previous))


def downgrade() -> None:
    op.drop_index("ix_role_changes_person_id", "role_changes")
    op.drop_table("role_changes")
