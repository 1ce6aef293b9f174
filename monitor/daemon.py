"""The daemon: APScheduler in the foreground, polling due feeds and delivering notifications.

A dispatcher job runs every few seconds, picks the feeds that are due (their next poll time is
kept in the database, with jitter and backoff), and queues each for a fixed set of poll workers;
a feed already queued or in flight is not queued again, and a lease in the database keeps a
second daemon off it. The queue is scheduled by host (`HostQueue`): a worker takes a feed of a
host nobody is fetching from, and frees the host as soon as its request is answered, so every
host is kept busy (one request at a time each, with its gap) while other workers parse and
record. `run_once` makes the very same calls, once, for `monitor run --once`.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .app import App
from .feeds.politeness import HostQueue
from .services.feeds import FeedView, list_feeds, sync_config_feeds
from .services.poll import MAX_HOST_WAIT, Poller, PollOutcome, due_feeds

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


def _delivery(app: App):  # noqa: ANN202 - a callable
    from .notify.delivery import deliver_due

    transport = app.transport()
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


def run_once(
    app: App,
    poller: Poller | None = None,
    *,
    deliver: bool = True,
    on_start: Callable[[list[FeedView]], None] | None = None,
    on_outcome: Callable[[PollOutcome], None] | None = None,
) -> CycleSummary:
    """One cycle over every feed (due or not), then one delivery pass. ``on_start`` gets the
    feeds about to be polled and ``on_outcome`` each outcome as it completes (a progress bar)."""
    started = time.perf_counter()
    if app.settings.feeds:
        sync_config_feeds(app, app.settings.feeds)
    own = poller is None
    poller = poller or Poller(app)
    summary = CycleSummary()
    try:
        feeds = due_feeds(app, datetime.now(UTC), all_feeds=True)
        if on_start is not None:
            on_start(feeds)
        summary.outcomes = poll_all(poller, feeds, app.settings.polling.workers, on_outcome)
    finally:
        if own:
            poller.close()
    if deliver:
        job = _delivery(app)
        if job is not None:
            summary.delivery = job()
    summary.seconds = time.perf_counter() - started
    return summary


def poll_all(
    poller: Poller,
    feeds: list[FeedView],
    workers: int,
    on_outcome: Callable[[PollOutcome], None] | None = None,
) -> list[PollOutcome]:
    """Poll every feed with up to ``workers`` threads scheduled by host; outcomes in order.
    ``on_outcome`` is called (from the worker threads) as each poll completes."""
    if not feeds:
        return []
    queue: HostQueue[tuple[int, FeedView]] = HostQueue(
        lambda item: item[1].url, poller.gate, max_wait=MAX_HOST_WAIT
    )
    for item in enumerate(feeds):
        queue.put(item)
    queue.seal()
    outcomes: list[PollOutcome | None] = [None] * len(feeds)

    def work() -> None:
        while (ticket := queue.take()) is not None:
            index, feed = ticket.item
            try:
                outcome = poller.poll_scheduled(feed, fetched=ticket.release)
            finally:
                ticket.release()
            outcomes[index] = outcome
            if on_outcome is not None:
                on_outcome(outcome)

    workers = max(1, min(workers, len(feeds)))
    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="poll") as pool:
            for future in [pool.submit(work) for _ in range(workers)]:
                future.result()
    finally:
        queue.close()
    return [o for o in outcomes if o is not None]


class Daemon:
    def __init__(self, app: App) -> None:
        self.app = app
        self.poller = Poller(app)
        self.workers = max(1, app.settings.polling.workers)
        self.queue: HostQueue[FeedView] = HostQueue(
            lambda feed: feed.url, self.poller.gate, max_wait=MAX_HOST_WAIT
        )
        self.threads: list[threading.Thread] = []
        self.in_flight: set[str] = set()  # feeds queued or being polled
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.deliver = _delivery(app)
        self.scheduler: Any = None

    def _start_workers(self) -> None:
        with self.lock:
            if self.threads or self.stopping.is_set():
                return
            self.threads = [
                threading.Thread(target=self._work, name=f"poll-{n}", daemon=True)
                for n in range(self.workers)
            ]
            for thread in self.threads:
                thread.start()

    def dispatch(self) -> None:
        if self.stopping.is_set():
            return
        try:
            feeds = due_feeds(self.app, datetime.now(UTC))
        except Exception:  # the database may be away for a moment: log and retry next tick
            log.exception("could not read due feeds; retrying")
            return
        self._start_workers()
        with self.lock:
            for feed in feeds:
                if feed.id in self.in_flight or self.stopping.is_set():
                    continue
                self.in_flight.add(feed.id)
                self.queue.put(feed)

    def _work(self) -> None:
        while (ticket := self.queue.take()) is not None:
            try:
                self._poll(ticket.item, ticket.release)
            finally:
                ticket.release()

    def _poll(self, feed: FeedView, fetched: Any = None) -> None:
        if self.stopping.is_set():  # queued before the stop: leave it for the next start
            with self.lock:
                self.in_flight.discard(feed.id)
            return
        try:
            # due_only: a second daemon that polled it since our read of due feeds wins.
            outcome = self.poller.poll_scheduled(feed, due_only=True, fetched=fetched)
            if outcome.changes or outcome.value_changes or outcome.events:
                self._deliver_soon()
        except Exception:
            log.exception("poll of feed %s failed; it will be retried", feed.id)
        finally:
            with self.lock:
                self.in_flight.discard(feed.id)

    def _stop_workers(self) -> None:
        """Queued polls are dropped; the ones in flight finish (each commits whole or not)."""
        self.stopping.set()
        self.queue.close()
        with self.lock:
            threads = list(self.threads)
        for thread in threads:
            thread.join()

    def _deliver_soon(self) -> None:
        """A change was just recorded: run the delivery job now, not at its next tick."""
        scheduler = self.scheduler
        if scheduler is None or self.deliver is None or self.stopping.is_set():
            return
        try:
            scheduler.modify_job("deliver", next_run_time=datetime.now(UTC))
        except Exception:  # the scheduler is shutting down: the next start delivers it
            log.debug("could not bring the delivery job forward", exc_info=True)

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
        self.scheduler = scheduler
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
            "monitor daemon starting: database %s, %d feed%s, dispatch every %gs, "
            "delivery every %gs",
            self.app.store.url and _safe(self.app),
            len(feeds),
            "" if len(feeds) == 1 else "s",
            dispatch_seconds(),
            self.app.settings.delivery.interval,
        )
        for f in feeds:
            log.info("  feed %s: %s every %.0fs", f.id, f.url, f.interval)
        try:
            scheduler.start()
        finally:
            # Polls in flight finish (each commits whole or not at all); queued ones are dropped.
            self._stop_workers()
            self.poller.close()
            log.info("monitor daemon stopped")


def _safe(app: App) -> str:
    from .store.db import safe_url

    return safe_url(app.settings.database_url)
