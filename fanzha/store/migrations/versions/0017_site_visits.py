"""site visits: subscribers' visits to web addresses and apps, screened against the fraud sites

Revision ID: 0017
Revises: 0016

A new table only. ``record_key`` (the content hash, unique) stores a visit once however it
arrives (file or stream); ``(host, visit_time)`` serves the one query that reads visits back: when
a case names a URL or app, the visits to that site in the days before.
"""
import sqlalchemy as sa
from alembic import op

import fanzha.store.types

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('site_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_key', sa.String(length=40), nullable=False),
    sa.Column('msisdn', sa.String(length=20), nullable=False),
    sa.Column('visit_time', fanzha.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('visit_kind', sa.String(length=8), nullable=False),
    sa.Column('target', sa.String(length=1024), nullable=False),
    sa.Column('host', sa.String(length=256), nullable=False),
    sa.Column('dest_ip', sa.String(length=45), nullable=True),
    sa.Column('operator', sa.String(length=16), nullable=True),
    sa.Column('import_batch_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['import_batch_id'], ['import_batches.id'],
                            name=op.f('fk_site_visits_import_batch_id_import_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_visits')),
    sa.UniqueConstraint('record_key', name=op.f('uq_site_visits_record_key'))
    )
    op.create_index('ix_site_visits_host_time', 'site_visits', ['host', 'visit_time'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_site_visits_host_time', table_name='site_visits')
    op.drop_table('site_visits')
