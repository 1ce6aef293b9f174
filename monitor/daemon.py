"""The daemon: APScheduler in the foreground, polling due feeds and delivering notifications.

A dispatcher job runs every few seconds, picks the feeds that are due (their next poll time is
kept in the database, with jitter and backoff), and hands each to a bounded thread pool; a feed
already in flight is not handed again, and a lease in the database keeps a second daemon off it.
`run_once` makes the very same calls, once, for `monitor run --once`.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .app import App
from .services.feeds import FeedView, list_feeds, sync_config_feeds
from .services.poll import Poller, PollOutcome, due_feeds

log = logging.getLogger("monitor.daemon")

DISPATCH_SECONDS = 5.0
# Tests and the chaos harness tick faster; not a config key, as operators have no need for it.
DISPATCH_ENV = "MONITOR_DISPATCH_SECONDS"


def dispatch_seconds() -> float:
    """The dispatcher's tick: DISPATCH_SECONDS, or MONITOR_DISPATCH_SECONDS when set (> 0)."""
    try:
        value = float(os.environ.get(DISPATCH_ENV, ""))
    except ValueError:
        return DISPATCH_SECONDS
    return value if value > 0 else DISPATCH_SECONDS


def _delivery(app: App):  # noqa: ANN202 - optional part
    try:
        from .notify.delivery import deliver_due, make_transport
    except ImportError:
        return None
    transport = make_transport(app.settings)
    return lambda: deliver_due(app, transport, datetime.now(UTC))


@dataclass
class CycleSummary:
    outcomes: list[PollOutcome] = field(default_factory=list)
    delivery: Any = None
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        d = self.delivery
        return {
            "feeds": [o.to_json() for o in self.outcomes],
            "totals": {
                "feeds": len(self.outcomes),
                "failed": sum(1 for o in self.outcomes if o.error),
                "new": sum(o.new for o in self.outcomes),
                "revised": sum(o.revised for o in self.outcomes),
                "changes": sum(o.changes + o.value_changes for o in self.outcomes),
                "suspected": sum(o.suspected for o in self.outcomes),
            },
            "delivery": d.to_json() if hasattr(d, "to_json") else d,
            "seconds": round(self.seconds, 3),
        }


def run_once(app: App, poller: Poller | None = None, *, deliver: bool = True) -> CycleSummary:
    """One cycle over every feed (due or not), then one delivery pass."""
    started = time.perf_counter()
    if app.settings.feeds:
        sync_config_feeds(app, app.settings.feeds)
    own = poller is None
    poller = poller or Poller(app)
    summary = CycleSummary()
    try:
        feeds = due_feeds(app, datetime.now(UTC), all_feeds=True)
        workers = max(1, min(app.settings.polling.workers, len(feeds) or 1))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="poll") as pool:
            summary.outcomes = list(pool.map(poller.poll, feeds))
    finally:
        if own:
            poller.close()
    if deliver:
        job = _delivery(app)
        if job is not None:
            summary.delivery = job()
    summary.seconds = time.perf_counter() - started
    return summary


class Daemon:
    def __init__(self, app: App) -> None:
        self.app = app
        self.poller = Poller(app)
        self.pool = ThreadPoolExecutor(
            max_workers=app.settings.polling.workers, thread_name_prefix="poll"
        )
        self.in_flight: dict[str, Future] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.deliver = _delivery(app)

    def dispatch(self) -> None:
        if self.stopping.is_set():
            return
        try:
            feeds = due_feeds(self.app, datetime.now(UTC))
        except Exception:  # the database may be away for a moment: log and retry next tick
            log.exception("could not read due feeds; retrying")
            return
        with self.lock:
            for feed in feeds:
                if feed.id in self.in_flight or self.stopping.is_set():
                    continue
                future = self.pool.submit(self._poll, feed)
                self.in_flight[feed.id] = future

    def _poll(self, feed: FeedView) -> None:
        if self.stopping.is_set():  # queued before the stop: leave it for the next start
            with self.lock:
                self.in_flight.pop(feed.id, None)
            return
        try:
            # due_only: a second daemon that polled it since our read of due feeds wins.
            self.poller.poll(feed, due_only=True)
        except Exception:
            log.exception("poll of feed %s failed; it will be retried", feed.id)
        finally:
            with self.lock:
                self.in_flight.pop(feed.id, None)

    def deliver_job(self) -> None:
        if self.deliver is None or self.stopping.is_set():
            return
        try:
            self.deliver()
        except Exception:
            log.exception("delivery pass failed; it will be retried")

    def run(self) -> None:
        from apscheduler.schedulers.blocking import BlockingScheduler

        if self.app.settings.feeds:
            sync_config_feeds(self.app, self.app.settings.feeds)
        # A predecessor killed mid-poll (SIGKILL, OOM) left its leases: take them back now.
        freed = self.poller.reclaim_dead_leases()
        if freed:
            log.info("took back the leases of a dead daemon on feeds: %s", ", ".join(freed))
        scheduler = BlockingScheduler(timezone=UTC)
        scheduler.add_job(
            self.dispatch,
            "interval",
            seconds=dispatch_seconds(),
            id="dispatch",
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
        )
        if self.deliver is not None:
            scheduler.add_job(
                self.deliver_job,
                "interval",
                seconds=self.app.settings.delivery.interval,
                id="deliver",
                max_instances=1,
                coalesce=True,
                next_run_time=datetime.now(UTC),
            )

        def stop(signum: int, _frame: Any) -> None:
            if self.stopping.is_set():
                return  # a second signal while stopping: the polls in flight still finish
            log.info("received %s: stopping after the polls in flight", signal.Signals(signum).name)
            self.stopping.set()
            scheduler.shutdown(wait=False)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        feeds = list_feeds(self.app)
        log.info(
            "monitor daemon starting: database %s, %d feeds, dispatch every %gs, "
            "delivery every %gs",
            self.app.store.url and _safe(self.app),
            len(feeds),
            dispatch_seconds(),
            self.app.settings.delivery.interval,
        )
        for f in feeds:
            log.info("  feed %s: %s every %.0fs", f.id, f.url, f.interval)
        try:
            scheduler.start()
        finally:
            # Polls in flight finish (each commits whole or not at all); queued ones are dropped.
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.poller.close()
            log.info("monitor daemon stopped")


def _safe(app: App) -> str:
    from .store.db import safe_url

    return safe_url(app.settings.database_url)
