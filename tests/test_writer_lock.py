"""One writer cannot stall the rest (real PostgreSQL, real loopback feeds).

Detection runs before the append lock is taken, and a writer that cannot get the lock (or
whose statement hangs) gives up after `database.lock_timeout` / `statement_timeout`; a poll
retries that, and its feed records the failure if it persists.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator

import pytest
from feeds_server import RSS_HEADERS, FeedServer, Item, rss
from sqlalchemy import create_engine, text

from monitor.app import App, bootstrap, init
from monitor.config import PollingConfig, load_settings
from monitor.domain import events as ev
from monitor.errors import LockTimeoutError
from monitor.services.diffing import DetectorCache
from monitor.services.feeds import get_feed, subscribe
from monitor.services.poll import Poller
from monitor.store.eventstore import ADVISORY_LOCK_ID
from monitor.wiring import extra_projectors

pytestmark = pytest.mark.postgres

APPROVE = "BMW has officially approved the i4 Convertible (NA3) for production."


def _app(url: str, **settings: float) -> App:
    base = load_settings(None, url)
    s = dataclasses.replace(base, feeds=(), polling=PollingConfig(host_gap=0.0), **settings)
    app = bootstrap(s, extra_projectors=extra_projectors(s))
    init(app)
    return app


def _driver_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        srv.set(
            "/f.xml",
            rss([Item("a1", "NA3 approved", APPROVE), Item("a2", "Plant", "Nothing new.")]),
            RSS_HEADERS,
        )
        yield srv


class _LockProbe(DetectorCache):
    """The real detector, asked on each report whether anyone holds the append lock."""

    def __init__(self, app: App, url: str) -> None:
        super().__init__(app.settings)
        self.seen: list[int] = []
        self._engine = create_engine(_driver_url(url))

    def get(self, claims):  # noqa: ANN001, ANN201 - DetectorCache.get
        real = super().get(claims)
        probe = self

        class Probed:
            def observe(self, report, claims=None):  # noqa: ANN001, ANN201
                with probe._engine.connect() as conn:
                    probe.seen.append(
                        conn.execute(
                            text(
                                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                                " AND granted AND objid = :id"
                            ),
                            {"id": ADVISORY_LOCK_ID},
                        ).scalar_one()
                    )
                return real.observe(report, claims)

        return Probed()


def test_detection_runs_without_the_append_lock(postgres_url: str, server: FeedServer) -> None:
    app = _app(postgres_url)
    probe = _LockProbe(app, postgres_url)
    poller = Poller(app, detectors=probe, parse_processes=0)
    try:
        fid, _ = subscribe(app, server.url("/f.xml"))
        outcome = poller.poll(get_feed(app, fid))
    finally:
        poller.close()
        probe._engine.dispose()
        app.close()
    assert outcome.error is None and outcome.new == 2 and outcome.changes == 1
    assert probe.seen and probe.seen == [0] * len(probe.seen)


def _hold_lock(url: str, seconds: float) -> threading.Thread:
    """Another session takes the append lock and keeps it for ``seconds``."""
    taken = threading.Event()

    def hold() -> None:
        engine = create_engine(_driver_url(url))
        with engine.connect() as conn:
            conn.execute(text(f"SELECT pg_advisory_lock({ADVISORY_LOCK_ID})"))
            taken.set()
            time.sleep(seconds)
            conn.execute(text(f"SELECT pg_advisory_unlock({ADVISORY_LOCK_ID})"))
        engine.dispose()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert taken.wait(10)
    return thread


def test_a_held_lock_times_out_as_a_clear_retryable_error(postgres_url: str) -> None:
    app = _app(postgres_url, lock_timeout=0.3)
    holder = _hold_lock(postgres_url, 3.0)
    try:
        started = time.monotonic()
        with pytest.raises(LockTimeoutError) as caught:
            app.store.append([ev.NewEvent("test/x", "FeedSubscribed", {}, "2026-01-01T00:00:00Z")])
        assert time.monotonic() - started < 2.5
        assert "database.lock_timeout" in str(caught.value) and caught.value.exit_code == 4
    finally:
        holder.join()
        app.close()


def test_a_hung_statement_ends_at_the_statement_timeout(postgres_url: str) -> None:
    app = _app(postgres_url, statement_timeout=0.3)
    try:
        started = time.monotonic()
        with pytest.raises(LockTimeoutError) as caught, app.store.writer() as w:
            w.conn.exec_driver_sql("SELECT pg_sleep(5)")
        assert time.monotonic() - started < 3
        assert "database.statement_timeout" in str(caught.value)
        # The writer's next transaction works (the session is not left broken).
        assert app.store.head()[0] == 17
    finally:
        app.close()


def test_a_poll_retries_a_lock_timeout_and_then_records(
    postgres_url: str, server: FeedServer
) -> None:
    app = _app(postgres_url, lock_timeout=0.3)
    poller = Poller(app, parse_processes=0)
    try:
        fid, _ = subscribe(app, server.url("/f.xml"))
        holder = _hold_lock(postgres_url, 0.6)
        outcome = poller.poll(get_feed(app, fid))
        holder.join()
    finally:
        poller.close()
        app.close()
    assert outcome.lock_timeouts >= 1
    assert outcome.error is None and outcome.new == 2 and outcome.changes == 1


def test_a_lock_held_for_good_ends_the_poll_with_an_error_not_a_hang(
    postgres_url: str, server: FeedServer
) -> None:
    app = _app(postgres_url, lock_timeout=0.2)
    poller = Poller(app, parse_processes=0)
    try:
        fid, _ = subscribe(app, server.url("/f.xml"))
        holder = _hold_lock(postgres_url, 6.0)
        started = time.monotonic()
        outcome = poller.poll(get_feed(app, fid))
        assert time.monotonic() - started < 5.5
        holder.join()
        assert outcome.lock_timeouts == 3 and outcome.error is not None
        assert "lock_timeout" in outcome.error
        # Once the lock is free the next poll records the reports.
        again = poller.poll(get_feed(app, fid), due_only=False)
    finally:
        poller.close()
        app.close()
    assert again.error is None and again.new == 2
