"""Detector throughput: reports of ~120 words against the 17 baseline claims and 1,000 claims.

python bench/detect.py [--json] [--seconds S]

Two sets of reports, both built from whole news sentences:
- "mixed" (the headline figure): as a feed carries them, a headline and eight body sentences of
  which about three name a tracked model and the rest are the context every report carries
  (prices, specifications, markets, other makers, quotes, dates);
- "dense" (an extra figure, the worst case): every sentence names a tracked model and carries cues.
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
from monitor.domain.claims import Claim
from monitor.domain.observations import Report

ROOT = Path(__file__).resolve().parents[1]
SENTENCES = [  # each names a tracked model (or a lookalike) and carries cues
    "BMW has confirmed that the iX4 will join the range next year, a spokesperson said.",
    "Sources say the NA3 droptop has still not been signed off, as demand for convertibles falls.",
    "The two-door i4 Coupe remains on track for the second half of 2028.",
    "Series production of the iX3 has started at the new plant in Debrecen, Hungary.",
    "Meanwhile Audi has approved its own electric convertible for 2027.",
    "The Z4 will bow out in March 2026 with a Final Edition, "
    "while the 8 Series Convertible soldiers on.",
    "Could the iX7 ALPINA be revealed later this year? Insiders think it might.",
    "The company reiterated that it wants half of its sales by 2030 to be electric.",
    "Our spy photographers caught an i3 Touring prototype during winter testing in Sweden.",
    "BMW declined to comment on reports that the iX6 has been shelved.",
]
CONTEXT = [  # what else a report says: no tracked model named, cues and dates all the same
    "Prices in Germany start at 68,900 euros before incentives, the company said on Tuesday.",
    "The 108.7 kWh battery is good for a WLTP range of up to 805 km, and it charges at 400 kW.",
    "Mercedes-Benz confirmed its electric CLA will go on sale in March 2026 across Europe.",
    "Sales of electrified vehicles rose 12 percent in the third quarter, led by strong demand in "
    "Europe, while deliveries in China fell.",
    "The Munich plant has been rebuilt over the past four years at a cost of 650 million euros.",
    "Chief executive Oliver Zipse told analysts the company would not cut its margin guidance.",
    "Tariffs on cars imported into the United States remain a risk for every European maker.",
    "Dealers expect the first customer cars in the spring, a spokesperson said.",
    "Volkswagen, Audi and Porsche have all delayed electric models this year.",
    "The sixth-generation eDrive motors are 40 percent more efficient than before.",
    "Its interior swaps the dashboard for a panoramic display that spans the windscreen.",
    "A plug-in hybrid version is not planned, according to people familiar with the matter.",
    "Analysts at UBS said the order intake had been stronger than expected since September.",
    "The plant in San Luis Potosi, Mexico, will add battery assembly by the end of 2027.",
]
HEADLINES = [
    "BMW confirms the iX4 for next year",
    "NA3 droptop still waiting for a decision",
    "First drive: BMW's new electric SUV",
    "BMW quarterly results: margins under pressure",
    "Z4 Final Edition marks the end of the line",
    "EV sales in Europe climb again",
    "Spied: i3 Touring in winter testing",
    "Munich plant starts a new chapter",
]


def _report(key: str, title: str, body: list[str]) -> Report:
    return Report(
        key=key, title=title, text=f"<p>{' '.join(body)}</p>", published="2025-09-01T00:00:00Z"
    )


def reports(n: int, seed: int = 7) -> list[Report]:
    """The mixed set: three sentences of eight name a tracked model, in a random order."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        body = rng.sample(SENTENCES, 3) + rng.sample(CONTEXT, 5)
        rng.shuffle(body)
        out.append(_report(f"r{i}", rng.choice(HEADLINES), body))
    return out


def dense_reports(n: int, seed: int = 7) -> list[Report]:
    """Every sentence names a tracked model: the worst case."""
    rng = random.Random(seed)
    return [
        _report(f"d{i}", rng.choice(SENTENCES)[:60], rng.sample(SENTENCES, 7)) for i in range(n)
    ]


def many_claims(base: list[Claim], n: int = 1000) -> list[Claim]:
    rng = random.Random(1)
    words = ["Vision", "Sport", "Touring", "Coupe", "Cabrio", "GT", "Active", "Urban", "Concept"]
    extra = []
    for i in range(n - len(base)):
        name = f"{rng.choice('XZMiQ')}{i} {rng.choice(words)}"
        extra.append(
            Claim(
                id=f"gen-{i}",
                subject=name,
                status="rumored",
                aliases=(name, f"{name} EV", f"electric {name}", f"N{i:04d}"),
                lookalikes=(f"{name} concept",),
            )
        )
    return base + extra


def rate(detector: Detector, batch: list[Report], seconds: float) -> tuple[float, int]:
    """Reports per second: the median of repeated passes over the batch (at least three), and
    the number of passes. The median, not the best: a best pass flatters (it reports the
    luckiest moment of a shared machine, not what the daemon sees)."""
    for r in batch[:20]:
        detector.observe(r)
    rates: list[float] = []
    t0 = time.perf_counter()
    while len(rates) < 3 or time.perf_counter() - t0 < seconds:
        t1 = time.perf_counter()
        for r in batch:
            detector.observe(r)
        rates.append(len(batch) / (time.perf_counter() - t1))
    return statistics.median(rates), len(rates)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    base = list(claims_of(ROOT / "events/src/bmw-neue-klasse-2024.claims.json").values())
    mixed, dense = reports(200), dense_reports(200)

    def words(batch: list[Report]) -> int:
        return round(sum(len((r.title + " " + r.text).split()) for r in batch) / len(batch))

    t0 = time.perf_counter()
    big = Detector(many_claims(base))
    compile_s = time.perf_counter() - t0
    small = Detector(base)
    small_rate, passes = rate(small, mixed, args.seconds)
    big_rate, _ = rate(big, mixed, args.seconds)
    dense_rate, dense_passes = rate(small, dense, args.seconds)
    dense_big_rate, _ = rate(big, dense, args.seconds)
    result = {
        "aggregate": "median of passes over 200 reports",
        "passes": passes,
        "dense_passes": dense_passes,
        "detector_version": DETECTOR_VERSION,
        "words_per_report": words(mixed),
        "reports_per_s": round(small_rate),
        "reports_per_s_1000_claims": round(big_rate),
        "slowdown_1000_claims": round(small_rate / big_rate, 2),
        "dense_words_per_report": words(dense),
        "dense_reports_per_s": round(dense_rate),
        "dense_reports_per_s_1000_claims": round(dense_big_rate),
        "compile_1000_claims_s": round(compile_s, 3),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k}: {v}")


if __name__ == "__main__":
    main()
