"""The outbox: notifying events queue their messages in the appending transaction, and only then.

Against real SQLite files and PostgreSQL; `monitor` commands run through the real click group.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from monitor.app import App, bootstrap, init
from monitor.cli import cli
from monitor.config import load_settings
from monitor.domain import events as ev
from monitor.errors import ConfigError
from monitor.notify.outbox import OutboxProjector, check_subscriptions, parse_iso
from monitor.notify.render import _group_of, message_id_for
from monitor.notify.subscriptions import DigestSchedule
from monitor.services import claims as claim_service
from monitor.services.rebuild import rebuild_projections
from monitor.services.replay import fold_log
from monitor.store.tables import events as events_table
from monitor.store.tables import outbox

CLAIM = "i4-convertible-na3"  # "unapproved" in the shipped baseline
ALICE = "alice@example.org"
BOB = "Bob <bob@example.org>"
CAROL = "carol@example.org"

SUBSCRIPTIONS: list[dict[str, Any]] = [
    {"name": "all", "to": [ALICE]},
    {"name": "coupe", "to": [BOB], "claims": ["i4-coupe-na2"], "events": ["status"]},
    {
        "name": "morning",
        "to": [CAROL],
        "claims": ["i4-*"],
        "mode": "digest",
        "digest": {"at": "08:00", "timezone": "Europe/Berlin"},
    },
]


# ---- helpers shared with test_delivery ------------------------------------------------------


def _toml(value: Any) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)  # strings, numbers and lists of them are TOML as JSON writes them


def write_config(
    tmp_path: Path,
    subscriptions: Sequence[dict[str, Any]] = SUBSCRIPTIONS,
    *,
    smtp_port: int | None = None,
    delivery: dict[str, Any] | None = None,
) -> Path:
    """A monitor.toml in tmp_path: the mail goes to the test SMTP server (or a Maildir)."""
    lines = [
        "[mail]",
        f"maildir = {_toml(str(tmp_path / 'mail'))}",
        'from = "monitor <monitor@example.org>"',
        'list_id = "monitor.example.org"',
        'domain = "monitor.example.org"',
    ]
    if smtp_port is not None:
        lines += ["[smtp]", 'host = "127.0.0.1"', f"port = {smtp_port}", "timeout = 5"]
    if delivery:
        lines += ["[delivery]", *(f"{k} = {_toml(v)}" for k, v in delivery.items())]
    for sub in subscriptions:
        lines += ["[[subscriptions]]", *(f"{k} = {_toml(v)}" for k, v in sub.items())]
    path = tmp_path / "monitor.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def make_app(config: Path, db_url: str, *, baseline: bool = True) -> App:
    """The app as the CLI builds it, outbox projector included, database initialised."""
    settings = load_settings(config, db_url)
    app = bootstrap(settings, [OutboxProjector.from_settings(settings)])
    init(app, with_baseline=baseline)
    return app


def run_cli(config: Path, db_url: str, *args: str) -> Any:
    result = CliRunner().invoke(cli, ["--config", str(config), "--db", db_url, *args])
    return result


def outbox_rows(app: App) -> list[dict[str, Any]]:
    with app.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(outbox).order_by(outbox.c.id))]


def event_count(app: App) -> int:
    with app.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(events_table)).scalar_one()


def correct(app: App, claim: str = CLAIM, status: str = "approved") -> ev.RecordedEvent:
    return claim_service.correct(app, claim, status=status, value=None, reason="test")


def status_changed(claim: str, old: str, new: str, cause: str = "poll", **meta: Any) -> ev.NewEvent:
    return ev.NewEvent(
        stream=ev.claim_stream(claim),
        type=ev.CLAIM_STATUS_CHANGED,
        data={
            "claim": claim,
            "from": old,
            "to": new,
            "evidence": "BMW has signed off the i4 Convertible.",
            "report": {"key": f"r-{new}", "link": "https://news.example/i4"},
            "confidence": 0.9,
        },
        occurred_at="2026-11-25T06:00:00Z",
        metadata={"cause": cause, **meta},
    )


# ---- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path)


@pytest.fixture
def app(config: Path, db_url: str) -> Iterator[App]:
    app = make_app(config, db_url)
    yield app
    app.close()


# ---- queueing ---------------------------------------------------------------------------------


def test_monitor_correct_queues_one_row_per_matching_subscription(config, db_url, app):
    result = run_cli(config, db_url, "correct", CLAIM, "--status", "approved", "--reason", "seen")
    assert result.exit_code == 0, result.output
    [event] = [e for e in app.store.read() if e.type == ev.CLAIM_CORRECTED]
    rows = outbox_rows(app)
    assert [r["subscription"] for r in rows] == ["all", "morning"]  # not "coupe": other claim
    immediate, digest = rows
    assert immediate["event_position"] == digest["event_position"] == event.position
    assert immediate["state"] == digest["state"] == "pending"
    assert immediate["attempts"] == 0
    assert json.loads(immediate["recipients"]) == [ALICE]
    assert immediate["mode"] == "immediate" and immediate["period"] is None
    assert immediate["message_id"] == message_id_for(
        event, _group_of([ALICE]), "monitor.example.org"
    )
    recorded = parse_iso(event.recorded_at)
    assert parse_iso(immediate["next_attempt_at"]) == recorded  # due at once
    schedule = DigestSchedule(at=parse_iso("2000-01-01T08:00:00Z").time(), timezone="Europe/Berlin")
    assert digest["mode"] == "digest"
    assert digest["period"] == schedule.period_key(recorded)
    assert parse_iso(digest["next_attempt_at"]) == schedule.due_at(digest["period"])
    assert parse_iso(digest["next_attempt_at"]) > recorded


def test_a_failing_append_queues_nothing(app):
    before = event_count(app)
    with pytest.raises(RuntimeError), app.store.writer() as w:
        w.append([status_changed(CLAIM, "unapproved", "approved")])
        # inside the transaction the row is there, with the event...
        assert w.conn.execute(select(func.count()).select_from(outbox)).scalar_one() == 2
        raise RuntimeError("something after the append fails")
    # ...and the rollback took both away
    assert outbox_rows(app) == []
    assert event_count(app) == before
    correct(app)  # the store still works afterwards
    assert len(outbox_rows(app)) == 2


def test_replay_and_rebuild_queue_nothing(config, db_url, app):
    correct(app)
    correct(app, "i4-coupe-na2", "confirmed")
    before = outbox_rows(app)
    assert len(before) == 4  # all + morning for each; coupe hears of status changes only
    result = run_cli(config, db_url, "replay")
    assert result.exit_code == 0, result.output
    assert "projections rebuilt" in result.output
    rebuild_projections(app, fold_log(app.store))
    assert outbox_rows(app) == before


def test_import_queues_nothing(app, tmp_path):
    correct(app)
    assert len(outbox_rows(app)) == 2
    exported = list(app.store.read())
    other = make_app(
        tmp_path / "monitor.toml", f"sqlite:///{tmp_path / 'imported.db'}", baseline=False
    )
    try:
        assert other.store.import_recorded(exported) == len(exported)
        assert event_count(other) == len(exported)
        assert outbox_rows(other) == []
    finally:
        other.close()


def test_only_live_causes_notify(app):
    app.store.append([status_changed(CLAIM, "unapproved", "approved", cause="rediff")])
    app.store.append([status_changed(CLAIM, "approved", "confirmed", cause="baseline")])
    assert outbox_rows(app) == []
    # a rediff run with --notify asks for mail explicitly
    app.store.append([status_changed(CLAIM, "confirmed", "launched", "rediff", notify=True)])
    assert [r["subscription"] for r in outbox_rows(app)] == ["all", "morning"]


def test_suspicions_and_corroborations_never_notify(app):
    suspected = status_changed(CLAIM, "unapproved", "approved")
    suspected = ev.NewEvent(
        suspected.stream,
        ev.CHANGE_SUSPECTED,
        suspected.data,
        suspected.occurred_at,
        {"cause": "poll"},
    )
    app.store.append([suspected])
    assert outbox_rows(app) == []


def test_feed_events_ignore_the_claim_selector(app):
    failing = ev.NewEvent(
        stream=ev.feed_stream("autocar"),
        type=ev.FEED_FAILING,
        data={
            "feed": "autocar",
            "url": "https://autocar.example/rss",
            "error": "503",
            "failures": 3,
        },
        occurred_at="2026-11-25T06:00:00Z",
        metadata={"cause": "poll"},
    )
    app.store.append([failing])
    # "coupe" hears of status changes only; "morning" selects i4-* claims but feed events pass
    assert [r["subscription"] for r in outbox_rows(app)] == ["all", "morning"]


# ---- configuration mistakes ---------------------------------------------------------------------


def test_a_bad_address_is_reported_with_its_key_at_start(tmp_path, sqlite_url):
    good = write_config(tmp_path)
    app = make_app(good, sqlite_url)
    app.close()
    bad = write_config(tmp_path, [{"name": "x", "to": ["not an address"]}])
    app = bootstrap(load_settings(bad, sqlite_url))
    try:
        with pytest.raises(ConfigError, match=r"monitor\.toml: subscriptions\[0\]\.to\[0\]: "):
            check_subscriptions(app)
    finally:
        app.close()
    result = run_cli(bad, sqlite_url, "notify", "--once")
    assert result.exit_code == 2
    assert "subscriptions[0].to[0]" in result.output


def test_an_unknown_claim_fails_the_notifying_append_not_silently(tmp_path, sqlite_url):
    app = make_app(
        write_config(tmp_path, [{"name": "x", "to": [ALICE], "claims": ["i4-conv"]}]), sqlite_url
    )
    try:
        before = event_count(app)
        with pytest.raises(ConfigError, match=r"subscriptions\[0\]\.claims\[0\]: unknown claim"):
            correct(app)
        assert event_count(app) == before
        with pytest.raises(ConfigError, match="did you mean"):
            check_subscriptions(app)
    finally:
        app.close()
