"""Why the detector misses what it misses, per labelled set: each false negative (English) is
classed by whether the claim was named at all, named without a status cue in scope, or read with
too little confidence or another status.

python bench/detect_misses.py [SET ...]     (set names as in tests/eval_sets.py)
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from eval_sets import eval_sets  # noqa: E402

from monitor.baseline import claims_of  # noqa: E402
from monitor.detect import Detector  # noqa: E402
from monitor.domain.decide import DEFAULT_THRESHOLD  # noqa: E402
from monitor.evaluation import english, evaluate, load_corpus  # noqa: E402


def main(only: list[str]) -> None:
    for s in eval_sets():
        if only and s.name not in only:
            continue
        baseline = claims_of(s.baseline)
        items = {i.id: i for p in s.corpora for i in english(load_corpus(p))}
        detector = Detector(baseline.values())
        result = evaluate(list(items.values()), baseline, detector).to_json()
        kinds: Counter[str] = Counter()
        for miss in result["false_negatives"]:
            seen = {o.claim: o for o in detector.observe(items[miss["report"]].report(), baseline)}
            o = seen.get(miss["claim"])
            if o is None:
                kinds["not named"] += 1
            elif o.status is None:
                kinds["named, no cue in scope"] += 1
            elif o.confidence < DEFAULT_THRESHOLD:
                kinds[f"only suspected ({o.status})"] += 1
            else:
                kinds[f"another status ({o.status})"] += 1
        print(f"{s.name}: {len(result['false_negatives'])} missed", dict(kinds.most_common()))


if __name__ == "__main__":
    main(sys.argv[1:])
