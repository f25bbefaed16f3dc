"""Coupled chains (issue 10, claim D1): derived objects, certified chain thresholds, potential
thresholds, rates, simulation of sampled chains, bad input.

Statistical design: the simulation comparisons use ``per_comparison_confidence()``
(the suite's Bonferroni share).  Finite-size effects of coupled chains are
strong (a decoding wave must cross 2L + 1 positions, each with M variables); the
tests compare well inside the regimes (threshold - 0.02, threshold + 0.01) and
state the M-dependence at threshold - 0.01 instead of asserting it away.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from conftest import per_comparison_confidence
from infoscaling.derivations import coupling as dc
from infoscaling.derivations.degree import Binomial, FiniteSupport, Poisson, Regular
from infoscaling.derivations.ensemble import Ensemble, parse_ensemble
from infoscaling.derivations.notation import EPS, X
from infoscaling.numeric import coupled as nc
from infoscaling.numeric.cli import main
from infoscaling.numeric.coupled_sim import sample_coupled_regular, simulate_coupled
from infoscaling.numeric.errors import InputError, LimitError
from infoscaling.numeric.thresholds import map_threshold

R36 = "regular:3/regular:6"
R48 = "regular:4/regular:8"


def _map(spec, dps=20):
    return float(map_threshold(parse_ensemble(spec), dps).value)


# ----------------------------------------------------------------------------- derived objects
@pytest.mark.parametrize("l,r,w", [(3, 6, 2), (3, 6, 3), (3, 6, 5), (4, 8, 3), (5, 10, 4)])
def test_rate_count_equals_kru_closed_form(l, r, w):
    assert dc.prove_kru_rate(l, r, w) == 0
    ens = Ensemble(Regular(l), Regular(r))
    for L in (w, w + 1, 17, 64):
        assert dc.rate_by_count(ens, L, w) == sp.simplify(dc.kru_rate(l, r, L, w))


def test_rate_matches_sampled_chains():
    """Independent route: count the checks of a sampled (3,6,L,w) chain that got an edge."""
    L, w, M = 4, 3, 2400
    ens = parse_ensemble(R36)
    expected = float(dc.rate_by_count(ens, L, w))
    rng = np.random.default_rng(11)
    rates = []
    for _ in range(4):
        g = sample_coupled_regular(rng, L, w, M, 3, 6)
        used = np.unique(g.var_adj).size
        rates.append(1 - used / g.n_var)
    # the count is random only at the 2(w-1) boundary positions: a few hundred checks each
    assert abs(np.mean(rates) - expected) < 2e-3, (rates, expected)
    assert abs(float(dc.kru_rate(3, 6, L, w)) - expected) < 1e-15


@pytest.mark.parametrize("spec", [R36, "poly:0,1/2,1/2/regular:6", "poisson:30/poisson:12",
                                  "binomial:50,1/10/poisson:4"])
def test_potential_is_stationary_at_fixed_points(spec):
    assert dc.potential_stationarity(parse_ensemble(spec)) == 0


@pytest.mark.parametrize("side", [Regular(4), FiniteSupport(["0", "1/3", "2/3"]), Poisson(3), Binomial(7, "1/5")])
def test_antiderivatives(side):
    A = dc.antiderivative(side, X)
    assert sp.simplify(sp.diff(A, X) - side.edge_gf(X)) == 0
    assert sp.simplify(A.subs(X, 0)) == 0


def test_coupled_de_reduces_to_uncoupled_at_w1():
    ens = parse_ensemble(R36)
    expr, xs = dc.coupled_de(ens, 1)
    assert sp.simplify(expr.subs(xs[0], X) - ens.de_map(EPS, X)) == 0
    # w = 2 on a constant profile is the uncoupled map too
    expr2, xs2 = dc.coupled_de(ens, 2)
    const = expr2.subs({s: X for s in xs2.values()})
    assert sp.simplify(const - ens.de_map(EPS, X)) == 0


def test_kappa_potential_threshold_is_one_by_symmetry():
    assert dc.kappa_one_symmetry() == (0, 0, 0)
    for d in (3, "4.5", 6, 8):
        r = nc.kappa_potential_threshold(d, dps=25)
        assert r.digits >= 25
        with mp.workdps(40):
            assert abs(mp.mpf(r.text) - 1) < mp.mpf(10) ** -24
            # mirror pair: u_low = s_high = exp(-d u_high)
            dm = mp.mpf(sp.Rational(d))
            assert abs(r.x_low - mp.exp(-dm * r.x_high)) < mp.mpf(10) ** -20


def test_kappa_potential_threshold_rejects_small_dt():
    with pytest.raises(InputError, match="--dt"):
        nc.kappa_potential_threshold("2.7")


# ----------------------------------------------------------------------------- two routes
@pytest.mark.parametrize("spec", [R36, R48, "regular:3/regular:5"])
def test_potential_threshold_equals_area_theorem(spec):
    """Potential function (Yedla et al.) vs the Maxwell area construction: two independent routes."""
    pt = nc.potential_threshold(spec, dps=25)
    mt = map_threshold(parse_ensemble(spec), 25)
    with mp.workdps(40):
        assert abs(mp.mpf(pt.text) - mp.mpf(mt.text)) < mp.mpf(10) ** -24


def test_potential_threshold_concept_text_has_none_below_one():
    r = nc.potential_threshold("concept-text:dt=6,kappa=5,eps=0.5", dps=15)
    assert r.value is None and "no potential threshold" in r.note


# ----------------------------------------------------------------------------- certified decisions
def test_decisions_are_certified_both_ways():
    prob = nc._eps_problem(parse_ensemble(R36), 8, 3)
    stats = {"iterations": 0, "certificates": 0}
    assert nc._decide(prob, 0.46, 10**6, stats) == "success"
    assert nc._decide(prob, 0.52, 10**6, stats) == "failure"
    assert stats["certificates"] == 1
    # a budget too small to see the wave cross is undecided, never a guess
    assert nc._decide(prob, 0.4885, 50, stats) == "undecided"


def _chain_reference(eps, w, lam, rho, x, scale, iterations):
    """The coupled DE step written out in Python with the kernel's general Horner / expm1 forms."""
    gf, omgo = nc._gf.py_func, nc._one_minus_gf_one_minus.py_func
    n = len(x)
    for _ in range(iterations):
        y = []
        for j in range(n + w - 1):
            s = 0.0
            for i in range(max(0, j - w + 1), min(j, n - 1) + 1):
                s += x[i]
            y.append(omgo(rho.kind, rho.par, s * (1.0 / w)))
        for i in range(n):
            t = 0.0
            for j in range(i, i + w):
                t += y[j]
            x[i] = scale * eps * gf(lam.kind, lam.par, t * (1.0 / w))
    return x


@pytest.mark.parametrize("spec,eps", [(R36, 0.47), (R36, 0.49), (R48, 0.49), ("regular:2/regular:5", 0.2),
                                      ("poly:0,1/2,1/2/regular:6", 0.3), ("regular:3/poly:0,0,0,1/2,1/2", 0.45),
                                      ("poisson:3/poisson:6", 0.5)])
def test_chain_kernel_equals_the_general_evaluation_bit_for_bit(spec, eps):
    """Monomial sides take a multiplication fast path: same bits as Horner (also where s < 1e-4)."""
    ens = parse_ensemble(spec)
    lam, rho = nc.side_code(ens.var), nc.side_code(ens.check)
    for its in (1, 7, 300):
        x = np.full(13, eps)
        nc._chain_run(eps, 3, lam.kind, lam.par, rho.kind, rho.par, x, 1 + nc.ETA, its, -1.0, -1.0)
        ref = _chain_reference(eps, 3, lam, rho, [eps] * 13, 1 + nc.ETA, its)
        assert x.tolist() == ref
    assert min(x) < 1e-4 or eps >= 0.49  # the small-s branch was exercised where the chain learns


def test_failure_certificate_is_a_super_solution():
    """The deflated fixed point z satisfies F(z) >= z in mpmath: every exact iterate stays above it."""
    ens = parse_ensemble(R36)
    lam, rho = nc.side_code(ens.var), nc.side_code(ens.check)
    x = np.full(17, 0.5 * (1 + nc.ETA))
    st, _, _ = nc._chain_run(0.5, 3, lam.kind, lam.par, rho.kind, rho.par, x, 1 - nc.ETA, 10**6, -1.0, 1e-15)
    assert st == 2
    with mp.workdps(30):
        z = [mp.mpf(float(v)) for v in x]
        fz = nc._F_mp(mp.mpf(0.5), lam, rho, z, 3)
        assert all(f >= v for f, v in zip(fz, z))
        assert max(z) > 0.3


def test_chain_dominated_by_uncoupled_and_dominates_nothing_below_bp():
    """Below the uncoupled BP threshold every chain learns at once (no unstable fixed point)."""
    ens = parse_ensemble(R36)
    lam, rho = nc.side_code(ens.var), nc.side_code(ens.check)
    lv, fl = nc._levels(0.42, lam, rho, math.inf)
    assert lv == math.inf
    lv, fl = nc._levels(0.45, lam, rho, math.inf)
    assert 0 < lv < fl < 0.45


# ----------------------------------------------------------------------------- thresholds vs L
def _thr(spec, L, w=3, budget=None):
    return nc.coupled_threshold(spec, L, w, dps=6, budget_work=budget or nc.DEFAULT_DECISION_WORK)


@pytest.mark.parametrize("spec,above,near", [(R36, (2, 4, 8), 16), (R48, (2, 4), 8)])
def test_chain_thresholds_approach_map_from_above(spec, above, near):
    """Short chains sit above MAP (they gain from their known ends) and fall towards it with L.

    At fixed w = 3 the L -> oo limit is the w-limited saturated threshold: for (3,6) it is
    within ~1e-6 of MAP, for (4,8) it is 2.8e-5 *below* MAP (threshold saturation is exact
    only as w grows) -- stated, and bounded here by 1e-4.
    """
    eps_map = _map(spec)
    rs = [_thr(spec, L) for L in above]
    for r in rs:
        assert r.lo > eps_map, (r.L, r.lo, eps_map)
        assert r.hi - r.lo < 1e-3
    for a, b in zip(rs, rs[1:]):
        assert b.hi <= a.lo + 1e-12 or b.mid < a.mid, (a, b)  # decreasing in L
    r = _thr(spec, near)
    assert r.hi < rs[-1].lo and abs(r.mid - eps_map) < 1e-4, (r.lo, r.hi, eps_map)


def test_chain_threshold_within_1e4_of_map_at_L64_w3():
    eps_map = _map(R36)
    r = _thr(R36, 64)
    assert r.hi - eps_map <= 1e-4 and eps_map - r.lo <= 1e-4, (r.lo, r.hi, eps_map)
    assert r.digits is not None and r.digits >= 3
    # the printed digits are the agreeing digits of the certified bracket
    with mp.workdps(30):
        assert abs(mp.mpf(r.text) - mp.mpf(r.mid)) <= mp.mpf(10) ** (-r.digits) * 10


def test_kappa_chain_threshold_between_one_and_kappa_star_and_falls_with_w():
    spec = "concept-text:dt=6,kappa=5,eps=0.5"
    r3 = nc.coupled_threshold(spec, 16, 3, parameter="kappa", dps=6)
    r5 = nc.coupled_threshold(spec, 16, 5, parameter="kappa", dps=4)
    assert 1.0 < r3.lo <= r3.hi < 4.5329
    assert r5.hi < r3.lo  # a wider window saturates further towards the potential threshold 1
    assert r5.lo > 0.99


# ----------------------------------------------------------------------------- simulation
def test_simulated_chain_decodes_below_and_fails_above_where_uncoupled_fails():
    from infoscaling.numeric.peeling import simulate_peeling

    conf = per_comparison_confidence()
    thr = _thr(R36, 16)
    M, trials = 5000, 20
    below = simulate_coupled(R36, 16, 3, M, thr.lo - 0.02, trials=trials, seed=101, confidence=conf)
    above = simulate_coupled(R36, 16, 3, M, thr.hi + 0.01, trials=trials, seed=102, confidence=conf)
    assert below["block_failure"]["ci"][1] < 0.5, below["block_failure"]
    assert above["block_failure"]["ci"][0] > 0.5, above["block_failure"]
    for k, eps in enumerate((thr.lo - 0.02, thr.hi + 0.01)):
        u = simulate_peeling(R36, n=33 * M, eps=eps, trials=20, seed=200 + k, workers=1, confidence=conf)
        assert u["block_failure"]["ci"][0] > 0.5, u["block_failure"]


def test_finite_size_failure_at_threshold_minus_001_falls_with_M():
    """Stated finite-size effect: at thr - 0.01 small chains fail often, large ones rarely."""
    conf = per_comparison_confidence()
    small = simulate_coupled(R36, 16, 3, 500, 0.478, trials=40, seed=7, confidence=conf)
    large = simulate_coupled(R36, 16, 3, 10000, 0.478, trials=40, seed=8, confidence=conf)
    assert small["block_failure"]["ci"][0] > large["block_failure"]["ci"][1], (small, large)


@pytest.mark.deep
def test_finite_size_table_deep():
    conf = per_comparison_confidence()
    rows = [simulate_coupled(R36, 16, 3, M, 0.478, trials=200, seed=M, confidence=conf)["block_failure"]
            for M in (500, 2000, 5000, 10000, 20000)]
    for a, b in zip(rows, rows[2:]):
        assert a["ci"][0] > b["ci"][1], rows


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("argv,arg", [
    (["coupled", R36, "--L", "0", "--w", "3"], "--L"),
    (["coupled", R36, "--L", "4", "--w", "0"], "--w"),
    (["coupled", R36, "--L", "2", "--w", "9"], "--w"),
    (["coupled", R36, "--L", "100000", "--w", "3"], "--L"),
    (["coupled", "regular:3/regular:x", "--L", "4", "--w", "3"], "ENSEMBLE"),
    (["coupled", R36, "--L", "4", "--w", "3", "--budget", "5"], "--budget"),
])
def test_bad_input_exit_2(argv, arg, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert arg in err and "Traceback" not in err


def test_limit_error_is_an_input_error():
    with pytest.raises(LimitError):
        nc.check_chain(100000, 3)


def test_cli_coupled_json(capsys):
    import json

    assert main(["coupled", R36, "--L", "4", "--w", "3", "--dps", "15", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("threshold", "digits", "uncoupled_threshold", "map_threshold", "potential_threshold",
                "rate", "rate_loss", "enclosure"):
        assert key in out
    lo, hi = (float(v) for v in out["enclosure"])
    assert lo <= float(out["threshold"]) <= hi or abs(float(out["threshold"]) - lo) < 10 ** -out["digits"] * 10
    assert out["map_threshold"] == out["potential_threshold"]
    assert abs(float(out["rate"]) - float(dc.kru_rate(3, 6, 4, 3))) < 1e-14


def test_wave_figure_data_is_the_chain_iteration():
    """The figure's CSV rows regenerate from coupled_iterate (generated data is tested)."""
    from infoscaling.numeric.figures import FIGURES

    fd = FIGURES["coupled_wave"](quick=True)
    L, w, eps = fd.meta["L"], fd.meta["w"], fd.meta["eps"]
    its = sorted({r[0] for r in fd.rows})
    _, prof = nc.coupled_iterate(R36, eps, L, w, max(its), snapshots=its)
    for t, p, x in fd.rows:
        assert x == prof[t][p + L]
    assert all(x == eps for t, p, x in fd.rows if t == 0)
    last = [x for t, p, x in fd.rows if t == max(its)]
    assert max(last) < 1e-6  # eps = 0.47 < the coupled threshold: the wave has crossed


def test_coupling_cannot_pass_the_stability_bound():
    """(2,6): x = 0 is unstable above eps = 1/5; no chain may be certified to learn there."""
    r = nc.coupled_threshold("regular:2/regular:6", 4, 2, budget_work=5e7)
    assert r.lo <= 0.2 + 1e-12 < r.hi


@pytest.mark.parametrize("kappa", ["1.1", "0.95"])
def test_simulated_concept_text_chain_matches_chain_de(kappa):
    """Coupled concept-text graphs (all concepts unknown) vs the chain DE limit, L = 16, w = 3.

    Allowance 0.5/M: the sampler's window degrees are binomial (M concepts per position),
    DE uses their Poisson limit.
    """
    spec = f"concept-text:dt=6,kappa={kappa},eps=0.5"
    M = 3000
    x, _ = nc.coupled_iterate(spec, 0.5, 16, 3, 20000)
    de = float(np.mean(x / 0.5))  # Poisson concept law: unlearned fraction = x / eps
    sim = simulate_coupled(spec, 16, 3, M, trials=4, seed=41, confidence=per_comparison_confidence())
    lo, hi = sim["residual_fraction"]["ci"]
    assert lo - 0.5 / M <= de <= hi + 0.5 / M, (de, sim["residual_fraction"])
