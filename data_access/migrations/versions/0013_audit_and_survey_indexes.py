"""supervision_audit and staff_survey_result: covering indexes for the audits of a period by
grade and for each survey question's sum over the teams (both read whole tables' rows at
national size)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('supervision_audit', schema=None) as batch_op:
        batch_op.drop_index('ix_supervision_audit_audit_date')
        batch_op.create_index(
            'ix_audit_date_staff_grade', ['audit_date', 'staff_id', 'grade'], unique=False
        )
    with op.batch_alter_table('staff_survey_result', schema=None) as batch_op:
        batch_op.create_index(
            'ix_survey_question_counts',
            ['survey_date', 'question', 'team_id', 'responses', 'agree'],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table('staff_survey_result', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_question_counts')
    with op.batch_alter_table('supervision_audit', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_date_staff_grade')
        batch_op.create_index('ix_supervision_audit_audit_date', ['audit_date'], unique=False)
