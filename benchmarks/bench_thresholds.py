"""Benchmark: certified BP / MAP thresholds, large degrees, and the threshold command's start-up.

Prints one JSON object:

* ``rows``: for each case, ``cold_seconds`` (family code derived and compiled,
  nothing stored: ``INFOSCALING_CACHE_DIR=""``) and ``warm_seconds`` (compiled
  family cached in the process), medians of ``--repeat`` runs, with the
  certified digits and the start of the threshold;
* ``startup``: whole-process ``infoscaling threshold regular:3/regular:6 --json``
  with the derived-form store warm (issue 12 target: <= 0.8 s), median wall and
  CPU (user + sys) seconds over ``--repeat`` runs, and the first (store-filling)
  run.

Usage: python benchmarks/bench_thresholds.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

os.environ["INFOSCALING_CACHE_DIR"] = ""  # in-process rows: nothing from the store

from infoscaling.derivations.ensemble import parse_ensemble  # noqa: E402
from infoscaling.numeric import evaluate, thresholds  # noqa: E402
from infoscaling.numeric.thresholds import bp_threshold, map_threshold  # noqa: E402

CASES = [
    ("regular:3/regular:6", "bp", 50),
    ("regular:3/regular:6", "bp", 100),
    ("regular:4/regular:8", "bp", 50),
    ("poly:0,1/2,1/2/regular:6", "bp", 50),
    ("poisson:27/poisson:12", "bp", 50),
    ("regular:3/regular:6", "map", 50),
    ("regular:300/regular:600", "bp", 30),
    ("regular:100000/regular:200000", "bp", 30),
    ("concept-text:dt=6,kappa=5,eps=0.5,R=10000000", "bp", 30),
]


def _clear():
    evaluate._FAMILIES.clear()
    evaluate.compile_ensemble.cache_clear()
    evaluate.critical_brackets.cache_clear()
    evaluate.local_minima.cache_clear()
    thresholds._closed_form_of.cache_clear()
    thresholds._closed_form_ball_fn.cache_clear()
    thresholds._maxwell.cache_clear()


def _process(argv, env) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(argv, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def startup(repeat: int) -> dict:
    argv = [sys.executable, "-m", "infoscaling", "threshold", "regular:3/regular:6", "--json"]
    with tempfile.TemporaryDirectory() as store:
        env = dict(os.environ, INFOSCALING_CACHE_DIR=store)
        first = _process(argv, env)
        runs = [_process(argv, env) for _ in range(repeat)]
    return {"command": "infoscaling threshold regular:3/regular:6 --json",
            "first_run_wall_seconds": first[0], "first_run_cpu_seconds": first[1],
            "wall_seconds": statistics.median(r[0] for r in runs),
            "cpu_seconds": statistics.median(r[1] for r in runs), "target_seconds": 0.8}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rows = []
    for spec, kind, dps in CASES:
        fn = bp_threshold if kind == "bp" else map_threshold
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
        rows.append({"ensemble": spec, "kind": kind, "dps": dps, "digits_certified": r.digits,
                     "threshold_prefix": r.text[:20], "cold_seconds": statistics.median(cold),
                     "warm_seconds": statistics.median(warm)})
    print(json.dumps({"benchmark": "thresholds", "repeat": args.repeat, "rows": rows,
                      "startup": startup(max(args.repeat, 5))}, indent=2))


if __name__ == "__main__":
    main()
