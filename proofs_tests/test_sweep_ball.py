"""The sweep's high-precision stage in ball arithmetic (issue 12).

Every point of a sweep is refined and certified in Arb (interval Newton), from float data
computed for all points together; the answers equal single-point solves and the enclosures
contain the mpmath route's optimum at twice the digits (an independent computation: secant on
complex-step derivatives, two precisions).
"""

from __future__ import annotations

import mpmath as mp
import pytest
from infoscaling.numeric.certify import contains
from infoscaling.numeric.optimum import finite_optimum, sweep

#: d_t = 6, eps = 0.5: stationary optima stuck on the upper fixed point (eps* < eps, C' < ~450),
#: kinks (C' ~ 500..4300), ordinary stationary optima up to C' = 1e19.
GRID = [186.79135990207828, 300.0, 600.0, 988.4959046625586, 2273.9657523579276, 5231.099308056264,
        1e5, 1.1097524964120744e11, 1e19]
KEYS = ("R", "T", "threshold", "kappa", "learned_fraction", "alpha", "beta_over_omega", "nu",
        "local_exponent", "optimum_kind")


@pytest.fixture(scope="module")
def swept():
    return sweep(6, "0.5", GRID, 20)


def test_every_point_certified_by_the_ball_stage(swept):
    kinds = [r.kind for r in swept]
    assert kinds.count("kink") >= 3 and kinds.count("stationary") >= 5
    # points whose formula is the one stuck on the upper DE fixed point (threshold below eps)
    assert sum(r.kind == "stationary" and r.threshold < mp.mpf("0.5") for r in swept) >= 2
    for r in swept:
        js = r.to_json()
        assert js["certified_by"]["R"].startswith("arb: interval Newton"), (r.c_prime, js["certified_by"]["R"])
        assert set(js["enclosures"]) == {"R", "T", "threshold", "local_exponent"}
        assert js["local_exponent_digits"] >= 20 and js["digits"] >= 20


def test_sweep_equals_single_points_and_the_mpmath_route(swept):
    for cp, r in zip(GRID[::2], swept[::2]):
        js = r.to_json()
        one = finite_optimum(6, "0.5", cp, 20).to_json()
        assert all(js[k] == one[k] for k in KEYS), cp
    for i in (0, 3, 7):   # stuck on the upper fixed point, kink, stationary
        js = swept[i].to_json()
        ref = finite_optimum(6, "0.5", GRID[i], 40, certify=False)
        assert ref.kind == swept[i].kind
        with mp.workdps(60):
            for key, val in (("R", ref.R), ("T", ref.T), ("threshold", ref.threshold)):
                assert contains(tuple(js["enclosures"][key]), mp.nstr(val, 40)), (GRID[i], key)
