"""app_user: the identity provider's subject bound at first sign-in, and when sign-ins end

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('signed_out_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint('uq_app_user_subject', ['subject'])


def downgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_constraint('uq_app_user_subject', type_='unique')
        batch_op.drop_column('signed_out_at')
        batch_op.drop_column('subject')
