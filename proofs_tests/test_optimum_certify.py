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
    ref = finite_optimum(6, 0.5, cp, 2 * dps, exponent=False, certify=False)   # mpmath, twice the digits
    with mp.workdps(2 * dps + 20):
        for key, val in (("R", ref.R), ("T", ref.T), ("threshold", ref.threshold)):
            enc = js["enclosures"][key]
            assert _inside(enc, val, 2 * dps), (key, enc, val)
            # width matches the printed digits: both ends round to the printed text
            assert _round(enc[0], dps) == _round(enc[1], dps) == _round(js[key], dps), key
            assert js["certified_by"][key].startswith("arb")


def test_kink_and_edge_certified():
    js = finite_optimum(6, 0.5, 1e3, 20).to_json()
    assert js["optimum_kind"] == "kink" and set(js["enclosures"]) == {"R", "T", "threshold"}
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
