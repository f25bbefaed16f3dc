"""Campaigns (issue 9): grid parsing, seed scheme, the SQLite store, engines, CLI.

Fast tier.  The fault tests (SIGKILL / Ctrl-C of a real ``campaign run``) and
the real Dask scheduler test live in ``test_campaign_faults.py``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from infoscaling.numeric.campaign import grid as cgrid
from infoscaling.numeric.campaign.report import campaign_report, campaign_status
from infoscaling.numeric.campaign.runner import run_campaign
from infoscaling.numeric.campaign.seeds import chunk_ranges, point_seed, trial_seeds
from infoscaling.numeric.campaign.store import RunLock, Store
from infoscaling.numeric.campaign.tasks import ChunkTask, run_chunk
from infoscaling.numeric.cli import main
from infoscaling.numeric.errors import InputError
from infoscaling.numeric.executor import ProcessEngine, SerialEngine
from infoscaling.numeric.peeling import plan_peeling, simulate_peeling
from infoscaling.numeric.rng import spawn_seeds

ENS = "regular:3/regular:6"
#: A small grid around the (3,6) threshold 0.4294 (some failures, some successes).
SMALL = dict(ensemble=ENS, n="400,800", eps="0.40:0.44:3")
EST = ("block_failure", "residual_erased_fraction", "rounds")


def _estimates(report: dict) -> list:
    return [(r["n"], r["eps"], r["trials"], r["seed"], *(json.dumps(r[k], sort_keys=True) for k in EST))
            for r in report["points"]]


def _digest(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """One uninterrupted serial campaign of SMALL with 90 trials per point (chunk 32)."""
    path = tmp_path_factory.mktemp("ref") / "ref.sqlite"
    run_campaign(path, **SMALL, trials=90, seed=5, chunk=32, engine="serial", log_every=None)
    return campaign_report(path)


# ------------------------------------------------------------------------ grid
def test_grid_parsing():
    assert cgrid.parse_n_list("2000, 1e3,1000") == [1000, 2000]
    assert cgrid.parse_eps("0.40:0.44:5") == [0.4, 0.41, 0.42, 0.43, 0.44]
    assert cgrid.parse_eps("1/3,0.5,0.5") == [1 / 3, 0.5]
    assert cgrid.parse_eps("0.3:0.3:1") == [0.3]
    g = cgrid.build_grid(**SMALL)
    assert len(g.points) == 6 and g.ns == (400, 800) and g.eps == (0.4, 0.42, 0.44)
    assert cgrid.build_grid(law="poisson:2", n="100,50").ns == (50, 100)
    ct = cgrid.build_grid(ensemble="concept-text:dt=6,kappa=5,eps=1/2,R=300")
    assert [(p.n, p.eps) for p in ct.points] == [(600, 0.5)]


@pytest.mark.parametrize("kwargs, argument", [
    (dict(ensemble=ENS, n="1000", eps="0.4:0.3:3"), "--eps"),
    (dict(ensemble=ENS, n="1000", eps="0.4:0.5"), "--eps"),
    (dict(ensemble=ENS, n="1000", eps="1.2"), "--eps"),
    (dict(ensemble=ENS, n="1000", eps="nan"), "--eps"),
    (dict(ensemble=ENS, n="1000", eps="0.4:0.5:1"), "--eps"),
    (dict(ensemble=ENS, n="0,10", eps="0.4"), "--n"),
    (dict(ensemble=ENS, n="1.5", eps="0.4"), "--n"),
    (dict(ensemble=ENS, n="", eps="0.4"), "--n"),
    (dict(ensemble=ENS, eps="0.4"), "--n"),
    (dict(ensemble=ENS, n="100"), "--eps"),
    (dict(ensemble="regular:3/nonsense:1", n="100", eps="0.4"), "--ensemble"),
    (dict(law="poisson:2", n="100", eps="0.4"), "--eps"),
    (dict(law="poisson:2", n="1"), "--n"),
    (dict(ensemble=ENS, law="poisson:2", n="100"), "--ensemble"),
    (dict(ensemble="concept-text:dt=6,kappa=5,eps=1/2,R=300", eps="0.4"), "--eps"),
])
def test_grid_errors_name_the_argument(kwargs, argument):
    with pytest.raises(InputError, match=argument):
        cgrid.build_grid(**kwargs)


@given(lo=st.integers(1, 500), width=st.integers(0, 499), count=st.integers(2, 60))
def test_eps_range_property(lo, width, count):
    a, b = lo / 1000, (lo + width) / 1000
    if a == b:
        return
    vals = cgrid.parse_eps(f"{a}:{b}:{count}")
    assert vals[0] == a and vals[-1] == b and vals == sorted(vals)
    assert len(vals) == count  # distinct: the step is at least 1e-3 / 60


# ----------------------------------------------------------------------- seeds
@given(seed=st.integers(0, 2**64), start=st.integers(0, 50), length=st.integers(0, 5))
def test_trial_seeds_are_simulates_spawned_seeds(seed, start, length):
    ours = [s.generate_state(2).tolist() for s in trial_seeds(seed, start, start + length)]
    theirs = [s.generate_state(2).tolist() for s in spawn_seeds(seed, start + length)[start:]]
    assert ours == theirs


def test_point_seeds_distinct_and_stable():
    keys = [p.key() for p in cgrid.build_grid(**SMALL).points]
    seeds = {point_seed(5, k) for k in keys}
    assert len(seeds) == len(keys) and all(0 <= s < 2**63 for s in seeds)
    assert point_seed(5, keys[0]) == point_seed(5, keys[0]) != point_seed(6, keys[0])
    # pinned (the documented formula and its value): changing the scheme changes every stored
    # campaign's numbers
    key = "peeling|regular:3/regular:6|1000|0.4"
    digest = hashlib.sha256(f"infoscaling-campaign-v1|1|{key}".encode()).digest()
    assert point_seed(1, key) == int.from_bytes(digest[:8], "big") >> 1 == 3983782809864992885


@given(trials=st.integers(0, 300), chunk=st.integers(1, 70))
def test_chunk_ranges_partition(trials, chunk):
    r = chunk_ranges(trials, chunk)
    assert [lo for _, lo, _ in r] == list(range(0, trials, chunk))
    assert sum(hi - lo for _, lo, hi in r) == trials
    assert all(hi - lo <= chunk for _, lo, hi in r) and [i for i, _, _ in r] == list(range(len(r)))


def test_chunk_independent_of_split():
    plan = plan_peeling(ENS, 300, 0.43)
    whole = run_chunk(ChunkTask("peeling", plan, 300, 77, 0, 0, 0, 12, 12)).rows
    parts = [run_chunk(ChunkTask("peeling", plan, 300, 77, 0, 0, lo, hi, 12)).rows
             for lo, hi in ((0, 5), (5, 6), (6, 12))]
    assert np.array_equal(whole, np.concatenate(parts))


# ----------------------------------------------------------------- run, store
def test_report_equals_simulate_peeling(reference):
    rows = reference["points"]
    assert len(rows) == 6 and all(r["trials"] == 90 and r["complete"] for r in rows)
    assert 0 < sum(r["block_failure"]["estimate"] for r in rows) < 6  # the grid straddles the threshold
    for r in rows[::2]:
        sim = simulate_peeling(ENS, r["n"], r["eps"], 90, r["seed"], workers=1)
        for key in EST:
            assert sim[key] == r[key], (r["n"], r["eps"], key)


def test_cli_report_equals_cli_simulate(tmp_path, capsys):
    store = str(tmp_path / "c.sqlite")
    assert main(["campaign", "run", "--store", store, "--ensemble", ENS, "--n", "500", "--eps", "0.43",
                 "--trials", "40", "--seed", "9", "--chunk", "16", "--engine", "serial", "--json"]) == 0
    run = json.loads(capsys.readouterr().out)
    assert {"store", "points", "trials_done", "trials_new", "trials_reused", "seconds"} <= set(run)
    assert (run["points"], run["trials_done"], run["trials_new"], run["trials_reused"]) == (1, 40, 40, 0)
    assert main(["campaign", "report", "--store", store, "--json"]) == 0
    row = json.loads(capsys.readouterr().out)["points"][0]
    assert {"ensemble", "n", "eps", "trials", "block_failure", "residual_erased_fraction",
            "law_block_failure"} <= set(row)
    assert main(["simulate", "peeling", ENS, "--n", "500", "--eps", "0.43", "--trials", "40",
                 "--seed", str(row["seed"]), "--workers", "1", "--json"]) == 0
    sim = json.loads(capsys.readouterr().out)
    for key in ("block_failure", "residual_erased_fraction"):
        assert sim[key] == row[key]
    # the AMRU law at the threshold region of (3,6) is a probability near 1/2
    assert 0.05 < row["law_block_failure"] < 0.95
    assert main(["campaign", "status", "--store", store, "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert (status["points"], status["chunks_done"], status["chunks_pending"]) == (1, 3, 0)
    assert status["campaigns"][0]["points"][0]["trials"] == 40
    # without --json: one readable line per point
    assert main(["campaign", "status", "--store", store]) == 0
    assert "n=500 eps=0.43: 40/40 trials (3 chunks of 16, 0 pending)" in capsys.readouterr().out
    assert main(["campaign", "report", "--store", store]) == 0
    text = capsys.readouterr().out
    assert f"{ENS} n=500 eps=0.43 trials=40: P_B = " in text and ", law " in text


def test_engines_and_chunk_sizes_give_identical_reports(tmp_path, reference):
    a = tmp_path / "a.sqlite"
    run_campaign(a, **SMALL, trials=90, seed=5, chunk=7, engine="local", workers=2, window=3, log_every=None)
    assert _estimates(campaign_report(a)) == _estimates(reference)


def test_resume_and_extend(tmp_path, reference):
    path = tmp_path / "e.sqlite"
    r1 = run_campaign(path, **SMALL, trials=50, seed=5, chunk=32, engine="serial", log_every=None)
    assert (r1["trials_new"], r1["trials_reused"], r1["trials_done"]) == (300, 0, 300)
    again = run_campaign(path, **SMALL, trials=50, seed=5, engine="serial", log_every=None)
    assert (again["trials_new"], again["trials_reused"], again["chunks_new"]) == (0, 300, 0)
    # extend 50 -> 90: the short chunk [32, 50) is topped up to [32, 64), then [64, 90) is added
    r2 = run_campaign(path, **SMALL, trials=90, seed=5, engine="serial", log_every=None)
    assert (r2["trials_new"], r2["trials_reused"], r2["trials_done"]) == (240, 300, 540)
    assert _estimates(campaign_report(path)) == _estimates(reference)
    with sqlite3.connect(path) as db:  # no trial stored twice
        rows = db.execute("SELECT point, SUM(count), COUNT(*) FROM chunks GROUP BY point").fetchall()
    assert all(total == 90 and chunks == 3 for _, total, chunks in rows)
    # a smaller --trials reuses everything and computes nothing
    r3 = run_campaign(path, **SMALL, trials=10, seed=5, engine="serial", log_every=None)
    assert (r3["trials_new"], r3["trials"]) == (0, 90)


def test_chunks_written_in_any_order(tmp_path, reference):
    """Chunks stored in a shuffled completion order (as from a cluster) give the same report."""
    path = tmp_path / "o.sqlite"
    run_campaign(path, **SMALL, trials=1, seed=5, chunk=32, engine="serial", log_every=None)
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM chunks")
        db.execute("UPDATE campaigns SET trials = 90")
    from infoscaling.numeric.campaign.runner import plan_tasks

    g = cgrid.build_grid(**SMALL)
    with Store(path) as st_:
        cid = st_.campaigns()[0]["id"]
        tasks, reused = plan_tasks(st_, cid, g, {p.key(): p.plan() for p in g.points}, 90)
        assert reused == 0 and len(tasks) == 18
        for i in np.random.default_rng(3).permutation(len(tasks)):
            t = tasks[i]
            res = run_chunk(t)
            assert st_.write_chunk(t.point_id, t.idx, t.size, t.start, res.rows, t.kind, res.seconds)
            # a duplicate delivery (a retried task) is not counted twice
            assert not st_.write_chunk(t.point_id, t.idx, t.size, t.start, res.rows, t.kind, res.seconds)
    assert _estimates(campaign_report(path)) == _estimates(reference)


def test_two_seeds_share_a_store(tmp_path):
    both, one = tmp_path / "both.sqlite", tmp_path / "one.sqlite"
    kw = dict(ensemble=ENS, n="300", eps="0.42,0.44", trials=20, chunk=8, engine="serial", log_every=None)
    run_campaign(both, seed=1, **kw)
    run_campaign(both, seed=2, **kw)
    run_campaign(one, seed=2, **kw)
    rep = campaign_report(both)
    assert sorted({r["campaign_seed"] for r in rep["points"]}) == [1, 2] and len(rep["points"]) == 4
    assert _estimates(campaign_report(both, seed=2)) == _estimates(campaign_report(one))
    assert _estimates(campaign_report(both, seed=1)) != _estimates(campaign_report(one))
    assert campaign_status(both)["points"] == 4


def test_giant_campaign_equals_simulate_giant(tmp_path):
    from infoscaling.numeric.graphsim import simulate_giant

    path = tmp_path / "g.sqlite"
    out = run_campaign(path, law="poisson:2", n="300", trials=12, seed=4, chunk=5, engine="serial",
                       log_every=None)
    assert out["trials_done"] == 12
    row = campaign_report(path)["points"][0]
    sim = simulate_giant("poisson:2", 300, 12, seed=row["seed"], workers=1)
    assert row["S"] == sim["S"] and row["mean_component_size"] == sim["mean_component_size"]
    assert row["law"] == "poisson:2"
    # S(2) of G(n, 2/n): 1 + W0(-2 e^-2)/2 = 0.7968121300200...; the simulated mean is near it
    assert abs(row["law_S"] - 0.79681213002002) < 1e-12
    assert abs(row["S"]["estimate"] - row["law_S"]) < 0.1


def test_grid_contradiction_refused_and_store_untouched(tmp_path):
    path = tmp_path / "c.sqlite"
    run_campaign(path, ensemble=ENS, n="300", eps="0.42", trials=10, seed=1, chunk=4, engine="serial",
                 log_every=None)
    before = _digest(path)
    with pytest.raises(InputError, match="--n/--eps"):
        run_campaign(path, ensemble=ENS, n="300,600", eps="0.42", trials=10, seed=1, engine="serial")
    with pytest.raises(InputError, match="--chunk"):
        run_campaign(path, ensemble=ENS, n="300", eps="0.42", trials=20, seed=1, chunk=5, engine="serial")
    assert _digest(path) == before


# ---------------------------------------------------------- damaged / locked
def _small_store(tmp_path):
    path = tmp_path / "s.sqlite"
    run_campaign(path, ensemble=ENS, n="300", eps="0.42", trials=10, seed=1, chunk=4, engine="serial",
                 log_every=None)
    return path


def test_corrupt_files_refused_untouched(tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    good = _small_store(tmp_path)
    data = good.read_bytes()
    half = tmp_path / "half.sqlite"
    half.write_bytes(data[: len(data) // 2])
    page = 4096
    scribbled = []  # every page but the header page overwritten in turn: quick_check sees each
    for k in range(1, len(data) // page):
        scribbled.append(tmp_path / f"scribbled{k}.sqlite")
        scribbled[-1].write_bytes(data[:k * page] + bytes(range(256)) * (page // 256) + data[(k + 1) * page:])
    assert len(scribbled) >= 4
    for path in (junk, half, *scribbled):
        before = _digest(path)
        for call in (lambda p: campaign_status(p), lambda p: campaign_report(p),
                     lambda p: run_campaign(p, ensemble=ENS, n="300", eps="0.42", trials=10, seed=1,
                                            engine="serial")):
            with pytest.raises(InputError, match="--store"):
                call(path)
        assert _digest(path) == before, path


def test_other_version_and_foreign_database_refused(tmp_path):
    path = _small_store(tmp_path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE schema_version SET version = 99, written_by = 'infoscaling 9.9'")
    before = _digest(path)
    with pytest.raises(InputError, match="schema version 1.*version 99"):
        campaign_report(path)
    with pytest.raises(InputError, match="version 99"):
        run_campaign(path, ensemble=ENS, n="300", eps="0.42", trials=10, seed=1, engine="serial")
    assert _digest(path) == before
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(InputError, match="not a campaign store|no schema_version"):
        campaign_status(other)
    with pytest.raises(InputError, match="--store"):
        campaign_status(tmp_path / "missing.sqlite")
    assert not (tmp_path / "missing.sqlite").exists()
    empty = tmp_path / "empty.sqlite"  # what a driver killed while creating the store leaves
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        campaign_status(empty)
    run_campaign(empty, ensemble=ENS, n="300", eps="0.42", trials=4, seed=1, chunk=4, engine="serial",
                 log_every=None)
    assert campaign_status(empty)["chunks_done"] == 1


def test_locked_store_and_second_runner(tmp_path, monkeypatch):
    from infoscaling.numeric.campaign import store as store_mod

    path = _small_store(tmp_path)
    monkeypatch.setattr(store_mod, "LOCK_TIMEOUT", 0.2)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert campaign_status(path)["chunks_done"] == 3  # readers do not wait for a writer
        with pytest.raises(InputError, match="locked"):
            run_campaign(path, ensemble=ENS, n="300", eps="0.42", trials=20, seed=1, engine="serial")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    lock = RunLock(path)
    try:
        with pytest.raises(InputError, match="another|no other"):
            run_campaign(path, ensemble=ENS, n="300", eps="0.42", trials=20, seed=1, engine="serial")
    finally:
        lock.release()
    assert campaign_status(path)["campaigns"][0]["trials"] == 10  # nothing changed


def test_concurrent_readers_during_writes(tmp_path):
    """Readers run while chunks are being committed; they see whole chunks only, never less than before.

    (Threads here, for speed; the readers only touch SQLite, mpmath's global
    context is not thread-safe, so the law is not evaluated in them.)
    """
    path = tmp_path / "r.sqlite"
    run_campaign(path, ensemble=ENS, n="400", eps="0.43", trials=3, seed=2, chunk=3, engine="serial",
                 log_every=None)
    errors, seen = [], []
    done = threading.Event()

    def reader():
        last = 0  # per reader: what one reader saw can never shrink
        while not done.is_set():
            try:
                st_ = campaign_status(path)
                t = st_["campaigns"][0]["points"][0]["trials"]
                assert t % 3 == 0 or t == 150
                with Store(path) as db:
                    p = db.points(db.campaigns()[0]["id"])[0]
                    rows = db.trial_rows(p, "peeling")
                assert rows.shape[0] >= last and rows.shape[0] % 3 == 0
                last = rows.shape[0]
                seen.append(last)
            except Exception as exc:  # collected and re-raised in the main thread
                errors.append(exc)
                return

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        run_campaign(path, ensemble=ENS, n="400", eps="0.43", trials=150, seed=2, engine="serial",
                     log_every=None)
    finally:
        done.set()
        for t in threads:
            t.join()
    assert not errors, errors[0]
    assert len(seen) >= 2
    assert campaign_report(path)["points"][0]["trials"] == 150


# ------------------------------------------------------------------ executor
def _sq(x):
    return x * x


def test_executor_lazy_bounded_and_complete():
    """as_completed consumes the task generator lazily: at most `window` tasks ahead of the results."""
    consumed = []

    def gen():
        for i in range(40):
            consumed.append(i)
            yield i

    with ProcessEngine(2) as eng:
        got = {}
        for i, r in eng.as_completed(_sq, gen(), window=3):
            assert len(consumed) <= len(got) + 3 + 1
            got[i] = r
    assert got == {i: i * i for i in range(40)}
    assert list(ProcessEngine(2).map(_sq, iter(range(50)))) == [i * i for i in range(50)]


def _sigint_ignored(_):
    import signal

    return signal.getsignal(signal.SIGINT) == signal.SIG_IGN


def test_local_workers_ignore_sigint():
    """A terminal Ctrl-C reaches the whole process group; only the driver may handle it."""
    assert list(ProcessEngine(2).map(_sigint_ignored, range(4), chunksize=1)) == [True] * 4


def test_run_tasks_progress_advances_before_the_end():
    """simulate's progress bar with worker processes moves as results arrive (it sat at 0 before)."""
    from infoscaling.numeric.executor import run_tasks

    consumed, seen = [], []

    def gen():
        for i in range(400):
            consumed.append(i)
            yield i

    out = run_tasks(_sq, gen(), ProcessEngine(2), progress=lambda k: seen.append((k, len(consumed))))
    assert out == [i * i for i in range(400)]
    assert seen[0][0] >= 1 and seen[0][1] < 400  # first report while tasks were still unsubmitted
    assert [k for k, _ in seen] == list(range(1, 401))
    assert list(SerialEngine().map(_sq, range(5))) == [0, 1, 4, 9, 16]


def test_cli_errors(tmp_path, capsys):
    store = str(tmp_path / "x.sqlite")
    cases = [
        (["campaign", "run", "--store", store, "--ensemble", ENS, "--n", "100", "--eps", "2",
          "--trials", "5", "--seed", "1"], "--eps"),
        (["campaign", "run", "--store", store, "--ensemble", ENS, "--n", "100", "--eps", "0.4",
          "--trials", "0", "--seed", "1"], "--trials"),
        (["campaign", "run", "--store", store, "--ensemble", ENS, "--n", "100", "--eps", "0.4",
          "--trials", "5", "--seed", "-1"], "--seed"),
        (["campaign", "run", "--store", store, "--ensemble", ENS, "--n", "100", "--eps", "0.4",
          "--trials", "5", "--seed", "1", "--engine", "serial", "--scheduler", "tcp://127.0.0.1:1"],
         "--engine"),
        (["campaign", "run", "--store", store, "--ensemble", ENS, "--n", "100", "--eps", "0.4",
          "--trials", "5", "--seed", "1", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"],
         "--workers"),
        (["campaign", "run", "--store", store, "--ensemble", ENS, "--n", "100", "--eps", "0.4",
          "--trials", "5", "--seed", "1", "--scheduler", "127.0.0.1:1"], "--scheduler"),
        (["campaign", "report", "--store", store], "--store"),
        (["campaign", "report", "--store", store, "--figure", str(tmp_path / "f.gif")], "--figure"),
    ]
    for argv, name in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert name in err and "Traceback" not in err
    assert not (tmp_path / "x.sqlite").exists()  # refused before the store was created


def test_report_figure(tmp_path, reference):
    path = tmp_path / "f.sqlite"
    run_campaign(path, ensemble=ENS, n="300", eps="0.41,0.44", trials=8, seed=1, chunk=4, engine="serial",
                 log_every=None)
    fig = tmp_path / "plot.png"
    rep = campaign_report(path, figure=fig)
    assert rep["figure"] == str(fig) and fig.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(InputError, match="--figure"):
        campaign_report(path, figure=tmp_path / "plot.gif")
    with pytest.raises(InputError, match="--figure"):
        campaign_report(path, figure=tmp_path / "nofolder" / "plot.png")


def test_report_figure_destination_checked_like_every_output(tmp_path, reference):
    """--figure follows the output rules of the other commands, before any work: not inside a file, not a
    dangling link, not a folder, not an over-long name."""
    path = tmp_path / "f.sqlite"
    run_campaign(path, ensemble=ENS, n="300", eps="0.41", trials=4, seed=1, chunk=4, engine="serial",
                 log_every=None)
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "dangling.png").symlink_to(tmp_path / "missing" / "target.png")
    (tmp_path / "folder.png").mkdir()
    for bad in (tmp_path / "notes.txt" / "plot.png", tmp_path / "dangling.png", tmp_path / "folder.png",
                tmp_path / ("p" * 240 + ".png")):
        with pytest.raises(InputError, match="--figure"):
            campaign_report(path, figure=bad)
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".png") == ["dangling.png", "folder.png"]


def test_report_uses_the_contiguous_prefix(tmp_path):
    """A missing chunk (still pending, e.g. after an interruption) ends what a point reports."""
    path = tmp_path / "gap.sqlite"
    run_campaign(path, ensemble=ENS, n="300", eps="0.43", trials=30, seed=3, chunk=10, engine="serial",
                 log_every=None)
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM chunks WHERE idx = 1")
    row = campaign_report(path)["points"][0]
    assert (row["trials"], row["complete"]) == (10, False)
    sim = simulate_peeling(ENS, 300, 0.43, 10, row["seed"], workers=1)
    assert sim["residual_erased_fraction"] == row["residual_erased_fraction"]
    st_ = campaign_status(path)
    assert (st_["chunks_done"], st_["chunks_pending"], st_["complete"]) == (2, 1, False)
    assert st_["campaigns"][0]["points"][0]["trials"] == 10


def test_law_is_the_shifted_amru_law():
    """At eps = eps* - beta n^(-2/3) the shifted law is 1/2 (literature values for (3,6): AMRU 2009)."""
    from infoscaling.numeric.campaign.report import law_for

    eps_star, beta_over_omega = 0.4294398144, 0.6169487040
    n = 1000
    law, note = law_for(ENS, n, eps_star - beta_over_omega * n ** (-2 / 3))
    assert note is None and abs(law - 0.5) < 1e-6
    law_hi, _ = law_for(ENS, n, eps_star)  # above the shifted threshold: failure more likely
    assert 0.5 < law_hi < 1
    none, why = law_for("concept-text:dt=6,kappa=5,eps=1/2,R=300", 600, 0.5)
    assert none is None and "concept-text" in why


def test_simulate_peeling_memory_is_per_trial_bytes():
    """simulate peeling keeps 32 bytes per trial (one int64 row), not a SeedSequence and a tuple each
    (~650 bytes per trial before: 6.5 GB at 10^7 trials)."""
    import tracemalloc

    from infoscaling.numeric.peeling import peeling_trials

    trials = 5_000
    peeling_trials(ENS, 20, 0.3, 10, 1, workers=1)  # warm: kernels, caches
    tracemalloc.start()
    try:
        peeling_trials(ENS, 20, 0.3, trials, 1, workers=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100 * trials, peak


def test_concept_text_campaign_equals_simulate(tmp_path):
    spec = "concept-text:dt=6,kappa=5,eps=1/2,R=300"
    path = tmp_path / "ct.sqlite"
    run_campaign(path, ensemble=spec, trials=12, seed=2, chunk=5, engine="serial", log_every=None)
    row = campaign_report(path)["points"][0]
    assert (row["n"], row["eps"], row["R"], row["T"]) == (600, 0.5, 300, 1500)
    assert row["law_block_failure"] is None and "concept-text" in row["law_note"]
    sim = simulate_peeling(spec, None, None, 12, row["seed"], workers=1)
    for key in ("block_failure", "residual_erased_fraction", "unlearned_fraction"):
        assert sim[key] == row[key]


def test_progress_lines_when_stderr_is_not_a_terminal(capsys):
    from infoscaling.numeric.progress import progress_bar

    with progress_bar(100, "campaign x", enabled=False, initial=40, log_every=1e-9, unit="trials") as update:
        update(70)
        update(100)
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("campaign x: 70/100 trials (70.0%)") and "eta" in err[0]
    assert err[-1].startswith("campaign x: 100/100 trials (100.0%)")
    with progress_bar(100, "quiet", enabled=False) as update:  # no log_every: silent
        update(50)
    assert capsys.readouterr().err == ""


def _slow_pid(x):
    import os
    import time

    time.sleep(0.2)
    return os.getpid()


def test_ordered_map_spreads_a_few_slow_tasks_over_workers():
    """A generator of a few slow trials (simulate peeling at large n) is not batched onto one worker."""
    pids = list(ProcessEngine(2).map(_slow_pid, (i for i in range(6))))
    assert len(pids) == 6 and len(set(pids)) == 2
    # fast items from a generator are grouped (and still come back in order)
    assert list(ProcessEngine(2).map(_sq, (i for i in range(3000)))) == [i * i for i in range(3000)]
