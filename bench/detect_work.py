"""The detector's work per report in instructions, which a busy or slow machine does not change
(wall-clock figures here swing by 30 % or more between runs on a shared machine).

    valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        python bench/detect_work.py {mixed|dense} PASSES [--root CHECKOUT]

Run it with PASSES 1 and PASSES 0 and subtract the "Collected" totals: what is left is one pass
over the 200 reports of `bench/detect.py`'s set (same fixed baseline, same generator). `--root`
runs another checkout's detector on the same reports (an older commit in a git worktree), so two
versions compare instruction for instruction.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["mixed", "dense"])
    parser.add_argument("passes", type=int)
    parser.add_argument("--root", type=Path, default=HERE.parent)
    args = parser.parse_args()
    sys.path.insert(0, str(args.root.resolve()))
    spec = importlib.util.spec_from_file_location("bench_detect", HERE / "detect.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    base = list(bench.claims_of(bench.BASELINE).values())
    names = bench._names(base)
    batch = bench.dense_reports(200, names) if args.kind == "dense" else bench.reports(200, names)
    detector = bench.Detector(base)
    for report in batch[:20]:  # warm the caches, as bench/detect.py does
        detector.observe(report)
    for _ in range(args.passes):
        for report in batch:
            detector.observe(report)


if __name__ == "__main__":
    main()
