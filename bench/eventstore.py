"""Event store benchmark: append (one per transaction, and batches of 100), replay, verify.

    python bench/eventstore.py --events 100000 --streams 1000 --json

The log mixes event types as real monitoring does: each claim asserted once, then mostly
corroborations, some suspected changes, status and value changes. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from monitor.domain import events as ev  # noqa: E402
from monitor.domain.statuses import LIFECYCLE  # noqa: E402
from monitor.services.replay import fold_log, verify_log  # noqa: E402
from monitor.store.db import make_engine  # noqa: E402
from monitor.store.eventstore import EventStore  # noqa: E402
from monitor.store.migrate import upgrade  # noqa: E402
from monitor.store.projections import ClaimsProjector  # noqa: E402


def generate(n: int, streams: int, seed: int = 7):
    rng = random.Random(seed)
    status = {}
    for i in range(min(n, streams)):
        cid = f"claim-{i}"
        status[cid] = "rumored"
        yield ev.NewEvent(
            stream=ev.claim_stream(cid), type=ev.CLAIM_ASSERTED,
            data={"claim": cid, "subject": f"Model {i}", "aliases": [f"M{i}", f"Model {i}"],
                  "status": "rumored", "value": None, "quote": f"Model {i} is in the works.",
                  "source": {"title": "Seed", "link": "https://example.com/seed"}},
            occurred_at="2026-01-01T00:00:00Z", metadata={"cause": "baseline"},
            dedup_key=f"asserted|{cid}",
        )
    for k in range(n - min(n, streams)):
        cid = f"claim-{rng.randrange(streams)}"
        report = {"key": f"r{k}", "link": f"https://news.example.com/{k}",
                  "title": f"Report {k}", "published": "2026-02-01T00:00:00Z"}
        base = {"claim": cid, "evidence": f"Sentence {k} says something about the model.",
                "report": report, "confidence": 0.9, "detector_version": "bench"}
        roll = rng.random()
        if roll < 0.80:
            t, data = ev.CLAIM_CORROBORATED, {**base, "status": status[cid]}
        elif roll < 0.90:
            t, data = ev.CHANGE_SUSPECTED, {**base, "from": status[cid], "to": "approved",
                                            "confidence": 0.5}
        elif roll < 0.97:
            new = rng.choice([s for s in LIFECYCLE if s != status[cid]])
            t, data = ev.CLAIM_STATUS_CHANGED, {**base, "from": status[cid], "to": new}
            status[cid] = new
        else:
            t, data = ev.CLAIM_VALUE_CHANGED, {**base, "from": None, "to": f"{2027 + k % 5}"}
        yield ev.NewEvent(stream=ev.claim_stream(cid), type=t, data=data,
                          occurred_at="2026-02-01T00:00:00Z", metadata={"cause": "poll"},
                          dedup_key=f"r{k}|{cid}")


def open_store(path: Path) -> EventStore:
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    return EventStore(engine, [ClaimsProjector()], url=url)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--streams", type=int, default=1000)
    ap.add_argument("--single", type=int, default=None,
                    help="events appended one per transaction (default: all)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--dir", default=None, help="where the SQLite files go (default: a temp dir)")
    args = ap.parse_args()
    tmp = Path(args.dir or tempfile.mkdtemp(prefix="monitor-bench-"))
    events = list(generate(args.events, args.streams))
    single_n = args.single if args.single is not None else len(events)

    store = open_store(tmp / "single.db")
    t0 = time.perf_counter()
    for e in events[:single_n]:
        store.append([e])
    append_eps = single_n / (time.perf_counter() - t0)

    batched = open_store(tmp / "batched.db")
    t0 = time.perf_counter()
    for i in range(0, len(events), 100):
        batched.append(events[i : i + 100])
    append_batch_eps = len(events) / (time.perf_counter() - t0)
    del events

    fold_log(batched, until=1000)  # warm the page cache and imports
    replay = fold_log(batched)
    replay_eps = replay.events / replay.seconds
    verify = verify_log(batched)
    verify_eps = verify.events / verify.seconds
    assert verify.ok and verify.claims == replay.claims

    result = {
        "events": args.events, "streams": args.streams,
        "append_eps": round(append_eps), "append_batch_eps": round(append_batch_eps),
        "replay_eps": round(replay_eps), "verify_eps": round(verify_eps),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result) if args.json else result)


if __name__ == "__main__":
    main()
