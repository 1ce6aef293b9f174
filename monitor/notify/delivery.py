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

Failures: a transient one (4xx, connection refused, timeout) keeps the row pending with an
exponential back-off with jitter capped at `delivery.backoff_cap`, and no attempt limit, so
nothing is lost while the server is down for hours; a permanent one (5xx) makes it `dead` with
the server's reply, until `monitor outbox retry ID`.

A crash between send and mark (tests inject it with a transport wrapper, see
tests/crash_after_send.py) leaves the row `sending`; it is sent again with the same Message-ID.
"""

from __future__ import annotations

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

from monitor.app import App
from monitor.config import Settings, SmtpConfig
from monitor.domain.events import RecordedEvent
from monitor.errors import ConfigError, MonitorError
from monitor.services.poll import owner_is_dead, process_owner
from monitor.store.db import translate_errors
from monitor.store.projections import load_claims
from monitor.store.tables import outbox

from .outbox import DEAD, DELIVERED, PENDING, SENDING, STATES, iso
from .render import MailContext, render_change, render_digest
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


def mail_context(settings: Settings) -> MailContext:
    """From: the [smtp] from when set, else the [mail] from."""
    sender = settings.mail.sender
    if settings.smtp is not None and settings.smtp.sender != SmtpConfig.sender:
        sender = settings.smtp.sender
    return MailContext(sender=sender, list_id=settings.mail.list_id)


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


_ROW_COLUMNS = (
    outbox.c.id,
    outbox.c.event_position,
    outbox.c.subscription,
    outbox.c.recipients,
    outbox.c.mode,
    outbox.c.period,
    outbox.c.message_id,
    outbox.c.attempts,
)


def _to_row(r: Any) -> _Row:
    return _Row(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], r[6], r[7])


def deliver_due(
    app: App,
    transport: Transport,
    now: datetime,
    *,
    lease: timedelta = LEASE,
    rng: random.Random | None = None,
) -> DeliveryReport:
    """Send every message due at `now` (aware), one after another; see the module docstring."""
    report = DeliveryReport()
    now_s = iso(now)
    with translate_errors(app.settings.database_url):
        _release_expired(app, now_s)
        for unit in _due_units(app, now_s, app.settings.delivery.batch):
            owner = process_owner(12)  # names this process: a restart frees what it held
            with _sending(owner):
                rows = _claim(app, unit, owner, now_s, iso(now + lease))
                if rows and not _deliver(app, transport, rows, owner, now, report, rng):
                    break  # the server is unreachable: the rest waits for the next pass
        report.counts = outbox_counts(app)
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


def _due_units(app: App, now_s: str, batch: int) -> list[tuple[str, Any]]:
    """What to send: ("immediate", row id) or ("digest", (subscription, period)), oldest first."""
    query = (
        select(outbox.c.id, outbox.c.mode, outbox.c.subscription, outbox.c.period)
        .where(outbox.c.state == PENDING, outbox.c.next_attempt_at <= now_s)
        .order_by(outbox.c.next_attempt_at, outbox.c.id)
        .limit(batch)
    )
    units: list[tuple[str, Any]] = []
    seen: set[tuple[str, str | None]] = set()
    with app.engine.connect() as conn:
        for row_id, mode, subscription, period in conn.execute(query):
            if mode != "digest":
                units.append(("immediate", row_id))
            elif (subscription, period) not in seen:
                seen.add((subscription, period))
                units.append(("digest", (subscription, period)))
    return units


def _claim(app: App, unit: tuple[str, Any], owner: str, now_s: str, until: str) -> list[_Row]:
    """Take the unit's rows under a lease; an UPDATE only one worker wins (it re-checks the
    state after waiting for a competitor's commit), so the rows found with our owner are ours."""
    kind, key = unit
    due = and_(outbox.c.state == PENDING, outbox.c.next_attempt_at <= now_s)
    if kind == "immediate":
        which = outbox.c.id == key
    else:
        subscription, period = key
        which = and_(
            outbox.c.mode == "digest",
            outbox.c.subscription == subscription,
            outbox.c.period == period,
        )
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


def _read_event(app: App, position: int) -> RecordedEvent | None:
    return next(iter(app.store.read(position - 1, position)), None)


def _render(app: App, rows: list[_Row], now: datetime) -> EmailMessage:
    ctx = mail_context(app.settings)
    items = []
    for row in rows:
        event = _read_event(app, row.event_position)
        if event is None:
            raise LookupError(f"event #{row.event_position} is not in the log")
        items.append(event)
    claim_ids = sorted({e.data["claim"] for e in items if isinstance(e.data.get("claim"), str)})
    with app.engine.connect() as conn:
        claims = load_claims(conn, claim_ids) if claim_ids else {}
    pairs = [(e, claims.get(e.data.get("claim", ""))) for e in items]
    to = rows[-1].recipients  # the latest enqueue has the current configuration
    first = rows[0]
    if first.mode == "digest":
        return render_digest(pairs, to, ctx, first.period or "", now)
    event, claim = pairs[0]
    msg = render_change(event, claim, to, ctx, now)
    msg.replace_header("Message-ID", first.message_id)  # the id fixed at enqueue time
    return msg


def _deliver(
    app: App,
    transport: Transport,
    rows: list[_Row],
    owner: str,
    now: datetime,
    report: DeliveryReport,
    rng: random.Random | None,
) -> bool:
    """Send one claimed message and record the outcome; False: stop this pass."""
    ids = [r.id for r in rows]
    label = f"outbox {', '.join(map(str, ids))} ({rows[0].subscription})"
    try:
        msg = _render(app, rows, now)
    except MonitorError:
        raise  # the database, not the message: the lease runs out and a later pass retries
    except Exception as exc:  # a message we cannot build will not build on retry either
        error = f"cannot render: {type(exc).__name__}: {exc}"
        _finish(app, ids, owner, state=DEAD, last_error=error)
        report.dead += 1
        report.errors.append(f"{label}: {error}")
        return True
    try:
        transport.send(msg)
    except DeliveryError as exc:
        report.errors.append(f"{label}: {exc}")
        if exc.permanent:
            _finish(app, ids, owner, state=DEAD, last_error=str(exc))
            report.dead += 1
            return True
        cfg = app.settings.delivery
        attempts = max(r.attempts for r in rows) + 1
        delay = backoff(attempts, cfg.backoff_base, cfg.backoff_cap, rng)
        _finish(
            app,
            ids,
            owner,
            state=PENDING,
            last_error=str(exc),
            next_attempt_at=iso(now + timedelta(seconds=delay)),
        )
        report.retried += 1
        # A reply code means this message's problem; no code, the server's (down, timeout).
        return exc.reply[:3].isdigit()
    extra = {"message_id": msg["Message-ID"]} if rows[0].mode == "digest" else {}
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
    """Make a dead (or waiting) row due now; a digest row brings its whole digest along.
    Returns how many rows were made due."""
    with translate_errors(app.settings.database_url), app.engine.begin() as conn:
        found = conn.execute(
            select(outbox.c.state, outbox.c.mode, outbox.c.subscription, outbox.c.period).where(
                outbox.c.id == row_id
            )
        ).first()
        if found is None:
            raise UnknownOutboxRowError(f"no outbox row with id {row_id} (see `monitor outbox`)")
        state, mode, subscription, period = found
        if state not in (DEAD, PENDING):
            raise OutboxStateError(
                f"outbox row {row_id} is {state}; only dead or pending rows can be retried"
            )
        which = outbox.c.id == row_id
        if mode == "digest":
            which = and_(
                outbox.c.mode == "digest",
                outbox.c.subscription == subscription,
                outbox.c.period == period,
            )
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
