"""case search: list indexes on cases, and a trigram text index on the narrative

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 20:00:00

The intake desk's case list (services/case_search.py) filters by region, fraud type, status and
a date range, sorts by report time or loss, and finds text in the narrative (简要案情).

- Five "list" indexes carry every column the list filters and sorts on, so a filter combination
  is answered from one index without reading the case rows (which hold the long narrative), and
  only the rows of the page shown are read. ``id`` sits after the sort key so that the order
  (sort key, id) that pages rely on comes straight from the index.
- SQLite: an FTS5 table ``cases_fts`` with the ``trigram`` tokenizer over cases.narrative,
  external content (the text is not stored twice) and ``detail=none`` (only which case holds a
  trigram: a third of the size; ``LIKE '%词语%'`` on it rechecks each candidate against the
  text, so there are no false hits). Triggers keep it in step with inserts, updates and deletes.
  NOTE: a later migration that rebuilds ``cases`` with ``batch_alter_table`` on SQLite drops
  these triggers and must create them again (``_create_fts_triggers``).
- PostgreSQL: pg_trgm with a GIN trigram index on cases.narrative (``ILIKE '%词语%'``), and a
  ``varchar_pattern_ops`` index so ``report_id LIKE 'JQ-20240530-%'`` uses an index whatever
  the database's collation.
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

LIST_INDEXES = {
    "ix_cases_list_reported": ("reported_at", "id", "region", "fraud_type", "status", "loss_fen"),
    "ix_cases_list_status": ("status", "reported_at", "id", "region", "fraud_type", "loss_fen"),
    "ix_cases_list_fraud_type": ("fraud_type", "reported_at", "id", "region", "status", "loss_fen"),
    "ix_cases_list_region": ("region", "reported_at", "id", "fraud_type", "status", "loss_fen"),
    "ix_cases_list_loss": ("loss_fen", "id", "reported_at", "region", "fraud_type", "status"),
}

_FTS_TRIGGERS = (
    """CREATE TRIGGER cases_fts_after_insert AFTER INSERT ON cases BEGIN
         INSERT INTO cases_fts(rowid, narrative) VALUES (new.id, new.narrative);
       END""",
    """CREATE TRIGGER cases_fts_after_delete AFTER DELETE ON cases BEGIN
         INSERT INTO cases_fts(cases_fts, rowid, narrative) VALUES ('delete', old.id, old.narrative);
       END""",
    """CREATE TRIGGER cases_fts_after_update AFTER UPDATE OF narrative ON cases BEGIN
         INSERT INTO cases_fts(cases_fts, rowid, narrative) VALUES ('delete', old.id, old.narrative);
         INSERT INTO cases_fts(rowid, narrative) VALUES (new.id, new.narrative);
       END""",
)


def _create_fts_triggers() -> None:
    for statement in _FTS_TRIGGERS:
        op.execute(statement)


def upgrade() -> None:
    for name, columns in LIST_INDEXES.items():
        op.create_index(name, "cases", list(columns))
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE cases_fts USING fts5("
            "narrative, content='cases', content_rowid='id', tokenize='trigram', detail=none)"
        )
        _create_fts_triggers()
        op.execute("INSERT INTO cases_fts(cases_fts) VALUES ('rebuild')")
    elif dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_cases_narrative_trgm ON cases USING gin (narrative gin_trgm_ops)")
        op.execute("CREATE INDEX ix_cases_report_id_pattern ON cases (report_id varchar_pattern_ops)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("cases_fts_after_insert", "cases_fts_after_delete", "cases_fts_after_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS cases_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_cases_narrative_trgm")
        op.execute("DROP INDEX IF EXISTS ix_cases_report_id_pattern")
        # pg_trgm stays: other objects may use it, and dropping an extension needs more rights.
    for name in LIST_INDEXES:
        op.drop_index(name, table_name="cases")
