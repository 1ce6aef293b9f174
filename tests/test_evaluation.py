"""The evaluation scores exactly as shared/corpus/README.md says, and rejects bad corpus lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitor.baseline import claims_of
from monitor.detect import Detector
from monitor.evaluation import CorpusError, evaluate, load_corpus

ROOT = Path(__file__).parents[1]
BASELINE = claims_of(ROOT / "events/src/bmw-neue-klasse-2024.claims.json")


def write(tmp_path: Path, *rows: dict) -> Path:
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def row(id_: str, title: str, labels: list) -> dict:
    return {"id": id_, "title": title, "summary": "", "labels": labels}


def test_scoring_counts_tp_fp_fn_and_false_alarms(tmp_path):
    path = write(
        tmp_path,
        row(
            "a",
            "BMW has approved the i4 Convertible",
            [{"claim": "i4-convertible-na3", "status": "approved"}],
        ),
        row("b", "BMW has cancelled the iX4", []),
        row("c", "Nothing here", [{"claim": "ix6-clar", "status": "cancelled"}]),
        row(
            "d",
            "BMW has cancelled the i4 Convertible",
            [{"claim": "i4-convertible-na3", "status": ["cancelled", "unapproved"]}],
        ),
    )
    result = evaluate(load_corpus(path), BASELINE, Detector(BASELINE.values())).to_json()
    assert (result["tp"], result["fp"], result["fn"], result["items"]) == (2, 1, 1, 4)
    assert result["false_alarm_reports"] == ["b"]
    assert result["false_positives"][0]["evidence"] == "BMW has cancelled the iX4"
    assert result["per_claim"]["ix4"]["fp"] == 1 and "en" in result["per_lang"]


def test_value_accuracy_over_labels_with_values(tmp_path):
    path = write(
        tmp_path,
        row(
            "v",
            "BMW has approved the i4 Convertible for the first half of 2029",
            [{"claim": "i4-convertible-na3", "status": "approved", "value": "2029-H1"}],
        ),
    )
    result = evaluate(load_corpus(path), BASELINE, Detector(BASELINE.values())).to_json()
    assert result["value_accuracy"] == 1.0


def test_bad_line_names_file_line_and_field(tmp_path):
    path = write(
        tmp_path,
        row("a", "x", []),
        {"id": "b", "title": "x", "summary": "", "labels": [{"claim": "z"}]},
    )
    with pytest.raises(CorpusError) as err:
        load_corpus(path)
    assert f"{path}:2" in str(err.value) and "labels.0" in str(err.value)
    path.write_text("{not json\n")
    with pytest.raises(CorpusError, match=r"c.jsonl:1"):
        load_corpus(path)
