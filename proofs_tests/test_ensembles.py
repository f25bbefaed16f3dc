"""Ensemble strings, degree laws and the DE map: exact identities and bad input."""

from __future__ import annotations

import string

import pytest
import sympy as sp
from hypothesis import example, given
from hypothesis import strategies as st
from infoscaling.derivations.degree import Binomial, FiniteSupport, Poisson, Regular
from infoscaling.derivations.ensemble import ConceptText, Ensemble, parse_ensemble, parse_side
from infoscaling.derivations.notation import EPS, X
from infoscaling.derivations.thresholds import fixed_point_identity

SIDES = st.one_of(
    st.integers(1, 12).map(lambda d: f"regular:{d}"),
    st.integers(1, 50).map(lambda m: f"poisson:{m}"),
    st.tuples(st.integers(2, 40), st.integers(1, 99)).map(lambda t: f"binomial:{t[0]},{t[1] / 100}"),
    st.lists(st.integers(0, 5), min_size=1, max_size=6)
    .filter(lambda c: sum(c) > 0)
    .map(lambda c: "poly:" + ",".join(f"{v}/{sum(c)}" for v in c)),
)


CHECKS = SIDES.filter(lambda s: parse_side(s).edge_gf(X).has(X))  # not all checks of degree 1


@given(SIDES, CHECKS)
def test_parse_round_trip(var, check):
    ens = parse_ensemble(f"{var}/{check}")
    again = parse_ensemble(ens.spec())
    assert again == ens
    assert sp.simplify(ens.lam(sp.Integer(1)) - 1) == 0
    assert sp.simplify(ens.rho(sp.Integer(1)) - 1) == 0
    assert sp.simplify(ens.L(sp.Integer(1)) - 1) == 0


@given(SIDES, CHECKS)
def test_fixed_points_are_the_curve(var, check):
    """f(eps(x), x) = x identically: the fixed points of DE are exactly the points of eps(x)."""
    ens = parse_ensemble(f"{var}/{check}")
    assert fixed_point_identity(ens) == 0


def test_node_perspective_mean_matches_integral():
    """L'(1) = 1/int lambda when there are no degree-0 nodes."""
    for side in [Regular(3), FiniteSupport(["0", "1/3", "2/3"]), FiniteSupport(["1/4", "0", "3/4"])]:
        t = sp.Symbol("t")
        assert side.mean_degree() == 1 / sp.integrate(side.edge_gf(t), (t, 0, 1))
        assert sp.diff(side.node_gf(X), X).subs(X, 1) == side.mean_degree()
    # degree-0 nodes: L'(1) = mean node degree, 1/int lambda = L'(1)/(1 - L(0))
    for side in [Poisson(3), Binomial(20, "1/4")]:
        t = sp.Symbol("t")
        inv = 1 / sp.integrate(side.edge_gf(t), (t, 0, 1))
        assert sp.simplify(inv - side.mean_degree() / (1 - side.node_gf(sp.Integer(0)))) == 0


def test_design_rate_and_stability():
    assert parse_ensemble("regular:3/regular:6").design_rate() == sp.Rational(1, 2)
    r = sp.Symbol("r", positive=True, integer=True)
    assert Ensemble(Regular(2), Regular(r)).stability_bound() == 1 / (r - 1)
    assert parse_ensemble("regular:3/regular:6").stability_bound() == sp.oo


def test_exact_rationals_are_kept():
    ens = parse_ensemble("binomial:2599,0.0156/binomial:770,0.0156")
    assert ens.var.p == sp.Rational(39, 2500)
    assert parse_side("poly:0,1/2,1/2").coeffs == (0, sp.Rational(1, 2), sp.Rational(1, 2))


def test_concept_text_forms():
    ct = parse_ensemble("concept-text:dt=6,kappa=5,eps=0.5")
    assert isinstance(ct, ConceptText)
    assert ct.var == Poisson(30) and ct.check == Poisson(12)
    fin = parse_ensemble("concept-text:dt=6,kappa=5,eps=0.5,R=1000")
    assert fin.var == Binomial(5000, sp.Rational(6, 1000))
    assert fin.check == Binomial(2000, sp.Rational(6, 1000))
    # the binomial pair tends to the Poisson pair as R grows (fixed dt, kappa, eps)
    R = sp.Symbol("R", positive=True)
    big = ConceptText(6, 5, sp.Rational(1, 2), R)
    assert sp.simplify(sp.limit(big.lam(X), R, sp.oo) - ct.lam(X)) == 0
    assert sp.simplify(sp.limit(big.rho(X), R, sp.oo) - ct.rho(X)) == 0


def test_de_map_is_as_specified():
    ens = parse_ensemble("regular:3/regular:6")
    assert sp.expand(ens.de_map(EPS, X) - EPS * (1 - (1 - X) ** 5) ** 2) == 0


BAD = [
    ("", "expected VAR/CHECK"),
    ("regular:3", "expected VAR/CHECK"),
    ("regular:3/regular:6/regular:2", "expected VAR/CHECK"),
    ("regular:0/regular:6", "degree d must be >= 1"),
    ("regular:-3/regular:6", "degree d must be >= 1"),
    ("regular:2.5/regular:6", "must be an integer"),
    ("regular:nan/regular:6", "degree d"),
    ("poly:1/2,1/3/regular:6", "must sum to 1"),
    ("poly:-1/2,3/2/regular:6", "must be >= 0"),
    ("poly:/regular:6", "empty parameter"),
    ("poisson:0/poisson:3", "must be > 0"),
    ("poisson:-1/poisson:3", "must be > 0"),
    ("poisson:inf/poisson:3", "mean m"),
    ("binomial:10,1.5/regular:3", "binomial p"),
    ("binomial:10/regular:3", "binomial takes N,p"),
    ("binomial:0,0.5/regular:3", "binomial N"),
    ("binomial:1e30,0.5/regular:3", "binomial N"),
    ("gauss:3/regular:6", "expected one of"),
    ("regular:2/regular:1", "every check has degree 1"),
    ("concept-text:dt=6,kappa=5", "missing eps"),
    ("concept-text:dt=6,kappa=5,eps=1.5", "eps must be in (0, 1)"),
    ("concept-text:dt=6,kappa=5,eps=0.5,foo=1", "concept-text takes"),
    ("concept-text:dt=-6,kappa=5,eps=0.5", "dt must be > 0"),
    ("concept-text:dt=6,kappa=5,eps=0.5,R=2", "dt must be <= R"),
]


@pytest.mark.parametrize("text,needle", BAD)
def test_bad_ensembles_name_the_problem(text, needle):
    with pytest.raises(ValueError) as info:
        parse_ensemble(text)
    assert needle in str(info.value)


@given(st.text(alphabet=string.ascii_letters + string.digits + ":/,.=-+e ", max_size=40))
@example("poly:0,1/2,1/2/regular:6")
@example("binomial:5,0.3/poly:1")
@example("regular:1e400/regular:3")
@example("poisson:1e-400/regular:3")
def test_parser_fuzz_only_value_error(text):
    """Hypothesis fuzzes the parser: it returns an ensemble or raises ValueError, nothing else."""
    try:
        ens = parse_ensemble(text)
    except ValueError as exc:
        assert str(exc)
        return
    assert isinstance(ens, Ensemble)


# -- the SymPy-free parser (derivations.specs) agrees with the exact derivation ------------
@given(SIDES, CHECKS)
def test_spec_parser_agrees_with_sympy(var, check):
    """Means and node fractions of the simulator's parser equal the SymPy objects' exactly."""
    from infoscaling.derivations.specs import parse_ensemble_spec

    spec = parse_ensemble_spec(f"{var}/{check}")
    ens = parse_ensemble(f"{var}/{check}")
    for side, exact_side in ((spec.var, ens.var), (spec.check, ens.check)):
        assert sp.Rational(side.mean_degree().numerator, side.mean_degree().denominator) == \
            sp.simplify(exact_side.mean_degree())
        if side.structured:
            fr = side.node_fractions()
            if isinstance(exact_side, Regular):
                assert fr == {int(exact_side.d): 1}
            else:
                want = {i + 1: f for i, f in enumerate(exact_side.node_fractions()) if f != 0}
                assert {k: sp.Rational(v.numerator, v.denominator) for k, v in fr.items()} == want
    assert spec.spec() == ens.spec()


def test_poly_spellings_by_perspective():
    """edge-poly: is poly: in an ensemble; node-poly: is refused there (and the reverse for graph laws)."""
    from infoscaling.derivations.graphs import parse_law

    assert parse_ensemble("edge-poly:0,1/2,1/2/regular:6") == parse_ensemble("poly:0,1/2,1/2/regular:6")
    six = parse_ensemble("regular:3/edge-poly:0,0,0,0,0,1")
    assert sp.expand(six.rho(X) - parse_ensemble("regular:3/regular:6").rho(X)) == 0
    with pytest.raises(ValueError, match="node-perspective law .* write edge-poly"):
        parse_ensemble("node-poly:0,0,1/regular:6")
    with pytest.raises(ValueError, match="check side: node-poly"):
        parse_ensemble("regular:3/node-poly:0,0,0,0,0,0,1")
    assert parse_law("node-poly:0,1/2,1/2") == parse_law("poly:0,1/2,1/2")
    with pytest.raises(ValueError, match="edge-perspective law .* write node-poly"):
        parse_law("edge-poly:0,1")
    with pytest.raises(ValueError, match="edge-perspective"):
        parse_law("projection:poisson:2/edge-poly:0,1")


@pytest.mark.parametrize("text", ["regular:1e400/regular:3", "poisson:1e-999999999/regular:3",
                                  "binomial:10,1e-99999999/regular:3", "poly:1e999999,0/regular:3"])
def test_huge_exponents_are_refused_at_once(text):
    """A decimal exponent is bounded before any expansion (Fraction('1e-999999999') would not return)."""
    import time

    t0 = time.perf_counter()
    with pytest.raises(ValueError):
        parse_ensemble(text)
    assert time.perf_counter() - t0 < 1.0


def test_parameter_limits_are_limit_errors():
    from infoscaling.derivations.specs import SpecLimitError

    for text in ("regular:3/regular:1e16", "binomial:1e16,1e-9/regular:3",
                 "concept-text:dt=6,kappa=5,eps=0.5,R=1e15", "poly:" + ",".join(["0"] * 10_001) + "/regular:3"):
        with pytest.raises(SpecLimitError, match="limit|at most"):
            parse_ensemble(text)


@pytest.mark.parametrize("tau, kmin, kmax", [(2.5, 1, None), (3.7, 5, None), (2.1, 2, None), (2.5, 1, 1000),
                                             (1.5, 3, 500)])
def test_powerlaw_mean_of_the_cost_model(tau, kmin, kmax):
    """The simulators' cost model uses the power law's mean degree: against mpmath's Hurwitz zeta / sums."""
    import mpmath as mp
    from infoscaling.derivations.specs import parse_law_spec

    spec = f"powerlaw:{tau},{kmin}" + ("" if kmax is None else f",{kmax}")
    got = parse_law_spec(spec).mean_degree()
    if kmax is None:
        want = mp.zeta(tau - 1, kmin) / mp.zeta(tau, kmin)
    else:
        want = mp.fsum(mp.mpf(k) ** (1 - tau) for k in range(kmin, kmax + 1)) / mp.fsum(
            mp.mpf(k) ** -tau for k in range(kmin, kmax + 1))
    assert abs(got - float(want)) <= 1e-9 * float(want)
