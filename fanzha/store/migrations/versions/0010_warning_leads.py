"""warning leads: leads with their signals and steps

Revision ID: 0010
Revises: 0009

``warning_leads.open_key`` is the lead's subject (person, else phone or account) while the lead is
open and NULL once closed: one open lead per person, however many signals arrive. ``lead_signals
.dedup_key`` takes each signal once.
"""
import sqlalchemy as sa
from alembic import op

import fanzha.store.types

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('warning_leads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_no', sa.String(length=32), nullable=False),
    sa.Column('subject_key', sa.String(length=64), nullable=False),
    sa.Column('open_key', sa.String(length=64), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('account', sa.String(length=32), nullable=True),
    sa.Column('region', sa.String(length=64), nullable=True),
    sa.Column('station_id', sa.Integer(), nullable=True),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('grade', sa.String(length=8), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('fraud_type', sa.String(length=32), nullable=True),
    sa.Column('amount_at_stake_fen', sa.BigInteger(), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('escalations', sa.Integer(), nullable=False),
    sa.Column('raised_at', fanzha.store.types.UtcDateTime(), nullable=False),
    sa.Column('sign_by', fanzha.store.types.UtcDateTime(), nullable=False),
    sa.Column('finish_by', fanzha.store.types.UtcDateTime(), nullable=False),
    sa.Column('signed_at', fanzha.store.types.UtcDateTime(), nullable=True),
    sa.Column('signed_by', sa.String(length=64), nullable=True),
    sa.Column('closed_at', fanzha.store.types.UtcDateTime(), nullable=True),
    sa.Column('result', sa.String(length=16), nullable=True),
    sa.Column('loss_avoided_fen', sa.BigInteger(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_warning_leads_case_id_cases')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_warning_leads_person_id_persons')),
    sa.ForeignKeyConstraint(['station_id'], ['organisations.id'], name=op.f('fk_warning_leads_station_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_warning_leads')),
    sa.UniqueConstraint('lead_no', name=op.f('uq_warning_leads_lead_no')),
    sa.UniqueConstraint('open_key', name=op.f('uq_warning_leads_open_key'))
    )
    op.create_index(op.f('ix_warning_leads_closed_at'), 'warning_leads', ['closed_at'], unique=False)
    op.create_index(op.f('ix_warning_leads_grade'), 'warning_leads', ['grade'], unique=False)
    op.create_index(op.f('ix_warning_leads_person_id'), 'warning_leads', ['person_id'], unique=False)
    op.create_index(op.f('ix_warning_leads_phone'), 'warning_leads', ['phone'], unique=False)
    op.create_index(op.f('ix_warning_leads_raised_at'), 'warning_leads', ['raised_at'], unique=False)
    op.create_index(op.f('ix_warning_leads_region'), 'warning_leads', ['region'], unique=False)
    op.create_index('ix_warning_leads_region_state', 'warning_leads', ['region', 'state'], unique=False)
    op.create_index(op.f('ix_warning_leads_state'), 'warning_leads', ['state'], unique=False)
    op.create_index(op.f('ix_warning_leads_station_id'), 'warning_leads', ['station_id'], unique=False)
    op.create_index('ix_warning_leads_station_state', 'warning_leads', ['station_id', 'state'], unique=False)
    op.create_index(op.f('ix_warning_leads_subject_key'), 'warning_leads', ['subject_key'], unique=False)
    op.create_table('lead_signals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('dedup_key', sa.String(length=128), nullable=False),
    sa.Column('source', sa.String(length=24), nullable=False),
    sa.Column('at', fanzha.store.types.UtcDateTime(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('received_at', fanzha.store.types.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['warning_leads.id'], name=op.f('fk_lead_signals_lead_id_warning_leads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_signals')),
    sa.UniqueConstraint('dedup_key', name=op.f('uq_lead_signals_dedup_key'))
    )
    op.create_index(op.f('ix_lead_signals_lead_id'), 'lead_signals', ['lead_id'], unique=False)
    op.create_table('lead_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=16), nullable=False),
    sa.Column('at', fanzha.store.types.UtcDateTime(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=True),
    sa.Column('outcome', sa.String(length=32), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('due_at', fanzha.store.types.UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['lead_id'], ['warning_leads.id'], name=op.f('fk_lead_steps_lead_id_warning_leads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_steps'))
    )
    op.create_index(op.f('ix_lead_steps_lead_id'), 'lead_steps', ['lead_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_lead_steps_lead_id'), table_name='lead_steps')
    op.drop_table('lead_steps')
    op.drop_index(op.f('ix_lead_signals_lead_id'), table_name='lead_signals')
    op.drop_table('lead_signals')
    op.drop_index(op.f('ix_warning_leads_subject_key'), table_name='warning_leads')
    op.drop_index('ix_warning_leads_station_state', table_name='warning_leads')
    op.drop_index(op.f('ix_warning_leads_station_id'), table_name='warning_leads')
    op.drop_index(op.f('ix_warning_leads_state'), table_name='warning_leads')
    op.drop_index('ix_warning_leads_region_state', table_name='warning_leads')
    op.drop_index(op.f('ix_warning_leads_region'), table_name='warning_leads')
    op.drop_index(op.f('ix_warning_leads_raised_at'), table_name='warning_leads')
    op.drop_index(op.f('ix_warning_leads_phone'), table_name='warning_leads')
    op.drop_index(op.f('ix_warning_leads_person_id'), table_name='warning_leads')
    op.drop_index(op.f('ix_warning_leads_grade'), table_name='warning_leads')
    op.drop_index(op.f('ix_warning_leads_closed_at'), table_name='warning_leads')
    op.drop_table('warning_leads')
