"""Delivery: send the outbox's due messages, and record what became of them.

Guarantee: at least once. A row is marked delivered only AFTER the server accepted the message,
so a crash between the two (or a lost connection after DATA) sends it again on a later pass.
The resend carries the SAME Message-ID: an immediate message uses the id fixed in its row at
enqueue time, a digest one derived from its period, recipients and events. Mail clients and
servers drop the second copy by that id.

Workers: each due message is claimed with a lease (`state` pending -> sending, `lease_owner`,
`lease_until`) by an UPDATE that only one worker can win, so two daemons (on PostgreSQL) never
send the same row at the same time. A worker that dies holding a lease leaves its rows in
`sending`; once the lease expires the next pass puts them back to pending (and resends).

Grouping: rows that share (subscription, channel, target, batch) go out as one message: the
changes one report caused (one email per report, a section per claim), the feed alerts due at
once, a digest period. The message's Message-ID (or webhook delivery id) is derived from its
rows' ids, fixed at enqueue (`unit_id`), so a retry of the same rows carries the same id.

Channels: each email recipient, webhook and Apprise URL is its own row (see `outbox`), so one
unreachable destination neither blocks nor duplicates the others: after a failure without a
reply (the server is down) the pass skips the rest of that destination only.

Failures: a transient one (4xx, connection refused, timeout) keeps the row pending with an
exponential back-off with jitter capped at `delivery.backoff_cap`, and no attempt limit, so
nothing is lost while the server is down for hours; a permanent one (5xx) makes it `dead` with
the server's reply, until `monitor outbox retry ID`.

A crash between send and mark (tests inject it with a transport wrapper, see
tests/crash_after_send.py) leaves the row `sending`; it is sent again with the same Message-ID.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import random
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Connection, and_, func, select, update
from sqlalchemy.exc import SQLAlchemyError

from monitor.app import App
from monitor.config import Settings, SmtpConfig
from monitor.domain.events import RecordedEvent
from monitor.errors import ConfigError, MonitorError
from monitor.services.poll import owner_is_dead, process_owner
from monitor.store.db import translate_errors
from monitor.store.projections import load_claims
from monitor.store.tables import feed_state, outbox

from .channels import AppriseTransport, WebhookTransport, markdown, payload
from .outbox import (
    APPRISE,
    DEAD,
    DELIVERED,
    EMAIL,
    PENDING,
    SENDING,
    STATES,
    WEBHOOK,
    apprise_target,
    iso,
)
from .render import FeedInfo, MailContext, render_digest, render_message
from .safety import token
from .subscriptions import SubscriptionConfigError, Webhook, parse_webhook
from .transports import DeliveryError, MaildirTransport, SmtpTransport, Transport

LEASE: Final = timedelta(minutes=10)  # far longer than one SMTP transaction may take


class UnknownOutboxRowError(MonitorError):
    exit_code = 2


class OutboxStateError(MonitorError):
    exit_code = 2


@dataclass
class DeliveryReport:
    sent: int = 0  # messages the server accepted
    retried: int = 0  # messages that failed for now and wait for their next attempt
    dead: int = 0  # messages refused for good
    errors: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # outbox rows by state, after the pass

    def summary(self) -> str:
        states = ", ".join(f"{s} {self.counts.get(s, 0)}" for s in STATES)
        return f"sent {self.sent}, retried {self.retried}, dead {self.dead}; outbox: {states}"

    def to_json(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "retried": self.retried,
            "dead": self.dead,
            "errors": self.errors,
            "counts": self.counts,
        }


# ---- configuration ---------------------------------------------------------------------------


def make_transport(settings: Settings) -> Transport:
    """SMTP when configured, else the Maildir folder (local use, tests)."""
    smtp = settings.smtp
    if smtp is None:
        return MaildirTransport(Path(settings.mail.maildir))
    password = smtp.password() if smtp.username is not None else None
    if smtp.username is not None and not password:
        raise ConfigError(
            f"smtp.username is set but the password variable {smtp.password_env} is empty"
        )
    try:
        return SmtpTransport(
            smtp.host,
            smtp.port,
            starttls=smtp.starttls,
            ssl=smtp.ssl,
            username=smtp.username,
            password=password,
            timeout=smtp.timeout,
        )
    except ValueError as exc:
        raise ConfigError(f"smtp: {exc}") from exc


def mail_context(settings: Settings, unsubscribe_key: bytes | None = None) -> MailContext:
    """From: the [smtp] from when set, else the [mail] from. The key signs unsubscribe links
    (only offered with `web.base_url`)."""
    sender = settings.mail.sender
    if settings.smtp is not None and settings.smtp.sender != SmtpConfig.sender:
        sender = settings.smtp.sender
    return MailContext(
        sender=sender,
        list_id=settings.mail.list_id,
        message_domain=settings.mail.domain,
        web_base_url=settings.web.base_url,
        unsubscribe_key=unsubscribe_key,
    )


def app_mail_context(app: App) -> MailContext:
    """`mail_context` with the database's unsubscribe key when links are offered at all."""
    key = None
    if app.settings.web.base_url:
        from .unsubscribe import signing_key

        key = signing_key(app.engine)
    return mail_context(app.settings, key)


@dataclass
class Destinations:
    """The non-email endpoints of the current configuration, by (subscription, target); the
    outbox stores only a digest of an Apprise URL (it often holds a token)."""

    webhooks: dict[str, Webhook] = field(default_factory=dict)
    apprise: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> Destinations:
        out = cls()
        for raw in settings.subscriptions:
            name = raw.get("name")
            if not isinstance(name, str):
                continue
            if isinstance(raw.get("webhook"), dict):
                # a bad one is refused, with its key, when the subscriptions are checked
                with contextlib.suppress(SubscriptionConfigError):
                    out.webhooks[name] = parse_webhook(raw["webhook"], f"{name}.webhook")
            urls = raw.get("apprise") or []
            for url in [urls] if isinstance(urls, str) else urls:
                if isinstance(url, str):
                    out.apprise[(name, apprise_target(url.strip()))] = url.strip()
        return out


def backoff(attempts: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Seconds before attempt `attempts + 1`: base * 2^(attempts-1), capped, jittered down by
    up to a quarter (so workers that failed together do not retry together)."""
    raw = min(cap, base * 2 ** min(max(attempts - 1, 0), 40))
    return raw * (rng or random).uniform(0.75, 1.0)


# ---- one pass --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    id: int
    event_position: int
    subscription: str
    recipients: list[str]
    mode: str
    period: str | None
    message_id: str
    attempts: int
    channel: str
    target: str
    batch: str | None

    @property
    def destination(self) -> str:
        """What one failure without a reply says is down: the SMTP server serves all email."""
        return destination_of(self.subscription, self.channel, self.target)


_ROW_COLUMNS = (
    outbox.c.id,
    outbox.c.event_position,
    outbox.c.subscription,
    outbox.c.recipients,
    outbox.c.mode,
    outbox.c.period,
    outbox.c.message_id,
    outbox.c.attempts,
    outbox.c.channel,
    outbox.c.target,
    outbox.c.batch,
)


def _to_row(r: Any) -> _Row:
    return _Row(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], r[6], r[7], r[8], r[9], r[10])


def destination_of(subscription: str, channel: str, target: str) -> str:
    return EMAIL if channel == EMAIL else f"{channel}:{subscription}:{target}"


@dataclass
class Senders:
    """How each channel leaves: the mail transport, the webhook client, Apprise."""

    mail: Transport
    webhook: WebhookTransport = field(default_factory=WebhookTransport)
    apprise: AppriseTransport = field(default_factory=AppriseTransport)
    destinations: Destinations = field(default_factory=Destinations)


def deliver_due(
    app: App,
    transport: Transport | Senders,
    now: datetime,
    *,
    lease: timedelta = LEASE,
    rng: random.Random | None = None,
) -> DeliveryReport:
    """Send every message due at `now` (aware), one after another; see the module docstring.
    `transport` is the mail transport, or `Senders` for every channel."""
    if isinstance(transport, Senders):
        senders = transport
    else:
        senders = Senders(transport, destinations=Destinations.from_settings(app.settings))
    report = DeliveryReport()
    now_s = iso(now)
    down: set[str] = set()
    try:
        with translate_errors(app.settings.database_url):
            _release_expired(app, now_s)
            for unit, destination in _due_units(app, now_s, app.settings.delivery.batch):
                if destination in down:
                    continue  # unreachable in this pass: its rows wait for the next one
                owner = process_owner(12)  # names this process: a restart frees what it held
                with _sending(owner):
                    rows = _claim(app, unit, owner, now_s, iso(now + lease))
                    if rows and not _deliver(app, senders, rows, owner, now, report, rng):
                        down.add(rows[0].destination)
            report.counts = outbox_counts(app)
    finally:
        if senders is not transport:
            senders.webhook.close()  # ours, made for this pass
    return report


_in_flight: set[str] = set()  # the lease owners of this process that are sending right now
_in_flight_lock = threading.Lock()


@contextmanager
def _sending(owner: str) -> Iterator[None]:
    with _in_flight_lock:
        _in_flight.add(owner)
    try:
        yield
    finally:
        with _in_flight_lock:
            _in_flight.discard(owner)


def _abandoned(owner: str | None) -> bool:
    """A lease nobody will finish: its process died, or it is this process's and no send of
    ours holds it any more (recording the outcome failed: the database was away)."""
    if owner is None:
        return False
    if owner.startswith(process_owner(0)):
        with _in_flight_lock:
            return owner not in _in_flight
    return owner_is_dead(owner)


def _release_expired(app: App, now_s: str) -> None:
    """Rows of a worker that died while sending go back to pending (they will be resent):
    at once when it was a process of this host that is gone or a send of ours whose outcome
    could not be recorded, else when the lease runs out."""
    with app.engine.begin() as conn:
        conn.execute(
            update(outbox)
            .where(outbox.c.state == SENDING, outbox.c.lease_until < now_s)
            .values(state=PENDING, lease_owner=None, lease_until=None)
        )
        held = conn.execute(
            select(outbox.c.lease_owner).where(outbox.c.state == SENDING).distinct()
        ).scalars()
        for owner in [o for o in held if _abandoned(o)]:
            conn.execute(
                update(outbox)
                .where(outbox.c.state == SENDING, outbox.c.lease_owner == owner)
                .values(state=PENDING, lease_owner=None, lease_until=None)
            )


def _due_units(app: App, now_s: str, batch: int) -> list[tuple[tuple[str, Any], str]]:
    """What to send, oldest first: ("row", id) for a row of its own, or ("batch", (subscription,
    channel, target, batch)) for rows that go out together; each with its destination."""
    query = (
        select(
            outbox.c.id,
            outbox.c.subscription,
            outbox.c.channel,
            outbox.c.target,
            outbox.c.batch,
        )
        .where(outbox.c.state == PENDING, outbox.c.next_attempt_at <= now_s)
        .order_by(outbox.c.next_attempt_at, outbox.c.id)
        .limit(batch)
    )
    units: list[tuple[tuple[str, Any], str]] = []
    seen: set[tuple[str, str, str, str]] = set()
    with app.engine.connect() as conn:
        for row_id, subscription, channel, target, group in conn.execute(query):
            destination = destination_of(subscription, channel, target)
            if group is None:
                units.append((("row", row_id), destination))
            elif (key := (subscription, channel, target, group)) not in seen:
                seen.add(key)
                units.append((("batch", key), destination))
    return units


def _claim(app: App, unit: tuple[str, Any], owner: str, now_s: str, until: str) -> list[_Row]:
    """Take the unit's rows under a lease; an UPDATE only one worker wins (it re-checks the
    state after waiting for a competitor's commit), so the rows found with our owner are ours."""
    kind, key = unit
    due = and_(outbox.c.state == PENDING, outbox.c.next_attempt_at <= now_s)
    which = outbox.c.id == key if kind == "row" else _same_batch(*key)
    with app.engine.begin() as conn:
        taken = conn.execute(
            update(outbox)
            .where(which, due)
            .values(state=SENDING, lease_owner=owner, lease_until=until)
        ).rowcount
        if not taken:
            return []
        found = conn.execute(
            select(*_ROW_COLUMNS)
            .where(outbox.c.lease_owner == owner, outbox.c.state == SENDING)
            .order_by(outbox.c.event_position)
        )
        return [_to_row(r) for r in found]


def _same_batch(subscription: str, channel: str, target: str, batch: str) -> Any:
    return and_(
        outbox.c.subscription == subscription,
        outbox.c.channel == channel,
        outbox.c.target == target,
        outbox.c.batch == batch,
    )


def _read_event(app: App, position: int) -> RecordedEvent | None:
    return next(iter(app.store.read(position - 1, position)), None)


def _items(app: App, rows: list[_Row]) -> list[tuple[RecordedEvent, Any]]:
    events = []
    for row in rows:
        event = _read_event(app, row.event_position)
        if event is None:
            raise LookupError(f"event #{row.event_position} is not in the log")
        events.append(event)
    claim_ids = sorted({e.data["claim"] for e in events if isinstance(e.data.get("claim"), str)})
    with app.engine.connect() as conn:
        claims = load_claims(conn, claim_ids) if claim_ids else {}
    return [(e, claims.get(e.data.get("claim", ""))) for e in events]


def unit_id(rows: list[_Row], domain: str) -> str:
    """The Message-ID (or webhook delivery id) of what these rows send: a lone row's id fixed at
    enqueue; for several, one derived from all of theirs. A retry of the same rows carries the
    same id, so a receiver drops the copy; if a row joined since (a crash after sending, then a
    new feed alert), the id differs, so the new content is not dropped as a duplicate."""
    if len(rows) == 1:
        return rows[0].message_id
    key = "|".join(sorted(r.message_id for r in rows))
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"<group.{rows[0].event_position}.{digest}@{token(domain)}>"


def _feeds(app: App) -> dict[str, FeedInfo]:
    """Feed names for alerts: a person knows "Autocar", not "autocar-rss-2"."""
    with app.engine.connect() as conn:
        found = conn.execute(select(feed_state.c.id, feed_state.c.name, feed_state.c.state))
        return {i: FeedInfo(name=n or "", state=st or "") for i, n, st in found}


def _render(app: App, rows: list[_Row], now: datetime, to: list[str] | None = None) -> EmailMessage:
    ctx = app_mail_context(app)
    pairs = _items(app, rows)
    to = to or rows[-1].recipients  # the latest enqueue has the current configuration
    first = rows[0]
    common: dict[str, Any] = {"subscription": first.subscription, "feeds": _feeds(app)}
    if first.mode == "digest":
        return render_digest(pairs, to, ctx, first.period or "", now, **common)
    return render_message(pairs, to, ctx, now, message_id=unit_id(rows, ctx.domain), **common)


def _send(app: App, senders: Senders, rows: list[_Row], now: datetime) -> str | None:
    """Build and send one unit on its channel; returns the Message-ID of an email digest.
    A failure to build is a ValueError/LookupError (dead: it will not build on retry either)."""
    first = rows[0]
    if first.channel == EMAIL:
        if len(first.recipients) > 1:
            # A row queued before per-recipient rows: still one message per address.
            for address in first.recipients:
                senders.mail.send(_render(app, rows, now, [address]))
            return None
        msg = _render(app, rows, now)
        senders.mail.send(msg)
        return str(msg["Message-ID"])
    ctx = app_mail_context(app)
    delivery_id = unit_id(rows, ctx.domain).strip("<>")
    body = payload(
        _items(app, rows),
        subscription=first.subscription,
        delivery_id=delivery_id,
        ctx=ctx,
        feeds=_feeds(app),
        period=first.period if first.mode == "digest" else None,
    )
    if first.channel == WEBHOOK:
        hook = senders.destinations.webhooks.get(first.subscription)
        if hook is None:
            raise LookupError(f"subscription {first.subscription!r} has no webhook any more")
        senders.webhook.send(hook, body, delivery_id)
    elif first.channel == APPRISE:
        url = senders.destinations.apprise.get((first.subscription, first.target))
        if url is None:
            raise LookupError(f"subscription {first.subscription!r} no longer has this Apprise URL")
        title, text = markdown(body)
        senders.apprise.send(url, title, text)
    else:
        raise LookupError(f"unknown channel {first.channel!r}")
    return None


def _deliver(
    app: App,
    senders: Senders,
    rows: list[_Row],
    owner: str,
    now: datetime,
    report: DeliveryReport,
    rng: random.Random | None,
) -> bool:
    """Send one claimed unit and record the outcome; False: its destination is unreachable."""
    ids = [r.id for r in rows]
    first = rows[0]
    target = first.recipients[0] if first.recipients else first.target
    label = f"outbox {', '.join(map(str, ids))} ({first.subscription}, {first.channel} {target})"
    try:
        message_id = _send(app, senders, rows, now)
    except (MonitorError, SQLAlchemyError):
        # the database, not the message (reading the events to render can fail as well as
        # recording the outcome): the lease runs out and a later pass retries
        raise
    except DeliveryError as exc:
        report.errors.append(f"{label}: {exc}")
        if exc.permanent:
            _finish(app, ids, owner, state=DEAD, last_error=str(exc))
            report.dead += 1
            return True
        cfg = app.settings.delivery
        attempts = max(r.attempts for r in rows) + 1
        delay = backoff(attempts, cfg.backoff_base, cfg.backoff_cap, rng)
        if exc.retry_after is not None:
            delay = max(delay, exc.retry_after)
        _finish(
            app,
            ids,
            owner,
            state=PENDING,
            last_error=str(exc),
            next_attempt_at=iso(now + timedelta(seconds=delay)),
        )
        report.retried += 1
        # A reply code, or recipients the server named, means this message's problem ("451
        # mailbox busy" for one address); no code, the server's (down, timeout).
        return bool(exc.refused) or exc.reply[:3].isdigit()
    except Exception as exc:  # a message we cannot build will not build on retry either
        error = f"cannot render: {type(exc).__name__}: {exc}"
        _finish(app, ids, owner, state=DEAD, last_error=error)
        report.dead += 1
        report.errors.append(f"{label}: {error}")
        return True
    extra = {"message_id": message_id} if rows[0].mode == "digest" and message_id else {}
    _finish(app, ids, owner, state=DELIVERED, delivered_at=iso(now), **extra)
    report.sent += 1
    return True


def _finish(app: App, ids: list[int], owner: str, *, state: str, **values: Any) -> None:
    """Record an outcome on rows we still hold (a lost lease: the other worker records it)."""
    with app.engine.begin() as conn:
        conn.execute(
            update(outbox)
            .where(outbox.c.id.in_(ids), outbox.c.lease_owner == owner)
            .values(
                state=state,
                attempts=outbox.c.attempts + 1,
                lease_owner=None,
                lease_until=None,
                **values,
            )
        )


# ---- queries and commands on the outbox --------------------------------------------------------


def outbox_counts(app: App) -> dict[str, int]:
    with app.engine.connect() as conn:
        rows = conn.execute(select(outbox.c.state, func.count()).group_by(outbox.c.state))
        return {state: n for state, n in rows}


def list_outbox(app: App, state: str | None = None, limit: int | None = None) -> list[dict]:
    """Rows as plain dicts (the newest `limit` ones), oldest first."""
    query = select(outbox).order_by(outbox.c.id.desc())
    if state is not None:
        query = query.where(outbox.c.state == state)
    if limit is not None:
        query = query.limit(limit)
    with translate_errors(app.settings.database_url), app.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)][::-1]
    for row in rows:
        row["recipients"] = json.loads(row["recipients"])
    return rows


def retry(app: App, row_id: int, now: datetime) -> int:
    """Make a dead (or waiting) row due now; the rows it is sent with come along.
    Returns how many rows were made due."""
    with translate_errors(app.settings.database_url), app.engine.begin() as conn:
        found = conn.execute(
            select(
                outbox.c.state,
                outbox.c.subscription,
                outbox.c.channel,
                outbox.c.target,
                outbox.c.batch,
            ).where(outbox.c.id == row_id)
        ).first()
        if found is None:
            raise UnknownOutboxRowError(f"no outbox row with id {row_id} (see `monitor outbox`)")
        state, subscription, channel, target, batch = found
        if state not in (DEAD, PENDING):
            raise OutboxStateError(
                f"outbox row {row_id} is {state}; only dead or pending rows can be retried"
            )
        which = outbox.c.id == row_id
        if batch is not None:  # its message's other rows come along (they died together)
            which = _same_batch(subscription, channel, target, batch)
        return _make_due(conn, which, iso(now))


def _make_due(conn: Connection, which: Any, now_s: str) -> int:
    return conn.execute(
        update(outbox)
        .where(which, outbox.c.state.in_((DEAD, PENDING)))
        .values(state=PENDING, next_attempt_at=now_s, lease_owner=None, lease_until=None)
    ).rowcount


# ---- the loop ---------------------------------------------------------------------------------


def utc_now() -> datetime:
    return datetime.now(UTC)


def delivery_loop(
    app: App,
    transport: Transport,
    stop: threading.Event,
    *,
    interval: float | None = None,
    on_pass: Callable[[DeliveryReport], None] | None = None,
    on_error: Callable[[Exception], None] | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> None:
    """A pass every `interval` seconds until `stop` is set; a failed pass (the database down)
    is reported and the loop goes on: the rows stay in the outbox for the next one."""
    wait = app.settings.delivery.interval if interval is None else interval
    while not stop.is_set():
        try:
            result = deliver_due(app, transport, clock())
        except Exception as exc:
            if on_error is not None:
                on_error(exc)
        else:
            if on_pass is not None:
                on_pass(result)
        stop.wait(wait)
