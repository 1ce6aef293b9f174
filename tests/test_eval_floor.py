"""The detector may not get worse on any labelled set than the floor recorded for it, and no
report in another language may raise an alarm."""

from __future__ import annotations

import json

import pytest
from eval_sets import ROOT, EvalSet, eval_sets

from monitor.baseline import claims_of
from monitor.detect import Detector
from monitor.domain import events as ev
from monitor.domain.decide import decide
from monitor.evaluation import english, evaluate, load_corpus

FLOOR = json.loads((ROOT / "tests/data/eval_floor.json").read_text(encoding="utf-8"))
SETS = eval_sets()


def _score(s: EvalSet) -> dict:
    s.require()
    baseline = claims_of(s.baseline)
    items = [i for p in s.corpora for i in load_corpus(p)]
    detector = Detector(baseline.values())
    return evaluate(english(items), baseline, detector).to_json()


def test_every_set_has_a_floor():
    assert sorted(FLOOR["sets"]) == sorted(s.name for s in SETS)


@pytest.mark.parametrize("s", SETS, ids=[s.name for s in SETS])
def test_english_figures_stay_at_or_above_the_floor(s: EvalSet):
    got = _score(s)
    floor = FLOOR["sets"][s.name]
    figures = {
        "precision": got["precision"],
        "recall": got["recall"],
        "event_recall": got["event_level"]["recall"],
    }
    for key, value in figures.items():
        assert value >= floor[key], (key, value, got["false_positives"], got["false_negatives"])


@pytest.mark.parametrize("s", SETS, ids=[s.name for s in SETS])
def test_non_english_reports_raise_no_alarm(s: EvalSet):
    s.require()
    baseline = claims_of(s.baseline)
    detector = Detector(baseline.values())
    for path in s.corpora:
        for item in load_corpus(path):
            if item.lang.split("-")[0] == "en":
                continue
            report = item.report()
            events = decide(baseline, report, detector.observe(report), "2026-01-01T00:00:00Z")
            assert not [e for e in events if e.type == ev.CLAIM_STATUS_CHANGED], item.id
