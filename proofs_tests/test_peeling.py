"""The peeling simulator: fast decoder == reference, samplers, and simulation vs DE.

Statistical design (see conftest.py): every CI comparison below uses
``per_comparison_confidence()``; this module makes fewer than 20 of the
suite's ``STAT_COMPARISONS`` comparisons.  Seeds are fixed, so a run is
reproducible; the design keeps a reseeded run passing with the stated
probability when the theory is right.

Finite-size allowances (documented, not tuned to pass):

* DE describes n -> infinity.  Away from the threshold the mean residual
  fraction of a length-n code differs from eps L(y_inf) by O(1/n) (the
  fluctuations are O(n^-1/2) and are covered by the t interval).  We allow
  ``FINITE_N_BIAS / n`` with ``FINITE_N_BIAS = 10`` (a generous multiple of
  the O(1) constant; at n = 2e4 that is 5e-4, about a tenth of the CI width).
* Below threshold, the (3,6) ensemble has an error floor from small stopping
  sets whose block failure rate is O(1/n) (size-2 stopping sets: about
  eps^2 x O(1)/n, below 1e-4 at n = 2e4): we allow a block failure rate of
  ``FLOOR_ALLOWANCE = 1e-3`` (ten times that).  The check is that the
  Clopper-Pearson interval reaches down to the allowance, with 300 trials:
  6 failures in 300 (2%) already refute it at the suite's per-comparison level.
* Concept-text at finite R is the binomial pair of MODEL.md 1.2, whose DE
  differs from the Poisson limit by O(1/R); we compute that difference with
  the binomial DE itself (floats, independent code below) and add it, plus
  ``FINITE_N_BIAS / R``.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from conftest import per_comparison_confidence
from hypothesis import example, given
from hypothesis import strategies as st
from infoscaling.derivations.ensemble import parse_ensemble
from infoscaling.numeric import jit, peeling
from infoscaling.numeric.executor import ProcessEngine, SerialEngine
from infoscaling.numeric.peeling import (
    Graph,
    PeelingPlan,
    peel,
    peel_reference,
    peeling_trials,
    plan_peeling,
    sample_erasures,
    sample_graph,
    simulate_peeling,
)
from infoscaling.numeric.stats import proportion
from scipy.optimize import brentq

FINITE_N_BIAS = 10.0
FLOOR_ALLOWANCE = 1e-3
CONF = per_comparison_confidence()

#: The simulator's two kernel sets (numeric.peeling_c and the numba ones): every decoder and sampler
#: check below runs on both, so a bug planted in either is seen (without a C compiler: numba only).
KERNELS = [pytest.param("c", marks=pytest.mark.skipif(jit._compiler() is None, reason="no C compiler")), "numba"]
both_kernels = pytest.mark.parametrize("kernels", KERNELS)

SMALL_SPECS = [
    "regular:2/regular:4",
    "regular:3/regular:6",
    "regular:3/regular:4",
    "poly:0,1/2,1/2/regular:6",
    "poly:1/10,0,9/10/poly:0,0,1/3,2/3",
    "poisson:3/poisson:6",
    "regular:3/poisson:5",
    "poisson:2/regular:4",
    "binomial:40,1/10/binomial:20,1/10",
]


@functools.cache
def ensemble(spec: str):
    return parse_ensemble(spec)


# ----------------------------------------------------------------------------
# DE predictions (theory side)
# ----------------------------------------------------------------------------
def de_residual(spec: str, eps: float) -> float:
    """eps L(y_inf) of DE, from the project's evaluator (numeric.evaluate)."""
    from infoscaling.numeric.evaluate import residual_fraction

    return float(residual_fraction(ensemble(spec), str(eps), dps=20))


def binomial_ct_unlearned(dt: float, kappa: float, R: int, T: int) -> float:
    """Unlearned fraction predicted by DE for the finite-R concept-text graph (independent code).

    In the u = x/eps form of MODEL.md 1.5 with the binomial pair of 1.2 (all R
    concepts erased): u = (1 - p z)^T with z = (1 - p u)^(R-1) the probability
    that the other concepts of a text are learned, and the unlearned fraction
    is (1 - p z)^T at the largest fixed point (bracketed with brentq).
    """
    p = dt / R

    def g(u):
        return (1.0 - p * (1.0 - p * u) ** (R - 1)) ** (T - 1) - u

    grid = np.linspace(1.0, 0.0, 20001)
    vals = g(grid)
    idx = np.flatnonzero(vals >= 0)[0]
    if vals[idx] == 0.0 or idx == 0:
        u = grid[idx]
    else:
        u = brentq(g, grid[idx], grid[idx - 1], xtol=1e-15)
    return (1.0 - p * (1.0 - p * u) ** (R - 1)) ** T


# ----------------------------------------------------------------------------
# fast decoder == reference decoder
# ----------------------------------------------------------------------------
def _same(graph: Graph, erased) -> None:
    fast = peel(graph, erased)
    ref = peel_reference(graph, erased)
    assert fast.erased.tolist() == ref.erased.tolist()
    assert fast.residual == ref.residual == int(ref.erased.sum())
    assert fast.rounds == ref.rounds


@given(
    spec=st.sampled_from(SMALL_SPECS),
    n=st.integers(20, 80),
    eps=st.floats(0.05, 0.95),
    seed=st.integers(0, 2**32 - 1),
)
@example(spec="regular:3/regular:6", n=60, eps=0.43, seed=0)
@example(spec="regular:2/regular:4", n=20, eps=0.5, seed=1)
@both_kernels
def test_fast_equals_reference_on_ensembles(kernels, spec, n, eps, seed):
    with peeling.use_kernels(kernels):
        plan = plan_peeling(ensemble(spec), n, eps)
        _same(*_sampled(plan, seed))


@given(
    n_var=st.integers(1, 12),
    n_chk=st.integers(1, 8),
    data=st.data(),
)
@both_kernels
def test_fast_equals_reference_on_arbitrary_multigraphs(kernels, n_var, n_chk, data):
    with peeling.use_kernels(kernels):
        edges = data.draw(st.lists(st.tuples(st.integers(0, n_var - 1), st.integers(0, n_chk - 1)),
                                   max_size=40))
        erased = data.draw(st.lists(st.booleans(), min_size=n_var, max_size=n_var))
        var = [v for v, _ in edges]
        chk = [c for _, c in edges]
        _same(Graph.from_edges(n_var, n_chk, var, chk), erased)


MULTI_CLASS_SPECS = ["poly:0,1/2,1/2/regular:6", "poly:1/10,0,9/10/poly:0,0,1/3,2/3", "poly:0,1/2,1/2/poisson:6"]


def _sampled(plan, seed):
    """One graph and its channel erasures drawn from ``default_rng(seed)``, in the simulator's order."""
    rng = np.random.default_rng(seed)
    return sample_graph(plan, rng), sample_erasures(plan, rng)


@given(spec=st.sampled_from(MULTI_CLASS_SPECS), n=st.integers(20, 90), eps=st.floats(0.2, 0.9),
       seed=st.integers(0, 2**32 - 1))
@example(spec="poly:0,1/2,1/2/regular:6", n=60, eps=0.6, seed=3)
@both_kernels
def test_trial_decoder_with_degree_runs_equals_reference(kernels, spec, n, eps, seed):
    """run_trial finds a recovered variable's edges from the plan's degree classes: same as the reference."""
    with peeling.use_kernels(kernels):
        plan = plan_peeling(ensemble(spec), n, eps)
        run_deg = peeling._degree_runs(None, plan.var_classes)[2]
        assert run_deg.size == len(plan.var_classes) >= 2  # the arithmetic path is really taken
        seq = np.random.SeedSequence(seed)
        graph, erased = _sampled(plan, seq)
        ref = peel_reference(graph, erased)
        initial, residual, rounds, edges = peeling.run_trial(plan, seq)
        assert (initial, residual, rounds, edges) == (int(erased.sum()), ref.residual, ref.rounds, graph.edges)


@given(spec=st.sampled_from(SMALL_SPECS), n=st.integers(20, 200), eps=st.floats(0.05, 0.95),
       seed=st.integers(0, 2**32 - 1))
@both_kernels
def test_degree_runs_and_var_ptr_decode_alike(kernels, spec, n, eps, seed):
    """The kernel gives the same pattern, residual and rounds with and without the degree runs."""
    with peeling.use_kernels(kernels):
        plan = plan_peeling(ensemble(spec), n, eps)
        g, erased = _sampled(plan, seed)
        runs = peeling._degree_runs(g.var_ptr)
        if runs[2].size == 0:  # many runs: decode with a single run per variable instead
            deg = np.diff(g.var_ptr)
            runs = (np.arange(g.n_var + 1, dtype=np.int64), g.var_ptr[:-1].copy(), deg)
        none = (peeling._NO_RUNS,) * 3
        a, b = erased.copy(), erased.copy()
        assert peeling._kernels().peel(g.n_chk, g.var_ptr, g.var_adj, a, *runs) == \
            peeling._kernels().peel(g.n_chk, g.var_ptr, g.var_adj, b, *none)
        assert a.tolist() == b.tolist()


def test_degree_runs_of_csr_and_of_classes_agree():
    """Runs read from var_ptr equal those of the plan's classes; too many runs: none."""
    plan = plan_peeling("poly:1/10,0,9/10/poly:0,0,1/3,2/3", 500, 0.4)
    g = sample_graph(plan, np.random.default_rng(0))
    from_ptr = peeling._degree_runs(g.var_ptr)
    from_classes = peeling._degree_runs(None, plan.var_classes)
    assert [x.tolist() for x in from_ptr] == [x.tolist() for x in from_classes]
    assert from_ptr[0].tolist()[-1] == g.n_var and from_ptr[2].tolist() == [1, 3]
    alternating = np.concatenate(([0], np.cumsum(np.tile([1, 2], 20))))  # 40 runs
    assert all(x.size == 0 for x in peeling._degree_runs(alternating))


@both_kernels
def test_degree_runs_inconsistent_with_the_graph_are_refused(kernels):
    """Classes that do not describe the CSR are refused; runs past the edges stop the kernel (no stray reads)."""
    with peeling.use_kernels(kernels):
        plan = plan_peeling("regular:3/regular:6", 40, 0.5)
        g = sample_graph(plan, np.random.default_rng(1))
        with pytest.raises(ValueError, match="do not describe"):
            peeling._degree_runs(g.var_ptr, ((3, 39),))
        with pytest.raises(ValueError, match="do not describe"):
            peeling._degree_runs(g.var_ptr, ((4, 40),))
        too_wide = (np.array([0, 40], dtype=np.int64), np.array([0], dtype=np.int64), np.array([4], dtype=np.int64))
        last_only = np.zeros(40, dtype=np.uint8)
        last_only[39] = 1  # recovered at once; degree 4 would put its edges at 156..159 of 120
        padded = np.zeros(2 * g.edges, dtype=np.int32)  # readable memory past the edges: a missing check
        padded[:g.edges] = g.var_adj                     # shows as a wrong answer, not as a crash
        with pytest.raises(IndexError, match="beyond the graph's edges"):
            peeling._kernels().peel(g.n_chk, g.var_ptr, padded[:g.edges], last_only, *too_wide)


@pytest.mark.skipif(jit._compiler() is None, reason="no C compiler")
def test_c_kernels_are_used_when_a_compiler_exists():
    """With a C compiler the C kernels load (a broken C source fails here, never falls back silently)."""
    from infoscaling.numeric import peeling_c

    assert peeling_c.available()
    with peeling.use_kernels("auto"):
        assert peeling._kernels() is peeling_c
    with peeling.use_kernels("numba"):
        assert peeling._kernels() is not peeling_c


@both_kernels
def test_bounded_draws_are_exact_multiply_shift(kernels):
    """Each uniform target is floor(x k / 2**64) exactly (Lemire), also for k near 2**32 where carries matter."""
    rng = np.random.default_rng(99)
    raw = rng.bit_generator.random_raw(4000).astype(np.uint64)
    with peeling.use_kernels(kernels):
        for k in (1, 6, 1_000_003, 3_000_000_019, 2**32 - 1):
            got = peeling._kernels().uniform_targets(raw, k)
            if k >= 2**31:  # int32 output: compare modulo 2**32
                got = got.astype(np.int64) % 2**32
            assert got.tolist() == [(int(x) * k) >> 64 for x in raw.tolist()], k


def test_numba_kernel_set_is_compiled():
    """The numba twins are numba dispatchers, rebound in the module (kernels call each other compiled)."""
    from numba.core.dispatcher import Dispatcher

    loaded = peeling._NUMBA.load()
    assert set(loaded) == {"_csr_fill", "_bounded", "_matched_sockets", "_uniform_targets", "_geometric_positions",
                           "_iid_csr", "_peel_kernel"}
    for name, dispatcher in loaded.items():
        assert isinstance(dispatcher, Dispatcher), name
        assert getattr(peeling, name) is dispatcher


@pytest.mark.skipif(jit._compiler() is None, reason="no C compiler")
@given(n_chk=st.integers(1, 40), data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_c_and_numba_kernels_agree(n_chk, data, seed):
    """Each C kernel returns exactly what its numba twin returns (raw draws, degrees and graphs drawn at random)."""
    from infoscaling.numeric import peeling_c

    numba = peeling._NUMBA.load()
    rng = np.random.default_rng(seed)
    chk_deg = np.array(data.draw(st.lists(st.integers(0, 7), min_size=n_chk, max_size=n_chk)), dtype=np.int64)
    raw = rng.bit_generator.random_raw(int(chk_deg.sum()) + 1).astype(np.uint64)
    assert peeling_c.matched_sockets(chk_deg, raw).tolist() == numba["_matched_sockets"](chk_deg, raw).tolist()
    k = data.draw(st.integers(1, 2**32 - 1))
    assert peeling_c.uniform_targets(raw, k).tolist() == numba["_uniform_targets"](raw, k).tolist()
    n_var = data.draw(st.integers(1, 30))
    var = rng.integers(0, n_var, size=raw.size)
    chk = rng.integers(0, n_chk, size=raw.size).astype(np.int32)
    ptr = np.zeros(n_var + 1, dtype=np.int64)
    np.cumsum(np.bincount(var, minlength=n_var), out=ptr[1:])
    adj = peeling_c.csr_fill(ptr, var, chk)
    assert adj.tolist() == numba["_csr_fill"](ptr, var, chk).tolist()
    erased = (rng.random(n_var) < data.draw(st.floats(0.0, 1.0))).astype(np.uint8)
    for runs in (peeling._degree_runs(ptr), (peeling._NO_RUNS,) * 3):
        a, b = erased.copy(), erased.copy()
        assert peeling_c.peel(n_chk, ptr, adj, a, *runs) == numba["_peel_kernel"](n_chk, ptr, adj, b, *runs)
        assert a.tolist() == b.tolist()


def sequential_peel(graph: Graph, erased, order_seed: int) -> set[int]:
    """The literal peeling process: one degree-one check at a time, picked at random."""
    checks = graph.check_lists()
    still = {v for v in range(graph.n_var) if erased[v]}
    rng = np.random.default_rng(order_seed)
    while True:
        ones = [c for c, nbrs in enumerate(checks) if sum(v in still for v in nbrs) == 1]
        if not ones:
            return still
        c = ones[rng.integers(len(ones))]
        still -= {v for v in checks[c] if v in still}


@given(spec=st.sampled_from(SMALL_SPECS), n=st.integers(10, 40), eps=st.floats(0.2, 0.8),
       seed=st.integers(0, 2**32 - 1))
@both_kernels
def test_final_erased_set_does_not_depend_on_the_order(kernels, spec, n, eps, seed):
    with peeling.use_kernels(kernels):
        plan = plan_peeling(ensemble(spec), n, eps)
        graph, erased = _sampled(plan, seed)
        fast = set(np.flatnonzero(peel(graph, erased).erased).tolist())
        assert sequential_peel(graph, erased, seed) == fast


@both_kernels
def test_double_edge_does_not_fire_and_rounds_are_parallel(kernels):
    with peeling.use_kernels(kernels):
        # check 0 joins variable 0 twice: it never has exactly one erased edge
        g = Graph.from_edges(2, 2, [0, 0, 0, 1], [0, 0, 1, 1])
        r = peel(g, [1, 0])
        assert (r.residual, r.rounds) == (0, 1)  # check 1 recovers variable 0
        r = peel(g, [1, 1])
        assert (r.residual, r.rounds) == (2, 0)
        # a chain: v0 - c0 - v1 - c1 - v2 - c2 - v3, with c3 a degree-one check on v3
        g = Graph.from_edges(4, 4, [0, 1, 1, 2, 2, 3, 3], [0, 0, 1, 1, 2, 2, 3])
        r = peel(g, [0, 1, 1, 1])
        assert (r.residual, r.rounds) == (0, 2)  # c0 -> v1 and c3 -> v3 in round 1, v2 in round 2
        ref = peel_reference(g, [0, 1, 1, 1])
        assert (ref.residual, ref.rounds) == (0, 2)


@both_kernels
def test_erasure_input_is_not_modified(kernels):
    with peeling.use_kernels(kernels):
        g = Graph.from_edges(3, 2, [0, 1, 1, 2], [0, 0, 1, 1])
        e = np.array([1, 1, 0], dtype=np.uint8)
        peel(g, e)
        assert e.tolist() == [1, 1, 0]


# ----------------------------------------------------------------------------
# samplers
# ----------------------------------------------------------------------------
@given(spec=st.sampled_from([s for s in SMALL_SPECS if "poisson" not in s and "binomial" not in s]),
       n=st.integers(1, 300), seed=st.integers(0, 2**32 - 1))
def test_configuration_model_degrees(spec, n, seed):
    plan = plan_peeling(ensemble(spec), n, 0.5)
    g = sample_graph(plan, np.random.default_rng(seed))
    assert g.n_var == n and g.edges == plan.edges_target
    vdeg = np.diff(g.var_ptr)
    want_v = np.repeat([k for k, _ in plan.var_classes], [c for _, c in plan.var_classes])
    assert sorted(vdeg.tolist()) == sorted(want_v.tolist())
    cdeg = np.bincount(g.var_adj, minlength=g.n_chk)
    assert cdeg.min() >= 1
    assert cdeg.sum() == vdeg.sum()
    # the check-degree multiset is the deterministic one of plan (after leftover absorption)
    assert sorted(cdeg.tolist()) == sorted(peeling._check_degrees(plan).tolist())
    # largest-remainder rounding: each class within 1 node of n * L_k
    # node fractions L_k from the exact SymPy derivation (independent of the sampler's Fractions)
    var = ensemble(spec).var
    fr = {int(var.d): 1} if hasattr(var, "d") else {
        i + 1: f for i, f in enumerate(var.node_fractions()) if f != 0}
    got = dict(plan.var_classes)
    for k, f in fr.items():
        assert abs(got.get(k, 0) - n * f) < 1


def test_leftover_sockets_are_absorbed_round_robin():
    plan = plan_peeling(ensemble("regular:3/regular:6"), 7, 0.5)  # E = 21, m = round(3.5) = 4
    assert (plan.edges_target, plan.n_chk, plan.chk_adjust) == (21, 4, -3)
    assert peeling._check_degrees(plan).tolist() == [5, 5, 5, 6]


@both_kernels
def test_configuration_matching_is_uniform(kernels):
    with peeling.use_kernels(kernels):
        # n = 2 variables of degree 2, one check of degree 4 ... use 2 checks of degree 2:
        # (2,2)-regular with n = 2: sockets v0 v0 v1 v1 matched to c0 c0 c1 c1.
        # P(v0 has a double edge) = P(both v0 sockets get the same check) = 2 * (2/4)(1/3) = 1/3.
        plan = plan_peeling(ensemble("regular:2/regular:2"), 2, 0.5)
        trials = 3000
        rng = np.random.default_rng(2024)
        doubles = 0
        for _ in range(trials):
            g = sample_graph(plan, rng)
            doubles += int(g.var_adj[0] == g.var_adj[1])
        assert proportion(doubles, trials, CONF).contains(1 / 3)


@both_kernels
def test_socket_matching_is_a_uniform_permutation(kernels):
    """Every one of the 4! socket matchings is equally likely (chi-square over all 24 cells).

    Four variables of degree 1 and four checks of degree 1: ``var_adj`` is the
    matching itself.  A non-uniform shuffle (e.g. Sattolo's, which only makes
    cyclic permutations and never matches a socket to itself) empties cells;
    the fixed-point frequency is checked separately (1/4 per socket).  Both
    tests hold their false alarm below the per-comparison budget.
    """
    with peeling.use_kernels(kernels):
        from itertools import permutations

        from scipy.stats import chi2

        plan = PeelingPlan("test", "config", 4, 4, ((1, 4),), ((1, 4),), 0, 4, eps=0.5, n_code=4.0)
        rng = np.random.default_rng(4242)
        draws = 4800
        counts = dict.fromkeys(permutations(range(4)), 0)
        fixed = 0
        for _ in range(draws):
            perm = tuple(sample_graph(plan, rng).var_adj.tolist())
            counts[perm] += 1
            fixed += sum(int(perm[i] == i) for i in range(4))
        expected = draws / 24
        stat = sum((c - expected) ** 2 / expected for c in counts.values())
        assert stat <= chi2.ppf(CONF, 23), (stat, counts)
        assert proportion(fixed, 4 * draws, CONF).contains(1 / 4)


def test_iid_graph_edge_count_is_binomial():
    plan = PeelingPlan("test", "iid", 40, 30, p=0.07, eps=0.5, n_code=40.0)
    rng = np.random.default_rng(11)
    counts = []
    for _ in range(400):
        g = sample_graph(plan, rng)
        # distinct pairs, sorted within each row
        for v in range(g.n_var):
            row = g.var_adj[g.var_ptr[v]:g.var_ptr[v + 1]]
            assert np.all(np.diff(row) > 0)
        counts.append(g.edges)
    from infoscaling.numeric.stats import mean

    assert mean(counts, CONF).contains(40 * 30 * 0.07)
    # variance check through the per-pair marginal: every pair equally likely
    hits = np.zeros((40, 30))
    for _ in range(200):
        g = sample_graph(plan, rng)
        v = np.repeat(np.arange(40), np.diff(g.var_ptr))
        hits[v, g.var_adj] += 1
    assert proportion(int(hits[:20].sum()), int(hits.sum()), CONF).contains(0.5)


def test_binomial_pair_at_n_equal_M_is_the_stated_ensemble():
    plan = plan_peeling(ensemble("binomial:40,1/10/binomial:20,1/10"), 20, 0.3)
    assert plan.kind == "iid" and plan.n_chk == 40 and plan.p == pytest.approx(0.1, rel=1e-15)


def test_cli_md_binomial_example_is_exact_at_n_equal_M():
    plan = plan_peeling(ensemble("binomial:2599,0.0156/binomial:770,0.0156"), 770, 0.3)
    assert (plan.kind, plan.n_var, plan.n_chk) == ("iid", 770, 2599)
    assert plan.p == pytest.approx(0.0156, rel=1e-14)


def test_concept_text_plan():
    ens = ensemble("concept-text:dt=6,kappa=5,eps=1/2")
    plan = plan_peeling(ens, 2000, None)
    assert (plan.n_var, plan.n_chk, plan.all_erased, plan.n_code) == (1000, 5000, True, 2000.0)
    assert plan.p == pytest.approx(0.006)
    assert sample_erasures(plan, np.random.default_rng(0)).all()


# ----------------------------------------------------------------------------
# campaign API
# ----------------------------------------------------------------------------
def test_worker_count_invariance():
    args = ("regular:3/regular:6", 3000, 0.45, 12, 99)
    a = peeling_trials(*args, engine=SerialEngine())
    b = peeling_trials(*args, engine=ProcessEngine(2))
    c = peeling_trials(*args, workers=1)
    for field in ("initial", "residual", "rounds", "edges"):
        assert getattr(a, field).tolist() == getattr(b, field).tolist() == getattr(c, field).tolist()
    ra = simulate_peeling(*args, workers=1)
    rb = simulate_peeling(*args, workers=2)
    for key in ("block_failure", "residual_erased_fraction", "rounds"):
        assert ra[key] == rb[key]


def test_seed_drives_the_trials():
    """Trial i is run_trial(plan, spawn_seeds(seed, trials)[i]); another seed gives other graphs."""
    from infoscaling.numeric.peeling import run_trial
    from infoscaling.numeric.rng import spawn_seeds

    plan = plan_peeling("regular:3/regular:6", 400, 0.45)
    res = peeling_trials(plan, None, None, trials=6, seed=12345, workers=1)
    for i, child in enumerate(spawn_seeds(12345, 6)):
        assert run_trial(plan, child)[:3] == (res.initial[i], res.residual[i], res.rounds[i])
    other = peeling_trials(plan, None, None, trials=6, seed=12346, workers=1)
    assert other.initial.tolist() != res.initial.tolist()
    big = 9007199254740993  # 2**53 + 1: must not pass through a float
    a = peeling_trials(plan, None, None, trials=3, seed=big, workers=1)
    b = peeling_trials(plan, None, None, trials=3, seed=big - 1, workers=1)
    assert a.seed == big and a.initial.tolist() != b.initial.tolist()


def test_seed_drawn_when_absent_and_echoed():
    r = simulate_peeling("regular:3/regular:6", 300, 0.4, trials=2, seed=None, workers=1)
    again = simulate_peeling("regular:3/regular:6", 300, 0.4, trials=2, seed=r["seed"], workers=1)
    assert isinstance(r["seed"], int) and r["seed"] >= 0
    for key in ("block_failure", "residual_erased_fraction", "rounds"):
        assert r[key] == again[key]


def test_result_keys_and_seed_echo():
    r = simulate_peeling("poisson:3/poisson:6", 500, 0.2, trials=3, seed=5, workers=1)
    for key in ("block_failure", "residual_erased_fraction"):
        assert set(r[key]) >= {"estimate", "ci", "confidence"}
        assert r[key]["ci"][0] <= r[key]["estimate"] <= r[key]["ci"][1]
    assert set(r["rounds"]) == {"mean", "max"}
    assert (r["trials"], r["seed"], r["n"], r["eps"]) == (3, 5, 500, 0.2)
    assert r["seconds"] > 0


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(n=0), "n"),
        (dict(n=-5), "n"),
        (dict(n=10**12), "n"),
        (dict(n=1.5), "n"),
        (dict(n=float("nan")), "n"),
        (dict(eps=0.0), "eps"),
        (dict(eps=1.0), "eps"),
        (dict(eps=float("nan")), "eps"),
        (dict(eps="abc"), "eps"),
        (dict(trials=0), "trials"),
        (dict(trials=10**7 + 1), "trials"),
        (dict(seed=-1), "seed"),
        (dict(seed=1.5), "seed"),
        (dict(confidence=1.0), "confidence"),
        (dict(confidence=float("nan")), "confidence"),
        (dict(workers=0), "workers"),
        (dict(ensemble="regular:3"), "ENSEMBLE"),
        (dict(ensemble="poisson:27/poisson:12", n=1), "n"),
        (dict(ensemble="concept-text:dt=6,kappa=5,eps=1/2", eps=0.3), "eps"),
        (dict(ensemble="concept-text:dt=6,kappa=5,eps=1/2,R=100", n=300), "n"),
    ],
)
def test_bad_input_names_the_argument(kwargs, name):
    args = dict(ensemble="regular:3/regular:6", n=100, eps=0.4, trials=2, seed=1, workers=1)
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        simulate_peeling(**args)


# ----------------------------------------------------------------------------
# simulation vs theory
# ----------------------------------------------------------------------------
@both_kernels
def test_36_below_threshold_decodes(kernels):
    """Below threshold (3,6) decodes; on both kernel sets (the C one draws its channel in C; the
    numba run goes through sample_erasures).  Same seeds, identical results on both: one comparison."""
    with peeling.use_kernels(kernels):
        r = peeling_trials("regular:3/regular:6", 20_000, 0.35, trials=300, seed=101)
    assert proportion(int(r.failed.sum()), r.trials, CONF).ci[0] <= FLOOR_ALLOWANCE
    est = simulate_peeling("regular:3/regular:6", 20_000, 0.35, trials=20, seed=101,
                           confidence=CONF)["residual_erased_fraction"]
    theory = de_residual("regular:3/regular:6", 0.35)
    assert theory == 0.0
    allow = FINITE_N_BIAS / 20_000
    assert est["ci"][0] - allow <= theory <= est["ci"][1] + allow


@pytest.mark.parametrize("spec, n, eps", [
    ("regular:3/regular:6", 20_000, 0.47),
    ("poly:0,1/2,1/2/regular:6", 20_000, 0.45),
    ("regular:3/poisson:6", 20_000, 0.47),
])
def test_residual_matches_de_above_threshold(spec, n, eps):
    r = simulate_peeling(spec, n, eps, trials=16, seed=202, confidence=CONF)
    est = r["residual_erased_fraction"]
    theory = de_residual(spec, eps)
    assert theory > 0.05
    allow = FINITE_N_BIAS / n
    assert est["ci"][0] - allow <= theory <= est["ci"][1] + allow, (est, theory)
    assert r["block_failure"]["estimate"] == 1.0


def test_block_failure_sharpens_with_n():
    """P_B goes from intermediate at n = 100 to ~0 below / ~1 above eps_BP = 0.4294 at n = 2e4.

    (At n = 100 the AMRU law predicts P_B ~ 0.5 at eps = 0.40 and ~ 0.8 at 0.45;
    at n = 2e4 ~ 1e-10 and ~ 1 - 1e-7.)
    """
    spec = "regular:3/regular:6"
    rates = {}
    for n, trials in ((100, 300), (20_000, 400)):
        for eps in (0.40, 0.45):
            res = peeling_trials(spec, n, eps, trials=trials, seed=303)
            rates[n, eps] = proportion(int(res.failed.sum()), res.trials, CONF)
    small_lo, big_lo = rates[100, 0.40], rates[20_000, 0.40]
    small_hi, big_hi = rates[100, 0.45], rates[20_000, 0.45]
    assert big_lo.ci[1] < small_lo.ci[0]  # decreases with n below the threshold
    assert big_hi.ci[0] > small_hi.ci[1]  # increases with n above it
    assert big_lo.ci[0] <= FLOOR_ALLOWANCE
    assert big_hi.ci[1] >= 1 - FLOOR_ALLOWANCE


@pytest.mark.parametrize("kappa", [3.5, 6.0])
def test_concept_text_unlearned_fraction_matches_poisson_de(kappa):
    R = 10_000
    spec = f"concept-text:dt=6,kappa={kappa},eps=1/2"
    r = simulate_peeling(spec, 2 * R, None, trials=8, seed=404, confidence=CONF)
    assert (r["R"], r["T"]) == (R, round(kappa * R))
    est = r["unlearned_fraction"]
    poisson = de_residual(spec, 0.5) / 0.5  # eps L(y) / eps
    binom = binomial_ct_unlearned(6.0, kappa, R, r["T"])
    allow = abs(binom - poisson) + FINITE_N_BIAS / R
    assert abs(binom - poisson) < 20 / R  # the finite-R correction really is O(1/R)
    assert est["ci"][0] - allow <= poisson <= est["ci"][1] + allow, (est, poisson, binom)
    # the same graph as an LDPC code: residual erased fraction = eps * unlearned fraction
    assert r["residual_erased_fraction"]["estimate"] == pytest.approx(0.5 * est["estimate"])


def test_concept_text_equals_poisson_code_in_the_limit():
    """Peeling the R x T graph with all concepts erased vs the Poisson pair code of MODEL.md 1.2."""
    # the concept-text ensemble's Poisson limit is poisson:dt*kappa/poisson:dt/eps
    ct = parse_ensemble("concept-text:dt=6,kappa=3.5,eps=1/2")
    assert ct.var.spec() == "poisson:21" and ct.check.spec() == "poisson:12"
    assert de_residual("poisson:21/poisson:12", 0.5) == pytest.approx(
        de_residual("concept-text:dt=6,kappa=3.5,eps=1/2", 0.5), rel=1e-12)
    code = simulate_peeling("poisson:21/poisson:12", 20_000, 0.5, trials=8, seed=505, confidence=CONF)
    theory = de_residual("poisson:21/poisson:12", 0.5)
    allow = FINITE_N_BIAS / 20_000 + 20 / 20_000
    est = code["residual_erased_fraction"]
    assert est["ci"][0] - allow <= theory <= est["ci"][1] + allow, (est, theory)


@both_kernels
def test_rounds_grow_towards_the_threshold(kernels):
    with peeling.use_kernels(kernels):
        near = peeling_trials("regular:3/regular:6", 20_000, 0.42, trials=6, seed=606, workers=1)
        far = peeling_trials("regular:3/regular:6", 20_000, 0.30, trials=6, seed=606, workers=1)
        assert far.rounds.max() < near.rounds.min()
        # away from the threshold the rounds concentrate on DE's iteration count: the first round
        # after which the expected residual n eps L(y_t) is below half a variable; the last O(1)
        # erased variables are a discrete random tail, hence +-2 rounds.
        x, t = 0.30, 0
        while True:
            t += 1
            y = 1 - (1 - x) ** 5
            if 20_000 * 0.30 * y**3 < 0.5:
                break
            x = 0.30 * y**2
        assert t == 7  # the DE count itself (doubly exponential decay from round ~4 on)
        assert t - 2 <= far.rounds.min() and far.rounds.max() <= t + 2, far.rounds.tolist()


@pytest.mark.deep
@pytest.mark.parametrize("eps", [0.44, 0.47, 0.5])
def test_deep_36_residual_matches_de_at_large_n(eps):
    n = 1_000_000
    r = simulate_peeling("regular:3/regular:6", n, eps, trials=20, seed=707, confidence=CONF)
    est = r["residual_erased_fraction"]
    theory = de_residual("regular:3/regular:6", eps)
    allow = FINITE_N_BIAS / n
    assert est["ci"][0] - allow <= theory <= est["ci"][1] + allow, (est, theory)


@pytest.mark.deep
def test_deep_block_failure_below_threshold_vanishes():
    r = peeling_trials("regular:3/regular:6", 200_000, 0.41, trials=200, seed=808)
    assert proportion(int(r.failed.sum()), r.trials, CONF).ci[0] <= FLOOR_ALLOWANCE
