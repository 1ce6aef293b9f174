"""Every held-out set under tests/data/baselines/ is a valid claims file and a valid corpus, and
its labels name claims of its own baseline: a set that fails here scores nothing honestly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitor.schemas import first_error, validator

BASELINES = Path(__file__).parent / "data" / "baselines"
SETS = sorted(p for p in BASELINES.iterdir() if (p / "baseline.json").is_file())


@pytest.mark.parametrize("folder", SETS, ids=[p.name for p in SETS])
def test_a_held_out_set_is_valid(folder: Path):
    baseline = json.loads((folder / "baseline.json").read_text(encoding="utf-8"))
    assert first_error(validator("claims.schema.json"), baseline) is None
    ids = {c["id"] for c in baseline["claims"]}
    corpus = validator("corpus.schema.json")
    lines = (folder / "reports.jsonl").read_text(encoding="utf-8").splitlines()
    seen: set[str] = set()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        item = json.loads(line)
        assert first_error(corpus, item) is None, f"{folder.name} line {n}"
        assert item["id"] not in seen, f"{folder.name} line {n}: id {item['id']} twice"
        seen.add(item["id"])
        unknown = {label["claim"] for label in item.get("labels", [])} - ids
        assert not unknown, f"{folder.name} line {n}: labels name {unknown}, not in its baseline"
    assert (folder / "NOTES.md").is_file()
    assert (folder / "FIRST_RUN.json").is_file(), "a set's first run is recorded when it joins"
