"""team x month and hub x month parts of every metric (the stored half of the set-based engine)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24

The table starts empty; `data_access.indicators.stored_parts.ensure_stored_parts` (run by `init-db` and
at the dashboard's start) fills it from the tables already loaded, and every import keeps it.
"""
from alembic import op
import sqlalchemy as sa

# The parts as they were at this revision (later revisions add columns): frozen here so that
# this migration always creates the same tables.
PART_NAMES = (
    "headcount", "permanent_fte", "agency_fte", "permanent_count", "permanent_stayed",
    "eligible", "in_date", "agreed", "managers", "trained", "leavers_fte", "vacant_fte",
    "holders", "cases", "holders_fte", "over", "held", "reflective", "views", "audits", "good",
)


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('team_month_parts',
    sa.Column('month_end', sa.Date(), nullable=False),
    sa.Column('team_id', sa.String(length=100), nullable=False),
    *(sa.Column(name, sa.Float(), nullable=False) for name in PART_NAMES),
    sa.ForeignKeyConstraint(['team_id'], ['team.team_id'], ),
    sa.PrimaryKeyConstraint('month_end', 'team_id')
    )


    op.create_table('hub_month_parts',
    sa.Column('month_end', sa.Date(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    *(sa.Column(name, sa.Float(), nullable=False) for name in PART_NAMES),
    sa.ForeignKeyConstraint(['hub_id'], ['hub.id'], ),
    sa.PrimaryKeyConstraint('month_end', 'hub_id')
    )


def downgrade() -> None:
    op.drop_table('hub_month_parts')
    op.drop_table('team_month_parts')
