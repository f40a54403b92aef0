"""census_return: the layout a return was read with, and the 2025 layout's pay and allowances

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

Returns saved before this revision keep null in the new columns (their layout was not
recorded, and layouts before 2025 have no pay or allowances).
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

_INTEGERS = (
    'salaried_workers',
    'allowance_recruitment_bonus',
    'allowance_retention_bonus',
    'allowance_performance_award',
    'allowance_car',
    'allowance_relocation',
    'allowance_regional_weighting',
    'allowance_swe_fee',
    'allowance_dbs_check',
)
_FLOATS = ('base_salary_mean', 'base_salary_median', 'rr_payments_share')


def upgrade() -> None:
    with op.batch_alter_table('census_return', schema=None) as batch_op:
        batch_op.add_column(sa.Column('layout', sa.String(length=20), nullable=True))
        for name in _INTEGERS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))
        for name in _FLOATS:
            batch_op.add_column(sa.Column(name, sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('other_allowances', sa.String(length=1000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('census_return', schema=None) as batch_op:
        batch_op.drop_column('other_allowances')
        for name in reversed(_FLOATS):
            batch_op.drop_column(name)
        for name in reversed(_INTEGERS):
            batch_op.drop_column(name)
        batch_op.drop_column('layout')
