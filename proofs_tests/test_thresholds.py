"""BP and MAP thresholds: closed forms vs direct high-precision computation, literature values."""

from __future__ import annotations

import mpmath as mp
import pytest
import sympy as sp
from hypothesis import example, given
from hypothesis import strategies as st
from infoscaling.derivations import thresholds as dth
from infoscaling.derivations.degree import Poisson, Regular
from infoscaling.derivations.ensemble import Ensemble, parse_ensemble
from infoscaling.derivations.notation import X
from infoscaling.numeric.certify import contains
from infoscaling.numeric.claims.decoding import direct_bp_threshold
from infoscaling.numeric.evaluate import compile_ensemble, de_iterate, largest_fixed_point
from infoscaling.numeric.precision import VerificationError, agree_digits, fmt
from infoscaling.numeric.thresholds import bp_threshold, map_threshold

# Literature checks (not inputs): Richardson & Urbanke (2008); KRU (2011).
BP_36 = "0.4294398144194918371556"
MAP_36 = "0.4881508841915662005814"


def test_symbolic_kru_equivalences():
    """Derived polynomials equal the published KRU forms for symbolic (l, r)."""
    assert dth.prove_regular_bp_kru() == 0
    assert dth.prove_regular_map_kru() == 0


@pytest.mark.parametrize("l,r", [(3, 6), (4, 8), (3, 4), (5, 10), (3, 30)])
def test_derived_regular_polynomial_satisfies_tangency(l, r):
    poly = dth.regular_bp_polynomial(l, r)
    kru = sp.Poly(sp.expand(dth.kru_bp_polynomial(l, r)), X)
    # same roots: the derived polynomial is a constant multiple of KRU's
    assert sp.simplify(poly.as_expr() / kru.as_expr()).is_number
    roots = [rt for rt in poly.real_roots() if 0 < rt < 1]
    assert len(roots) == 1
    ens = Ensemble(Regular(l), Regular(r))
    d = ens.deps_dx(X).subs(X, roots[0])
    assert abs(sp.N(d, 50)) < sp.Float("1e-45")


def test_poisson_lambert_solves_tangency():
    assert dth.prove_poisson_spinodal(-1) == (0, 0)
    assert dth.prove_poisson_spinodal(0) == (0, 0)


def test_36_threshold_literature():
    ens = parse_ensemble("regular:3/regular:6")
    r = bp_threshold(ens, dps=22)
    assert r.text == BP_36
    assert r.limited_by == "tangency" and r.sharp and r.digits >= 22
    # the enclosure holds the literature value's digits and the independent direct value at twice the precision
    assert contains(r.enclosure, direct_bp_threshold(ens, 44))
    with mp.workdps(40):
        lo, hi = (mp.mpf(v) for v in r.enclosure)
        assert lo <= mp.mpf(BP_36) + mp.mpf("1e-22") and mp.mpf(BP_36) - mp.mpf("1e-22") <= hi
        assert hi - lo < mp.mpf("1e-23")


def test_36_map_literature():
    r = map_threshold(parse_ensemble("regular:3/regular:6"), dps=22)
    assert r.text == MAP_36
    with mp.workdps(40):
        lo, hi = (mp.mpf(v) for v in r.enclosure)
        assert lo <= mp.mpf(MAP_36) + mp.mpf("1e-22") and mp.mpf(MAP_36) - mp.mpf("1e-22") <= hi
        assert hi - lo < mp.mpf("1e-23")


@pytest.mark.parametrize("r", [3, 4, 6, 7, 11])
def test_two_r_threshold_is_exact(r):
    res = bp_threshold(Ensemble(Regular(2), Regular(r)), dps=25)
    assert res.limited_by == "stability"
    assert res.closed_form == sp.Rational(1, r - 1)
    assert res.enclosure == (str(sp.Rational(1, r - 1)),) * 2
    with mp.workdps(40):
        assert res.text == fmt(mp.mpf(1) / (r - 1), 25)


def _direct_min(ens, dps):
    """Independent computation: a hand-written eps(x) from the degrees, minimised by golden section
    on a bracket found by a grid scan (no derivation, compiled expression or threshold code used)."""
    return direct_bp_threshold(ens, dps)


@given(l=st.integers(3, 6), r=st.integers(4, 12), dps=st.integers(15, 60))
@example(l=3, r=6, dps=50)
def test_regular_closed_form_vs_direct(l, r, dps):
    if r <= l:
        r = l + 1
    ens = Ensemble(Regular(l), Regular(r))
    res = bp_threshold(ens, dps=dps)
    assert res.closed_form is not None
    with mp.workdps(dps + 20):
        closed = mp.mpf(sp.N(res.closed_form, dps + 20))
        direct = _direct_min(ens, dps)
        # closed form vs the independent direct value (bp_threshold already forced closed ~ res.value)
        assert agree_digits(closed, direct) >= dps
        assert agree_digits(direct, res.value) >= dps


@given(a=st.integers(3, 60), b=st.integers(2, 40), dps=st.integers(15, 50))
@example(a=27, b=12, dps=40)
def test_poisson_closed_form_vs_direct(a, b, dps):
    ens = Ensemble(Poisson(a), Poisson(b))
    res = bp_threshold(ens, dps=dps)
    with mp.workdps(dps + 20):
        u = -mp.lambertw(-mp.mpf(1) / a, -1).real
        eps_star = u / b * mp.exp(1 / u)
        if u / b > 1 or eps_star >= 1:  # the fold is outside the channel range: no jump in (0, 1)
            assert not res.sharp and res.value is None
            return
        assert res.sharp
        assert agree_digits(eps_star, res.value) >= dps
    with mp.workdps(dps + 20):
        lo, hi = (mp.mpf(v) for v in res.enclosure)
        assert lo <= eps_star <= hi


@pytest.mark.parametrize("a", ["2", "2.7", "2.718"])
def test_poisson_no_jump_below_e(a):
    res = bp_threshold(Ensemble(Poisson(a), Poisson(5)), dps=20)
    assert res.sharp is False and res.value is None and res.limited_by == "none"
    assert res.to_json()["threshold"] is None


def test_no_cut_at_x_01():
    """A jump whose critical point lies below x = 0.1 is found (the reference's x >= 0.1 cut misses it)."""
    ens = Ensemble(Poisson(8), Poisson(40))  # u* = -W_{-1}(-1/8) ~ 3.26, x* = u*/40 ~ 0.08
    res = bp_threshold(ens, dps=20)
    assert res.sharp and res.x < mp.mpf("0.1")


def test_error_floor_ensembles_have_no_zero_fixed_point():
    ens = parse_ensemble("concept-text:dt=6,kappa=5,eps=0.5")
    res = bp_threshold(ens, dps=20)
    with mp.workdps(30):
        below = largest_fixed_point(ens, res.value * (1 - mp.mpf("1e-6")), dps=20)
        above = largest_fixed_point(ens, res.value * (1 + mp.mpf("1e-6")), dps=20)
        assert 0 < below < mp.mpf("1e-10")  # error floor, not zero
        assert above > mp.mpf("0.3")  # upper branch


@pytest.mark.parametrize("spec", ["regular:3/regular:6", "regular:4/regular:8", "poly:0,1/2,1/2/regular:6"])
def test_de_behaviour_around_threshold(spec):
    """Iterated DE converges to 0 just below eps_BP and stays on a positive fixed point just above."""
    ens = parse_ensemble(spec)
    res = bp_threshold(ens, dps=20)
    with mp.workdps(30):
        below = res.value * (1 - mp.mpf("1e-3"))
        above = res.value * (1 + mp.mpf("1e-3"))
    x_lo, _ = de_iterate(ens, below, tol="1e-25", dps=20)
    x_hi, _ = de_iterate(ens, above, tol="1e-25", dps=20)
    assert x_lo < mp.mpf("1e-20")
    with mp.workdps(30):
        assert abs(x_hi - largest_fixed_point(ens, above, dps=20)) < mp.mpf("1e-15")
        assert x_hi > mp.mpf("0.05")


def test_high_precision_100_digits():
    r = bp_threshold(parse_ensemble("regular:3/regular:6"), dps=100)
    assert r.digits >= 100 and len(r.text.replace("0.", "", 1)) == 100
    assert r.text.startswith(BP_36)


def test_bad_dps():
    with pytest.raises(ValueError, match="dps"):
        bp_threshold(parse_ensemble("regular:3/regular:6"), dps=0)
    with pytest.raises(ValueError, match="dps"):
        bp_threshold(parse_ensemble("regular:3/regular:6"), dps=10**6)


def test_map_rejects_error_floor_ensembles():
    with pytest.raises(ValueError, match="MAP"):
        map_threshold(parse_ensemble("poisson:27/poisson:12"), dps=10)


def test_map_area_identity():
    """At the Maxwell point the area under the BP EXIT curve equals the design rate (quadrature check)."""
    ens = parse_ensemble("regular:3/regular:6")
    res = map_threshold(ens, dps=20)
    ce = compile_ensemble(ens)
    with mp.workdps(30):
        h = lambda x: ce.L(ce.y(x))  # noqa: E731
        area = mp.quad(lambda x: h(x) * ce.deps_dx(x), [res.x, 1])
        assert abs(area - mp.mpf(1) / 2) < mp.mpf("1e-20")


def test_verification_error_is_the_taxonomy_class():
    """One VerificationError (exit 1), never a ValueError (which would read as bad input, exit 2)."""
    from infoscaling.numeric import errors

    assert VerificationError is errors.VerificationError
    assert not issubclass(VerificationError, ValueError)
    assert errors.classify(VerificationError("x")) == errors.EXIT_CHECK_FAILED


def test_compile_once_across_thresholds_evaluate_and_amru(monkeypatch):
    """Issue 11: a threshold, its DE fixed points and its scaling parameters compile each derived
    expression once per family and backend; a second ensemble of the same family compiles nothing."""
    from infoscaling.numeric import certify, evaluate
    from infoscaling.numeric.amru import scaling_params

    monkeypatch.setenv("INFOSCALING_CACHE_DIR", "")  # no stored code: every function is derived here
    evaluate.store_dir.cache_clear()
    evaluate._FAMILIES.clear()
    evaluate.compile_ensemble.cache_clear()
    evaluate.critical_brackets.cache_clear()
    evaluate.local_minima.cache_clear()
    seen = []
    real_py, real_arb = evaluate._py_source, certify.arb_lambdify

    def py(args, expr, backend):
        seen.append((backend, sp.srepr(expr)))
        return real_py(args, expr, backend)

    def arb_(args, expr, cse=True):
        if expr.free_symbols:  # family code (a closed-form *value* belongs to one ensemble)
            seen.append(("arb", sp.srepr(expr)))
        return real_arb(args, expr, cse)

    monkeypatch.setattr(evaluate, "_py_source", py)
    monkeypatch.setattr(certify, "arb_lambdify", arb_)
    try:
        ens = parse_ensemble("regular:3/regular:6")
        bp_threshold(ens, 20)
        largest_fixed_point(ens, "0.45", 20)
        scaling_params(ens, 15)
        assert seen and len(seen) == len(set(seen)), "an expression was compiled twice"
        n = len(seen)
        other = parse_ensemble("regular:4/regular:9")
        bp_threshold(other, 20)
        scaling_params(other, 15)
        assert len(seen) == n, "a second ensemble of the same family recompiled its code"
    finally:
        evaluate.store_dir.cache_clear()


def test_store_is_keyed_by_parameters(tmp_path, monkeypatch):
    """Two ensembles of one family share stored code but never each other's closed form."""
    from infoscaling.derivations.specs import parse_ensemble_spec
    from infoscaling.numeric import evaluate

    monkeypatch.setenv("INFOSCALING_CACHE_DIR", str(tmp_path))
    evaluate.store_dir.cache_clear()
    try:
        fresh = {s: bp_threshold(parse_ensemble(s), 25) for s in ("regular:3/regular:6", "regular:4/regular:8")}
        for s, ref in fresh.items():
            stored = bp_threshold(parse_ensemble_spec(s), 25)
            assert stored.closed_form is None  # came from the store, not from SymPy
            assert stored.to_json() == ref.to_json()
    finally:
        evaluate.store_dir.cache_clear()


def test_constant_fixed_point_curve_is_not_a_root():
    """regular:2/regular:2 has eps(x) = 1 for every x: the scan's sign changes of eps' are rounding
    noise, which the ball check discards; the infimum is the stability bound 1 (was exit 1,
    'root not bracketed')."""
    r = bp_threshold(parse_ensemble("regular:2/regular:2"), 20)
    assert r.limited_by == "stability" and r.text == "1.0000000000000000000"
