"""Detector throughput on ~120-word reports: the median of timed passes, not the best.

python bench/detect.py [--json] [--passes N]

The baseline is fictional (tests/data/baselines/own-kestrel: a drug, a drone, a phone, a rocket,
a factory...), and every sentence here is our own. Three report sets:
- "mixed" (the headline figure): a headline and eight body sentences, about three of which name a
  tracked subject and carry cues, the rest the context every report carries (prices, figures,
  other companies, quotes, dates);
- "dense" (the worst case): every sentence names a tracked subject and carries cues;
- "1,000 claims": the baseline grown to 1,000 claims, and mixed reports whose sentences name
  claims drawn from all 1,000 (so the matcher, the screen and the signatures do real work).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path

from monitor.baseline import claims_of
from monitor.detect import DETECTOR_VERSION, Detector
from monitor.domain.claims import Claim, Source
from monitor.domain.observations import Report

ROOT = Path(__file__).resolve().parents[1]
# A fixed copy of the fictional own-kestrel baseline as it was for rules-4 (nine claims), so that
# figures compare across detector versions while the test set itself grows.
BASELINE = ROOT / "bench" / "data" / "detect-baseline.json"
# {x} is a tracked name; each sentence carries a cue, a qualifier or a timing
TEMPLATES = [
    "Kestrel said on Monday that the {x} has been approved by the national regulator.",
    "People close to the project say the {x} may be delayed until the second half of 2027.",
    "The {x} went on sale in six countries this week, priced from 499 euros.",
    "Work on the {x} has been halted while engineers study a fault in the cooling system.",
    "Is the {x} still coming? The company would not say when asked by reporters.",
    "Northwind unveiled its own answer to the {x} at a trade fair in Hamburg.",
    "The {x} made its maiden flight from the coastal test site on Thursday morning.",
    "Series production of the {x} began in March at the plant near the harbour.",
    "The board is still weighing whether to fund the {x} beyond the pilot phase.",
    "A spokesperson denied a report that the {x} had been cancelled.",
]
CONTEXT = [
    "Shares rose 4 percent in early trading after the results beat analyst estimates.",
    "The company employs about 12,000 people across nine countries, most of them in Norway.",
    "Revenue for the quarter came to 2.3 billion euros, up from 1.9 billion a year earlier.",
    "Rivals have cut prices twice this year to defend their share of a crowded market.",
    "The chief executive told analysts that supply of key components had improved.",
    "Its battery lasts up to 30 hours and charges fully in about 90 minutes.",
    "Regulators in several markets are reviewing rules for products of this kind.",
    "The firm opened a research centre in Trondheim last spring with 300 engineers.",
    "Analysts expect demand to soften in the second half as consumers hold back.",
    "The new headquarters, designed by a Danish studio, will open in 2027.",
    "A union representing factory workers said talks on pay would resume next week.",
    "Tariffs on imported parts remain the largest risk to margins, the report said.",
    "The group spent 640 million euros on research and development last year.",
    "Customers in the south of the country have waited longest for deliveries.",
]
HEADLINES = [
    "Kestrel quarterly results: margins under pressure",
    "Regulator clears a new product",
    "First look at the year's new devices",
    "What the delays mean for customers",
    "Kestrel denies reports of a cancellation",
    "A busy week for the company's engineers",
]


def _report(key: str, title: str, body: list[str]) -> Report:
    return Report(
        key=key,
        title=title,
        text=f"<p>{' '.join(body)}</p>",
        published="2025-09-01T00:00:00Z",
        lang="en",
    )


def _names(claims: list[Claim]) -> list[str]:
    return [c.aliases[0] for c in claims if c.aliases]


def reports(n: int, names: list[str], seed: int = 7, named: int = 3) -> list[Report]:
    """Mixed reports: `named` of eight body sentences name a subject, in a random order."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        body = [rng.choice(TEMPLATES).format(x=rng.choice(names)) for _ in range(named)]
        body += rng.sample(CONTEXT, 8 - named)
        rng.shuffle(body)
        out.append(_report(f"r{i}", rng.choice(HEADLINES), body))
    return out


def dense_reports(n: int, names: list[str], seed: int = 7) -> list[Report]:
    """Every sentence names a tracked subject: the worst case."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        body = [rng.choice(TEMPLATES).format(x=rng.choice(names)) for _ in range(8)]
        out.append(_report(f"d{i}", body[0][:60], body[1:]))
    return out


def many_claims(base: list[Claim], n: int = 1000) -> list[Claim]:
    """The baseline grown to n claims with names of the shapes real ones have."""
    rng = random.Random(1)
    stems = ["Orbis", "Tern", "Vela", "Kodiak", "Halo", "Marlin", "Pica", "Sable", "Umbra"]
    kinds = ["drone", "router", "tablet", "reactor", "pump", "sensor", "module", "lander"]
    src = base[0].source if base else Source()
    extra = []
    for i in range(n - len(base)):
        stem, kind = rng.choice(stems), rng.choice(kinds)
        code = f"{stem[0]}{i:03d}"
        name = f"{stem} {code}"
        extra.append(
            Claim(
                id=f"gen-{i}",
                subject=f"{name} {kind}",
                status=rng.choice(["rumored", "expected", "in-development", "confirmed"]),
                aliases=(name, f"{name} {kind}", code, f"{kind} {code}"),
                lookalikes=(f"{name} Mini",),
                source=src,
            )
        )
    return base + extra


def rate(detector: Detector, batch: list[Report], passes: int) -> float:
    """Reports per second: the median of `passes` timed passes over the batch."""
    for r in batch[:20]:
        detector.observe(r)
    rates = []
    for _ in range(passes):
        t0 = time.perf_counter()
        for r in batch:
            detector.observe(r)
        rates.append(len(batch) / (time.perf_counter() - t0))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--passes", type=int, default=7)
    args = parser.parse_args()
    base = list(claims_of(BASELINE).values())
    names = _names(base)
    mixed, dense = reports(200, names), dense_reports(200, names)

    t0 = time.perf_counter()
    grown = many_claims(base)
    big = Detector(grown)
    compile_s = time.perf_counter() - t0
    big_mixed = reports(200, _names(grown), seed=11)
    small = Detector(base)

    def words(batch: list[Report]) -> int:
        return round(sum(len((r.title + " " + r.text).split()) for r in batch) / len(batch))

    small_rate = rate(small, mixed, args.passes)
    dense_rate = rate(small, dense, args.passes)
    big_rate = rate(big, big_mixed, args.passes)
    big_dense_rate = rate(big, dense_reports(200, _names(grown), seed=11), args.passes)
    result = {
        "detector_version": DETECTOR_VERSION,
        "passes": args.passes,
        "words_per_report": words(mixed),
        "reports_per_s": round(small_rate),
        "dense_words_per_report": words(dense),
        "dense_reports_per_s": round(dense_rate),
        "reports_per_s_1000_claims": round(big_rate),
        "dense_reports_per_s_1000_claims": round(big_dense_rate),
        "compile_1000_claims_s": round(compile_s, 3),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k}: {v}")


if __name__ == "__main__":
    main()
