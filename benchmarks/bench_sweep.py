"""Benchmark: the 200-point compute-optimal sweep of MODEL.md section 4 at >= 20 verified digits.

d_t = 6, eps = 0.5, C' on a log grid from 1e2 to 1e20 (200 points).  Prints
one JSON object: wall time, time per point, the slowest point, how many
points were verified to the requested digits, and the speed-up against the
published notebook's ~1 s per point (float128, with its window artefacts).

Usage: ``python benchmarks/bench_sweep.py [--points 200] [--dps 20] [--no-exponent]``

mpmath's speed depends on its integer backend: with gmpy2 installed
(``mpmath_backend: gmpy``) the sweep runs about 1.7x faster than with the
pure-Python backend.
"""

from __future__ import annotations

import argparse
import json
import math
import time

import numpy as np
from infoscaling.numeric.optimum import finite_optimum

REFERENCE_SECONDS_PER_POINT = 1.0


def _backend() -> str:
    import mpmath.libmp

    return str(mpmath.libmp.BACKEND)  # 'gmpy' (gmpy2 installed) or 'python'


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=200)
    ap.add_argument("--dps", type=int, default=20)
    ap.add_argument("--no-exponent", action="store_true")
    args = ap.parse_args(argv)
    grid = np.logspace(2, 20, args.points)
    finite_optimum(6, 0.5, 1e6, args.dps)  # warm-up: lambdify / compile once (not timed)
    times, digits, kinds = [], [], {}
    ratio = None
    t0 = time.perf_counter()
    for cp in grid:
        t = time.perf_counter()
        warm = None if ratio is None else ratio * math.sqrt(cp)
        r = finite_optimum(6, 0.5, float(cp), args.dps, warm=warm, exponent=not args.no_exponent)
        ratio = float(r.R) / math.sqrt(cp)
        times.append(time.perf_counter() - t)
        digits.append(r.digits)
        kind = r.kind if r.edge is None else "boundary"
        kinds[kind] = kinds.get(kind, 0) + 1
    wall = time.perf_counter() - t0
    per = wall / len(grid)
    out = {
        "benchmark": "sweep dt=6 eps=0.5 C'=1e2..1e20",
        "points": len(grid),
        "dps": args.dps,
        "local_exponent": not args.no_exponent,
        "wall_seconds": round(wall, 3),
        "seconds_per_point": round(per, 5),
        "ms_per_point": round(1e3 * per, 2),
        "median_ms_per_point": round(1e3 * float(np.median(times)), 2),
        "max_ms_per_point": round(1e3 * max(times), 2),
        "slowest_C_prime": float(grid[int(np.argmax(times))]),
        "min_verified_digits": int(min(digits)),
        "points_verified": int(sum(d >= args.dps for d in digits)),
        "optimum_kinds": kinds,
        "speedup_vs_reference_1s_per_point": round(REFERENCE_SECONDS_PER_POINT / per, 1),
        "target_ms_per_point": 20.0,
        "meets_target": per < 0.020,
        "mpmath_backend": _backend(),
    }
    print(json.dumps(out, sort_keys=True))
    return out


if __name__ == "__main__":
    main()
