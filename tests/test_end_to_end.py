"""The whole path as a user runs it: `monitor run --once` polls a feed served on loopback, the
detector sees a change, and one email reaches a real SMTP server."""

from __future__ import annotations

import email
import email.policy
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_support import run_monitor
from feeds_server import FeedServer
from smtp_server import SmtpTestServer, smtp_server_fixture

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Auto news</title><link>https://news.example.com/</link>
<description>cars</description>
{items}
</channel></rss>"""
ITEM = """<item><guid>{guid}</guid><title>{title}</title><link>https://news.example.com/{guid}</link>
<pubDate>Tue, 03 Mar 2026 09:00:00 GMT</pubDate><description>{text}</description></item>"""

APPROVAL = ITEM.format(
    guid="a1",
    title="BMW signs off the electric i4 Convertible",
    text="BMW has officially approved the i4 Convertible for production, the company said "
    "on Tuesday. The open-top four-seater joins the two-door i4 Coupe.",
)
UNRELATED = ITEM.format(
    guid="a2",
    title="Audi Q6 e-tron gets a new battery",
    text="Audi has approved a larger battery for its Q6 e-tron, which goes on sale in spring.",
)


@pytest.fixture
def smtp() -> Iterator[SmtpTestServer]:
    yield from smtp_server_fixture()


@pytest.fixture
def feed() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        yield srv


def monitor(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return run_monitor(cwd, *args)


def write_config(tmp_path: Path, feed_url: str, smtp_port: int) -> Path:
    config = tmp_path / "monitor.toml"
    config.write_text(f"""
[polling]
host_gap = 0

[[feeds]]
id = "autonews"
name = "Auto news"
url = "{feed_url}"

[smtp]
host = "127.0.0.1"
port = {smtp_port}
from = "monitor@example.org"

[mail]
domain = "monitor.example.org"

[[subscriptions]]
name = "analyst"
to = ["analyst@example.org"]
claims = ["i4-*"]
""")
    return config


def test_a_change_seen_by_polling_ends_as_one_email(tmp_path, smtp, feed):
    feed.set(
        "/rss",
        RSS.format(items=APPROVAL + UNRELATED).encode(),
        {"Content-Type": "application/rss+xml", "ETag": '"v1"'},
    )
    write_config(tmp_path, feed.url("/rss"), smtp.port)

    first = monitor(tmp_path, "run", "--once", "--json")
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert summary["totals"]["new"] == 2 and summary["totals"]["changes"] == 1

    [got] = smtp.wait_for(1)
    msg = email.message_from_bytes(got.message.as_bytes(), policy=email.policy.default)
    assert got.rcpt_tos == ["analyst@example.org"]
    assert "BMW i4 Convertible (NA3): unapproved → approved" in msg["Subject"]
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg.get_content_type() == "multipart/alternative"
    history = monitor(tmp_path, "history", "i4-convertible-na3", "--json")
    events = [json.loads(line) for line in history.stdout.splitlines()]
    assert [e["type"] for e in events] == ["ClaimAsserted", "ClaimStatusChanged"]
    evidence = events[1]["data"]["evidence"]
    assert "i4 Convertible" in evidence
    assert events[1]["data"]["report"]["link"] == "https://news.example.com/a1"

    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    for body in (text, html):
        assert evidence in body
        assert "https://news.example.com/a1" in body
        assert "monitor history i4-convertible-na3" in body

    # The same feed again: a 304, nothing new, no second email.
    second = monitor(tmp_path, "run", "--once", "--json")
    assert second.returncode == 0, second.stderr
    again = json.loads(second.stdout)
    assert again["totals"]["new"] == 0 and again["totals"]["changes"] == 0
    assert len(smtp.received) == 1

    verify = monitor(tmp_path, "replay", "--verify", "--json")
    assert json.loads(verify.stdout)["ok"] is True
    assert len(smtp.received) == 1  # replay sends nothing
