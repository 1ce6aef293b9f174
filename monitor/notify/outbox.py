"""The transactional outbox: notifying events queue their messages in the appending transaction.

A change and the promise to tell someone about it commit together or not at all, so a crash can
neither lose a notification nor send one for a change that was rolled back. Sending is a
separate step (`monitor.notify.delivery`) that reads these rows.

Only live changes notify: replay and rebuild do not re-apply this projector (it has no
`rebuild`), an import skips it (`on_import = False`), and events caused by a rediff (or by
anything outside `NOTIFYING_CAUSES`) queue nothing unless their metadata says `notify: true`.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import Connection, update

from monitor.config import Settings
from monitor.domain import events as ev
from monitor.domain.claims import Claim
from monitor.errors import ConfigError
from monitor.store.claim_rows import claims_by_cursor
from monitor.store.projections import load_claims
from monitor.store.tables import outbox

from ..timeparse import log_time
from .render import _group_of, message_id_for
from .subscriptions import (
    EVENT_KINDS,
    FEED_EVENT_TYPES,
    Subscription,
    SubscriptionConfigError,
    matches,
    parse_subscriptions,
    redact_url,
)
from .unsubscribe import ALL, is_unsubscribed, unsubscribed_pairs

if TYPE_CHECKING:
    from monitor.app import App
    from monitor.domain.claims import Claim

# The event types a subscriber can hear of (ChangeSuspected, ClaimCorroborated never notify).
NOTIFYING_TYPES: Final = frozenset().union(*EVENT_KINDS.values())

PENDING: Final = "pending"
SENDING: Final = "sending"
DELIVERED: Final = "delivered"
DEAD: Final = "dead"
STATES: Final = (PENDING, SENDING, DELIVERED, DEAD)

EMAIL: Final = "email"
WEBHOOK: Final = "webhook"
APPRISE: Final = "apprise"
FEED_BATCH: Final = "feeds"


def batch_of(event: ev.RecordedEvent, period: str | None) -> str:
    """Which message a row goes out in. A digest: its period. A report's changes: the report
    (its correlation id), so "BMW confirms the iX5 for 2027" is one email, not one per claim.
    Feed alerts: all those due together, so three broken feeds make one email."""
    if period is not None:
        return f"digest:{period}"
    if event.type in FEED_EVENT_TYPES:
        return FEED_BATCH
    correlation = (event.metadata or {}).get("correlation_id")
    if event.type != ev.CLAIM_CORRECTED and isinstance(correlation, str) and correlation:
        return f"report:{hashlib.sha256(correlation.encode('utf-8', 'replace')).hexdigest()[:40]}"
    return f"event:{event.position}"


def apprise_target(url: str) -> str:
    """An Apprise row's target: a digest of the URL, which often holds a token."""
    return f"apprise:{hashlib.sha256(url.encode('utf-8')).hexdigest()[:16]}"


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
    where = config_where(settings)
    subs = parse_checked(settings.subscriptions, known, where)
    for i, sub in enumerate(subs):
        if sub.webhook is not None and not os.environ.get(sub.webhook.secret_env):
            raise ConfigError(
                f"{where}: subscriptions[{i}].webhook.secret_env: the environment variable "
                f"{sub.webhook.secret_env} is not set (it holds the webhook's signing secret)"
            )
    for projector in app.projectors:
        if isinstance(projector, OutboxProjector):
            projector.prime(subs)
    return subs


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
        self._emails_of: list[str] | None = None
        self._emails_for: list[Subscription] | None = None

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
        for e in events:
            if e.type == ev.RECIPIENT_UNSUBSCRIBED:
                cancel_queued(conn, e)
        notifying = [e for e in events if is_notifying(e)]
        if not notifying:
            return
        subs = self.subscriptions(conn)
        if not subs:
            return
        # Who asked to stop: read after the unsubscriptions projector applied this batch.
        left = unsubscribed_pairs(conn, self._addresses(subs))
        ids = {e.data.get("claim") for e in notifying}
        claim_ids = sorted(i for i in ids if isinstance(i, str))
        # The claims projector ran first in this transaction: the read model has the change.
        claims = _claims_by_cursor(conn, claim_ids) if claim_ids else {}
        rows = [
            row
            for event in notifying
            for sub in subs
            if matches(sub, event, claims.get(event.data.get("claim", "")))
            for row in self._rows(event, sub, left)
        ]
        if rows:
            # The driver cursor, not Core: this runs inside every append that notifies, where
            # building the statement cost more than running it.
            columns = tuple(rows[0])
            marker = "?" if conn.dialect.name == "sqlite" else "%s"
            sql = (
                f"INSERT INTO outbox ({', '.join(columns)}) "
                f"VALUES ({', '.join([marker] * len(columns))})"
            )
            values = [tuple(r[c] for c in columns) for r in rows]
            cur = conn.connection.driver_connection.cursor()
            if len(values) == 1:
                cur.execute(sql, values[0])
            else:
                cur.executemany(sql, values)

    def _addresses(self, subs: list[Subscription]) -> list[str]:
        """Every email address of the subscriptions, parsed once (the subscriptions are fixed
        for the projector's life)."""
        if self._emails_of is None or self._emails_for is not subs:
            self._emails_of = sorted({a for sub in subs for a in _emails(sub)})
            self._emails_for = subs
        return self._emails_of

    def _rows(
        self, event: ev.RecordedEvent, sub: Subscription, left: set[tuple[str, str]]
    ) -> list[dict[str, Any]]:
        """One row per destination: each email recipient (their own message, so nobody sees
        the list), the webhook, each Apprise URL; each then retries and dead-letters alone."""
        recorded = parse_iso(event.recorded_at)
        period = None
        due = recorded
        if sub.mode == "digest" and sub.digest is not None:
            period = sub.digest.period_key(recorded)
            due = sub.digest.due_at(period)
        common = {
            "event_position": event.position,
            "subscription": sub.name,
            "mode": sub.mode,
            "period": period,
            "batch": batch_of(event, period),
            "state": PENDING,
            "attempts": 0,
            "next_attempt_at": iso(due),
            "created_at": iso(recorded),
        }
        targets = [
            (EMAIL, target, addr)
            for addr in sub.to
            if not is_unsubscribed(left, sub.name, target := _group_of([addr]))
        ]
        if sub.webhook is not None:
            # shown as scheme and host: a webhook URL may hold a token, and the row needs none
            targets.append((WEBHOOK, "webhook", redact_url(sub.webhook.url)))
        targets += [(APPRISE, apprise_target(url), redact_url(url)) for url in sub.apprise]
        return [
            {
                **common,
                "channel": channel,
                "target": target,
                "recipients": json.dumps([shown], ensure_ascii=False),
                # Fixed now, from the event's hash: every (re)send of it carries the same id
                # (the Message-ID of a mail, the idempotency key of a webhook).
                "message_id": message_id_for(event, f"{channel}:{target}", self.domain)
                if channel != EMAIL
                else message_id_for(event, target, self.domain),
            }
            for channel, target, shown in targets
        ]

    def reset(self, conn: Connection) -> None:
        """Nothing: messages already queued (or sent) are not the replay's to undo."""


def _claims_by_cursor(conn: Connection, ids: list[str]) -> dict[str, Claim]:
    """`load_claims` on the driver cursor (see `apply`)."""
    marker = "?" if conn.dialect.name == "sqlite" else "%s"
    return claims_by_cursor(conn.connection.driver_connection.cursor(), marker, ids)


def _emails(sub: Subscription) -> list[str]:
    return [_group_of([addr]) for addr in sub.to]


def cancel_queued(conn: Connection, event: ev.RecordedEvent) -> int:
    """An unsubscribe also stops the mail already queued for the address and not yet being
    sent (a pending digest could otherwise go out days later): those rows become dead, with
    the reason, so `monitor outbox` shows what happened (and `outbox retry` can still send
    one). A row being sent right now finishes."""
    sub, addr = event.data["subscription"], event.data["address"]
    where = (outbox.c.channel == EMAIL) & (outbox.c.target == addr) & (outbox.c.state == PENDING)
    if sub != ALL:
        where = where & (outbox.c.subscription == sub)
    result = conn.execute(
        update(outbox)
        .where(where)
        .values(
            state=DEAD,
            last_error=f"cancelled: the recipient unsubscribed (event #{event.position})",
            lease_owner=None,
            lease_until=None,
        )
    )
    return result.rowcount or 0
