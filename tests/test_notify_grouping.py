"""Issue 12 as a user sees it: `monitor run --once` against a feed server and a real SMTP server.

One report that changes a claim's status and value is one email (a card per claim), each
recipient gets their own copy (nobody sees the list), feed failures of one run are one email
naming the feeds, and the headers a mail client uses (List-Unsubscribe, threading) agree.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
import subprocess
from collections.abc import Iterator
from email.message import EmailMessage
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
IX5 = """<item><guid>b1</guid><title>BMW confirms the iX5 for 2027</title>
<link>https://news.example.com/b1</link><pubDate>Tue, 03 Mar 2026 09:00:00 GMT</pubDate>
<description>BMW has confirmed the iX5 for 2027, the company said on Tuesday.</description>
</item>"""

ANALYST = "analyst@example.org"
EDITOR = "Ed Itor <editor@example.org>"


@pytest.fixture
def smtp() -> Iterator[SmtpTestServer]:
    yield from smtp_server_fixture()


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        yield srv


def monitor(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return run_monitor(cwd, *args)


def write_config(tmp_path: Path, feeds: str, smtp_port: int, web: str = "") -> Path:
    config = tmp_path / "monitor.toml"
    config.write_text(f"""
[polling]
host_gap = 0
failure_threshold = 1

{feeds}

[smtp]
host = "127.0.0.1"
port = {smtp_port}
from = "monitor <monitor@example.org>"

[mail]
domain = "mail.example.org"
list_id = "bmw-watch.lists.example.org"

{web}

[[subscriptions]]
name = "desk"
to = ["{ANALYST}", "{EDITOR}"]
""")
    return config


def feed_entry(id_: str, name: str, url: str) -> str:
    return f'[[feeds]]\nid = "{id_}"\nname = "{name}"\nurl = "{url}"\n'


def parse(raw: bytes) -> EmailMessage:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def bodies(msg: EmailMessage) -> tuple[str, str]:
    text, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def test_one_report_is_one_email_per_recipient_with_a_card_per_claim(tmp_path, smtp, feeds):
    feeds.set("/rss", RSS.format(items=IX5), {"Content-Type": "application/rss+xml"})
    config = write_config(
        tmp_path,
        feed_entry("autonews", "Auto news", feeds.url("/rss")),
        smtp.port,
        web='[web]\nbase_url = "https://monitor.example.org"',
    )
    run = monitor(tmp_path, "--config", str(config), "run", "--once", "--json")
    assert run.returncode == 0, run.stderr
    history = monitor(tmp_path, "--config", str(config), "history", "ix5-clar", "--json")
    types = [json.loads(line)["type"] for line in history.stdout.splitlines()]
    assert types.count("ClaimStatusChanged") == 1 and types.count("ClaimValueChanged") == 1

    got = smtp.wait_for(2)
    assert len(smtp.received) == 2  # two changes, two recipients: two mails, not four
    # each recipient is the only one in the envelope and in To: nobody sees the list
    assert sorted(r.rcpt_tos[0] for r in got) == ["analyst@example.org", "editor@example.org"]
    assert all(len(r.rcpt_tos) == 1 for r in got)
    msgs = [parse(r.data) for r in got]
    for r, msg in zip(got, msgs, strict=True):
        assert [a.addr_spec for a in msg["To"].addresses] == r.rcpt_tos
        assert "Cc" not in msg and "Bcc" not in msg
        assert msg["Subject"] == (
            "[monitor] BMW iX5 (CLAR platform): in-development → confirmed, value (none) → 2027"
        )
        # one domain for the Message-ID and the thread it refers to
        assert msg["Message-ID"].endswith("@mail.example.org>")
        assert msg["In-Reply-To"] == "<claim.ix5-clar@mail.example.org>"
        assert msg["References"] == "<claim.ix5-clar@mail.example.org>"
        assert "<bmw-watch.lists.example.org>" in msg["List-Id"]
        # unsubscribe: the web page for this address (one click), and a mail to the sender
        addr = r.rcpt_tos[0]
        unsubscribe = msg["List-Unsubscribe"]
        assert "<https://monitor.example.org/unsubscribe?subscription=desk&to=" in unsubscribe
        assert addr.replace("@", "%40") in unsubscribe
        assert "<mailto:monitor@example.org?subject=unsubscribe%20desk>" in unsubscribe
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        text, html = bodies(msg)
        for body in (text, html):
            assert body.count("BMW confirms the iX5 for 2027") == 1  # evidence, not also "Report"
            assert "Read the report" in body
            assert "https://news.example.com/b1" in body
            assert "Auto news" in body or "news.example.com" in body
        assert html.count('class="card"') == 1  # one claim, one card: status and value in it
        assert "in-development</span> → <strong>confirmed</strong>" in html
        assert "(none)</span> → <strong>2027</strong>" in html
        assert 'href="https://news.example.com/b1"' in html
    # same content, different Message-IDs (a message per recipient), stable per recipient
    assert msgs[0]["Message-ID"] != msgs[1]["Message-ID"]

    # delivered once: a second run sends nothing more
    again = monitor(tmp_path, "--config", str(config), "run", "--once")
    assert again.returncode == 0, again.stderr
    assert len(smtp.received) == 2


def test_feed_failures_of_one_run_are_one_email_naming_the_feeds(tmp_path, smtp, feeds):
    feeds.set("/down", b"busy", status=503)
    feeds.set("/moved", b"nope", status=404)
    missing = tmp_path / "gone" / "feed.xml"
    entries = "\n".join(
        [
            feed_entry("f-503", "Autocar", feeds.url("/down")),
            feed_entry("f-404", "BMW Blog", feeds.url("/moved")),
            feed_entry("f-file", "Local file", str(missing)),
        ]
    )
    config = write_config(tmp_path, entries, smtp.port)
    run = monitor(tmp_path, "--config", str(config), "run", "--once")
    assert run.returncode in (0, 1), run.stderr

    got = smtp.wait_for(2)
    assert len(smtp.received) == 2  # one per recipient, not three feeds x two recipients
    msg = parse(got[0].data)
    subject = msg["Subject"]
    assert subject.startswith("[monitor] 3 feeds failing: ")
    for name in ("Autocar", "BMW Blog", "Local file"):
        assert name in subject
    assert "Error" not in subject and "[Errno" not in subject  # no raw exception in the subject
    text, html = bodies(msg)
    for body in (text, html):
        assert "server error (HTTP 503)" in body
        assert "not found (HTTP 404)" in body
        assert "file not found" in body
        assert "FileNotFoundError" in body  # the error itself is in the body
        assert re.search(r"(Failing since|Since  ) \d{1,2} \w{3} \d{4}, \d\d:\d\d UTC", body)
        flat = " ".join(body.split())  # the text part wraps the advice
        assert "check the path" in flat  # advice
        assert "new address" in flat
    assert html.count('class="card"') == 3
    refs = msg["References"].split()
    assert len(refs) == 3 and all(r.endswith("@mail.example.org>") for r in refs)


def test_one_failing_feed_names_the_feed_and_a_short_reason(tmp_path, smtp):
    missing = tmp_path / "nowhere.xml"
    config = write_config(tmp_path, feed_entry("f-file", "Local file", str(missing)), smtp.port)
    run = monitor(tmp_path, "--config", str(config), "run", "--once")
    assert run.returncode in (0, 1), run.stderr
    got = smtp.wait_for(2)
    msg = parse(got[0].data)
    assert msg["Subject"] == "[monitor] Feed “Local file” is failing: file not found"


def test_a_busy_reply_for_one_recipient_does_not_hold_up_the_others(tmp_path, smtp):
    """A 451 for one address is that message's problem, not the server's: the other
    recipient's message goes out in the same pass."""
    write_config(tmp_path, "", smtp.port)
    assert monitor(tmp_path, "init").returncode == 0
    smtp.refuse(ANALYST, "451 4.2.1 mailbox busy, try later")
    assert (
        monitor(tmp_path, "correct", "z4", "--status", "discontinued", "--reason", "r").returncode
        == 0
    )
    sent = monitor(tmp_path, "notify", "--once")
    assert sent.returncode == 0, sent.stderr
    from email.utils import parseaddr

    analyst, editor = parseaddr(ANALYST)[1], parseaddr(EDITOR)[1]
    got = smtp.wait_for(1)
    assert [r for m in got for r in m.rcpt_tos] == [editor]
    rows = json.loads(monitor(tmp_path, "outbox", "--json").stdout)
    states = {parseaddr(r["target"])[1]: r["state"] for r in rows}
    assert states == {analyst: "pending", editor: "delivered"}, rows
