"""Benchmark: time to 50 and to 100 verified digits of BP (and MAP) thresholds.

Prints one JSON object.  Each timing is cold (SymPy derivation + lambdify +
scan + two-precision verification) and warm (compiled ensemble cached), median
of ``--repeat`` runs.

Usage: python benchmarks/bench_thresholds.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from infoscaling.derivations.ensemble import parse_ensemble
from infoscaling.numeric import evaluate
from infoscaling.numeric.thresholds import bp_threshold, map_threshold

CASES = [
    ("regular:3/regular:6", "bp"),
    ("regular:4/regular:8", "bp"),
    ("poly:0,1/2,1/2/regular:6", "bp"),
    ("poisson:27/poisson:12", "bp"),
    ("regular:3/regular:6", "map"),
]


def _clear():
    evaluate.compile_ensemble.cache_clear()
    evaluate.critical_brackets.cache_clear()
    evaluate.local_minima.cache_clear()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rows = []
    for spec, kind in CASES:
        fn = bp_threshold if kind == "bp" else map_threshold
        for dps in (50, 100):
            cold, warm = [], []
            for _ in range(args.repeat):
                _clear()
                ens = parse_ensemble(spec)
                t0 = time.perf_counter()
                r = fn(ens, dps=dps)
                cold.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                r = fn(ens, dps=dps)
                warm.append(time.perf_counter() - t0)
            rows.append({"ensemble": spec, "kind": kind, "dps": dps, "digits_verified": r.digits,
                         "threshold_prefix": r.text[:20], "cold_seconds": statistics.median(cold),
                         "warm_seconds": statistics.median(warm)})
    print(json.dumps({"benchmark": "thresholds", "repeat": args.repeat, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
