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


HEDGED = """<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
<item><guid>h1</guid><title>Rumour: i4 Convertible approved?</title>
<link>https://news.example.com/h1</link><description>BMW may have approved the i4 Convertible
for production, according to a supplier.</description></item></channel></rss>"""


def test_a_suspicion_becomes_a_change_when_the_current_detector_is_surer(tmp_path):
    import dataclasses

    from monitor.app import bootstrap, init
    from monitor.config import load_settings
    from monitor.daemon import run_once
    from monitor.services.claims import current_claims
    from monitor.services.feeds import subscribe
    from monitor.services.rediff import rediff
    from monitor.wiring import extra_projectors

    feed = tmp_path / "feed.xml"
    feed.write_text(HEDGED)
    settings = dataclasses.replace(
        load_settings(None, f"sqlite:///{tmp_path / 'm.db'}"), feeds=(), subscriptions=()
    )
    app = bootstrap(settings, extra_projectors(settings))
    init(app)
    subscribe(app, str(feed))
    run_once(app, deliver=False)
    kinds = [e.type for e in app.store.read_stream("claim/i4-convertible-na3")]
    assert kinds == ["ClaimAsserted", "ChangeSuspected"]

    assert rediff(app, apply=True).appended == []  # the suspicion is already on record

    surer = dataclasses.replace(app, settings=dataclasses.replace(settings, threshold=0.3))
    first = rediff(surer, apply=True)
    assert [(e.type, e.data["to"]) for e in first.appended] == [("ClaimStatusChanged", "approved")]
    assert first.appended[0].metadata["cause"] == "rediff"
    assert current_claims(app)["i4-convertible-na3"].status == "approved"
    assert rediff(surer, apply=True).appended == []  # idempotent
    app.close()
