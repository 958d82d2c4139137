"""number scores: numbers the model flags, waiting for an officer's review

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

import fanzha.store.types

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('number_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('window_days', sa.Float(), nullable=False),
    sa.Column('scored_at', fanzha.store.types.UtcDateTime(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('reviewed_at', fanzha.store.types.UtcDateTime(), nullable=True),
    sa.Column('reviewed_by', sa.String(length=64), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['number_orders.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    op.create_index('ix_number_scores_scored_at', 'number_scores', ['scored_at'], unique=False)
    op.create_index('ix_number_scores_state', 'number_scores', ['state'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_number_scores_state', table_name='number_scores')
    op.drop_index('ix_number_scores_scored_at', table_name='number_scores')
    op.drop_table('number_scores')
