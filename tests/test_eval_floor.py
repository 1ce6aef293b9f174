"""The detector may not get worse on the shared corpora than the floor recorded beside it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from monitor.baseline import claims_of
from monitor.detect import Detector
from monitor.domain import events as ev
from monitor.domain.decide import decide
from monitor.evaluation import english, evaluate, load_corpus

ROOT = Path(__file__).parents[1]
SHARED = Path(__file__).parents[1].parent / "shared/corpus"
CORPORA = ("dev-reports.jsonl", "real-dev.jsonl")
FLOOR = json.loads((ROOT / "tests/data/eval_floor.json").read_text(encoding="utf-8"))
BASELINE = claims_of(ROOT / "events/src/bmw-neue-klasse-2024.claims.json")


def _items():
    missing = [name for name in CORPORA if not (SHARED / name).is_file()]
    if missing:
        message = f"shared corpus missing: {', '.join(str(SHARED / m) for m in missing)}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return [item for name in CORPORA for item in load_corpus(SHARED / name)]


def test_english_figures_stay_at_or_above_the_floor():
    result = evaluate(english(_items()), BASELINE, Detector(BASELINE.values()))
    got = result.to_json()
    for key in ("precision", "recall", "f1"):
        assert got[key] >= FLOOR[key], (
            key,
            got[key],
            got["false_positives"],
            got["false_negatives"],
        )


def test_non_english_reports_raise_no_alarm():
    detector = Detector(BASELINE.values())
    foreign = [i for i in _items() if i.lang.split("-")[0] != "en"]
    assert foreign
    for item in foreign:
        report = item.report()
        events = decide(BASELINE, report, detector.observe(report), "2026-01-01T00:00:00Z")
        assert not [e for e in events if e.type == ev.CLAIM_STATUS_CHANGED], item.id
