"""Would a learned model find what the rules miss on a field it has never seen? An experiment,
not part of the detector: leave-one-set-out over every labelled set.

    pip install scikit-learn   # the experiment's only extra; the detector stays pure Python
    python bench/learned_fallback.py [--threshold 0.6] [--c 1.0]

For every (report, claim) the rules name, the features are the words and word pairs of the
sentences that name the claim (the claim's own words replaced by SUBJ), each also crossed with
the claim's baseline status. A logistic model is trained on every set but one and asked about
the held-out set's pairs where the rules said nothing; it speaks when its most likely class is a
new status with at least the threshold's probability. Printed: per held-out set, the rules'
true and false positives and what the model adds, then the totals.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from eval_sets import eval_sets  # noqa: E402

from monitor.baseline import claims_of  # noqa: E402
from monitor.detect import DETECTOR_VERSION, Detector  # noqa: E402
from monitor.domain import events as ev  # noqa: E402
from monitor.domain.decide import decide  # noqa: E402
from monitor.evaluation import EVAL_NOW, english, load_corpus  # noqa: E402

WORDS = re.compile(r"[a-z][a-z'-]*|\d+")


def instances() -> tuple[list[dict], dict[str, int]]:
    """One row per (report, claim the rules name or change), and each set's labelled changes."""
    rows: list[dict] = []
    totals: dict[str, int] = {}
    for s in eval_sets():
        if s.name == "own-reports":
            continue  # the BMW baseline's own sentences: bmw-shared stands for it
        baseline = claims_of(s.baseline)
        detector = Detector(baseline.values())
        totals[s.name] = 0
        for item in english([i for c in s.corpora for i in load_corpus(c)]):
            report = item.report()
            events = decide(
                baseline,
                report,
                detector.observe(report, baseline),
                EVAL_NOW,
                detector_version=DETECTOR_VERSION,
            )
            changed = {
                e.data["claim"]: e.data["to"] for e in events if e.type == ev.CLAIM_STATUS_CHANGED
            }
            labels = {lab.claim: lab.statuses for lab in item.labels}
            totals[s.name] += sum(
                1 for c, sts in labels.items() if c in baseline and baseline[c].status not in sts
            )
            sentences: dict[str, list[str]] = {}
            for note in detector.explain(report, baseline).sentences:
                for m in note.mentions:
                    for c in m.claims:
                        sentences.setdefault(c, []).append(note.text)
            for c in set(sentences) | set(changed):
                claim = baseline[c]
                rows.append(
                    {
                        "set": s.name,
                        "base": claim.status,
                        "names": [claim.subject, *claim.aliases],
                        "rules": changed.get(c),
                        "sentences": sentences.get(c, []),
                        "gold": labels.get(c),
                    }
                )
    return rows, totals


def features(row: dict) -> dict[str, int]:
    own = {w for name in row["names"] for w in WORDS.findall(name.lower())}
    out = {"base=" + row["base"]: 1}
    for sentence in row["sentences"][:4]:
        words = ["SUBJ" if w in own else w for w in WORDS.findall(sentence.lower())]
        words = [w for w in words if not w.isdigit() or len(w) == 4]
        for a, b in zip(["<s>", *words], words, strict=False):
            out["w=" + b] = out[row["base"] + "|w=" + b] = out["b=" + a + "_" + b] = 1
    return out


def target(row: dict) -> str:
    gold = row["gold"]
    return "none" if not gold or row["base"] in gold else gold[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threshold", type=float, default=0.6)
    parser.add_argument("--c", type=float, default=1.0)
    args = parser.parse_args()
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows, totals = instances()
    sum_ = defaultdict(int)
    for held in sorted(totals):
        train = [r for r in rows if r["set"] not in (held, "bmw-shared")]
        test = [r for r in rows if r["set"] == held]
        vec = DictVectorizer()
        model = LogisticRegression(C=args.c, max_iter=2000)
        model.fit(vec.fit_transform([features(r) for r in train]), [target(r) for r in train])
        probs = model.predict_proba(vec.transform([features(r) for r in test])) if test else []
        got = defaultdict(int)
        for row, p in zip(test, probs, strict=True):
            gold = row["gold"] or ()
            if row["rules"]:
                got["rules_tp" if row["rules"] in gold else "rules_fp"] += 1
                continue
            k = max(range(len(p)), key=p.__getitem__)
            status = model.classes_[k]
            if status not in ("none", row["base"]) and p[k] >= args.threshold:
                got["model_tp" if status in gold else "model_fp"] += 1
        got["changes"] = totals[held]
        for key, value in got.items():
            sum_[key] += value
        print(f"{held:18} {_line(got)}")
    print(f"{'all':18} {_line(sum_)}")


def _line(g: dict) -> str:
    rules = g["rules_tp"] / max(1, g["rules_tp"] + g["rules_fp"])
    tp, fp = g["rules_tp"] + g["model_tp"], g["rules_fp"] + g["model_fp"]
    return (
        f"rules P {rules:.2f} R {g['rules_tp'] / max(1, g['changes']):.2f} | model adds "
        f"{g['model_tp']} right, {g['model_fp']} wrong | together P {tp / max(1, tp + fp):.2f} "
        f"R {tp / max(1, g['changes']):.2f}"
    )


if __name__ == "__main__":
    main()
