"""Widen call_records.call_type so 'forwarded' (呼转) fits.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("call_records") as batch:
        batch.alter_column("call_type", type_=sa.String(16), existing_type=sa.String(8), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("call_records") as batch:
        batch.alter_column("call_type", type_=sa.String(8), existing_type=sa.String(16), existing_nullable=False)
