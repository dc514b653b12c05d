"""unique answer versions: the store itself refuses a second trail entry with the same
version of the same checklist answer (writes are serialised, so none should ever be issued
twice; this makes it a rule of the database, not only of the code)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27
"""
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

INDEX = {
    "sqlite": "CREATE UNIQUE INDEX ux_answer_versions ON audit_trail (entity_id, json_extract(detail, '$.version')) "
              "WHERE entity = 'checklist_answer' AND action = 'answer'",
    "postgresql": "CREATE UNIQUE INDEX ux_answer_versions ON audit_trail (entity_id, ((detail ->> 'version'))) "
                  "WHERE entity = 'checklist_answer' AND action = 'answer'",
}


def upgrade() -> None:
    statement = INDEX.get(op.get_bind().dialect.name)
    if statement:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name in INDEX:
        op.execute("DROP INDEX ux_answer_versions")
