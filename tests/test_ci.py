"""CI cannot pass by skipping: `.ci/run` sets CI=1, and with CI set the tests that need
PostgreSQL or ../shared fail when what they need is missing (run here in a child pytest)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pytest(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )


def test_the_ci_script_sets_ci_before_running_the_tests() -> None:
    lines = [line.strip() for line in (ROOT / ".ci/run").read_text().splitlines()]
    exported = next(i for i, line in enumerate(lines) if line == "export CI=1")
    runs = next(i for i, line in enumerate(lines) if "pytest" in line and not line.startswith("#"))
    assert exported < runs


def test_with_ci_set_a_postgres_test_without_postgres_fails_instead_of_skipping() -> None:
    test = "tests/test_daemons.py::test_two_daemons_share_the_feeds_exactly_once"
    proc = _pytest(test, env={"CI": "1", "MONITOR_TEST_POSTGRES_URL": ""})
    assert proc.returncode == 1, proc.stdout
    assert "1 error" in proc.stdout and "CI must run the PostgreSQL tests" in proc.stdout
    laptop = _pytest(test, env={"CI": "", "MONITOR_TEST_POSTGRES_URL": ""})
    assert laptop.returncode == 0 and "1 skipped" in laptop.stdout


def test_the_daemons_postgres_test_carries_the_postgres_marker() -> None:
    proc = _pytest("--collect-only", "-m", "postgres", "tests/test_daemons.py", env={})
    assert "test_two_daemons_share_the_feeds_exactly_once" in proc.stdout
    assert "test_monitor_run_stops_cleanly_on_sigterm" not in proc.stdout
