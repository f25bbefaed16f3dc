"""Certified digits (numeric/certify.py): enclosures hold literature values and the mpmath value at
twice the precision; the printed digits are those the enclosure fixes; each check can fail."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import mpmath as mp
import pytest
import sympy as sp
from flint import arb, ctx
from hypothesis import example, given, settings
from hypothesis import strategies as st
from infoscaling.derivations.degree import Poisson, Regular
from infoscaling.derivations.ensemble import Ensemble, parse_ensemble
from infoscaling.numeric import certify as cz
from infoscaling.numeric.amru import direct_scaling_params, scaling_params
from infoscaling.numeric.claims.decoding import direct_bp_threshold
from infoscaling.numeric.errors import VerificationError
from infoscaling.numeric.giant import erdos_renyi_S, giant
from infoscaling.numeric.thresholds import bp_threshold, map_threshold

# Literature values (checks, not inputs): Richardson & Urbanke (2008) / KRU (2011) for (3,6);
# AMRU (2009) alpha ~ 0.5604; kappa*(6) from the paper's Lambert-W closed form.
BP_36 = "0.42943981441949183715"
MAP_36 = "0.48815088419156620058"
ALPHA_36 = "0.56035"
KAPPA_6 = "4.53298961986074877419"


def _holds_literature(enclosure, digits_text: str) -> bool:
    """The literature value, quoted *truncated* to the digits given ("0.4294398144..."), lies in
    [v, v + one unit of its last digit]; that interval must meet the enclosure."""
    v = Decimal(digits_text)
    ulp = Decimal(10) ** (v.as_tuple().exponent)
    lo, hi = (Decimal(s) for s in enclosure)
    return lo <= v + ulp and v <= hi


def _width_supports(text: str, enclosure, digits: int) -> bool:
    lo, hi = (Decimal(s) for s in enclosure)
    val = Decimal(text)
    return hi - lo <= Decimal(10) ** (val.adjusted() - digits + 1) and lo <= hi


# ------------------------------------------------------------------ the helpers themselves

def test_certified_digits_follow_the_width():
    with cz.workprec(200):
        ball = arb(1) / 3 + arb(0, arb(10) ** -12)  # 1/3 +/- 1e-12: about 11 digits
        assert cz.certified_digits(ball, 30) in (11, 12)
        with pytest.raises(VerificationError):
            cz.certified_from_ball(ball, 20, "test")
        c = cz.certified_from_ball(ball, 10, "test")
    assert c.text == "0.3333333333" and c.digits >= 10
    assert _width_supports(c.text, c.enclosure, c.digits)


def test_certify_refuses_a_computation_that_cannot_reach_the_digits():
    """A value whose enclosure never shrinks below 1e-10 cannot be certified to 20 digits."""
    with pytest.raises(VerificationError, match="certifies only"):
        cz.certify(lambda: arb(2).sqrt() + arb(0, arb(10) ** -10), 20, "test")


def test_rounding_boundary_is_not_certified():
    """lo and hi on both sides of a rounding boundary: the digit is not determined."""
    with cz.workprec(200):
        ball = arb("0.125") + arb(0, arb(10) ** -30)
    assert cz.certified_digits(ball, 2) < 2  # 0.12 or 0.13?
    assert cz.certified_digits(ball, 25) >= 25


def test_decimal_bounds_are_outward():
    with cz.workprec(300):
        ball = arb(2).sqrt()
    lo, hi = cz.decimal_bounds(ball, 30)
    with mp.workdps(80):
        assert mp.mpf(lo) < mp.sqrt(2) < mp.mpf(hi)
    assert cz.contains((lo, hi), "1.41421356237309504880168872420969807856967187537694")


def test_interval_newton_certifies_and_refuses():
    x = sp.Symbol("x")
    f, df = cz.arb_lambdify([x], x**3 - 2), cz.arb_lambdify([x], 3 * x**2)
    with cz.workprec(300):
        root = cz.interval_newton(f, df, 1.2)
        assert root.contains(arb(2).root(3)) and root.rad() < arb(10) ** -80
    g, dg = cz.arb_lambdify([x], x**2 + 1), cz.arb_lambdify([x], 2 * x)
    with cz.workprec(200), pytest.raises(VerificationError):
        cz.interval_newton(g, dg, 0.5)  # no real root


def test_sign_change_certifies_and_refuses():
    x = sp.Symbol("x")
    f = cz.arb_lambdify([x], x**2 - 2)
    with cz.workprec(200):
        assert cz.sign_change(f, Fraction(14, 10), Fraction(15, 10)).contains(arb(2).sqrt())
        with pytest.raises(VerificationError):
            cz.sign_change(f, Fraction(15, 10), Fraction(16, 10))


def test_cross_check_rejects_a_value_outside():
    c = cz.certify(lambda: arb(2).sqrt(), 20, "test")
    with mp.workdps(40):
        cz.cross_check("sqrt2", c, mp.sqrt(2), 20)
        with pytest.raises(VerificationError, match="outside"):
            cz.cross_check("sqrt2", c, mp.sqrt(2) * (1 + mp.mpf(10) ** -18), 20)


def test_arb_lambdify_constants_follow_the_call_precision():
    f = cz.arb_lambdify([], sp.E + sp.Rational(1, 3))
    with cz.workprec(64):
        lo = f()
    with cz.workprec(400):
        hi = f()
    assert hi.rad() < lo.rad() * arb(2) ** -300
    with pytest.raises(cz.NotCertifiable):
        cz.arb_lambdify([], sp.Float("0.1"))
    with pytest.raises(cz.NotCertifiable):
        cz.arb_lambdify([sp.Symbol("x")], sp.lerchphi(sp.Symbol("x"), 2, 1))


def test_workprec_restores():
    before = ctx.prec
    with cz.workprec(500):
        assert ctx.prec == 500
    assert ctx.prec == before


# ------------------------------------------------------------------ literature and twice the precision

def test_36_bp_and_map_enclosures():
    ens = parse_ensemble("regular:3/regular:6")
    bp = bp_threshold(ens, 36)
    assert _holds_literature(bp.enclosures["threshold"], BP_36)
    assert cz.contains(bp.enclosures["threshold"], direct_bp_threshold(ens, 72))
    assert _width_supports(bp.text, bp.enclosures["threshold"], bp.digits) and bp.digits >= 36
    mp_ = map_threshold(ens, 30)
    assert _holds_literature(mp_.enclosures["threshold"], MAP_36)
    assert _width_supports(mp_.text, mp_.enclosures["threshold"], mp_.digits)


@pytest.mark.parametrize("spec", [
    "regular:3/regular:6", "concept-text:dt=6,kappa=5,eps=0.5,R=10000000",
    # the independent route's defining double sum of r_i has ~600^2 terms: about a minute
    pytest.param("regular:300/regular:600", marks=pytest.mark.deep)])
def test_alpha_beta_nu_enclosures_hold_the_independent_route(spec):
    ens = parse_ensemble(spec)
    p = scaling_params(ens, 25)
    enc = p.certified
    if spec == "regular:3/regular:6":
        assert _holds_literature(enc["alpha"].enclosure, ALPHA_36)
    with mp.workdps(60):
        direct = direct_scaling_params(ens, enc["x"].value, 50)  # numerical derivatives, twice the digits
        for key in ("alpha", "beta_over_omega", "nu"):
            assert cz.contains(enc[key].enclosure, direct[key]), key
            assert _width_supports(enc[key].text, enc[key].enclosure, enc[key].digits)


def test_kappa_star_enclosure():
    c = cz.kappa_star(6, 30)
    assert _holds_literature(c.enclosure, KAPPA_6)
    with mp.workdps(80):
        w = mp.lambertw(-mp.mpf(1) / 6, 0).real
        assert cz.contains(c.enclosure, -mp.exp(-1 / w) * w / 6)
    assert c.text.startswith("4.53298961986074877419")


def test_giant_enclosure_holds_erdos_renyi_closed_form():
    r = giant("poisson:2", 25)
    with mp.workdps(70):
        assert cz.contains(r.certified["S"].enclosure, erdos_renyi_S(2))
    assert r.S.text == r.certified["S"].text


# ------------------------------------------------------------------ property tests over drawn ensembles

@settings(max_examples=8)
@given(l=st.integers(3, 7), extra=st.integers(1, 14), dps=st.integers(10, 40))
@example(l=3, extra=3, dps=40)
def test_regular_enclosure_holds_direct_minimisation(l, extra, dps):
    ens = Ensemble(Regular(l), Regular(l + extra))
    r = bp_threshold(ens, dps)
    assert cz.contains(r.enclosures["threshold"], direct_bp_threshold(ens, 2 * dps))
    assert _width_supports(r.text, r.enclosures["threshold"], r.digits) and r.digits >= dps
    lo, hi = (Decimal(v) for v in r.enclosures["threshold"])
    # both ends lie within half a unit of the printed text's last digit
    q = Decimal(10) ** (Decimal(r.text).adjusted() - dps + 1)
    assert abs(Decimal(r.text) - lo) <= q / 2 and abs(hi - Decimal(r.text)) <= q / 2


@settings(max_examples=8)
@given(a=st.integers(3, 40), b=st.integers(4, 30), dps=st.integers(10, 30))
@example(a=27, b=12, dps=30)
def test_poisson_enclosure_holds_lambert_closed_form(a, b, dps):
    r = bp_threshold(Ensemble(Poisson(a), Poisson(b)), dps)
    with mp.workdps(2 * dps + 20):
        u = -mp.lambertw(-mp.mpf(1) / a, -1).real
        eps_star = u / b * mp.exp(1 / u)
    if not r.sharp:
        assert u / b > 1 or eps_star >= 1
        return
    assert cz.contains(r.enclosures["threshold"], eps_star)
    assert _width_supports(r.text, r.enclosures["threshold"], r.digits)


@settings(max_examples=6)
@given(c=st.fractions(min_value=Fraction(11, 10), max_value=Fraction(6)), dps=st.integers(8, 30))
def test_poisson_giant_enclosure_holds_closed_form(c, dps):
    r = giant(f"poisson:{c.numerator}/{c.denominator}", dps)
    with mp.workdps(2 * dps + 20):
        S = erdos_renyi_S(mp.mpf(c.numerator) / c.denominator)
    assert cz.contains(r.certified["S"].enclosure, S)
    assert _width_supports(r.S.text, r.certified["S"].enclosure, r.certified["S"].digits)


# ------------------------------------------------------------------ large degrees

@pytest.mark.parametrize("spec", ["regular:300/regular:600", "regular:1000000000/regular:2000000000"])
def test_large_regular_degrees_hold_direct_value(spec):
    ens = parse_ensemble(spec)
    r = bp_threshold(ens, 30)
    assert r.note and "closed form not derived" in r.note
    if spec.startswith("regular:300/"):  # the direct grid (step 1/400) resolves x* ~ 0.013
        assert cz.contains(r.enclosures["threshold"], direct_bp_threshold(ens, 60))
    with mp.workdps(80):  # eps'(x*) = 0 and eps(x*) from the hand-written formula at x*
        l, rr = (int(s.split(":")[1]) for s in spec.split("/"))
        x = r.x
        eps = x / (1 - (1 - x) ** (rr - 1)) ** (l - 1)
        assert cz.contains(r.enclosures["threshold"], eps)


@pytest.mark.parametrize("l,r", [(30, 60), (300, 600)])
def test_map_threshold_large_degrees_hold_kru_root(l, r):
    """The MAP threshold at large degrees (the Maxwell area derived once with symbolic degrees)
    encloses eps(x_MAP) for the root of KRU's published p_MAP polynomial, solved independently."""
    ens = Ensemble(Regular(l), Regular(r))
    res = map_threshold(ens, 25)
    with mp.workdps(90):
        def p_map(x):
            return x + (1 - x) ** (r - 1) * (l + l * (r - 1) * x - r * x) / r - mp.mpf(l) / r

        x = mp.findroot(p_map, res.x)
        assert abs(x - res.x) < mp.mpf(10) ** -20
        eps = x / (1 - (1 - x) ** (r - 1)) ** (l - 1)
        assert cz.contains(res.enclosures["threshold"], eps)
    assert _width_supports(res.text, res.enclosures["threshold"], res.digits)


def test_exclude_roots_proves_and_refuses():
    x = sp.Symbol("x")
    f, df = cz.arb_lambdify([x], x**2 - 2), cz.arb_lambdify([x], 2 * x)
    pts = [Fraction(k, 4) for k in range(1, 9)]  # [1/4, 2]: the root sqrt(2) inside
    with cz.workprec(128):
        assert cz.exclude_roots(f, df, pts, []) is False  # a root nobody declared: not proved
        _, region = cz.interval_newton(f, df, 1.4, region=True)
        assert cz.exclude_roots(f, df, pts, [region]) is True


@pytest.mark.parametrize("spec,zeros", [("regular:3/regular:6", 1), ("poisson:27/poisson:12", 2)])
def test_threshold_critical_points_proved_exhaustive(spec, zeros):
    r = bp_threshold(parse_ensemble(spec), 20)
    assert f"exactly {zeros} zero(s)" in r.certified_by["threshold"]


def test_exact_ties_round_as_mpmath_prints():
    """An exact value on a rounding tie (a rational criterion such as 65.283203125) prints the same
    digits from its enclosure as from mpmath (ties away from zero), so the two never disagree."""
    c = cz.certified_exact(Fraction(65283203125, 10**9), 10, "exact")
    assert c.text == "65.28320313"
    r = giant("geometric:191/223", 10)
    assert r.criterion == "65.28320313"


@settings(max_examples=300, deadline=None)
@given(st.fractions(min_value=Fraction(-10**40), max_value=Fraction(10**40)).filter(lambda q: q != 0),
       st.integers(min_value=1, max_value=40))
@example(Fraction(65283203125, 10**9), 10)       # a tie: away from zero
@example(Fraction(-9995, 1000), 3)                # rounds up to the next power of ten
@example(Fraction(1, 3 * 10**30), 5)
def test_round_sig_integer_arithmetic_matches_the_rational_definition(q, k):
    """The certified digits are rounded in integer arithmetic; the definition is
    floor(|q| 10^(k-1-e) + 1/2) with e = floor(log10 |q|), ties away from zero."""
    from infoscaling.numeric.precision import exponent10

    e = exponent10(q)
    m = int(abs(q) * Fraction(10) ** (k - 1 - e) + Fraction(1, 2))
    if m == 10**k:
        m, e = m // 10, e + 1
    assert cz._round_sig(q, k) == ((m if q > 0 else -m), e)


def test_arb_lambdify_list_shares_subexpressions_and_matches_single():
    x, y = sp.symbols("x y")
    exprs = [sp.exp(x * y) + x, sp.exp(x * y) * y, sp.log(1 + x**2)]
    many = cz.arb_lambdify([x, y], exprs)
    assert many.source.count("exp") == 1          # the common exp(x y) evaluated once
    with cz.workprec(200):
        vals = many(arb("0.3"), arb("1.7"))
        for e, v in zip(exprs, vals):
            one = cz.arb_lambdify([x, y], e)(arb("0.3"), arb("1.7"))
            assert v.overlaps(one) and abs(v - one) < arb(10) ** -55


@given(num=st.integers(1, 10**60), den=st.integers(1, 10**60), sign=st.sampled_from([1, -1]))
@example(num=1, den=1023, sign=1)        # the bit-length guess is one too high
@example(num=1023, den=1, sign=-1)       # ... and one too low
@example(num=10**40, den=1, sign=1)      # exact powers of ten
@example(num=1, den=10**40, sign=1)
@example(num=10**40 - 1, den=1, sign=1)
def test_exponent10_is_the_exact_decimal_exponent(num, den, sign):
    """floor(log10 |q|) in integer arithmetic: 10^e <= |q| < 10^(e+1), checked in rational arithmetic."""
    from infoscaling.numeric.precision import exponent10

    q = Fraction(sign * num, den)
    e = exponent10(q)
    assert Fraction(10) ** e <= abs(q) < Fraction(10) ** (e + 1)
