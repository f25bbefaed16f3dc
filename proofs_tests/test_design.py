"""Degree-distribution design (issue 10, claim D3): the LP with verified thresholds, the device
cancelling, the heavy-tail family, the start-up bound, infeasible targets and bad input."""

from __future__ import annotations

import json
import math

import mpmath as mp
import pytest
import sympy as sp
from conftest import per_comparison_confidence
from infoscaling.derivations import design as dd
from infoscaling.derivations.ensemble import parse_ensemble
from infoscaling.numeric.cli import main
from infoscaling.numeric.design import design, design_u_form, potential_design
from infoscaling.numeric.errors import InputError
from infoscaling.numeric.thresholds import bp_threshold


# ----------------------------------------------------------------------------- derived objects
@pytest.mark.parametrize("i", [2, 3, 7, 20])
def test_device_cancels_from_the_constraint(i):
    assert dd.device_cancels(i) == 0


@pytest.mark.parametrize("coeffs", [(0, "1/3", "2/3"), ("1/7", 0, 0, "6/7"), (0, "1/2", 0, 0, 0, "1/4", "1/4")])
def test_poly_mean_degree_is_one_over_the_integral_of_lambda(coeffs):
    from infoscaling.derivations.degree import FiniteSupport

    law = FiniteSupport([sp.Rational(c) for c in coeffs])
    t = sp.Symbol("t", nonnegative=True)
    assert law.mean_degree() == 1 / sp.integrate(law.edge_gf(t), (t, 0, 1))


def test_startup_bound():
    assert sp.simplify(dd.startup_bound() - sp.exp(dd.DT - 1) / dd.DT) == 0
    assert [math.ceil(1 + float(dd.startup_bound(d))) for d in (4, 6, 8)] == [7, 26, 139]


@pytest.mark.parametrize("D", [1, 2, 5, 13])
def test_heavy_tail_closed_forms(D):
    lam = dd.heavy_tail_lambda(D)
    assert sum(lam.coeffs) == 1
    pair = dd.heavy_tail_pair(D, sp.Rational(1, 2))
    assert pair.design_rate() == dd.heavy_tail_rate(D, sp.Rational(1, 2))
    assert pair.stability_bound() == sp.Rational(1, 2)  # eps lambda_2 rho'(1) = 1
    assert dd.kappa_of_lambda(lam, 6) == dd.heavy_tail_kappa(D, 6)


# ----------------------------------------------------------------------------- LP designs
CASES = [("regular:6", "0.45", 12), ("poisson:6", "0.5", 20), ("poisson:12", "0.5", 30)]


@pytest.mark.parametrize("check,eps,vmax", CASES)
def test_lp_design_verified_threshold_and_rate_bound(check, eps, vmax):
    r = design(check, eps, vmax)
    # the verified threshold, recomputed independently from the printed ensemble string
    thr = bp_threshold(parse_ensemble(r.ensemble), dps=20)
    with mp.workdps(30):
        assert thr.value >= mp.mpf(sp.Rational(eps))
        assert abs(thr.value - mp.mpf(r.threshold_text)) < mp.mpf(10) ** -14
    assert r.rate <= r.rate_upper_bound + 1e-12
    assert r.rate_upper_bound - r.rate < 1e-4, (r.rate, r.rate_upper_bound)
    assert abs(r.kappa - (1 - r.rate) / float(sp.Rational(eps))) < 1e-12
    assert max(r.lam) <= vmax and min(r.lam) >= 2
    assert abs(sum(r.lam.values()) - 1) < 1e-12


def test_lp_rate_improves_with_vmax_and_stays_below_capacity():
    rates = [design("regular:6", "0.42", v).rate for v in (3, 5, 16)]
    assert rates[0] < rates[1] <= rates[2] + 1e-9 and rates[2] < 1 - 0.42, rates


def test_kappa_does_not_depend_on_the_device():
    ks = [design_u_form(4, 20, eps=e) for e in ("0.3", "0.5", "0.7")]
    for r in ks:
        assert r.threshold_value >= float(r.eps)
    base = ks[1].kappa
    for r in ks:
        gap = r.to_json()["discretisation_gap"] / float(r.eps)
        assert abs(r.kappa - base) < 1e-5 + 2 * gap, [k.kappa for k in ks]


def test_designed_kappa_beats_random_texts():
    from infoscaling.numeric.optimum import kappa_star_value

    for d, v in ((4, 20), (6, 50)):
        r = design_u_form(d, v)
        assert 1 < r.kappa < float(kappa_star_value(d, 20))


def test_potential_design_is_a_relaxation_and_respects_the_peeling_floor():
    """Each text teaches at most one concept, and texts with no unknown concept teach none:
    learning everything needs kappa (1 - e^{-d_t}) >= 1."""
    for d in (4, 6):
        both = potential_design(d, 30)
        plain = design_u_form(d, 30)
        assert both["min_potential"] > 0
        assert 1 / (1 - math.exp(-d)) <= both["kappa"] <= plain.kappa + 1e-9


def test_heavy_tail_rates_approach_capacity():
    """lambda_D with rho = Poisson(H(D)/eps): threshold eps (stability), gap eps/D -> 0.

    The threshold is verified twice: by numeric.thresholds.bp_threshold (limited by
    stability, exactly eps) and on eps(x) directly (mpmath, fine grid incl. x -> 0).
    """
    eps = sp.Rational(1, 2)
    gaps = []
    for D in (2, 5, 10, 20):
        ens = dd.heavy_tail_pair(D, eps)
        thr = bp_threshold(ens, dps=15)
        assert thr.value >= 0.5 - 1e-15 and thr.limited_by == "stability"
        f = sp.lambdify(dd.X, ens.eps_of_x(dd.X), "mpmath")
        with mp.workdps(80):  # 1 - rho(1 - x) cancels ~log10(1/x) digits near 0
            xs = [mp.mpf(10) ** (-k / mp.mpf(4)) for k in range(1, 48)] + [mp.mpf(k) / 400 for k in range(1, 401)]
            assert min(f(x) for x in xs) >= mp.mpf(1) / 2 - mp.mpf(10) ** -60
        gaps.append(float((1 - eps) - ens.design_rate()))
    assert all(a > b for a, b in zip(gaps, gaps[1:]))
    assert gaps[-1] == pytest.approx(0.5 / 20)


def test_heavy_tail_kind_with_fixed_check():
    r = design("poisson:4", "0.5", 10, kind="heavy-tail")
    assert r.threshold_value >= 0.5
    assert r.extra["D"] == 4  # smallest D with H(D) >= eps * 4 = 2: H(4) = 25/12


def test_designed_ensemble_learns_in_simulation():
    from infoscaling.numeric.peeling import simulate_peeling

    conf = per_comparison_confidence()
    r = design_u_form(4, 20)
    ok = simulate_peeling(r.ensemble, n=20000, eps=0.45, trials=10, seed=31, workers=1, confidence=conf)
    bad = simulate_peeling(r.ensemble, n=20000, eps=0.56, trials=10, seed=32, workers=1, confidence=conf)
    assert ok["residual_erased_fraction"]["ci"][1] < 1e-3, ok["residual_erased_fraction"]
    assert bad["residual_erased_fraction"]["ci"][0] > 0.05, bad["residual_erased_fraction"]


# ----------------------------------------------------------------------------- bad input
def test_infeasible_target_says_so():
    with pytest.raises(InputError, match="infeasible.*start-up bound") as exc:
        design("poisson:12", "0.5", 20)
    assert exc.value.argument == "--eps"


@pytest.mark.parametrize("argv,arg", [
    (["design", "--check", "poisson:12", "--eps", "0.5", "--vmax", "1"], "--vmax"),
    (["design", "--check", "poisson:12", "--eps", "0.5", "--vmax", "20"], "--eps"),
    (["design", "--check", "poisson:12", "--eps", "1.5", "--vmax", "20"], "--eps"),
    (["design", "--check", "bogus:3", "--eps", "0.5", "--vmax", "20"], "--check"),
    (["design", "--check", "regular:6", "--eps", "0.4", "--vmax", "8", "--kind", "x"], "--kind"),
    (["design", "--check", "regular:6", "--eps", "0.4", "--vmax", "8", "--kind", "heavy-tail"], "--check"),
    (["design", "--check", "regular:6", "--eps", "0.4", "--vmax", "100000"], "--vmax"),
])
def test_bad_input_exit_2(argv, arg, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert arg in err and "Traceback" not in err


def test_cli_design_json(capsys):
    assert main(["design", "--check", "regular:6", "--eps", "0.4", "--vmax", "8", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("lambda", "rate", "kappa", "gap_to_capacity", "threshold", "ensemble"):
        assert key in out
    assert float(out["threshold"]) >= 0.4
    assert abs(out["gap_to_capacity"] - (0.6 - out["rate"])) < 1e-15
