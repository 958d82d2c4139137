"""publicity and the public's window: campaigns, events, public SMS, media, consultations, citizens' reports

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

import fanzha.store.types

revision = '0015'
# 0014 (mule scores) has landed: this revises it, so the chain has one head.
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('consultations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_key', sa.String(length=64), nullable=False),
    sa.Column('at', fanzha.store.types.UtcDateTime(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('topic', sa.String(length=32), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=True),
    sa.Column('answered', sa.Boolean(), nullable=False),
    sa.Column('created_at', fanzha.store.types.UtcDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultations')),
    sa.UniqueConstraint('client_key', name=op.f('uq_consultations_client_key'))
    )
    op.create_index(op.f('ix_consultations_at'), 'consultations', ['at'], unique=False)
    op.create_table('media_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('outlet', sa.String(length=128), nullable=False),
    sa.Column('title', sa.String(length=256), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=True),
    sa.Column('reach', sa.Integer(), nullable=False),
    sa.Column('fraud_types', sa.JSON(), nullable=False),
    sa.Column('link', sa.String(length=512), nullable=True),
    sa.Column('created_at', fanzha.store.types.UtcDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_media_items')),
    sa.UniqueConstraint('client_key', name=op.f('uq_media_items_client_key'))
    )
    op.create_index(op.f('ix_media_items_published_on'), 'media_items', ['published_on'], unique=False)
    op.create_table('public_sms_broadcasts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_key', sa.String(length=64), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=True),
    sa.Column('age_group', sa.String(length=16), nullable=False),
    sa.Column('fraud_types', sa.JSON(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('sent', sa.Integer(), nullable=False),
    sa.Column('delivered', sa.Integer(), nullable=True),
    sa.Column('created_at', fanzha.store.types.UtcDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_sms_broadcasts')),
    sa.UniqueConstraint('client_key', name=op.f('uq_public_sms_broadcasts_client_key'))
    )
    op.create_index(op.f('ix_public_sms_broadcasts_region'), 'public_sms_broadcasts', ['region'], unique=False)
    op.create_index(op.f('ix_public_sms_broadcasts_sent_on'), 'public_sms_broadcasts', ['sent_on'], unique=False)
    op.create_table('publicity_campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('theme', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('created_at', fanzha.store.types.UtcDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publicity_campaigns')),
    sa.UniqueConstraint('client_key', name=op.f('uq_publicity_campaigns_client_key'))
    )
    op.create_table('publicity_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_key', sa.String(length=64), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=128), nullable=False),
    sa.Column('place', sa.String(length=128), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=True),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('audience', sa.String(length=64), nullable=False),
    sa.Column('materials', sa.Integer(), nullable=False),
    sa.Column('people_reached', sa.Integer(), nullable=False),
    sa.Column('fraud_types', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', fanzha.store.types.UtcDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['publicity_campaigns.id'], name=op.f('fk_publicity_events_campaign_id_publicity_campaigns')),
    sa.ForeignKeyConstraint(['station_id'], ['organisations.id'], name=op.f('fk_publicity_events_station_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publicity_events')),
    sa.UniqueConstraint('client_key', name=op.f('uq_publicity_events_client_key'))
    )
    op.create_index(op.f('ix_publicity_events_campaign_id'), 'publicity_events', ['campaign_id'], unique=False)
    op.create_index('ix_publicity_events_held_on', 'publicity_events', ['held_on'], unique=False)
    op.create_index('ix_publicity_events_region_held', 'publicity_events', ['region', 'held_on'], unique=False)
    op.create_table('public_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_no', sa.String(length=32), nullable=False),
    sa.Column('client_key', sa.String(length=64), nullable=False),
    sa.Column('received_at', fanzha.store.types.UtcDateTime(), nullable=False),
    sa.Column('route', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('what_happened', sa.Text(), nullable=False),
    sa.Column('subject_kind', sa.String(length=16), nullable=True),
    sa.Column('subject_value', sa.String(length=256), nullable=True),
    sa.Column('reporter_phone', sa.String(length=20), nullable=True),
    sa.Column('victim_phone', sa.String(length=20), nullable=True),
    sa.Column('happening_now', sa.Boolean(), nullable=False),
    sa.Column('lost_money', sa.Boolean(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=True),
    sa.Column('fraud_type', sa.String(length=32), nullable=True),
    sa.Column('region', sa.String(length=64), nullable=True),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('source_ip', sa.String(length=64), nullable=True),
    sa.Column('handled_at', fanzha.store.types.UtcDateTime(), nullable=True),
    sa.Column('handled_by', sa.String(length=64), nullable=True),
    sa.Column('handled_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_public_reports_case_id_cases')),
    sa.ForeignKeyConstraint(['lead_id'], ['warning_leads.id'], name=op.f('fk_public_reports_lead_id_warning_leads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_reports')),
    sa.UniqueConstraint('client_key', name=op.f('uq_public_reports_client_key')),
    sa.UniqueConstraint('report_no', name=op.f('uq_public_reports_report_no'))
    )
    op.create_index(op.f('ix_public_reports_received_at'), 'public_reports', ['received_at'], unique=False)
    op.create_index(op.f('ix_public_reports_route'), 'public_reports', ['route'], unique=False)
    op.create_index(op.f('ix_public_reports_state'), 'public_reports', ['state'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_public_reports_state'), table_name='public_reports')
    op.drop_index(op.f('ix_public_reports_route'), table_name='public_reports')
    op.drop_index(op.f('ix_public_reports_received_at'), table_name='public_reports')
    op.drop_table('public_reports')
    op.drop_index('ix_publicity_events_region_held', table_name='publicity_events')
    op.drop_index('ix_publicity_events_held_on', table_name='publicity_events')
    op.drop_index(op.f('ix_publicity_events_campaign_id'), table_name='publicity_events')
    op.drop_table('publicity_events')
    op.drop_table('publicity_campaigns')
    op.drop_index(op.f('ix_public_sms_broadcasts_sent_on'), table_name='public_sms_broadcasts')
    op.drop_index(op.f('ix_public_sms_broadcasts_region'), table_name='public_sms_broadcasts')
    op.drop_table('public_sms_broadcasts')
    op.drop_index(op.f('ix_media_items_published_on'), table_name='media_items')
    op.drop_table('media_items')
    op.drop_index(op.f('ix_consultations_at'), table_name='consultations')
    op.drop_table('consultations')
