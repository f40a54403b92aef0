"""benchmarks, statistical neighbours, settings and census returns

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('import_log', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('kind', sa.String(length=20), server_default='organisation', nullable=False)
        )
    op.create_table('benchmark_row',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('region_code', sa.String(length=20), nullable=True),
    sa.Column('region_name', sa.String(length=100), nullable=True),
    sa.Column('la_code', sa.String(length=60), nullable=True),
    sa.Column('new_la_code', sa.String(length=100), nullable=True),
    sa.Column('la_name', sa.String(length=300), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('benchmark_row', schema=None) as batch_op:
        batch_op.create_index('ix_benchmark_row_year_level', ['year', 'level'], unique=False)

    op.create_table('benchmark_source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('loaded_by', sa.String(length=200), nullable=False),
    sa.Column('indicators_file', sa.String(length=500), nullable=False),
    sa.Column('neighbours_file', sa.String(length=500), nullable=True),
    sa.Column('first_year', sa.Integer(), nullable=False),
    sa.Column('last_year', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('census_return',
    sa.Column('la_code', sa.String(length=10), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('reference_date', sa.Date(), nullable=False),
    sa.Column('file_name', sa.String(length=500), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('loaded_by', sa.String(length=200), nullable=False),
    sa.Column('worker_records', sa.Integer(), nullable=False),
    sa.Column('inpost_fte', sa.Float(), nullable=False),
    sa.Column('inpost_headcount', sa.Integer(), nullable=False),
    sa.Column('starters_fte', sa.Float(), nullable=False),
    sa.Column('starters_headcount', sa.Integer(), nullable=False),
    sa.Column('leavers_fte', sa.Float(), nullable=False),
    sa.Column('leavers_headcount', sa.Integer(), nullable=False),
    sa.Column('turnover_rate_fte', sa.Float(), nullable=True),
    sa.Column('agency_fte', sa.Float(), nullable=False),
    sa.Column('agency_headcount', sa.Integer(), nullable=False),
    sa.Column('agency_rate_fte', sa.Float(), nullable=True),
    sa.Column('vacancy_fte', sa.Float(), nullable=True),
    sa.Column('vacancy_rate_fte', sa.Float(), nullable=True),
    sa.Column('case_holders_fte', sa.Float(), nullable=False),
    sa.Column('cases', sa.Integer(), nullable=False),
    sa.Column('caseload_fte', sa.Float(), nullable=True),
    sa.Column('working_days_lost_fte', sa.Float(), nullable=True),
    sa.Column('absence_rate_fte', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('la_code', 'year')
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('statistical_neighbour',
    sa.Column('la_code', sa.String(length=10), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('neighbour_code', sa.String(length=10), nullable=False),
    sa.Column('closeness', sa.String(length=40), nullable=True),
    sa.PrimaryKeyConstraint('la_code', 'position')
    )
    op.create_table('benchmark_authority',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('la_code', sa.String(length=10), nullable=False),
    sa.Column('la_name', sa.String(length=200), nullable=False),
    sa.Column('row_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['row_id'], ['benchmark_row.id'], ),
    sa.PrimaryKeyConstraint('year', 'la_code')
    )
    with op.batch_alter_table('benchmark_authority', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benchmark_authority_row_id'), ['row_id'], unique=False)

    op.create_table('benchmark_value',
    sa.Column('row_id', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('status', sa.String(length=4), nullable=True),
    sa.ForeignKeyConstraint(['row_id'], ['benchmark_row.id'], ),
    sa.PrimaryKeyConstraint('row_id', 'indicator')
    )
    with op.batch_alter_table('benchmark_value', schema=None) as batch_op:
        batch_op.create_index('ix_benchmark_value_indicator', ['indicator', 'row_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('benchmark_value', schema=None) as batch_op:
        batch_op.drop_index('ix_benchmark_value_indicator')

    op.drop_table('benchmark_value')
    with op.batch_alter_table('benchmark_authority', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benchmark_authority_row_id'))

    op.drop_table('benchmark_authority')
    op.drop_table('statistical_neighbour')
    op.drop_table('setting')
    op.drop_table('census_return')
    op.drop_table('benchmark_source')
    with op.batch_alter_table('benchmark_row', schema=None) as batch_op:
        batch_op.drop_index('ix_benchmark_row_year_level')

    op.drop_table('benchmark_row')
    with op.batch_alter_table('import_log', schema=None) as batch_op:
        batch_op.drop_column('kind')
