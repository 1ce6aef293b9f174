"""`monitor rediff`: the current detector over recorded reports; idempotent; no mail by default."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
<item><guid>n1</guid><title>BMW scraps the iX4</title><link>https://news.example.com/n1</link>
<description>BMW has cancelled the iX4 crossover-coupe, a spokesperson confirmed.</description>
</item></channel></rss>"""


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "MONITOR_CONFIG": "", "MONITOR_DATABASE_URL": ""},
    )
    assert proc.returncode == 0, proc.stderr
    return proc


def outbox_rows(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM outbox").fetchone()[0]


def test_rediff_finds_what_reports_say_of_claims_loaded_after_them(tmp_path):
    (tmp_path / "feed.xml").write_text(FEED)
    (tmp_path / "monitor.toml").write_text('[[feeds]]\nid = "news"\nurl = "feed.xml"\n')
    run(tmp_path, "init", "--no-baseline")
    run(tmp_path, "run", "--once")  # the report is recorded; no claims know it yet
    run(
        tmp_path,
        "baseline",
        "load",
        str(Path(__file__).resolve().parents[1] / "events" / "bmw-neue-klasse-2024.jsonl"),
    )

    dry = json.loads(run(tmp_path, "rediff", "--json").stdout)
    assert dry["reports"] == 1 and dry["applied"] is False
    changes = [e for e in dry["events"] if e["type"] == "ClaimStatusChanged"]
    assert [(e["data"]["claim"], e["data"]["to"]) for e in changes] == [("ix4", "cancelled")]
    claims = {c["id"]: c for c in json.loads(run(tmp_path, "claims", "--json").stdout)}
    assert claims["ix4"]["status"] == "rumored"  # a dry run writes nothing

    applied = json.loads(run(tmp_path, "rediff", "--apply", "--json").stdout)
    assert applied["appended"] >= 1
    history = [json.loads(x) for x in run(tmp_path, "history", "ix4", "--json").stdout.splitlines()]
    change = [e for e in history if e["type"] == "ClaimStatusChanged"][0]
    assert change["metadata"]["cause"] == "rediff"
    assert change["data"]["report"]["link"] == "https://news.example.com/n1"
    assert outbox_rows(tmp_path / "monitor.db") == 0  # rediff sends nothing unless asked

    again = json.loads(run(tmp_path, "rediff", "--apply", "--json").stdout)
    assert again["appended"] == 0 and again["events"] == []
