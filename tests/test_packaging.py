"""An installed (non-editable) package carries its schemas and baseline and runs anywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_ships_schemas_and_events_and_runs_from_an_empty_directory(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = dist.glob("monitor-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "monitor/_data/schemas/config.schema.json" in names
    assert "monitor/_data/schemas/events/ClaimAsserted.v1.json" in names
    assert "monitor/_data/events/bmw-neue-klasse-2024.jsonl" in names
    assert any(n.startswith("monitor/notify/templates/") for n in names)
    assert "monitor/detect/lexicon.json" in names
    assert "monitor/web/templates/claims.html" in names
    assert "monitor/web/static/style.css" in names
    assert any(n.startswith("monitor/store/migrations/versions/") for n in names)

    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "MONITOR_CONFIG": "", "MONITOR_DATABASE_URL": ""}

    def monitor(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "monitor", *args],
            cwd=empty,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    where = subprocess.run(
        [sys.executable, "-c", "import monitor; print(monitor.__file__)"],
        cwd=empty,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.strip().startswith(str(site))
    init = monitor("init")
    assert init.returncode == 0, init.stderr
    claims = json.loads(monitor("claims", "--json").stdout)
    assert len(claims) == 17
    assert json.loads(monitor("replay", "--verify", "--json").stdout)["ok"] is True
