"""sealed rows (issue 24 §1): every decision, certificate, status change, finding and corrective
action is a signed statement in the trail; an index to find a row's statements; the holder as
each certificate states it (certificates.holder, filled here from the holder's records); what a
stage's signature covers beyond its answers (stage_results.coverage: the signatures of the stages
it rests on and, where it locks them, the findings; signatures made before stay as they were).

The rows a store holds at this upgrade are sealed here, as they are, under the store's key (the
trail says so: actor "db upgrade 0026"). Rows changed behind the workbench's back before this
upgrade cannot be told apart; from here on they can.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05
"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

ACTOR = "db upgrade 0026"
# The tables sealed at this revision (sealing.SEALED names more since: each later one is sealed by its own migration).
SEALED_HERE = ("decisions", "certificate_decisions", "certificates", "status_changes", "findings", "corrective_actions")


def upgrade() -> None:
    op.create_index("ix_audit_trail_entity", "audit_trail", ["entity", "entity_id"])
    op.add_column("certificates", sa.Column("holder", sa.JSON(), nullable=True))
    op.add_column("stage_results", sa.Column("coverage", sa.Integer(), nullable=True))
    _state_the_holders(op.get_bind())
    _seal_existing_rows(op.get_bind())


def _state_the_holders(bind) -> None:
    """Each certificate's holder, as the holder's records read now (what it printed until now)."""
    applicants = sa.table("applicants", sa.column("id"), sa.column("name"), sa.column("uscc"), sa.column("address"),
                          sa.column("sites", sa.JSON))
    certificates = sa.table("certificates", sa.column("number"), sa.column("applicant_id"),
                            sa.column("scope", sa.JSON), sa.column("holder", sa.JSON))
    holders = {row.id: row for row in bind.execute(sa.select(applicants))}
    for number, applicant_id, scope in bind.execute(sa.select(certificates.c.number, certificates.c.applicant_id,
                                                              certificates.c.scope)).all():
        holder = holders[applicant_id]
        addresses = {site["name"]: site.get("address") for site in holder.sites or ()}
        bind.execute(certificates.update().where(certificates.c.number == number).values(holder={
            "name": holder.name, "uscc": holder.uscc, "address": holder.address,
            "sites": [[site, addresses.get(site)] for site in scope.get("sites", ())]}))


def _seal_existing_rows(bind) -> None:
    from audit_widgets.store import sealing
    from audit_widgets.store.trail_chain import GENESIS, link_values
    metadata = sa.MetaData()
    trail = sa.table("audit_trail", *(sa.column(name) for name in (
        "id", "actor", "action", "entity", "entity_id", "applicant_id", "chain")),
        sa.column("at", sa.DateTime(timezone=True)), sa.column("detail", sa.JSON))
    previous = bind.execute(sa.select(trail.c.chain).order_by(trail.c.id.desc()).limit(1)).scalar() or GENESIS
    if previous == GENESIS:
        return  # an empty store: nothing to seal
    applicants = _applicants_of_rows(bind)
    for model, entity in sealing.SEALED.items():
        if model.__tablename__ not in SEALED_HERE:
            continue
        table = sa.Table(model.__tablename__, metadata, autoload_with=bind, resolve_fks=False)
        keys = [column.name for column in table.primary_key.columns]
        for row in bind.execute(sa.select(table)).mappings():
            key = "/".join(str(row[k]) for k in keys)
            detail = sealing.seal_detail(model.__tablename__, key, sealing.as_json(dict(row)), None)
            at = datetime.now(timezone.utc)
            applicant = applicants(model.__tablename__, row)
            previous = link_values(previous, at, ACTOR, sealing.SEAL_ACTION, entity.value, key, detail, applicant)
            bind.execute(trail.insert().values(at=at, actor=ACTOR, action=sealing.SEAL_ACTION, entity=entity.value,
                                               entity_id=key, detail=detail,
                                               applicant_id=applicant, chain=previous))


def _applicants_of_rows(bind):
    """The applicant a row concerns, from the tables it points at (as sealing.applicant_of)."""
    audits = dict(bind.execute(sa.text("SELECT id, applicant_id FROM audits")).all())
    certificates = dict(bind.execute(sa.text("SELECT number, applicant_id FROM certificates")).all())
    findings = dict(bind.execute(sa.text("SELECT id, audit_id FROM findings")).all())

    def applicant(table: str, row) -> str | None:
        if table == "certificates":
            return row["applicant_id"]
        if table in ("certificate_decisions", "status_changes"):
            return certificates.get(row["certificate_number"])
        if table == "corrective_actions":
            return audits.get(findings.get(row["finding_id"]))
        return audits.get(row["audit_id"])
    return applicant


def downgrade() -> None:
    with op.batch_alter_table("certificates") as batch:
        batch.drop_column("holder")
    with op.batch_alter_table("stage_results") as batch:
        batch.drop_column("coverage")
    op.drop_index("ix_audit_trail_entity", "audit_trail")
