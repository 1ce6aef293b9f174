"""The database going away under a running daemon: it logs, retries, and loses nothing.

The REAL daemon (`monitor run`, a subprocess) polls feeds that keep publishing (see
bench/chaos.py) while its database misbehaves:

- PostgreSQL: its backends are terminated (`pg_terminate_backend`) several times, mid-run;
- SQLite: another process holds `BEGIN EXCLUSIVE` on the file for longer than the daemon's
  busy timeout (lowered to 1 s here through MONITOR_SQLITE_BUSY_TIMEOUT_MS; 30 s by default).

Afterwards the same daemon, without a restart, catches up: every report recorded once, every
change once, every notification delivered, the log verifies.
"""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from test_chaos import assert_invariants, harness

BUSY_MS = 1000


def run_through(
    tmp_path: Path,
    db: str | None,
    disrupt: Callable[[Any], int],
    env: dict[str, str] | None = None,
) -> tuple[dict[str, Any], str]:
    """One daemon, kept running through ``disrupt(rig)`` (returns how often it struck) and
    until quiescent; the audit's figures and the daemon's log."""
    h = harness()
    rng = random.Random(4)
    with h.rig(rng, db=db, reports=30, feeds=3, changes=6, keep=tmp_path) as r:
        proc = h.start_daemon(r.config, r.url, r.log, r.folder, env)
        try:
            time.sleep(2.0)  # started, first polls done
            with h.publishing(r.publisher, 0.3):
                strikes = disrupt(r)
            alive = proc.poll() is None
            r.publisher.intercept(None)
            r.publisher.publish_all()
            quiescent, seconds = h.wait_quiescent(
                # long enough for a writer to sit out one `database.lock_timeout` (30 s)
                # behind a connection the outage broke, and still settle
                r.url,
                len(r.publisher.published),
                r.smtp,
                proc,
                80,
            )
        finally:
            code = h.stop_gracefully(proc)
        figures = h.audit(r, quiescent=quiescent, final_exit=code, final_seconds=seconds)
        figures.update(strikes=strikes, alive_through_outage=alive)
        return figures, r.log.read_text(errors="replace")


def once(action: Callable[[], None]) -> tuple[Callable[..., None], threading.Event]:
    """A hook that runs ``action`` the first time it is called; the event says it ran."""
    fired = threading.Event()
    lock = threading.Lock()

    def hook(*_args: object) -> None:
        with lock:
            if fired.is_set():
                return
            action()
            fired.set()

    return hook, fired


# ---- PostgreSQL: the daemon's connections die ---------------------------------------------


def terminate_backends(url: str) -> int:
    """Kill every backend of the daemon's database; how many were killed."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            return len(
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :db AND pid <> pg_backend_pid()"
                    ),
                    {"db": target.database},
                ).all()
            )
    finally:
        admin.dispose()


def pg_outages(r: Any) -> int:
    """Backends killed mid-poll (between the fetch and its commit), then at random moments."""
    killed = 0

    def strike() -> None:
        nonlocal killed
        killed += terminate_backends(r.url)

    hook, fired = once(strike)
    r.publisher.intercept(lambda feed: hook() if feed == 0 else None)
    assert fired.wait(20), "the daemon did not poll feed 0"
    r.publisher.intercept(None)
    for _ in range(3):
        time.sleep(1.5)
        strike()
    return killed


@pytest.mark.postgres
@pytest.mark.timeout(150)
def test_postgres_backends_terminated_mid_run_lose_and_duplicate_nothing(
    postgres_url: str, tmp_path: Path
) -> None:
    figures, log = run_through(tmp_path, postgres_url, pg_outages)
    assert figures["strikes"] > 0, "no backend of the daemon was terminated"
    assert figures["alive_through_outage"], log[-3000:]
    assert "terminat" in log  # the daemon saw it and said so
    assert_invariants(figures)


# ---- SQLite: another process holds the file's lock too long --------------------------------

_HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], timeout=20, isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""
HOLD_SECONDS = 10 * BUSY_MS / 1000  # past a write, its error record and its lease release


def lock_file(path: str, seconds: float, holders: list[subprocess.Popen[str]]) -> None:
    """Another process takes BEGIN EXCLUSIVE on the file; returns once it holds it."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, path, str(seconds)], stdout=subprocess.PIPE, text=True
    )
    holders.append(holder)
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"


def sqlite_outages(r: Any, holders: list[subprocess.Popen[str]]) -> int:
    """The file locked past the busy timeout twice: right after a feed's fetch (the poll's
    commit, its error record and its lease release all fail) and right after the SMTP server
    accepted a message (marking it delivered fails)."""
    path = make_url(r.url).database
    assert path is not None
    poll_hook, poll_fired = once(lambda: lock_file(path, HOLD_SECONDS, holders))
    r.publisher.intercept(lambda feed: poll_hook() if feed == 0 else None)
    mail_hook, mail_fired = once(lambda: lock_file(path, HOLD_SECONDS, holders))
    handler = r.smtp.handler
    accept = handler.handle_DATA

    async def handle_data(server: Any, session: Any, envelope: Any) -> str:
        reply = await accept(server, session, envelope)
        mail_hook()  # the daemon gets the 250 once the lock is held
        return reply

    handler.handle_DATA = handle_data
    assert poll_fired.wait(20), "the daemon did not poll feed 0"
    r.publisher.intercept(None)
    time.sleep(HOLD_SECONDS + 1)
    assert mail_fired.wait(20), "no notification was sent"
    time.sleep(HOLD_SECONDS)
    return 2


@pytest.mark.timeout(150)
def test_a_sqlite_lock_held_past_the_busy_timeout_loses_and_duplicates_nothing(
    sqlite_url: str, tmp_path: Path
) -> None:
    holders: list[subprocess.Popen[str]] = []
    try:
        figures, log = run_through(
            tmp_path,
            sqlite_url,
            lambda r: sqlite_outages(r, holders),
            env={"MONITOR_SQLITE_BUSY_TIMEOUT_MS": str(BUSY_MS)},
        )
    finally:
        for holder in holders:
            holder.wait(timeout=30)
    assert figures["strikes"] == 2
    assert figures["alive_through_outage"], log[-3000:]
    assert "database is locked" in log  # the daemon saw it and said so
    assert_invariants(figures)
    assert all(holder.returncode == 0 for holder in holders)


def test_the_lock_holder_really_locks_the_file(tmp_path: Path) -> None:
    """The SQLite test's premise: a writer gives up after its busy timeout."""
    path = tmp_path / "x.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.commit()
    holders: list[subprocess.Popen[str]] = []
    lock_file(str(path), 2, holders)
    try:
        conn = sqlite3.connect(path, timeout=0.2, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            conn.execute("INSERT INTO t VALUES (1)")
        conn.close()
    finally:
        holders[0].wait(timeout=30)
