"""Shared rig for the web tests: a database with a real change in it, and `monitor serve`
running as a real uvicorn process on a loopback port.

The database is made the way a user makes it: `monitor run --once` polls a feed file holding a
report that approves a claim (its title carries markup, to check escaping) and one about
nothing tracked. Mail goes to an SMTP port nobody listens on, so the outbox keeps a pending row
for the outbox page to show and retry.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

TOKEN = "test-token-0123456789abcdef"
CLAIM = "i4-convertible-na3"
MARKUP_TITLE = 'BMW signs off the i4 Convertible <script>alert("x")</script><b>bold</b>'

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Auto news</title><link>https://news.example.com/</link>
<description>cars</description>
<item><guid>a1</guid><title>{title}</title><link>https://news.example.com/a1</link>
<pubDate>Tue, 03 Mar 2026 09:00:00 GMT</pubDate><description>BMW has officially approved the
i4 Convertible for production, the company said on Tuesday. The open-top four-seater joins the
two-door i4 Coupe.</description></item>
<item><guid>a2</guid><title>Audi Q6 e-tron gets a new battery</title>
<link>https://news.example.com/a2</link><pubDate>Tue, 03 Mar 2026 10:00:00 GMT</pubDate>
<description>Audi has approved a larger battery for its Q6 e-tron.</description></item>
</channel></rss>"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env() -> dict[str, str]:
    env = {**os.environ, "MONITOR_DATABASE_URL": "", "MONITOR_CONFIG": ""}
    env.pop("MONITOR_WEB_TOKEN", None)
    return env


def monitor(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "monitor.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=env or _env(),
    )


def make_site(folder: Path, db_url: str, title: str = MARKUP_TITLE) -> Path:
    """A config and a database holding the baseline, two reports and one change."""
    from xml.sax.saxutils import escape

    feed = folder / "feed.xml"
    feed.write_text(RSS.format(title=escape(title)), encoding="utf-8")
    config = folder / "monitor.toml"
    config.write_text(
        f"""
[database]
url = "{db_url}"

[polling]
host_gap = 0

[[feeds]]
id = "autonews"
name = "Auto news"
url = "{feed}"

[smtp]
host = "127.0.0.1"
port = {free_port()}
timeout = 2

[delivery]
backoff_base = 3600
""",
        encoding="utf-8",
    )
    done = monitor(folder, "--config", str(config), "run", "--once", "--json")
    assert done.returncode in (0, 1), done.stderr
    return config


@contextmanager
def serving(
    folder: Path, config: Path | None, *, token: str | None = TOKEN, port: int | None = None
) -> Iterator[str]:
    """`monitor serve` in a child process; yields its base URL, stops it on exit."""
    port = port or free_port()
    env = _env()
    if token:
        env["MONITOR_WEB_TOKEN"] = token
    options = ["--config", str(config)] if config else []
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", *options, "serve", "--port", str(port)],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode() if proc.stdout else ""
                raise AssertionError(f"monitor serve did not start: {out}")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
