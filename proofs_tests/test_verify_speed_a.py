"""Speed-ups behind ``infoscaling verify`` (issue 12) must not change any value.

* the critical-point scan takes eps'(x)'s sign from Arb balls where they decide it:
  the brackets equal those of the plain mpmath scan, also when most balls are
  undecided (a coarse ball precision forces the mpmath fallback);
* the DE fixed-point grid reuses its geometric factors: the same mpf values as
  computing them on every call, at every precision;
* derivations cached per process hand out copies (a caller's edit does not leak).
"""

from __future__ import annotations

import mpmath as mp
import pytest
from infoscaling.derivations.ensemble import parse_ensemble
from infoscaling.numeric import evaluate

SPECS = [
    "regular:3/regular:6",
    "regular:2/regular:6",
    "poisson:27/poisson:12",
    "poly:0,1/2,1/2/regular:6",
    "concept-text:dt=6,kappa=5,eps=1/10,R=1000",
    "concept-text:dt=6,kappa=3,eps=1/2,R=10000",
]


def _mpmath_scan(ens) -> tuple:
    """The scan as it was: every eps'(x) in mpmath at SCAN_DPS digits."""
    ce = evaluate.compile_ensemble(ens)
    out = []
    with mp.workdps(evaluate.SCAN_DPS):
        grid = evaluate._scan_grid()
        vals = [ce.deps_dx(x) for x in grid]
        for (a, fa), (b, fb) in zip(zip(grid, vals), zip(grid[1:], vals[1:])):
            if fa < 0 <= fb:
                out.append((a, b, "min"))
            elif fa > 0 >= fb:
                out.append((a, b, "max"))
    return tuple(out)


@pytest.mark.parametrize("spec", SPECS)
def test_ball_scan_equals_mpmath_scan(spec):
    ens = parse_ensemble(spec)
    evaluate.critical_brackets.cache_clear()
    assert evaluate.critical_brackets(ens) == _mpmath_scan(ens)


@pytest.mark.parametrize("spec", ["regular:3/regular:6", "poisson:27/poisson:12",
                                  "concept-text:dt=6,kappa=5,eps=1/10,R=1000"])
def test_ball_scan_falls_back_to_mpmath_when_undecided(spec, monkeypatch):
    # 12-bit balls cannot decide the sign of most values: the mpmath fallback must give the same brackets
    ens = parse_ensemble(spec)
    monkeypatch.setattr(evaluate, "SCAN_BALL_PREC", 12)
    evaluate.critical_brackets.cache_clear()
    try:
        ce = evaluate.compile_ensemble(ens)
        with mp.workdps(evaluate.SCAN_DPS):
            vals = evaluate._scan_values(ce, evaluate._scan_grid())
        assert any(not isinstance(v, int) for v in vals)  # the fallback really ran
        assert evaluate.critical_brackets(ens) == _mpmath_scan(ens)
    finally:
        evaluate.critical_brackets.cache_clear()


@pytest.mark.parametrize("dps", [15, 20, 30, 45, 80])
def test_fixed_point_grid_unchanged(dps):
    with mp.workdps(dps):
        for top in (mp.mpf(1) / 2, mp.mpf(1) / 3, mp.mpf("0.4294398144194918")):
            old = [top * mp.mpf(k) / 600 for k in range(600, 0, -1)]
            old += [top * mp.mpf(10) ** (-mp.mpf(k) / 8) for k in range(21, 480)]
            new = evaluate._grid(top)
            assert [x.man_exp for x in new] == [x.man_exp for x in old]


def test_cached_derivations_hand_out_copies():
    from infoscaling.derivations import chinchilla as dch
    from infoscaling.derivations import optimum as dop

    ex = dop.existence_condition()
    ex["threshold_dt"] = 0
    assert dop.existence_condition()["threshold_dt"] == dop.sp.E
    fc = dop.finite_c_correction()
    fc["z"] = 0
    fc["symbols"]["alpha"] = 0
    again = dop.finite_c_correction()
    assert again["z"] != 0 and again["symbols"]["alpha"] != 0
    fv = dch.frontier_values("printed")
    fv["a"] = 0
    assert dch.frontier_values("printed")["a"] == dop.sp.Rational(14, 31)
