"""freezes: release, renewal document and the public notice (公告); one return per victim and freeze

Revision ID: 0006
Revises: 0005

``freezes`` gains the release (when, why), the last renewal (when, the legal document) and the
publication of the 30-day notice that proportional returns wait for. ``restitutions`` gets a
unique (freeze, case): a victim's money is returned from a freeze once.
"""
import sqlalchemy as sa
from alembic import op

import fanzha.store.types

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('freezes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('renewed_at', fanzha.store.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('renewal_document_no', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('released_at', fanzha.store.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('release_reason', sa.String(length=256), nullable=True))
        batch_op.add_column(sa.Column('notice_published_at', fanzha.store.types.UtcDateTime(timezone=True),
                                      nullable=True))

    with op.batch_alter_table('restitutions', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_restitutions_freeze_id'), ['freeze_id', 'case_id'])


def downgrade() -> None:
    with op.batch_alter_table('restitutions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_restitutions_freeze_id'), type_='unique')

    with op.batch_alter_table('freezes', schema=None) as batch_op:
        batch_op.drop_column('notice_published_at')
        batch_op.drop_column('release_reason')
        batch_op.drop_column('released_at')
        batch_op.drop_column('renewal_document_no')
        batch_op.drop_column('renewed_at')
