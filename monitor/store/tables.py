"""The database schema (SQLAlchemy Core); created by the Alembic migrations beside it."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

events = Table(
    "events",
    metadata,
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

# Read model: the current claims. Rebuilt from the log at will. Split in two (migration 0004)
# so the row every corroboration rewrites stays small: `claims` holds what an event moves,
# `claim_texts` the words fixed at assertion (see `claim_rows`).
claims = Table(
    "claims",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("subject", String(300), nullable=False),
    Column("status", String(40), nullable=False),
    Column("value", String(500), nullable=True),
    Column("updated_at", String(40), nullable=False),
    Column("version", Integer, nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("corroborations", Integer, nullable=False, server_default="0"),
    Column("evidence", Text, nullable=False, server_default=""),
    Column("evidence_link", Text, nullable=False, server_default=""),
)

# A claim's aliases, lookalikes, quote and source as one JSON document; one row per claim.
claim_texts = Table(
    "claim_texts",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("doc", Text, nullable=False),
)

# Where each projection stands in the log, written in the same transaction as its rows.
projection_positions = Table(
    "projection_positions",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("position", BigInteger, nullable=False),
)

# Operational state of feeds (not news: a poll that brings nothing appends no event).
feed_state = Table(
    "feed_state",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("url", Text, nullable=False),
    Column("name", String(300), nullable=False),
    Column("interval", Float, nullable=False),
    Column("tags", Text, nullable=False, default="[]"),
    Column("state", String(20), nullable=False, default="ok"),
    Column("subscribed", Integer, nullable=False, default=1),
    Column("etag", Text, nullable=True),
    Column("last_modified", Text, nullable=True),
    Column("last_polled", String(40), nullable=True),
    Column("last_status", Integer, nullable=True),
    Column("next_due", String(40), nullable=True),
    Column("consecutive_failures", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
    Column("warning", Text, nullable=True),
    Column("reports", Integer, nullable=False, default=0),
    Column("lease_owner", String(200), nullable=True),
    Column("lease_until", String(40), nullable=True),
)

# Every report ever recorded, by identity: the diff step's input for `rediff`.
reports = Table(
    "reports",
    metadata,
    Column("key", String(300), primary_key=True),
    Column("feed", String(100), nullable=False),
    Column("identity", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("recorded_at", String(40), nullable=False),
)
Index("ix_reports_feed_identity", reports.c.feed, reports.c.identity)

# The transactional outbox: a message to send, queued with the event that causes it.
# state: pending -> sending (leased by one delivery worker) -> delivered | dead; a transient
# failure puts a row back to pending with a later next_attempt_at. Times are ISO 8601 UTC text
# with microseconds (they sort as text).
outbox = Table(
    "outbox",
    metadata,
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
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", String(40), nullable=False),
    Column("lease_owner", String(100), nullable=True),
    Column("lease_until", String(40), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", String(40), nullable=False),
    Column("delivered_at", String(40), nullable=True),
    # email (one row per recipient), webhook or apprise; target: the address or the endpoint
    Column("channel", String(20), nullable=False, server_default="email"),
    Column("target", String(300), nullable=False, server_default=""),
    # the message this row goes out in: a report's changes, the feed alerts, a digest period
    Column("batch", String(300), nullable=True),
    UniqueConstraint(
        "event_position",
        "subscription",
        "channel",
        "target",
        name="uq_outbox_event_subscription_target",
    ),
)
Index("ix_outbox_state_due", outbox.c.state, outbox.c.next_attempt_at)
Index("ix_outbox_digest", outbox.c.subscription, outbox.c.period)
Index("ix_outbox_batch", outbox.c.subscription, outbox.c.channel, outbox.c.target, outbox.c.batch)

# Read model: who asked not to get a subscription's mail (subscription "*": any of them).
# Built from RecipientUnsubscribed / RecipientResubscribed; rebuilt by `monitor replay`.
unsubscribed = Table(
    "unsubscribed",
    metadata,
    Column("subscription", String(200), primary_key=True),
    Column("address", String(300), primary_key=True),
    Column("via", String(20), nullable=False),
    Column("at", String(40), nullable=False),
    Column("position", BigInteger, nullable=False),
)

# Values every process on one database must share and no event should carry: the key that
# signs unsubscribe links (so the daemon that renders them and the web server that checks them
# agree across restarts). Created by migration 0003; `notify.unsubscribe.signing_key` makes it
# on first use if it is missing.
secrets = Table(
    "secrets",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("value", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
)
