"""agency_assignment and agency_price_cap: agency social workers' assignments and the regional
price caps (DfE's agency rules)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agency_assignment',
    sa.Column('assignment_id', sa.String(length=100), nullable=False),
    sa.Column('staff_id', sa.String(length=100), nullable=False),
    sa.Column('agency', sa.String(length=200), nullable=False),
    sa.Column('role_category', sa.String(length=40), nullable=False),
    sa.Column('swe_number', sa.String(length=20), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('hours_per_week', sa.Float(), nullable=False),
    sa.Column('hourly_pay_rate', sa.Float(), nullable=False),
    sa.Column('hourly_capped_cost', sa.Float(), nullable=False),
    sa.Column('hourly_charge_rate', sa.Float(), nullable=False),
    sa.Column('project_team', sa.Boolean(), nullable=False),
    sa.Column('cover_reason', sa.String(length=40), nullable=False),
    sa.Column('pqe_years', sa.Float(), nullable=True),
    sa.Column('last_permanent_la_code', sa.String(length=10), nullable=True),
    sa.Column('last_permanent_end_date', sa.Date(), nullable=True),
    sa.Column('cooling_off_exception', sa.String(length=40), nullable=True),
    sa.Column('references_received', sa.Integer(), nullable=True),
    sa.Column('notice_weeks', sa.Integer(), nullable=True),
    sa.Column('cap_breach_dcs_signoff_date', sa.Date(), nullable=True),
    sa.Column('cap_breach_ceo_signoff_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.staff_id'], ),
    sa.PrimaryKeyConstraint('assignment_id')
    )
    with op.batch_alter_table('agency_assignment', schema=None) as batch_op:
        batch_op.create_index('ix_agency_assignment_staff', ['staff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agency_assignment_start_date'), ['start_date'], unique=False)

    op.create_table('agency_price_cap',
    sa.Column('role_category', sa.String(length=40), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('hourly_cap', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('role_category', 'effective_from')
    )


def downgrade() -> None:
    op.drop_table('agency_price_cap')
    with op.batch_alter_table('agency_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_assignment_start_date'))
        batch_op.drop_index('ix_agency_assignment_staff')
    op.drop_table('agency_assignment')
