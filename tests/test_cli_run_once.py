"""`monitor run --once` as a user sees it: progress, one summary sorted by name, each error once.

Four feeds on real loopback servers (three "hosts", so they are polled at once): one works and
reports a change but answers slowly, so it finishes last; one is gone (404), one is an HTML page,
one refuses connections. The command runs in a subprocess, as from a shell or cron.
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from feeds_server import FeedServer
from smtp_server import free_port

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Auto news</title><link>https://news.example.com/</link>
<description>cars</description>
<item><guid>a1</guid><title>BMW signs off the electric i4 Convertible</title>
<link>https://news.example.com/a1</link><pubDate>Tue, 03 Mar 2026 09:00:00 GMT</pubDate>
<description>BMW has officially approved the i4 Convertible for production, the company said
on Tuesday.</description></item>
</channel></rss>"""

NAMES = ["Alpha news", "Bravo page", "Charlie refused", "Delta gone"]  # sorted by name
ERRORS = {
    "Bravo page": "NonXMLContentType",
    "Charlie refused": "Connection refused",
    "Delta gone": "HTTP 404 Not Found",
}


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    with (
        FeedServer("127.0.0.1") as one,
        FeedServer("127.0.0.2") as two,
        FeedServer("127.0.0.3") as three,
    ):
        one.set("/rss", RSS, {"Content-Type": "application/rss+xml"}, latency=0.8)
        two.set("/gone", b"gone", {}, 404)
        three.set("/page", b"<html><body>not a feed</body></html>", {"Content-Type": "text/html"})
        refused = f"http://127.0.0.1:{free_port()}/feed"
        # ids in another order than the names, so neither order can pass for the other
        feeds = [
            ("f1", "Alpha news", one.url("/rss")),
            ("f4", "Bravo page", three.url("/page")),
            ("f2", "Charlie refused", refused),
            ("f3", "Delta gone", two.url("/gone")),
        ]
        config = "[polling]\nhost_gap = 0\nconnect_timeout = 3\n"
        for fid, name, url in feeds:
            config += f'\n[[feeds]]\nid = "{fid}"\nname = "{name}"\nurl = "{url}"\n'
        (tmp_path / "monitor.toml").write_text(config, encoding="utf-8")
        yield tmp_path


def monitor(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "monitor.cli", "--config", "monitor.toml", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "MONITOR_CONFIG": "", "MONITOR_DATABASE_URL": "", **env},
        timeout=120,
    )


def table_rows(stdout: str) -> list[str]:
    lines = stdout.splitlines()
    assert lines[0].split()[:2] == ["FEED", "RESULT"], stdout
    return lines[1 : 1 + len(NAMES)]


def test_some_feeds_failing_is_exit_0_with_a_summary_sorted_by_name_and_each_error_once(home):
    proc = monitor(home, "run", "--once", COLUMNS="100")

    assert proc.returncode == 0, proc.stderr
    rows = table_rows(proc.stdout)
    assert [r[: len(n)] for r, n in zip(rows, NAMES, strict=True)] == NAMES
    alpha, bravo, charlie, delta = rows
    assert re.match(r"Alpha news\s+ok \(200\)\s+1\s+1\s+0\s+\d", alpha), alpha
    assert re.match(r"Bravo page\s+failed \(200\)\s+0\s+0\s+0", bravo), bravo
    assert re.match(r"Charlie refused\s+failed\s+0\s+0\s+0", charlie), charlie
    assert re.match(r"Delta gone\s+failed \(404\)\s+0\s+0\s+0", delta), delta
    assert re.search(
        r"^4 feeds polled in [\d.]+ m?s: 1 ok, 3 failed; 1 new report, 1 change, 0 suspected$",
        proc.stdout,
        re.M,
    ), proc.stdout

    # Each error once: one line on standard error, never in the table, no log line repeating it.
    error_lines = [line for line in proc.stderr.splitlines() if line.startswith("error ")]
    assert len(error_lines) == 3, proc.stderr
    everything = proc.stdout + proc.stderr
    for name, message in ERRORS.items():
        assert everything.count(message) == 1, (message, everything)
        [line] = [line for line in error_lines if line.startswith(f"error {name} (")]
        assert message in line
    assert [line.split(" (")[0] for line in error_lines] == [f"error {n}" for n in NAMES[1:]]
    assert " INFO " not in proc.stderr and "poll feed=" not in proc.stderr


def test_without_a_terminal_progress_is_plain_lines_in_completion_order(home):
    proc = monitor(home, "run", "--once")
    progress = [line for line in proc.stderr.splitlines() if line.startswith("[")]
    assert [line.split("]")[0] + "]" for line in progress] == ["[1/4]", "[2/4]", "[3/4]", "[4/4]"]
    assert progress[-1] == "[4/4] Alpha news: ok", "the slow feed finishes last"
    assert sorted(line.split("] ")[1].split(":")[0] for line in progress) == NAMES
    for line in progress:  # the error itself is shown once, in the summary
        assert not any(message in line for message in ERRORS.values())


def test_strict_makes_a_failed_feed_exit_1(home):
    proc = monitor(home, "run", "--once", "--strict")
    assert proc.returncode == 1, proc.stderr
    assert len(table_rows(proc.stdout)) == 4, "the summary is printed all the same"


def test_strict_is_exit_0_when_every_feed_worked(home):
    config = home / "monitor.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.split("\n[[feeds]]", 2)[0] + "\n[[feeds]]" + text.split("\n[[feeds]]")[1]
    )
    proc = monitor(home, "run", "--once", "--strict")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 feed polled in" in proc.stdout and "1 ok, 0 failed" in proc.stdout


def test_json_is_the_summary_alone_and_strict_applies(home):
    proc = monitor(home, "run", "--once", "--json", "--strict")
    assert proc.returncode == 1
    summary = json.loads(proc.stdout)
    assert summary["totals"] == {
        "feeds": 4,
        "failed": 3,
        "new": 1,
        "revised": 0,
        "changes": 1,
        "suspected": 0,
    }
    assert not [line for line in proc.stderr.splitlines() if line.startswith("[")]


def test_verbose_shows_the_log_of_each_poll(home):
    proc = monitor(home, "run", "--once", "-v")
    assert proc.returncode == 0
    assert proc.stderr.count("poll feed=") == 4


def test_strict_and_json_belong_to_once():
    proc = subprocess.run(
        [sys.executable, "-m", "monitor.cli", "run", "--strict"],
        capture_output=True,
        text=True,
        env={**os.environ, "MONITOR_CONFIG": "", "MONITOR_DATABASE_URL": ""},
        timeout=60,
    )
    assert proc.returncode == 2
    assert "go with --once" in proc.stderr


def test_on_a_terminal_a_progress_bar_shows_while_polling(home):
    """Standard error on a pseudo-terminal: rich draws a bar (and erases it), no plain lines."""
    master, slave = pty.openpty()
    env = {**os.environ, "MONITOR_CONFIG": "", "MONITOR_DATABASE_URL": "", "TERM": "xterm"}
    env["COLUMNS"] = "100"
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", "--config", "monitor.toml", "run", "--once"],
        cwd=home,
        stdout=subprocess.PIPE,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    stdout = proc.stdout.read().decode() if proc.stdout else ""
    assert proc.wait(timeout=60) == 0
    seen = b"".join(chunks).decode("utf-8", "replace")
    assert "\u2501" in seen, "a bar was drawn"  # ━
    assert "4/4" in seen and "polling feeds" in seen
    assert "[1/4]" not in seen
    assert len(re.findall(r"error\x1b\[0m (Bravo|Charlie|Delta)", seen)) == 3, "errors in red"
    assert len(table_rows(stdout)) == 4
