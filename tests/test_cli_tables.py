"""The CLI's tables at 80 and 100 columns: ids and times whole, one line per row.

The commands run as a user runs them (`monitor` in a subprocess, COLUMNS set as a terminal
would), against a real SQLite database; the outbox is filled by real deliveries to an aiosmtpd
server. The fitting itself is also checked directly, with rich consoles of given widths.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feeds_server import FeedServer
from rich.console import Console
from smtp_server import SmtpTestServer, smtp_server_fixture

from monitor.cli_format import Column, fit_widths, relative_time, render_table
from monitor.cli_notify import print_outbox

WIDTHS = (80, 100)
LONG_ID = "i4-convertible-na3-long-claim-id"  # 32 characters
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def monitor(cwd: Path, *args: str, columns: int | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "MONITOR_CONFIG": "", "MONITOR_DATABASE_URL": ""}
    env.pop("COLUMNS", None)
    if columns is not None:
        env["COLUMNS"] = str(columns)
    proc = subprocess.run(
        [sys.executable, "-m", "monitor.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc


def assert_fits(text: str, width: int) -> list[str]:
    lines = text.splitlines()
    assert lines, "nothing printed"
    for line in lines:
        assert len(line.rstrip()) <= width, f"{len(line.rstrip())} > {width}: {line!r}"
    return lines


@pytest.fixture
def smtp() -> Iterator[SmtpTestServer]:
    yield from smtp_server_fixture()


# ---- monitor claims ----------------------------------------------------------------------


@pytest.fixture
def home(tmp_path: Path) -> Path:
    monitor(tmp_path, "init")
    claims = {
        "article": {
            "title": "A long article",
            "link": "https://example.org/a",
            "published": "2026-01-05",
            "source": "Example News",
            "summary": "Claims with long ids, subjects and values.",
        },
        "claims": [
            {
                "id": LONG_ID,
                "subject": "A subject long enough that an 80-column terminal cannot show it all",
                "status": "in-development",
                "value": "at least six models by the end of 2028",
                "aliases": ["Long thing"],
                "quote": "a long quote",
            }
        ],
    }
    (tmp_path / "long.json").write_text(json.dumps(claims), encoding="utf-8")
    monitor(tmp_path, "baseline", "load", "long.json")
    return tmp_path


@pytest.mark.parametrize("width", WIDTHS)
def test_claims_keep_every_id_status_and_time_whole_at_80_and_100_columns(home, width):
    claims = json.loads(monitor(home, "claims", "--json").stdout)
    lines = assert_fits(monitor(home, "claims", columns=width).stdout, width)

    header, rows = lines[0].split(), lines[1:]
    assert header[0] == "ID" and {"STATUS", "UPDATED", "VALUE"} <= set(header)
    assert len(rows) == len(claims) == 18, "one line per claim, none wrapped"
    for claim, row in zip(sorted(claims, key=lambda c: c["id"]), rows, strict=True):
        assert row.split()[0] == claim["id"], row  # typed as is: whole
        assert f" {claim['status']} " in row
        assert row.rstrip().endswith(("just now", "min ago")), row  # short, relative
        assert "…" not in row.split()[0]
    long_row = next(r for r in rows if r.startswith(LONG_ID))
    assert "SUBJECT" not in header, "the subject gives way before the value is cut"
    if width == 100:
        assert "at least six models by the end of 2028" in long_row
    else:
        assert "at least six mode…" in long_row


def test_the_shipped_claims_show_their_subjects_at_100_columns_but_not_at_80(tmp_path):
    monitor(tmp_path, "init")
    wide = assert_fits(monitor(tmp_path, "claims", columns=100).stdout, 100)
    narrow = assert_fits(monitor(tmp_path, "claims", columns=80).stdout, 80)
    assert wide[0].split() == ["ID", "SUBJECT", "STATUS", "VALUE", "UPDATED"]
    assert any("BMW i4 Convertible (NA3)" in line for line in wide)
    assert narrow[0].split() == ["ID", "STATUS", "VALUE", "UPDATED"]
    assert "…" not in "\n".join(narrow), "at 80 columns the shipped claims fit whole"


def test_claims_wide_shows_every_column_uncut_with_full_times(home):
    out = monitor(home, "claims", "--wide", columns=80).stdout
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "SUBJECT", "STATUS", "VALUE", "UPDATED", "V"]
    assert "A subject long enough that an 80-column terminal cannot show it all" in out
    assert all(ISO.search(line) for line in lines[1:])
    assert "…" not in out


def test_claims_as_of_says_so_above_the_table(home):
    out = monitor(home, "claims", "--as-of", "2999-01-01", columns=80).stdout
    assert out.splitlines()[0] == "claims as of 2999-01-01"


def test_untrusted_text_is_never_read_as_markup_or_control_codes(home):
    bad = {
        "article": {
            "title": "t",
            "link": "https://example.org/b",
            "published": "2026-01-05",
            "source": "s",
            "summary": "s",
        },
        "claims": [
            {
                "id": "markup",
                "subject": "[bold]x[/] \x1b[31mred\x1b[0m [/]",
                "status": "rumored",
                "aliases": ["Markup"],
                "quote": "q",
            }
        ],
    }
    (home / "bad.json").write_text(json.dumps(bad), encoding="utf-8")
    monitor(home, "baseline", "load", "bad.json")
    out = monitor(home, "claims", "--wide", columns=120).stdout
    assert "[bold]x[/] red [/]" in out and "\x1b" not in out


# ---- monitor feeds list -----------------------------------------------------------------


RSS = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
    "<item><guid>1</guid><title>Nothing about the claims</title>"
    "<link>https://news.example.org/1</link><description>Weather.</description></item>"
    "</channel></rss>"
)
LONG_PATH = "/" + "very/" * 20 + "rss.xml"


@pytest.fixture
def feeds_home(tmp_path: Path) -> Iterator[Path]:
    with FeedServer() as srv:
        srv.set(LONG_PATH, RSS.encode(), {"Content-Type": "application/rss+xml"})
        srv.set("/gone.xml", b"gone", {}, 404)
        (tmp_path / "monitor.toml").write_text(
            f"""
[polling]
host_gap = 0

[[feeds]]
id = "example-bmw"
name = "Example BMW news"
url = "{srv.url(LONG_PATH)}"

[[feeds]]
id = "gone"
name = "A feed that is gone"
url = "{srv.url("/gone.xml")}"
""",
            encoding="utf-8",
        )
        run_in(tmp_path, "run", "--once")
        yield tmp_path


@pytest.mark.parametrize("width", WIDTHS)
def test_feeds_list_shows_names_and_whole_ids_and_puts_errors_under_the_table(feeds_home, width):
    lines = assert_fits(run_in(feeds_home, "feeds", "list", columns=width).stdout, width)

    assert lines[0].split()[:2] == ["NAME", "ID"]
    assert "URL" not in lines[0]
    rows = lines[1:3]
    assert [r.split("  ")[0] for r in rows] == ["A feed that is gone", "Example BMW news"]
    assert " gone " in rows[0] and " example-bmw " in rows[1]
    assert "http://" not in "\n".join(rows)
    for row in rows:
        assert "just now" in row and re.search(r"in (<1|\d+) min", row), row
    [error] = lines[3:]
    assert error == "error A feed that is gone (gone), 1 failure in a row: HTTP 404 Not Found"


def test_feeds_list_wide_shows_the_whole_url_and_error(feeds_home):
    out = run_in(feeds_home, "feeds", "list", "--wide", columns=80).stdout
    assert LONG_PATH in out
    assert "URL" in out.splitlines()[0] and "ERROR" in out.splitlines()[0]
    assert "HTTP 404 Not Found" in out
    assert len(out.splitlines()) == 3, "errors are in the table, not repeated under it"


# ---- monitor outbox ---------------------------------------------------------------------


def outbox_config(tmp_path: Path, smtp: SmtpTestServer) -> None:
    (tmp_path / "monitor.toml").write_text(
        f"""
[smtp]
host = "{smtp.host}"
port = {smtp.port}
timeout = 5

[delivery]
backoff_base = 1800
backoff_cap = 3600

[[subscriptions]]
name = "editors-of-the-evening-edition"
to = ["Editors <editors@newsroom.example.org>", "chief.editor@newsroom.example.org"]
claims = ["*"]
""",
        encoding="utf-8",
    )


def run_in(tmp_path: Path, *args: str, columns: int | None = None):
    return monitor(tmp_path, "--config", "monitor.toml", *args, columns=columns)


EDITORS = "Editors <editors@newsroom.example.org>"
CHIEF = "chief.editor@newsroom.example.org"
BUSY = "451 4.3.0 the mail system is busy, please try again a little later"
REJECTED = "550 5.1.1 <editors@newsroom.example.org>: recipient address rejected"


@pytest.fixture
def outbox_home(tmp_path: Path, smtp: SmtpTestServer) -> Path:
    """Each recipient has its own row, message and fate: six rows for three changes."""
    outbox_config(tmp_path, smtp)
    run_in(tmp_path, "init")
    run_in(tmp_path, "correct", "z4", "--status", "discontinued", "--reason", "last car built")
    run_in(tmp_path, "notify", "--once")  # both delivered
    smtp.wait_for(2)
    run_in(tmp_path, "correct", "ix4", "--status", "confirmed", "--reason", "press release")
    smtp.refuse(CHIEF, BUSY)
    run_in(tmp_path, "notify", "--once")  # editors delivered; chief pending, next in ~30 min
    smtp.accept()
    run_in(tmp_path, "correct", "ix3", "--status", "launched", "--reason", "on sale")
    smtp.refuse("editors@newsroom.example.org", REJECTED)
    run_in(tmp_path, "notify", "--once")  # editors dead, chief delivered (the 451 not yet due)
    smtp.accept()
    return tmp_path


OUTBOX_ROWS = [
    ("delivered", EDITORS),
    ("delivered", CHIEF),
    ("delivered", EDITORS),
    ("pending", CHIEF),
    ("dead", EDITORS),
    ("delivered", CHIEF),
]


@pytest.mark.parametrize("width", WIDTHS)
def test_outbox_is_one_line_per_row_with_state_mode_and_next_attempt_whole(outbox_home, width):
    rows = json.loads(run_in(outbox_home, "outbox", "--json").stdout)
    assert [(r["state"], *r["recipients"]) for r in rows] == OUTBOX_ROWS
    assert {r["channel"] for r in rows} == {"email"}
    lines = run_in(outbox_home, "outbox", columns=width).stdout.splitlines()
    assert_fits("\n".join(lines[:7]), width)  # the table; an error line is never cut

    header = lines[0].split()
    assert header[:6] == ["ID", "STATE", "WHEN", "TRIES", "EVENT", "MODE"]
    table, errors = lines[1:7], lines[7:]
    assert len(table) == 6 and len(errors) == 2, "one line a row, one line an error"
    for row, line in zip(rows, table, strict=True):
        assert f" #{row['event_position']} " in line  # a change's recipients share its event
        assert "editors-of-the-evening-edition" in line or width < 100
        if row["state"] == "delivered":
            assert line.split()[:5] == [str(row["id"]), "delivered", "just", "now", "1"]
    pending, dead = rows[3], rows[4]
    assert re.match(
        rf"\s*{pending['id']}\s+pending\s+in (2\d|30) min\s+1\s+#\d+\s+immediate", table[3]
    )
    assert re.match(rf"\s*{dead['id']}\s+dead\s+-\s+1\s+#\d+\s+immediate", table[4])
    assert errors[0].startswith(f"error {pending['id']} (pending, 1 try): ")
    assert errors[0].endswith(f"{CHIEF}: {BUSY}")
    assert errors[1].startswith(f"error {dead['id']} (dead, 1 try): ")
    assert errors[1].endswith(f"editors@newsroom.example.org: {REJECTED}")


def test_outbox_shows_the_subscription_first_and_recipients_as_room_allows(outbox_home):
    at_80 = run_in(outbox_home, "outbox", columns=80).stdout.splitlines()
    at_100 = run_in(outbox_home, "outbox", columns=100).stdout.splitlines()
    at_140 = run_in(outbox_home, "outbox", columns=140).stdout.splitlines()
    assert "TO" not in at_80[0].split() and "editors-of-the-evening-" in at_80[1]
    assert "editors-of-the-evening-edition  editors@newsroom…" in at_100[1]
    assert "editors-of-the-evening-edition  chief.editor@new…" in at_100[2]
    # each row's own recipient, the address alone; no "+N": a row has one recipient
    for line, (_, to) in zip(at_140[1:7], OUTBOX_ROWS, strict=True):
        address = "editors@newsroom.example.org" if to == EDITORS else CHIEF
        assert line.rstrip().endswith(f"editors-of-the-evening-edition  {address}"), line


def test_outbox_wide_shows_message_ids_times_and_errors_whole(outbox_home):
    rows = json.loads(run_in(outbox_home, "outbox", "--json").stdout)
    out = run_in(outbox_home, "outbox", "--wide", columns=80).stdout
    lines = out.splitlines()
    assert len(lines) == 7, "errors are in the table, not repeated under it"
    assert len({r["message_id"] for r in rows}) == 6, "each recipient has their own message"
    for row, line in zip(rows, lines[1:], strict=True):
        assert line.split()[0] == str(row["id"])
        assert row["message_id"] in line
        assert ISO.search(line)
    assert EDITORS in lines[1] and CHIEF in lines[2]
    assert BUSY in lines[4] and REJECTED in lines[5]
    assert "…" not in out


def test_outbox_names_the_channel_of_webhook_and_apprise_rows():
    def row(i: int, channel: str, target: str, recipients: list[str]) -> dict:
        return {
            "id": i,
            "event_position": 7,
            "subscription": "desk",
            "channel": channel,
            "target": target,
            "recipients": recipients,
            "mode": "immediate",
            "period": None,
            "state": "delivered",
            "attempts": 1,
            "next_attempt_at": "2026-12-02T11:59:00Z",
            "created_at": "2026-12-02T11:59:00Z",
            "delivered_at": "2026-12-02T11:59:30Z",
            "message_id": f"<m{i}@monitor.localhost>",
            "last_error": None,
        }

    rows = [
        row(1, "email", "a@example.org", ["A <a@example.org>"]),
        row(2, "webhook", "webhook", ["https://hooks.example.org/…"]),
        row(3, "apprise", "3f2a9c", ["json://alerts.example.org/…"]),
        # queued before per-recipient rows: one row, several addresses
        row(4, "email", "", ["b@example.org", "C <c@example.org>"]),
    ]
    for wide in (False, True):
        buf = io.StringIO()
        console = Console(file=buf, width=120, color_system=None, soft_wrap=True)
        print_outbox(console, rows, NOW, wide=wide)
        lines = buf.getvalue().splitlines()
        assert len(lines) == 5

        def to_of(line: str) -> str:  # the cell after SUBSCRIPTION ("desk")
            return re.split(r"\s{2,}", line.split(" desk ", 1)[1].strip())[0]

        assert to_of(lines[1]) == ("A <a@example.org>" if wide else "a@example.org")
        assert to_of(lines[2]) == "webhook https://hooks.example.org/…"
        assert to_of(lines[3]) == "apprise json://alerts.example.org/…"
        legacy = "b@example.org, C <c@example.org>" if wide else "b@example.org +1"
        assert to_of(lines[4]) == legacy


# ---- the fitting itself -----------------------------------------------------------------


def render(columns, rows, width: int, wide: bool = False) -> str:
    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system=None, soft_wrap=True)
    render_table(console, columns, rows, wide=wide)
    return buf.getvalue()


COLS = (
    Column("ID"),
    Column("TITLE", flex=True, min_width=10, drop=True, priority=1),
    Column("VALUE", flex=True, min_width=8),
    Column("WHEN"),
)


@pytest.mark.parametrize("width", [40, 60, 80, 100, 140])
def test_fixed_columns_are_never_cut_and_flex_ones_give_way(width):
    rows = [[LONG_ID, "t" * 70, "v" * 30, "27 min ago"], ["x", "short", "v", "in 3 h"]]
    out = render(COLS, rows, width)
    lines = out.splitlines()
    assert len(lines) == 3
    assert lines[1].startswith(LONG_ID + "  ") and "27 min ago" in lines[1]
    if len(LONG_ID) + 8 + 10 + 3 * 2 <= width:
        assert all(len(line.rstrip()) <= width for line in lines)


def test_the_less_valuable_column_is_dropped_before_the_more_valuable_one_is_cut():
    rows = [["id-1", "a title of some length", "v" * 20, "now"]]
    widths = fit_widths(COLS, rows, 4 + 20 + 4 + 3 * 2 + 5)  # too little for the title
    assert widths == [4, None, 20, 4]
    widths = fit_widths(COLS, rows, 100)
    assert widths == [4, len("a title of some length"), 20, 4]


def test_wide_prints_everything_even_past_the_terminal():
    rows = [[LONG_ID, "t" * 70, "v" * 30, "27 min ago"]]
    out = render(COLS, rows, 60, wide=True)
    assert "t" * 70 in out and "v" * 30 in out and "…" not in out


NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=-20), "just now"),
        (timedelta(minutes=-3, seconds=-10), "3 min ago"),
        (timedelta(minutes=27, seconds=30), "in 27 min"),
        (timedelta(hours=-5), "5 h ago"),
        (timedelta(hours=-47), "47 h ago"),
        (timedelta(days=-3), "3 d ago"),
        (timedelta(days=2), "in 2 d"),
        (timedelta(days=-90), "2026-09-03"),
    ],
)
def test_relative_times_are_short(delta, text):
    stamp = (NOW + delta).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert relative_time(stamp, NOW) == text
