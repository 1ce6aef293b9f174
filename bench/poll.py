"""Benchmark of the poll path: many feeds on several hosts, first ingest, then unchanged cycles.

    python bench/poll.py --feeds 1000 --entries 20 --json

A feed server runs in ANOTHER process (multiprocessing) and serves the feeds spread over
several loopback addresses (127.0.0.2 and up, ``--per-host`` feeds each), so the per-host
politeness gate applies (``--host-gap`` seconds between requests to one host; 0 here). A fresh
SQLite store with the shipped baseline polls them with ``run_once(app, deliver=False)``:

1. ingest: every feed answers 200 with ``--entries`` entries (fetch, parse, diff, append);
2. unchanged: every feed answers 304 (ETag);
3. unchanged with latency: the same, every response delayed by ``--latency-ms`` (in the same
   invocation; ``--latency-ms 0`` skips it).

Prints one JSON line (``--json``) with ``ingest_reports_per_s``, ``unchanged_cycle_s`` and
``latency_unchanged_cycle_s``, or a short table.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import sys
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from feeds_server import RSS_HEADERS, FeedServer, Item, make_app, rss  # noqa: E402

from monitor.daemon import run_once  # noqa: E402
from monitor.services.feeds import subscribe  # noqa: E402

# ---- documents that read like news ---------------------------------------------------------

_OPENINGS = [
    "The carmaker said on {day} that",
    "According to people familiar with the plans,",
    "In a statement published on {day},",
    "Speaking at an industry conference on {day}, a spokesperson said",
    "Suppliers in Bavaria reported on {day} that",
]
_BODY = [
    "its plant in Debrecen has begun hiring for a third shift as output ramps up",
    "battery cell deliveries from two suppliers in Hungary and China are on schedule",
    "the new assembly line in Munich will be converted during the summer shutdown",
    "dealers in Europe expect the first customer cars to arrive later in the year",
    "the company will keep investing in combustion engines for some markets",
    "software updates will be delivered over the air to every new vehicle",
    "the charging network partnership will add several thousand fast chargers",
    "quarterly deliveries of electrified models rose by double digits",
]
_TRACKED = [
    "The iX3 built on the Neue Klasse architecture remains on track for its launch.",
    "Executives again said the Neue Klasse lineup would include at least six models.",
    "The i3 sedan, the electric 3 Series, is expected to follow the crossover.",
    "A two-door Neue Klasse prototype was spotted testing near the Nürburgring.",
]
_CLOSINGS = [
    "Analysts said the figures were broadly in line with expectations, although margins "
    "remain under pressure from price competition in China and higher raw material costs.",
    "The company declined to comment on pricing, saying details would be announced closer "
    "to the market launch, and that the order books for existing models remained healthy.",
    "Shares rose slightly in Frankfurt trading after the announcement, while rival "
    "manufacturers are expected to present their own electric platforms in the coming months.",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def article(rng: random.Random, tracked: bool) -> str:
    """~80-120 words of plausible industry news; some mention tracked models."""
    sentences = [f"{rng.choice(_OPENINGS).format(day=rng.choice(_DAYS))} {rng.choice(_BODY)}."]
    sentences += [f"It added that {b}." for b in rng.sample(_BODY, 3)]
    if tracked:
        sentences.append(rng.choice(_TRACKED))
    sentences.append(rng.choice(_CLOSINGS))
    return " ".join(sentences)


def feed_document(feed: int, entries: int) -> bytes:
    rng = random.Random(feed)
    items = [
        Item(
            guid=f"urn:bench:{feed}:{j}",
            title=f"Industry update {feed}-{j}",
            text=article(rng, tracked=rng.random() < 0.15),
            link=f"http://news.invalid/{feed}/{j}",
            published=f"Tue, {1 + j % 28:02d} Oct 2024 08:{j % 60:02d}:00 GMT",
        )
        for j in range(entries)
    ]
    return rss(items, title=f"Feed {feed}")


# ---- the server process ----------------------------------------------------------------------


def serve(feeds: int, entries: int, per_host: int, conn: Connection) -> None:
    """Serve the feeds on 127.0.0.2.. until told to stop; ``("latency", s)`` delays answers."""
    servers: list[FeedServer] = []
    urls: list[str] = []
    for i in range(feeds):
        host = i // per_host
        if host == len(servers):
            servers.append(FeedServer(host=f"127.0.0.{2 + host}").start())
        path = f"/feed/{i}.xml"
        servers[host].set(path, feed_document(i, entries), {**RSS_HEADERS, "ETag": f'"f{i}-v1"'})
        urls.append(servers[host].url(path))
    conn.send(urls)
    while True:
        message = conn.recv()
        if message[0] == "latency":
            for srv in servers:
                with srv._lock:
                    for route in srv._routes.values():
                        route.latency = message[1]
            conn.send("ok")
        elif message[0] == "requests":
            conn.send(sum(len(s.requests) for s in servers))
        else:
            break
    for srv in servers:
        srv.stop()


# ---- the benchmark -------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--entries", type=int, default=20)
    ap.add_argument("--per-host", type=int, default=40, help="feeds per loopback address")
    ap.add_argument(
        "--workers",
        type=int,
        default=32,
        help="polling.workers, as a deployment polling 1,000 feeds sets it (32)",
    )
    ap.add_argument("--host-gap", type=float, default=0.0, help="seconds between requests/host")
    ap.add_argument("--latency-ms", type=float, default=50.0, help="0 skips the latency run")
    ap.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(
        target=serve, args=(args.feeds, args.entries, args.per_host, child), daemon=True
    )
    proc.start()
    urls: list[str] = parent.recv()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
        polling: dict[str, object] = {"host_gap": args.host_gap, "interval": 3600.0}
        if args.workers:
            polling["workers"] = args.workers
        app = make_app(url, **polling)
        for u in urls:
            subscribe(app, u)

        started = time.perf_counter()
        first = run_once(app, deliver=False)
        ingest_s = time.perf_counter() - started
        totals = first.to_json()["totals"]
        if totals["failed"]:
            errors = {o.error for o in first.outcomes if o.error}
            raise SystemExit(f"ingest: {totals['failed']} feeds failed: {sorted(errors)[:3]}")

        started = time.perf_counter()
        second = run_once(app, deliver=False)
        unchanged_s = time.perf_counter() - started
        assert all(o.not_modified for o in second.outcomes), "expected every feed to answer 304"

        latency_s = None
        if args.latency_ms > 0:
            parent.send(("latency", args.latency_ms / 1000))
            parent.recv()
            started = time.perf_counter()
            third = run_once(app, deliver=False)
            latency_s = time.perf_counter() - started
            assert all(o.not_modified for o in third.outcomes)
        events = app.store.head()[0]
        app.close()
    parent.send(("stop",))
    proc.join(timeout=10)

    result = {
        "feeds": args.feeds,
        "entries": args.entries,
        "hosts": len({u.split("/")[2] for u in urls}),
        "workers": app.settings.polling.workers,
        "reports": totals["new"],
        "claim_changes": totals["changes"],
        "suspected": totals["suspected"],
        "events": events,
        "ingest_s": round(ingest_s, 3),
        "ingest_reports_per_s": round(totals["new"] / ingest_s, 1),
        "unchanged_cycle_s": round(unchanged_s, 3),
        "latency_ms": args.latency_ms,
        "latency_unchanged_cycle_s": None if latency_s is None else round(latency_s, 3),
        "cpus": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:28} {value}")


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    main()
