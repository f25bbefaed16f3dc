"""Giant components: symbolic identities, verified numerics, simulation (MODEL.md 2.1, claims B1-B3).

Statistical comparisons: Student-t intervals over independent graphs at the
suite's per-comparison level (conftest.per_comparison_confidence, Bonferroni
over the suite's STAT_COMPARISONS).  This module makes 13 such comparisons.
Finite-size allowances are explicit: ``critical_allowance(n) = 4 n^(-1/3)``
inside/next to the critical window, ``subcritical_allowance`` (O(log n / n))
for S = 0, and 20/n relative for the subcritical mean component size.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from conftest import per_comparison_confidence
from hypothesis import example, given
from hypothesis import strategies as st
from infoscaling.derivations import graphs as dg
from infoscaling.numeric import graphsim as gs
from infoscaling.numeric.giant import erdos_renyi_S, giant, solve_u
from infoscaling.numeric.precision import VerificationError

X = sp.Symbol("x")
C, A, P = sp.symbols("c a p", positive=True)
D = sp.Symbol("d", integer=True, positive=True)

SYMBOLIC_LAWS = [dg.PoissonLaw(C), dg.GeometricLaw(A), dg.BinomialLaw(7, P), dg.RegularLaw(D),
                 dg.parse_law("poly:1/8,1/4,1/8,1/2"), dg.PowerLaw(3, 1, 6)]


# ------------------------------------------------------------------ symbolic

@pytest.mark.parametrize("law", SYMBOLIC_LAWS, ids=lambda l: l.family)
def test_G1_is_normalised_derivative_of_G0(law):
    g0 = law.G0(X)
    expected = sp.diff(g0, X) / sp.diff(g0, X).subs(X, 1)
    assert sp.simplify(law.G1(X) - expected) == 0
    assert sp.simplify(law.G1(X).subs(X, 1) - 1) == 0


@pytest.mark.parametrize("law", SYMBOLIC_LAWS, ids=lambda l: l.family)
def test_criterion_is_the_G1_prime_condition(law):
    # sum k(k-2) p_k = G0'(1) (G1'(1) - 1): same sign as G1'(1) - 1 since G0'(1) > 0
    g1p = sp.diff(law.G1(X), X).subs(X, 1)
    assert sp.simplify(law.criterion() - law.mean() * (g1p - 1)) == 0
    assert sp.simplify(law.G1_prime_at_1() - g1p) == 0


def test_criterion_matches_explicit_sum_for_finite_law():
    law = dg.parse_law("poly:1/10,3/10,1/5,1/5,1/5")
    explicit = sum(k * (k - 2) * law.pmf(k) for k in range(5))
    assert law.criterion() == explicit == sp.Rational(19, 10)


def test_projection_composed_gfs_and_criterion():
    mf, mg = sp.symbols("mu_f mu_g", positive=True)
    pr = dg.Projection(dg.PoissonLaw(mf), dg.PoissonLaw(mg))
    assert sp.simplify(pr.G0(X) - sp.exp(mf * (sp.exp(mg * (X - 1)) - 1))) == 0
    assert sp.simplify(sp.diff(pr.G1(X), X).subs(X, 1) - mf * mg) == 0
    assert sp.simplify(pr.criterion() - (mf * mg - 1)) == 0
    # groups of exactly two members: the projection is the actor graph itself
    pr2 = dg.parse_law("projection:poisson:3/regular:2")
    assert sp.simplify(pr2.G0(X) - dg.PoissonLaw(3).G0(X)) == 0


def test_lambert_w_form_solves_fixed_point():
    S = dg.erdos_renyi_closed_form(C)
    assert S.has(sp.LambertW)
    W = sp.Symbol("W")
    z = -C * sp.exp(-C)
    S_W = S.subs(sp.LambertW(z), W)
    resid = sp.expand(1 - sp.exp(-C * S_W) - S_W, power_exp=True).subs(sp.exp(-W), W / z)
    assert sp.simplify(resid) == 0


def test_near_critical_series_by_reversion():
    d = sp.Symbol("delta")
    ser = dg.erdos_renyi_series(3)
    assert [ser.coeff(d, k) for k in (1, 2, 3)] == [2, sp.Rational(-8, 3), sp.Rational(28, 9)]
    # checked against the closed form numerically: error O(delta^4)
    with mp.workdps(40):
        for dd in ("1e-2", "1e-3"):
            err = abs(erdos_renyi_S(1 + mp.mpf(dd)) - mp.mpf(str(sp.N(ser.subs(d, sp.Rational(dd)), 45))))
            assert err < 4 * mp.mpf(dd) ** 4


def test_exact_rational_cases():
    assert dg.exact_giant(dg.parse_law("poly:0,1/4,1/4,1/2")) == (sp.Rational(1, 6), sp.Rational(205, 216))
    assert dg.exact_giant(dg.parse_law("poly:1/4,1/4,1/4,1/4")) == (sp.Rational(1, 3), sp.Rational(17, 27))
    assert dg.exact_giant(dg.parse_law("regular:4")) == (0, 1)
    assert dg.exact_giant(dg.parse_law("poly:0,1/2,1/2")) == (1, 0)


# ------------------------------------------------------------------ numeric

def test_erdos_renyi_S2_literature_value():
    r = giant("poisson:2", 18)
    assert r.S.text == "0.796812130020020046"
    assert r.digits >= 18
    with mp.workdps(30):
        assert abs(erdos_renyi_S(2) - r.S.value) < mp.mpf(10) ** -18


@st.composite
def finite_laws(draw):
    k = draw(st.integers(2, 6))
    w = draw(st.lists(st.integers(0, 12), min_size=k, max_size=k).filter(lambda v: sum(v) > 0))
    tot = sum(w)
    return dg.FiniteLaw([sp.Rational(v, tot) for v in w])


@given(law=finite_laws(), dps=st.integers(10, 40))
@example(law=dg.parse_law("poly:0,1/3,1/3,0,1/3"), dps=40)
@example(law=dg.parse_law("poly:1/2,0,0,1/2"), dps=25)
def test_finite_laws_exact_vs_bracketed(law, dps):
    u_ex, S_ex = dg.exact_giant(law)
    try:
        r = giant(law, dps)
    except VerificationError:
        # only possible extremely close to the transition; the exact root then sits at ~1
        assert abs(float(sp.N(u_ex)) - 1) < 1e-6
        return
    with mp.workdps(dps + 10):
        ue = mp.mpf(str(sp.N(u_ex, dps + 15)))
        Se = mp.mpf(str(sp.N(S_ex, dps + 15)))
        assert abs(r.u.value - ue) <= mp.mpf(10) ** (-dps + 1) * max(abs(ue), mp.mpf(10) ** -dps)
        assert abs(r.S.value - Se) <= mp.mpf(10) ** (-dps + 1) * max(abs(Se), mp.mpf(10) ** -dps)
    if not law.supercritical():
        assert r.S.text == "0" and r.u.text == "1"


@given(c=st.fractions(min_value="101/100", max_value=30, max_denominator=1000), dps=st.integers(10, 50))
@example(c=2, dps=50)
@example(c=Fraction(1843, 100), dps=10)  # u ~ 1e-8: its enclosure must still certify 10 digits
def test_poisson_lambert_vs_bracketed(c, dps):
    r = giant(f"poisson:{c.numerator}/{c.denominator}", dps)
    with mp.workdps(dps + 10):
        lw = erdos_renyi_S(mp.mpf(c.numerator) / c.denominator)
        assert abs(lw - r.S.value) <= mp.mpf(10) ** (-dps + 1) * lw


@given(c=st.fractions(min_value=0, max_value=1, max_denominator=1000))
def test_subcritical_poisson_is_exactly_zero(c):
    r = giant(f"poisson:{c.numerator}/{c.denominator}", 20)
    assert r.S.text == "0" and r.u.text == "1" and not r.supercritical
    if c < 1:
        # exact rational reference: <s> = 1 + c/(1 - c) = 1/(1 - c); the printed value has 20 digits
        exact = 1 / (1 - c)
        got = Fraction(r.mean_component_size.text)
        assert abs(got - exact) <= Fraction(1, 10**18) * exact
    else:
        assert r.mean_component_size is None


def test_never_trivial_root_above_transition():
    # just above the transition u is close to, but not, 1
    with mp.workdps(30):
        u = solve_u("poisson:1000001/1000000")
        assert 0 < 1 - u < 3e-6
    r = giant("poisson:1000001/1000000", 20)
    assert float(r.S.value) == pytest.approx(2e-6 - 8 / 3 * 1e-12, rel=1e-6)


def test_geometric_closed_form():
    # u = G1(u) for geometric a: u = ((1-a)/(1-au))^2; a = 1/2 gives u = (3 - sqrt 5)/2
    r = giant("geometric:1/2", 30)
    with mp.workdps(40):
        assert abs(r.u.value - (3 - mp.sqrt(5)) / 2) < mp.mpf(10) ** -29


def test_power_law_lerch_against_direct_sum():
    law = dg.parse_law("powerlaw:5/2")
    r = giant(law, 15)
    with mp.workdps(25):
        u = r.u.value
        direct = mp.nsum(lambda k: k ** mp.mpf(-1.5) * u ** (k - 1), [1, mp.inf]) / mp.zeta(1.5)
        assert abs(direct - u) < mp.mpf(10) ** -13
    assert r.criterion == "inf"


def test_projection_numeric():
    assert giant("projection:poisson:2/regular:2", 25).S.text == giant("poisson:2", 25).S.text
    r = giant("projection:poisson:2/poisson:1", 25)
    with mp.workdps(40):
        u = mp.findroot(lambda v: v - mp.exp(2 * (mp.exp(v - 1) - 1)), (mp.mpf("0.3"), mp.mpf("0.5")),
                        solver="anderson")
        assert abs(r.u.value - u) < mp.mpf(10) ** -24
    assert giant("projection:poisson:1/2/poisson:1").S.text == "0"


BAD_LAWS = [
    ("poly:1/2,1/3", "sum to 1"),
    ("poly:1/2,-1/2,1", "must be >= 0"),
    ("poisson:-1", "c must be >= 0"),
    ("powerlaw:2", "infinite mean"),
    ("powerlaw:1.5", "infinite mean"),
    ("powerlaw:3,0", "kmin must be >= 1"),
    ("powerlaw:3,5,2", "kmax must be >= kmin"),
    ("geometric:1", "does not normalise"),
    ("binomial:3.5,0.2", "integer"),
    ("binomial:3,1.5", r"\[0, 1\]"),
    ("regular:-1", ">= 0"),
    ("projection:poisson:2", "ACTORLAW/GROUPLAW"),
    ("projection:poisson:1/regular:0", "positive mean"),
    ("triangle:3", "expected one of"),
    ("poisson:", "empty parameter"),
    ("poisson:abc", "decimal or a fraction"),
]


@pytest.mark.parametrize("spec,match", BAD_LAWS)
def test_bad_laws_raise_clear_errors(spec, match):
    with pytest.raises(ValueError, match=match):
        dg.parse_law(spec)


def test_law_spec_round_trip():
    for spec in ["poisson:2", "poly:0,1/4,1/4,1/2", "geometric:1/3", "regular:3", "binomial:10,1/5",
                 "powerlaw:5/2", "powerlaw:5/2,2", "powerlaw:5/2,1,100", "projection:poisson:2/poisson:1"]:
        assert dg.parse_law(dg.parse_law(spec).spec()).spec() == dg.parse_law(spec).spec()


# ------------------------------------------------------------------ simulation

def test_gnp_edges_are_distinct_and_valid():
    v, w = gs.gnp_edges(3000, 0.002, 7)
    assert np.all(v > w) and np.all(w >= 0) and np.all(v < 3000)
    assert len(set(zip(v.tolist(), w.tolist(), strict=True))) == v.size
    v, w = gs.gnp_edges(30, 1.0, 1)
    assert v.size == 435


def test_pair_decoding_exact_for_large_indices():
    k = np.array([0, 1, 2, 3, 10**13, 5 * 10**13 - 1, 4999999 * 5000000 // 2 + 17], dtype=np.int64)
    v, w = gs._decode_pairs(k)
    assert np.all(v * (v - 1) // 2 + w == k) and np.all((0 <= w) & (w < v))


@given(seed=st.integers(0, 2**32 - 1), law=st.sampled_from(["poisson:1.5", "regular:3", "geometric:1/2",
                                                            "powerlaw:5/2,1,50", "binomial:6,1/3"]))
def test_union_find_matches_networkx(seed, law):
    nodes, src, dst, _ = gs.sample_graph(law, 1500, seed)
    assert gs.component_sizes(nodes, src, dst).max() == gs.largest_component_networkx(nodes, src, dst)


def test_bipartite_stubs_match_and_group_law_kept():
    src, dst, ng = gs.bipartite_edges("poisson:3", "regular:4", 10_000, 3)
    assert src.size == dst.size
    sizes = np.bincount(dst - 10_000, minlength=ng)
    assert np.all(sizes[:-1] == 4) and 1 <= sizes[-1] <= 4


def test_results_do_not_depend_on_workers():
    a = gs.simulate_giant("poisson:2", 20_000, 4, seed=11, workers=1)
    b = gs.simulate_giant("poisson:2", 20_000, 4, seed=11, workers=2)
    assert a["S"] == b["S"]


SIM_LAWS = ["poisson:2", "poisson:3/2", "regular:3", "geometric:1/2", "binomial:10,1/5",
            "poly:0,1/3,1/3,0,1/3", "powerlaw:5/2,1,100", "projection:poisson:2/poisson:1",
            "projection:geometric:1/2/poisson:2"]


@pytest.mark.parametrize("law", SIM_LAWS)
def test_simulated_giant_within_interval(law):
    n, trials = 100_000, 8
    r = gs.simulate_giant(law, n, trials, seed=1000 + SIM_LAWS.index(law), workers=1,
                          confidence=per_comparison_confidence())
    theory = float(giant(law, 20).S.value)
    lo, hi = r["S"]["ci"]
    assert lo <= theory <= hi, (law, theory, r["S"])


def test_near_critical_with_window_allowance():
    # c = 1.05 is ~2.3 critical windows (n^(-1/3) = 0.022) above 1: systematic finite-size bias
    n = 100_000
    r = gs.simulate_giant("poisson:21/20", n, 8, seed=5, workers=1, confidence=per_comparison_confidence())
    theory = float(giant("poisson:21/20", 20).S.value)
    e = r["S"]
    from infoscaling.numeric.stats import Estimate

    est = Estimate(e["estimate"], tuple(e["ci"]), e["confidence"], e["trials"], e["method"])
    assert est.contains(theory, gs.critical_allowance(n))


def test_subcritical_mean_component_size_and_vanishing_giant():
    n = 100_000
    for i, law in enumerate(["poisson:1/2", "geometric:1/4"]):
        r = gs.simulate_giant(law, n, 8, seed=40 + i, workers=1, confidence=per_comparison_confidence())
        th = float(giant(law, 20).mean_component_size.value)
        lo, hi = r["mean_component_size"]["ci"]
        assert lo - 20 / n * th <= th <= hi + 20 / n * th, (law, th, r["mean_component_size"])
        assert r["S"]["ci"][0] <= gs.subcritical_allowance(n, 0.5 if i == 0 else 2 / 3)


@pytest.mark.deep
@pytest.mark.parametrize("law", SIM_LAWS)
def test_simulated_giant_large_n(law):
    n = 2_000_000
    r = gs.simulate_giant(law, n, 20, seed=99, workers=None, confidence=per_comparison_confidence())
    theory = float(giant(law, 20).S.value)
    assert r["S"]["ci"][0] <= theory <= r["S"]["ci"][1]


def test_extremely_close_to_transition_gets_enough_precision():
    r = giant("poisson:1.0000000000000000000001", 8)
    assert r.S.text == "2.0000000e-22" and r.supercritical
    assert r.digits >= 8


@given(a=st.fractions(min_value="34/100", max_value="99/100", max_denominator=500), dps=st.integers(10, 40))
@example(a="1/2", dps=40)
def test_geometric_closed_form_vs_bracketed(a, dps):
    # closed form derived here by SymPy: the nontrivial roots of G1(u) = u, then the one in [0, 1)
    from fractions import Fraction

    a = sp.Rational(Fraction(a).numerator, Fraction(a).denominator)
    law = dg.GeometricLaw(a)
    u = sp.Symbol("u")
    roots = [r for r in sp.solve(sp.numer(sp.together(law.G1(u) - u)), u)
             if r.is_real and 0 <= r < 1]
    assert len(roots) == 1
    r = giant(law, dps)
    with mp.workdps(dps + 10):
        exact_u = mp.mpf(str(sp.N(roots[0], dps + 15)))
        assert abs(r.u.value - exact_u) <= mp.mpf(10) ** (-dps + 1) * exact_u


def test_power_law_with_cutoff_against_direct_sums():
    r = giant("powerlaw:5/2,2,400", 25)
    with mp.workdps(40):
        ks = range(2, 401)
        w = {k: mp.mpf(k) ** mp.mpf(-2.5) for k in ks}
        mean = mp.fsum(k * w[k] for k in ks)
        crit = mp.fsum(k * (k - 2) * w[k] for k in ks) / mp.fsum(w.values())
        # kmin = 2: G1(0) = 0, so u = 0 and S = 1 exactly
        assert r.u.text == "0" and r.S.text == "1" and crit > 0
    r = giant("powerlaw:7/2,1,300", 25)
    with mp.workdps(40):
        ks = range(1, 301)
        w = {k: mp.mpf(k) ** mp.mpf(-3.5) for k in ks}
        mean = mp.fsum(k * w[k] for k in ks)
        crit = mp.fsum(k * (k - 2) * w[k] for k in ks) / mp.fsum(w.values())
        assert abs(mp.mpf(r.criterion) - crit) < mp.mpf(10) ** -23 * abs(crit)
        assert (crit > 0) == r.supercritical
        if not r.supercritical:
            g1p = mp.fsum(k * (k - 1) * w[k] for k in ks) / mean
            size = 1 + mean / mp.fsum(w.values()) / (1 - g1p)
            assert abs(r.mean_component_size.value - size) < mp.mpf(10) ** -23 * size


def test_supercritical_mean_finite_component_size():
    """Above the transition the simulated mean size of a component outside the giant matches
    the duality result for G(n, c/n): finite components form a subcritical ER graph with mean
    degree c(1 - S), so the mean size is 1/(1 - c(1 - S))."""
    c = 2.0
    with mp.workdps(30):
        S = giant(dg.parse_law("poisson:2"), dps=20).S.value
        theory = float(1 / (1 - c * (1 - S)))
    r = gs.simulate_giant("poisson:2", 200_000, 8, seed=77, workers=1, confidence=per_comparison_confidence())
    lo, hi = r["mean_component_size"]["ci"]
    assert lo <= theory <= hi  # the finite-n bias is O(1/n), far below the interval width
