"""Unsubscribing: signed one-click links, the `unsubscribed` read model, and its events.

A recipient leaves a subscription by an event (`RecipientUnsubscribed`), appended by the web
page a mail's `List-Unsubscribe` URL opens (or a mail client's RFC 8058 one-click POST to it),
or by `monitor unsubscribe`; `RecipientResubscribed` undoes it. The `unsubscribed` table is
their read model, kept in the appending transaction and rebuilt by `monitor replay`; the outbox
projector reads it, so no row is queued for an address from the moment it left.

The URL carries an HMAC-SHA256 of (subscription, address) under a key kept in the database
(`secrets` row "unsubscribe", made by migration 0003): the daemon that renders mail and the web
server that checks links share the database, hence the key, across restarts, and nobody without
it can unsubscribe someone else. The signature authorises exactly this one write, so the web
server accepts it without a login or a write token.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets as random_secrets
from collections.abc import Iterable, Sequence
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import Connection, Engine, delete, select

from ..domain import events as ev
from ..errors import ValidationError
from ..store.eventstore import utc_now_iso
from ..store.projections import set_position
from ..store.tables import secrets, unsubscribed

if TYPE_CHECKING:
    from ..app import App
    from ..store.eventstore import EventStore

ALL: Final = "*"  # every subscription, those configured later included
KEY_NAME: Final = "unsubscribe"
VIAS: Final = ("one-click", "page", "cli")
_TYPES = frozenset({ev.RECIPIENT_UNSUBSCRIBED, ev.RECIPIENT_RESUBSCRIBED})
_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")
_SUBSCRIPTION = re.compile(r"^(\*|[A-Za-z0-9._-]{1,64})$")


def normalize_address(text: str) -> str:
    """The address as the outbox names a recipient (bare, lowercased), or ValidationError."""
    addr = parseaddr(text.strip())[1].strip().lower()
    if not _ADDRESS.match(addr) or len(addr) > 300:
        raise ValidationError(f"{text!r} is not an email address")
    return addr


def check_subscription(name: str) -> str:
    if not _SUBSCRIPTION.match(name):
        raise ValidationError(f"{name!r} is not a subscription name (or '*' for every one)")
    return name


# ---- the signing key and signatures -------------------------------------------------------
def signing_key(bind: Engine | Connection) -> bytes:
    """The database's unsubscribe key; made now if migration 0003 did not (a race between two
    processes is settled by the primary key: both then read the one that won)."""

    def read(conn: Connection) -> str | None:
        return conn.execute(select(secrets.c.value).where(secrets.c.name == KEY_NAME)).scalar()

    def run(conn: Connection) -> bytes:
        value = read(conn)
        if value is None:
            from sqlalchemy.dialects.postgresql import insert as pg_insert
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            insert = sqlite_insert if conn.dialect.name == "sqlite" else pg_insert
            conn.execute(
                insert(secrets)
                .values(name=KEY_NAME, value=random_secrets.token_hex(32), created_at=utc_now_iso())
                .on_conflict_do_nothing(index_elements=["name"])
            )
            value = read(conn)
        assert value is not None
        return bytes.fromhex(value)

    if isinstance(bind, Connection):
        return run(bind)
    with bind.begin() as conn:
        return run(conn)


def sign(key: bytes, subscription: str, address: str) -> str:
    """HMAC-SHA256 of (subscription, address), hex; the address normalised first."""
    message = f"unsubscribe\n{subscription}\n{normalize_address(address)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def verify(key: bytes, subscription: str, address: str, signature: str) -> bool:
    """Constant-time check of a link's `sig`; any malformed part is simply not valid."""
    try:
        expected = sign(key, subscription, address)
    except ValidationError:
        return False
    return hmac.compare_digest(expected.encode(), signature.strip().lower().encode())


# ---- the read model -------------------------------------------------------------------------
class UnsubscriptionsProjector:
    """`unsubscribed`: one row per (subscription or '*', address) that asked to stop."""

    name = "unsubscribed"

    def apply(self, conn: Connection, events: Sequence[ev.RecordedEvent]) -> None:
        touched = [e for e in events if e.type in _TYPES]
        for e in touched:
            sub, addr = e.data["subscription"], e.data["address"]
            if e.type == ev.RECIPIENT_UNSUBSCRIBED:
                row = {
                    "subscription": sub,
                    "address": addr,
                    "via": e.data["via"],
                    "at": e.data["at"],
                    "position": e.position,
                }
                _upsert_pair(conn, row)
            else:
                where = unsubscribed.c.address == addr
                if sub != ALL:
                    where = where & (unsubscribed.c.subscription == sub)
                conn.execute(delete(unsubscribed).where(where))
        if touched:
            set_position(conn, self.name, events[-1].position)

    def reset(self, conn: Connection) -> None:
        conn.execute(delete(unsubscribed))
        set_position(conn, self.name, 0)

    def rebuild(self, conn: Connection, store: EventStore) -> None:
        """Re-derive from the log (`monitor replay`)."""
        self.reset(conn)
        last = 0
        for e in store.read():
            last = e.position
            if e.type in _TYPES:
                self.apply(conn, [e])
        set_position(conn, self.name, last)


def _upsert_pair(conn: Connection, row: dict[str, Any]) -> None:
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    insert = sqlite_insert if conn.dialect.name == "sqlite" else pg_insert
    stmt = insert(unsubscribed).values(**row)
    stmt = stmt.on_conflict_do_update(
        index_elements=["subscription", "address"],
        set_={k: stmt.excluded[k] for k in ("via", "at", "position")},
    )
    conn.execute(stmt)


def unsubscribed_pairs(conn: Connection, addresses: Iterable[str]) -> set[tuple[str, str]]:
    """(subscription or '*', address) of these addresses that asked to stop."""
    wanted = sorted({a.lower() for a in addresses})
    if not wanted:
        return set()
    # The driver cursor: this runs inside every append that notifies (see OutboxProjector).
    cur = conn.connection.driver_connection.cursor()
    marks = ", ".join(["?" if conn.dialect.name == "sqlite" else "%s"] * len(wanted))
    cur.execute(
        f"SELECT subscription, address FROM unsubscribed WHERE address IN ({marks})", wanted
    )
    return {(s, a) for s, a in cur.fetchall()}


def is_unsubscribed(pairs: set[tuple[str, str]], subscription: str, address: str) -> bool:
    return (subscription, address) in pairs or (ALL, address) in pairs


def list_unsubscribed(app: App) -> list[dict[str, Any]]:
    with app.engine.connect() as conn:
        rows = conn.execute(
            select(unsubscribed).order_by(unsubscribed.c.address, unsubscribed.c.subscription)
        )
        return [dict(r._mapping) for r in rows]


# ---- appending the events -------------------------------------------------------------------
def _event(type_: str, subscription: str, address: str, via: str) -> ev.NewEvent:
    at = utc_now_iso()
    return ev.NewEvent(
        stream=ev.recipient_stream(address),
        type=type_,
        data={"subscription": subscription, "address": address, "via": via, "at": at},
        occurred_at=at,
        metadata={"cause": "person"},
    )


def unsubscribe(
    app: App, address: str, subscription: str = ALL, *, via: str = "cli"
) -> ev.RecordedEvent | None:
    """Record that `address` wants no more mail of `subscription` ('*': of any); None when it
    already said so (a mail client may POST twice; the log keeps one fact). Checked and
    appended under the append lock, so two clicks at once record one event."""
    addr = normalize_address(address)
    check_subscription(subscription)
    with app.store.writer() as w:
        if is_unsubscribed(unsubscribed_pairs(w.conn, [addr]), subscription, addr):
            return None
        result = w.append([_event(ev.RECIPIENT_UNSUBSCRIBED, subscription, addr, via)])
    return result.recorded[0]


def resubscribe(
    app: App, address: str, subscription: str = ALL, *, via: str = "cli"
) -> ev.RecordedEvent | None:
    """Undo an unsubscribe ('*': every one of this address); None when there is none to undo."""
    addr = normalize_address(address)
    check_subscription(subscription)
    with app.store.writer() as w:
        pairs = unsubscribed_pairs(w.conn, [addr])
        present = bool(pairs) if subscription == ALL else (subscription, addr) in pairs
        if not present:
            return None
        result = w.append([_event(ev.RECIPIENT_RESUBSCRIBED, subscription, addr, via)])
    return result.recorded[0]
