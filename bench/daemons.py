"""Several daemons on one PostgreSQL database, polling the same feeds: the work is shared,
never done twice.

    python bench/daemons.py --daemons 2 --feeds 200 --cycles 3 --json
    python bench/daemons.py --daemons 3 --feeds 200 --cycles 3 --json

A feed server (a thread of this process, loopback, every answer delayed ``--latency-ms`` so
overlapping polls would show) serves ``--feeds`` feeds with ``--entries`` entries each; then
``--daemons`` REAL daemons (``monitor run`` subprocesses) on one fresh PostgreSQL database poll
them every ``--interval`` seconds. Each cycle waits until every feed was fetched since the last
publication, then publishes one new entry on every feed (a few of them change a claim). After
the last cycle: until quiescent, SIGTERM, and the figures:

- ``duplicate_events``: reports recorded twice, claim changes appended twice (0);
- ``max_concurrent_polls_per_feed``: the most requests for one feed the server was answering
  at once (1: the feed lease keeps a second daemon off);
- ``reports_expected`` / ``reports_recorded``;
- ``changes_notified_once``: each change's notification reached the SMTP server under one
  Message-ID (a resend would carry the same one), and every change has one.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import chaos  # noqa: E402
from chaos import (  # noqa: E402
    FeedServer,
    Item,
    Planned,
    Publisher,
    SmtpTestServer,
    audit_log,
    expected_changes,
    fresh_database,
    plan_reports,
    run_cli,
    start_daemon,
    stop_gracefully,
    write_config,
)

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"


def plan_cycles(
    rng: random.Random, feeds: int, entries: int, cycles: int, changes: int
) -> list[Planned]:
    """``entries`` entries per feed, then one per feed per cycle, in publication order; the
    claim changes fall in the cycles (each a different claim, checked against the detector)."""
    total = feeds * (entries + cycles)
    texts = plan_reports(rng, total + 100, 1, changes)  # validated texts, feeds set below
    changing = [p for p in texts if p.change]
    quiet = [p for p in texts if not p.change]
    slots = rng.sample(range(feeds * entries, total), len(changing))
    order: list[Planned] = []
    by_slot = dict(zip(slots, changing, strict=True))
    for serial in range(total):
        source = by_slot.get(serial) or quiet.pop()
        feed = serial % feeds
        item = Item(
            guid=f"urn:daemons:{feed}:{serial}",
            title=source.item.title,
            text=source.item.text,
            link=f"http://news.invalid/d/{feed}/{serial}",
            published=source.item.published,
        )
        order.append(Planned(feed, item, source.change))
    return order


def wait_all_polled(server: FeedServer, paths: list[str], since: float, timeout: float) -> bool:
    """Every path fetched at least once after ``since`` (monotonic), within ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with server._lock:
            seen = {r.path for r in server.requests if r.started >= since}
        if all(p in seen for p in paths):
            return True
        time.sleep(0.25)
    return False


def overlaps(server: FeedServer) -> int:
    return max(server.max_in_flight.values(), default=0)


def describe_database(url: str) -> dict[str, str]:
    """The database the run used, asked of the server itself (not assumed): its dialect,
    server version and URL without password."""
    from sqlalchemy import create_engine, text

    from monitor.store.db import safe_url

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                version = conn.execute(text("SHOW server_version")).scalar_one()
            else:
                version = conn.execute(text("SELECT sqlite_version()")).scalar_one()
    finally:
        engine.dispose()
    return {"dialect": engine.dialect.name, "version": str(version), "url": safe_url(url)}


def run(
    daemons: int,
    feeds: int,
    cycles: int,
    *,
    db: str = DEFAULT_PG,
    entries: int = 3,
    changes: int = 12,
    interval: float = 3.0,
    workers: int = 4,
    latency: float = 0.05,
    seed: int = 1,
    timeout: float = 180.0,
) -> dict[str, Any]:
    rng = random.Random(seed)
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="daemons-")))
        url = stack.enter_context(fresh_database(db, folder, prefix="monitor_daemons"))
        database = describe_database(url)
        server = stack.enter_context(FeedServer())
        smtp = stack.enter_context(SmtpTestServer())
        plan = plan_cycles(rng, feeds, entries, cycles, changes)
        publisher = Publisher(server, feeds, plan, latency=latency)
        for _ in range(feeds * entries):
            publisher.publish_next()
        paths = [publisher.path(f) for f in range(feeds)]
        config = write_config(
            folder / "monitor.toml",
            [server.url(p) for p in paths],
            smtp.port,
            interval=interval,
            workers=workers,
            feed_prefix="chaos",  # the audit names feeds chaos-<n>
        )
        run_cli(config, url, folder, "init")
        logs = [folder / f"daemon-{i}.log" for i in range(daemons)]
        procs = [start_daemon(config, url, log, folder) for log in logs]
        cycle_ok = []
        try:
            mark = time.monotonic()
            for _ in range(cycles):
                cycle_ok.append(wait_all_polled(server, paths, mark, timeout / (cycles + 1)))
                mark = time.monotonic()
                for _ in range(feeds):
                    publisher.publish_next()
            cycle_ok.append(wait_all_polled(server, paths, mark, timeout / (cycles + 1)))
            quiescent = False
            deadline = time.monotonic() + timeout / (cycles + 1)
            while time.monotonic() < deadline:
                a = audit_log(url)
                if len(a.reports) >= len(publisher.published) and a.undelivered == 0:
                    quiescent = True
                    break
                time.sleep(0.5)
            time.sleep(2 * interval)  # any late duplicate would land now
            alive = all(p.poll() is None for p in procs)
        finally:
            codes = [stop_gracefully(p) for p in procs]
        audit = audit_log(url)
        expected = expected_changes(publisher.documents(), folder)
        ids = collections.Counter(str(m["Message-ID"]) for m in smtp.messages)
        polls = [
            sum(1 for line in log.read_text(errors="replace").splitlines() if " poll feed=" in line)
            for log in logs
        ]
    published = {(f"chaos-{p.feed}", p.item.guid) for p in publisher.published}
    changes_recorded = sum(audit.changes.values())
    figures = {
        "daemons": daemons,
        "feeds": feeds,
        "cycles": cycles,
        "database": database,
        "duplicate_events": audit.duplicate_events,
        "max_concurrent_polls_per_feed": overlaps(server),
        "requests": len(server.requests),
        "polls_per_daemon": polls,
        "reports_expected": len(published),
        "reports_recorded": len(published & set(audit.reports)),
        "changes_expected": len(expected),
        "changes_recorded": changes_recorded,
        "emails_received": sum(ids.values()),
        "distinct_message_ids": len(ids),
        "changes_notified_once": (
            len(ids) == changes_recorded == len(expected)
            and set(ids) <= set(audit.outbox_ids)
            and all(n == 1 for n in ids.values())
        ),
        "cycles_completed": sum(cycle_ok),
        "quiescent": quiescent,
        "daemons_alive": alive,
        "exit_codes": codes,
        "seconds": round(time.monotonic() - started, 1),
    }
    figures["ok"] = (
        figures["duplicate_events"] == 0
        and figures["max_concurrent_polls_per_feed"] == 1
        and figures["reports_recorded"] == figures["reports_expected"]
        and collections.Counter(expected) == audit.changes
        and figures["changes_notified_once"]
        and quiescent
        and alive
        and all(c == 0 for c in codes)
    )
    return figures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--daemons", type=int, default=2)
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--cycles", type=int, default=3)
    ap.add_argument("--entries", type=int, default=3, help="entries per feed at the start")
    ap.add_argument("--changes", type=int, default=12, help="claim changes (at most)")
    ap.add_argument("--interval", type=float, default=3.0, help="poll interval, seconds")
    ap.add_argument("--workers", type=int, default=4, help="poll workers per daemon")
    ap.add_argument("--latency-ms", type=float, default=50.0)
    ap.add_argument("--db", default=DEFAULT_PG, help="PostgreSQL server (a fresh database)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=180.0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    figures = run(
        args.daemons,
        args.feeds,
        args.cycles,
        db=args.db,
        entries=args.entries,
        changes=args.changes,
        interval=args.interval,
        workers=args.workers,
        latency=args.latency_ms / 1000,
        seed=args.seed,
        timeout=args.timeout,
    )
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:30} {value}")
    sys.exit(0 if figures["ok"] else 1)


__all__ = ["chaos", "main", "run"]

if __name__ == "__main__":
    main()
