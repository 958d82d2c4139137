"""stop-payment orders (紧急止付) with their event timeline, freezes, restitutions, statement requests

Revision ID: 0005
Revises: 0004

New tables only; no existing table changes. ``stop_payment_orders.dedup_key`` (case + account +
level) makes raising an order idempotent; ``(bank, state)`` serves a bank liaison's queue.
"""
import sqlalchemy as sa
from alembic import op

import fanzha.store.types

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('statement_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedup_key', sa.String(length=96), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('bank', sa.String(length=16), nullable=False),
    sa.Column('account_number', sa.String(length=32), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('requested_at', fanzha.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('answered_at', fanzha.store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('import_batch_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_statement_requests_case_id_cases')),
    sa.ForeignKeyConstraint(['import_batch_id'], ['import_batches.id'], name=op.f('fk_statement_requests_import_batch_id_import_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statement_requests')),
    sa.UniqueConstraint('dedup_key', name=op.f('uq_statement_requests_dedup_key'))
    )
    with op.batch_alter_table('statement_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_requests_account_number'), ['account_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_statement_requests_bank'), ['bank'], unique=False)
        batch_op.create_index(batch_op.f('ix_statement_requests_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_statement_requests_state'), ['state'], unique=False)

    op.create_table('stop_payment_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_no', sa.String(length=32), nullable=False),
    sa.Column('dedup_key', sa.String(length=96), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('bank', sa.String(length=16), nullable=False),
    sa.Column('account_number', sa.String(length=32), nullable=False),
    sa.Column('account_name', sa.String(length=64), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('transfer_time', fanzha.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('stopped_fen', sa.BigInteger(), nullable=True),
    sa.Column('reject_reason', sa.String(length=256), nullable=True),
    sa.Column('created_at', fanzha.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', fanzha.store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('answered_at', fanzha.store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('stopped_at', fanzha.store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('expires_at', fanzha.store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_stop_payment_orders_case_id_cases')),
    sa.ForeignKeyConstraint(['parent_id'], ['stop_payment_orders.id'], name=op.f('fk_stop_payment_orders_parent_id_stop_payment_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stop_payment_orders')),
    sa.UniqueConstraint('dedup_key', name=op.f('uq_stop_payment_orders_dedup_key')),
    sa.UniqueConstraint('order_no', name=op.f('uq_stop_payment_orders_order_no'))
    )
    with op.batch_alter_table('stop_payment_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stop_payment_orders_account_number'), ['account_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_stop_payment_orders_bank'), ['bank'], unique=False)
        batch_op.create_index('ix_stop_payment_orders_bank_state', ['bank', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_stop_payment_orders_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stop_payment_orders_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_stop_payment_orders_state'), ['state'], unique=False)

    op.create_table('freezes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('bank', sa.String(length=16), nullable=False),
    sa.Column('account_number', sa.String(length=32), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('legal_document_no', sa.String(length=64), nullable=False),
    sa.Column('frozen_at', fanzha.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', fanzha.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('renewals', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_freezes_case_id_cases')),
    sa.ForeignKeyConstraint(['order_id'], ['stop_payment_orders.id'], name=op.f('fk_freezes_order_id_stop_payment_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_freezes')),
    sa.UniqueConstraint('order_id', name=op.f('uq_freezes_order_id'))
    )
    with op.batch_alter_table('freezes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_freezes_account_number'), ['account_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_freezes_bank'), ['bank'], unique=False)
        batch_op.create_index(batch_op.f('ix_freezes_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_freezes_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_freezes_state'), ['state'], unique=False)

    op.create_table('order_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('at', fanzha.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('from_state', sa.String(length=16), nullable=True),
    sa.Column('to_state', sa.String(length=16), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['stop_payment_orders.id'], name=op.f('fk_order_events_order_id_stop_payment_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_events'))
    )
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_events_order_id'), ['order_id'], unique=False)

    op.create_table('restitutions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('freeze_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('notice_published_at', fanzha.store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('returned_at', fanzha.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_restitutions_case_id_cases')),
    sa.ForeignKeyConstraint(['freeze_id'], ['freezes.id'], name=op.f('fk_restitutions_freeze_id_freezes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_restitutions'))
    )
    with op.batch_alter_table('restitutions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_restitutions_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_restitutions_freeze_id'), ['freeze_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('restitutions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_restitutions_freeze_id'))
        batch_op.drop_index(batch_op.f('ix_restitutions_case_id'))

    op.drop_table('restitutions')
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_events_order_id'))

    op.drop_table('order_events')
    with op.batch_alter_table('freezes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_freezes_state'))
        batch_op.drop_index(batch_op.f('ix_freezes_expires_at'))
        batch_op.drop_index(batch_op.f('ix_freezes_case_id'))
        batch_op.drop_index(batch_op.f('ix_freezes_bank'))
        batch_op.drop_index(batch_op.f('ix_freezes_account_number'))

    op.drop_table('freezes')
    with op.batch_alter_table('stop_payment_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stop_payment_orders_state'))
        batch_op.drop_index(batch_op.f('ix_stop_payment_orders_expires_at'))
        batch_op.drop_index(batch_op.f('ix_stop_payment_orders_case_id'))
        batch_op.drop_index('ix_stop_payment_orders_bank_state')
        batch_op.drop_index(batch_op.f('ix_stop_payment_orders_bank'))
        batch_op.drop_index(batch_op.f('ix_stop_payment_orders_account_number'))

    op.drop_table('stop_payment_orders')
    with op.batch_alter_table('statement_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statement_requests_state'))
        batch_op.drop_index(batch_op.f('ix_statement_requests_case_id'))
        batch_op.drop_index(batch_op.f('ix_statement_requests_bank'))
        batch_op.drop_index(batch_op.f('ix_statement_requests_account_number'))

    op.drop_table('statement_requests')
