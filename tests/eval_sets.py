"""The labelled sets the detector is scored on, each against its own baseline (shared by the floor
test and `bench/RESULTS.md`'s figures)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"
SHIPPED = ROOT / "events" / "src" / "bmw-neue-klasse-2024.claims.json"
BASELINES = ROOT / "tests" / "data" / "baselines"


@dataclass(frozen=True)
class EvalSet:
    name: str
    corpora: tuple[Path, ...]
    baseline: Path

    def require(self) -> None:
        """Missing files fail in CI (`CI` set) and skip elsewhere."""
        missing = [p for p in (*self.corpora, self.baseline) if not p.is_file()]
        if missing:
            message = f"{self.name}: missing {', '.join(str(p) for p in missing)}"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)


def eval_sets() -> list[EvalSet]:
    sets = [
        EvalSet(
            "bmw-shared",
            (SHARED / "dev-reports.jsonl", SHARED / "real-dev.jsonl"),
            SHIPPED,
        ),
        EvalSet(
            "ford-2024",
            (SHARED / "ford-2024" / "reports.jsonl",),
            SHARED / "ford-2024" / "baseline.json",
        ),
        EvalSet(
            "own-reports",
            tuple(sorted((ROOT / "tests" / "data" / "reports").glob("*.jsonl"))),
            SHIPPED,
        ),
    ]
    # a baseline of our own joins once its first run is on record (FIRST_RUN.json)
    for folder in sorted(p for p in BASELINES.iterdir() if (p / "FIRST_RUN.json").is_file()):
        sets.append(EvalSet(folder.name, (folder / "reports.jsonl",), folder / "baseline.json"))
    return sets
