"""Compute-optimal problem (MODEL.md 1.5): kappa* closed form, the global finite-C' optimum, the limit."""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st
from infoscaling.derivations import optimum as dop
from infoscaling.derivations.optimum import binomial_pair
from infoscaling.derivations.thresholds import poisson_spinodal
from infoscaling.numeric.optimum import (
    Problem,
    asymptotic_optimum,
    check_problem,
    compute_optimal_path,
    correction_prediction,
    finite_optimum,
    float_optimum,
    kappa_star_numeric,
    kappa_star_value,
    objective,
    objective_float,
    sweep,
)
from infoscaling.numeric.precision import agree_digits
from scipy.optimize import minimize_scalar


# ------------------------------------------------------------------ symbolic
def test_u_form_cancels_eps():
    umap, diff = dop.u_form_de()
    assert diff == 0 and dop.EPS0 not in umap.free_symbols


def test_fold_and_existence_derivations():
    assert dop.fold_condition() == dop.V * sp.log(dop.DT / dop.V) - 1
    ex = dop.existence_condition()
    assert ex["threshold_dt"] == sp.E and ex["critical_v"] == 1
    # both branches satisfy the fold condition (checked inside), and branch 0 is the larger v
    v0 = sp.N(dop.kappa_star_fold_v(6, 0))
    vm = sp.N(dop.kappa_star_fold_v(6, -1))
    assert v0 > 1 > vm


def test_kappa_star_consistent_with_x_form_spinodal():
    """At kappa*, the Poisson(d_t kappa*)/Poisson(d_t/eps) spinodal (W_{-1} of -1/a) equals eps."""
    for d in (4, 6, 17):
        ks = sp.N(dop.kappa_star(d), 40)
        for eps in (sp.Rational(3, 10), sp.Rational(1, 2)):
            x_star, eps_star = poisson_spinodal(d * ks, d / eps)
            assert abs(sp.N(eps_star, 40) - eps) < 1e-30


def test_objective_reduction_and_poisson_limit():
    red = dop.objective_reduction()
    assert red["exponent_R"] == sp.Rational(1, 2) and red["exponent_T"] == sp.Rational(1, 2)
    assert dop.CP not in red["stationarity"].free_symbols
    assert dop.poisson_limit_of_binomial() == (0, 0)


def test_stable_binomial_form_matches_derivation():
    """The log1p-written pair used by the optimiser equals derivations.optimum.binomial_pair."""
    from infoscaling.numeric.optimum import compiled

    mf, _ = compiled("correct")
    R, T, dt, eps = 300, 1400, 6, sp.Rational(1, 2)
    lam, rho, L, L1 = binomial_pair(R, T, dt, eps)
    x = sp.Rational(2, 5)
    e_exact = x / lam(1 - rho(1 - x))
    with mp.workdps(40):
        v = mf["eps_of_x"](mp.mpf(x.p) / x.q, mp.mpf(R), mp.mpf(T), mp.mpf(dt), mp.mpf(1) / 2)
        assert agree_digits(v, mp.mpf(sp.N(e_exact, 50))) >= 35


# ------------------------------------------------------------------ kappa* numerics
@given(st.fractions(min_value=3, max_value=60, max_denominator=7))
def test_kappa_star_closed_form_vs_root_finders(d):
    ks = kappa_star_value(d, 40)
    nm = kappa_star_numeric(d, 40)
    with mp.workdps(40):
        assert agree_digits(ks, nm["tangency"]) >= 25
        assert agree_digits(ks, nm["fold"]) >= 25


@pytest.mark.parametrize("d", [3, 4, 6, 10, 25])
def test_iterated_de_jumps_across_kappa_star(d):
    with mp.workdps(30):
        ks = kappa_star_value(d, 30)
        v = -1 / mp.lambertw(-1 / mp.mpf(d), 0).real        # upper fold
        v_low = -1 / mp.lambertw(-1 / mp.mpf(d), -1).real   # lower fold

        def settle(kappa):
            u = mp.mpf(1)
            for _ in range(100000):
                un = mp.exp(-d * kappa * mp.exp(-d * u))
                if abs(un - u) < mp.mpf(10) ** -25:
                    return un
                u = un
            raise AssertionError("no convergence")

        below, above = settle(ks * (1 - mp.mpf("1e-4"))), settle(ks * (1 + mp.mpf("1e-4")))
        assert below > v / d          # stuck on the upper branch (beyond the fold)
        assert above < v_low / d      # collapsed onto the lower branch (error floor)


def test_no_sharp_transition_below_e():
    with pytest.raises(ValueError, match="exceed e"):
        kappa_star_value(2, 20)
    with pytest.raises(ValueError, match="exceed e"):
        asymptotic_optimum("2.7", 0.5)


def test_asymptotic_optimum_values():
    a = asymptotic_optimum(6, "0.3", 30)
    with mp.workdps(40):
        ks = mp.mpf(a["kappa_star"])
        assert agree_digits(mp.mpf(a["R_over_sqrt_C"]), 1 / mp.sqrt(ks)) >= 29
        assert agree_digits(mp.mpf(a["T_over_sqrt_C"]), mp.sqrt(ks)) >= 29
    assert a["digits"] >= 30 and "W_{0}" in a["closed_form_latex"]
    # eps does not enter the limit
    assert asymptotic_optimum(6, "0.7", 30)["kappa_star"] == a["kappa_star"]


# ------------------------------------------------------------------ finite C'
@pytest.mark.parametrize("cp", [1e4, 1e7, 1e12, 1e18])
def test_finite_optimum_interior_verified_both_sides(cp):
    r = finite_optimum(6, 0.5, cp, 20)
    assert r.edge is None and r.both_sides_checked and r.digits >= 20
    with mp.workdps(50):
        v0 = objective(r.R, cp, 6, 0.5)
        for s in (-1, 1):
            for h in ("1e-8", "1e-3"):
                assert objective(r.R * (1 + s * mp.mpf(h)), cp, 6, 0.5) < v0
    # never on the edge of the admissible range [d_t, C']
    assert 6 < float(r.R) < cp


@pytest.mark.parametrize("cp", [1e6, 1e9, 1e13, 1e17, 1e20])
def test_global_equals_local_near_sqrt_c_over_kappa_star(cp):
    r = finite_optimum(6, 0.5, cp, 15, exponent=False)
    r0 = math.sqrt(cp / float(kappa_star_value(6, 20)))
    m = minimize_scalar(lambda s: -objective_float(np.exp(s), cp, 6.0, 0.5)[0][0],
                        bounds=(math.log(0.7 * r0), math.log(1.1 * r0)), method="bounded",
                        options={"xatol": 1e-12})
    assert abs(math.exp(m.x) - float(r.R)) / float(r.R) < 1e-6


def test_small_compute_optimum_on_physical_edge():
    r = finite_optimum(6, 0.5, 100, 20)
    assert r.edge == "lower" and float(r.R) == 6.0


def test_asymptote_vs_sweep_and_derived_correction():
    res = sweep(6, 0.5, [1e14, 1e17, 1e20], 20)
    asym = float(1 / mp.sqrt(kappa_star_value(6, 30)))
    gaps = [float(r.R) / math.sqrt(c) - asym for c, r in zip([1e14, 1e17, 1e20], res)]
    assert all(g < 0 for g in gaps) and abs(gaps[2]) < abs(gaps[1]) < abs(gaps[0])
    assert abs(gaps[2]) < 1e-4
    for c, r, g in zip([1e14, 1e17, 1e20], res, gaps):
        pr = correction_prediction(6, 0.5, c)
        assert abs((float(pr["R_ratio"]) - asym) / g - 1) < 0.01
        assert abs(float(pr["local_exponent"]) - float(r.local_exponent)) < 0.1 * abs(
            float(r.local_exponent) - 0.5)
    # local exponent above 1/2 and decreasing to it
    ex = [float(r.local_exponent) for r in res]
    assert ex[0] > ex[1] > ex[2] > 0.5 and ex[2] - 0.5 < 1e-4


def test_local_exponent_matches_finite_difference():
    c, h = 1e10, 1e-4
    r = finite_optimum(6, 0.5, c, 20)
    rp = finite_optimum(6, 0.5, c * (1 + h), 20, exponent=False)
    rm = finite_optimum(6, 0.5, c * (1 - h), 20, exponent=False)
    with mp.workdps(40):
        fd = (mp.log(rp.R) - mp.log(rm.R)) / (mp.log(1 + mp.mpf(h)) - mp.log(1 - mp.mpf(h)))
        assert abs(fd - r.local_exponent) < 1e-7


def test_variants_change_the_optimum():
    base = finite_optimum(6, 0.5, 1e10, 15, exponent=False)
    ref = finite_optimum(6, 0.5, 1e10, 15, exponent=False, alpha_variant="reference")
    nos = finite_optimum(6, 0.5, 1e10, 15, exponent=False, shift=False)
    assert abs(float(ref.R) / float(base.R) - 1) > 1e-3
    assert abs(float(nos.R) / float(base.R) - 1) > 1e-4


def test_paper_model_has_spurious_optimum_at_dt_kappa_e():
    """With delta = nu*/eps even where eps* < eps, the optimum jumps to d_t kappa = e (MODEL.md 6.4)."""
    r, *_ = float_optimum(Problem.create(6.0, 0.5, 1e10, model="paper"))
    assert abs(r / 1e5 - math.sqrt(6 / math.e)) < 1e-2
    rc, *_ = float_optimum(Problem.create(6.0, 0.5, 1e10))
    assert abs(rc / 1e5 - 0.457) < 1e-2


def test_compute_optimal_path():
    R, T = compute_optimal_path(6, 0.5, np.array([1e8, 1e12]))
    assert R.shape == (2,) and np.allclose(R * T, [1e8, 1e12])
    ref = finite_optimum(6, 0.5, 1e12, 15, exponent=False)
    assert abs(R[1] / float(ref.R) - 1) < 1e-7


@pytest.mark.parametrize("dt, eps, model", [(6, 0.5, "consistent"), (4, 0.3, "consistent"), (6, 0.5, "paper")])
def test_compute_optimal_path_equals_one_optimum_per_point(dt, eps, model):
    """The path optimises all points in one vectorised call; each point's R*, T* are bit-identical to its
    own float optimum (grid through kinks and both ends of the range)."""
    grid = np.logspace(math.log10(4 * dt) + 0.01, 20, 37)
    R, T = compute_optimal_path(dt, eps, grid, model=model)
    pb = Problem.create(dt, eps, model=model)
    for i, cp in enumerate(grid):
        q = pb.at(cp)
        r = float_optimum(q)[0]
        assert R[i] == r and T[i] == q.cp / r, (cp, R[i], r)
    assert compute_optimal_path(dt, eps, [], model=model)[0].shape == (0,)


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("args, match", [
    ((0, 0.5, 1e6), "dt"), ((-1, 0.5, 1e6), "dt"), ((6, 0, 1e6), "eps"), ((6, 1, 1e6), "eps"),
    ((6, 1.5, 1e6), "eps"), ((6, 0.5, 10), "too small"), ((6, 0.5, float("nan")), "compute"),
    ((6, 0.5, 1e80), "compute"), (("x", 0.5, 1e6), "dt"),
])
def test_bad_problem(args, match):
    with pytest.raises(ValueError, match=match):
        check_problem(*args)


def test_absurd_precision():
    with pytest.raises(ValueError, match="dps"):
        finite_optimum(6, 0.5, 1e6, 500)
    with pytest.raises(ValueError, match="dps"):
        asymptotic_optimum(6, 0.5, 0)
    with pytest.raises(ValueError, match="alpha_variant"):
        finite_optimum(6, 0.5, 1e6, 10, alpha_variant="wrong")


def test_unknown_model_is_bad_input():
    """An unknown model used to be treated silently as 'paper' (issue 11)."""
    from infoscaling.numeric.errors import InputError

    for call in (lambda: finite_optimum(6, 0.5, 1e6, 10, model="papr"),
                 lambda: objective(400, 1e6, 6, 0.5, model="consistant"),
                 lambda: objective_float(400.0, 1e6, 6, 0.5, model="x"),
                 lambda: compute_optimal_path(6, 0.5, [1e6], model="")):
        with pytest.raises(InputError, match="model"):
            call()


def test_stable_system_is_the_binomial_system():
    """derivations.optimum's log1p form equals the plain binomial system (same functions)."""
    sysa = dop.stable_binomial_system("correct")
    sysb = dop.binomial_system()
    args = (dop._X, dop.R, dop.T, dop.DT, dop.EPS0)
    with mp.workdps(40):
        pt = (mp.mpf(2) / 5, mp.mpf(300), mp.mpf(1400), mp.mpf(6), mp.mpf(1) / 2)
        for k in ("eps_of_x", "deps", "alpha2", "beta3", "nu", "de_residual", "unlearned"):
            a = sp.lambdify(args, sysa[k], modules=[{"Log1p": mp.log1p}, "mpmath"])(*pt)
            b = sp.lambdify(args, sysb[k], modules="mpmath")(*pt)
            assert agree_digits(a, b) >= 30, k


def test_optimiser_code_reloaded_from_the_store(tmp_path, monkeypatch):
    """The lambdified (mpmath, numpy) and Arb functions are stored as source and reloaded by a
    new process without SymPy: the reloaded functions give the derived functions' values."""
    import mpmath as mp
    from flint import arb
    from infoscaling.numeric import certify as cf
    from infoscaling.numeric import evaluate
    from infoscaling.numeric.optimum.certify import arb_functions
    from infoscaling.numeric.optimum.compiled import compiled

    def fresh():
        evaluate.store_dir.cache_clear()
        compiled.cache_clear()
        arb_functions.cache_clear()

    monkeypatch.setenv("INFOSCALING_CACHE_DIR", str(tmp_path))
    try:
        fresh()
        derived = compiled("correct"), arb_functions("correct")          # derived and stored
        assert list(tmp_path.rglob("optimum-lambdify-*.json")) and list(tmp_path.rglob("optimum-arb-*.json"))
        fresh()
        reloaded = compiled("correct"), arb_functions("correct")         # from the store
        points = [(0.41, 1.5e5, 7e5), (0.35, 35.0, 286.0), (1e-12, 1e9, 6e9)]
        for k in derived[0][0]:
            for x, R, T in points:
                with mp.workdps(40):
                    a = [mp.mpf(v) for v in (x, R, T, 6, 0.5)]
                    assert derived[0][0][k](*a) == reloaded[0][0][k](*a), k
                xa = np.array([x])
                assert np.array_equal(derived[0][1][k](xa, R, T, 6.0, 0.5), reloaded[0][1][k](xa, R, T, 6.0, 0.5)), k
        with cf.workprec(200):
            for k in derived[1]:
                for x, R, T in points:
                    a = [arb(v) for v in (x, R, T, 6, 0.5)]
                    u, v = derived[1][k](*a), reloaded[1][k](*a)
                    for p, q in zip(u if isinstance(u, tuple) else (u,), v if isinstance(v, tuple) else (v,)):
                        assert p.overlaps(q) and p.rad() == q.rad(), k
    finally:
        monkeypatch.undo()
        fresh()
