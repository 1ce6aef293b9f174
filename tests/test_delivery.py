"""Delivery against a real SMTP server on loopback (aiosmtpd) and real databases, no mocks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from smtp_server import SmtpTestServer, smtp_server_fixture
from test_outbox import ALICE, CAROL, CLAIM, correct, make_app, outbox_rows, write_config

from monitor.app import App
from monitor.notify.delivery import backoff, deliver_due, make_transport
from monitor.notify.outbox import parse_iso
from monitor.notify.render import thread_id_for

MONITOR = Path(sys.executable).with_name("monitor")
HERE = Path(__file__).resolve().parent
IMMEDIATE = [{"name": "all", "to": [ALICE]}]
DIGEST = [
    {
        "name": "morning",
        "to": [CAROL],
        "mode": "digest",
        "digest": {"at": "08:00", "timezone": "Europe/Berlin"},
    }
]


@pytest.fixture
def smtp() -> Iterator[SmtpTestServer]:
    yield from smtp_server_fixture()


def setup(tmp_path: Path, smtp: SmtpTestServer, db_url: str, subs=IMMEDIATE) -> tuple[Path, App]:
    config = write_config(tmp_path, subs, smtp_port=smtp.port)
    return config, make_app(config, db_url)


@pytest.fixture
def world(tmp_path: Path, smtp: SmtpTestServer, db_url: str) -> Iterator[tuple[Path, App]]:
    config, app = setup(tmp_path, smtp, db_url)
    yield config, app
    app.close()


def now() -> datetime:
    return datetime.now(UTC)


def deliver(app: App, at: datetime | None = None) -> Any:
    return deliver_due(app, make_transport(app.settings), at or now())


def monitor(config: Path, db_url: str, *args: str, env: dict[str, str] | None = None):
    """`monitor` as a user runs it, in its own process."""
    return subprocess.run(
        [str(MONITOR), "--config", str(config), "--db", db_url, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "MONITOR_DATABASE_URL": "", **(env or {})},
    )


def test_a_change_arrives_as_one_message_a_client_can_read(world, smtp):
    _, app = world
    event = correct(app)
    report = deliver(app)
    assert (report.sent, report.retried, report.dead) == (1, 0, 0)
    [got] = smtp.wait_for(1)
    [row] = outbox_rows(app)
    msg = got.message
    assert got.rcpt_tos == [ALICE]
    assert got.mail_from == "monitor@example.org"
    assert msg["Subject"] == "[monitor] BMW i4 Convertible (NA3) corrected: unapproved → approved"
    assert msg["From"] == "monitor <monitor@example.org>"
    assert msg["To"] == ALICE
    assert msg["Message-ID"] == row["message_id"]
    assert msg["X-Monitor-Event"] == str(event.position)
    assert msg["In-Reply-To"] == thread_id_for(CLAIM, "monitor.example.org")
    assert msg["List-Id"] == "monitor <monitor.example.org>"
    assert msg["Auto-Submitted"] == "auto-generated"
    text = msg.get_body(("plain",)).get_content()
    assert "unapproved" in text and "monitor history i4-convertible-na3" in text
    assert row["state"] == "delivered" and row["attempts"] == 1 and row["delivered_at"]
    assert report.counts == {"delivered": 1}
    assert deliver(app).sent == 0  # delivered once, never again
    assert len(smtp.received) == 1


def test_smtp_down_for_hours_then_up_delivers_later_once(world, smtp):
    _, app = world
    correct(app)
    correct(app, "i4-coupe-na2", "confirmed")
    smtp.stop()
    t0 = now()
    report = deliver(app, t0)
    # the server is unreachable: one attempt, the other row waits for the next pass
    assert (report.sent, report.retried) == (0, 1)
    first, second = outbox_rows(app)
    assert first["state"] == "pending" and first["attempts"] == 1
    assert "ConnectionRefused" in first["last_error"]
    assert parse_iso(first["next_attempt_at"]) > t0
    assert second["attempts"] == 0
    for hour in range(1, 4):  # hours of outage: retried, never given up
        deliver(app, t0 + timedelta(hours=hour))
    rows = outbox_rows(app)
    assert [r["state"] for r in rows] == ["pending", "pending"]
    assert sum(r["attempts"] for r in rows) == 4  # one attempt a pass, oldest due first
    for row in rows:
        wait = parse_iso(row["next_attempt_at"]) - (t0 + timedelta(hours=3))
        assert wait <= timedelta(seconds=app.settings.delivery.backoff_cap)
    smtp.start()
    report = deliver(app, t0 + timedelta(hours=5))
    assert report.sent == 2
    assert deliver(app, t0 + timedelta(hours=6)).sent == 0
    assert len(smtp.wait_for(2)) == 2
    assert [r["state"] for r in outbox_rows(app)] == ["delivered", "delivered"]


def test_a_4xx_reply_is_retried_later(world, smtp):
    _, app = world
    correct(app)
    smtp.fail_with("451 4.3.0 try again later")
    t0 = now()
    assert deliver(app, t0).retried == 1
    [row] = outbox_rows(app)
    assert row["state"] == "pending" and "451" in row["last_error"]
    smtp.accept()
    assert deliver(app, t0).sent == 0  # not due yet
    assert deliver(app, t0 + timedelta(hours=1)).sent == 1


def test_backoff_grows_and_is_capped():
    assert 22.5 <= backoff(1, 30, 3600) <= 30
    assert 45 <= backoff(2, 30, 3600) <= 60
    assert 2700 <= backoff(500, 30, 3600) <= 3600


def test_550_is_dead_until_retried_from_the_command_line(tmp_path, smtp, sqlite_url):
    config, app = setup(tmp_path, smtp, sqlite_url)
    try:
        correct(app)
        smtp.fail_with("550 5.1.1 mailbox unavailable")
        report = deliver(app)
        assert report.dead == 1
        [row] = outbox_rows(app)
        assert row["state"] == "dead" and "550 5.1.1 mailbox unavailable" in row["last_error"]
        assert deliver(app, now() + timedelta(days=1)).sent == 0  # dead stays dead

        listed = monitor(config, sqlite_url, "outbox", "--json", "--state", "dead")
        assert listed.returncode == 0, listed.stderr
        [shown] = json.loads(listed.stdout)
        assert shown["id"] == row["id"] and shown["recipients"] == [ALICE]
        assert "550" in shown["last_error"]

        smtp.accept()
        retried = monitor(config, sqlite_url, "outbox", "retry", str(row["id"]))
        assert retried.returncode == 0, retried.stderr
        sent = monitor(config, sqlite_url, "notify", "--once")
        assert sent.returncode == 0, sent.stderr
        assert "sent 1" in sent.stdout
        [got] = smtp.wait_for(1)
        assert got.message["Message-ID"] == row["message_id"]
        [row] = outbox_rows(app)
        assert row["state"] == "delivered"
    finally:
        app.close()


def test_unknown_outbox_id_is_a_clear_error(tmp_path, smtp, sqlite_url):
    config, app = setup(tmp_path, smtp, sqlite_url)
    app.close()
    proc = monitor(config, sqlite_url, "outbox", "retry", "999")
    assert proc.returncode == 2
    assert "no outbox row with id 999" in proc.stderr
    proc = monitor(config, sqlite_url, "outbox", "retry", "x")
    assert proc.returncode == 2
    assert "'x' is not a valid integer" in proc.stderr


def test_a_digest_groups_the_changes_of_its_period(tmp_path, smtp, db_url):
    _, app = setup(tmp_path, smtp, db_url, DIGEST)
    try:
        positions = [
            correct(app).position,
            correct(app, "i4-coupe-na2", "confirmed").position,
            correct(app, CLAIM, "launched").position,
        ]
        rows = outbox_rows(app)
        [period] = {r["period"] for r in rows}
        due = parse_iso(rows[0]["next_attempt_at"])
        assert deliver(app, due - timedelta(seconds=1)).sent == 0  # not yet
        report = deliver(app, due + timedelta(seconds=1))
        assert report.sent == 1
        [got] = smtp.wait_for(1)
        msg = got.message
        assert got.rcpt_tos == [CAROL]
        assert msg["Subject"] == f"[monitor] digest {period}: 3 changes"
        assert msg["X-Monitor-Events"] == " ".join(map(str, positions))
        rows = outbox_rows(app)
        assert {r["state"] for r in rows} == {"delivered"}
        assert {r["message_id"] for r in rows} == {msg["Message-ID"]}
        assert deliver(app, due + timedelta(days=2)).sent == 0
    finally:
        app.close()


def test_a_crash_between_send_and_mark_resends_with_the_same_message_id(tmp_path, smtp, sqlite_url):
    config, app = setup(tmp_path, smtp, sqlite_url)
    try:
        correct(app)
        crashed = subprocess.run(
            [sys.executable, str(HERE / "crash_after_send.py"), str(config), sqlite_url],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "MONITOR_DATABASE_URL": ""},
        )
        assert crashed.returncode == 137, crashed.stderr
        [first] = smtp.wait_for(1)
        [row] = outbox_rows(app)
        assert row["state"] == "sending"  # accepted by the server, never marked
        # The worker that held the row is a dead process of this host: its lease is taken back
        # at once, and the message goes out again with the same Message-ID.
        report = deliver(app)
        assert report.sent == 1
        received = smtp.wait_for(2)
        assert len(received) == 2
        ids = {r.message["Message-ID"] for r in received}
        assert ids == {first.message["Message-ID"]} == {row["message_id"]}
        [row] = outbox_rows(app)
        assert row["state"] == "delivered"
        assert deliver(app, now() + timedelta(days=1)).sent == 0
        assert len(smtp.received) == 2
    finally:
        app.close()


def test_two_workers_at_once_send_each_message_once(tmp_path, smtp, db_url):
    config, app = setup(tmp_path, smtp, db_url)
    other = make_app(config, db_url)  # a second daemon: its own engine and connections
    try:
        statuses = ["approved", "confirmed", "launched", "revised", "in-production", "revealed"]
        for status in statuses:
            correct(app, CLAIM, status)
            correct(app, "i4-coupe-na2", status)
        expected = {r["message_id"] for r in outbox_rows(app)}
        assert len(expected) == 12
        start = threading.Barrier(2)
        reports: list[Any] = []

        def worker(a: App) -> None:
            start.wait()
            reports.append(deliver(a))

        threads = [threading.Thread(target=worker, args=(a,)) for a in (app, other)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert sum(r.sent for r in reports) == 12
        received = smtp.wait_for(12)
        assert len(received) == 12
        assert {r.message["Message-ID"] for r in received} == expected
        assert {r["state"] for r in outbox_rows(app)} == {"delivered"}
    finally:
        other.close()
        app.close()


def test_notify_loops_until_sigterm(tmp_path, smtp, sqlite_url):
    config = write_config(tmp_path, IMMEDIATE, smtp_port=smtp.port, delivery={"interval": 0.2})
    app = make_app(config, sqlite_url)
    try:
        proc = subprocess.Popen(
            [str(MONITOR), "--config", str(config), "--db", sqlite_url, "notify"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "MONITOR_DATABASE_URL": ""},
        )
        try:
            correct(app)  # appended while the daemon runs: its next pass sends it
            [got] = smtp.wait_for(1, timeout=20)
            assert got.rcpt_tos == [ALICE]
        finally:
            proc.send_signal(signal.SIGTERM)
            stdout, stderr = proc.communicate(timeout=20)
        assert proc.returncode == 0, stderr
        assert "sent 1" in stdout
        assert "stopped" in stderr
        assert [r["state"] for r in outbox_rows(app)] == ["delivered"]
    finally:
        app.close()


def crash_after_send(config: Path, url: str) -> subprocess.CompletedProcess:
    """One delivery pass whose transport dies right after the server accepted a message."""
    return subprocess.run(
        [sys.executable, str(HERE / "crash_after_send.py"), str(config), url],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "MONITOR_DATABASE_URL": ""},
    )


def _feed_failing(feed: str) -> Any:
    from monitor.domain import events as ev

    return ev.NewEvent(
        stream=ev.feed_stream(feed),
        type=ev.FEED_FAILING,
        data={"feed": feed, "url": f"https://{feed}.example/", "error": "HTTP 503", "failures": 3},
        occurred_at="2026-11-25T06:00:00Z",
        metadata={"cause": "poll"},
    )


def test_a_crash_after_sending_a_grouped_message(tmp_path, smtp, sqlite_url):
    """Two feed alerts go out as one message and the process dies before marking them. The
    resend of the same two carries the same Message-ID (a duplicate the client drops); had a
    third alert joined meanwhile, the id differs, so the new alert is not dropped with it."""
    config, app = setup(tmp_path, smtp, sqlite_url)
    try:
        app.store.append([_feed_failing("autocar")])
        app.store.append([_feed_failing("bmwblog")])
        crashed = crash_after_send(config, sqlite_url)
        assert crashed.returncode == 137, crashed.stderr
        [first] = smtp.wait_for(1)
        assert first.message["Subject"] == "[monitor] 2 feeds failing: autocar, bmwblog"
        assert {r["state"] for r in outbox_rows(app)} == {"sending"}
        assert deliver(app).sent == 1  # the same two, again: the same id
        second = smtp.wait_for(2)[1]
        assert second.message["Message-ID"] == first.message["Message-ID"]

        # the same crash, but a third alert is queued before the resend
        smtp.clear()
        app.store.append([_feed_failing("carmag")])
        app.store.append([_feed_failing("evnews")])
        crashed = crash_after_send(config, sqlite_url)
        assert crashed.returncode == 137, crashed.stderr
        [third] = smtp.wait_for(1)
        app.store.append([_feed_failing("autoblog")])
        assert deliver(app).sent == 1
        fourth = smtp.wait_for(2)[1]
        assert "autoblog" in fourth.message["Subject"] and "carmag" in fourth.message["Subject"]
        assert fourth.message["Message-ID"] != third.message["Message-ID"]
        assert {r["state"] for r in outbox_rows(app)} == {"delivered"}
    finally:
        app.close()


def test_the_database_failing_while_a_message_is_rendered_loses_nothing(world, smtp, monkeypatch):
    """A connection dropped while the message's events are read is the database's failure, not
    the message's: the row is not given up as dead, and the next pass sends it once."""
    from sqlalchemy.exc import OperationalError

    import monitor.notify.delivery as delivery
    from monitor.errors import StoreError

    _, app = world
    correct(app)
    real_feeds = delivery._feeds

    def dropped(_app: App) -> Any:
        raise OperationalError("SELECT feed_state", {}, Exception("server closed the connection"))

    monkeypatch.setattr(delivery, "_feeds", dropped)
    with pytest.raises(StoreError):
        deliver(app)
    [row] = outbox_rows(app)
    assert row["state"] != "dead"
    monkeypatch.setattr(delivery, "_feeds", real_feeds)
    report = deliver(app)
    assert (report.sent, report.dead) == (1, 0)
    smtp.wait_for(1)
    [row] = outbox_rows(app)
    assert row["state"] == "delivered"
    assert deliver(app, now() + timedelta(days=1)).sent == 0
    assert len(smtp.received) == 1
