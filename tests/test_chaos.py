"""The chaos harness, short: the real daemon SIGKILLed a few times loses and duplicates nothing.

The full run is `python bench/chaos.py --kills 50 --json`; this runs its core with 5 kills.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "chaos.py"


def harness() -> ModuleType:
    """bench/ is not a package: load the harness from its file."""
    if "bench_chaos" in sys.modules:
        return sys.modules["bench_chaos"]
    spec = importlib.util.spec_from_file_location("bench_chaos", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_chaos"] = module
    spec.loader.exec_module(module)
    return module


def assert_invariants(figures: dict[str, Any]) -> None:
    assert figures.get("early_exits", []) == [], figures
    # the figures that say why a run never settled, in full (pytest cuts a long dict short)
    settled = {k: figures.get(k) for k in ("outbox", "final_s", "leftover_leases", "events")}
    assert figures["final_quiescent"], (settled, figures.get("daemon_error_lines"))
    assert figures["final_exit_code"] == 0, figures
    assert figures["reports_recorded"] == figures["reports_published"] > 0, figures
    assert figures["reports_unexpected"] == 0, figures
    assert figures["duplicate_events"] == 0, figures
    assert figures["changes_expected"] > 0, figures
    assert figures["changes_recorded"] == figures["changes_expected"], figures
    assert figures["changes_match"], figures
    assert figures["emails_delivered"] == figures["emails_expected"], figures
    assert figures["emails_unknown"] == 0, figures  # a resend carries the row's Message-ID
    if "kills" in figures:  # at least once, a resend per kill at most: not spam
        assert figures["duplicate_emails"] <= figures["kills"], figures
        assert figures["duplicate_emails_within_kills"], figures
    assert figures["verify_ok"], figures
    assert figures["projections_match"], figures
    assert figures["ok"], figures


@pytest.mark.timeout(120)
def test_a_daemon_killed_five_times_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    figures = harness().run_chaos(
        5, feeds=3, per_kill=4, min_up=0.5, max_up=2.5, final_timeout=60, keep=tmp_path
    )
    assert figures["kills"] == 5
    assert_invariants(figures)


@pytest.mark.postgres
@pytest.mark.timeout(120)
def test_a_daemon_on_postgres_killed_five_times_loses_nothing(
    postgres_url: str, tmp_path: Path
) -> None:
    figures = harness().run_chaos(
        5,
        db=postgres_url,  # the harness makes a fresh database of its own on this server
        feeds=3,
        per_kill=4,
        min_up=0.5,
        max_up=2.5,
        final_timeout=60,
        keep=tmp_path,
    )
    assert figures["database"] == "postgresql"
    assert_invariants(figures)
