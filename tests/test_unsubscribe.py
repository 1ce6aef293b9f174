"""Unsubscribing, end to end: the signed link in a delivered mail, a real `monitor serve`
answering the mail client's one-click POST, the event in the log, and the outbox that then
leaves the address out, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import delete, func, select
from web_support import free_port, serving

from monitor.app import App, bootstrap, init
from monitor.cli import cli
from monitor.config import load_settings
from monitor.domain import events as ev
from monitor.notify.unsubscribe import signing_key
from monitor.services import claims as claim_service
from monitor.store.tables import events as events_table
from monitor.store.tables import outbox, unsubscribed
from monitor.wiring import extra_projectors

CLAIM = "i4-convertible-na3"  # "unapproved" in the shipped baseline
ALICE = "alice@example.org"
BOB = "bob@example.org"


def write_config(tmp_path: Path, db_url: str, port: int) -> Path:
    """Mail to a Maildir; subscription "desk" to Alice and Bob; links to the web server."""
    path = tmp_path / "monitor.toml"
    path.write_text(
        f"""
[database]
url = "{db_url}"

[mail]
maildir = "{tmp_path / "mail"}"
from = "monitor <monitor@example.org>"
list_id = "monitor.example.org"
domain = "monitor.example.org"

[web]
base_url = "http://127.0.0.1:{port}"

[[subscriptions]]
name = "desk"
to = ["Alice <{ALICE}>", "{BOB}"]
""",
        encoding="utf-8",
    )
    return path


def make_app(config: Path, db_url: str) -> App:
    """The app as the CLI builds it (every projector), database initialised."""
    settings = load_settings(config, db_url)
    app = bootstrap(settings, extra_projectors(settings))
    init(app)
    return app


@pytest.fixture
def site(tmp_path: Path, db_url: str) -> Iterator[tuple[Path, App, int]]:
    port = free_port()
    config = write_config(tmp_path, db_url, port)
    app = make_app(config, db_url)
    yield config, app, port
    app.close()


def run_cli(config: Path, db_url: str, *args: str) -> Any:
    return CliRunner().invoke(cli, ["--config", str(config), "--db", db_url, *args])


def event_count(app: App) -> int:
    with app.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(events_table)).scalar_one()


def outbox_rows(app: App) -> list[dict[str, Any]]:
    with app.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(outbox).order_by(outbox.c.id))]


def correct(app: App, status: str) -> ev.RecordedEvent:
    return claim_service.correct(app, CLAIM, status=status, value=None, reason="test")


def delivered(tmp_path: Path) -> list[EmailMessage]:
    box = mailbox.Maildir(tmp_path / "mail", factory=None, create=False)
    return [message_from_bytes(m.as_bytes(), policy=policy.default) for m in box]


def one_click_url(msg: EmailMessage) -> str:
    header = str(msg["List-Unsubscribe"])
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    return header.split(",")[0].strip().strip("<>")


def rows_of(app: App, position: int) -> list[dict[str, Any]]:
    return [r for r in outbox_rows(app) if r["event_position"] == position]


def test_one_click_from_a_delivered_mail_stops_that_address_only(site, tmp_path, db_url):
    config, app, port = site
    first = correct(app, "approved")
    assert sorted(r["target"] for r in rows_of(app, first.position)) == [ALICE, BOB]
    sent = run_cli(config, db_url, "notify", "--once")
    assert sent.exit_code == 0, sent.output
    [to_alice] = [m for m in delivered(tmp_path) if ALICE in str(m["To"])]
    url = one_click_url(to_alice)
    assert url.startswith(f"http://127.0.0.1:{port}/unsubscribe?subscription=desk&to=alice")
    assert "&sig=" in url

    # a server without a write token: the signature alone authorises this one write
    with serving(tmp_path, config, token=None, port=port):
        before = event_count(app)
        # a forged signature (a valid one for another address) is refused, nothing written
        forged = url.replace("alice%40example.org", "bob%40example.org")
        for bad in (forged, url[:-1] + ("0" if url[-1] != "0" else "1")):
            resp = httpx.post(bad, data={"List-Unsubscribe": "One-Click"})
            assert resp.status_code == 403
            assert "signature does not match" in resp.text
            assert httpx.get(bad).status_code == 403
        resp = httpx.post(url.split("&sig=")[0], data={"List-Unsubscribe": "One-Click"})
        assert resp.status_code == 400 and "incomplete" in resp.text
        assert event_count(app) == before

        # GET shows a confirmation page and writes nothing (link scanners open links)
        page = httpx.get(url)
        assert page.status_code == 200
        assert 'id="unsubscribe-form"' in page.text and ALICE in page.text
        assert "Read-only" not in page.text
        assert event_count(app) == before

        # the mail client's RFC 8058 one-click POST to the exact URL from the header
        resp = httpx.post(
            url,
            content=b"List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert resp.status_code == 200, resp.text
        assert "Done" in resp.text
        assert event_count(app) == before + 1
        last = list(app.store.read(before))[-1]
        assert last.type == ev.RECIPIENT_UNSUBSCRIBED
        assert last.stream == ev.recipient_stream(ALICE)
        assert last.data["subscription"] == "desk"
        assert last.data["address"] == ALICE
        assert last.data["via"] == "one-click"
        # a second POST (clients retry) records nothing more
        again = httpx.post(url, data={"List-Unsubscribe": "One-Click"})
        assert again.status_code == 200 and "already unsubscribed" in again.text
        assert event_count(app) == before + 1
        assert "already unsubscribed" in httpx.get(url).text

    # the next change: Bob still gets it, Alice does not
    second = correct(app, "confirmed")
    assert [r["target"] for r in rows_of(app, second.position)] == [BOB]

    # replay rebuilds the read model from the log
    with app.engine.begin() as conn:
        conn.execute(delete(unsubscribed))
    replayed = run_cli(config, db_url, "replay", "--verify")
    assert replayed.exit_code == 0, replayed.output
    assert "verify: ok" in replayed.output
    with app.engine.connect() as conn:
        rows = [
            tuple(r)
            for r in conn.execute(select(unsubscribed.c.subscription, unsubscribed.c.address))
        ]
    assert rows == [("desk", ALICE)]
    third = correct(app, "launched")
    assert [r["target"] for r in rows_of(app, third.position)] == [BOB]

    # resubscribe restores delivery
    back = run_cli(config, db_url, "resubscribe", ALICE, "--subscription", "desk")
    assert back.exit_code == 0, back.output
    assert "RecipientResubscribed" in back.output
    fourth = correct(app, "in-production")
    assert sorted(r["target"] for r in rows_of(app, fourth.position)) == [ALICE, BOB]


def test_the_confirmation_page_button_records_via_page(site, tmp_path, db_url):
    config, app, port = site
    correct(app, "approved")
    assert run_cli(config, db_url, "notify", "--once").exit_code == 0
    [to_bob] = [m for m in delivered(tmp_path) if BOB in str(m["To"])]
    url = one_click_url(to_bob)
    with serving(tmp_path, config, token=None, port=port):
        page = httpx.get(url)
        assert page.status_code == 200
        # the form posts back to the same signed URL
        action = page.text.split('action="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
        resp = httpx.post(f"http://127.0.0.1:{port}{action}", data={"confirm": "yes"})
        assert resp.status_code == 200 and "Done" in resp.text
    last = list(app.store.read())[-1]
    assert (last.type, last.data["address"], last.data["via"]) == (
        ev.RECIPIENT_UNSUBSCRIBED,
        BOB,
        "page",
    )


def test_cli_unsubscribe_cancels_pending_rows_and_is_idempotent(site, db_url):
    config, app, _ = site
    change = correct(app, "approved")
    result = run_cli(config, db_url, "unsubscribe", "Alice <ALICE@example.org>")
    assert result.exit_code == 0, result.output
    assert "RecipientUnsubscribed" in result.output
    by_target = {r["target"]: r for r in rows_of(app, change.position)}
    assert by_target[ALICE]["state"] == "dead"
    assert "cancelled: the recipient unsubscribed" in by_target[ALICE]["last_error"]
    assert by_target[BOB]["state"] == "pending"
    again = run_cli(config, db_url, "unsubscribe", ALICE)
    assert again.exit_code == 0 and "already unsubscribed" in again.output
    listed = run_cli(config, db_url, "unsubscribed", "--json")
    assert (
        '"address": "alice@example.org"' in listed.output and '"subscription": "*"' in listed.output
    )
    # '*' covers every subscription: a named resubscribe does not undo it, and says why
    named = run_cli(config, db_url, "resubscribe", ALICE, "--subscription", "desk")
    assert named.exit_code == 0 and "left every subscription" in named.output
    unknown = run_cli(config, db_url, "unsubscribe", ALICE, "--subscription", "nope")
    assert unknown.exit_code != 0 and "no subscription named 'nope'" in unknown.output
    nxt = correct(app, "confirmed")
    assert [r["target"] for r in rows_of(app, nxt.position)] == [BOB]
    assert run_cli(config, db_url, "resubscribe", ALICE).exit_code == 0
    last = correct(app, "launched")
    assert sorted(r["target"] for r in rows_of(app, last.position)) == [ALICE, BOB]
    with app.engine.connect() as conn:
        states = {r.state for r in conn.execute(select(outbox.c.state))}
    assert "dead" in states  # the cancelled row stays cancelled


def test_the_signing_key_is_made_once_per_database_and_kept(site):
    _, app, _ = site
    key = signing_key(app.engine)
    assert len(key) == 32
    assert signing_key(app.engine) == key
    app.engine.dispose()
    assert signing_key(app.engine) == key  # a new connection (a restart) reads the same


def test_export_and_import_carry_the_events_and_rebuild_the_read_model(site, tmp_path, db_url):
    config, app, _ = site
    assert run_cli(config, db_url, "unsubscribe", BOB, "--subscription", "desk").exit_code == 0
    export = tmp_path / "log.jsonl"
    assert run_cli(config, db_url, "export", str(export)).exit_code == 0
    other = f"sqlite:///{tmp_path / 'other.db'}"
    imported = run_cli(config, other, "import", str(export))
    assert imported.exit_code == 0, imported.output
    listed = run_cli(config, other, "unsubscribed")
    assert "bob@example.org  desk  via cli" in listed.output
