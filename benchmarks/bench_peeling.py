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
first large allocations of a process pay page faults that later ones reuse).

* ``c_reference`` (issue 12): the whole process ``infoscaling simulate peeling
  regular:3/regular:6 --n 1000000 --eps 0.42 --trials 5`` against a small C
  program doing the same sampling (configuration model: Fisher-Yates with
  Lemire's bounded draws from xoshiro256**; BEC(eps) erasures) and the same
  queue peeling, written and compiled here with ``gcc -O2``; the commands run
  interleaved, 5 times each (ours with the default kernels and with
  ``INFOSCALING_KERNELS=numba``); best of 3 and median of 5 wall times and
  CPU times (user + sys, robust on a shared machine), process start included
  on both sides, the load average, and the top-level imports of our command
  by ``-X importtime``; target ratio <= 3.

* ``small_trials`` (issue 12, claims A4/A5 of ``verify --profile full``): CPU
  milliseconds per trial of ``peeling_trials(..., workers=1)`` (best of 5
  runs) for A4-like trials ((3,6) at n = 1024 and 8192, eps = 0.42) and
  A5-like ones (concept-text dt = 6, kappa = 4.6, R = 2000 and 8000), with
  the C kernels (one reused workspace per plan, whole structured trials in
  C) and, for comparison, trial by trial through ``run_trial`` (C kernels,
  fresh arrays every trial) and with the numba kernels.

Usage: ``python benchmarks/bench_peeling.py [--quick] [--c-only] [--trials-only] [--repeats N]``.
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
        peel,
        plan_peeling,
        sample_erasures,
        sample_graph,
    )

    small = plan_peeling(SPEC, 100, EPS)  # load the compiled kernels first
    rng = np.random.default_rng(5)
    g = sample_graph(small, rng)
    peel(g, sample_erasures(small, rng))
    plan = plan_peeling(SPEC, n, EPS)
    del g
    _reset_peak()
    before = _peak_bytes()
    g = sample_graph(plan, rng)
    e = sample_erasures(plan, rng)
    peel(g, e)  # copies the pattern (n bytes) as the campaign's trials do not; negligible beside 40 B/edge
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


C_SOURCE = r"""
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
static uint64_t s[4];
static inline uint64_t rotl(const uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static uint64_t next(void) {  /* xoshiro256** */
    const uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45);
    return r;
}
static uint64_t splitmix(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL; z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static inline uint32_t bounded(uint64_t x, uint32_t k) {  /* Lemire multiply-shift */
    return (uint32_t)(((unsigned __int128)x * k) >> 64);
}
int main(int argc, char **argv) {
    long n = atol(argv[1]); double eps = atof(argv[2]); int trials = atoi(argv[3]);
    uint64_t seed = strtoull(argv[4], 0, 10);
    long E = 3 * n, m = n / 2;
    int32_t *adj = malloc(E * sizeof *adj), *cnt = malloc(m * sizeof *cnt);
    int64_t *ssum = malloc(m * sizeof *ssum);
    int32_t *queue = malloc(m * sizeof *queue), *label = malloc(m * sizeof *label);
    uint8_t *er = malloc(n);
    long failures = 0; double residual_sum = 0;
    for (int t = 0; t < trials; t++) {
        uint64_t x = seed * 1000003ULL + t;
        for (int i = 0; i < 4; i++) s[i] = splitmix(&x);
        for (long i = 0; i < E; i++) adj[i] = (int32_t)(i / 6);           /* check sockets */
        for (long i = E - 1; i > 0; i--) {                                 /* Fisher-Yates */
            long j = bounded(next(), (uint32_t)(i + 1));
            int32_t tmp = adj[i]; adj[i] = adj[j]; adj[j] = tmp;
        }
        long res = 0;
        for (long c = 0; c < m; c++) { cnt[c] = 0; ssum[c] = 0; }
        for (long v = 0; v < n; v++) {
            er[v] = (next() >> 11) * 0x1.0p-53 < eps;
            if (er[v]) { res++; for (long e = 3 * v; e < 3 * v + 3; e++) { cnt[adj[e]]++; ssum[adj[e]] += v; } }
        }
        long head = 0, tail = 0; int rounds = 0;
        for (long c = 0; c < m; c++) if (cnt[c] == 1) { queue[tail] = c; label[tail++] = 1; }
        while (head < tail) {
            int32_t c = queue[head]; int lab = label[head++];
            if (cnt[c] != 1) continue;
            long v = ssum[c]; er[v] = 0; res--; if (lab > rounds) rounds = lab;
            for (long e = 3 * v; e < 3 * v + 3; e++) {
                int32_t c2 = adj[e]; cnt[c2]--; ssum[c2] -= v;
                if (cnt[c2] == 1) { queue[tail] = c2; label[tail++] = lab + 1; }
            }
        }
        failures += res > 0; residual_sum += (double)res / n;
    }
    printf("{\"block_failure\": %g, \"residual\": %g}\n", (double)failures / trials, residual_sum / trials);
    return 0;
}
"""


def _top_imports(cmd: list[str], k: int = 5) -> list[str]:
    """The ``k`` top-level imports of ``cmd`` with the largest cumulative ``-X importtime`` (ms)."""
    proc = subprocess.run([cmd[0], "-X", "importtime", *cmd[1:]], capture_output=True, text=True)
    rows = []
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "self" not in line:
            _, cum, name = line[len("import time:"):].split("|")
            if not name[1:].startswith(" "):  # top level only
                rows.append((int(cum), name.strip()))
    return [f"{name} {cum / 1e3:.0f} ms" for cum, name in sorted(rows, reverse=True)[:k]]


def c_reference(n: int = 10**6, eps: float = EPS, trials: int = 5, repeats: int = 5) -> dict:
    """Whole-process ``simulate peeling`` against the compiled C program (module notes).

    The commands run interleaved (C, ours with the default kernels, ours with
    ``INFOSCALING_KERNELS=numba``), ``repeats`` times each, so that all see the
    same load; reported: best of the first 3 and median of all ``repeats``,
    for wall time and CPU time (user + sys of the child).
    """
    import shutil
    import statistics
    import tempfile

    gcc = shutil.which("gcc") or shutil.which("cc")
    if gcc is None:
        return {"skipped": "no C compiler"}
    with tempfile.TemporaryDirectory() as tmp:
        src, exe = os.path.join(tmp, "peel.c"), os.path.join(tmp, "peel")
        with open(src, "w") as fh:
            fh.write(C_SOURCE)
        subprocess.run([gcc, "-O2", "-o", exe, src], check=True)
        py_cmd = [sys.executable, "-m", "infoscaling", "simulate", "peeling", SPEC, "--n", str(n), "--eps", str(eps),
                  "--trials", str(trials), "--seed", "1", "--json"]
        cases = {"c": ([exe, str(n), str(eps), str(trials), "1"], None),
                 "python": (py_cmd, None),
                 "python_numba_kernels": (py_cmd, {**os.environ, "INFOSCALING_KERNELS": "numba"})}
        for _, env in cases.values():  # kernels compiled / cached on disk before timing
            subprocess.run(py_cmd, capture_output=True, check=True, env=env)
        load_before = os.getloadavg()[0]
        walls = {k: [] for k in cases}
        cpus = {k: [] for k in cases}
        outs = {}
        for _ in range(repeats):
            for key, (cmd, env) in cases.items():
                r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                t = time.perf_counter()
                outs[key] = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout
                walls[key].append(time.perf_counter() - t)
                r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpus[key].append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
        top = _top_imports(py_cmd)

    def summary(xs):
        return {"best_of_3": min(xs[:3]), "median": statistics.median(xs), "all": [round(x, 3) for x in xs]}

    out = {"n": n, "eps": eps, "trials": trials, "repeats": repeats, "target_ratio": 3.0,
           "load_average_before": load_before, "load_average_after": os.getloadavg()[0],
           "top_imports_python": top}
    for key in cases:
        out[key] = {"wall_seconds": summary(walls[key]), "cpu_seconds": summary(cpus[key])}
    for key in ("python", "python_numba_kernels"):
        out[f"ratio_{key}"] = {
            "wall_best_of_3": out[key]["wall_seconds"]["best_of_3"] / out["c"]["wall_seconds"]["best_of_3"],
            "wall_median": out[key]["wall_seconds"]["median"] / out["c"]["wall_seconds"]["median"],
            "cpu_best_of_3": out[key]["cpu_seconds"]["best_of_3"] / out["c"]["cpu_seconds"]["best_of_3"],
            "cpu_median": out[key]["cpu_seconds"]["median"] / out["c"]["cpu_seconds"]["median"]}
    out["c_block_failure"] = json.loads(outs["c"])["block_failure"]
    out["python_block_failure"] = json.loads(outs["python"])["block_failure"]["estimate"]
    out["same_output_both_kernel_sets"] = _strip_timing(outs["python"]) == _strip_timing(outs["python_numba_kernels"])
    return out


SMALL_TRIALS = [("regular:3/regular:6", 1024, EPS, 2000), ("regular:3/regular:6", 8192, EPS, 400),
                ("concept-text:dt=6,kappa=4.6,eps=1/2,R=2000", None, None, 300),
                ("concept-text:dt=6,kappa=4.6,eps=1/2,R=8000", None, None, 60)]


def small_trials(repeats: int = 5) -> list[dict]:
    """CPU ms per trial of A4/A5-like campaigns, best of ``repeats`` (module notes)."""
    from infoscaling.numeric import peeling
    from infoscaling.numeric.rng import spawn_seeds

    def best(fn):
        fn()  # untimed: kernels, workspace, first allocations
        times = []
        for _ in range(repeats):
            t = time.process_time()
            fn()
            times.append(time.process_time() - t)
        return min(times)

    rows = []
    for spec, n, eps, trials in SMALL_TRIALS:
        plan = peeling.plan_peeling(spec, n, eps)
        seeds = spawn_seeds(1, trials)
        row = {"ensemble": spec, "n": n, "eps": eps, "trials": trials}
        for label, kernels, fn in (
                ("c_ms", "c", lambda: peeling.peeling_trials(plan, None, None, trials, 1, workers=1)),
                ("c_trial_by_trial_ms", "c", lambda: [peeling.run_trial(plan, s) for s in seeds]),
                ("numba_ms", "numba", lambda: peeling.peeling_trials(plan, None, None, trials, 1, workers=1))):
            with peeling.use_kernels(kernels):
                row[label] = 1e3 * best(fn) / trials
        rows.append(row)
    return rows


def _strip_timing(text: str) -> dict:
    d = json.loads(text)
    d.pop("seconds", None)
    d.pop("edges_per_second", None)
    return d


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    quick = "--quick" in argv
    if "--trials-only" in argv:
        repeats = int(argv[argv.index("--repeats") + 1]) if "--repeats" in argv else 5
        print(json.dumps({"benchmark": "peeling", "small_trials": small_trials(repeats),
                          "load_average": os.getloadavg()}, indent=2, sort_keys=True))
        return
    if "--c-only" in argv:
        repeats = int(argv[argv.index("--repeats") + 1]) if "--repeats" in argv else 5
        print(json.dumps({"benchmark": "peeling", "c_reference": c_reference(repeats=repeats)}, indent=2,
                         sort_keys=True))
        return
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
        "c_reference": c_reference(trials=5, repeats=3 if quick else 5),
        "small_trials": small_trials(3 if quick else 5),
        "targets": {"reference_ratio_at_1e5": 50, "simulate_edges_per_second": 1.3e7,
                    "c_reference_edges_per_second": 4e7},
    }
    print(json.dumps(out, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
