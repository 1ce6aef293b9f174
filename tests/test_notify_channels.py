"""Webhooks and Apprise through the outbox: a real HTTP receiver on loopback, a real SMTP server,
real databases. The outbox's promises hold per destination: nothing lost while a receiver is
down, nothing sent twice once accepted, the same delivery id and body on every retry, back-off,
dead letters that `monitor outbox retry` brings back."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from smtp_server import SmtpTestServer, smtp_server_fixture
from test_outbox import ALICE, CLAIM, correct, make_app, outbox_rows, status_changed, write_config
from webhook_receiver import WebhookReceiver

from monitor.app import App
from monitor.config import load_settings
from monitor.domain import events as ev
from monitor.errors import ConfigError
from monitor.notify.channels import verify_signature
from monitor.notify.delivery import deliver_due, make_transport, retry
from monitor.notify.outbox import check_subscriptions, parse_iso

SECRET_ENV = "MONITOR_TEST_WEBHOOK_SECRET"
SECRET = "s3cret-for-tests"


@pytest.fixture
def smtp() -> Iterator[SmtpTestServer]:
    yield from smtp_server_fixture()


@pytest.fixture
def hook() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        yield receiver


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, SECRET)


def subscriptions(hook: WebhookReceiver, *, timeout: float = 5, **extra: Any) -> list[dict]:
    return [
        {
            "name": "desk",
            "to": [ALICE],
            "webhook": {"url": hook.url(), "secret_env": SECRET_ENV, "timeout": timeout},
            **extra,
        }
    ]


def setup(tmp_path: Path, db_url: str, subs: list[dict], smtp: SmtpTestServer) -> App:
    return make_app(write_config(tmp_path, subs, smtp_port=smtp.port), db_url)


def now() -> datetime:
    return datetime.now(UTC)


def deliver(app: App, at: datetime | None = None) -> Any:
    return deliver_due(app, make_transport(app.settings), at or now())


def by_channel(app: App, channel: str) -> list[dict[str, Any]]:
    return [r for r in outbox_rows(app) if r["channel"] == channel]


def test_a_change_is_posted_signed_with_its_delivery_id(tmp_path, db_url, smtp, hook):
    app = setup(tmp_path, db_url, subscriptions(hook), smtp)
    try:
        event = correct(app)
        report = deliver(app)
        assert (report.sent, report.retried, report.dead) == (2, 0, 0)  # the mail and the hook
        [got] = hook.wait_for(1)
        assert len(smtp.wait_for(1)) == 1
        [row] = by_channel(app, "webhook")
        assert row["state"] == "delivered"
        # signed: HMAC-SHA256 of the raw body under the secret, as the receiver checks it
        expected = "sha256=" + hmac.new(SECRET.encode(), got.body, hashlib.sha256).hexdigest()
        assert got.headers["x-monitor-signature"] == expected
        assert verify_signature(SECRET, got.body, got.headers["x-monitor-signature"])
        assert not verify_signature("wrong", got.body, got.headers["x-monitor-signature"])
        assert got.headers["content-type"] == "application/json"
        assert got.headers["x-monitor-delivery"] == row["message_id"].strip("<>")
        assert got.headers["idempotency-key"] == got.headers["x-monitor-delivery"]
        body = got.json()
        assert body["id"] == got.headers["x-monitor-delivery"]
        assert body["subscription"] == "desk" and body["kind"] == "claims"
        assert body["summary"] == "BMW i4 Convertible (NA3) corrected: unapproved → approved"
        [item] = body["items"]
        assert item["claim"] == CLAIM
        assert item["changes"] == [{"field": "Status", "old": "unapproved", "new": "approved"}]
        assert [e["position"] for e in body["events"]] == [event.position]
        assert body["events"][0]["hash"] == event.hash
        # delivered once: another pass posts nothing
        deliver(app, now() + timedelta(hours=1))
        assert len(hook.deliveries) == 1
    finally:
        app.close()


def test_one_report_is_one_post(tmp_path, db_url, smtp, hook):
    app = setup(tmp_path, db_url, subscriptions(hook), smtp)
    try:
        value = status_changed(CLAIM, "unapproved", "approved", correlation_id="report-7")
        value = ev.NewEvent(
            value.stream,
            ev.CLAIM_VALUE_CHANGED,
            {**value.data, "from": None, "to": "2027"},
            value.occurred_at,
            value.metadata,
        )
        app.store.append(
            [status_changed(CLAIM, "unapproved", "approved", correlation_id="report-7"), value]
        )
        deliver(app)
        [got] = hook.wait_for(1)
        [item] = got.json()["items"]  # one claim, one item with both changes
        assert [c["field"] for c in item["changes"]] == ["Status", "Value"]
        assert len(got.json()["events"]) == 2
        assert len(smtp.wait_for(1)) == 1
    finally:
        app.close()


def test_a_receiver_down_for_a_while_gets_it_later_once(tmp_path, db_url, smtp, hook):
    app = setup(tmp_path, db_url, subscriptions(hook), smtp)
    try:
        correct(app)
        hook.stop()
        start = now()
        first = deliver(app, start)
        # the mail is not held up by the webhook, and the webhook waits with back-off
        assert first.sent == 1 and first.retried == 1
        assert len(smtp.wait_for(1)) == 1
        [row] = by_channel(app, "webhook")
        assert row["state"] == "pending" and row["attempts"] == 1
        assert "ConnectError" in row["last_error"]
        assert parse_iso(row["next_attempt_at"]) > start
        # still down at the next attempt: later again, later than before (exponential)
        second_at = parse_iso(row["next_attempt_at"])
        deliver(app, second_at)
        [row] = by_channel(app, "webhook")
        assert row["attempts"] == 2
        assert parse_iso(row["next_attempt_at"]) - second_at > (second_at - start) * 1.2
        # nothing is due before then
        assert deliver(app, second_at + timedelta(seconds=1)).retried == 0
        hook.start()
        done = deliver(app, parse_iso(row["next_attempt_at"]))
        assert done.sent == 1
        [got] = hook.wait_for(1)
        assert len(hook.deliveries) == 1 and len(smtp.received) == 1
        [row] = by_channel(app, "webhook")
        assert row["state"] == "delivered"
        assert got.headers["x-monitor-delivery"] == row["message_id"].strip("<>")
    finally:
        app.close()


def test_a_slow_receiver_is_retried_with_the_same_body_and_id(tmp_path, db_url, smtp, hook):
    app = setup(tmp_path, db_url, subscriptions(hook, timeout=0.5), smtp)
    try:
        correct(app)
        hook.answer(200, latency=1.5)  # it will process the request, but too late for us
        start = now()
        first = deliver(app, start)
        assert first.retried == 1
        [row] = by_channel(app, "webhook")
        assert row["state"] == "pending" and "no answer within 0.5s" in row["last_error"]
        hook.answer(200, latency=0.2)  # slow, but within the timeout
        assert deliver(app, parse_iso(row["next_attempt_at"])).sent == 1
        one, two = hook.wait_for(2)
        # the retry is byte for byte the first attempt: a receiver drops it by its id
        assert one.body == two.body
        assert one.headers["x-monitor-delivery"] == two.headers["x-monitor-delivery"]
        assert one.headers["x-monitor-signature"] == two.headers["x-monitor-signature"]
        [row] = by_channel(app, "webhook")
        assert row["state"] == "delivered" and row["attempts"] == 2
    finally:
        app.close()


def test_a_refusal_is_a_dead_letter_until_retried(tmp_path, db_url, smtp, hook):
    app = setup(tmp_path, db_url, subscriptions(hook), smtp)
    try:
        correct(app)
        hook.answer(410)
        report = deliver(app)
        assert report.dead == 1 and report.sent == 1  # the mail went; the hook is dead
        [row] = by_channel(app, "webhook")
        assert row["state"] == "dead" and "HTTP 410" in row["last_error"]
        assert deliver(app, now() + timedelta(days=1)).sent == 0  # dead stays dead
        hook.answer(200)
        assert retry(app, row["id"], now()) == 1
        assert deliver(app).sent == 1
        assert len(hook.deliveries) == 2
        assert by_channel(app, "webhook")[0]["state"] == "delivered"
    finally:
        app.close()


def test_retry_after_is_honoured(tmp_path, db_url, smtp, hook):
    app = setup(tmp_path, db_url, subscriptions(hook), smtp)
    try:
        correct(app)
        hook.answer(503, retry_after="900")
        start = now()
        assert deliver(app, start).retried == 1
        [row] = by_channel(app, "webhook")
        assert parse_iso(row["next_attempt_at"]) >= start + timedelta(seconds=900)
    finally:
        app.close()


# ---- Apprise ----------------------------------------------------------------------------------


def test_apprise_json_reaches_a_local_receiver(tmp_path, db_url, smtp, hook):
    url = f"json://{hook.host}:{hook.port}/apprise"
    subs = [{"name": "chat", "to": [ALICE], "apprise": [url]}]
    app = setup(tmp_path, db_url, subs, smtp)
    try:
        correct(app)
        [row] = by_channel(app, "apprise")
        assert url not in json.dumps(row)  # the URL (often a token) is not stored
        hook.stop()
        first = deliver(app)
        assert first.retried == 1 and first.sent == 1  # the mail went; Apprise waits
        [row] = by_channel(app, "apprise")
        assert row["state"] == "pending"
        hook.start()
        assert deliver(app, parse_iso(row["next_attempt_at"])).sent == 1
        [got] = hook.wait_for(1)
        assert got.path == "/apprise"
        body = got.json()
        assert body["title"] == "BMW i4 Convertible (NA3) corrected: unapproved → approved"
        assert "Status: unapproved → approved" in body["message"]
        assert by_channel(app, "apprise")[0]["state"] == "delivered"
    finally:
        app.close()


# ---- configuration ------------------------------------------------------------------------------


def check(tmp_path: Path, subs: list[dict], db_url: str) -> None:
    config = write_config(tmp_path, subs)
    app = make_app(config, db_url)
    try:
        check_subscriptions(app)
    finally:
        app.close()


@pytest.mark.parametrize(
    ("sub", "key"),
    [
        ({"apprise": ["nosuchservice://x"]}, "subscriptions[0].apprise[0]"),
        ({"apprise": ["not a url"]}, "subscriptions[0].apprise[0]"),
        ({"webhook": {"url": "ftp://x.example/", "secret_env": "X"}}, "webhook.url"),
        ({"webhook": {"url": "https://x.example/"}}, "secret_env"),
        (
            {"webhook": {"url": "https://x.example/", "secret_env": "NOT_SET_ANYWHERE"}},
            "subscriptions[0].webhook.secret_env",
        ),
    ],
)
def test_bad_channel_config_names_the_key(tmp_path, sqlite_url, sub, key):
    with pytest.raises(ConfigError) as err:
        check(tmp_path, [{"name": "x", **sub}], sqlite_url)
    assert key in str(err.value)
    assert "monitor.toml" in str(err.value)


def test_a_subscription_may_have_no_email(tmp_path, sqlite_url, hook):
    subs = [{"name": "bot", "webhook": {"url": hook.url(), "secret_env": SECRET_ENV}}]
    config = write_config(tmp_path, subs)
    settings = load_settings(config, sqlite_url)
    app = make_app(config, sqlite_url)
    try:
        check_subscriptions(app)
        correct(app)
        assert [r["channel"] for r in outbox_rows(app)] == ["webhook"]
        assert deliver(app).sent == 1
        assert hook.wait_for(1)
    finally:
        app.close()
    assert settings.subscriptions[0]["name"] == "bot"


# ---- upgrading a database with messages still queued --------------------------------------------


def test_rows_queued_before_the_upgrade_are_sent_one_per_recipient(tmp_path, db_url, smtp):
    """A 0001 database with a pending row for two recipients: after `monitor init` migrates it,
    the row is sent, and each recipient gets their own message (the list stays private)."""
    from alembic import command
    from sqlalchemy import text

    from monitor.app import bootstrap, init
    from monitor.store.migrate import _config, head_revision

    subs = [{"name": "pair", "to": [ALICE, "carol@example.org"]}]
    config = write_config(tmp_path, subs, smtp_port=smtp.port)
    settings = load_settings(config, db_url)
    plain = bootstrap(settings, [])  # no outbox projector: we queue the row as 0001 did
    try:
        init(plain)
        event = correct(plain)  # at head: this code's claims tables are not 0001's
        command.downgrade(_config(plain.engine), "0001")
        with plain.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO outbox (event_position, subscription, recipients, mode,"
                    " message_id, state, attempts, next_attempt_at, created_at) VALUES"
                    " (:pos, 'pair', :to, 'immediate', '<old@monitor.example.org>', 'pending',"
                    " 0, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')"
                ),
                {"pos": event.position, "to": json.dumps([ALICE, "carol@example.org"])},
            )
    finally:
        plain.close()
    app = make_app(config, db_url)  # init: migrates to head
    try:
        with app.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
                head_revision()
            )
        [row] = outbox_rows(app)
        assert row["channel"] == "email" and row["batch"] is None
        assert deliver(app).sent == 1
        got = smtp.wait_for(2)
        assert sorted(r.rcpt_tos for r in got) == [[ALICE], ["carol@example.org"]]
        for r in got:
            assert r.message["Message-ID"] == "<old@monitor.example.org>"
            assert [a.addr_spec for a in r.message["To"].addresses] == r.rcpt_tos
        assert outbox_rows(app)[0]["state"] == "delivered"
    finally:
        app.close()
