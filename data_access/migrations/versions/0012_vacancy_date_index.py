"""vacancy: an index on as_at, for the earliest and latest dates of the data (every page's
header and default date), which otherwise scanned a row a team a month

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('vacancy', schema=None) as batch_op:
        batch_op.create_index('ix_vacancy_as_at', ['as_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('vacancy', schema=None) as batch_op:
        batch_op.drop_index('ix_vacancy_as_at')
