"""integrity: findings from checklist rows, stage redo marks, decision override reasons,
who recorded a status change

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('findings') as batch:
        batch.add_column(sa.Column('item_id', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('withdrawn_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('withdrawn_reason', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('stage_results') as batch:
        batch.add_column(sa.Column('redo_reason', sa.Text(), nullable=True))
    with op.batch_alter_table('decisions') as batch:
        batch.add_column(sa.Column('override_reason', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('status_changes') as batch:
        batch.add_column(sa.Column('recorded_by', sa.String(length=64), nullable=False, server_default=''))
    _link_graded_rows(op.get_bind())


def _link_graded_rows(bind) -> None:
    """Grades set on checklist rows before this revision become findings, as they are now
    raised: a finding of the same item and grade is linked, else one is raised."""
    answers = bind.execute(sa.text(
        "SELECT application_id, item_id, finding_grade, note, answered_at, answered_by FROM checklist_answers "
        "WHERE finding_grade IS NOT NULL")).all()
    for application_id, item_id, grade, note, answered_at, answered_by in answers:
        existing = bind.execute(sa.text(
            "SELECT id FROM findings WHERE application_id = :a AND clause = :i AND grade = :g AND item_id IS NULL "
            "ORDER BY id LIMIT 1"), {"a": application_id, "i": item_id, "g": grade}).scalar()
        if existing is not None:
            bind.execute(sa.text("UPDATE findings SET item_id = :i WHERE id = :id"), {"i": item_id, "id": existing})
            continue
        bind.execute(sa.text(
            "INSERT INTO findings (application_id, grade, clause, description, evidence, raised_on, raised_by, "
            "item_id, withdrawn_reason) VALUES (:a, :g, :i, :d, :e, :r, :b, :i, '')"),
            {"a": application_id, "g": grade, "i": item_id, "d": f"{item_id}：{note}" if note else item_id,
             "e": note or "", "r": str(answered_at)[:10], "b": answered_by})


def downgrade() -> None:
    with op.batch_alter_table('status_changes') as batch:
        batch.drop_column('recorded_by')
    with op.batch_alter_table('decisions') as batch:
        batch.drop_column('override_reason')
    with op.batch_alter_table('stage_results') as batch:
        batch.drop_column('redo_reason')
    with op.batch_alter_table('findings') as batch:
        batch.drop_column('withdrawn_reason')
        batch.drop_column('withdrawn_on')
        batch.drop_column('item_id')
