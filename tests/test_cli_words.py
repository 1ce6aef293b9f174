"""The small words of the CLI: '(none)' not 'None', one arrow, one confidence, no bare
`javascript:` links, '1 feed'. Run as a user runs them, on a feed document with such reports."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from cli_support import run_monitor

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Auto news</title><link>https://news.example.com/</link>
<description>cars</description>
<item><guid>st-01</guid>
<title>Munich gives the electric 4 Series drop-top the go-ahead</title>
<link>https://news.example.com/st-01</link><pubDate>Tue, 03 Mar 2026 09:00:00 GMT</pubDate>
<description>The board has green-lit the NA3, people close to the project told us, with the \
car due in the first half of 2029.</description></item>
<item><guid>st-02</guid><title>BMW officially announces the i3 Touring</title>
<link>javascript:alert(document.cookie)</link><pubDate>Tue, 03 Mar 2026 09:00:00 GMT</pubDate>
<description>The company said the electric wagon will join the range.</description></item>
</channel></rss>"""


def monitor(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    proc = run_monitor(cwd, *args)
    assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "feed.xml").write_text(FEED, encoding="utf-8")
    monitor(tmp_path, "init")
    return tmp_path


def test_check_says_none_with_one_arrow_and_two_decimals_and_hides_a_javascript_link(home):
    out = monitor(home, "check", "feed.xml").stdout
    assert "  VALUE  i4-convertible-na3: (none) \u2192 2029-H1  \u201c" in out
    assert re.search(r"CHANGE i4-convertible-na3: unapproved \u2192 approved \(0\.\d\d\)", out)
    assert "None" not in out and "->" not in out
    assert "javascript:alert" not in out
    assert (
        "\u25cf BMW officially announces the i3 Touring  (link not shown: a javascript: link)"
        in (out)
    )
    assert "https://news.example.com/st-01" in out


def test_history_and_check_show_the_same_confidence_and_words(home):
    checked = monitor(home, "check", "feed.xml").stdout
    [in_check] = re.findall(r"CHANGE i4-convertible-na3: .*? \((0\.\d\d)\)", checked)
    monitor(home, "feeds", "add", "feed.xml", "--name", "Local")
    monitor(home, "run", "--once")

    history = monitor(home, "history", "i4-convertible-na3").stdout
    [in_history] = re.findall(
        r"changed unapproved \u2192 approved \(confidence ([\d.]+)\)", history
    )
    assert in_history == in_check
    raw = [
        json.loads(line)
        for line in monitor(home, "history", "i4-convertible-na3", "--json").stdout.splitlines()
    ]
    [changed] = [e for e in raw if e["type"] == "ClaimStatusChanged"]
    assert in_history == f"{changed['data']['confidence']:.2f}"
    assert "value (none) \u2192 2029-H1" in history
    assert "None" not in history and "->" not in history

    touring = monitor(home, "history", "i3-touring").stdout
    assert "javascript:alert" not in touring
    assert "    (link not shown: a javascript: link)" in touring.splitlines()


def test_a_correction_reads_none_both_ways(home):
    set_value = monitor(home, "correct", "ix4", "--value", "2027", "--reason", "press").stdout
    assert set_value.strip().endswith("corrected value (none) \u2192 2027: press")
    cleared = monitor(home, "correct", "ix4", "--clear-value", "--reason", "oops").stdout
    assert cleared.strip().endswith("corrected value 2027 \u2192 (none): oops")


def test_one_feed_is_one_feed_and_one_change_is_one_change(home):
    one_item = re.sub(r"<item><guid>st-01</guid>.*?</item>", "", FEED, flags=re.S)
    (home / "one.xml").write_text(one_item, encoding="utf-8")
    (home / "monitor.toml").write_text(
        '[[feeds]]\nid = "local"\nname = "Local"\nurl = "one.xml"\n', encoding="utf-8"
    )
    out = monitor(home, "--config", "monitor.toml", "run", "--once").stdout
    assert "1 feed polled in" in out and "1 feeds" not in out
    assert "1 ok, 0 failed; 1 new report, 1 change, 0 suspected" in out
