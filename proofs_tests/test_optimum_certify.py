"""Certified digits of the asymptotic optimum (issue 12): ball-arithmetic enclosures."""

from __future__ import annotations

import json

import mpmath as mp
import pytest
from infoscaling.numeric.certify import contains
from infoscaling.numeric.cli import main
from infoscaling.numeric.optimum import asymptotic_optimum, kappa_star_value


def _round(text_lo: str, digits: int) -> str:
    with mp.workdps(digits + 30):
        return mp.nstr(mp.mpf(text_lo), digits, strip_zeros=False)


@pytest.mark.parametrize("dt, dps", [("6", 20), ("6", 50), ("4", 30), ("17/2", 25), ("25", 40)])
def test_asymptotic_enclosures(dt, dps):
    a = asymptotic_optimum(dt, "0.5", dps)
    assert set(a["enclosures"]) == {"kappa_star", "R_over_sqrt_C", "T_over_sqrt_C"}
    with mp.workdps(2 * dps + 20):
        ks = kappa_star_value(dt, 2 * dps + 20)          # mpmath, twice the precision
        ref = {"kappa_star": ks, "R_over_sqrt_C": 1 / mp.sqrt(ks), "T_over_sqrt_C": mp.sqrt(ks)}
        for key, enc in a["enclosures"].items():
            assert contains(tuple(enc), mp.nstr(ref[key], 2 * dps + 10)), key
            # the printed digits are those the enclosure fixes: both ends round to them
            assert _round(enc[0], dps) == _round(enc[1], dps) == _round(a[key], dps), key
            assert a["certified_by"][key].startswith("arb")


def test_literature_kappa_star_6_inside():
    a = asymptotic_optimum(6, "0.5", 20)
    lo, hi = a["enclosures"]["kappa_star"]   # the held value 4.53298961986074877419... (truncated)
    assert lo.startswith("4.53298961986074877419") and hi.startswith("4.53298961986074877419")


def test_cli_asymptotic_has_enclosures(capsys):
    assert main(["optimum", "--dt", "6", "--eps", "0.5", "--asymptotic", "--dps", "25", "--json"]) == 0
    js = json.loads(capsys.readouterr().out)
    assert js["enclosures"]["kappa_star"][0] <= js["kappa_star"] + "9" and "certified_by" in js


# ------------------------------------------------------------------ finite C'
from infoscaling.numeric.optimum import finite_optimum  # noqa: E402


def _inside(enc, value, digits):
    return contains(tuple(enc), mp.nstr(value, digits))


@pytest.mark.parametrize("cp, dps", [(1e4, 20), (1e10, 20), (1e20, 25), (1e40, 20), (3.7e7, 30)])
def test_finite_optimum_enclosures(cp, dps):
    r = finite_optimum(6, 0.5, cp, dps, exponent=False)
    js = r.to_json()
    assert r.kind == "stationary" and set(js["enclosures"]) == {"R", "T", "threshold"}
    # refined and certified in one step by the ball stage (interval Newton), not the mpmath route
    # (at C' >~ 1e32 the waterfall is too sharp for Newton from the float optimum: mpmath route)
    assert js["certified_by"]["R"].startswith("arb: interval Newton" if cp <= 1e32 else "arb")
    ref = finite_optimum(6, 0.5, cp, 2 * dps, exponent=False, certify=False)   # mpmath, twice the digits
    with mp.workdps(2 * dps + 20):
        for key, val in (("R", ref.R), ("T", ref.T), ("threshold", ref.threshold)):
            enc = js["enclosures"][key]
            assert _inside(enc, val, 2 * dps), (key, enc, val)
            # width matches the printed digits: both ends round to the printed text
            assert _round(enc[0], dps) == _round(enc[1], dps) == _round(js[key], dps), key
            assert js["certified_by"][key].startswith("arb")
    # the mpmath route's own certificate (sign change of dR_learned/dR at both ends of a bracket,
    # used when the ball stage fails) certifies the mpmath optimum independently
    from infoscaling.numeric.optimum import Problem
    from infoscaling.numeric.optimum.certify import certify_stationary
    from infoscaling.numeric.optimum.objective import classify

    pb = Problem.create(6, 0.5, cp)
    with mp.workdps(2 * dps + 12):
        sc = certify_stationary(pb, ref.R, classify(pb, ref.R), dps)
    with mp.workdps(2 * dps + 20):
        assert _inside(sc["R"].enclosure, ref.R, 2 * dps) and sc["R"].text == js["R"]


def test_kink_and_edge_certified():
    js = finite_optimum(6, 0.5, 1e3, 20).to_json()
    assert js["optimum_kind"] == "kink" and set(js["enclosures"]) == {"R", "T", "threshold", "local_exponent"}
    ref = finite_optimum(6, 0.5, 1e3, 40, exponent=False, certify=False)
    with mp.workdps(60):
        assert _inside(js["enclosures"]["R"], ref.R, 40)
        assert _inside(js["enclosures"]["threshold"], mp.mpf("0.5"), 40)   # eps*(R*) = eps at a kink
    js = finite_optimum(6, 0.5, 100, 20).to_json()
    assert js["optimum_kind"] == "boundary" and contains(tuple(js["enclosures"]["R"]), "6")
    with mp.workdps(60):
        assert _inside(js["enclosures"]["T"], mp.mpf(100) / 6, 50)
    assert js["certified_by"]["threshold"].startswith("not certified")


def test_other_kinds_are_not_claimed_certified():
    js = finite_optimum(6, 0.5, 1e6, 20, model="paper", exponent=False).to_json()
    assert js["enclosures"] == {} and js["certified_by"].startswith("not certified: spurious_fold")


def test_certification_refuses_a_wrong_optimum():
    """Away from the optimum the sign change is absent and nothing is certified (each test can fail)."""
    from infoscaling.numeric.errors import VerificationError
    from infoscaling.numeric.optimum import Problem
    from infoscaling.numeric.optimum.certify import certify_kink, certify_stationary
    from infoscaling.numeric.optimum.objective import classify

    for cp, fn in ((1e3, certify_kink), (1e10, certify_stationary)):
        r = finite_optimum(6, 0.5, cp, 20, exponent=False, certify=False)
        pb = Problem.create(6, 0.5, cp)
        with mp.workdps(52):
            br = classify(pb, r.R)
            fn(pb, r.R, br, 20)                                 # the optimum itself: certified
            with pytest.raises(VerificationError):
                fn(pb, r.R * (1 + mp.mpf("1e-12")), br, 20)     # 1e-12 off: refused


# ------------------------------------------------------------------ the ball stage (Arb refinement)
from infoscaling.numeric.optimum import Problem  # noqa: E402
from infoscaling.numeric.precision import fmt  # noqa: E402


@pytest.mark.parametrize("cp", [1e4, 1.1e11, 1e19])
def test_certified_exponent_contains_the_mpmath_exponent(cp):
    """The local exponent by implicit differentiation in Arb (certified) against the mpmath
    route's finite differences of complex-step derivatives at twice the digits."""
    js = finite_optimum(6, 0.5, cp, 20).to_json()
    assert js["certified_by"]["local_exponent"].startswith("arb: implicit function theorem")
    enc = js["enclosures"]["local_exponent"]
    assert _round(enc[0], 20) == _round(enc[1], 20) == js["local_exponent"]
    ref = finite_optimum(6, 0.5, cp, 40, certify=False)
    assert ref.exponent_digits >= 23
    with mp.workdps(60):
        assert _round(mp.nstr(ref.local_exponent, ref.exponent_digits), 20) == js["local_exponent"]


def test_kink_exponent_and_learned_fraction():
    """At a kink (eps*(R*) = eps): the certified exponent -G_v/G_u against the mpmath route's
    central differences; the learned fraction is the consistent objective (the formula left of the
    kink, with the error-floor term), which the previous implementation replaced by the paper
    formula there (wrong from the 16th digit at this C')."""
    from infoscaling.numeric.optimum.objective import classify, value

    cp = 4247.571552536899
    r = finite_optimum(6, 0.5, cp, 20)
    js = r.to_json()
    assert js["optimum_kind"] == "kink" and js["certified_by"]["R"].startswith("arb: interval Newton")
    ref = finite_optimum(6, 0.5, cp, 40, certify=False)
    assert ref.kind == "kink" and ref.exponent_digits >= 22
    with mp.workdps(60):
        assert _round(mp.nstr(ref.local_exponent, ref.exponent_digits), 20) == js["local_exponent"]
    pb = Problem.create(6, 0.5, cp)
    with mp.workdps(80):
        Rk = r.certified["R"].value
        left = classify(pb, Rk * (1 - mp.mpf(10) ** -10))
        assert not left.worse and left.xl is not None
        lf = value(pb, Rk, left, polish=8) / Rk
        assert js["learned_fraction"] == fmt(lf, 20) != "0.43261915440332350812"


def _kink_stage():
    from flint import arb
    from infoscaling.numeric import certify as cf
    from infoscaling.numeric.optimum.ball import BallStage, _sharp_branch, _work_bits
    from infoscaling.numeric.optimum.float_stage import float_optimum

    pb = Problem.create(6, 0.5, 988.4959046625586)
    Rf, _, _, _, xf, _ = float_optimum(pb)
    bits = _work_bits(20, Rf)
    with cf.workprec(bits):
        stage = BallStage(pb, _sharp_branch(xf))
        m = arb(Rf).mid()
        mids = stage.polish(stage.guesses(stage.br), m, stage.cp / m)
    return stage, m, mids, bits


def test_interval_newton_certifies_only_a_root_of_a_decreasing_function():
    """The proof step of the ball stage: the kink's gap eps*(R) - eps is certified; the same gap
    shifted by 1 (no root anywhere) and the negated gap (increasing: no maximum) are refused."""
    from flint import arb
    from infoscaling.numeric import certify as cf
    from infoscaling.numeric.errors import VerificationError
    from infoscaling.numeric.optimum.ball import _interval_newton

    stage, m, mids, bits = _kink_stage()
    scale = arb(-0.1)

    def newton(fun, scale):
        fm = fun(stage.enclose(mids, m, stage.cp / m), *stage.line(m, 1), 1)[0]   # f at m, rigorous
        return _interval_newton(fun, m, mids, stage, scale, 2, fm)[0]

    with cf.workprec(bits):
        N = newton(stage.gap, scale)   # from the float start
        assert cf.certified_digits(N, 30) >= 6
        assert N.contains(cf.arb_of(finite_optimum(6, 0.5, 988.4959046625586, 20).certified["R"].value))
        shifted = lambda roots, Rs, Ts, L: [c + 1 if i == 0 else c  # noqa: E731
                                            for i, c in enumerate(stage.gap(roots, Rs, Ts, L))]
        # a first ball far too small for the Newton step (scale 1e6: radius 4e-6): N lies outside
        # X, and X is widened until the roots can no longer be enclosed over it -- never certified
        with pytest.raises(VerificationError):
            newton(shifted, arb(-1e6))
        negated = lambda roots, Rs, Ts, L: [-c for c in stage.gap(roots, Rs, Ts, L)]  # noqa: E731
        with pytest.raises(VerificationError):
            newton(negated, -scale)


def test_ball_stage_checks_the_side_of_the_threshold():
    """A formula is certified only where it applies: eps* above eps for the 'sharp, not worse'
    branch, below it for the 'stuck on the upper fixed point' one."""
    from flint import arb
    from infoscaling.numeric import certify as cf
    from infoscaling.numeric.errors import VerificationError
    from infoscaling.numeric.optimum.ball import _check_side

    stage, _, _, bits = _kink_stage()
    pb = Problem.create(6, 0.5, 988.4959046625586)
    with cf.workprec(bits):
        above = arb("0.5000001")
        _check_side(pb, stage, above, False)
        with pytest.raises(VerificationError):
            _check_side(pb, stage, above, True)
        with pytest.raises(VerificationError):
            _check_side(pb, stage, arb("0.5") + arb(0, 1e-30), False)   # straddles eps: refused
