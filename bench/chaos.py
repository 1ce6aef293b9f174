"""Chaos harness: the real daemon, killed with SIGKILL at random moments, must lose nothing.

    python bench/chaos.py --kills 50 --json
    python bench/chaos.py --kills 20 --db postgresql://postgres@127.0.0.1:5432/postgres --json

A feed server (a thread here, loopback) keeps publishing new reports to a few feeds (some change
a claim, most do not), an aiosmtpd server (loopback) takes the notifications, and the REAL
daemon (``python -m monitor.cli --config X run``, a subprocess) is started and killed with
SIGKILL ``--kills`` times, each after a random 0.5-4 s: during start-up, a poll's transaction,
a delivery between SMTP accept and its mark. Then a last run until quiescent, stopped with
SIGTERM, and the audit:

- every published report recorded exactly once, no other duplicate event;
- every expected claim change recorded exactly once (expected: what ``check_source`` -- the
  ``monitor check`` dry run -- finds in each feed's final document against the baseline; each
  change text names a different claim, so the state each one meets is the baseline's);
- every change's notification delivered at least once; a second copy only with the same
  Message-ID (a resend after a kill between the SMTP server's accept and the row's mark), and
  at most one extra copy per kill (``duplicate_emails <= kills``): at-least-once delivery with
  a stable Message-ID, which is what the README promises, checked; exactly once at the receiver
  is not promised (no sender can both survive a kill after the accept and never resend);
- ``monitor replay --verify`` clean, and ``monitor claims --json`` equal before and after the
  replay rebuilds the projections.

Prints one JSON line (``--json``) and exits 1 if an invariant fails. With a PostgreSQL URL a
fresh database is created on that server and dropped afterwards. ``run_chaos`` is the core,
imported by tests/test_chaos.py.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for _p in (str(ROOT), str(ROOT / "tests")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from feeds_server import RSS_HEADERS, FeedServer, Item, Response, rss  # noqa: E402
from smtp_server import SmtpTestServer  # noqa: E402

DISPATCH_SECONDS = 0.3  # MONITOR_DISPATCH_SECONDS for the daemons under test
RECIPIENT = "chaos@example.org"

# ---- what the feeds publish ------------------------------------------------------------------

# One sentence per claim, each a clear, official, completed change; those the current detector
# does not read as exactly one status change (checked at start) are left out.
CHANGE_TEXTS = [
    "BMW has officially approved the i4 Convertible (NA3) for production.",
    "BMW has cancelled the iX4.",
    "BMW has confirmed the i3 Touring wagon.",
    "BMW has cancelled the iX5.",
    "BMW has cancelled the iX6.",
    "BMW has cancelled the iX7.",
    "BMW has discontinued the Z4.",
    "BMW has discontinued the 8 Series Convertible.",
    "BMW has discontinued the 4 Series Convertible.",
    "BMW has cancelled the iX7 ALPINA 100.",
    "BMW has started production of the iX3.",
    "BMW has cancelled the i4 Coupe (NA2).",
    "BMW has officially confirmed the two-door Neue Klasse prototype.",
]
_OPENINGS = [
    "The carmaker said on {day} that",
    "In a statement published on {day},",
    "Suppliers in Bavaria reported on {day} that",
    "Speaking at an industry conference on {day}, a spokesperson said",
]
_BODY = [
    "its plant in Debrecen has begun hiring for a third shift",
    "battery cell deliveries from two suppliers are on schedule",
    "dealers in Europe expect busier showrooms later in the year",
    "software updates will be delivered over the air to every new vehicle",
    "the charging network partnership will add several thousand fast chargers",
    "quarterly deliveries of electrified models rose by double digits",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def noise_text(rng: random.Random, serial: int) -> str:
    """Industry news that names no tracked claim (unique by its serial number)."""
    opening = rng.choice(_OPENINGS).format(day=rng.choice(_DAYS))
    return f"{opening} {rng.choice(_BODY)}. It added that {rng.choice(_BODY)} (note {serial})."


@dataclass(frozen=True)
class Planned:
    feed: int
    item: Item
    change: bool


def _dry_run(texts: list[tuple[str, str]]) -> list[list[tuple[str, str, str, str]]]:
    """(title, text) -> the events the detector proposes against the baseline."""
    from monitor.baseline import baseline_state
    from monitor.config import load_settings
    from monitor.domain.observations import Report
    from monitor.resources import shipped_baseline
    from monitor.services.diffing import DetectorCache, diff_report

    settings = load_settings(None, "sqlite:///:memory:")
    claims = baseline_state(shipped_baseline())
    detector = DetectorCache(settings).get(claims)
    out = []
    for i, (title, text) in enumerate(texts):
        report = Report(key=f"dry{i}", title=title, text=text, link="", published=None)
        _, events = diff_report(
            claims, report, detector, "2024-09-10T08:00:00Z", threshold=settings.threshold,
            cause="poll",
        )  # fmt: skip
        out.append(
            [(e.type, e.data.get("claim"), e.data.get("from"), e.data.get("to")) for e in events]
        )
    return out


def plan_reports(rng: random.Random, total: int, feeds: int, changes: int) -> list[Planned]:
    """``total`` entries over ``feeds`` feeds, ``changes`` of them change one claim each."""
    titles = [f"Industry update {n}" for n in range(total)]
    candidates = [(f"Industry update c{i}", t) for i, t in enumerate(CHANGE_TEXTS)]
    usable: list[tuple[str, str]] = []
    seen: set[str] = set()
    for (title, text), events in zip(candidates, _dry_run(candidates), strict=True):
        if len(events) == 1 and events[0][0] == "ClaimStatusChanged" and events[0][1] not in seen:
            seen.add(str(events[0][1]))
            usable.append((title, text))
    rng.shuffle(usable)
    usable = usable[: min(changes, max(1, total // 3))]  # most reports change nothing
    noise = [(titles[n], noise_text(rng, n)) for n in range(total - len(usable))]
    quiet = [pair for pair, events in zip(noise, _dry_run(noise), strict=True) if not events]
    entries = [(pair, True) for pair in usable] + [(pair, False) for pair in quiet]
    rng.shuffle(entries)
    plan = []
    for serial, ((title, text), change) in enumerate(entries):
        feed = rng.randrange(feeds)
        minute = serial % 60
        hour = (serial // 60) % 24
        item = Item(
            guid=f"urn:chaos:{feed}:{serial}",
            title=title,
            text=text,
            link=f"http://news.invalid/{feed}/{serial}",
            published=f"Tue, 01 Oct 2024 {hour:02d}:{minute:02d}:00 GMT",
        )
        plan.append(Planned(feed, item, change))
    return plan


class Publisher:
    """Publishes planned entries one at a time onto the feeds (documents only ever grow)."""

    def __init__(
        self, server: FeedServer, feeds: int, plan: list[Planned], latency: float = 0.0
    ) -> None:
        self.server = server
        self.latency = latency  # seconds before each answer (overlapping polls would show)
        self.plan = plan
        self.items: list[list[Item]] = [[] for _ in range(feeds)]
        self.published: list[Planned] = []
        self.versions = [0] * feeds
        self.lock = threading.Lock()
        self.hook: Callable[[int], None] | None = None
        for f in range(feeds):
            self._serve(f)

    def path(self, feed: int) -> str:
        return f"/chaos/{feed}.xml"

    def intercept(self, hook: Callable[[int], None] | None) -> None:
        """Call ``hook(feed)`` before answering each request (no 304s meanwhile)."""
        with self.lock:
            self.hook = hook
            for f in range(len(self.items)):
                self._serve(f)

    def _serve(self, feed: int) -> None:
        self.versions[feed] += 1
        headers = {**RSS_HEADERS, "ETag": f'"f{feed}-v{self.versions[feed]}"'}
        body = rss(list(reversed(self.items[feed])), title=f"Chaos feed {feed}")
        hook = self.hook
        if hook is None:
            self.server.set(self.path(feed), body, headers, latency=self.latency)
            return
        response = Response(body, headers, latency=self.latency)

        def handler(h: BaseHTTPRequestHandler) -> None:
            hook(feed)
            time.sleep(response.latency)
            FeedServer._write(h, response)

        self.server.set_handler(self.path(feed), handler)

    def publish_next(self) -> bool:
        with self.lock:
            if len(self.published) >= len(self.plan):
                return False
            p = self.plan[len(self.published)]
            self.items[p.feed].append(p.item)
            self.published.append(p)
            self._serve(p.feed)
            return True

    def publish_all(self) -> None:
        while self.publish_next():
            pass

    def documents(self) -> dict[int, bytes]:
        with self.lock:
            return {
                f: rss(list(reversed(items)), title=f"Chaos feed {f}")
                for f, items in enumerate(self.items)
            }


@contextlib.contextmanager
def publishing(publisher: Publisher, every: float) -> Iterator[None]:
    """A thread that publishes the next planned entry every ``every`` seconds."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every):
            if not publisher.publish_next():
                return

    thread = threading.Thread(target=loop, name="publisher", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


# ---- databases, configuration and daemons ----------------------------------------------------


@contextlib.contextmanager
def fresh_database(base: str | None, folder: Path, prefix: str = "monitor_chaos") -> Iterator[str]:
    """A SQLite file in ``folder``, or a new database on the PostgreSQL server of ``base``
    (dropped afterwards)."""
    if base is None or base.startswith("sqlite"):
        yield base or f"sqlite:///{folder / 'chaos.db'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(base)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def write_config(
    path: Path,
    feed_urls: list[str],
    smtp_port: int,
    *,
    interval: float = 0.5,
    workers: int = 4,
    delivery_interval: float = 0.5,
    feed_prefix: str = "chaos",
) -> Path:
    lines = [
        "[polling]",
        f"interval = {interval}",
        f"workers = {workers}",
        "host_gap = 0",
        "jitter = 0.1",
        "connect_timeout = 2",
        "read_timeout = 5",
        "backoff_base = 0.5",
        "backoff_cap = 2",
        "",
        "[smtp]",
        'host = "127.0.0.1"',
        f"port = {smtp_port}",
        "timeout = 5",
        "",
        "[delivery]",
        f"interval = {delivery_interval}",
        "backoff_base = 0.5",
        "backoff_cap = 2",
        "",
        "[[subscriptions]]",
        'name = "chaos"',
        f'to = ["{RECIPIENT}"]',
        'claims = ["*"]',
        'events = ["status"]',
        "",
    ]
    for i, url in enumerate(feed_urls):
        lines += ["[[feeds]]", f'id = "{feed_prefix}-{i}"', f'url = "{url}"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def monitor_cmd(config: Path, db: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "monitor.cli", "--config", str(config), "--db", db, *args]


def daemon_env() -> dict[str, str]:
    env = dict(os.environ)
    env["MONITOR_DISPATCH_SECONDS"] = str(DISPATCH_SECONDS)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("MONITOR_TEST_CRASH_AFTER_SEND", None)
    return env


def start_daemon(
    config: Path, db: str, log: Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    with log.open("ab") as fh:
        return subprocess.Popen(
            monitor_cmd(config, db, "run"),
            stdout=fh,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env={**daemon_env(), **(env or {})},
            start_new_session=True,
        )


def run_cli(config: Path, db: str, cwd: Path, *args: str, timeout: float = 120) -> Any:
    """A `monitor` command's --json output (parsed); raises on a failure other than exit 5."""
    done = subprocess.run(
        monitor_cmd(config, db, *args),
        capture_output=True,
        cwd=cwd,
        env=daemon_env(),
        timeout=timeout,
        check=False,
    )
    if done.returncode not in (0, 5):
        raise RuntimeError(f"monitor {' '.join(args)} exited {done.returncode}: {done.stderr!r}")
    return json.loads(done.stdout) if "--json" in args else done.stdout.decode()


def stop_gracefully(proc: subprocess.Popen[bytes], timeout: float = 30) -> int:
    """SIGTERM, then SIGKILL if it does not stop in time; the exit code (-9 if killed)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    return proc.returncode


# ---- the audit -------------------------------------------------------------------------------


@dataclass
class LogAudit:
    """What the database holds, read directly (the daemon may still be writing)."""

    head: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    reports: collections.Counter[tuple[str, str]] = field(default_factory=collections.Counter)
    changes: collections.Counter[tuple[str, str, str]] = field(default_factory=collections.Counter)
    outbox_states: dict[str, int] = field(default_factory=dict)
    outbox_ids: collections.Counter[str] = field(default_factory=collections.Counter)
    leftover_leases: int = 0

    @property
    def duplicate_events(self) -> int:
        return (
            sum(n - 1 for n in self.reports.values())
            + self.counts.get("ReportRevised", 0)
            + sum(n - 1 for n in self.changes.values())
        )

    @property
    def undelivered(self) -> int:
        return sum(n for s, n in self.outbox_states.items() if s != "delivered")


def audit_log(db: str) -> LogAudit:
    from sqlalchemy import func, select

    from monitor.store.db import make_engine
    from monitor.store.tables import events, feed_state, outbox

    engine = make_engine(db)
    out = LogAudit()
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(events.c.position, events.c.type, events.c.data).where(
                    events.c.type.in_(("ReportRecorded", "ReportRevised", "ClaimStatusChanged"))
                )
            ).all()
            out.head = conn.execute(select(func.max(events.c.position))).scalar() or 0
            out.counts = dict(
                conn.execute(select(events.c.type, func.count()).group_by(events.c.type)).all()
            )
            for _pos, kind, data in rows:
                d = json.loads(data)
                if kind == "ClaimStatusChanged":
                    out.changes[(d["claim"], d["from"], d["to"])] += 1
                else:
                    out.reports[(d["feed"], d["report"])] += 1
            out.outbox_states = dict(
                conn.execute(select(outbox.c.state, func.count()).group_by(outbox.c.state)).all()
            )
            out.outbox_ids.update(m for (m,) in conn.execute(select(outbox.c.message_id)))
            out.leftover_leases = (
                conn.execute(
                    select(func.count()).where(feed_state.c.lease_owner.is_not(None))
                ).scalar()
                or 0
            )
    finally:
        engine.dispose()
    return out


def expected_changes(documents: dict[int, bytes], folder: Path) -> list[tuple[str, str, str]]:
    """What `monitor check` finds in each final feed document, judged against the baseline."""
    from monitor.baseline import baseline_state
    from monitor.config import load_settings
    from monitor.resources import shipped_baseline
    from monitor.services.check import check_source

    settings = load_settings(None, "sqlite:///:memory:")
    claims = baseline_state(shipped_baseline())
    found = []
    for feed, body in sorted(documents.items()):
        path = folder / f"final-{feed}.xml"
        path.write_bytes(body)
        result = check_source(settings, claims, str(path))
        for entry in result["entries"]:
            found += [(c["claim"], c["from"], c["to"]) for c in entry["changes"]]
    return found


def message_ids(smtp: SmtpTestServer) -> collections.Counter[str]:
    return collections.Counter(str(m["Message-ID"]) for m in smtp.messages)


# ---- the run ---------------------------------------------------------------------------------


def wait_quiescent(
    db: str,
    published: int,
    smtp: SmtpTestServer,
    proc: subprocess.Popen[bytes],
    timeout: float,
) -> tuple[bool, float]:
    """Until every published report is in, the outbox is empty and nothing moves for 2 s."""
    started = time.monotonic()
    last: tuple[Any, ...] | None = None
    stable_since = time.monotonic()
    while time.monotonic() - started < timeout and proc.poll() is None:
        a = audit_log(db)
        snapshot = (a.head, a.undelivered, len(smtp.received))
        if snapshot != last:
            last, stable_since = snapshot, time.monotonic()
        done = len(a.reports) >= published and a.undelivered == 0
        if done and time.monotonic() - stable_since >= 2.0:
            return True, time.monotonic() - started
        time.sleep(0.5)
    return False, time.monotonic() - started


@dataclass
class Rig:
    """A feed server publishing planned reports, an SMTP server, a config and a database."""

    folder: Path
    url: str
    server: FeedServer
    smtp: SmtpTestServer
    publisher: Publisher
    config: Path
    log: Path


@contextlib.contextmanager
def rig(
    rng: random.Random,
    *,
    db: str | None,
    reports: int,
    feeds: int,
    changes: int,
    keep: Path | None = None,
) -> Iterator[Rig]:
    """Everything but the daemon, the database initialised (baseline loaded)."""
    with contextlib.ExitStack() as stack:
        folder = keep or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="chaos-")))
        folder.mkdir(parents=True, exist_ok=True)
        url = stack.enter_context(fresh_database(db, folder))
        server = stack.enter_context(FeedServer())
        smtp = stack.enter_context(SmtpTestServer())
        publisher = Publisher(server, feeds, plan_reports(rng, reports, feeds, changes))
        config = write_config(
            folder / "monitor.toml", [server.url(publisher.path(f)) for f in range(feeds)],
            smtp.port,
        )  # fmt: skip
        run_cli(config, url, folder, "init")
        yield Rig(folder, url, server, smtp, publisher, config, folder / "daemon.log")


def finish(r: Rig, timeout: float, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Everything published; a clean daemon run until quiescent (SIGTERM); then the audit.
    The figures' ``ok`` says whether every invariant held."""
    r.publisher.publish_all()
    proc = start_daemon(r.config, r.url, r.log, r.folder, env)
    try:
        quiescent, final_seconds = wait_quiescent(
            r.url, len(r.publisher.published), r.smtp, proc, timeout
        )
    finally:
        final_exit = stop_gracefully(proc)
    return audit(r, quiescent=quiescent, final_exit=final_exit, final_seconds=final_seconds)


def audit(
    r: Rig, *, quiescent: bool, final_exit: int | None, final_seconds: float
) -> dict[str, Any]:
    """The invariants, checked on the database, the SMTP server and the CLI."""
    log = audit_log(r.url)
    claims_before = run_cli(r.config, r.url, r.folder, "claims", "--json")
    replay = run_cli(r.config, r.url, r.folder, "replay", "--verify", "--json")
    claims_after = run_cli(r.config, r.url, r.folder, "claims", "--json")
    expected = expected_changes(r.publisher.documents(), r.folder)
    received = message_ids(r.smtp)
    text = r.log.read_text(errors="replace") if r.log.exists() else ""
    errors = sum(1 for line in text.splitlines() if " ERROR " in line)

    published = {(f"chaos-{p.feed}", p.item.guid) for p in r.publisher.published}
    recorded = set(log.reports)
    figures: dict[str, Any] = {
        "database": "postgresql" if r.url.startswith("postgresql") else "sqlite",
        "reports_published": len(published),
        "reports_recorded": len(recorded & published),
        "reports_missing": len(published - recorded),
        "reports_unexpected": len(recorded - published),
        "duplicate_events": log.duplicate_events,
        "changes_expected": len(expected),
        "changes_recorded": sum(log.changes.values()),
        "changes_match": collections.Counter(expected) == log.changes,
        "emails_expected": len(expected),
        "emails_delivered": len(set(received)),
        "duplicate_emails": sum(n - 1 for n in received.values()),
        "emails_unknown": len(set(received) - set(log.outbox_ids)),
        "outbox": log.outbox_states,
        "verify_ok": bool(replay.get("ok")) and bool(replay.get("verified")),
        "projections_match": claims_before == claims_after,
        "events": log.head,
        "final_quiescent": quiescent,
        "final_exit_code": final_exit,
        "leftover_leases": log.leftover_leases,
        "daemon_error_lines": errors,
        "final_s": round(final_seconds, 1),
    }
    figures["ok"] = all(
        [
            figures["reports_recorded"] == figures["reports_published"],
            figures["reports_unexpected"] == 0,
            figures["duplicate_events"] == 0,
            figures["changes_match"],
            figures["changes_recorded"] == figures["changes_expected"],
            figures["emails_delivered"] == figures["emails_expected"],
            figures["emails_unknown"] == 0,
            log.undelivered == 0,
            figures["verify_ok"],
            figures["projections_match"],
            quiescent,
            final_exit == 0,
        ]
    )
    return figures


def run_chaos(
    kills: int = 50,
    *,
    db: str | None = None,
    feeds: int = 4,
    per_kill: int = 4,
    changes: int = 12,
    min_up: float = 0.5,
    max_up: float = 4.0,
    seed: int | None = None,
    final_timeout: float = 120.0,
    keep: Path | None = None,
) -> dict[str, Any]:
    """The whole experiment; returns the figures (``ok`` says whether every invariant held)."""
    seed = seed if seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    started = time.monotonic()
    reports = max(10, per_kill * kills)
    with rig(rng, db=db, reports=reports, feeds=feeds, changes=changes, keep=keep) as r:
        early_exits: list[int] = []
        every = (min_up + max_up) / 2 / per_kill
        with publishing(r.publisher, every):
            for _ in range(kills):
                proc = start_daemon(r.config, r.url, r.log, r.folder)
                time.sleep(rng.uniform(min_up, max_up))
                if proc.poll() is not None:
                    early_exits.append(proc.returncode)
                    continue
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
        chaos_seconds = time.monotonic() - started
        figures = {"kills": kills, "seed": seed, **finish(r, final_timeout)}
    figures["early_exits"] = early_exits
    figures["chaos_s"] = round(chaos_seconds, 1)
    # At least once, a resend only as a copy under the same Message-ID, one per kill at most.
    figures["duplicate_emails_within_kills"] = figures["duplicate_emails"] <= kills
    figures["ok"] = figures["ok"] and not early_exits and figures["duplicate_emails_within_kills"]
    return figures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kills", type=int, default=50)
    ap.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file)")
    ap.add_argument("--feeds", type=int, default=4)
    ap.add_argument("--per-kill", type=int, default=4, help="reports published per kill cycle")
    ap.add_argument("--changes", type=int, default=12, help="claim changes among them (max)")
    ap.add_argument("--min-up", type=float, default=0.5, help="seconds before a kill, at least")
    ap.add_argument("--max-up", type=float, default=4.0, help="seconds before a kill, at most")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--final-timeout", type=float, default=120.0)
    ap.add_argument("--keep", type=Path, default=None, help="keep the logs in this folder")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    figures = run_chaos(
        args.kills,
        db=args.db,
        feeds=args.feeds,
        per_kill=args.per_kill,
        changes=args.changes,
        min_up=args.min_up,
        max_up=args.max_up,
        seed=args.seed,
        final_timeout=args.final_timeout,
        keep=args.keep,
    )
    if args.json:
        print(json.dumps(figures, sort_keys=False))
    else:
        for key, value in figures.items():
            print(f"{key:22} {value}")
    sys.exit(0 if figures["ok"] else 1)


if __name__ == "__main__":
    main()
