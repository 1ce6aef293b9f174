"""Outbox channels: one row per (event, subscription, channel, target), and a batch to group by.

A subscription's email recipients each get their own message (nobody sees the list), and a
subscription may also name webhooks and Apprise URLs: each is its own row, so each has its own
attempts, back-off and dead letter. `batch` names the message a row goes out in: the rows of one
report (one email per report), the feed alerts due together, or a digest period.

Revision ID: 0002
Revises: 0001
"""

from alembic import op
from sqlalchemy import Column, String

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(Column("channel", String(20), nullable=False, server_default="email"))
        batch.add_column(Column("target", String(300), nullable=False, server_default=""))
        batch.add_column(Column("batch", String(300), nullable=True))
        batch.drop_constraint("uq_outbox_event_subscription", type_="unique")
        batch.create_unique_constraint(
            "uq_outbox_event_subscription_target",
            ["event_position", "subscription", "channel", "target"],
        )
    op.create_index("ix_outbox_batch", "outbox", ["subscription", "channel", "target", "batch"])


def downgrade() -> None:
    op.drop_index("ix_outbox_batch", "outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint("uq_outbox_event_subscription_target", type_="unique")
        batch.create_unique_constraint(
            "uq_outbox_event_subscription", ["event_position", "subscription"]
        )
        batch.drop_column("batch")
        batch.drop_column("target")
        batch.drop_column("channel")
