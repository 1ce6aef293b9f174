"""The transactional outbox: notifying events queue their messages in the appending transaction.

A change and the promise to tell someone about it commit together or not at all, so a crash can
neither lose a notification nor send one for a change that was rolled back. Sending is a
separate step (`monitor.notify.delivery`) that reads these rows.

Only live changes notify: replay and rebuild do not re-apply this projector (it has no
`rebuild`), an import skips it (`on_import = False`), and events caused by a rediff (or by
anything outside `NOTIFYING_CAUSES`) queue nothing unless their metadata says `notify: true`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import Connection

from monitor.config import Settings
from monitor.domain import events as ev
from monitor.domain.claims import Claim
from monitor.errors import ConfigError
from monitor.store.projections import load_claims

from ..timeparse import log_time
from .render import _group_of, message_id_for
from .subscriptions import (
    EVENT_KINDS,
    Subscription,
    SubscriptionConfigError,
    matches,
    parse_subscriptions,
)

if TYPE_CHECKING:
    from monitor.app import App

# The event types a subscriber can hear of (ChangeSuspected, ClaimCorroborated never notify).
NOTIFYING_TYPES: Final = frozenset().union(*EVENT_KINDS.values())

PENDING: Final = "pending"
SENDING: Final = "sending"
DELIVERED: Final = "delivered"
DEAD: Final = "dead"
STATES: Final = (PENDING, SENDING, DELIVERED, DEAD)


def iso(moment: datetime) -> str:
    """The outbox's time format: UTC with microseconds, so that text order is time order."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone; pass an aware datetime")
    return log_time(moment)


def parse_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def is_notifying(event: ev.RecordedEvent) -> bool:
    """A live change (poll, person) or an explicit `notify: true` (rediff --notify)."""
    if event.type not in NOTIFYING_TYPES:
        return False
    meta = event.metadata or {}
    return meta.get("cause") in ev.NOTIFYING_CAUSES or meta.get("notify") is True


def config_where(settings: Settings) -> str:
    """How errors name the configuration file."""
    return str(settings.config_path) if settings.config_path else "monitor.toml"


def parse_checked(
    raw: Sequence[dict[str, Any]], known: dict[str, Claim], where: str
) -> list[Subscription]:
    """`parse_subscriptions`, with its errors as ConfigError naming file and key."""
    try:
        return parse_subscriptions(list(raw), known)
    except SubscriptionConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from exc


def check_subscriptions(app: App) -> list[Subscription]:
    """Validate the subscriptions against the known claims (at daemon or `notify` start).

    Without this, a mistake would surface only at the first change, inside its append.
    """
    settings = app.settings
    with app.engine.connect() as conn:
        known = load_claims(conn)
    subs = parse_checked(settings.subscriptions, known, config_where(settings))
    for projector in app.projectors:
        if isinstance(projector, OutboxProjector):
            projector.prime(subs)
    return subs


_ROW_COLUMNS: Final = (
    "event_position", "subscription", "recipients", "mode", "period", "message_id", "state",
    "attempts", "next_attempt_at", "created_at",
)  # fmt: skip


class OutboxProjector:
    """Queues one outbox row per (notifying event, matching subscription)."""

    name = "outbox"
    on_import = False

    def __init__(
        self, raw_subscriptions: Sequence[dict[str, Any]], *, domain: str, where: str
    ) -> None:
        self.raw_subscriptions = tuple(raw_subscriptions)
        self.domain = domain
        self.where = where
        self._subs: list[Subscription] | None = None
        self._recipients_of: dict[str, tuple[Any, str, str]] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> OutboxProjector:
        return cls(
            settings.subscriptions, domain=settings.mail.domain, where=config_where(settings)
        )

    def prime(self, subs: list[Subscription]) -> None:
        self._subs = subs

    def subscriptions(self, conn: Connection) -> list[Subscription]:
        """Parsed on first use: claim selectors are checked against the claims then known."""
        if self._subs is None:
            self._subs = parse_checked(self.raw_subscriptions, load_claims(conn), self.where)
        return self._subs

    def apply(self, conn: Connection, events: Sequence[ev.RecordedEvent]) -> None:
        notifying = [e for e in events if is_notifying(e)]
        if not notifying:
            return
        subs = self.subscriptions(conn)
        if not subs:
            return
        ids = {e.data.get("claim") for e in notifying}
        claim_ids = sorted(i for i in ids if isinstance(i, str))
        # The claims projector ran first in this transaction: the read model has the change.
        # The driver cursor, not Core: this runs inside every append that notifies, where
        # building the statements cost more than running them.
        cur = conn.connection.driver_connection.cursor()
        m = "?" if conn.dialect.name == "sqlite" else "%s"
        claims: dict[str, Claim] = {}
        for i in range(0, len(claim_ids), 500):
            chunk = claim_ids[i : i + 500]
            marks = ", ".join([m] * len(chunk))
            cur.execute(f"SELECT doc FROM claims WHERE id IN ({marks})", chunk)
            for (doc,) in cur.fetchall():
                claim = Claim.from_json(json.loads(doc))
                claims[claim.id] = claim
        rows = [
            tuple(self._row(event, sub).values())
            for event in notifying
            for sub in subs
            if matches(sub, event, claims.get(event.data.get("claim", "")))
        ]
        if rows:
            sql = f"INSERT INTO outbox ({', '.join(_ROW_COLUMNS)}) VALUES ({', '.join([m] * 10)})"
            if len(rows) == 1:
                cur.execute(sql, rows[0])
            else:
                cur.executemany(sql, rows)

    def _recipients(self, sub: Subscription) -> tuple[str, str]:
        """A subscription's recipients as stored and as grouped for its Message-IDs: computed
        once per subscription (parsing the addresses cost more than the rest of a row)."""
        cached = self._recipients_of.get(sub.name)
        if cached is None or cached[0] != sub.to:
            cached = (sub.to, json.dumps(list(sub.to), ensure_ascii=False), _group_of(sub.to))
            self._recipients_of[sub.name] = cached
        return cached[1], cached[2]

    def _row(self, event: ev.RecordedEvent, sub: Subscription) -> dict[str, Any]:
        recorded = parse_iso(event.recorded_at)
        period = None
        due = recorded
        if sub.mode == "digest" and sub.digest is not None:
            period = sub.digest.period_key(recorded)
            due = sub.digest.due_at(period)
        recipients, group = self._recipients(sub)
        return {
            "event_position": event.position,
            "subscription": sub.name,
            "recipients": recipients,
            "mode": sub.mode,
            "period": period,
            # Fixed now, from the event's hash: every (re)send of it carries the same id.
            "message_id": message_id_for(event, group, self.domain),
            "state": PENDING,
            "attempts": 0,
            "next_attempt_at": iso(due),
            "created_at": iso(recorded),
        }

    def reset(self, conn: Connection) -> None:
        """Nothing: messages already queued (or sent) are not the replay's to undo."""
