"""Tamper evidence that holds: the attack a plain chain cannot see (drop the trigger, edit an
event, recompute every hash after it) is caught by an expected head, an anchor file and the
keyed chain; times that go back are refused on import and reported by verify.

Real SQLite files and the real CLI in a subprocess (exit codes are part of the promise).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from test_cli_log import run

from monitor.domain.hashing import CHAIN_META, event_hash

KEY_ENV = "MONITOR_TEST_CHAIN_KEY"


def rewrite(
    db: Path,
    position: int,
    edit: Any = None,
    *,
    key: bytes | None = None,
    strip_keys: bool = False,
    recorded_at: str | None = None,
) -> None:
    """What an attacker with write access does: drop the triggers, change one event, then
    recompute the chain from there to the head so a plain verify sees a consistent log."""
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TRIGGER IF EXISTS events_no_update")
        conn.execute("DROP TRIGGER IF EXISTS events_no_delete")
        rows = conn.execute(
            "SELECT position, stream, version, type, schema_version, occurred_at, recorded_at,"
            " data, metadata, dedup_key, prev_hash, hash FROM events ORDER BY position"
        ).fetchall()
        prev = rows[position - 2][11] if position > 1 else "0" * 64
        for row in rows[position - 1 :]:
            pos, stream, version, type_, sv, occ, rec, data, meta, dedup, _, _ = row
            if pos == position and edit is not None:
                data = edit(data)
            if pos == position and recorded_at is not None:
                rec = recorded_at
            if strip_keys:
                m = json.loads(meta)
                m.pop(CHAIN_META, None)
                meta = json.dumps(m, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            digest = event_hash(
                prev, pos, stream, version, type_, sv, occ, rec, data, meta, dedup, key
            )
            conn.execute(
                "UPDATE events SET data = ?, metadata = ?, recorded_at = ?, prev_hash = ?,"
                " hash = ? WHERE position = ?",
                (data, meta, rec, prev, digest, pos),
            )
            prev = digest


def approve(data: str) -> str:
    """Change what the baseline says of a claim (its first alias)."""
    edited = data.replace('"aliases":["', '"aliases":["Forged ', 1)
    assert edited != data
    return edited


def verify(home: Path, *args: str, env: dict | None = None, ok: bool = True) -> dict:
    proc = run(home, "replay", "--verify", "--json", *args, env=env, ok=ok)
    if not ok:
        assert proc.returncode == 5, proc.stderr
    return json.loads(proc.stdout)


def configure(home: Path, **integrity: str) -> dict:
    body = "[integrity]\n" + "".join(f'{k} = "{v}"\n' for k, v in integrity.items())
    (home / "monitor.toml").write_text(body, encoding="utf-8")
    return {"MONITOR_CONFIG": str(home / "monitor.toml")}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    run(tmp_path, "init")
    run(tmp_path, "correct", "ix4", "--status", "cancelled", "--reason", "scrapped")
    return tmp_path


# ---- --expect-head ------------------------------------------------------------------------


def test_a_recomputed_rewrite_passes_the_plain_chain_but_not_an_expected_head(home: Path) -> None:
    before = verify(home)
    head, position = before["head_hash"], before["position"]
    assert verify(home, "--expect-head", head)["ok"]
    assert verify(home, "--expect-head", f"{position}:{head}")["ok"]
    rewrite(home / "monitor.db", 2, approve)
    plain = verify(home)
    assert plain["ok"], "the plain chain cannot see a recomputed rewrite (the documented limit)"
    caught = verify(home, "--expect-head", head, ok=False)
    assert caught["ok"] is False and caught["anchors"][0]["ok"] is False
    assert any("rewritten" in p for p in caught["problems"])
    assert verify(home, "--expect-head", f"{position}:{head}", ok=False)["ok"] is False


def test_an_expected_head_from_before_later_appends_still_verifies(home: Path) -> None:
    old = verify(home)
    run(home, "correct", "ix3", "--status", "cancelled", "--reason", "scrapped too")
    now = verify(home, "--expect-head", f"{old['position']}:{old['head_hash']}")
    assert now["ok"] and now["position"] == old["position"] + 1
    assert now["anchors"][0]["found_at"] == old["position"]


@pytest.mark.parametrize("value", ["abc", "x" * 64, "0:" + "a" * 64, "-1:" + "a" * 64])
def test_a_malformed_expected_head_is_bad_input(home: Path, value: str) -> None:
    proc = run(home, "replay", "--verify", "--expect-head", value, ok=False)
    assert proc.returncode == 2 and "--expect-head" in proc.stderr


def test_expect_head_needs_verify(home: Path) -> None:
    proc = run(home, "replay", "--expect-head", "a" * 64, ok=False)
    assert proc.returncode == 2 and "--verify" in proc.stderr


# ---- the anchor file ----------------------------------------------------------------------


def test_the_anchor_file_follows_every_append_and_catches_a_rewrite(tmp_path: Path) -> None:
    env = configure(tmp_path, anchor_path="anchor/head.json")
    (tmp_path / "anchor").mkdir()
    run(tmp_path, "init", env=env)
    anchor = tmp_path / "anchor" / "head.json"
    first = json.loads(anchor.read_text())
    summary = verify(tmp_path, env=env)
    assert first["position"] == summary["position"] == 17 and first["hash"] == summary["head_hash"]
    assert summary["anchors"][0]["ok"] and "mac" not in first
    run(tmp_path, "correct", "ix4", "--status", "cancelled", "--reason", "scrapped", env=env)
    second = json.loads(anchor.read_text())
    assert second["position"] == 18 and second["hash"] == verify(tmp_path, env=env)["head_hash"]
    backup = tmp_path / "backup-head.json"
    shutil.copy(anchor, backup)

    rewrite(tmp_path / "monitor.db", 2, approve)
    caught = verify(tmp_path, env=env, ok=False)
    assert any("differs from" in p for p in caught["problems"])
    # The copy held elsewhere catches it as well, with no config at all.
    assert verify(tmp_path, "--anchor", str(backup), ok=False)["ok"] is False


def test_an_anchor_catches_a_truncated_log(home: Path) -> None:
    summary = verify(home)
    with sqlite3.connect(home / "monitor.db") as conn:
        conn.execute("DROP TRIGGER events_no_delete")
        conn.execute("DELETE FROM events WHERE position = ?", (summary["position"],))
    assert verify(home)["ok"], "a shorter log is still a consistent chain"
    anchor = f"{summary['position']}:{summary['head_hash']}"
    caught = verify(home, "--expect-head", anchor, ok=False)
    assert any("truncated" in p for p in caught["problems"])


def test_a_broken_anchor_file_is_named(home: Path) -> None:
    bad = home / "head.json"
    bad.write_text('{"position": 3, "hash": "nothex"}')
    proc = run(home, "replay", "--verify", "--anchor", str(bad), ok=False)
    assert proc.returncode == 2 and f"{bad}: hash" in proc.stderr


# ---- the keyed chain ----------------------------------------------------------------------


@pytest.fixture
def keyed(tmp_path: Path) -> tuple[Path, dict, dict]:
    env = configure(tmp_path, key_env=KEY_ENV, anchor_path="head.json")
    with_key = {**env, KEY_ENV: "s3cret-chain-key"}
    run(tmp_path, "init", env=with_key)
    run(tmp_path, "correct", "ix4", "--status", "cancelled", "--reason", "x", env=with_key)
    return tmp_path, env, with_key


def test_a_keyed_chain_verifies_with_its_key_and_says_when_it_cannot(keyed) -> None:
    home, env, with_key = keyed
    summary = verify(home, env=with_key)
    assert summary["ok"] and summary["keyed_events"] == 18 and summary["macs_checked"]
    assert "mac" in json.loads((home / "head.json").read_text())
    without = verify(home, env={**env, KEY_ENV: ""})
    assert without["ok"] and not without["macs_checked"]
    assert any("NOT checked" in n and KEY_ENV in n for n in without["notes"])
    text = run(home, "replay", "--verify", env={**env, KEY_ENV: ""})
    assert "HMACs NOT checked" in text.stdout and KEY_ENV in text.stderr


def test_a_rewrite_without_the_key_is_caught_by_the_keyed_chain(keyed) -> None:
    home, env, with_key = keyed
    (home / "head.json").unlink()  # the attacker removes the anchor too
    rewrite(home / "monitor.db", 2, approve)  # recomputed with plain sha256: no key
    caught = verify(home, env=with_key, ok=False)
    assert caught["first_bad_position"] == 2
    assert any("HMAC does not match" in p for p in caught["problems"])


def test_stripping_the_keys_from_the_whole_log_is_caught(keyed) -> None:
    home, env, with_key = keyed
    (home / "head.json").unlink()
    rewrite(home / "monitor.db", 1, approve, strip_keys=True)
    caught = verify(home, env=with_key, ok=False)
    assert any("head is not keyed" in p for p in caught["problems"])


def test_a_wrong_key_does_not_verify(keyed) -> None:
    home, env, _ = keyed
    caught = verify(home, env={**env, KEY_ENV: "another key"}, ok=False)
    assert caught["first_bad_position"] == 1


def test_appending_to_a_keyed_log_without_its_key_is_refused(keyed) -> None:
    home, env, _ = keyed
    proc = run(home, "correct", "ix3", "--status", "cancelled", "--reason", "x", env=env, ok=False)
    assert proc.returncode == 2 and f"integrity.key_env: ${KEY_ENV} is not set" in proc.stderr


def test_the_daemon_refuses_to_start_on_a_keyed_log_without_its_key(keyed) -> None:
    home, env, _ = keyed
    proc = run(home, "run", "--once", env=env, ok=False)
    assert proc.returncode == 2 and f"${KEY_ENV} is not set" in proc.stderr


def test_a_keyed_export_imports_only_with_the_key(keyed, tmp_path_factory) -> None:
    home, env, with_key = keyed
    export = home / "log.jsonl"
    run(home, "export", str(export), env=with_key)
    head = verify(home, env=with_key)["head_hash"]
    other = tmp_path_factory.mktemp("other")
    other_env = configure(other, key_env=KEY_ENV)
    proc = run(other, "import", str(export), env={**other_env, KEY_ENV: ""}, ok=False)
    assert proc.returncode == 2 and "keyed" in proc.stderr
    run(other, "import", str(export), env={**other_env, KEY_ENV: "s3cret-chain-key"})
    assert verify(other, env={**other_env, KEY_ENV: "s3cret-chain-key"})["head_hash"] == head


# ---- time order (position_at relies on it) ------------------------------------------------


def test_verify_reports_times_that_go_back(home: Path) -> None:
    rewrite(home / "monitor.db", 5, recorded_at="2000-01-01T00:00:00.000000Z")
    caught = verify(home, ok=False)
    assert caught["first_bad_position"] == 5
    assert any("recorded_at" in p and "never go back" in p for p in caught["problems"])


def test_import_refuses_a_log_whose_times_go_back(home: Path, tmp_path_factory) -> None:
    rewrite(home / "monitor.db", 5, recorded_at="2000-01-01T00:00:00.000000Z")
    export = home / "log.jsonl"
    run(home, "export", str(export))
    other = tmp_path_factory.mktemp("other")
    proc = run(other, "import", str(export), ok=False)
    assert proc.returncode == 2
    assert f"{export}:5: recorded_at 2000-01-01" in proc.stderr
    assert not (other / "monitor.db").exists() or _events(other / "monitor.db") == 0


def _events(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        try:
            return conn.execute("SELECT count(*) FROM events").fetchone()[0]
        except sqlite3.OperationalError:
            return 0
