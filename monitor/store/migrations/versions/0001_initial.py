"""The initial schema: the event log (append-only by trigger), projections, feeds, outbox.

Revision ID: 0001
Revises:
"""

from alembic import op
from sqlalchemy import BigInteger, Column, Float, Integer, String, Text, UniqueConstraint

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = [
    """CREATE TRIGGER events_no_update BEFORE UPDATE ON events
       BEGIN SELECT RAISE(ABORT, 'events is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER events_no_delete BEFORE DELETE ON events
       BEGIN SELECT RAISE(ABORT, 'events is append-only: DELETE refused'); END""",
]
POSTGRES_TRIGGERS = [
    """CREATE OR REPLACE FUNCTION events_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'events is append-only: % refused', TG_OP; END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON events
       FOR EACH ROW EXECUTE FUNCTION events_append_only()""",
    """CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
       FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()""",
]


def upgrade() -> None:
    op.create_table(
        "events",
        Column(
            "position",
            BigInteger().with_variant(Integer, "sqlite"),  # SQLite: the rowid itself
            primary_key=True,
            autoincrement=False,
        ),
        Column("stream", String(200), nullable=False),
        Column("version", Integer, nullable=False),
        Column("type", String(100), nullable=False),
        Column("schema_version", Integer, nullable=False),
        Column("occurred_at", String(40), nullable=False),
        Column("recorded_at", String(40), nullable=False),
        Column("data", Text, nullable=False),
        Column("metadata", Text, nullable=False),
        Column("dedup_key", String(1000), nullable=True),
        Column("prev_hash", String(64), nullable=False),
        Column("hash", String(64), nullable=False),
        UniqueConstraint("stream", "version", name="uq_events_stream_version"),
        UniqueConstraint("dedup_key", name="uq_events_dedup_key"),
    )
    op.create_table(
        "claims",
        Column("id", String(100), primary_key=True),
        Column("subject", String(300), nullable=False),
        Column("status", String(40), nullable=False),
        Column("value", String(500), nullable=True),
        Column("updated_at", String(40), nullable=False),
        Column("version", Integer, nullable=False),
        Column("position", BigInteger, nullable=False),
        Column("doc", Text, nullable=False),
    )
    op.create_table(
        "projection_positions",
        Column("name", String(100), primary_key=True),
        Column("position", BigInteger, nullable=False),
    )
    op.create_table(
        "feed_state",
        Column("id", String(100), primary_key=True),
        Column("url", Text, nullable=False),
        Column("name", String(300), nullable=False),
        Column("interval", Float, nullable=False),
        Column("tags", Text, nullable=False),
        Column("state", String(20), nullable=False),
        Column("subscribed", Integer, nullable=False),
        Column("etag", Text, nullable=True),
        Column("last_modified", Text, nullable=True),
        Column("last_polled", String(40), nullable=True),
        Column("last_status", Integer, nullable=True),
        Column("next_due", String(40), nullable=True),
        Column("consecutive_failures", Integer, nullable=False),
        Column("last_error", Text, nullable=True),
        Column("warning", Text, nullable=True),
        Column("reports", Integer, nullable=False),
        Column("lease_owner", String(200), nullable=True),
        Column("lease_until", String(40), nullable=True),
    )
    op.create_table(
        "reports",
        Column("key", String(300), primary_key=True),
        Column("feed", String(100), nullable=False),
        Column("identity", Text, nullable=False),
        Column("content_hash", String(64), nullable=False),
        Column("position", BigInteger, nullable=False),
        Column("recorded_at", String(40), nullable=False),
    )
    op.create_index("ix_reports_feed_identity", "reports", ["feed", "identity"])
    op.create_table(
        "outbox",
        Column(
            "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
        ),
        Column("event_position", BigInteger, nullable=False),
        Column("subscription", String(200), nullable=False),
        Column("recipients", Text, nullable=False),
        Column("mode", String(20), nullable=False),
        Column("period", String(40), nullable=True),
        Column("message_id", String(300), nullable=False),
        Column("state", String(20), nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("next_attempt_at", String(40), nullable=False),
        Column("lease_owner", String(100), nullable=True),
        Column("lease_until", String(40), nullable=True),
        Column("last_error", Text, nullable=True),
        Column("created_at", String(40), nullable=False),
        Column("delivered_at", String(40), nullable=True),
        UniqueConstraint("event_position", "subscription", name="uq_outbox_event_subscription"),
    )
    op.create_index("ix_outbox_state_due", "outbox", ["state", "next_attempt_at"])
    op.create_index("ix_outbox_digest", "outbox", ["subscription", "period"])
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_TRIGGERS if dialect == "sqlite" else POSTGRES_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    raise RuntimeError("the event log is append-only; there is no downgrade")
