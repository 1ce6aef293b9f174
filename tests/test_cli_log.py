"""The event-log commands, run as a user runs them: `monitor` in a subprocess."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(cwd: Path, *args: str, ok: bool = True, env: dict | None = None):
    proc = subprocess.run(
        [sys.executable, "-m", "monitor.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "MONITOR_CONFIG": "", "MONITOR_DATABASE_URL": "", **(env or {})},
        timeout=120,
    )
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


def events_in(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM events").fetchone()[0]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    run(tmp_path, "init")
    return tmp_path


def test_init_creates_a_sqlite_file_here_and_loads_the_baseline_once(tmp_path):
    first = run(tmp_path, "init")
    assert "17 events appended" in first.stdout
    again = run(tmp_path, "init")
    assert "0 events appended, 17 already present" in again.stdout
    assert events_in(tmp_path / "monitor.db") == 17


def test_init_without_baseline_creates_only_the_schema(tmp_path):
    run(tmp_path, "init", "--no-baseline")
    assert events_in(tmp_path / "monitor.db") == 0


def test_claims_json_lists_every_baseline_claim_with_its_state(home):
    claims = json.loads(run(home, "claims", "--json").stdout)
    by_id = {c["id"]: c for c in claims}
    assert len(claims) == 17
    assert by_id["i4-convertible-na3"]["status"] == "unapproved"
    assert by_id["i4-coupe-na2"]["value"] == "2028-H2"
    for key in ("id", "subject", "status", "value", "updated_at", "version"):
        assert key in claims[0]


def test_a_correction_is_an_event_in_the_history_and_changes_the_claim(home):
    run(home, "correct", "i4-convertible-na3", "--status", "approved", "--reason", "press release")
    history = run(home, "history", "i4-convertible-na3", "--json").stdout.splitlines()
    types = [json.loads(line)["type"] for line in history]
    assert types == ["ClaimAsserted", "ClaimCorrected"]
    claims = {c["id"]: c for c in json.loads(run(home, "claims", "--json").stdout)}
    assert claims["i4-convertible-na3"]["status"] == "approved"


def test_claims_as_of_a_past_time_shows_what_was_believed_then(home):
    before = json.loads(run(home, "events", "--json").stdout.splitlines()[-1])["recorded_at"]
    run(home, "correct", "z4", "--status", "discontinued", "--reason", "last car built")
    past = {c["id"]: c for c in json.loads(run(home, "claims", "--json", "--as-of", before).stdout)}
    now = {c["id"]: c for c in json.loads(run(home, "claims", "--json").stdout)}
    assert past["z4"]["status"] == "ending"
    assert now["z4"]["status"] == "discontinued"
    empty = json.loads(run(home, "claims", "--json", "--as-of", "2000-01-01").stdout)
    assert empty == []


def test_unknown_claim_id_is_a_clear_error_with_status_2(home):
    proc = run(home, "history", "no-such-claim", ok=False)
    assert proc.returncode == 2
    assert "unknown claim id 'no-such-claim'" in proc.stderr
    proc = run(home, "correct", "nope", "--status", "approved", "--reason", "x", ok=False)
    assert proc.returncode == 2


def test_a_correction_to_a_status_outside_the_vocabulary_is_refused(home):
    proc = run(home, "correct", "z4", "--status", "sold-out", "--reason", "x", ok=False)
    assert proc.returncode == 2 and "--status" in proc.stderr
    assert events_in(home / "monitor.db") == 17


def test_events_json_is_json_lines_in_position_order(home):
    lines = run(home, "events", "--json", "--since", "10", "--limit", "3").stdout.splitlines()
    assert [json.loads(x)["position"] for x in lines] == [11, 12, 13]


def test_replay_verify_reports_ok_and_rebuilds_the_projection(home):
    with sqlite3.connect(home / "monitor.db") as conn:
        conn.execute("UPDATE claims SET status = 'launched' WHERE id = 'z4'")
    summary = json.loads(run(home, "replay", "--verify", "--json").stdout)
    assert summary["ok"] is True and summary["events"] == 17 and summary["claims"] == 17
    assert len(summary["head_hash"]) == 64 and "seconds" in summary
    claims = {c["id"]: c for c in json.loads(run(home, "claims", "--json").stdout)}
    assert claims["z4"]["status"] == "ending"


def test_replay_until_a_position_computes_a_past_state_without_rebuilding(home):
    summary = json.loads(run(home, "replay", "--until-seq", "5", "--json").stdout)
    assert summary["events"] == 5 and summary["claims"] == 5 and summary["rebuilt"] is False


def test_verify_names_the_first_bad_position_of_a_tampered_log(home):
    db = home / "monitor.db"
    with sqlite3.connect(db) as conn:  # a tamperer drops the trigger first
        conn.execute("DROP TRIGGER events_no_update")
        conn.execute(
            "UPDATE events SET data = replace(data, 'ending', 'launched') WHERE position = 9"
        )
    proc = run(home, "replay", "--verify", "--json", ok=False)
    assert proc.returncode != 0
    summary = json.loads(proc.stdout)
    assert summary["ok"] is False and summary["first_bad_position"] == 9


def test_export_then_import_into_an_empty_database_keeps_the_head_hash(home, tmp_path):
    run(home, "correct", "ix4", "--status", "cancelled", "--reason", "scrapped")
    export = home / "log.jsonl"
    run(home, "export", str(export))
    head = json.loads(run(home, "replay", "--verify", "--json").stdout)["head_hash"]
    other = tmp_path / "other"
    other.mkdir()
    run(other, "import", str(export))
    summary = json.loads(run(other, "replay", "--verify", "--json").stdout)
    assert summary["ok"] and summary["head_hash"] == head
    claims = {c["id"]: c for c in json.loads(run(other, "claims", "--json").stdout)}
    assert claims["ix4"]["status"] == "cancelled"


def test_import_refuses_a_non_empty_database(home):
    export = home / "log.jsonl"
    run(home, "export", str(export))
    proc = run(home, "import", str(export), ok=False)
    assert proc.returncode != 0 and "empty" in proc.stderr


def test_import_of_an_edited_export_names_the_line_and_writes_nothing(home, tmp_path):
    export = home / "log.jsonl"
    run(home, "export", str(export))
    lines = export.read_text().splitlines()
    lines[3] = lines[3].replace('"rumored"', '"launched"')
    export.write_text("\n".join(lines) + "\n")
    other = tmp_path / "other2"
    other.mkdir()
    proc = run(other, "import", str(export), ok=False)
    assert proc.returncode == 2
    assert f"{export}:4" in proc.stderr
    run(other, "init", "--no-baseline")
    assert events_in(other / "monitor.db") == 0


CLAIMS_FILE = {
    "article": {
        "title": "Acme plans",
        "link": "https://example.org/acme",
        "published": "2026-01-05",
        "source": "Example News",
        "summary": "Acme's roadmap.",
    },
    "claims": [
        {
            "id": "acme-roadster",
            "subject": "Acme electric roadster",
            "aliases": ["Roadster"],
            "status": "rumored",
            "value": None,
            "quote": "a roadster is in the works",
        },
        {
            "id": "acme-van",
            "subject": "Acme van",
            "aliases": ["e-Van"],
            "status": "confirmed",
            "value": "2027",
            "quote": "the van comes in 2027",
        },
    ],
}


def test_a_plain_claims_file_loads_once_as_claim_asserted_events(home):
    path = home / "acme.json"
    path.write_text(json.dumps(CLAIMS_FILE))
    assert "2 events appended" in run(home, "baseline", "load", str(path)).stdout
    assert "0 events appended, 2 already present" in run(home, "baseline", "load", str(path)).stdout
    claims = {c["id"]: c for c in json.loads(run(home, "claims", "--json").stdout)}
    assert claims["acme-van"]["value"] == "2027"


def test_a_bad_claims_file_names_the_claim_and_field_and_writes_nothing(home):
    bad = json.loads(json.dumps(CLAIMS_FILE))
    bad["claims"][1]["status"] = "maybe"
    path = home / "bad.json"
    path.write_text(json.dumps(bad))
    proc = run(home, "baseline", "load", str(path), ok=False)
    assert proc.returncode == 2
    assert "acme-van" in proc.stderr and "status" in proc.stderr and str(path) in proc.stderr
    assert events_in(home / "monitor.db") == 17


def test_a_bad_baseline_log_names_the_line_and_writes_nothing(home):
    src = (ROOT / "events" / "bmw-neue-klasse-2024.jsonl").read_text().splitlines()
    broken = json.loads(src[4])
    broken["data"]["status"] = "wobbly"
    src[4] = json.dumps(broken)
    path = home / "broken.jsonl"
    path.write_text("\n".join(src) + "\n")
    proc = run(home, "baseline", "load", str(path), ok=False)
    assert proc.returncode == 2
    assert f"{path}:5" in proc.stderr and "status" in proc.stderr
    assert events_in(home / "monitor.db") == 17


def test_a_wrong_config_key_is_named_with_the_file(tmp_path):
    cfg = tmp_path / "monitor.toml"
    cfg.write_text("[polling]\nintervall = 60\n")
    proc = run(tmp_path, "init", ok=False)
    assert proc.returncode == 2
    assert "monitor.toml" in proc.stderr and "intervall" in proc.stderr
    cfg.write_text("[polling]\ninterval = -5\n")
    proc = run(tmp_path, "init", ok=False)
    assert proc.returncode == 2 and "polling.interval" in proc.stderr


def test_the_database_url_comes_from_the_environment(tmp_path):
    db = tmp_path / "elsewhere.db"
    run(tmp_path, "init", env={"MONITOR_DATABASE_URL": f"sqlite:///{db}"})
    assert events_in(db) == 17
    assert not (tmp_path / "monitor.db").exists()


def test_an_unreachable_database_is_a_clear_error(tmp_path):
    proc = run(tmp_path, "--db", "postgresql://nobody@127.0.0.1:1/none", "claims", ok=False)
    assert proc.returncode == 3 and "unavailable" in proc.stderr
