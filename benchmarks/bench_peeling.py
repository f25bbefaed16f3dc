"""Benchmark of the peeling simulator; prints one JSON object on stdout.

For (3,6)-regular graphs at n = 1e4, 1e5, 1e6 and eps = 0.42 (just below
eps_BP = 0.4294, where peeling runs longest):

* ``decode_edges_per_s``: edges / second of the compiled decoder alone;
* ``sample_decode_edges_per_s``: sampling the graph and channel plus decoding;
* ``reference_ratio``: time of the pure-Python reference decoder / time of the
  fast decoder on the *same* graph and erasures (n = 1e4 and 1e5 only; the
  results are also checked equal);
* ``peak_rss_bytes`` and ``bytes_per_edge``: growth of the peak resident set
  while sampling + decoding one graph, measured in a fresh (spawned) child
  process after loading the kernels, with the kernel's peak counter reset
  (``/proc/self/clear_refs``; page granularity, so noisy at n = 1e4);
* ``simulate``: wall time and edges / second of a whole
  ``simulate_peeling`` campaign at n = 1e6 in-process (one worker and the
  default engine) and of the ``infoscaling simulate peeling`` command as a
  subprocess (interpreter start, imports and cached-kernel loading included).

Numba compile / cache-load time is excluded from the rates and reported as
``warmup_seconds``; at each size one untimed graph is decoded first (the
first large allocations of a process pay page faults that later ones reuse).  Usage: ``python benchmarks/bench_peeling.py [--quick]``.
"""

from __future__ import annotations

import json
import multiprocessing as mproc
import os
import resource
import subprocess
import sys
import time

import numpy as np

SPEC = "regular:3/regular:6"
EPS = 0.42


def _timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t


def _sample(plan, rng):
    from infoscaling.numeric.peeling import sample_erasures, sample_graph

    return sample_graph(plan, rng), sample_erasures(plan, rng)


def _child_peak(n, conn):
    from infoscaling.numeric.peeling import (
        _peel_kernel,
        plan_peeling,
        sample_erasures,
        sample_graph,
    )

    small = plan_peeling(SPEC, 100, EPS)  # load the compiled kernels first
    rng = np.random.default_rng(5)
    g = sample_graph(small, rng)
    _peel_kernel(g.n_chk, g.var_ptr, g.var_adj, sample_erasures(small, rng))
    plan = plan_peeling(SPEC, n, EPS)
    del g
    _reset_peak()
    before = _peak_bytes()
    g = sample_graph(plan, rng)
    e = sample_erasures(plan, rng)
    _peel_kernel(g.n_chk, g.var_ptr, g.var_adj, e)
    after = _peak_bytes()
    conn.send((after - before, g.edges))
    conn.close()


def _reset_peak():
    """Reset the kernel's peak-RSS counter (Linux >= 4.0); else ru_maxrss is used as is."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


def _peak_bytes():
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def peak_memory(n):
    ctx = mproc.get_context("spawn")  # a fresh process: its peak RSS starts low
    a, b = ctx.Pipe()
    p = ctx.Process(target=_child_peak, args=(n, b))
    p.start()
    delta, edges = a.recv()
    p.join()
    return delta, edges


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    quick = "--quick" in argv
    from infoscaling.numeric.peeling import (
        peel,
        peel_reference,
        plan_peeling,
        sample_erasures,
        sample_graph,
        simulate_peeling,
    )

    t0 = time.perf_counter()
    plan = plan_peeling(SPEC, 100, EPS)
    rng = np.random.default_rng(0)
    g = sample_graph(plan, rng)
    peel(g, sample_erasures(plan, rng))
    warmup = time.perf_counter() - t0

    sizes = [10**4, 10**5] if quick else [10**4, 10**5, 10**6]
    rows = []
    for n in sizes:
        plan = plan_peeling(SPEC, n, EPS)
        reps = max(6, int(3e6 // plan.edges_target))
        rng = np.random.default_rng(n)
        peel(sample_graph(plan, rng), sample_erasures(plan, rng))  # untimed: warms the allocator
        t_sample = t_decode = 0.0
        edges = 0
        graphs = []
        for _ in range(reps):
            (g, e), ts = _timed(_sample, plan, rng)
            r, td = _timed(peel, g, e)
            t_sample += ts
            t_decode += td
            edges += g.edges
            if len(graphs) < 1:
                graphs.append((g, e, r, td))
        row = {
            "n": n,
            "edges_per_graph": plan.edges_target,
            "graphs": reps,
            "decode_edges_per_s": edges / t_decode,
            "sample_decode_edges_per_s": edges / (t_sample + t_decode),
            "sample_seconds_per_graph": t_sample / reps,
            "decode_seconds_per_graph": t_decode / reps,
        }
        if n <= 10**5:
            g, e, r, _ = graphs[0]
            # time the fast decoder again on this graph (best of 5) for the ratio
            td = min(_timed(peel, g, e)[1] for _ in range(5))
            ref, tr = _timed(peel_reference, g, e)
            assert ref.erased.tolist() == r.erased.tolist() and ref.rounds == r.rounds
            row.update(reference_seconds=tr, fast_seconds=td, reference_ratio=tr / td,
                       rounds=r.rounds, residual=r.residual)
        delta, e_count = peak_memory(n)
        row.update(peak_rss_bytes=delta, bytes_per_edge=delta / e_count)
        rows.append(row)

    n_sim = 10**5 if quick else 10**6
    trials = 8
    sims = {}
    for label, workers in (("workers_1", 1), ("default_engine", None)):
        r = simulate_peeling(SPEC, n_sim, EPS, trials, seed=1, workers=workers)
        sims[label] = {"seconds": r["seconds"], "edges_per_second": r["edges_per_second"]}
    cli_trials = 20
    cmd = [sys.executable, "-m", "infoscaling", "simulate", "peeling", SPEC, "--n", str(n_sim),
           "--eps", str(EPS), "--trials", str(cli_trials), "--seed", "1", "--json"]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t
    data = json.loads(proc.stdout)
    total_edges = data["edges_mean"] * cli_trials
    sims["cli_subprocess"] = {
        "trials": cli_trials,
        "wall_seconds": wall,
        "edges_per_second_wall": total_edges / wall,
        "reported_seconds": data["seconds"],
        "edges_per_second_reported": data["edges_per_second"],
    }
    out = {
        "benchmark": "peeling",
        "ensemble": SPEC,
        "eps": EPS,
        "cpu_count": os.cpu_count(),
        "warmup_seconds": warmup,
        "sizes": rows,
        "simulate": {"n": n_sim, "trials": trials, **sims},
        "targets": {"reference_ratio_at_1e5": 50, "simulate_edges_per_second": 1.3e7,
                    "c_reference_edges_per_second": 4e7},
    }
    print(json.dumps(out, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
