"""Polling one feed: fetch (conditional GET), parse, record new and revised reports, diff them.

A report's event and the claim events it causes are appended in one transaction together with
the feed's operational state, so a crash never leaves a report recorded but not diffed, or
diffed twice. One failing feed never stops the others: its error is data on its state, and even
an unexpected exception while recording ends as a recorded feed error.

Two daemons on one database share the work through a lease on the feed's row (taken with the
row's fresh state, so health events are judged on what the other daemon last wrote); the
dedup keys of report and claim events keep the log exactly-once even if two did poll at once.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import hashlib
import logging
import multiprocessing
import os
import random
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Connection, select, update
from sqlalchemy.exc import OperationalError

from ..app import App
from ..domain import events as ev
from ..domain.claims import Claim
from ..domain.fold import claim_id_of, evolve_claim
from ..domain.observations import Report
from ..errors import LockTimeoutError, StoreError
from ..feeds.fetch import Fetcher, FetchResult
from ..feeds.parse import FeedParseError, ParsedEntry, ParsedFeed, parse_feed
from ..feeds.politeness import HostGate, backoff_seconds, host_key, jittered_interval
from ..store.db import is_sqlite
from ..store.eventstore import Writer, raw_cursor
from ..store.projections import load_claims
from ..store.tables import feed_state, reports
from .diffing import DetectorCache, apply_recorded, diff_report, report_key
from .feeds import FeedView, _row_view

log = logging.getLogger("monitor.poll")
_FEED_COLUMN_NAMES = tuple(c.name for c in feed_state.c)
_FEED_COLUMNS = ", ".join(_FEED_COLUMN_NAMES)
_FEED_COLUMN_SET = frozenset(_FEED_COLUMN_NAMES)
_FeedRow = collections.namedtuple("_FeedRow", _FEED_COLUMN_NAMES)  # type: ignore[misc]
T = TypeVar("T")

MAX_TEXT = 200_000  # the ReportRecorded schema's maxLength for text
RETRY_AFTER_CAP = 7 * 86400.0  # a server's Retry-After is honoured, up to a week
MAX_HOST_WAIT = 30.0  # longer than this behind a host's Retry-After: reschedule, don't block
# Bodies at least this big are parsed in a child process (feedparser is pure Python: parsing
# there runs on another core while this process fetches, diffs and appends). Smaller ones cost
# less to parse than to send there and back.
PARSE_OFFLOAD_BYTES = 8 * 1024


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def identity_digest(identity: str) -> str:
    """A bounded stand-in for an entry identity in keys (a guid can be any length)."""
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]


@dataclass
class PollOutcome:
    feed: str
    url: str
    status: int | None = None
    not_modified: bool = False
    new: int = 0
    revised: int = 0
    changes: int = 0
    value_changes: int = 0
    suspected: int = 0
    corroborations: int = 0
    error: str | None = None
    warning: str | None = None
    ms: float = 0.0
    skipped: str | None = None  # why the feed was not polled (leased elsewhere, not due)
    events: list[str] = field(default_factory=list)
    lock_timeouts: int = 0  # append attempts that timed out waiting for the lock (retried)

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}

    def count(self, recorded: list[ev.RecordedEvent]) -> None:
        for e in recorded:
            if e.type == ev.REPORT_RECORDED:
                self.new += 1
            elif e.type == ev.REPORT_REVISED:
                self.revised += 1
            elif e.type == ev.CLAIM_STATUS_CHANGED:
                self.changes += 1
            elif e.type == ev.CLAIM_VALUE_CHANGED:
                self.value_changes += 1
            elif e.type == ev.CHANGE_SUSPECTED:
                self.suspected += 1
            elif e.type == ev.CLAIM_CORROBORATED:
                self.corroborations += 1


def _pid_namespace() -> str:
    """Which PID namespace pids are numbered in (two containers on one host differ)."""
    try:
        return os.readlink("/proc/self/ns/pid").removeprefix("pid:[").removesuffix("]")
    except OSError:
        return "-"


def _this_process() -> str:
    return f"{socket.gethostname()[:40]}:{_pid_namespace()}"


def process_owner(suffix: int = 8) -> str:
    """A lease owner naming this process: ``host:pid-namespace:pid:random``."""
    return f"{_this_process()}:{os.getpid()}:{uuid.uuid4().hex[:suffix]}"


def default_owner() -> str:
    """Unique per Poller: two pollers in one process (tests, a CLI beside a daemon) are two
    owners, so a lease is never re-entered by a second poll of the same feed."""
    return process_owner()


def owner_is_dead(owner: str | None) -> bool:
    """True only when the owner was a process of this host and PID namespace that no longer
    runs (killed, crashed). Anything unsure (another host, pid reused) counts as alive, so
    the lease simply runs out instead."""
    if not owner:
        return False
    host, ns, pid_text, _ = ([*owner.rsplit(":", 3)] + ["", "", "", ""])[:4]
    if f"{host}:{ns}" != _this_process() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # EPERM: alive, someone else's
        return False
    return False


def _error_result(url: str, message: str, base: FetchResult | None = None) -> FetchResult:
    if base is not None:
        return dataclasses.replace(
            base,
            body=None,
            not_modified=False,
            permanent_redirect_to=None,
            gone=False,
            retry_after=None,
            error=message,
        )
    return FetchResult(
        url=url, final_url=url, status=None, body=None, headers={}, etag=None,
        last_modified=None, not_modified=False, permanent_redirect_to=None, gone=False,
        retry_after=None, error=message, elapsed_ms=0.0,
    )  # fmt: skip


LOCK_ATTEMPTS = 3  # appends of one poll tried when the append lock times out
LOCK_RETRY_BASE = 0.5  # seconds before the 2nd attempt (doubling, jittered)


@dataclass
class _Plan:
    """A poll's entries judged outside the append lock: what to append, and what it read."""

    fresh: list[ParsedEntry]
    known: dict[str, str | None]  # identity -> content hash recorded when judged (None: new)
    claims: dict[str, Claim]  # the claims as the decisions read them (`_judged`)
    batches: list[list[ev.NewEvent]] = field(default_factory=list)


def _judged(claims: Mapping[str, Claim]) -> dict[str, Claim]:
    """The claims without what corroborations alone move (version, position, time, count):
    what detection and decisions read. Another feed corroborating a claim meanwhile does not
    invalidate a plan."""
    return {
        cid: dataclasses.replace(c, version=0, position=0, updated_at="", corroborations=0)
        for cid, c in claims.items()
    }


def _apply_new(claims: dict[str, Claim], events: list[ev.NewEvent], stamp: str) -> None:
    """Apply planned (not yet recorded) claim events to a local state; positions are
    placeholders, since decisions read statuses and values only."""
    for e in events:
        cid = claim_id_of(e.stream)
        if cid is None:
            continue
        old = claims.get(cid)
        version = (old.version if old else 0) + 1
        new = evolve_claim(old, e.type, e.data, 0, version, stamp)
        if new is not None:
            claims[cid] = new


class _GroupCommit:
    """Small writes of many polls (leases, 304 and error states, releases) in one transaction.

    A request made while a batch is running waits for the next one, which takes every request
    that arrived meanwhile: under load a transaction carries many polls' writes, alone it
    carries one (the latency of a single write). Each request keeps its own conditions (a lease
    is taken or not by its feed's row). When a batch fails on anything but
    an unavailable database, its requests are retried one by one, so one bad write never fails
    the others.
    """

    def __init__(
        self,
        submit: Callable[[Callable[[], None]], Any],
        txn: Callable[[], contextlib.AbstractContextManager[Connection]],
        apply: Callable[[Connection, list[Any]], list[Any]],
    ) -> None:
        self._submit = submit
        self._txn = txn
        self._apply = apply
        self._lock = threading.Lock()
        self._pending: list[tuple[Any, Future]] = []
        self._scheduled = False

    def __call__(self, request: Any) -> Any:
        future: Future = Future()
        with self._lock:
            self._pending.append((request, future))
            schedule = not self._scheduled
            self._scheduled = True
        if schedule:
            try:
                self._submit(self._drain)
            except BaseException as exc:  # the executor is shut down
                with self._lock:
                    batch, self._pending, self._scheduled = self._pending, [], False
                for _, f in batch:
                    f.set_exception(exc)
        return future.result()

    def _drain(self) -> None:
        with self._lock:
            batch, self._pending, self._scheduled = self._pending, [], False
        if not batch:
            return
        try:
            with self._txn() as conn:
                results = self._apply(conn, [request for request, _ in batch])
        except Exception as exc:
            if len(batch) == 1 or isinstance(exc, StoreError | OperationalError):
                for _, future in batch:
                    future.set_exception(exc)
                return
            for request, future in batch:
                try:
                    with self._txn() as conn:
                        future.set_result(self._apply(conn, [request])[0])
                except Exception as one:
                    future.set_exception(one)
            return
        for (_, future), result in zip(batch, results, strict=True):
            future.set_result(result)


def _available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _parser_process_init() -> None:
    # The daemon decides when to stop (it finishes the polls in flight, then closes the pool):
    # a Ctrl-C or SIGTERM sent to the whole process group must not kill the parser first.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


class Poller:
    """Polls feeds for one daemon (or one `run --once`); thread-safe."""

    def __init__(
        self,
        app: App,
        *,
        fetcher: Fetcher | None = None,
        gate: HostGate | None = None,
        rng: random.Random | None = None,
        owner: str | None = None,
        detectors: DetectorCache | None = None,
        parse_processes: int | None = None,
    ) -> None:
        self.app = app
        p = app.settings.polling
        self.fetcher = fetcher or app.make_fetcher(max_connections=max(16, 2 * p.workers))
        self.gate = gate or HostGate(min_gap=p.host_gap)
        self.rng = rng or random.Random()
        self.owner = owner or default_owner()
        self.detectors = detectors or app.detectors
        # A poll's fetch ends by its deadline; the margin covers parsing and diffing.
        self.lease_seconds = p.connect_timeout + p.read_timeout + 300
        # Feeds whose lease we could not release (the database was away): ours to take again.
        self._stranded: set[str] = set()
        self._sqlite = is_sqlite(app.engine)
        # Database work (lease, diff, append, state) runs on a few persistent threads, fetching
        # and parsing on the callers' (many) threads: the store keeps one connection per thread
        # that writes, so writing from every poll worker would hold as many connections as
        # there are workers (more than the engine's pool: a deadlock) and leak them with each
        # short-lived pool of `run_once`. SQLite has one writer at a time anyway.
        self._db_threads = 1 if self._sqlite else 4
        self._db = ThreadPoolExecutor(max_workers=self._db_threads, thread_name_prefix="poll-db")
        # Leases and the state-only ends of polls (304s, errors) are grouped into shared
        # transactions; a poll that records events commits alone.
        self._batch = _GroupCommit(self._db.submit, self._txn, self._small_writes)
        self._marker = "?" if self._sqlite else "%s"
        # Parsing in child processes (started on the first large body); 0: always here.
        if parse_processes is None:
            parse_processes = min(4, _available_cpus() - 1)
        self._parse_processes = max(0, parse_processes)
        self._parsers: ProcessPoolExecutor | None = None
        self._parsers_lock = threading.Lock()
        self._closed = False

    def close(self) -> None:
        """Close the fetcher and give back the database threads' kept connections."""
        if self._closed:
            return
        self._closed = True
        self.fetcher.close()
        with self._parsers_lock:
            parsers, self._parsers = self._parsers, None
        if parsers is not None:
            parsers.shutdown(wait=True, cancel_futures=True)
        drop = getattr(self.app.store, "_drop_write_connection", None)
        if drop is not None:
            barrier = threading.Barrier(self._db_threads, timeout=10)

            def release() -> None:
                with contextlib.suppress(threading.BrokenBarrierError):
                    barrier.wait()  # one task per thread: each drops its own connection
                drop()

            for future in [self._db.submit(release) for _ in range(self._db_threads)]:
                with contextlib.suppress(Exception):
                    future.result()
        self._db.shutdown(wait=True)

    def _on_db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return self._db.submit(fn, *args, **kwargs).result()

    @contextmanager
    def _txn(self) -> Iterator[Connection]:
        """A short write transaction on the store's writing connection of this thread."""
        with self.app.store.writer() as w:
            yield w.conn

    # ---- leases: two daemons never poll one feed at once --------------------------------
    def lease(self, feed_id: str, now: datetime, *, due_only: bool = False) -> FeedView | None:
        """Take the feed's lease; returns its fresh state, or None when another poller holds
        it, it is disabled or unsubscribed, or (``due_only``) someone polled it meanwhile."""
        with self._txn() as conn:
            return self._lease_many(conn, [(feed_id, now, due_only)])[0]

    def _lease_many(
        self, conn: Connection, requests: list[tuple[str, datetime, bool]]
    ) -> list[FeedView | None]:
        """Leases of several feeds in one transaction: one statement per kind of request (a
        feed's lease is still taken, or not, by its own row's conditions)."""
        m = self._marker
        groups: dict[tuple[str, bool, bool], list[tuple[str, datetime]]] = {}
        for feed_id, now, due_only in requests:
            key = (iso(now), due_only, feed_id in self._stranded)
            groups.setdefault(key, []).append((feed_id, now))
        leased: dict[str, FeedView] = {}
        cur = raw_cursor(conn)
        for (stamp, due_only, stranded), members in groups.items():
            until = iso(max(now for _, now in members) + timedelta(seconds=self.lease_seconds))
            free = f"lease_until IS NULL OR lease_until < {m}"
            free_args: list[Any] = [stamp]
            if stranded:  # a lease we failed to release: that poll ended
                free += f" OR lease_owner = {m}"
                free_args.append(self.owner)
            due = f" AND (next_due IS NULL OR next_due <= {m})" if due_only else ""
            ids = list(dict.fromkeys(feed_id for feed_id, _ in members))
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                cur.execute(
                    f"UPDATE feed_state SET lease_owner = {m}, lease_until = {m}"
                    f" WHERE id IN ({', '.join([m] * len(chunk))}) AND subscribed = 1"
                    f" AND state != 'disabled' AND ({free}){due} RETURNING {_FEED_COLUMNS}",
                    [self.owner, until, *chunk, *free_args, *([stamp] if due_only else [])],
                )
                for row in cur.fetchall():
                    leased[row[0]] = _row_view(_FeedRow(*row))
        out: list[FeedView | None] = []
        for feed_id, _, _ in requests:
            view = leased.pop(feed_id, None)  # one poll per feed gets the lease
            if view is not None:
                self._stranded.discard(feed_id)
            out.append(view)
        return out

    def reclaim_dead_leases(self) -> list[str]:
        """End the leases of pollers on this host that died holding them (SIGKILL, OOM), so a
        restarted daemon polls those feeds now instead of after the lease (minutes)."""
        return self._on_db(self._reclaim_dead_leases)

    def _reclaim_dead_leases(self) -> list[str]:
        with self._txn() as conn:
            held = conn.execute(
                select(feed_state.c.id, feed_state.c.lease_owner).where(
                    feed_state.c.lease_owner.is_not(None)
                )
            ).all()
            freed = []
            for feed_id, owner in held:
                if owner_is_dead(owner):
                    conn.execute(
                        update(feed_state)
                        .where(feed_state.c.id == feed_id, feed_state.c.lease_owner == owner)
                        .values(lease_owner=None, lease_until=None)
                    )
                    freed.append(feed_id)
        return freed

    def release(self, feed_id: str, **values: Any) -> None:
        with self._txn() as conn:
            self._set_states(
                conn, [(feed_id, {"lease_owner": None, "lease_until": None, **values})]
            )

    def _set_states(
        self, conn: Connection, requests: list[tuple[str, Mapping[str, Any]]]
    ) -> list[None]:
        """Write leased feeds' states (values that end the lease, end it): one statement per
        set of columns, executed for every feed that has it."""
        m = self._marker
        groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        for feed_id, values in requests:
            columns = tuple(values)
            unknown = set(columns) - _FEED_COLUMN_SET
            if unknown:
                raise ValueError(f"not feed_state columns: {sorted(unknown)}")
            groups.setdefault(columns, []).append((*values.values(), feed_id, self.owner))
        cur = raw_cursor(conn)
        for columns, rows in groups.items():
            sql = (
                f"UPDATE feed_state SET {', '.join(f'{c} = {m}' for c in columns)}"
                f" WHERE id = {m} AND lease_owner = {m}"
            )
            if len(rows) == 1:
                cur.execute(sql, rows[0])
            else:
                cur.executemany(sql, rows)
        return [None] * len(requests)

    def _small_writes(self, conn: Connection, requests: list[tuple[str, Any]]) -> list[Any]:
        """One group commit's requests: feeds' states first (a lease released in the batch is
        free for a lease taken in it), then leases."""
        states = [(i, r) for i, (kind, r) in enumerate(requests) if kind == "state"]
        leases = [(i, r) for i, (kind, r) in enumerate(requests) if kind == "lease"]
        out: list[Any] = [None] * len(requests)
        if states:
            self._set_states(conn, [r for _, r in states])
        if leases:
            for (i, _), view in zip(
                leases, self._lease_many(conn, [r for _, r in leases]), strict=True
            ):
                out[i] = view
        return out

    def _release_batched(self, feed_id: str, **values: Any) -> None:
        self._batch(("state", (feed_id, {"lease_owner": None, "lease_until": None, **values})))

    # ---- one poll -----------------------------------------------------------------------
    def poll(
        self, feed: FeedView, now: datetime | None = None, *, due_only: bool = False
    ) -> PollOutcome:
        """Poll one feed; never raises for the feed's own problems (they are its state)."""
        return self.poll_scheduled(feed, now, due_only=due_only)

    def poll_scheduled(
        self,
        feed: FeedView,
        now: datetime | None = None,
        *,
        due_only: bool = False,
        fetched: Callable[[], None] | None = None,
    ) -> PollOutcome:
        """`poll`, calling ``fetched()`` as soon as this poll is done with the feed's host (its
        request answered, or no request made), before parsing and recording: a scheduler
        (`HostQueue`) then hands the host's next feed to another worker meanwhile."""
        try:
            return self._poll(feed, now, due_only, fetched)
        finally:
            if fetched is not None:
                fetched()  # idempotent (a HostTicket's release)

    def _poll(
        self,
        feed: FeedView,
        now: datetime | None,
        due_only: bool,
        fetched: Callable[[], None] | None,
    ) -> PollOutcome:
        now = now or datetime.now(UTC)
        outcome = PollOutcome(feed=feed.id, url=feed.url)
        try:
            current = self._retrying(
                outcome, "lease", self._batch, ("lease", (feed.id, now, due_only))
            )
        except Exception as exc:  # the database is away: nothing was written
            log.warning("could not lease feed %s: %s", feed.id, exc)
            outcome.error = f"could not lease: {exc}"
            return outcome
        if current is None:
            outcome.skipped = "leased by another poller, disabled, or not due"
            return outcome
        feed = current
        outcome.url = feed.url
        released = False
        result: FetchResult | None = None
        try:
            wait = self.gate.wait_seconds(feed.url)
            if wait > MAX_HOST_WAIT:
                # The host asked everyone to wait (Retry-After): don't hold a worker for it.
                outcome.skipped = f"host {host_key(feed.url)} deferred for {wait:.0f}s"
                self._release_batched(feed.id, next_due=iso(now + timedelta(seconds=wait)))
                released = True
                return outcome
            with self.gate.slot(feed.url):
                result = self.fetcher.fetch(feed.url, feed.etag, feed.last_modified)
            if result.retry_after:
                self.gate.defer(result.final_url, min(result.retry_after, RETRY_AFTER_CAP))
            if fetched is not None:
                fetched()
            outcome.status = result.status
            outcome.ms = round(result.elapsed_ms, 1)
            self._record(feed, result, outcome, datetime.now(UTC))
            released = True
        except Exception as exc:  # a bug or a database error: record it as the feed's error
            log.exception("poll of feed %s failed", feed.id)
            message = f"internal error: {type(exc).__name__}: {exc}"
            outcome = PollOutcome(feed=feed.id, url=feed.url, status=outcome.status)
            try:
                self._record(
                    feed, _error_result(feed.url, message, result), outcome, datetime.now(UTC)
                )
                released = True
            except Exception:
                log.exception("could not record the failure of feed %s", feed.id)
                outcome.error = message
        finally:
            if not released:
                try:
                    self._release_batched(feed.id)
                except Exception:
                    log.exception("could not release the lease of feed %s", feed.id)
                    self._stranded.add(feed.id)
        log.info(
            "poll feed=%s status=%s new=%d revised=%d changes=%d ms=%.0f%s",
            feed.id,
            outcome.status,
            outcome.new,
            outcome.revised,
            outcome.changes + outcome.value_changes,
            outcome.ms,
            f" error={outcome.error!r}" if outcome.error else "",
        )
        return outcome

    def _record(
        self, feed: FeedView, result: FetchResult, outcome: PollOutcome, now: datetime
    ) -> None:
        """Turn one fetch into the feed's new state, its events and its reports; commit."""
        p = self.app.settings.polling
        interval = feed.interval or p.interval
        ops: dict[str, Any] = {
            "last_polled": iso(now),
            "last_status": result.status,
            "lease_owner": None,
            "lease_until": None,
        }
        feed_events: list[ev.NewEvent] = []
        stamp = iso(now)
        meta = {"cause": "poll"}
        stream = ev.feed_stream(feed.id)
        parsed = None
        error = result.error
        if result.gone:
            error = error or "HTTP 410 Gone"
            feed_events.append(
                ev.NewEvent(
                    stream,
                    ev.FEED_DISABLED,
                    {
                        "feed": feed.id,
                        "reason": "HTTP 410 Gone: the feed was removed",
                        "http_status": 410,
                    },
                    stamp,
                    meta,
                )
            )
            ops.update(last_error=error, next_due=None)
            outcome.error = error
            self._on_db(self._commit, feed, None, feed_events, ops, outcome, now)
            return
        if error is None and not result.not_modified:
            try:
                parsed = self._parse(
                    result.body or b"", result.headers, result.final_url, p.max_entries
                )
            except FeedParseError as exc:
                error = f"unusable feed: {exc}"
        if result.permanent_redirect_to and result.permanent_redirect_to != feed.url:
            feed_events.append(
                ev.NewEvent(
                    stream,
                    ev.FEED_URL_CHANGED,
                    {
                        "feed": feed.id,
                        "from": feed.url,
                        "to": result.permanent_redirect_to,
                        "http_status": result.permanent_redirect_status or 301,
                    },
                    stamp,
                    meta,
                )
            )
            outcome.url = result.permanent_redirect_to
        if error is not None:
            failures = feed.consecutive_failures + 1
            delay = backoff_seconds(failures, p.backoff_base, p.backoff_cap, self.rng)
            if result.retry_after is not None:
                delay = max(delay, min(result.retry_after, RETRY_AFTER_CAP))
            ops.update(
                consecutive_failures=failures,
                last_error=error[:2000],
                next_due=iso(now + timedelta(seconds=delay)),
            )
            # Once per failing spell: the row's state (fresh from the lease) says whether this
            # spell was already announced, whatever the threshold was then.
            if failures >= p.failure_threshold and feed.state == "ok":
                feed_events.append(
                    ev.NewEvent(
                        stream,
                        ev.FEED_FAILING,
                        {
                            "feed": feed.id,
                            "url": feed.url,
                            "error": error[:2000],
                            "failures": failures,
                        },
                        stamp,
                        meta,
                    )
                )
            outcome.error = error
        else:
            if feed.state == "failing":
                feed_events.append(
                    ev.NewEvent(
                        stream,
                        ev.FEED_RECOVERED,
                        {"feed": feed.id, "url": feed.url, "failures": feed.consecutive_failures},
                        stamp,
                        meta,
                    )
                )
            ops.update(
                consecutive_failures=0,
                last_error=None,
                next_due=iso(
                    now + timedelta(seconds=jittered_interval(interval, self.rng, p.jitter))
                ),
            )
            if not result.not_modified:
                ops.update(etag=result.etag, last_modified=result.last_modified)
            outcome.not_modified = result.not_modified
        if parsed is not None:
            ops["warning"] = parsed.warning[:2000] if parsed.warning else None
            outcome.warning = parsed.warning
        entries = parsed.entries if parsed else []
        # Detection runs here, before the append lock is taken: a slow document never holds
        # up the other writers (the plan is checked again under the lock).
        plan = self._plan(feed, entries, stamp) if entries else None
        if (plan is None or not plan.fresh) and not feed_events:
            # Only the feed's state (a 304, an error, nothing new): grouped with other polls'.
            self._retrying(outcome, "state", self._batch, ("state", (feed.id, ops)))
            return
        # (The plan is checked again under the lock on each attempt.)
        self._retrying(
            outcome, "append", self._on_db, self._commit, feed, plan, feed_events, ops, outcome, now
        )

    def _retrying(self, outcome: PollOutcome, what: str, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)``, tried again (with jittered, doubling pauses) when the write lock
        timed out: nothing was written then. Each timeout is logged and counted on the
        outcome; the last one is raised (and becomes the feed's recorded error)."""
        for attempt in range(LOCK_ATTEMPTS):
            try:
                return fn(*args)
            except LockTimeoutError as exc:
                outcome.lock_timeouts += 1
                log.warning(
                    "feed %s: %s timed out on the write lock (attempt %d of %d): %s",
                    outcome.feed, what, attempt + 1, LOCK_ATTEMPTS, exc,
                )  # fmt: skip
                if attempt + 1 == LOCK_ATTEMPTS:
                    raise
                time.sleep(LOCK_RETRY_BASE * (2**attempt) * (0.5 + self.rng.random()))
        raise AssertionError("unreachable")

    # ---- parsing, in child processes for large bodies -----------------------------------
    def _parser_pool(self) -> ProcessPoolExecutor | None:
        if not self._parse_processes or self._closed:
            return None
        with self._parsers_lock:
            if self._parsers is None and not self._closed:
                # spawn, not fork: this process runs threads (HTTP, database) that a fork
                # would copy in whatever state they were.
                self._parsers = ProcessPoolExecutor(
                    max_workers=self._parse_processes,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_parser_process_init,
                )
            return self._parsers

    def _parse(
        self, body: bytes, headers: Mapping[str, str], url: str, max_entries: int
    ) -> ParsedFeed:
        """`parse_feed`, in a child process when the body is large enough to be worth it; the
        same result and the same exceptions either way."""
        pool = self._parser_pool() if len(body) >= PARSE_OFFLOAD_BYTES else None
        if pool is not None:
            try:
                future = pool.submit(
                    parse_feed, body, dict(headers), url=url, max_entries=max_entries
                )
            except (BrokenProcessPool, RuntimeError):  # a child died, or we are closing
                self._drop_parser_pool(pool)
            else:
                try:
                    return future.result()
                except BrokenProcessPool:  # killed (OOM, a signal): parse here instead
                    log.warning("a parser process died; parsing in the daemon")
                    self._drop_parser_pool(pool)
        return parse_feed(body, headers, url=url, max_entries=max_entries)

    def _drop_parser_pool(self, pool: ProcessPoolExecutor) -> None:
        with self._parsers_lock:
            if self._parsers is pool:
                self._parsers = None
        pool.shutdown(wait=False, cancel_futures=True)

    def _commit(
        self,
        feed: FeedView,
        plan: _Plan | None,
        feed_events: list[ev.NewEvent],
        ops: dict[str, Any],
        outcome: PollOutcome,
        now: datetime,
    ) -> None:
        """Events, reports and the feed's state in one transaction (the lease ends with it).

        The plan's claim events were decided before the lock on a snapshot; they are appended
        as they are when the snapshot still holds (no other writer recorded these entries or
        changed what the decisions read), else the entries are judged again here."""
        counted = PollOutcome(feed=feed.id, url=feed.url)
        with self.app.store.writer() as w:
            if feed_events:
                recorded = self._append(w, feed_events)
                counted.events.extend(e.type for e in recorded)
            if plan is not None and plan.fresh:
                if self._plan_holds(w.conn, feed, plan):
                    for batch in plan.batches:
                        counted.count(self._append(w, batch))
                else:
                    self._record_entries(w, feed, plan.fresh, counted, iso(now))
            self._set_states(w.conn, [(feed.id, ops)])
        # Counted only once committed: a retried attempt must not count twice.
        outcome.events.extend(counted.events)
        for name in ("new", "revised", "changes", "value_changes", "suspected", "corroborations"):
            setattr(outcome, name, getattr(outcome, name) + getattr(counted, name))

    def _snapshot(self, feed_id: str) -> tuple[dict[str, str], dict[str, Claim]]:
        """The feed's known reports and the claims, read without the append lock."""
        with self.app.engine.connect() as conn:
            known = dict(
                conn.execute(
                    select(reports.c.identity, reports.c.content_hash).where(
                        reports.c.feed == feed_id
                    )
                ).all()
            )
            return known, load_claims(conn)

    def _plan(self, feed: FeedView, entries: list[ParsedEntry], stamp: str) -> _Plan:
        """Judge the entries against a snapshot of the claims, outside the append lock.

        Entries are judged in order, each on the claims the ones before it left (their claim
        events applied locally), exactly as `_record_entries` does under the lock."""
        known, claims = self._on_db(self._snapshot, feed.id)
        fresh = [e for e in entries if known.get(e.identity) != e.content_hash]
        plan = _Plan(fresh, {e.identity: known.get(e.identity) for e in fresh}, _judged(claims))
        if not fresh:
            return plan
        detector = self.detectors.get(claims)
        threshold = self.app.settings.threshold
        pending: list[ev.NewEvent] = []
        for entry in fresh:
            report_event, report = self._report_event(feed, entry, known.get(entry.identity), stamp)
            _, claim_events = diff_report(
                claims, report, detector, stamp, threshold=threshold, cause="poll"
            )
            if claim_events:
                plan.batches.append([*pending, report_event, *claim_events])
                pending = []
                _apply_new(claims, claim_events, stamp)
            else:
                pending.append(report_event)
            known[entry.identity] = entry.content_hash
        if pending:
            plan.batches.append(pending)
        return plan

    @staticmethod
    def _plan_holds(conn: Connection, feed: FeedView, plan: _Plan) -> bool:
        """Under the lock: the entries are still unrecorded as planned, and the claims still
        read as they did when they were judged."""
        ids = list(plan.known)
        now_known: dict[str, str] = {}
        for i in range(0, len(ids), 500):
            now_known.update(
                conn.execute(
                    select(reports.c.identity, reports.c.content_hash).where(
                        reports.c.feed == feed.id, reports.c.identity.in_(ids[i : i + 500])
                    )
                ).all()
            )
        if any(now_known.get(identity) != before for identity, before in plan.known.items()):
            return False
        return _judged(load_claims(conn)) == plan.claims

    @staticmethod
    def _append(w: Writer, events: list[ev.NewEvent]) -> list[ev.RecordedEvent]:
        """Append and return only what this call recorded (the writer's result accumulates)."""
        before = len(w.result.recorded)
        w.append(events)
        return w.result.recorded[before:]

    def _record_entries(
        self,
        w: Writer,
        feed: FeedView,
        entries: list[ParsedEntry],
        outcome: PollOutcome,
        stamp: str,
    ) -> None:
        # Read under the append lock: a second daemon that polled the same entries first is
        # seen here, so it is not recorded twice (the dedup keys are the second guard).
        known = dict(
            w.conn.execute(
                select(reports.c.identity, reports.c.content_hash).where(reports.c.feed == feed.id)
            ).all()
        )
        fresh = [e for e in entries if known.get(e.identity) != e.content_hash]
        if not fresh:
            return
        claims = load_claims(w.conn)
        detector = self.detectors.get(claims)
        threshold = self.app.settings.threshold
        # Reports that change no claim are appended in one batch; an entry with claim events
        # flushes the batch with them, so the next entry is judged on the claims it left.
        pending: list[ev.NewEvent] = []
        for entry in fresh:
            previous = known.get(entry.identity)
            report_event, report = self._report_event(feed, entry, previous, stamp)
            _, claim_events = diff_report(
                claims, report, detector, stamp, threshold=threshold, cause="poll"
            )
            if claim_events:
                recorded = self._append(w, [*pending, report_event, *claim_events])
                pending = []
                apply_recorded(claims, recorded)
                outcome.count(recorded)
            else:
                pending.append(report_event)
            known[entry.identity] = entry.content_hash
        if pending:
            outcome.count(self._append(w, pending))

    @staticmethod
    def _report_event(
        feed: FeedView, entry: ParsedEntry, previous: str | None, stamp: str
    ) -> tuple[ev.NewEvent, Report]:
        key = report_key(entry.identity, entry.content_hash)
        text = entry.text[:MAX_TEXT]
        data = {
            "feed": feed.id,
            "report": entry.identity,
            "key": key,
            "link": entry.link,
            "title": entry.title,
            "published": entry.published,
            "text": text,
            "content_hash": entry.content_hash,
        }
        dedup = f"report|{feed.id}|{identity_digest(entry.identity)}|{entry.content_hash}"
        if previous is not None:
            # A revision back to an earlier text (A, B, A) is news again: key it on what it
            # replaced.
            dedup += f"|after:{previous[:16]}"
        report_event = ev.NewEvent(
            ev.feed_stream(feed.id),
            ev.REPORT_REVISED if previous is not None else ev.REPORT_RECORDED,
            data,
            entry.published or stamp,
            {"cause": "poll", "correlation_id": key},
            dedup_key=dedup,
        )
        report = Report(
            key=key,
            title=entry.title,
            text=text,
            link=entry.link or "",
            published=entry.published,
            source=feed.name,
            feed=feed.id,
        )
        return report_event, report


def due_feeds(app: App, now: datetime, *, all_feeds: bool = False) -> list[FeedView]:
    """Subscribed, not disabled, and due (or all of them), interleaved by host."""
    from .feeds import list_feeds

    stamp = iso(now)
    return interleave_by_host(
        [
            f
            for f in list_feeds(app)
            if f.state != "disabled" and (all_feeds or f.next_due is None or f.next_due <= stamp)
        ]
    )


def interleave_by_host(feeds: list[FeedView]) -> list[FeedView]:
    """Round-robin over hosts, so a pool of workers spreads over hosts instead of queueing
    behind one host's politeness gate."""
    by_host: dict[str, list[FeedView]] = {}
    for f in feeds:
        by_host.setdefault(host_key(f.url), []).append(f)
    queues = list(by_host.values())
    out: list[FeedView] = []
    for i in range(max((len(q) for q in queues), default=0)):
        out.extend(q[i] for q in queues if i < len(q))
    return out
