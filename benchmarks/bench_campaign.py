"""Benchmark of campaigns (issue 9); prints one JSON object on stdout.

Measured on one campaign, (3,6)-regular at n = 10^4 and eps = 0.42, 0.43
(just below eps_BP, where peeling runs longest), chunks of about 0.5 s:

* ``runs``: the same campaign with local processes (1 and 2 workers) and the
  Dask engine (a ``LocalCluster`` of 2 single-threaded workers), each into a
  fresh store.  ``loop_seconds`` is the steady state (chunks submitted,
  computed and committed), ``startup_seconds`` the engine start and warm-up
  (process pool / cluster start, compiled kernels loaded on every worker),
  ``total_seconds`` both; ``busy_fraction`` is the time spent inside chunks
  (measured by the workers) over loop time x workers: 1 means no worker ever
  waited for the engine.  The reports of all runs are checked identical.
* ``dask_overhead``: Dask loop time / local-process loop time (2 workers),
  and the same ratio with start-up included, for each of 3 alternating pairs
  of runs (the load of a shared machine drifts), and their medians.
* ``scaling_1_to_2``: loop time with 1 worker / best loop time with 2 workers.
* ``store_write_ms``: milliseconds per committed chunk (500 trials of 4 int64
  per trial, zlib, one ``synchronous=FULL`` transaction in the write-ahead
  log), new chunks and top-ups, and the stored bytes per trial.
* ``per_trial_seconds_n1e6``: one trial (sample + channel + peel) at n = 10^6,
  and ``reference_campaign``: the cost of the (3,6) finite-length plot at
  n = 10^6 (11 eps values, 10^5 trials per point) in core-hours, from it.
* ``load``: the 1-minute load average before and after (the machine may be
  shared), and the core count.

Usage: ``python benchmarks/bench_campaign.py [--quick]``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SPEC = "regular:3/regular:6"


def _campaign(path, engine, trials, chunk):
    from infoscaling.numeric.campaign.report import campaign_report
    from infoscaling.numeric.campaign.runner import run_campaign

    t0 = time.perf_counter()
    with engine:
        if hasattr(engine, "prepare"):
            from infoscaling.numeric.peeling import _warm_kernels

            engine.prepare(_warm_kernels)
        t1 = time.perf_counter()
        res = run_campaign(path, ensemble=SPEC, n="10000", eps="0.42,0.43", trials=trials, seed=1,
                           chunk=chunk, engine=engine, log_every=None, progress=False)
        t2 = time.perf_counter()
    t3 = time.perf_counter()
    import sqlite3

    with sqlite3.connect(path) as db:  # seconds spent inside chunks, as measured by the workers
        busy = db.execute("SELECT SUM(seconds) FROM chunks").fetchone()[0]
    rep = campaign_report(path)
    est = [(r["block_failure"], r["residual_erased_fraction"]) for r in rep["points"]]
    return {"startup_seconds": t1 - t0, "loop_seconds": t2 - t1, "close_seconds": t3 - t2,
            "total_seconds": t3 - t0, "chunks": res["chunks_new"], "trials": res["trials_new"],
            "trials_per_second": res["trials_new"] / (t2 - t1),
            "busy_fraction": busy / ((t2 - t1) * res["workers"])}, est


def _store_cost(folder: Path, reps: int) -> dict:
    from infoscaling.numeric.campaign.grid import build_grid
    from infoscaling.numeric.campaign.seeds import point_seed
    from infoscaling.numeric.campaign.store import Store

    g = build_grid(ensemble=SPEC, n="10000", eps="0.42")
    p = g.points[0]
    rng = np.random.default_rng(0)
    rows = np.column_stack([rng.binomial(10000, 0.42, 500), np.where(rng.random(500) < 0.1, 3000, 0),
                            rng.integers(5, 60, 500), np.full(500, 30000)]).astype(np.int64)
    with Store(folder / "w.sqlite", create=True) as st:
        cid = st.register(g, 1, 500 * reps, {p.key(): (point_seed(1, p.key()), 500)}, True)
        pid = st.points(cid)[0].id
        t = time.perf_counter()
        for i in range(reps):
            st.write_chunk(pid, i, 500, 500 * i, rows, "peeling", 0.5)
        new = (time.perf_counter() - t) / reps
        t = time.perf_counter()
        for i in range(reps):
            st.write_chunk(pid, reps + i, 500, 500 * (reps + i), rows[:250], "peeling", 0.25)
            st.write_chunk(pid, reps + i, 500, 500 * (reps + i) + 250, rows[250:], "peeling", 0.25)
        topup = (time.perf_counter() - t) / reps / 2
    size = (folder / "w.sqlite").stat().st_size  # after closing: the write-ahead log is checkpointed
    return {"new_chunk_ms": 1e3 * new, "half_chunk_and_topup_ms": 1e3 * topup,
            "bytes_per_trial_stored": size / (500 * 2 * reps)}


def _auto_chunk_1e6() -> int:
    from infoscaling.numeric.campaign.tasks import auto_chunk
    from infoscaling.numeric.peeling import plan_peeling

    return auto_chunk("peeling", plan_peeling(SPEC, 10**6, 0.42), 10**6)


def _per_trial_1e6(trials: int) -> float:
    from infoscaling.numeric.campaign.seeds import trial_seeds
    from infoscaling.numeric.peeling import plan_peeling, run_trial

    plan = plan_peeling(SPEC, 10**6, 0.42)
    run_trial(plan, 0)  # warm: kernels and first large allocations
    t = time.perf_counter()
    for s in trial_seeds(3, 0, trials):
        run_trial(plan, s)
    return (time.perf_counter() - t) / trials


def main(argv=None) -> dict:
    args = argv or sys.argv[1:]
    quick = "--quick" in args
    repeat = 1 if quick else 3
    from infoscaling.numeric.executor import DaskEngine, ProcessEngine

    load0 = os.getloadavg()[0]
    chunk, trials = 500, (1500 if quick else 5000)  # ~0.5 s chunks at n = 1e4
    out = {"campaign": {"ensemble": SPEC, "n": 10000, "eps": [0.42, 0.43], "trials_per_point": trials,
                        "chunk": chunk}, "runs": {}}
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        ests, pairs = {}, []
        out["runs"]["local_1"], ests["local_1"] = _campaign(d / "l1.sqlite", ProcessEngine(1), trials, chunk)
        for k in range(repeat):  # alternate the two engines: the machine's load drifts
            a, ests["local_2"] = _campaign(d / f"l2_{k}.sqlite", ProcessEngine(2), trials, chunk)
            b, ests["dask_2"] = _campaign(d / f"d2_{k}.sqlite", DaskEngine(workers=2), trials, chunk)
            pairs.append((a, b))
            out["runs"][f"local_2#{k}"], out["runs"][f"dask_2#{k}"] = a, b
        out["identical_reports"] = ests["local_1"] == ests["local_2"] == ests["dask_2"]
        r = out["runs"]
        out["chunk_seconds_mean"] = r["local_1"]["loop_seconds"] / r["local_1"]["chunks"]
        loop = sorted(b["loop_seconds"] / a["loop_seconds"] for a, b in pairs)
        total = sorted(b["total_seconds"] / a["total_seconds"] for a, b in pairs)
        out["dask_overhead"] = {"loop_ratios": loop, "loop_median": float(np.median(loop)),
                                "with_startup_ratios": total, "with_startup_median": float(np.median(total))}
        best2 = min(a["loop_seconds"] for a, _ in pairs)
        out["scaling_1_to_2"] = r["local_1"]["loop_seconds"] / best2
        out["store_write_ms"] = _store_cost(d, 50 if quick else 200)
    t1e6 = _per_trial_1e6(3 if quick else 8)
    out["per_trial_seconds_n1e6"] = t1e6
    core_hours = 11 * 1e5 * t1e6 / 3600
    out["reference_campaign"] = {"ensemble": SPEC, "n": 10**6, "eps_points": 11, "trials_per_point": 10**5,
                                 "core_hours": core_hours, "default_chunk_trials": _auto_chunk_1e6(),
                                 "hours_on_100_cores": core_hours / 100}
    out["load"] = {"cores": os.cpu_count(), "loadavg_1min_before": load0,
                   "loadavg_1min_after": os.getloadavg()[0]}
    return out


if __name__ == "__main__":
    print(json.dumps(main(), indent=2, sort_keys=True))
