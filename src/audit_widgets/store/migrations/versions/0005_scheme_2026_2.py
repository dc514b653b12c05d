"""scheme 2026.2: typed sites, service promises, the recorded site sample, and the finding
behind each special deduction

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26

Sites were plain names; they become {name, type}. The first listed site is taken as the
central function (as the demo files and the application form listed it first) and the others
as service outlets; an auditor corrects the types on the application form.
"""
import json

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('applicants') as batch:
        batch.add_column(sa.Column('service_promises', sa.JSON(), nullable=False, server_default='{}'))
    with op.batch_alter_table('audit_programmes') as batch:
        batch.add_column(sa.Column('site_sample', sa.JSON(), nullable=True))
    with op.batch_alter_table('score_adjustments') as batch:
        batch.add_column(sa.Column('finding_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_score_adjustments_finding', 'findings', ['finding_id'], ['id'])
    _type_the_sites(op.get_bind())


def _type_the_sites(bind) -> None:
    for applicant_id, sites in bind.execute(sa.text("SELECT id, sites FROM applicants")).all():
        names = json.loads(sites) if isinstance(sites, str) else (sites or [])
        if not names or isinstance(names[0], dict):
            continue
        typed = [{"name": name, "type": "central" if i == 0 else "service_outlet"} for i, name in enumerate(names)]
        bind.execute(sa.text("UPDATE applicants SET sites = :sites WHERE id = :id"),
                     {"sites": json.dumps(typed, ensure_ascii=False), "id": applicant_id})


def downgrade() -> None:
    with op.batch_alter_table('score_adjustments') as batch:
        batch.drop_constraint('fk_score_adjustments_finding', type_='foreignkey')
        batch.drop_column('finding_id')
    with op.batch_alter_table('audit_programmes') as batch:
        batch.drop_column('site_sample')
    with op.batch_alter_table('applicants') as batch:
        batch.drop_column('service_promises')
