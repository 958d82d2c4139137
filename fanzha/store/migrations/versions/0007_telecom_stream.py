"""telecom stream: block-list entries with provenance and expiry, call alerts, dead letters

Revision ID: 0007
Revises: 0006

New tables only. ``telecom_alerts.dedup_key`` (resident, flagged number, call start) makes an
alert once per call however often its events arrive; ``block_list_entries (lifted_at,
expires_at)`` serves the screen's load of live entries; ``stream_dead_letters`` keeps malformed
events with their reason.
"""
import sqlalchemy as sa
from alembic import op

import fanzha.store.types

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('block_list_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('list_kind', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('provenance', sa.String(length=16), nullable=False),
    sa.Column('provenance_ref', sa.String(length=128), nullable=True),
    sa.Column('appeal_channel', sa.String(length=256), nullable=False),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('created_at', fanzha.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('expires_at', fanzha.store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('lifted_at', fanzha.store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('lifted_by', sa.String(length=64), nullable=True),
    sa.Column('lift_reason', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_block_list_entries'))
    )
    with op.batch_alter_table('block_list_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_block_list_entries_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index('ix_block_list_entries_lifted_expires', ['lifted_at', 'expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_block_list_entries_number'), ['number'], unique=False)

    op.create_table('stream_dead_letters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=128), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=True),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('received_at', fanzha.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stream_dead_letters'))
    )
    with op.batch_alter_table('stream_dead_letters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stream_dead_letters_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_stream_dead_letters_subject'), ['subject'], unique=False)

    op.create_table('telecom_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedup_key', sa.String(length=40), nullable=False),
    sa.Column('grade', sa.String(length=8), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('resident_number', sa.String(length=20), nullable=False),
    sa.Column('flagged_number', sa.String(length=20), nullable=False),
    sa.Column('block_entry_id', sa.Integer(), nullable=True),
    sa.Column('call_record_key', sa.String(length=40), nullable=False),
    sa.Column('call_start', fanzha.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('operator', sa.String(length=16), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('raised_at', fanzha.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['block_entry_id'], ['block_list_entries.id'], name=op.f('fk_telecom_alerts_block_entry_id_block_list_entries')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_telecom_alerts_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_telecom_alerts')),
    sa.UniqueConstraint('dedup_key', name=op.f('uq_telecom_alerts_dedup_key'))
    )
    with op.batch_alter_table('telecom_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_telecom_alerts_flagged_number'), ['flagged_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_telecom_alerts_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_telecom_alerts_raised_at'), ['raised_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_telecom_alerts_resident_number'), ['resident_number'], unique=False)
        batch_op.create_index('ix_telecom_alerts_state_raised', ['state', 'raised_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('telecom_alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_telecom_alerts_state_raised')
        batch_op.drop_index(batch_op.f('ix_telecom_alerts_resident_number'))
        batch_op.drop_index(batch_op.f('ix_telecom_alerts_raised_at'))
        batch_op.drop_index(batch_op.f('ix_telecom_alerts_person_id'))
        batch_op.drop_index(batch_op.f('ix_telecom_alerts_flagged_number'))

    op.drop_table('telecom_alerts')
    with op.batch_alter_table('stream_dead_letters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stream_dead_letters_subject'))
        batch_op.drop_index(batch_op.f('ix_stream_dead_letters_received_at'))

    op.drop_table('stream_dead_letters')
    with op.batch_alter_table('block_list_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_block_list_entries_number'))
        batch_op.drop_index('ix_block_list_entries_lifted_expires')
        batch_op.drop_index(batch_op.f('ix_block_list_entries_expires_at'))

    op.drop_table('block_list_entries')
