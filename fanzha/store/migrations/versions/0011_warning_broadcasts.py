"""warning broadcasts: mass warning SMS to residents in contact with a flagged number

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

import fanzha.store.types

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('warning_broadcasts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('fraud_type', sa.String(length=32), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('window_days', sa.Integer(), nullable=False),
    sa.Column('created_at', fanzha.store.types.UtcDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_warning_broadcasts')),
    sa.UniqueConstraint('number', name=op.f('uq_warning_broadcasts_number'))
    )
    op.create_index(op.f('ix_warning_broadcasts_created_at'), 'warning_broadcasts', ['created_at'], unique=False)
    op.create_table('warning_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('broadcast_id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=20), nullable=False),
    sa.Column('operator', sa.String(length=8), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('sent_at', fanzha.store.types.UtcDateTime(), nullable=False),
    sa.Column('delivered_at', fanzha.store.types.UtcDateTime(), nullable=True),
    sa.Column('failure', sa.String(length=128), nullable=True),
    sa.ForeignKeyConstraint(['broadcast_id'], ['warning_broadcasts.id'], name=op.f('fk_warning_messages_broadcast_id_warning_broadcasts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_warning_messages'))
    )
    op.create_index(op.f('ix_warning_messages_broadcast_id'), 'warning_messages', ['broadcast_id'], unique=False)
    op.create_index(op.f('ix_warning_messages_operator'), 'warning_messages', ['operator'], unique=False)
    op.create_index(op.f('ix_warning_messages_state'), 'warning_messages', ['state'], unique=False)
    op.create_index('uq_warning_messages_broadcast_recipient', 'warning_messages', ['broadcast_id', 'recipient'], unique=True)


def downgrade() -> None:
    op.drop_index('uq_warning_messages_broadcast_recipient', table_name='warning_messages')
    op.drop_index(op.f('ix_warning_messages_state'), table_name='warning_messages')
    op.drop_index(op.f('ix_warning_messages_operator'), table_name='warning_messages')
    op.drop_index(op.f('ix_warning_messages_broadcast_id'), table_name='warning_messages')
    op.drop_table('warning_messages')
    op.drop_index(op.f('ix_warning_broadcasts_created_at'), table_name='warning_broadcasts')
    op.drop_table('warning_broadcasts')
