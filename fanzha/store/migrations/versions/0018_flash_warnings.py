"""flash warnings: a warning message is of the mass broadcast or a flash warning (闪信) during a call

Revision ID: 0018
Revises: 0017

A resident on the line with a flagged number gets one flash warning about it, whether or not the
number's mass warning reached them before: the message's ``kind`` tells the two apart, and the
once-per-resident rule becomes once per resident, number and kind.
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('warning_messages', sa.Column('kind', sa.String(length=8), server_default='mass', nullable=False))
    op.drop_index('uq_warning_messages_broadcast_recipient', table_name='warning_messages')
    op.create_index('uq_warning_messages_broadcast_recipient_kind', 'warning_messages',
                    ['broadcast_id', 'recipient', 'kind'], unique=True)


def downgrade() -> None:
    op.drop_index('uq_warning_messages_broadcast_recipient_kind', table_name='warning_messages')
    op.execute("DELETE FROM warning_messages WHERE kind = 'flash' AND EXISTS (SELECT 1 FROM warning_messages m "
               "WHERE m.broadcast_id = warning_messages.broadcast_id AND m.recipient = warning_messages.recipient "
               "AND m.kind = 'mass')")
    op.create_index('uq_warning_messages_broadcast_recipient', 'warning_messages', ['broadcast_id', 'recipient'],
                    unique=True)
    op.drop_column('warning_messages', 'kind')
