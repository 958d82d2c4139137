"""access control: audit log with its chain head, API tokens, server-side sessions, police
stations on persons and cases

Revision ID: 0004
Revises: 0003

- ``audit_entries`` (hash-chained) and ``audit_chain_head`` (one row, seeded here: seq 0 and the
  genesis hash) that every append locks.
- ``api_tokens`` (stored as SHA-256) and ``user_sessions`` (server-side, so sign-out ends them).
- ``users.last_sign_in_at``.
- ``persons.station``: the police station of residence the registry gives; ``cases.station_id``:
  the station covering the victim, which station officers are scoped to. A "list" index on
  (station_id, reported_at, id, ...) serves a station's case list and dashboard the way the
  indexes of 0002 serve the city's and the counties'.
- On SQLite the new cases column is added with ALTER TABLE ... ADD COLUMN ... REFERENCES, not a
  batch rebuild: a rebuild would drop the narrative index's triggers (see 0002).
"""
import sqlalchemy as sa
from alembic import op

import fanzha.store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
STATION_LIST_INDEX = ("ix_cases_list_station",
                      ("station_id", "reported_at", "id", "region", "fraud_type", "status", "loss_fen"))


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", fanzha.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_role", sa.String(length=32), nullable=True),
        sa.Column("organisation", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=32), nullable=True),
        sa.Column("object_id", sa.String(length=64), nullable=True),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_entries")),
    )
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entries_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entries_action"), ["action"], unique=False)
        batch_op.create_index("ix_audit_entries_actor_seq", ["actor", "seq"], unique=False)
        batch_op.create_index("ix_audit_entries_object", ["object_type", "object_id"], unique=False)

    head = op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    op.bulk_insert(head, [{"id": 1, "last_seq": 0, "last_hash": GENESIS}])

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_at", fanzha.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("last_used_at", fanzha.store.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", fanzha.store.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_api_tokens_organisation_id_organisations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", fanzha.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", fanzha.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", fanzha.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=256), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_user_sessions_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_user_sessions_key_hash")),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_sessions_user_id"), ["user_id"], unique=False)

    op.add_column("users", sa.Column("last_sign_in_at", fanzha.store.types.UtcDateTime(timezone=True),
                                     nullable=True))
    op.add_column("persons", sa.Column("station", sa.String(length=64), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE cases ADD COLUMN station_id INTEGER REFERENCES organisations (id)")
    else:
        op.add_column("cases", sa.Column("station_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_cases_station_id_organisations"), "cases", "organisations",
                              ["station_id"], ["id"])
    name, columns = STATION_LIST_INDEX
    op.create_index(name, "cases", list(columns))


def downgrade() -> None:
    op.drop_index(STATION_LIST_INDEX[0], table_name="cases")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE cases DROP COLUMN station_id")
    else:
        op.drop_constraint(op.f("fk_cases_station_id_organisations"), "cases", type_="foreignkey")
        op.drop_column("cases", "station_id")
    op.drop_column("persons", "station")
    op.drop_column("users", "last_sign_in_at")
    op.drop_table("user_sessions")
    op.drop_table("api_tokens")
    op.drop_table("audit_chain_head")
    op.drop_table("audit_entries")
