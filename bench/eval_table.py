"""The accuracy table of bench/RESULTS.md: every labelled set (tests/eval_sets.py), scored
against its own baseline, beside its first run (SET/FIRST_RUN.json) where it has one.

python bench/eval_table.py            (markdown, one row a set)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from eval_sets import BASELINES, eval_sets  # noqa: E402

from monitor.baseline import claims_of  # noqa: E402
from monitor.detect import Detector  # noqa: E402
from monitor.evaluation import english, evaluate, load_corpus  # noqa: E402


def _figures(result: dict) -> str:
    ev = result["event_level"]
    return f"{result['precision']:.2f} / {result['recall']:.2f} / {ev['found']}/{ev['events']}"


def main() -> None:
    print(
        "| set | reports (en) | changes (en) | first run P / R / events | now P / R / events "
        "| now, English P / R / events | value accuracy |"
    )
    print("|---|---|---|---|---|---|---|")
    for s in eval_sets():
        baseline = claims_of(s.baseline)
        items = [i for p in s.corpora for i in load_corpus(p)]
        detector = Detector(baseline.values())
        every = evaluate(items, baseline, detector).to_json()
        en_items = english(items)
        en = evaluate(en_items, baseline, detector).to_json()
        first_path = BASELINES / s.name / "FIRST_RUN.json"
        first = "(seen while building)"
        if first_path.is_file():
            f = json.loads(first_path.read_text(encoding="utf-8"))
            first = f"{_figures(f)} ({f['detector']})"
        changes = en["tp"] + en["fn"]
        va = every.get("value_accuracy")
        print(
            f"| {s.name} | {len(items)} ({len(en_items)}) | {changes} | {first} | "
            f"{_figures(every)} | {_figures(en)} | {'-' if va is None else f'{va:.2f}'} |"
        )


if __name__ == "__main__":
    main()
