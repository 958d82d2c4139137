"""Store layer: SQLAlchemy models, repositories and Alembic migrations (SQLite or PostgreSQL)."""
