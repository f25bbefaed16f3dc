"""Campaign faults (issue 9): a killed driver, Ctrl-C, and a Dask worker killed mid-run.

Each test runs a real ``infoscaling campaign run`` as a subprocess, interrupts
it while chunks are being written (the store is polled until some, but not
all, chunks are in), then checks that the store is consistent (whole chunks
only), that re-running the same command completes the campaign without
recomputing or double-counting a chunk, and that the report is identical to
an uninterrupted run.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from infoscaling.numeric.campaign.report import campaign_report
from infoscaling.numeric.campaign.runner import run_campaign

ENS = "regular:3/regular:6"
#: ~1 ms per trial: 80 chunks of 10 trials keep the driver busy long enough to be interrupted
GRID = dict(ensemble=ENS, n="10000", eps="0.42,0.43")
TRIALS, CHUNK = 400, 10
EST = ("block_failure", "residual_erased_fraction", "rounds")


def _cli(store, *extra):
    return [sys.executable, "-m", "infoscaling", "campaign", "run", "--store", str(store), "--ensemble", ENS,
            "--n", GRID["n"], "--eps", GRID["eps"], "--trials", str(TRIALS), "--seed", "21",
            "--chunk", str(CHUNK), "--json", *extra]


def _stored(store) -> int:
    """Chunks committed so far (0 while the store does not exist yet)."""
    if not Path(store).exists():
        return 0
    try:
        with sqlite3.connect(store, timeout=5) as db:  # reads only
            return db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
    except sqlite3.OperationalError:  # schema not created yet
        return 0


def _wait_for_chunks(store, proc, at_least: int, timeout: float = 120.0) -> int:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        k = _stored(store)
        if k >= at_least or proc.poll() is not None:
            return k
        time.sleep(0.02)
    raise AssertionError("the campaign wrote no chunks in time")


def _estimates(report):
    return [(r["n"], r["eps"], r["trials"], *(json.dumps(r[k], sort_keys=True) for k in EST))
            for r in report["points"]]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    path = tmp_path_factory.mktemp("ref") / "ref.sqlite"
    run_campaign(path, **GRID, trials=TRIALS, seed=21, chunk=CHUNK, engine="serial", log_every=None)
    return _estimates(campaign_report(path))


@pytest.mark.parametrize("sig, engine", [(signal.SIGKILL, "serial"), (signal.SIGINT, "local"),
                                         (signal.SIGTERM, "local")])
def test_interrupted_driver_resumes_identically(tmp_path, reference, sig, engine):
    store = tmp_path / "c.sqlite"
    proc = subprocess.Popen(_cli(store, "--engine", engine, "--workers", "2" if engine == "local" else "1"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:  # whatever fails below, the campaign's process group is gone afterwards (no stray workers)
        try:
            before = _wait_for_chunks(store, proc, 3)
            assert proc.poll() is None, "the campaign finished before it could be interrupted"
            # Ctrl-C in a terminal signals the whole process group (driver and its worker processes)
            os.killpg(proc.pid, sig) if sig == signal.SIGINT else os.kill(proc.pid, sig)
            out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if sig == signal.SIGKILL:
            assert proc.returncode == -signal.SIGKILL
        else:  # Ctrl-C, or SIGTERM from a batch system: finished chunks kept, workers shut down, exit 130
            assert proc.returncode == 130 and "interrupted" in err and out == ""
            assert "Traceback" not in err  # only the driver handles Ctrl-C; workers finish or are cancelled
        if sig != signal.SIGKILL:  # no worker process left behind (its process group is empty)
            t0 = time.monotonic()
            while time.monotonic() - t0 < 10:
                try:
                    os.killpg(proc.pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)
            else:
                os.killpg(proc.pid, signal.SIGKILL)  # leave no stray workers behind, then fail
                raise AssertionError("worker processes outlived the interrupted driver")
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    total = 2 * TRIALS // CHUNK
    with sqlite3.connect(store) as db:  # whole chunks only, and not all of them
        rows = db.execute("SELECT start, count FROM chunks").fetchall()
    assert before <= len(rows) < total
    assert all(count == CHUNK and start % CHUNK == 0 for start, count in rows)
    done = len(rows) * CHUNK

    rerun = subprocess.run(_cli(store, "--engine", "serial"), capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    res = json.loads(rerun.stdout)
    assert (res["trials_reused"], res["trials_new"], res["trials_done"]) == (done, 2 * TRIALS - done,
                                                                            2 * TRIALS)
    with sqlite3.connect(store) as db:  # no chunk counted twice
        per_point = db.execute("SELECT SUM(count), COUNT(*) FROM chunks GROUP BY point").fetchall()
    assert per_point == [(TRIALS, TRIALS // CHUNK)] * 2
    assert _estimates(campaign_report(store)) == reference


# ---------------------------------------------------------------- Dask cluster
def _dask_cli() -> str:
    exe = Path(sys.executable).with_name("dask")
    return str(exe) if exe.exists() else "dask"


def test_dask_scheduler_worker_killed_mid_run(tmp_path):
    distributed = pytest.importorskip("distributed", reason="distributed (Dask) is not installed: "
                                      "pip install 'infoscaling[cluster]'")
    procs = []
    env = dict(os.environ, DASK_DISTRIBUTED__WORKER__DAEMON="False")

    def start(args):
        p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                             start_new_session=True)
        procs.append(p)
        return p

    try:
        sched_file = tmp_path / "scheduler.json"
        start([_dask_cli(), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
               "--scheduler-file", str(sched_file)])
        t0 = time.monotonic()
        while not sched_file.exists() and time.monotonic() - t0 < 60:
            time.sleep(0.1)
        address = json.loads(sched_file.read_text())["address"]
        workers = [start([_dask_cli(), "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-nanny",
                          "--no-dashboard", "--host", "127.0.0.1", "--name", f"w{i}"]) for i in (1, 2)]
        with distributed.Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)

        store = tmp_path / "dask.sqlite"
        argv = [sys.executable, "-m", "infoscaling", "campaign", "run", "--store", str(store), "--ensemble", ENS,
                "--n", "10000", "--eps", "0.42,0.43", "--trials", "600", "--seed", "8", "--chunk", "30",
                "--scheduler", address, "--json"]
        run = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        procs.append(run)
        at_kill = _wait_for_chunks(store, run, 4)
        assert run.poll() is None and at_kill < 40, "the campaign finished before a worker could be killed"
        workers[0].kill()  # SIGKILL: its running chunk is lost and re-run on the other worker
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
        res = json.loads(out)
        assert (res["trials_done"], res["engine"], res["complete"]) == (1200, "dask", True)
        assert workers[0].poll() is not None and workers[1].poll() is None

        local = tmp_path / "local.sqlite"
        run_campaign(local, ensemble=ENS, n="10000", eps="0.42,0.43", trials=600, seed=8, chunk=30,
                     engine="local", workers=2, log_every=None)
        assert _estimates(campaign_report(store)) == _estimates(campaign_report(local))
        with sqlite3.connect(store) as db:
            assert db.execute("SELECT SUM(count), COUNT(*) FROM chunks").fetchone() == (1200, 40)
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.kill()
                p.wait(timeout=30)


def test_dask_local_cluster_engine(tmp_path):
    """``--engine dask --workers W`` starts (and stops) a LocalCluster; same numbers as serial."""
    pytest.importorskip("distributed", reason="distributed (Dask) is not installed: "
                        "pip install 'infoscaling[cluster]'")
    kw = dict(ensemble=ENS, n="500", eps="0.42,0.43", trials=40, seed=4, chunk=8, log_every=None)
    a, b = tmp_path / "dask.sqlite", tmp_path / "serial.sqlite"
    res = run_campaign(a, engine="dask", workers=2, **kw)
    assert (res["engine"], res["workers"], res["trials_done"]) == ("dask", 2, 80)
    run_campaign(b, engine="serial", **kw)
    assert _estimates(campaign_report(a)) == _estimates(campaign_report(b))


def _slow_where(x):
    import distributed

    time.sleep(0.25)
    return distributed.get_worker().address


def test_dask_window_follows_workers_that_join_late(monkeypatch):
    """Workers joining after the driver connected (batch jobs starting late) receive chunks too."""
    distributed = pytest.importorskip("distributed", reason="distributed (Dask) is not installed: "
                                      "pip install 'infoscaling[cluster]'")
    from infoscaling.numeric import executor

    monkeypatch.setattr(executor, "DASK_RESIZE_SECONDS", 0.2)
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    try:
        with executor.DaskEngine(scheduler=cluster.scheduler_address) as eng:
            assert eng.workers == 1
            where = {}
            for k, (i, addr) in enumerate(eng.as_completed(_slow_where, iter(range(60)))):
                if k == 0:
                    cluster.scale(3)
                    with distributed.Client(cluster.scheduler_address, timeout=60) as other:
                        other.wait_for_workers(3, timeout=120)  # joined after the driver connected
                where[i] = addr
            assert sorted(where) == list(range(60)) and eng.workers == 3
            # with the bound frozen at 2 x 1 worker, at most two workers would ever be busy
            assert len(set(where.values())) == 3
    finally:
        cluster.close()
