"""`monitor doctor` run as a person runs it: a subprocess against real servers on loopback.

Every scenario gets its own folder, config and SQLite file; the SMTP server is aiosmtpd and the
feed a local HTTP server, so nothing here leaves the machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from feeds_server import RSS_HEADERS, FeedServer, Item, rss
from smtp_server import SmtpTestServer, free_port, smtp_server_fixture

REPO = Path(__file__).resolve().parents[1]
FEED = rss([Item("g1", "BMW news", "The iX3 is in production.", "http://example.invalid/1")])


@pytest.fixture
def smtp() -> Iterator[SmtpTestServer]:
    yield from smtp_server_fixture()


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        server.set("/feed.xml", FEED, RSS_HEADERS)
        yield server


def write_config(folder: Path, feed_url: str, smtp: tuple[str, int] | None) -> Path:
    lines = [
        "[polling]",
        "host_gap = 0",
        "",
        "[[feeds]]",
        'id = "local"',
        f'url = "{feed_url}"',
        "",
        "[[subscriptions]]",
        'name = "team"',
        'to = ["team@example.org"]',
        'claims = ["*"]',
    ]
    if smtp is not None:
        lines += ["", "[smtp]", f'host = "{smtp[0]}"', f"port = {smtp[1]}", "timeout = 5"]
    path = folder / "monitor.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def monitor(folder: Path, *args: str, env: dict[str, str] | None = None):
    """`monitor ARGS` in `folder`, with none of the caller's MONITOR_* settings leaking in."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    clean["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), clean.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "monitor.cli", *args],
        cwd=folder,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def doctor_json(folder: Path, *args: str, env: dict[str, str] | None = None):
    proc = monitor(folder, "doctor", "--json", "--timeout", "5", *args, env=env)
    assert proc.stdout, proc.stderr
    report = json.loads(proc.stdout)
    return proc.returncode, report, {c["name"]: c for c in report["checks"]}


def initialised(folder: Path) -> None:
    proc = monitor(folder, "init")
    assert proc.returncode == 0, proc.stderr


def statuses(checks: dict[str, dict[str, Any]]) -> dict[str, str]:
    return {name: c["status"] for name, c in checks.items()}


def test_a_healthy_installation_passes_every_check_and_exits_0(
    tmp_path: Path, smtp: SmtpTestServer, feeds: FeedServer
) -> None:
    write_config(tmp_path, feeds.url("/feed.xml"), (smtp.host, smtp.port))
    initialised(tmp_path)

    code, report, checks = doctor_json(tmp_path, "--verify")

    assert code == 0, report
    assert report["ok"] is True
    assert statuses(checks) == {
        "config": "ok",
        "database": "ok",
        "subscriptions": "ok",
        "log": "ok",
        "smtp": "ok",
        "web": "ok",
        "feed local": "ok",
    }
    assert checks["config"]["details"]["path"] == str((tmp_path / "monitor.toml").resolve())
    assert checks["database"]["details"]["events"] > 0
    assert checks["database"]["details"]["head_position"] == checks["database"]["details"]["events"]
    assert checks["feed local"]["details"]["status"] == 200
    assert checks["feed local"]["details"]["entries"] == 1
    assert feeds.requests_for("/feed.xml"), "the feed was really fetched"
    assert smtp.received == [], "doctor says EHLO and QUIT; it sends nothing"


def test_the_text_report_says_all_checks_passed(
    tmp_path: Path, smtp: SmtpTestServer, feeds: FeedServer
) -> None:
    write_config(tmp_path, feeds.url("/feed.xml"), (smtp.host, smtp.port))
    initialised(tmp_path)

    proc = monitor(tmp_path, "doctor")

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "all 6 checks passed" in proc.stdout
    assert f"{smtp.host}:{smtp.port} answers EHLO" in proc.stdout


def test_smtp_host_and_port_from_the_environment_are_the_ones_checked(
    tmp_path: Path, smtp: SmtpTestServer, feeds: FeedServer
) -> None:
    write_config(tmp_path, feeds.url("/feed.xml"), None)
    initialised(tmp_path)
    env = {"MONITOR_SMTP_HOST": smtp.host, "MONITOR_SMTP_PORT": str(smtp.port)}

    code, _, checks = doctor_json(tmp_path, "--quick", env=env)

    assert code == 0
    assert checks["smtp"]["details"] == {
        "host": smtp.host,
        "port": smtp.port,
        "extensions": checks["smtp"]["details"]["extensions"],
    }
    assert checks["config"]["details"]["environment"] == ["MONITOR_SMTP_HOST", "MONITOR_SMTP_PORT"]


def test_an_smtp_port_that_refuses_fails_with_a_hint_and_exit_1(
    tmp_path: Path, feeds: FeedServer
) -> None:
    port = free_port()  # nothing listens there
    write_config(tmp_path, feeds.url("/feed.xml"), ("127.0.0.1", port))
    initialised(tmp_path)

    code, report, checks = doctor_json(tmp_path)

    assert code == 1
    assert report["ok"] is False
    assert checks["smtp"]["status"] == "fail"
    assert checks["smtp"]["summary"] == f"127.0.0.1:{port} refused the connection"
    assert "MONITOR_SMTP_HOST" in checks["smtp"]["hint"]
    assert checks["database"]["status"] == "ok"
    assert checks["feed local"]["status"] == "ok"

    text = monitor(tmp_path, "doctor", "--quick")
    assert text.returncode == 1
    assert "FAIL  smtp" in text.stdout
    assert "fix: is the SMTP server running" in text.stdout
    assert "1 of 6 checks failed: smtp" in text.stdout


def test_a_feed_that_404s_fails_with_a_hint_and_exit_1(
    tmp_path: Path, smtp: SmtpTestServer, feeds: FeedServer
) -> None:
    write_config(tmp_path, feeds.url("/moved.xml"), (smtp.host, smtp.port))
    initialised(tmp_path)

    code, _, checks = doctor_json(tmp_path)

    assert code == 1
    feed = checks["feed local"]
    assert feed["status"] == "fail"
    assert feed["summary"] == f"{feeds.url('/moved.xml')}: HTTP 404 Not Found"
    assert "find its new address" in feed["hint"]
    assert feed["details"]["status"] == 404
    assert checks["smtp"]["status"] == "ok"


def test_a_page_that_is_not_a_feed_fails(
    tmp_path: Path, smtp: SmtpTestServer, feeds: FeedServer
) -> None:
    feeds.set("/page.html", "<html><body>hello</body></html>", {"Content-Type": "text/html"})
    write_config(tmp_path, feeds.url("/page.html"), (smtp.host, smtp.port))
    initialised(tmp_path)

    code, _, checks = doctor_json(tmp_path)

    assert code == 1
    assert "not with a feed" in checks["feed local"]["summary"]
    assert "RSS or Atom" in checks["feed local"]["hint"]


def test_quick_skips_the_feeds(tmp_path: Path, smtp: SmtpTestServer) -> None:
    write_config(tmp_path, "http://127.0.0.1:9/never-fetched.xml", (smtp.host, smtp.port))
    initialised(tmp_path)

    code, _, checks = doctor_json(tmp_path, "--quick")

    assert code == 0
    assert checks["feeds"]["status"] == "skip"
    assert not any(name.startswith("feed ") for name in checks)


def test_an_uninitialised_database_fails_says_run_init_and_is_not_created(
    tmp_path: Path, smtp: SmtpTestServer, feeds: FeedServer
) -> None:
    write_config(tmp_path, feeds.url("/feed.xml"), (smtp.host, smtp.port))

    code, _, checks = doctor_json(tmp_path)

    assert code == 1
    db = checks["database"]
    assert db["status"] == "fail"
    assert db["summary"] == f"database file {(tmp_path / 'monitor.db').resolve()} does not exist"
    assert "`monitor init`" in db["hint"]
    assert not (tmp_path / "monitor.db").exists(), "doctor must not create the database"
    # what can be checked without the database still is
    assert checks["smtp"]["status"] == "ok"
    assert checks["feed local"]["status"] == "ok"
    assert "subscriptions" not in checks


def test_a_database_without_the_schema_fails_and_says_run_init(
    tmp_path: Path, smtp: SmtpTestServer
) -> None:
    import sqlite3

    write_config(tmp_path, "http://127.0.0.1:9/feed.xml", (smtp.host, smtp.port))
    sqlite3.connect(tmp_path / "other.db").execute("CREATE TABLE t (x)").connection.close()

    code, _, checks = doctor_json(
        tmp_path, "--quick", env={"MONITOR_DATABASE_URL": "sqlite:///other.db"}
    )

    assert code == 1
    assert checks["database"]["summary"] == (
        "sqlite:///other.db is reachable but has no monitor schema (no events table)"
    )
    assert "`monitor init`" in checks["database"]["hint"]
    assert checks["config"]["details"]["database_from"] == "MONITOR_DATABASE_URL"


def test_an_unreachable_postgres_fails_within_the_timeout(tmp_path: Path) -> None:
    port = free_port()
    url = f"postgresql://monitor:secret@127.0.0.1:{port}/monitor"

    code, _, checks = doctor_json(tmp_path, "--quick", env={"MONITOR_DATABASE_URL": url})

    assert code == 1
    db = checks["database"]
    assert db["summary"].startswith(f"cannot connect to postgresql://monitor:***@127.0.0.1:{port}")
    assert "secret" not in json.dumps(checks)
    assert "MONITOR_DATABASE_URL" in db["hint"]


def test_an_invalid_config_fails_and_skips_the_rest(tmp_path: Path) -> None:
    (tmp_path / "monitor.toml").write_text('[smtp]\nport = "25"\n', encoding="utf-8")

    code, _, checks = doctor_json(tmp_path)

    assert code == 1
    assert checks["config"]["status"] == "fail"
    assert "monitor.toml" in checks["config"]["summary"]
    assert "monitor.toml.example" in checks["config"]["hint"]
    assert statuses(checks) == {
        "config": "fail",
        "database": "skip",
        "mail": "skip",
        "feeds": "skip",
    }


def test_a_missing_config_named_by_monitor_config_fails(tmp_path: Path) -> None:
    code, _, checks = doctor_json(tmp_path, env={"MONITOR_CONFIG": str(tmp_path / "nowhere.toml")})

    assert code == 1
    assert checks["config"]["summary"] == f"{tmp_path / 'nowhere.toml'}: config file not found"
    assert checks["config"]["details"]["source"] == f"MONITOR_CONFIG={tmp_path / 'nowhere.toml'}"


def test_without_smtp_the_maildir_must_be_writable(tmp_path: Path) -> None:
    write_config(tmp_path, "http://127.0.0.1:9/feed.xml", None)
    initialised(tmp_path)

    code, _, checks = doctor_json(tmp_path, "--quick")
    assert code == 0
    assert checks["mail"]["status"] == "ok"
    assert str((tmp_path / "mail").resolve()) in checks["mail"]["summary"]

    (tmp_path / "mail").write_text("not a folder", encoding="utf-8")
    code, _, checks = doctor_json(tmp_path, "--quick")
    assert code == 1
    assert checks["mail"]["summary"].endswith("exists but is not a folder")


def test_a_subscription_naming_an_unknown_claim_fails(tmp_path: Path, smtp: SmtpTestServer) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9/feed.xml", (smtp.host, smtp.port))
    config.write_text(
        config.read_text(encoding="utf-8").replace('claims = ["*"]', 'claims = ["no-such-claim"]'),
        encoding="utf-8",
    )
    initialised(tmp_path)

    code, _, checks = doctor_json(tmp_path, "--quick")

    assert code == 1
    assert checks["subscriptions"]["status"] == "fail"
    assert "no-such-claim" in checks["subscriptions"]["summary"]


@pytest.mark.postgres
def test_a_healthy_postgres_database_passes(
    tmp_path: Path, postgres_url: str, smtp: SmtpTestServer
) -> None:
    write_config(tmp_path, "http://127.0.0.1:9/feed.xml", (smtp.host, smtp.port))
    env = {"MONITOR_DATABASE_URL": postgres_url}

    code, _, checks = doctor_json(tmp_path, "--quick", env=env)
    assert code == 1
    assert "no monitor schema" in checks["database"]["summary"]

    assert monitor(tmp_path, "init", env=env).returncode == 0
    code, _, checks = doctor_json(tmp_path, "--quick", "--verify", env=env)
    assert code == 0, checks
    assert checks["database"]["details"]["events"] > 0
    assert checks["log"]["status"] == "ok"
