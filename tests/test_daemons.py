"""Several daemons on one PostgreSQL database, and the real daemon stopped by SIGTERM.

Two pollers with different owners (each with its own engine, as two processes would have)
poll the same feeds at the same time for a few cycles: every report is recorded once, no event
is duplicated, and no feed is fetched by both at once (the server counts requests in flight
per path). Then `monitor run` runs as a subprocess and stops cleanly on SIGTERM.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from feeds_server import RSS_HEADERS, FeedServer, Item, make_app, rss
from sqlalchemy import select

from monitor.daemon import run_once
from monitor.domain import events as ev
from monitor.services.feeds import subscribe
from monitor.services.poll import Poller
from monitor.services.replay import fold_log, verify_log
from monitor.store.projections import load_claims
from monitor.store.tables import feed_state

APPROVE = "BMW has officially approved the i4 Convertible (NA3) for production."
DULL = "Dealers in Europe expect the first customer cars to arrive later in the year."
ROOT = Path(__file__).resolve().parents[1]


def _items(feed: int, cycle: int) -> list[Item]:
    items = [
        Item(f"f{feed}-e{j}", f"Update {j}", f"{DULL} Note {feed}.{j}.")
        for j in range(cycle * 3 + 3)
    ]
    if feed % 3 == 0:  # the same article in several feeds: one claim change
        items.append(Item("urn:shared:na3", "NA3 approved", APPROVE, "http://n.invalid/na3"))
    return items


@pytest.mark.postgres
def test_two_daemons_share_the_feeds_exactly_once(postgres_url: str) -> None:
    app_a = make_app(postgres_url, workers=4)
    app_b = make_app(postgres_url, workers=4)
    servers = [FeedServer(host=h).start() for h in ("127.0.0.1", "127.0.0.2")]
    try:
        paths = []
        for n in range(8):
            srv = servers[n % 2]
            path = f"/f{n}.xml"
            srv.set_route(path, (rss(_items(n, 0)), RSS_HEADERS, 200, 0.05))
            subscribe(app_a, srv.url(path))
            paths.append((srv, path))
        poller_a = Poller(app_a, owner="daemon-a")
        poller_b = Poller(app_b, owner="daemon-b")
        try:
            for cycle in range(3):
                for n, (srv, path) in enumerate(paths):
                    srv.set_route(path, (rss(_items(n, cycle)), RSS_HEADERS, 200, 0.05))
                threads = [
                    threading.Thread(target=run_once, args=(app, poller), kwargs={"deliver": False})
                    for app, poller in ((app_a, poller_a), (app_b, poller_b))
                ]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join(timeout=120)
                    assert not t.is_alive()
        finally:
            poller_a.close()
            poller_b.close()
        for srv in servers:
            assert set(srv.max_in_flight.values()) == {1}, srv.max_in_flight
        log = list(app_a.store.read())
        recorded = Counter(
            (e.stream, e.data["report"], e.data["content_hash"])
            for e in log
            if e.type in (ev.REPORT_RECORDED, ev.REPORT_REVISED)
        )
        assert recorded and max(recorded.values()) == 1
        expected = sum(len(_items(n, 2)) for n in range(8))
        assert sum(1 for e in log if e.type == ev.REPORT_RECORDED) == expected
        keys = [e.dedup_key for e in log if e.dedup_key]
        assert len(keys) == len(set(keys))
        changes = [e for e in log if e.type == ev.CLAIM_STATUS_CHANGED]
        assert [c.stream for c in changes] == ["claim/i4-convertible-na3"]
        assert verify_log(app_a.store).ok
        with app_a.engine.connect() as conn:
            projected = {k: c.to_json() for k, c in load_claims(conn).items()}
            leases = conn.execute(select(feed_state.c.lease_owner)).scalars().all()
        assert projected == {k: c.to_json() for k, c in fold_log(app_a.store).claims.items()}
        assert set(leases) == {None}  # every lease released
    finally:
        for srv in servers:
            srv.stop()
        app_a.close()
        app_b.close()


def test_monitor_run_stops_cleanly_on_sigterm(sqlite_url: str, tmp_path: Path) -> None:
    with FeedServer() as srv:
        srv.set(
            "/feed.xml",
            rss([Item("na3", "NA3 approved", APPROVE, "http://n.invalid/na3")]),
            RSS_HEADERS,
        )
        srv.set_route("/slow.xml", (rss([Item("s1", "Slow", DULL)]), RSS_HEADERS, 200, 1.0))
        config = tmp_path / "monitor.toml"
        config.write_text(
            f'[database]\nurl = "{sqlite_url}"\n\n[polling]\nhost_gap = 0.0\n\n'
            f'[[feeds]]\nurl = "{srv.url("/feed.xml")}"\nname = "news"\n\n'
            f'[[feeds]]\nurl = "{srv.url("/slow.xml")}"\nname = "slow"\n'
        )
        env = {**os.environ, "MONITOR_MAIL_TO": "you@localhost"}
        base = [sys.executable, "-m", "monitor.cli", "--db", sqlite_url, "--config", str(config)]
        subprocess.run([*base, "init"], check=True, cwd=tmp_path, env=env, capture_output=True)
        proc = subprocess.Popen(
            [*base, "run"], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not srv.requests_for("/slow.xml"):
                time.sleep(0.05)
            assert srv.requests_for("/slow.xml"), "the daemon never polled"
            proc.send_signal(signal.SIGTERM)  # while the slow poll is in flight
            _out, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == 0, err.decode(errors="replace")[-2000:]
    app = make_app(sqlite_url)
    try:
        assert verify_log(app.store).ok
        with app.engine.connect() as conn:
            rows = conn.execute(select(feed_state.c.name, feed_state.c.lease_owner)).all()
            claims = load_claims(conn)
        assert {name for name, _ in rows} == {"news", "slow"}
        assert all(owner is None for _, owner in rows)  # the in-flight poll finished and released
        assert claims["i4-convertible-na3"].status == "approved"
        types = [e.type for e in app.store.read()]
        assert types.count(ev.REPORT_RECORDED) == 2  # the poll in flight at SIGTERM completed
    finally:
        app.close()
