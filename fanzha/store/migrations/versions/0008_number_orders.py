"""number orders: orders to operators (intercept, shut down, re-verify), their timelines, appeals

Revision ID: 0008
Revises: 0007

New tables only. ``number_orders.dedup_key`` (number and kind) keeps one order per number and
kind however many cases name it; ``(operator, state)`` serves each operator's queue and
``due_at`` the overdue list.
"""
import sqlalchemy as sa
from alembic import op

import fanzha.store.types

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('number_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_no', sa.String(length=32), nullable=False),
    sa.Column('dedup_key', sa.String(length=64), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('operator', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('basis', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('source_ref', sa.String(length=128), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('appeal_channel', sa.String(length=256), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('raised_at', fanzha.store.types.UtcDateTime(), nullable=False),
    sa.Column('due_at', fanzha.store.types.UtcDateTime(), nullable=False),
    sa.Column('answered_at', fanzha.store.types.UtcDateTime(), nullable=True),
    sa.Column('reject_reason', sa.String(length=256), nullable=True),
    sa.Column('block_entry_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['block_entry_id'], ['block_list_entries.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dedup_key'),
    sa.UniqueConstraint('order_no')
    )
    op.create_index('ix_number_orders_case_id', 'number_orders', ['case_id'], unique=False)
    op.create_index('ix_number_orders_due_at', 'number_orders', ['due_at'], unique=False)
    op.create_index('ix_number_orders_number', 'number_orders', ['number'], unique=False)
    op.create_index('ix_number_orders_operator', 'number_orders', ['operator'], unique=False)
    op.create_index('ix_number_orders_operator_state', 'number_orders', ['operator', 'state'], unique=False)
    op.create_index('ix_number_orders_state', 'number_orders', ['state'], unique=False)
    op.create_table('number_order_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('at', fanzha.store.types.UtcDateTime(), nullable=False),
    sa.Column('from_state', sa.String(length=16), nullable=True),
    sa.Column('to_state', sa.String(length=16), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['number_orders.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_number_order_events_order_id', 'number_order_events', ['order_id'], unique=False)
    op.create_table('number_appeals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('appellant', sa.String(length=64), nullable=False),
    sa.Column('grounds', sa.Text(), nullable=False),
    sa.Column('filed_at', fanzha.store.types.UtcDateTime(), nullable=False),
    sa.Column('filed_by', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('decided_at', fanzha.store.types.UtcDateTime(), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['number_orders.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_number_appeals_order_id', 'number_appeals', ['order_id'], unique=False)
    op.create_index('ix_number_appeals_state', 'number_appeals', ['state'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_number_appeals_state', table_name='number_appeals')
    op.drop_index('ix_number_appeals_order_id', table_name='number_appeals')
    op.drop_table('number_appeals')
    op.drop_index('ix_number_order_events_order_id', table_name='number_order_events')
    op.drop_table('number_order_events')
    op.drop_index('ix_number_orders_state', table_name='number_orders')
    op.drop_index('ix_number_orders_operator_state', table_name='number_orders')
    op.drop_index('ix_number_orders_operator', table_name='number_orders')
    op.drop_index('ix_number_orders_number', table_name='number_orders')
    op.drop_index('ix_number_orders_due_at', table_name='number_orders')
    op.drop_index('ix_number_orders_case_id', table_name='number_orders')
    op.drop_table('number_orders')
