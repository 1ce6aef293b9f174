"""Running the CLI as a user does: `python -m monitor.cli` in a folder, with no config file or
database URL leaking in from the environment of whoever runs the tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_monitor(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "monitor.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "MONITOR_CONFIG": "", "MONITOR_DATABASE_URL": "", **(env or {})},
    )
