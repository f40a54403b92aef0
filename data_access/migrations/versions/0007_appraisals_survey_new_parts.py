"""appraisals, staff survey results, start deadlines on staff, and the parts of four new metrics

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24

The staff rows get the dates their supervision agreement (start + 3 months) and, for a team
manager, their supervision training (start + 6 months) are due, computed here for the rows
already loaded as the import computes them for new rows. The stored parts gain eight columns;
the record of which month ends they hold is removed, so that `ensure_stored_parts` (run by
`init-db` and at the dashboard's start) rebuilds every month end with the new parts.
"""
from alembic import op
import sqlalchemy as sa

from data_access.core.dates import add_months


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

NEW_PARTS = (
    "timed_sessions", "long_sessions", "appraisal_due", "appraised", "new_managers",
    "new_managers_trained", "agreement_due", "agreed_in_time",
)
STORED_RANGE_KEY = "engine.stored_parts_range"
_BATCH = 5_000


def upgrade() -> None:
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agreement_due_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('training_due_date', sa.Date(), nullable=True))
    _fill_start_deadlines()

    op.create_table('appraisal',
    sa.Column('appraisal_id', sa.String(length=100), nullable=False),
    sa.Column('staff_id', sa.String(length=100), nullable=False),
    sa.Column('appraisal_date', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.staff_id'], ),
    sa.PrimaryKeyConstraint('appraisal_id')
    )
    with op.batch_alter_table('appraisal', schema=None) as batch_op:
        batch_op.create_index('ix_appraisal_staff_date', ['staff_id', 'appraisal_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_appraisal_appraisal_date'), ['appraisal_date'], unique=False)

    op.create_table('staff_survey_result',
    sa.Column('survey_date', sa.Date(), nullable=False),
    sa.Column('team_id', sa.String(length=100), nullable=False),
    sa.Column('question', sa.String(length=300), nullable=False),
    sa.Column('responses', sa.Integer(), nullable=False),
    sa.Column('agree', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('survey_date', 'team_id', 'question')
    )

    for table in ('team_month_parts', 'hub_month_parts'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in NEW_PARTS:
                batch_op.add_column(
                    sa.Column(name, sa.Float(), nullable=False, server_default='0')
                )
    op.execute(sa.text("DELETE FROM setting WHERE key = :key").bindparams(key=STORED_RANGE_KEY))


def _fill_start_deadlines() -> None:
    bind = op.get_bind()
    staff = sa.table(
        'staff',
        sa.column('staff_id', sa.String),
        sa.column('start_date', sa.Date),
        sa.column('agreement_due_date', sa.Date),
        sa.column('training_due_date', sa.Date),
    )
    rows = bind.execute(sa.select(staff.c.staff_id, staff.c.start_date)).all()
    update = (
        sa.update(staff)
        .where(staff.c.staff_id == sa.bindparam('id'))
        .values(agreement_due_date=sa.bindparam('agreement'), training_due_date=sa.bindparam('training'))
    )
    for start in range(0, len(rows), _BATCH):
        batch = [
            {'id': staff_id, 'agreement': add_months(begun, 3), 'training': add_months(begun, 6)}
            for staff_id, begun in rows[start:start + _BATCH]
        ]
        if batch:
            bind.execute(update, batch)


def downgrade() -> None:
    for table in ('hub_month_parts', 'team_month_parts'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in reversed(NEW_PARTS):
                batch_op.drop_column(name)
    op.drop_table('staff_survey_result')
    with op.batch_alter_table('appraisal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appraisal_appraisal_date'))
        batch_op.drop_index('ix_appraisal_staff_date')
    op.drop_table('appraisal')
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('training_due_date')
        batch_op.drop_column('agreement_due_date')
    op.execute(sa.text("DELETE FROM setting WHERE key = :key").bindparams(key=STORED_RANGE_KEY))
