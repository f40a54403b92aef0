"""import log: record refused attempts with their problem count

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('import_log', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('problem_count', sa.Integer(), server_default='0', nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('import_log', schema=None) as batch_op:
        batch_op.drop_column('problem_count')
