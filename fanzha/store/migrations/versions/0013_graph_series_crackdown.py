"""entity graph, series and crackdown: the analysis desk's tables

Revision ID: 0013
Revises: 0012

One node per entity and one edge per (source, target, relation) with its evidence; candidate
series with their cases and the analysts' decisions; suspects, the measures against them
(打击处理) and what was seized.
"""
import sqlalchemy as sa
from alembic import op

from fanzha.store.types import UtcDateTime

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_no', sa.String(length=32), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('method', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=True),
    sa.Column('cases', sa.Integer(), nullable=False),
    sa.Column('victims', sa.Integer(), nullable=False),
    sa.Column('loss_fen', sa.BigInteger(), nullable=False),
    sa.Column('fraud_types', sa.JSON(), nullable=False),
    sa.Column('key_entities', sa.JSON(), nullable=False),
    sa.Column('first_at', UtcDateTime(timezone=True), nullable=True),
    sa.Column('last_at', UtcDateTime(timezone=True), nullable=True),
    sa.Column('detected_at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', UtcDateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['series.id'], name=op.f('fk_series_parent_id_series')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_series')),
    sa.UniqueConstraint('series_no', name=op.f('uq_series_series_no'))
    )
    op.create_index(op.f('ix_series_state'), 'series', ['state'], unique=False)
    op.create_table('series_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_series_decisions_series_id_series')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_series_decisions'))
    )
    op.create_index(op.f('ix_series_decisions_series_id'), 'series_decisions', ['series_id'], unique=False)
    op.create_table('graph_entities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=256), nullable=False),
    sa.Column('label', sa.String(length=128), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('first_seen', UtcDateTime(timezone=True), nullable=True),
    sa.Column('last_seen', UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_graph_entities_case_id_cases')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_graph_entities_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_graph_entities')),
    sa.UniqueConstraint('kind', 'key', name='uq_graph_entities_kind_key')
    )
    op.create_index(op.f('ix_graph_entities_case_id'), 'graph_entities', ['case_id'], unique=False)
    op.create_index(op.f('ix_graph_entities_person_id'), 'graph_entities', ['person_id'], unique=False)
    op.create_table('series_cases',
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_series_cases_case_id_cases')),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_series_cases_series_id_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('series_id', 'case_id', name=op.f('pk_series_cases'))
    )
    op.create_index(op.f('ix_series_cases_case_id'), 'series_cases', ['case_id'], unique=False)
    op.create_table('suspects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('suspect_no', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('province', sa.String(length=32), nullable=True),
    sa.Column('city', sa.String(length=32), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('created_at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_suspects_case_id_cases')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_suspects_person_id_persons')),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_suspects_series_id_series')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suspects')),
    sa.UniqueConstraint('suspect_no', name=op.f('uq_suspects_suspect_no'))
    )
    op.create_index(op.f('ix_suspects_case_id'), 'suspects', ['case_id'], unique=False)
    op.create_index(op.f('ix_suspects_id_number'), 'suspects', ['id_number'], unique=False)
    op.create_index(op.f('ix_suspects_person_id'), 'suspects', ['person_id'], unique=False)
    op.create_index(op.f('ix_suspects_series_id'), 'suspects', ['series_id'], unique=False)
    op.create_index(op.f('ix_suspects_status'), 'suspects', ['status'], unique=False)
    op.create_table('arrests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('suspect_id', sa.Integer(), nullable=False),
    sa.Column('measure', sa.String(length=16), nullable=False),
    sa.Column('at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_arrests_case_id_cases')),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_arrests_series_id_series')),
    sa.ForeignKeyConstraint(['suspect_id'], ['suspects.id'], name=op.f('fk_arrests_suspect_id_suspects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_arrests')),
    sa.UniqueConstraint('suspect_id', 'measure', name='uq_arrests_suspect_measure')
    )
    op.create_index(op.f('ix_arrests_at'), 'arrests', ['at'], unique=False)
    op.create_index(op.f('ix_arrests_case_id'), 'arrests', ['case_id'], unique=False)
    op.create_index(op.f('ix_arrests_region'), 'arrests', ['region'], unique=False)
    op.create_index(op.f('ix_arrests_suspect_id'), 'arrests', ['suspect_id'], unique=False)
    op.create_table('graph_relations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('src_id', sa.Integer(), nullable=False),
    sa.Column('dst_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('first_at', UtcDateTime(timezone=True), nullable=True),
    sa.Column('last_at', UtcDateTime(timezone=True), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['dst_id'], ['graph_entities.id'], name=op.f('fk_graph_relations_dst_id_graph_entities')),
    sa.ForeignKeyConstraint(['src_id'], ['graph_entities.id'], name=op.f('fk_graph_relations_src_id_graph_entities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_graph_relations')),
    sa.UniqueConstraint('src_id', 'dst_id', 'kind', name='uq_graph_relations_edge')
    )
    op.create_index('ix_graph_relations_dst', 'graph_relations', ['dst_id', 'kind'], unique=False)
    op.create_table('seizures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('count', sa.BigInteger(), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('suspect_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_seizures_case_id_cases')),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_seizures_series_id_series')),
    sa.ForeignKeyConstraint(['suspect_id'], ['suspects.id'], name=op.f('fk_seizures_suspect_id_suspects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seizures'))
    )
    op.create_index(op.f('ix_seizures_at'), 'seizures', ['at'], unique=False)
    op.create_index(op.f('ix_seizures_case_id'), 'seizures', ['case_id'], unique=False)
    op.create_index(op.f('ix_seizures_region'), 'seizures', ['region'], unique=False)
    op.create_table('suspect_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('suspect_id', sa.Integer(), nullable=False),
    sa.Column('at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('status_from', sa.String(length=16), nullable=True),
    sa.Column('status_to', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['suspect_id'], ['suspects.id'], name=op.f('fk_suspect_events_suspect_id_suspects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suspect_events'))
    )
    op.create_index(op.f('ix_suspect_events_suspect_id'), 'suspect_events', ['suspect_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_suspect_events_suspect_id'), table_name='suspect_events')
    op.drop_table('suspect_events')
    op.drop_index(op.f('ix_seizures_region'), table_name='seizures')
    op.drop_index(op.f('ix_seizures_case_id'), table_name='seizures')
    op.drop_index(op.f('ix_seizures_at'), table_name='seizures')
    op.drop_table('seizures')
    op.drop_index('ix_graph_relations_dst', table_name='graph_relations')
    op.drop_table('graph_relations')
    op.drop_index(op.f('ix_arrests_suspect_id'), table_name='arrests')
    op.drop_index(op.f('ix_arrests_region'), table_name='arrests')
    op.drop_index(op.f('ix_arrests_case_id'), table_name='arrests')
    op.drop_index(op.f('ix_arrests_at'), table_name='arrests')
    op.drop_table('arrests')
    op.drop_index(op.f('ix_suspects_status'), table_name='suspects')
    op.drop_index(op.f('ix_suspects_series_id'), table_name='suspects')
    op.drop_index(op.f('ix_suspects_person_id'), table_name='suspects')
    op.drop_index(op.f('ix_suspects_id_number'), table_name='suspects')
    op.drop_index(op.f('ix_suspects_case_id'), table_name='suspects')
    op.drop_table('suspects')
    op.drop_index(op.f('ix_series_cases_case_id'), table_name='series_cases')
    op.drop_table('series_cases')
    op.drop_index(op.f('ix_graph_entities_person_id'), table_name='graph_entities')
    op.drop_index(op.f('ix_graph_entities_case_id'), table_name='graph_entities')
    op.drop_table('graph_entities')
    op.drop_index(op.f('ix_series_decisions_series_id'), table_name='series_decisions')
    op.drop_table('series_decisions')
    op.drop_index(op.f('ix_series_state'), table_name='series')
    op.drop_table('series')
