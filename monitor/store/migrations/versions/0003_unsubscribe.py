"""Unsubscribe: the `unsubscribed` read model and the `secrets` table with the link-signing key.

The key is generated here, once per database, so every daemon and web server on the database
signs and checks unsubscribe links alike, across restarts. It is not in the event log: an
export carries no secret, and a database imported elsewhere gets its own key (links in mail
sent before the move are then refused; the recipient can use the mailto or the CLI).

Revision ID: 0003
Revises: 0002
"""

import secrets as random_secrets
import time

from alembic import op
from sqlalchemy import BigInteger, Column, String, Text, column, table

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unsubscribed",
        Column("subscription", String(200), primary_key=True),
        Column("address", String(300), primary_key=True),
        Column("via", String(20), nullable=False),
        Column("at", String(40), nullable=False),
        Column("position", BigInteger, nullable=False),
    )
    op.create_table(
        "secrets",
        Column("name", String(100), primary_key=True),
        Column("value", Text, nullable=False),
        Column("created_at", String(40), nullable=False),
    )
    rows = table("secrets", column("name"), column("value"), column("created_at"))
    op.bulk_insert(
        rows,
        [
            {
                "name": "unsubscribe",
                "value": random_secrets.token_hex(32),
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
        ],
    )


def downgrade() -> None:
    op.drop_table("secrets")
    op.drop_table("unsubscribed")
