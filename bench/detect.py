"""Detector throughput: reports of ~120 words against the 17 baseline claims and 1,000 claims.

python bench/detect.py [--json] [--seconds S]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from monitor.baseline import claims_of
from monitor.detect import DETECTOR_VERSION, Detector
from monitor.domain.claims import Claim
from monitor.domain.observations import Report

ROOT = Path(__file__).resolve().parents[1]
SENTENCES = [
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


def reports(n: int, seed: int = 7) -> list[Report]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        body = " ".join(rng.sample(SENTENCES, 7))  # ~120 words
        out.append(
            Report(
                key=f"r{i}",
                title=rng.choice(SENTENCES)[:60],
                text=f"<p>{body}</p>",
                published="2025-09-01T00:00:00Z",
            )
        )
    return out


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


def rate(detector: Detector, batch: list[Report], seconds: float) -> float:
    for r in batch[:20]:
        detector.observe(r)
    done, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for r in batch:
            detector.observe(r)
        done += len(batch)
    return done / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    base = list(claims_of(ROOT / "events/src/bmw-neue-klasse-2024.claims.json").values())
    batch = reports(200)
    words = sum(len((r.title + " " + r.text).split()) for r in batch) / len(batch)
    t0 = time.perf_counter()
    big = Detector(many_claims(base))
    compile_s = time.perf_counter() - t0
    small_rate = rate(Detector(base), batch, args.seconds)
    big_rate = rate(big, batch, args.seconds)
    result = {
        "detector_version": DETECTOR_VERSION,
        "words_per_report": round(words),
        "reports_per_s": round(small_rate),
        "reports_per_s_1000_claims": round(big_rate),
        "slowdown_1000_claims": round(small_rate / big_rate, 2),
        "compile_1000_claims_s": round(compile_s, 3),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k}: {v}")


if __name__ == "__main__":
    main()
