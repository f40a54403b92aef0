"""board pack commentary

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('board_commentary',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('scope_key', sa.String(length=220), nullable=False),
    sa.Column('section', sa.String(length=40), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=320), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('board_commentary', schema=None) as batch_op:
        batch_op.create_index('ix_board_commentary_month_scope', ['month', 'scope_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('board_commentary', schema=None) as batch_op:
        batch_op.drop_index('ix_board_commentary_month_scope')
    op.drop_table('board_commentary')
