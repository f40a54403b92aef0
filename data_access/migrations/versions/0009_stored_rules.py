"""stored_rule: the rules the stored parts and the staff rows' derived dates were derived under

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

The table starts empty, which `data_access.indicators.stored_parts` reads as "derived under
rules not recorded": the next preparation of the database (`init-db`, the dashboard's start,
any command) or import rebuilds every stored value once under the code's rules and records
them. From then on a rule change needs no migration.
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('stored_rule',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )


def downgrade() -> None:
    op.drop_table('stored_rule')
