"""mule cards and helpers: scored accounts and phone cards, 帮信 flags

Revision ID: 0014
Revises: 0013

The mule model's latest score per account (with typology guess and reasons), the phone-card
score per number, and each person's figures against the 帮信 rule with the evidence.
"""
import sqlalchemy as sa
from alembic import op

from fanzha.store.types import UtcDateTime

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('card_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('scored_at', UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_scores')),
    sa.UniqueConstraint('number', name=op.f('uq_card_scores_number'))
    )
    op.create_index(op.f('ix_card_scores_score'), 'card_scores', ['score'], unique=False)
    op.create_index(op.f('ix_card_scores_scored_at'), 'card_scores', ['scored_at'], unique=False)
    op.create_table('mule_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=32), nullable=False),
    sa.Column('bank', sa.String(length=64), nullable=True),
    sa.Column('holder_name', sa.String(length=64), nullable=True),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('typology', sa.String(length=16), nullable=True),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('scored_at', UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mule_scores')),
    sa.UniqueConstraint('account', name=op.f('uq_mule_scores_account'))
    )
    op.create_index(op.f('ix_mule_scores_flagged'), 'mule_scores', ['flagged'], unique=False)
    op.create_index(op.f('ix_mule_scores_score'), 'mule_scores', ['score'], unique=False)
    op.create_index(op.f('ix_mule_scores_scored_at'), 'mule_scores', ['scored_at'], unique=False)
    op.create_table('helper_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_key', sa.String(length=80), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=64), nullable=True),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('serious', sa.Boolean(), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('parties', sa.Integer(), nullable=False),
    sa.Column('settled_fen', sa.BigInteger(), nullable=False),
    sa.Column('earned_fen', sa.BigInteger(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('flagged_at', UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_helper_flags_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_helper_flags')),
    sa.UniqueConstraint('person_key', name=op.f('uq_helper_flags_person_key'))
    )
    op.create_index(op.f('ix_helper_flags_flagged_at'), 'helper_flags', ['flagged_at'], unique=False)
    op.create_index(op.f('ix_helper_flags_person_id'), 'helper_flags', ['person_id'], unique=False)
    op.create_index(op.f('ix_helper_flags_serious'), 'helper_flags', ['serious'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_helper_flags_serious'), table_name='helper_flags')
    op.drop_index(op.f('ix_helper_flags_person_id'), table_name='helper_flags')
    op.drop_index(op.f('ix_helper_flags_flagged_at'), table_name='helper_flags')
    op.drop_table('helper_flags')
    op.drop_index(op.f('ix_mule_scores_scored_at'), table_name='mule_scores')
    op.drop_index(op.f('ix_mule_scores_score'), table_name='mule_scores')
    op.drop_index(op.f('ix_mule_scores_flagged'), table_name='mule_scores')
    op.drop_table('mule_scores')
    op.drop_index(op.f('ix_card_scores_scored_at'), table_name='card_scores')
    op.drop_index(op.f('ix_card_scores_score'), table_name='card_scores')
    op.drop_table('card_scores')
