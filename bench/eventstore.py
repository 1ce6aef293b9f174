"""Event store benchmark: append (one per transaction, and batches of 100), replay, verify.

    python bench/eventstore.py --events 100000 --streams 1000 --passes 3 --json

The headline appends run the store as the daemon runs it: built by `monitor.app.bootstrap`
with every projector the daemon has (claims, feeds, outbox with the default subscription);
the store alone (no projector) is reported beside it. Each append figure is the median of
``--passes`` passes, each on a fresh database. The log mixes event types as real monitoring
does: each claim asserted once, then mostly corroborations, some suspected changes, status and
value changes. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from monitor.app import bootstrap  # noqa: E402
from monitor.config import load_settings  # noqa: E402
from monitor.domain import events as ev  # noqa: E402
from monitor.domain.statuses import LIFECYCLE  # noqa: E402
from monitor.services.replay import fold_log, verify_log  # noqa: E402
from monitor.store.db import make_engine  # noqa: E402
from monitor.store.eventstore import EventStore  # noqa: E402
from monitor.store.migrate import upgrade  # noqa: E402
from monitor.wiring import extra_projectors  # noqa: E402


def generate(n: int, streams: int, seed: int = 7):
    rng = random.Random(seed)
    status = {}
    for i in range(min(n, streams)):
        cid = f"claim-{i}"
        status[cid] = "rumored"
        yield ev.NewEvent(
            stream=ev.claim_stream(cid),
            type=ev.CLAIM_ASSERTED,
            data={
                "claim": cid,
                "subject": f"Model {i}",
                "aliases": [f"M{i}", f"Model {i}"],
                "status": "rumored",
                "value": None,
                "quote": f"Model {i} is in the works.",
                "source": {"title": "Seed", "link": "https://example.com/seed"},
            },
            occurred_at="2026-01-01T00:00:00Z",
            metadata={"cause": "baseline"},
            dedup_key=f"asserted|{cid}",
        )
    for k in range(n - min(n, streams)):
        cid = f"claim-{rng.randrange(streams)}"
        report = {
            "key": f"r{k}",
            "link": f"https://news.example.com/{k}",
            "title": f"Report {k}",
            "published": "2026-02-01T00:00:00Z",
        }
        base = {
            "claim": cid,
            "evidence": f"Sentence {k} says something about the model.",
            "report": report,
            "confidence": 0.9,
            "detector_version": "bench",
        }
        roll = rng.random()
        if roll < 0.80:
            t, data = ev.CLAIM_CORROBORATED, {**base, "status": status[cid]}
        elif roll < 0.90:
            t, data = (
                ev.CHANGE_SUSPECTED,
                {**base, "from": status[cid], "to": "approved", "confidence": 0.5},
            )
        elif roll < 0.97:
            new = rng.choice([s for s in LIFECYCLE if s != status[cid]])
            t, data = ev.CLAIM_STATUS_CHANGED, {**base, "from": status[cid], "to": new}
            status[cid] = new
        else:
            t, data = ev.CLAIM_VALUE_CHANGED, {**base, "from": None, "to": f"{2027 + k % 5}"}
        yield ev.NewEvent(
            stream=ev.claim_stream(cid),
            type=t,
            data=data,
            occurred_at="2026-02-01T00:00:00Z",
            metadata={"cause": "poll"},
            dedup_key=f"r{k}|{cid}",
        )


def open_store(path: Path, projections: bool = True) -> EventStore:
    """``projections``: the daemon's store (`bootstrap` with every projector `monitor run`
    has); else the event store alone."""
    url = f"sqlite:///{path}"
    if projections:
        os.environ.pop("MONITOR_CONFIG", None)
        settings = load_settings(None, url)
        app = bootstrap(settings, extra_projectors=extra_projectors(settings))
        upgrade(app.engine)
        return app.store
    engine = make_engine(url)
    upgrade(engine)
    return EventStore(engine, [], url=url)


CONFIGS = {  # name: (batch size, every projector on)
    "daemon-single": (1, True),
    "daemon-batched": (100, True),
    "single": (1, False),
    "batched": (100, False),
}


def median_appends(tmp: Path, gen, passes: int) -> dict[str, tuple[float, float, float]]:
    """Per configuration, the median (and range) of ``passes`` append runs, each on a fresh
    database. A pass runs every configuration once, so a shared machine's load, which comes
    and goes, weighs on all of them alike."""
    runs: dict[str, list[float]] = {name: [] for name in CONFIGS}
    for i in range(passes):
        for name, (batch, projections) in CONFIGS.items():
            store = open_store(tmp / f"{name}-{i}.db", projections)
            runs[name].append(timed_appends(store, gen(), batch))
    return {
        name: (statistics.median(values), min(values), max(values))
        for name, values in runs.items()
    }


def timed_appends(store: EventStore, events, batch: int) -> float:
    started = time.perf_counter()
    n = 0
    chunk = []
    for e in events:
        chunk.append(e)
        if len(chunk) == batch:
            store.append(chunk)
            n += len(chunk)
            chunk = []
    if chunk:
        store.append(chunk)
        n += len(chunk)
    return n / (time.perf_counter() - started)


def replay_child(path: Path) -> dict:
    """Run in a fresh process, so its peak memory is the replay's own."""
    store = open_store(path, projections=False)
    # the median of three runs (the first also warms the page cache)
    replay = sorted((fold_log(store) for _ in range(3)), key=lambda r: r.seconds)[1]
    verify = sorted((verify_log(store) for _ in range(3)), key=lambda r: r.seconds)[1]
    assert verify.ok and verify.claims == replay.claims, verify.problems
    return {
        "replayed": replay.events,
        "replay_eps": round(replay.events / replay.seconds),
        "verify_eps": round(verify.events / verify.seconds),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--streams", type=int, default=1000)
    ap.add_argument(
        "--replay-events",
        type=int,
        default=None,
        help="also build a log this long (batched) and replay it: memory check",
    )
    ap.add_argument("--passes", type=int, default=3, help="append passes (the median is shown)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--dir", default=None, help="where the SQLite files go (default: a temp dir)")
    ap.add_argument("--replay-only", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.replay_only:
        print(json.dumps(replay_child(Path(args.replay_only))))
        return
    tmp = Path(args.dir or tempfile.mkdtemp(prefix="monitor-bench-"))
    gen = lambda: generate(args.events, args.streams)  # noqa: E731

    passes = max(1, args.passes)
    # As the daemon runs it: every projector (claims, feeds, outbox) in each transaction; and
    # the event store alone: schema validation and the hash chain on the write path.
    figures = median_appends(tmp, gen, passes)
    daemon, daemon_batch = figures["daemon-single"], figures["daemon-batched"]
    store, store_batch = figures["single"], figures["batched"]

    def child(path: Path) -> dict:
        out = subprocess.run(
            [sys.executable, __file__, "--replay-only", str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(out.stdout)

    replay = child(tmp / "batched-0.db")
    result = {
        "events": args.events,
        "streams": args.streams,
        "passes": passes,
        "append_eps": round(daemon[0]),
        "append_batch_eps": round(daemon_batch[0]),
        "append_eps_range": [round(daemon[1]), round(daemon[2])],
        "append_batch_eps_range": [round(daemon_batch[1]), round(daemon_batch[2])],
        "projectors": [p.name for p in open_store(tmp / "names.db").projectors],
        "store_only_append_eps": round(store[0]),
        "store_only_append_batch_eps": round(store_batch[0]),
        "store_only_append_eps_range": [round(store[1]), round(store[2])],
        "store_only_append_batch_eps_range": [round(store_batch[1]), round(store_batch[2])],
        "load_average_1m": round(os.getloadavg()[0], 2),
        "replay_eps": replay["replay_eps"],
        "verify_eps": replay["verify_eps"],
        "peak_rss_mb": replay["peak_rss_mb"],
    }
    if args.replay_events:
        big = tmp / "big.db"
        timed_appends(open_store(big, False), generate(args.replay_events, args.streams), 1000)
        big_replay = child(big)
        result["big_replay_events"] = big_replay["replayed"]
        result["big_replay_eps"] = big_replay["replay_eps"]
        result["big_peak_rss_mb"] = big_replay["peak_rss_mb"]
    print(json.dumps(result) if args.json else result)


if __name__ == "__main__":
    main()
