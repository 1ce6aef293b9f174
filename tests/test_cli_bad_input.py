"""Bad input at the command line: a clear message naming what is wrong, a non-zero exit, and
nothing written."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "MONITOR_CONFIG": "", "MONITOR_DATABASE_URL": ""},
    )


def count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM events").fetchone()[0]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    assert run(tmp_path, "init").returncode == 0
    return tmp_path


def test_a_feed_url_with_a_foreign_scheme_is_refused(home):
    proc = run(home, "feeds", "add", "ftp://example.com/feed.xml")
    assert proc.returncode == 2 and "scheme 'ftp'" in proc.stderr
    assert count(home / "monitor.db") == 17


def test_removing_an_unknown_feed_is_a_clear_error(home):
    proc = run(home, "feeds", "remove", "no-such-feed")
    assert proc.returncode == 2 and "unknown feed id 'no-such-feed'" in proc.stderr


def test_a_bad_interval_is_named(home):
    proc = run(home, "feeds", "add", "https://example.com/rss", "--interval", "soon")
    assert proc.returncode == 2 and "--interval" in proc.stderr


def test_a_malformed_time_is_named(home):
    proc = run(home, "claims", "--as-of", "last tuesday")
    assert proc.returncode == 2 and "--as-of" in proc.stderr


def test_check_of_a_document_that_is_not_a_feed_says_so(home):
    page = home / "page.html"
    page.write_text("<html><body>no feed here</body></html>")
    proc = run(home, "check", str(page))
    assert proc.returncode == 1 and "feed error" in proc.stderr


def test_check_of_a_missing_file_says_so(home):
    proc = run(home, "check", str(home / "missing.xml"))
    assert proc.returncode == 1 and "missing.xml" in proc.stderr


def test_eval_of_a_bad_corpus_names_file_line_and_field(home):
    corpus = home / "corpus.jsonl"
    good = {"id": "x1", "title": "t", "summary": "s", "labels": []}
    bad = {"id": "x2", "title": "t", "summary": "s", "labels": [{"claim": "z4"}]}
    corpus.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    proc = run(home, "eval", str(corpus))
    assert proc.returncode == 2
    assert f"{corpus}:2" in proc.stderr and "status" in proc.stderr


def test_a_bad_lexicon_named_by_the_config_is_refused_with_its_path(home):
    (home / "extra.json").write_text('{"statuses": {"approved": {"cues": [42]}}}')
    (home / "monitor.toml").write_text('[detector]\nlexicon = ["extra.json"]\n')
    feed = home / "feed.xml"
    feed.write_text(
        "<rss version='2.0'><channel><title>t</title><item><guid>1</guid>"
        "<title>BMW i4 Convertible approved</title></item></channel></rss>"
    )
    proc = run(home, "check", str(feed))
    assert proc.returncode == 2 and "extra.json" in proc.stderr


def test_notify_with_a_bad_subscription_address_names_the_key(home):
    (home / "monitor.toml").write_text('[[subscriptions]]\nname = "x"\nto = ["not-an-address"]\n')
    proc = run(home, "notify", "--once")
    assert proc.returncode == 2
    assert "subscriptions[0].to[0]" in proc.stderr


OWN = Path(__file__).parent / "data" / "baselines" / "own-kestrel"


def test_eval_scores_a_corpus_against_its_own_baseline_in_a_scratch_database(tmp_path):
    proc = run(
        tmp_path,
        "eval",
        str(OWN / "reports.jsonl"),
        "--baseline",
        str(OWN / "baseline.json"),
        "--json",
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    events = data["event_level"]
    assert events["events"] >= 10 and 0 <= events["found"] <= events["events"]
    assert data["items"] == sum(1 for line in (OWN / "reports.jsonl").open() if line.strip())
    assert not list(tmp_path.glob("*.db"))  # the scratch database is gone; nothing written here


def test_eval_refuses_labels_for_claims_the_baseline_does_not_hold(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    item = {
        "id": "x1",
        "title": "t",
        "summary": "s",
        "labels": [{"claim": "nope", "status": "cancelled"}],
    }
    corpus.write_text(json.dumps(item) + "\n")
    proc = run(tmp_path, "eval", str(corpus), "--baseline", str(OWN / "baseline.json"))
    assert proc.returncode == 2 and "nope" in proc.stderr and str(corpus) in proc.stderr


def test_eval_of_a_bad_baseline_names_it(tmp_path):
    bad = tmp_path / "claims.json"
    bad.write_text('{"article": {"title": "t", "link": "l"}, "claims": [{"id": "A b"}]}')
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": "x", "title": "t", "summary": "s", "labels": []}) + "\n")
    proc = run(tmp_path, "eval", str(corpus), "--baseline", str(bad))
    assert proc.returncode == 2 and "claims.json" in proc.stderr
