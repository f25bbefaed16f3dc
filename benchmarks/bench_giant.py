"""Benchmark: giant-component estimation and skill-curve computation (prints one JSON object).

Giant component of G(n, 2/n) for n = 1e5, 1e6, 1e7 (each size in a fresh
subprocess so that its peak resident memory is its own): sampling time
(exact G(n, p) by geometric skips), component time (the default union-find
kernel, C when it compiles; the numba twin timed beside it on the same edges,
and the two arrays required equal), edges per second, largest fraction, peak
RSS.  At n = 1e5 the same edge list
is handed to networkx (graph construction + connected_components), the
ratio is networkx time / ours.

Skill curves at the paper's settings (100 levels x 200 compute points): the
path, the exact tails with mpmath (15 digits) for all 20 000 (level, C')
points, the float64 tails + gammas + accuracy for both level distributions.

Usage: ``python benchmarks/bench_giant.py [--sizes 1e5,1e6,1e7] [--repeats 3]``
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def _one(n: int, repeats: int, with_networkx: bool) -> dict:
    import numpy as np
    from infoscaling.numeric import graphsim
    from infoscaling.numeric.graphsim import component_sizes, gnp_edges

    component_sizes(3, np.array([0]), np.array([1]))  # compile (cached) outside the timing
    numba_kernel = graphsim._NUMBA.load()["_uf_component_weights"]
    no_weight = np.zeros(0, dtype=np.int64)
    numba_kernel(3, np.array([0]), np.array([1]), no_weight, True)
    best_numba = float("inf")
    p = 2.0 / (n - 1)
    best_sample, best_comp, m, frac = float("inf"), float("inf"), 0, 0.0
    src = dst = None
    for r in range(repeats):
        t0 = time.perf_counter()
        src, dst = gnp_edges(n, p, np.random.default_rng(1000 + r))
        t1 = time.perf_counter()
        sizes = component_sizes(n, src, dst)
        t2 = time.perf_counter()
        twin = numba_kernel(n, src, dst, no_weight, True)
        t3 = time.perf_counter()
        assert np.array_equal(sizes, twin), "the default and numba union-find kernels disagree"
        best_sample = min(best_sample, t1 - t0)
        best_comp = min(best_comp, t2 - t1)
        best_numba = min(best_numba, t3 - t2)
        m = int(src.size)
        frac = float(sizes.max() / n)
    out = {
        "n": n, "edges": m, "largest_fraction": frac,
        "sample_seconds": best_sample, "components_seconds": best_comp,
        "components_kernel": "c" if graphsim._component_kernel() is graphsim.graphsim_c.component_weights else "numba",
        "components_seconds_numba_twin": best_numba,
        "edges_per_second_components": m / best_comp,
        "edges_per_second_total": m / (best_sample + best_comp),
        "repeats": repeats,
    }
    if with_networkx:
        import networkx as nx

        t0 = time.perf_counter()
        g = nx.Graph()
        g.add_nodes_from(range(n))
        g.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
        big = max(len(c) for c in nx.connected_components(g))
        nx_time = time.perf_counter() - t0
        assert big == int(frac * n + 0.5), "networkx and union-find disagree"
        out["networkx_seconds"] = nx_time
        out["speedup_vs_networkx_components"] = nx_time / best_comp
        out["speedup_vs_networkx_total_incl_sampling"] = nx_time / (best_sample + best_comp)
    out["peak_rss_MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return out


def _skills() -> dict:
    import mpmath as mp
    import numpy as np
    from infoscaling.numeric import skills as ns

    grid = np.logspace(2, 20, 200)
    t0 = time.perf_counter()
    R, T, info = ns.compute_path(grid)
    t_path = time.perf_counter() - t0

    s = ns.SkillSettings()
    Rr = np.rint(R)
    M = (Rr * (Rr - 1) // 2).astype(object)
    p = np.minimum(6.0 / Rr, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(p >= 1, 1.0, -np.expm1(T * np.log1p(-p * p)))
    pss = q / (s.S * s.S)
    t0 = time.perf_counter()
    worst = 0.0
    ftails = ns._tails(R, T, s)
    with mp.workdps(15):
        for i, eta in enumerate(s.eta):
            for j in range(grid.size):
                v = ns.tail_exact(int(Rr[j] * (Rr[j] - 1) // 2), mp.mpf(float(pss[j])), int(eta))
                f = ftails[i, j]
                if v > 1e-280:
                    worst = max(worst, abs(float(v) - f) / float(v))
    t_exact = time.perf_counter() - t0

    t0 = time.perf_counter()
    for levels in ("unimodal", "multimodal"):
        ns.accuracy_curve(R, T, ns.SkillSettings(levels=levels))
    t_curves = time.perf_counter() - t0
    del M
    return {
        "levels": s.L, "compute_points": int(grid.size), "path": info["path"],
        "path_seconds": t_path,
        "exact_tails_mpmath_seconds": t_exact, "exact_tails_count": int(s.L * grid.size),
        "max_rel_diff_float_vs_exact_tail": worst,
        "float_curves_seconds_both_distributions": t_curves,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1e5,1e6,1e7")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--one", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--networkx", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--skip-skills", action="store_true")
    args = ap.parse_args(argv)
    if args.one is not None:
        print(json.dumps(_one(int(float(args.one)), args.repeats, args.networkx)))
        return 0
    sizes = [int(float(v)) for v in args.sizes.split(",")]
    rows = []
    for n in sizes:
        cmd = [sys.executable, __file__, "--one", str(n), "--repeats", str(args.repeats)]
        if n == 100_000:
            cmd.append("--networkx")
        proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
        rows.append(json.loads(proc.stdout))
    out = {"giant_gnp_c2": rows}
    nx_rows = [r for r in rows if "networkx_seconds" in r]
    if nx_rows:
        out["speedup_vs_networkx_at_1e5"] = nx_rows[0]["speedup_vs_networkx_components"]
        out["target_speedup"] = 30
    if not args.skip_skills:
        out["skill_curves"] = _skills()
    print(json.dumps(out, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
