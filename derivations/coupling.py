"""Spatially coupled chains ("curriculum") and the potential function, derived with SymPy.

Model (Kudekar-Richardson-Urbanke 2011, sec. II-B; MODEL-style notes in the README)
-----------------------------------------------------------------------------------
Variables (concepts) sit at the 2L + 1 positions -L..L, checks (texts) at the
2L + w positions -L..L+w-1.  Every edge of a variable at position i goes to a
check at position i + j, j uniform in {0..w-1}; every edge of a check at
position j goes to a variable at position j - k, k uniform in {0..w-1}.
Variables outside -L..L do not exist (they are known: x = 0 there), so a check
near an end of the chain sees fewer unknown variables.  Density evolution of
one position (:func:`coupled_de`):

    x_i' = eps_i lambda( (1/w) sum_j [ 1 - rho(1 - (1/w) sum_k x_{i+j-k}) ] ),

with eps_i = eps on the chain and 0 outside (the termination).

Design rate (:func:`rate_by_count`): count the checks that keep at least one
edge into the chain.  A check at a position whose window holds a fraction q of
chain positions keeps an edge with probability 1 - R(1 - q) (R the check node
GF); relative to an interior check that is c(q) = (1 - R(1-q))/(1 - R(0)).
For (l, r)-regular codes this gives KRU's closed form (:func:`kru_rate`)

    R(l, r, L, w) = (1 - l/r) - (l/r) (w + 1 - 2 sum_{i=0}^{w} (i/w)^r) / (2L + 1),

proved for symbolic L in :func:`prove_kru_rate`.  The concept-text analogue is
the texts-per-concept overhead kappa_eff = kappa S / (2L + 1), S the same
count (:func:`texts_per_concept`).

Potential function (Yedla-Jian-Nguyen-Pfister 2014) of the scalar recursion
x' = f(g(x)) with f(y) = eps lambda(y), g(x) = 1 - rho(1 - x):

    U(x; eps) = x g(x) - G(x) - F(g(x)),   G = int_0 g,  F = int_0 f,

so U'(x) = g'(x) (x - f(g(x))): fixed points are the stationary points of U
(:func:`potential`, :func:`potential_stationarity`).  The potential threshold
is where the high and low stable fixed points have equal potential.  In the
concept-text u-form (u = x/eps, text law Poisson(d_t), concept law
Poisson(d_t kappa)) the same construction with kappa as the parameter is
:func:`potential_u_form`.

References
----------
S. Kudekar, T. Richardson, R. Urbanke, "Threshold saturation via spatial
coupling: why convolutional LDPC ensembles perform so well over the BEC",
IEEE Trans. IT 57(2), 2011, sec. II-B and Lemma 3.
A. Yedla, Y.-Y. Jian, P. S. Nguyen, H. D. Pfister, "A simple proof of
Maxwell saturation for coupled scalar recursions", IEEE Trans. IT 60(11), 2014.
"""

from __future__ import annotations

import sympy as sp

from .degree import Binomial, DegreeSide, FiniteSupport, Poisson, Regular
from .ensemble import Ensemble
from .notation import EPS, X

__all__ = [
    "LL", "W", "DT", "KAPPA", "U",
    "coupled_de",
    "window_fraction",
    "rate_by_count",
    "kru_rate",
    "prove_kru_rate",
    "texts_per_concept",
    "antiderivative",
    "potential",
    "potential_stationarity",
    "potential_u_form",
    "kappa_one_symmetry",
    "symmetric_potential",
]

LL = sp.Symbol("L", positive=True, integer=True)
W = sp.Symbol("w", positive=True, integer=True)
DT = sp.Symbol("d_t", positive=True)
KAPPA = sp.Symbol("kappa", positive=True)
U = sp.Symbol("u", nonnegative=True)
_T = sp.Symbol("t", nonnegative=True)


def coupled_de(ens: Ensemble, w: int, eps=EPS):
    """One position of the coupled DE: ``(expr, symbols)`` with ``symbols[m]`` = x_{i+m}, m = -(w-1)..w-1.

    Positions outside the chain enter as 0 (the termination) when the symbols are substituted.

    Examples
    --------
    >>> from infoscaling.derivations.ensemble import parse_ensemble
    >>> e, xs = coupled_de(parse_ensemble("regular:3/regular:6"), 1)
    >>> e
    eps*(1 - (1 - x_i)**5)**2
    >>> sorted(str(v) for v in coupled_de(parse_ensemble("regular:3/regular:6"), 2)[1].values())
    ['x_i', 'x_{i+1}', 'x_{i-1}']
    """
    if int(w) != w or w < 1:
        raise ValueError(f"w must be an integer >= 1, got {w}")
    w = int(w)
    xs = {m: sp.Symbol("x_i" if m == 0 else f"x_{{i{m:+d}}}", nonnegative=True) for m in range(-(w - 1), w)}
    inner = []
    for j in range(w):
        s = sp.Add(*[xs[j - k] for k in range(w)]) / w
        inner.append(1 - ens.rho(1 - s))
    return eps * ens.lam(sp.Add(*inner) / w), xs


def window_fraction(j: int, L: int, w: int) -> sp.Rational:
    """Fraction of the window of the check at index j (0..2L+w-1) that lies on the chain."""
    inside = sum(1 for k in range(w) if 0 <= j - k <= 2 * L)
    return sp.Rational(inside, w)


def _check_node_gf(side: DegreeSide, x):
    return side.node_gf(x)


def rate_by_count(ens: Ensemble, L, w: int):
    """Design rate of the coupled chain by counting checks with an edge into the chain (exact).

    ``1 - (L'(1)/R'(1)) S / (2L + 1)``, ``S = sum_j c(q_j)`` over the 2L + w check
    positions, ``c(q) = (1 - R(1 - q)) / (1 - R(0))`` (R the check node GF).
    For symbolic ``L`` the interior positions are summed in closed form (needs L >= w).
    """
    w = int(w)
    R0 = _check_node_gf(ens.check, sp.Integer(0))

    def c(q):
        return (1 - _check_node_gf(ens.check, 1 - q)) / (1 - R0)

    if isinstance(L, sp.Symbol) or not sp.sympify(L).is_Integer:
        # boundary positions on each side: fractions 1/w .. (w-1)/w; the rest are interior
        edge = sp.Add(*[c(sp.Rational(k, w)) for k in range(1, w)])
        S = 2 * edge + (2 * L + w - 2 * (w - 1))
    else:
        L = int(L)
        S = sp.Add(*[c(window_fraction(j, L, w)) for j in range(2 * L + w)])
    ratio = ens.L1 / ens.R1
    return sp.simplify(1 - ratio * S / (2 * L + 1))


def kru_rate(l, r, L, w):
    """KRU's closed form R(l, r, L, w) (Lemma 3 of the reference)."""
    i = sp.Symbol("i", integer=True, nonnegative=True)
    s = sp.summation((sp.Rational(1) * i / w) ** r, (i, 0, w)) if not isinstance(w, sp.Symbol) else \
        sp.Sum((i / w) ** r, (i, 0, w))
    lr = sp.sympify(l) / sp.sympify(r)
    return (1 - lr) - lr * (w + 1 - 2 * s) / (2 * L + 1)


def prove_kru_rate(l: int, r: int, w: int) -> sp.Expr:
    """``rate_by_count - kru_rate`` for symbolic L: 0 when the count reproduces KRU's formula.

    Examples
    --------
    >>> prove_kru_rate(3, 6, 3)
    0
    """
    ens = Ensemble(Regular(l), Regular(r))
    return sp.simplify(rate_by_count(ens, LL, w) - kru_rate(l, r, LL, w))


def texts_per_concept(kappa, ens: Ensemble, L, w: int):
    """Texts per concept of a coupled concept-text chain, kappa S/(2L+1) (S as in :func:`rate_by_count`).

    Equals (1 - rate)/eps for the concept-text code of MODEL.md 1.2.
    """
    ratio = ens.L1 / ens.R1
    return sp.simplify(kappa * (1 - rate_by_count(ens, L, w)) / ratio)


def antiderivative(side: DegreeSide, y):
    """Closed form of int_0^y of the edge GF of ``side`` (checked by differentiation in the tests).

    Examples
    --------
    >>> antiderivative(Regular(3), X)
    x**3/3
    >>> antiderivative(Poisson(2), X)
    exp(2*x - 2)/2 - exp(-2)/2
    """
    if isinstance(side, Regular):
        return y**side.d / side.d
    if isinstance(side, FiniteSupport):
        return sp.Add(*[c * y ** (i + 1) / (i + 1) for i, c in enumerate(side.coeffs)])
    if isinstance(side, Poisson):
        return (sp.exp(side.m * (y - 1)) - sp.exp(-side.m)) / side.m
    if isinstance(side, Binomial):
        p, N = side.p, side.N
        return ((1 - p + p * y) ** N - (1 - p) ** N) / (N * p)
    raise ValueError(f"no antiderivative for {side!r}")  # pragma: no cover


def potential(ens: Ensemble, x=X, eps=EPS):
    """U(x; eps) = x g(x) - G(x) - eps Lambda(g(x)) of the BEC recursion of ``ens``.

    g(x) = 1 - rho(1 - x); G(x) = int_0^x g = x - P(1) + P(1 - x) with P the
    antiderivative of rho; Lambda the antiderivative of lambda.
    """
    g = 1 - ens.rho(1 - x)
    G = x - antiderivative(ens.check, sp.Integer(1)) + antiderivative(ens.check, 1 - x)
    return x * g - G - eps * antiderivative(ens.var, g)


def potential_stationarity(ens: Ensemble) -> sp.Expr:
    """U'(x) - g'(x)(x - f(g(x))): identically 0 (the fixed points are the stationary points of U)."""
    xs = sp.Symbol("xs", positive=True)
    U_ = potential(ens, xs, EPS)
    g = 1 - ens.rho(1 - xs)
    return sp.simplify(sp.diff(U_, xs) - sp.diff(g, xs) * (xs - ens.de_map(EPS, xs)))


def potential_u_form(dt=DT, kappa=KAPPA, u=U):
    """Potential of the concept-text u-form u' = exp(-d_t kappa e^{-d_t u}) with kappa as the parameter.

    g(u) = 1 - e^{-d_t u}, f(y) = e^{-d_t kappa (1 - y)}; returns U(u; kappa).

    Examples
    --------
    >>> sp.simplify(sp.diff(potential_u_form(), U) - sp.diff(1 - sp.exp(-DT*U), U)
    ...             * (U - sp.exp(-DT*KAPPA*sp.exp(-DT*U))))
    0
    """
    g = 1 - sp.exp(-dt * u)
    G = u - (1 - sp.exp(-dt * u)) / dt
    a = dt * kappa
    F = (sp.exp(-a * (1 - g)) - sp.exp(-a)) / a
    return u * g - G - F


def kappa_one_symmetry(dt=DT) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """Why the potential threshold of the concept-text u-form is exactly kappa = 1.

    Write a u-form fixed point as the pair (u, s), s = e^{-d_t u} the chance that a
    text's other concepts are all learned, u = e^{-d_t kappa s}; at kappa = 1 it is
    the symmetric system u = e^{-d_t s}, s = e^{-d_t u}, so
    fixed points come in mirror pairs (u, s) <-> (s, u): the low fixed point of
    one is the high fixed point of the other (u_low = s_high).  On the fixed-point
    set the potential reduces to the symmetric expression

        U = -u s + (1 - s - u + e^{-d_t}) / d_t,

    so the two stable fixed points have *equal* potential: the Maxwell
    (potential) threshold is kappa = 1 for every d_t for which kappa = 1 lies in
    the bistable range (checked numerically for d_t > e).

    Returns
    -------
    tuple
        (U on the fixed-point set minus the symmetric form, the symmetric form minus
        its mirror image, the mirror condition: e^{-d_t s} - u after exchanging).
        All three are 0.

    Examples
    --------
    >>> kappa_one_symmetry()
    (0, 0, 0)
    """
    u, s = sp.symbols("u s", positive=True)
    Uk1 = potential_u_form(dt, 1, u)
    on_set = Uk1.subs(sp.exp(-dt * u), s)
    on_set = on_set.subs(sp.exp(-dt * s), u)
    sym = symmetric_potential(dt, u, s)
    d1 = sp.simplify(sp.expand(on_set - sym))
    d2 = sp.simplify(sym - sym.subs({u: s, s: u}, simultaneous=True))
    # the pair equations swap into each other under (u, s) -> (s, u)
    eqs = {sp.exp(-dt * s) - u, sp.exp(-dt * u) - s}
    swapped = {e.subs({u: s, s: u}, simultaneous=True) for e in eqs}
    d3 = sp.Integer(0) if swapped == eqs else sp.Integer(1)
    return d1, d2, d3


def symmetric_potential(dt=DT, u=None, s=None):
    """The u-form potential at kappa = 1 on its fixed-point set: -u s + (1 - s - u + e^{-d_t})/d_t.

    (u, s) is a fixed-point pair, s = e^{-d_t u}, u = e^{-d_t s}; see :func:`kappa_one_symmetry`.
    """
    u = sp.Symbol("u", positive=True) if u is None else u
    s = sp.Symbol("s", positive=True) if s is None else s
    return -u * s + (1 - s - u + sp.exp(-dt)) / dt
