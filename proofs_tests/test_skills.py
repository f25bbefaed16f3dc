"""Skill graphs, tails and bounds, emergence and plateaus (MODEL.md 2.2-2.3; claims B4-B7).

Statistical comparisons: 4 (simulated skill graphs), at the suite's
per-comparison confidence.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from conftest import per_comparison_confidence
from hypothesis import example, given
from hypothesis import strategies as st
from infoscaling.derivations import skills as dsk
from infoscaling.derivations.optimum import kappa_star
from infoscaling.numeric import skills as ns

KAPPA = float(sp.N(kappa_star(6), 17))
C_GRID = np.logspace(2, 20, 200)


@pytest.fixture(scope="module")
def path():
    return ns.asymptotic_path(C_GRID, KAPPA)


# ------------------------------------------------------------------ symbolic

@pytest.mark.parametrize("M,p,eta", [(5, sp.Rational(1, 2), 2), (9, sp.Rational(1, 7), 4), (12, sp.Rational(2, 3), 12)])
def test_beta_form_equals_binomial_sum(M, p, eta):
    beta = dsk.binomial_tail(M, p, eta).rewrite(sp.Integral).doit()
    assert sp.simplify(beta - dsk.binomial_tail_sum(M, p, eta)) == 0


def test_p_ss_options():
    q = sp.Symbol("q")
    assert dsk.p_ss(q, 10) == q / 100
    assert dsk.p_ss(q, 10, "unordered") == q / 45
    with pytest.raises(ValueError, match="pairs"):
        dsk.p_ss(q, 10, "both")


def test_emergence_T_solves_expected_support():
    R, dt, S, eta = sp.symbols("R d_t S eta", positive=True)
    for pairs in dsk.PAIRS:
        Te = dsk.emergence_T(R, dt, S, eta, pairs)
        assert sp.simplify(dsk.expected_support(R, Te, dt, S, pairs) - eta) == 0
    assert sp.simplify(dsk.emergence_T_large_R(eta, S, dt) - 2 * eta * S**2 / dt**2) == 0


def test_paper_parameters():
    assert [dsk.paper_eta(l) for l in (1, 5, 6, 100)] == [1, 1, 2, round(math.exp(7))]
    assert all(dsk.paper_eta(l) == round(math.exp(7 * l / 100)) for l in range(1, 101))
    assert all(dsk.paper_sigma(l) == round(math.log2(l)) for l in range(1, 101))
    w = dsk.paper_level_weights("multimodal")
    assert abs(float(sum(w)) - 1) < 1e-9
    assert dsk.plateau_heights([c[0] for c in dsk.PAPER["multimodal"]]) == [sp.Rational(2, 5), sp.Rational(4, 5)]


def test_poisson_tail_limit():
    lam = sp.Symbol("lam", positive=True)
    assert sp.simplify(dsk.poisson_tail(lam, 2) - (1 - sp.exp(-lam) - lam * sp.exp(-lam))) == 0


# ------------------------------------------------------------------ tails and bounds

@given(M=st.integers(1, 60), num=st.integers(0, 100), eta=st.integers(0, 61))
def test_tail_exact_small_M_matches_exact_sum(M, num, eta):
    p = sp.Rational(num, 100)
    exact = sp.Integer(1) if eta <= 0 else (sp.Integer(0) if eta > M else dsk.binomial_tail_sum(M, p, eta))
    with mp.workdps(30):
        v = ns.tail_exact(M, mp.mpf(num) / 100, eta)
        ref = mp.mpf(str(sp.N(exact, 40)))
        assert abs(v - ref) <= mp.mpf(10) ** -27 * max(ref, mp.mpf(10) ** -300)


@st.composite
def tail_params(draw):
    M = draw(st.integers(10, 10**19))
    lam = 10 ** draw(st.floats(-2, 3.5))
    lam = min(lam, 0.5 * M)
    z = draw(st.floats(-12, 12))
    eta = int(max(1, min(M, round(lam + z * math.sqrt(lam + 1)))))
    return M, lam / M, eta


@given(tail_params())
@example((334339, 4.086893958826273e-05, 1))       # bound attained at eta = 1
@example((10**19, 1e-16, 1100))                     # M ~ 1e19, the paper's range
@example((50, 0.3, 50))                             # eta = M
def test_exact_tail_between_bounds(params):
    M, p, eta = params
    with mp.workdps(30):
        ex = ns.tail_exact(M, mp.mpf(p), eta)
        lo, hi = ns.chernoff_bounds(M, mp.mpf(p), eta)
        slack = mp.mpf(10) ** -25 * ex   # equality at eta = 1 (below the mean) and eta = M
        assert lo - slack <= ex <= hi + slack, (M, p, eta, ex, lo, hi)


@given(tail_params())
def test_tail_precision_and_float_path(params):
    M, p, eta = params
    with mp.workdps(20):
        a = ns.tail_exact(M, mp.mpf(p), eta)
    with mp.workdps(40):
        b = ns.tail_exact(M, mp.mpf(p), eta)
        assert abs(a - b) <= mp.mpf(10) ** -18 * b
    f = float(ns.tail_float(M, p, eta))
    if float(b) > 1e-290:
        assert f == pytest.approx(float(b), rel=1e-8)


def test_betainc_cross_check():
    with mp.workdps(30):
        for M, p, eta in [(1000, "0.01", 25), (10**6, "0.0001", 90), (10**6, "0.0001", 120)]:
            a = ns.tail_exact(M, mp.mpf(p), eta)
            b = ns.tail_betainc(M, mp.mpf(p), eta)
            assert abs(a - b) <= mp.mpf(10) ** -27 * a


def test_reference_expression_is_not_a_bound():
    """MODEL.md 6.6: KL in log base 2 exponentiated base e is below the exact tail above the mean."""
    with mp.workdps(30):
        M, p = 10**6, mp.mpf(100) / 10**6
        for eta in (160, 200, 300):
            ex = ns.tail_exact(M, p, eta)
            lo, hi = ns.chernoff_bounds(M, p, eta)
            ref = ns.reference_bound(M, p, eta)
            assert lo <= ex <= hi
            assert ref < ex                      # its "upper bound" is below the exact tail
            if eta >= 200:
                assert ref < lo                  # and even below the lower bound far in the tail
        # discontinuity across the mean (100): from ~0 at eta = 99 to ~1 at eta = 101,
        # while the exact tail moves by less than 0.1
        jump = ns.reference_bound(M, p, 101) - ns.reference_bound(M, p, 99)
        assert jump > 0.9
        assert ns.tail_exact(M, p, 99) - ns.tail_exact(M, p, 101) < 0.1


def test_bad_tail_inputs():
    with pytest.raises(ValueError, match="M must be"):
        ns.tail_exact(-1, 0.1, 2)
    with pytest.raises(ValueError, match="M must be"):
        ns.tail_exact(2.5, 0.1, 2)
    with pytest.raises(ValueError, match="p must be"):
        ns.tail_exact(10, 1.5, 2)


# ------------------------------------------------------------------ ER giant, curves

def test_er_giant_vectorised():
    cs = [0.5, 1.0, 1.000001, 1.01, 2.0, 7.0, 1000.0]
    got = ns.er_giant(cs)
    with mp.workdps(30):
        from infoscaling.numeric.giant import erdos_renyi_S

        for c, g in zip(cs, got, strict=True):
            ref = float(erdos_renyi_S(mp.mpf(c)))
            assert g == pytest.approx(ref, rel=1e-9, abs=1e-300)


def test_settings_validation():
    with pytest.raises(ValueError, match="prerequisite"):
        ns.SkillSettings(prerequisite="tree")
    with pytest.raises(ValueError, match="levels"):
        ns.SkillSettings(levels="bimodal")
    with pytest.raises(ValueError, match="pairs"):
        ns.SkillSettings(pairs="some")


def test_plateaus_at_cumulative_weights(path):
    R, T = path
    for pre in ("fixed", "hierarchical"):
        acc = ns.accuracy_curve(R, T, ns.SkillSettings(levels="multimodal", prerequisite=pre))["accuracy"]
        flat = [p for p in ns.find_plateaus(C_GRID, acc) if p["slope"] < 1e-3]
        assert len(flat) == 3 - 1
        assert abs(flat[0]["height"] - 0.4) < 1e-3 and abs(flat[1]["height"] - 0.8) < 1e-3
        assert acc[-1] == pytest.approx(1.0, abs=1e-9)


def _curve_from_slope(slope):
    """Accuracy on log10 C' in [0, 10] whose derivative is ``slope(x)`` (trapezoid rule), from 0.05."""
    x = np.linspace(0.0, 10.0, 401)
    s = slope(x)
    y = 0.05 + np.concatenate([[0.0], np.cumsum((s[1:] + s[:-1]) / 2 * np.diff(x))])
    return 10.0**x, y


def test_find_plateaus_needs_a_dip_below_both_sides():
    """A plateau is a slope minimum below depth x the *smaller* neighbouring peak: a shallow dip between
    a steep rise and a gentle one is a shoulder, not a plateau; a deep dip between two rises is one."""
    def bump(x, at, h):
        return h * np.exp(-(x - at) ** 2 / 0.5)

    c, shoulder = _curve_from_slope(lambda x: bump(x, 3, 0.2) + bump(x, 7, 0.05) + 0.01)
    assert ns.find_plateaus(c, shoulder) == []
    c, stepped = _curve_from_slope(lambda x: bump(x, 3, 0.2) + bump(x, 7, 0.2) + 0.001)
    found = ns.find_plateaus(c, stepped)
    assert len(found) == 1 and abs(found[0]["log10_C"] - 5) < 0.05
    assert found[0]["height"] == pytest.approx(float(np.interp(5.0, np.log10(c), stepped)), abs=1e-3)


def test_unimodal_rises_once(path):
    R, T = path
    acc = ns.accuracy_curve(R, T, ns.SkillSettings(levels="unimodal"))["accuracy"]
    assert np.all(np.diff(acc) >= -1e-12)
    assert [p for p in ns.find_plateaus(C_GRID, acc) if p["slope"] < 1e-3] == []
    assert acc[0] < 1e-6 and acc[-1] > 1 - 1e-9


def test_prerequisites_only_delay(path):
    R, T = path
    g_none = ns.level_gammas(R, T, ns.SkillSettings(prerequisite="none"))
    g_hier = ns.level_gammas(R, T, ns.SkillSettings(prerequisite="hierarchical"))
    g_fix = ns.level_gammas(R, T, ns.SkillSettings(prerequisite="fixed"))
    assert np.all(g_hier <= g_none + 1e-12) and np.all(g_fix <= g_none + 1e-12)
    assert np.array_equal(g_fix[:11], g_none[:11])
    assert np.all(g_hier[1:] <= g_hier[:-1] + 1e-12)   # a level never leads its prerequisite


def test_emergence_is_narrow_and_refined_location(path):
    R, T = path
    tab = ns.emergence_table(C_GRID, R, T, ns.SkillSettings(prerequisite="none"))
    assert all(r["width_decades_N"] < 0.5 for r in tab)
    assert all(abs(r["offset_refined_grid_steps"]) <= 1 for r in tab)
    # the paper's E[X] = eta location is late for small eta, good for the largest
    assert tab[0]["offset_grid_steps"] < -10
    assert abs(tab[-1]["offset_grid_steps"]) <= 1.5


def test_compute_path_reports_which_path():
    R, T, info = ns.compute_path([1e8, 1e12])
    assert info["path"].startswith(("compute-optimal", "asymptotic"))
    assert np.allclose(R * T, [1e8, 1e12], rtol=1e-9)


# ------------------------------------------------------------------ simulation

@pytest.mark.parametrize("R,T,S,eta,pairs", [(2000, 400, 100, 3, "ordered"), (2000, 1200, 100, 3, "ordered"),
                                             (1500, 300, 60, 2, "unordered")])
def test_simulated_edge_density_matches_exact_tail(R, T, S, eta, pairs):
    r = ns.simulate_skill_level(R, T, 6, S, eta, trials=10, seed=R + T + S, pairs=pairs,
                                confidence=per_comparison_confidence())
    lo, hi = r["edge_density"]["ci"]
    assert lo <= r["edge_density_theory"] <= hi, r
    if pairs == "ordered" and T == 1200:
        g = r["gamma"]
        # the largest-component fraction of S vertices moves in steps of 1/S: allowance 1/S
        assert g["ci"][0] - 1 / S <= r["gamma_theory"] <= g["ci"][1] + 1 / S


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 11)), max_size=120), st.integers(12, 40))
@example([(0, 1), (0, 2), (0, 3), (1, 1), (1, 2), (2, 5)], 12)
@example([(4, 7)], 12)
@example([], 12)
def test_cooccurring_pairs_match_a_direct_count(incidences, R):
    # distinct (text, concept) incidences in any order; pairs counted once however many texts share them
    inc = sorted(set(incidences), key=lambda tc: (tc[1] * 7 + tc[0]) % 13)
    text = np.array([t for t, _ in inc], dtype=np.int64)
    concept = np.array([c for _, c in inc], dtype=np.int64)
    by_text = {}
    for t, c in inc:
        by_text.setdefault(t, []).append(c)
    direct = {(min(a, b), max(a, b)) for cs in by_text.values() for i, a in enumerate(cs) for b in cs[i + 1:]}
    assert ns._cooccurring_pairs(text, concept, R) == len(direct)


def test_paper_tables_shared_and_read_only():
    a, b = ns.SkillSettings(prerequisite="none"), ns.SkillSettings(levels="multimodal")
    assert a.eta is b.eta and a.sigma is b.sigma  # one table per L, not per settings object
    assert a.q_levels is not b.q_levels
    assert a.eta.tolist() == [dsk.paper_eta(l) for l in range(1, 101)]
    assert a.sigma.tolist() == [dsk.paper_sigma(l) for l in range(1, 101)]
    with pytest.raises(ValueError, match="read-only"):
        a.eta[0] = 5


def test_resolve_path_arrays_and_callable():
    c = np.array([1e4, 1e8])
    R, T = ns.resolve_path(lambda v: ns.asymptotic_path(v, KAPPA), c)
    R2, T2 = ns.resolve_path(ns.asymptotic_path(c, KAPPA), c)
    assert np.array_equal(R, R2) and np.array_equal(T, T2)
    with pytest.raises(ValueError, match="shape"):
        ns.resolve_path((R[:1], T[:1]), c)
    with pytest.raises(ValueError, match="positive"):
        ns.resolve_path((-R, T), c)


@pytest.mark.deep
@pytest.mark.parametrize("T", [2000, 3500, 5000, 8000])
def test_simulated_skill_giant_deep(T):
    S = 300
    r = ns.simulate_skill_level(6000, T, 6, S, 4, trials=40, seed=T, confidence=per_comparison_confidence())
    lo, hi = r["edge_density"]["ci"]
    assert lo <= r["edge_density_theory"] <= hi
    k = S * r["edge_density_theory"]
    if k >= 2:
        g = r["gamma"]
        assert g["ci"][0] - 1 / S <= r["gamma_theory"] <= g["ci"][1] + 1 / S
