"""Training error, excess entropy and training time (MODEL.md 1.6), derived with SymPy.

* :func:`training_error`: the independence-model text error
  P_e = 1 - (1 - p delta)^R - R p delta (1 - p delta)^(R-1), p = d_t / R
  (a text is wrong when it holds at least two unlearned concepts);
* :func:`training_error_series`: its small-delta expansion, whose leading
  term tends to (d_t delta)^2 / 2 as R -> oo (derived by series, then limit);
* :func:`excess_entropy_bound`: Pinsker: KL >= P_e^2 / 2;
* :func:`bottleneck_constant` and :func:`bottleneck_iterations`: near the
  BP threshold the DE map has a tangent fixed point; expanding
  g(eps, x) = f(eps, x) - x at (eps*, x*) to first order in eps and second in
  x gives dx/dl = -(c1 (eps* - eps) + c2 (x - x*)^2) with c1 = f_eps,
  c2 = -f_xx / 2, so passing the bottleneck takes
  int dxi / (c1 d + c2 xi^2) = pi / sqrt(c d) iterations, c = c1 c2.

Notes
-----
MODEL.md section 6 item 5: the reference's "simplified" training-error
formula differs from the exact one and its small-delta approximation is off
by a factor of about 2; the exact expression and its series here are the
ones to compare against.

References
----------
A. K. Nayak, L. R. Varshney, arXiv:2410.01243 (2024), section III-C.
S. H. Strogatz, *Nonlinear Dynamics and Chaos* (1994), sec. 4.3 (bottleneck
after a saddle-node bifurcation: T = pi / sqrt(r a)).

Examples
--------
>>> d, dt = sp.symbols("delta d_t", positive=True)
>>> leading_training_error()
d_t**2*delta**2/2
"""

from __future__ import annotations

import functools

import sympy as sp

from .ensemble import Ensemble
from .notation import X
from .optimum import DT as _DT  # one definition of the model's symbols
from .optimum import R as _R

__all__ = [
    "DELTA",
    "training_error",
    "training_error_series",
    "leading_training_error",
    "excess_entropy_bound",
    "bottleneck_expansion",
    "bottleneck_constant",
    "bottleneck_integral",
    "bottleneck_iterations",
]

DELTA = sp.Symbol("delta", positive=True)


def training_error(delta=DELTA, R=_R, dt=_DT) -> sp.Expr:
    """P_e = 1 - (1 - p delta)^R - R p delta (1 - p delta)^(R-1), p = d_t/R."""
    p = dt / R
    return 1 - (1 - p * delta) ** R - R * p * delta * (1 - p * delta) ** (R - 1)


@functools.lru_cache(maxsize=16)
def training_error_series(order: int = 4) -> sp.Expr:
    """Series of P_e in delta up to ``delta**order`` (exclusive), symbolic R and d_t.

    Examples
    --------
    >>> training_error_series(3)
    d_t**2*delta**2*(R - 1)/(2*R)
    """
    s = sp.series(training_error(), DELTA, 0, order).removeO()
    return sp.simplify(sp.collect(sp.expand(s), DELTA, sp.factor))


def leading_training_error() -> sp.Expr:
    """The R -> oo limit of the delta^2 coefficient times delta^2: (d_t delta)^2 / 2."""
    s = training_error_series(3)
    coeff = sp.limit(s.coeff(DELTA, 2), _R, sp.oo)
    return coeff * DELTA**2


def excess_entropy_bound(pe) -> sp.Expr:
    """Pinsker-type lower bound on the excess entropy: P_e^2 / 2."""
    return pe**2 / 2


def bottleneck_expansion(ens: Ensemble, x_star, eps_star):
    """Local coefficients (c1, c2) of g(eps, x) = eps lam(1 - rho(1 - x)) - x at the tangency.

    c1 = d f/d eps = lam(y*), c2 = -(1/2) d^2 f/dx^2 at (eps*, x*).
    """
    e, x = sp.symbols("e_", positive=True), sp.Symbol("x_", positive=True)
    f = ens.de_map(e, x)
    c1 = sp.diff(f, e).subs({e: eps_star, x: x_star})
    c2 = -sp.diff(f, x, 2).subs({e: eps_star, x: x_star}) / 2
    return c1, c2


def bottleneck_constant(ens: Ensemble) -> sp.Expr:
    """c(x) = c1 c2 on the fixed-point curve (eps = eps(x)); evaluate at x = x*.

    Examples
    --------
    >>> from infoscaling.derivations.ensemble import parse_ensemble
    >>> c = bottleneck_constant(parse_ensemble("regular:3/regular:6"))
    >>> c.free_symbols == {X}
    True
    """
    e = sp.Symbol("e_", positive=True)
    f = ens.de_map(e, X)
    c1 = sp.diff(f, e)
    c2 = -sp.diff(f, X, 2) / 2
    return (c1 * c2).subs(e, ens.eps_of_x(X))


def bottleneck_integral() -> sp.Expr:
    """int_{-oo}^{oo} dxi / (c1 d + c2 xi^2) = pi / sqrt(c1 c2 d), derived by integration.

    Examples
    --------
    >>> bottleneck_integral()
    pi/(sqrt(c1)*sqrt(c2)*sqrt(d))
    """
    c1, c2, d, xi = sp.symbols("c1 c2 d xi", positive=True)
    return sp.simplify(sp.integrate(1 / (c1 * d + c2 * xi**2), (xi, -sp.oo, sp.oo)))


def bottleneck_iterations(c, d) -> sp.Expr:
    """pi / sqrt(c d): DE iterations spent near the tangency at distance d = eps* - eps."""
    return sp.pi / sp.sqrt(c * d)


