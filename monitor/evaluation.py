"""Scoring the detector against labelled reports, exactly as shared/corpus/README.md says.

Pure but for `load_corpus`. A predicted change is a `ClaimStatusChanged` that `decide` returns for
the report against the baseline state; scoring is over (report, claim, new status) triples whose
status differs from the baseline.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from monitor.detect import DETECTOR_VERSION, Detector
from monitor.domain import events as ev
from monitor.domain.claims import Claim
from monitor.domain.decide import DEFAULT_THRESHOLD, decide
from monitor.domain.observations import Report
from monitor.errors import ValidationError
from monitor.resources import schemas_dir

EVAL_NOW = "2026-01-01T00:00:00Z"


class CorpusError(ValidationError, ValueError):
    """A corpus line that does not match schemas/corpus.schema.json: names file, line, field."""


@dataclass(frozen=True, slots=True)
class Label:
    claim: str
    statuses: tuple[str, ...]
    value: str | None = None


@dataclass(frozen=True, slots=True)
class CorpusItem:
    id: str
    title: str
    summary: str
    labels: tuple[Label, ...] = ()
    link: str = ""
    published: str | None = None
    source: str = ""
    lang: str = "en"

    def report(self) -> Report:
        return Report(
            key=self.id,
            title=self.title,
            text=self.summary,
            link=self.link,
            published=self.published,
            source=self.source,
            lang=self.lang,
        )


@cache
def _corpus_validator() -> Any:
    import jsonschema

    schema = json.loads((schemas_dir() / "corpus.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def parse_item(data: Any, where: str) -> CorpusItem:
    errors = sorted(_corpus_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        field_ = ".".join(str(p) for p in err.absolute_path) or "(the line)"
        raise CorpusError(f"{where}: field {field_}: {err.message}")
    labels = tuple(
        Label(
            claim=lab["claim"],
            statuses=tuple([lab["status"]] if isinstance(lab["status"], str) else lab["status"]),
            value=lab.get("value"),
        )
        for lab in data["labels"]
    )
    return CorpusItem(
        id=data["id"],
        title=data["title"],
        summary=data["summary"],
        labels=labels,
        link=data.get("link") or "",
        published=data.get("published"),
        source=data.get("source") or "",
        lang=data.get("lang") or "en",
    )


def load_corpus(path: Path | str) -> list[CorpusItem]:
    """Every line of a JSON Lines corpus, validated; CorpusError names file, line and field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    items: list[CorpusItem] = []
    seen: set[str] = set()
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{path}:{n}: not JSON: {exc.msg} (column {exc.colno})") from exc
        item = parse_item(data, f"{path}:{n}")
        if item.id in seen:
            raise CorpusError(f"{path}:{n}: field id: {item.id!r} appears twice")
        seen.add(item.id)
        items.append(item)
    return items


def english(items: Iterable[CorpusItem]) -> list[CorpusItem]:
    return [i for i in items if i.lang.split("-")[0] == "en"]


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def figures(self) -> dict[str, Any]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class EvalResult:
    total: Tally = field(default_factory=Tally)
    items: int = 0
    per_claim: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    per_lang: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    values: Counter[str] = field(default_factory=Counter)
    false_positives: list[dict[str, Any]] = field(default_factory=list)
    false_negatives: list[dict[str, Any]] = field(default_factory=list)
    false_alarm_reports: list[str] = field(default_factory=list)
    value_misses: list[dict[str, Any]] = field(default_factory=list)
    threshold: float = DEFAULT_THRESHOLD
    # event level: (claim, new status) -> the reports that say so, and those that yielded it
    events: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    events_found: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def event_figures(self) -> dict[str, Any]:
        """A real change counts as found when at least one report of the set yields it: a user
        needs one email per event, not one per outlet."""
        total = len(self.events)
        found = sum(1 for k in self.events if self.events_found.get(k))
        return {
            "events": total,
            "found": found,
            "recall": round(found / total, 4) if total else 1.0,
            "missed": [
                {"claim": c, "status": s, "reports": self.events[(c, s)]}
                for (c, s) in sorted(self.events)
                if not self.events_found.get((c, s))
            ],
        }

    @property
    def precision(self) -> float:
        return self.total.figures()["precision"]

    @property
    def recall(self) -> float:
        return self.total.figures()["recall"]

    @property
    def f1(self) -> float:
        return self.total.figures()["f1"]

    def to_json(self) -> dict[str, Any]:
        n_values = self.values["right"] + self.values["wrong"]
        return {
            **self.total.figures(),
            "items": self.items,
            "threshold": self.threshold,
            "detector_version": DETECTOR_VERSION,
            "value_accuracy": round(self.values["right"] / n_values, 4) if n_values else None,
            "values_scored": n_values,
            "per_claim": {k: v.figures() for k, v in sorted(self.per_claim.items())},
            "per_lang": {k: v.figures() for k, v in sorted(self.per_lang.items())},
            "false_positives": self.false_positives,
            "false_negatives": self.false_negatives,
            "false_alarm_reports": self.false_alarm_reports,
            "value_misses": self.value_misses,
            "event_level": self.event_figures(),
        }


def evaluate(
    items: Sequence[CorpusItem],
    baseline: Mapping[str, Claim],
    detector: Detector,
    threshold: float = DEFAULT_THRESHOLD,
) -> EvalResult:
    result = EvalResult(threshold=threshold)
    for item in items:
        result.items += 1
        report = item.report()
        observations = detector.observe(report, baseline)
        evidence = {o.claim: o.evidence for o in observations}
        events = decide(
            baseline,
            report,
            observations,
            EVAL_NOW,
            threshold=threshold,
            detector_version=DETECTOR_VERSION,
        )
        changed = {
            e.data["claim"]: e.data["to"] for e in events if e.type == ev.CLAIM_STATUS_CHANGED
        }
        values = {e.data["claim"]: e.data["to"] for e in events if e.type == ev.CLAIM_VALUE_CHANGED}
        labels = {lab.claim: lab for lab in item.labels}
        lang = item.lang.split("-")[0]

        def row(
            claim: str,
            predicted: str | None,
            expected: Sequence[str] | None,
            item: CorpusItem = item,
            evidence: dict[str, str] = evidence,
        ) -> dict[str, Any]:
            base = baseline.get(claim)
            return {
                "report": item.id,
                "claim": claim,
                "baseline": base.status if base else None,
                "predicted": predicted,
                "expected": list(expected) if expected else None,
                "evidence": evidence.get(claim, ""),
            }

        labelled_change = any(
            baseline.get(lab.claim) is None or baseline[lab.claim].status not in lab.statuses
            for lab in item.labels
        )
        for claim, status in sorted(changed.items()):
            lab = labels.get(claim)
            if lab is not None and status in lab.statuses:
                _count(result, claim, lang, "tp")
            else:
                _count(result, claim, lang, "fp")
                result.false_positives.append(row(claim, status, lab.statuses if lab else None))
        for claim, lab in sorted(labels.items()):
            base = baseline.get(claim)
            if base is not None and base.status in lab.statuses:
                continue  # "no change" is acceptable
            event = (claim, next(s for s in lab.statuses if base is None or s != base.status))
            result.events.setdefault(event, []).append(item.id)
            if changed.get(claim) in lab.statuses:
                result.events_found.setdefault(event, []).append(item.id)
            else:
                _count(result, claim, lang, "fn")
                result.false_negatives.append(row(claim, changed.get(claim), lab.statuses))
        wrong = [c for c, st in changed.items() if c not in labels or st not in labels[c].statuses]
        if wrong and not labelled_change:
            result.false_alarm_reports.append(item.id)
        for lab in item.labels:
            if lab.value is None:
                continue
            base = baseline.get(lab.claim)
            got = values.get(lab.claim, base.value if base else None)
            if _same_timing(got, lab.value):
                result.values["right"] += 1
            else:
                result.values["wrong"] += 1
                result.value_misses.append(
                    {"report": item.id, "claim": lab.claim, "predicted": got, "expected": lab.value}
                )
    return result


def _same_timing(got: str | None, label: str) -> bool:
    """The labelled value, or a more precise date inside it ("2026-02-08" for "2026-02")."""
    if got is None:
        return False
    return got == label or (got.startswith(label + "-") and label[:4].isdigit())


def _count(result: EvalResult, claim: str, lang: str, kind: str) -> None:
    for tally in (result.total, result.per_claim[claim], result.per_lang[lang]):
        setattr(tally, kind, getattr(tally, kind) + 1)


def main(argv: Sequence[str] | None = None) -> int:
    """python -m monitor.evaluation CORPUS.jsonl... [--claims FILE] [--all-languages]"""
    import argparse

    from monitor.baseline import claims_of

    here = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(prog="python -m monitor.evaluation")
    parser.add_argument("corpus", nargs="+", type=Path)
    parser.add_argument(
        "--claims", type=Path, default=here / "events" / "src" / "bmw-neue-klasse-2024.claims.json"
    )
    parser.add_argument("--all-languages", action="store_true")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    args = parser.parse_args(argv)
    baseline = claims_of(args.claims)
    items = [i for p in args.corpus for i in load_corpus(p)]
    if not args.all_languages:
        items = english(items)
    result = evaluate(items, baseline, Detector(baseline.values()), args.threshold)
    print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
