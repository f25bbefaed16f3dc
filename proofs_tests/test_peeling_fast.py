"""The peeling simulator's fast paths give exactly the results of the plain ones (issue 12).

* ``_geometric_draws`` (standard exponentials + a compiled inversion) draws
  what ``rng.geometric`` draws, bit for bit, and leaves the stream at the
  same place;
* ``iid_csr`` builds the CSR that ``pos // n_chk`` and ``bincount`` build;
* ``run_trials`` (one reused C workspace per plan) returns ``run_trial``'s
  rows for every sampler kind, on both kernel sets, across plans;
* campaigns handed to the engine in batches of trials return the rows of
  trial-by-trial runs, with progress counted in trials.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from infoscaling.numeric import jit, peeling
from infoscaling.numeric.peeling import peeling_trials, plan_peeling, run_trial, run_trials
from infoscaling.numeric.rng import spawn_seeds

KERNELS = [pytest.param("c", marks=pytest.mark.skipif(jit._compiler() is None, reason="no C compiler")), "numba"]
both_kernels = pytest.mark.parametrize("kernels", KERNELS)
needs_c = pytest.mark.skipif(jit._compiler() is None, reason="no C compiler")

#: One plan of every sampler kind (concept-text is the i.i.d. kind with every variable erased).
PLANS = [("regular:3/regular:6", 600, 0.42), ("poly:0,0.3,0.7/poly:0,0,0,0,0,0.5,0.5", 500, 0.35),
         ("regular:3/poisson:6", 400, 0.4), ("poisson:3/regular:6", 400, 0.4), ("poisson:3/poisson:6", 300, 0.4),
         ("concept-text:dt=6,kappa=4.6,eps=1/2,R=400", None, None), ("poisson:2/poisson:2", 4, 0.5)]


@both_kernels
@pytest.mark.parametrize("p", [1e-7, 0.00075, 0.01, 0.2, 0.3333333333333333, 0.33333333333333326,
                               0.34, 0.6, 0.99])
def test_geometric_draws_are_numpys(kernels, p):
    """Same draws as ``last + cumsum(rng.geometric(p, size))``, and the stream continues identically."""
    for seed in range(5):
        a, b = np.random.default_rng(seed), np.random.default_rng(seed)
        want = 17 + np.cumsum(a.geometric(p, size=3000))
        with peeling.use_kernels(kernels):
            got = peeling._geometric_draws(b, p, 3000, 17)
        assert got.dtype == np.int64 and got.tolist() == want.tolist(), (seed, p)
        assert a.random(3).tolist() == b.random(3).tolist()


@both_kernels
def test_geometric_kernel_rounds_up_and_caps(kernels):
    """Inversion gap = ceil(-e / dlog): exact integers stay, fractions round up, 2**63 and beyond cap."""
    expo = np.array([0.0, 1.0, 2.5, 3.0, 1e300], dtype=np.float64)
    with peeling.use_kernels(kernels):
        pos = np.empty(5, dtype=np.int64)
        peeling._kernels().geometric_positions(expo, -1.0, 0, pos)
    gaps = np.diff(np.concatenate(([0], pos[:4]))).tolist()
    assert gaps == [0, 1, 3, 3]
    assert int(pos[4]) == (7 + 2**63 - 1) - 2**64  # INT64_MAX added, int64 wraparound like NumPy


@both_kernels
@given(n_var=st.integers(1, 30), n_chk=st.integers(1, 30), p=st.floats(0.0, 1.0), seed=st.integers(0, 2**32 - 1))
@settings(max_examples=60, deadline=None)
def test_iid_csr_equals_division_and_bincount(kernels, n_var, n_chk, p, seed):
    """The row walk gives the CSR of ``var = pos // n_chk``, ``adj = pos % n_chk`` (empty rows included)."""
    rng = np.random.default_rng(seed)
    pos = np.flatnonzero(rng.random(n_var * n_chk) < p).astype(np.int64)
    ptr = np.zeros(n_var + 1, dtype=np.int64)
    np.cumsum(np.bincount(pos // n_chk, minlength=n_var), out=ptr[1:])
    with peeling.use_kernels(kernels):
        got_ptr, got_adj = np.empty(n_var + 1, dtype=np.int64), np.empty(pos.size, dtype=np.int32)
        peeling._kernels().iid_csr(pos, n_var, n_chk, got_ptr, got_adj)
    assert got_ptr.tolist() == ptr.tolist()
    assert got_adj.dtype == np.int32 and got_adj.tolist() == (pos % n_chk).tolist()


@both_kernels
def test_iid_csr_refuses_positions_out_of_order_or_range(kernels):
    with peeling.use_kernels(kernels):
        for bad in ([3, 2], [0, 12], [-1]):
            with pytest.raises(ValueError, match="out of order or beyond"):
                peeling._kernels().iid_csr(np.array(bad, dtype=np.int64), 3, 4, np.empty(4, dtype=np.int64),
                                           np.empty(2, dtype=np.int32))


@both_kernels
@pytest.mark.parametrize("spec, n, eps", PLANS)
def test_run_trials_equals_run_trial(kernels, spec, n, eps):
    """Batched trials (the C workspace reused from trial to trial) return run_trial's rows exactly."""
    plan = plan_peeling(spec, n, eps)
    seeds = spawn_seeds(99, 12)
    with peeling.use_kernels("numba"):
        want = [list(run_trial(plan, s)) for s in seeds]
    with peeling.use_kernels(kernels):
        got = run_trials(plan, seeds)
    assert got.dtype == np.int64 and got.tolist() == want


@needs_c
def test_workspace_follows_the_plan():
    """Alternating plans of one kind but other sizes (and back) never reuse a stale workspace."""
    plans = [plan_peeling("regular:3/regular:6", n, 0.42) for n in (300, 302, 300)]
    plans.append(plan_peeling("regular:3/regular:6", 300, 0.3))
    seeds = spawn_seeds(5, 4)
    with peeling.use_kernels("c"):
        for plan in plans:
            assert run_trials(plan, seeds).tolist() == [list(run_trial(plan, s)) for s in seeds]


@needs_c
def test_workspace_peel_matches_the_plain_decoder():
    """Workspace.peel(eps) erases where uniform < eps and decodes like peel() on that pattern."""
    from infoscaling.numeric import peeling_c

    plan = plan_peeling("regular:3/regular:6", 500, 0.44)
    rng = np.random.default_rng(3)
    ws = peeling_c.Workspace(plan.n_var, plan.n_chk)
    with pytest.raises(ValueError, match="before set_graph"):
        ws.peel(0.4)
    for _ in range(3):
        g = peeling.sample_graph(plan, rng)
        ws.set_graph(g.var_ptr, g.var_adj, *peeling._degree_runs(g.var_ptr))
        rng.random(out=ws.uniform)
        pattern = (ws.uniform < 0.44).view(np.uint8)
        want = peeling.peel(g, pattern)
        assert ws.peel(0.44) == (int(pattern.sum()), want.residual, want.rounds)
        assert ws.erased.tolist() == want.erased.tolist()
    with pytest.raises(ValueError, match="do not match"):
        ws.set_graph(g.var_ptr[:-1], g.var_adj, *peeling._degree_runs(g.var_ptr))


@both_kernels
def test_batched_campaign_equals_trial_by_trial(kernels):
    """More trials than one batch: every row is its own trial's run_trial row; progress counts trials."""
    plan = plan_peeling("regular:3/regular:6", 60, 0.42)
    trials = 3 * peeling._MAX_BATCH + 5
    assert peeling._batch_size(plan, trials, None) == peeling._MAX_BATCH
    seen = []
    with peeling.use_kernels(kernels):
        res = peeling_trials(plan, None, None, trials, seed=77, workers=1, progress=seen.append)
    want = [list(run_trial(plan, s)) for s in spawn_seeds(77, trials)]
    got = np.column_stack([res.initial, res.residual, res.rounds, res.edges]).tolist()
    assert got == want
    assert seen == [peeling._MAX_BATCH * k for k in (1, 2, 3)] + [trials]


def test_batches_leave_every_worker_work():
    """With several workers a campaign is cut into at least 4 tasks per worker (small campaigns too)."""
    from infoscaling.numeric.executor import ProcessEngine

    plan = plan_peeling("regular:3/regular:6", 60, 0.42)
    assert peeling._batch_size(plan, 80, ProcessEngine(2)) == 10
    assert peeling._batch_size(plan, 3, ProcessEngine(2)) == 1
    big = plan_peeling("regular:3/regular:6", 10**6, 0.42)
    assert peeling._batch_size(big, 1000, None) == 1


def _iid_positions_reference(rng, n_var, n_chk, p, sigmas):
    """The i.i.d.-edge sampler as first written: rng.geometric gaps in chunks, concatenated."""
    total = n_var * n_chk
    mean = total * p
    chunk = int(mean + sigmas * np.sqrt(mean + 1.0) + 16)
    parts, last = [], -1
    while True:
        pos = last + np.cumsum(rng.geometric(p, size=chunk))
        if pos[-1] >= total:
            parts.append(pos[: np.searchsorted(pos, total)])
            return np.concatenate(parts)
        parts.append(pos)
        last = int(pos[-1])
        chunk = max(16, chunk // 4)


@both_kernels
@pytest.mark.parametrize("sigmas", [6.0, -3.0, -5.0])
@pytest.mark.parametrize("p", [0.002, 0.05, 0.4])
def test_iid_edges_in_several_chunks(kernels, monkeypatch, sigmas, p):
    """With first chunks too short (several chunks, scratch buffers growing) the positions stay the reference's."""
    monkeypatch.setattr(peeling, "_CHUNK_SIGMAS", sigmas)
    scratch = peeling._Scratch()
    with peeling.use_kernels(kernels):
        for seed in range(4):
            want = _iid_positions_reference(np.random.default_rng(seed), 60, 70, p, sigmas)
            plain = peeling._iid_edges(np.random.default_rng(seed), 60, 70, p)
            reused = peeling._iid_edges(np.random.default_rng(seed), 60, 70, p, scratch)
            assert plain.tolist() == want.tolist() == reused.tolist(), seed


@needs_c
def test_structured_trial_draws_like_numpy():
    """The C trial takes its raw draws and channel doubles from the bit generator as NumPy does:
    the stream ends where random_raw(edges) + random(n_var) leave it, and bad degrees are refused."""
    from infoscaling.numeric import peeling_c

    plan = plan_peeling("regular:3/regular:6", 200, 0.4)
    runner = peeling._FastTrials(plan)
    bg = np.random.PCG64(8)
    runner.ws.structured_trial(bg, runner.chk_deg, plan.eps)
    ref = np.random.default_rng(8)
    ref.bit_generator.random_raw(plan.edges_target)
    ref.random(plan.n_var)
    assert bg.random_raw(4).tolist() == ref.bit_generator.random_raw(4).tolist()
    ws = peeling_c.Workspace(plan.n_var, plan.n_chk)
    with pytest.raises(ValueError, match="before set_graph"):
        ws.structured_trial(bg, runner.chk_deg, 0.4)
    with pytest.raises(ValueError, match="check degrees"):
        runner.ws.structured_trial(bg, runner.chk_deg[:-1].copy(), 0.4)
