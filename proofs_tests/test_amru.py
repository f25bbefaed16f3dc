"""Finite-length scaling (MODEL.md 1.4) and training error / time (1.6): symbolic, numeric, simulated."""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath as mp
import pytest
import sympy as sp
from conftest import per_comparison_confidence
from hypothesis import assume, given
from hypothesis import strategies as st
from infoscaling.derivations import amru as dsc
from infoscaling.derivations import training as dtr
from infoscaling.derivations.degree import FiniteSupport, Regular
from infoscaling.derivations.ensemble import Ensemble, parse_ensemble
from infoscaling.derivations.notation import X
from infoscaling.numeric.amru import block_failure_law, direct_scaling_params, scaling_params
from infoscaling.numeric.finite_length import (
    REGULAR_MODEL_ALLOWANCE,
    compare_with_law,
    regular_campaign,
)
from infoscaling.numeric.precision import agree_digits
from infoscaling.numeric.thresholds import bp_threshold

E36 = parse_ensemble("regular:3/regular:6")


# ------------------------------------------------------------------ literature values
def test_regular_36_matches_literature_printed_digits():
    p = scaling_params(E36, 30)
    assert f"{float(p.alpha.value):.4f}" == "0.5604"
    assert f"{float(p.beta_over_omega.value):.3f}" == "0.617"
    assert f"{float(p.threshold.value):.4f}" == "0.4294"
    assert p.alpha.digits >= 30 and p.beta_over_omega.digits >= 30


def test_reference_sign_variant_gives_0_9385():
    p = scaling_params(E36, 10)
    assert f"{float(p.alpha_reference.value):.4f}" == "0.9385"
    assert abs(float(p.alpha_reference.value) - float(p.alpha.value)) > 0.3


def test_nu_star_is_eps_L_of_y():
    p = scaling_params(E36, 20)
    with mp.workdps(40):
        y = 1 - (1 - p.x) ** 5
        assert agree_digits(p.nu.value, p.threshold.value * y**3) >= 20


# ------------------------------------------------------------------ symbolic
def test_r_identity_symbolic():
    assert dsc.prove_r_identity(7)


def test_reference_variant_differs_by_the_three_terms():
    f = dsc.generic_formulas()
    lam, rho = sp.Function("lambda"), sp.Function("rho")
    eps, x, y = sp.symbols("eps_star x_star y_star", positive=True)
    L1 = sp.Symbol("L'(1)", positive=True)
    xb = 1 - x
    t = sp.Symbol("t")
    drho = sp.diff(rho(t), t).subs(t, xb**2)
    dlam = sp.diff(lam(t), t).subs(t, y**2)
    expected = (2 * xb**2 * drho / (L1 * lam(y) ** 2 * sp.diff(rho(t), t).subs(t, xb) ** 2)
                + 2 * (eps**2 * lam(y**2) + y**2 * eps**2 * dlam) / (L1 * lam(y) ** 2))
    diff = f["alpha_squared_reference"] - f["alpha_squared"] - expected
    assert sp.simplify(diff) == 0


def test_block_failure_law_symbolic_and_numeric():
    assert dsc.block_failure(sp.Integer(100), sp.Rational(1, 3), sp.Rational(1, 3), 1, 0) == sp.Rational(1, 2)
    # shift: at eps = eps* - beta n^(-2/3) the shifted law is 1/2, the unshifted one is below it
    n, es, al, bo = 1000, 0.4294, 0.56, 0.617
    e = es - bo * n ** (-2 / 3)
    assert abs(float(block_failure_law(n, e, es, al, bo)) - 0.5) < 1e-12
    assert float(block_failure_law(n, e, es, al, bo, shift=False)) < 0.5


# ------------------------------------------------------------------ Hypothesis: symbolic vs direct
@st.composite
def tangency_ensembles(draw):
    kind = draw(st.sampled_from(["regular", "poly"]))
    if kind == "regular":
        l = draw(st.integers(3, 5))
        r = draw(st.integers(l + 1, 12))
        return Ensemble(Regular(l), Regular(r))
    # variable side with degrees 3..6 (lambda(0) = lambda'(0) = 0: threshold is a tangency)
    w = draw(st.lists(st.integers(0, 6), min_size=4, max_size=4).filter(lambda v: sum(v) > 0))
    tot = sum(w)
    coeffs = [Fraction(0), Fraction(0)] + [Fraction(v, tot) for v in w]
    r = draw(st.integers(6, 10))
    return Ensemble(FiniteSupport([str(c) for c in coeffs]), Regular(r))


@given(tangency_ensembles())
def test_symbolic_alpha_beta_agree_with_direct_evaluation(ens):
    th = bp_threshold(ens, 20)
    assume(th.sharp and th.limited_by == "tangency")
    p = scaling_params(ens, 15)
    d = direct_scaling_params(ens, p.x, 30)
    with mp.workdps(30):
        assert agree_digits(p.alpha.value, d["alpha"]) >= 15, (ens, p.alpha.text, d["alpha"])
        assert agree_digits(p.beta_over_omega.value, d["beta_over_omega"]) >= 15
        assert agree_digits(p.nu.value, d["nu"]) >= 15
        assert agree_digits(p.threshold.value, d["eps"]) >= 15


def test_poisson_and_concept_text_direct_route():
    for spec in ("poisson:27/poisson:12", "concept-text:dt=6,kappa=5,eps=0.5"):
        e = parse_ensemble(spec)
        p = scaling_params(e, 20)
        d = direct_scaling_params(e, p.x, 30)
        with mp.workdps(30):
            assert agree_digits(p.alpha.value, d["alpha"]) >= 18
            assert agree_digits(p.beta_over_omega.value, d["beta_over_omega"]) >= 18


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("spec", ["regular:2/regular:6", "poisson:2/poisson:12"])
def test_no_tangency_is_a_clear_error(spec):
    with pytest.raises(ValueError, match="scaling law"):
        scaling_params(parse_ensemble(spec), 10)


def test_absurd_precision_rejected():
    with pytest.raises(ValueError, match="dps"):
        scaling_params(E36, 100000)


# ------------------------------------------------------------------ training error / time
def test_training_error_series_and_leading_term():
    assert dtr.leading_training_error() == (sp.Symbol("d_t", positive=True) * dtr.DELTA) ** 2 / 2
    # the exact formula agrees with the series at small delta
    pe = dtr.training_error(sp.Rational(1, 1000), 1000, 6)
    assert abs(float(pe) - (6e-3) ** 2 / 2) / ((6e-3) ** 2 / 2) < 0.01
    assert dtr.excess_entropy_bound(sp.Rational(1, 10)) == sp.Rational(1, 200)


def test_bottleneck_integral_and_iteration_law():
    c1, c2, d = sp.symbols("c1 c2 d", positive=True)
    assert sp.simplify(dtr.bottleneck_integral() - sp.pi / sp.sqrt(c1 * c2 * d)) == 0
    p = scaling_params(E36, 20)
    c = float(sp.lambdify(X, dtr.bottleneck_constant(E36), "mpmath")(p.x))
    es = float(p.threshold.value)

    def count(eps):
        x, n = eps, 0
        while x > 1e-3:
            x = eps * (1 - (1 - x) ** 5) ** 2
            n += 1
        return n

    d1, d2 = 1e-5, 1e-7
    ratio = (count(es - d2) - count(es - d1)) / (math.pi / math.sqrt(c) * (d2**-0.5 - d1**-0.5))
    assert abs(ratio - 1) < 0.01


# ------------------------------------------------------------------ simulated P_B vs the law
def _campaign(ns, ks, trials, seed):
    conf = per_comparison_confidence()
    rows = regular_campaign(ns=ns, ks=ks, trials=trials, seed=seed, confidence=conf, workers=1)
    return compare_with_law(rows, REGULAR_MODEL_ALLOWANCE, "law_shift"), \
        compare_with_law(rows, REGULAR_MODEL_ALLOWANCE, "law_noshift")


def test_simulated_block_failure_matches_shifted_law():
    """6 CI comparisons (counted in conftest's STAT_COMPARISONS budget)."""
    w, wo = _campaign((1024, 2048), (-1.0, 0.0, 1.0), 1500, 11)
    assert w["passed"], w
    # the shift must visibly improve agreement
    assert w["rms_error"] < 0.5 * wo["rms_error"], (w, wo)


@pytest.mark.deep
def test_simulated_block_failure_deep():
    w, wo = _campaign((1024, 2048, 4096, 8192), (-1.5, -0.75, 0.0, 0.75, 1.5), 20000, 12)
    assert w["passed"], w
    assert w["rms_error"] < 0.5 * wo["rms_error"]
