"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 02:48:28.364691
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('area',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('import_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('files', sa.Text(), nullable=False),
    sa.Column('rows_added', sa.Integer(), nullable=False),
    sa.Column('rows_replaced', sa.Integer(), nullable=False),
    sa.Column('rows_unchanged', sa.Integer(), nullable=False),
    sa.Column('imported_by', sa.String(length=200), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('import_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_log_imported_at'), ['imported_at'], unique=False)

    op.create_table('hub',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    with op.batch_alter_table('hub', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hub_area_id'), ['area_id'], unique=False)

    op.create_table('team',
    sa.Column('team_id', sa.String(length=100), nullable=False),
    sa.Column('team_name', sa.String(length=200), nullable=False),
    sa.Column('team_type', sa.String(length=40), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['hub_id'], ['hub.id'], ),
    sa.PrimaryKeyConstraint('team_id')
    )
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_hub_id'), ['hub_id'], unique=False)

    op.create_table('staff',
    sa.Column('staff_id', sa.String(length=100), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.Column('employment_type', sa.String(length=20), nullable=False),
    sa.Column('fte', sa.Float(), nullable=False),
    sa.Column('team_id', sa.String(length=100), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('leaving_reason', sa.Text(), nullable=True),
    sa.Column('asye_start_date', sa.Date(), nullable=True),
    sa.Column('supervision_agreement_date', sa.Date(), nullable=True),
    sa.Column('supervision_training_date', sa.Date(), nullable=True),
    sa.Column('asye_weekly_until', sa.Date(), nullable=True),
    sa.Column('asye_fortnightly_until', sa.Date(), nullable=True),
    sa.Column('asye_end_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['team_id'], ['team.team_id'], ),
    sa.PrimaryKeyConstraint('staff_id')
    )
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_end_date'), ['end_date'], unique=False)
        batch_op.create_index('ix_staff_team_role', ['team_id', 'role'], unique=False)

    op.create_table('vacancy',
    sa.Column('team_id', sa.String(length=100), nullable=False),
    sa.Column('as_at', sa.Date(), nullable=False),
    sa.Column('vacant_fte', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['team.team_id'], ),
    sa.PrimaryKeyConstraint('team_id', 'as_at')
    )
    op.create_table('caseload_snapshot',
    sa.Column('staff_id', sa.String(length=100), nullable=False),
    sa.Column('snapshot_date', sa.Date(), nullable=False),
    sa.Column('open_cases', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.staff_id'], ),
    sa.PrimaryKeyConstraint('staff_id', 'snapshot_date')
    )
    with op.batch_alter_table('caseload_snapshot', schema=None) as batch_op:
        batch_op.create_index('ix_caseload_snapshot_date', ['snapshot_date'], unique=False)

    op.create_table('supervision_audit',
    sa.Column('audit_id', sa.String(length=100), nullable=False),
    sa.Column('staff_id', sa.String(length=100), nullable=False),
    sa.Column('audit_date', sa.Date(), nullable=False),
    sa.Column('grade', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.staff_id'], ),
    sa.PrimaryKeyConstraint('audit_id')
    )
    with op.batch_alter_table('supervision_audit', schema=None) as batch_op:
        batch_op.create_index('ix_audit_staff_date', ['staff_id', 'audit_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_audit_audit_date'), ['audit_date'], unique=False)

    op.create_table('supervision_session',
    sa.Column('session_id', sa.String(length=100), nullable=False),
    sa.Column('staff_id', sa.String(length=100), nullable=False),
    sa.Column('supervisor_id', sa.String(length=100), nullable=False),
    sa.Column('session_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=True),
    sa.Column('reflective', sa.Boolean(), nullable=True),
    sa.Column('childs_views_recorded', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.staff_id'], ),
    sa.ForeignKeyConstraint(['supervisor_id'], ['staff.staff_id'], ),
    sa.PrimaryKeyConstraint('session_id')
    )
    with op.batch_alter_table('supervision_session', schema=None) as batch_op:
        batch_op.create_index('ix_session_date', ['session_date'], unique=False)
        batch_op.create_index('ix_session_staff_status_date', ['staff_id', 'status', 'session_date'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('supervision_session', schema=None) as batch_op:
        batch_op.drop_index('ix_session_staff_status_date')
        batch_op.drop_index('ix_session_date')

    op.drop_table('supervision_session')
    with op.batch_alter_table('supervision_audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_audit_audit_date'))
        batch_op.drop_index('ix_audit_staff_date')

    op.drop_table('supervision_audit')
    with op.batch_alter_table('caseload_snapshot', schema=None) as batch_op:
        batch_op.drop_index('ix_caseload_snapshot_date')

    op.drop_table('caseload_snapshot')
    op.drop_table('vacancy')
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_team_role')
        batch_op.drop_index(batch_op.f('ix_staff_end_date'))

    op.drop_table('staff')
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_hub_id'))

    op.drop_table('team')
    with op.batch_alter_table('hub', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hub_area_id'))

    op.drop_table('hub')
    with op.batch_alter_table('import_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_log_imported_at'))

    op.drop_table('import_log')
    op.drop_table('area')

