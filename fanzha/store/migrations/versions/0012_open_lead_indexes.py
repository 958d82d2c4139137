"""open lead indexes: the warning boards read open leads by grade, oldest first

Revision ID: 0012
Revises: 0011

Partial indexes (SQLite and PostgreSQL both have them) over the leads not yet closed, by station,
by county and for the city: a board is three short index walks (高, 中, 低) however many closed
leads a year leaves behind.
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

OPEN = sa.text("state <> 'closed'")
INDEXES = {
    "ix_warning_leads_open_station": ["station_id", "grade", "raised_at"],
    "ix_warning_leads_open_region": ["region", "grade", "raised_at"],
    "ix_warning_leads_open_city": ["grade", "raised_at"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "warning_leads", columns, unique=False, sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="warning_leads")
