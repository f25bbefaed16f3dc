"""Data mixes as degree-distribution design: the LP of LDPC design and the heavy-tail family.

The graph peeling sees (MODEL-style notes in the README)
---------------------------------------------------------
Peeling only touches the R unknown concepts and the T texts; a text carries
Poisson(d_t) unknown concepts (random texts), and the *design* chooses how
often each concept appears: the variable edge law lambda (degrees 2..vmax).
With every unknown concept "erased", DE in u (the erasure of a concept-to-text
message) is

    u' = lambda(1 - e^{-d_t u}),  learning iff  lambda(1 - e^{-d_t u}) < u on (0, 1],

and the texts per concept are kappa = T/R = L'(1)/d_t = 1/(d_t int lambda).

The paper's device embeds the graph in a code of length R/eps with check law
Poisson(d_t/eps) (the R(1-eps)/eps known concepts).  The standard LP of LDPC
design on the BEC (Richardson-Urbanke, Modern Coding Theory, sec. 3.18) is

    maximise sum_i lambda_i / i  s.t.  eps lambda(1 - rho(1 - x)) <= x on (0, 1],
    sum_i lambda_i = 1, lambda_i >= 0, eps lambda_2 rho'(1) <= 1 (stability).

With rho(x) = e^{(d_t/eps)(x-1)} and x = eps u its constraint *is* the u-form
constraint (:func:`device_cancels`; for u in (1, 1/eps] it holds trivially since
lambda <= 1 < u), its objective is 1/L'(1), and its rate is 1 - kappa eps, so
kappa = (1 - rate)/eps does not depend on eps.

Curriculum plus design ("both"): the coupled chain of a designed law learns
(w, L -> oo, threshold saturation) iff the potential of the u-form is positive
on (0, 1]:  Lambda(g(u)) <= g(u)/d_t - u e^{-d_t u}, g(u) = 1 - e^{-d_t u},
Lambda = int_0 lambda -- again linear in lambda (:func:`potential_constraint_row`).

Heavy-tail / Poisson family (Shokrollahi; Luby et al. 2001):
lambda_D(x) = (1/H(D)) sum_{i=1}^{D} x^i / i (node degrees 2..D+1, node
fractions proportional to 1/(i(i-1)) ~ i^{-2}: a Zipf law with exponent 2),
rho(x) = e^{alpha (x - 1)}.  Since sum_{i<=D} y^i/i <= -log(1 - y), the DE
condition holds whenever alpha eps <= H(D); with alpha = H(D)/eps the rate
1 - (1 + 1/D) eps (1 - e^{-alpha}) tends to the capacity 1 - eps
(:func:`heavy_tail_rate`).

References
----------
T. Richardson, R. Urbanke, *Modern Coding Theory*, Cambridge (2008), sec. 3.18.
M. A. Shokrollahi, "New sequences of linear time erasure codes approaching the
channel capacity", AAECC-13 (1999).
M. Luby, M. Mitzenmacher, M. A. Shokrollahi, D. Spielman, "Efficient erasure
correcting codes", IEEE Trans. IT 47(2), 2001.
"""

from __future__ import annotations

import functools

import sympy as sp

from .degree import FiniteSupport, Poisson
from .ensemble import Ensemble
from .notation import EPS, X

__all__ = [
    "DT", "U", "D",
    "constraint_row",
    "u_constraint_row",
    "device_cancels",
    "potential_constraint_row",
    "heavy_tail_lambda",
    "heavy_tail_pair",
    "heavy_tail_rate",
    "heavy_tail_kappa",
    "kappa_of_lambda",
    "startup_bound",
]

DT = sp.Symbol("d_t", positive=True)
U = sp.Symbol("u", positive=True)
D = sp.Symbol("D", positive=True, integer=True)


def constraint_row(check, eps, i: int, x=X):
    """Coefficient of lambda_i in the LP constraint eps lambda(1 - rho(1 - x)) <= x: eps (1 - rho(1-x))^(i-1)."""
    y = 1 - check.edge_gf(1 - x)
    return eps * y ** (i - 1)


def u_constraint_row(i: int, dt=DT, u=U):
    """Coefficient of lambda_i in the u-form constraint lambda(1 - e^{-d_t u}) <= u."""
    return (1 - sp.exp(-dt * u)) ** (i - 1)


def device_cancels(i: int) -> sp.Expr:
    """ε-form constraint row with rho = Poisson(d_t/eps) at x = eps u, divided by eps, minus the u-form row.

    Zero: the known concepts of the device drop out of the design problem.

    Examples
    --------
    >>> device_cancels(5)
    0
    """
    row = constraint_row(Poisson(DT / EPS), EPS, i, EPS * U) / EPS
    return sp.simplify(row - u_constraint_row(i))


def potential_constraint_row(i: int, dt=DT, u=U):
    """Coefficient of lambda_i in Lambda(g(u)) <= g(u)/d_t - u e^{-d_t u}: g(u)^i / i."""
    return (1 - sp.exp(-dt * u)) ** i / i


def potential_constraint_rhs(dt=DT, u=U):
    """Right-hand side g(u)/d_t - u e^{-d_t u} of the potential constraint (U(u) >= 0)."""
    return (1 - sp.exp(-dt * u)) / dt - u * sp.exp(-dt * u)


__all__ += ["potential_constraint_rhs"]


def heavy_tail_lambda(Dv: int) -> FiniteSupport:
    """lambda_D(x) = (1/H(D)) sum_{i=1}^{D} x^i / i as an exact finite-support law (degrees 2..D+1)."""
    Dv = int(Dv)
    if Dv < 1:
        raise ValueError(f"D must be >= 1, got {Dv}")
    H = sp.harmonic(Dv)
    coeffs = [sp.Integer(0)] + [sp.Rational(1, i) / H for i in range(1, Dv + 1)]
    return FiniteSupport(coeffs)


def heavy_tail_pair(Dv: int, eps) -> Ensemble:
    """Shokrollahi's capacity sequence: lambda_D with rho = Poisson(H(D)/eps) (threshold eps by stability)."""
    eps = sp.nsimplify(eps)
    return Ensemble(heavy_tail_lambda(Dv), Poisson(sp.harmonic(int(Dv)) / eps))


def heavy_tail_rate(Dv, eps=EPS):
    """Design rate 1 - L'(1)/R'(1) of :func:`heavy_tail_pair`: 1 - eps (D + 1)/D.

    (With the project's convention R'(1) = alpha counts texts of degree 0; the
    variant 1 - int rho/int lambda has the factor 1 - e^{-alpha}.)

    Examples
    --------
    >>> heavy_tail_rate(D)
    1 - eps*(D + 1)/D
    """
    H = sp.harmonic(Dv)
    L1 = (Dv + 1) * H / Dv  # 1 / int lambda_D, int lambda_D = D / ((D + 1) H(D))
    return 1 - L1 / (H / eps)


def heavy_tail_kappa(Dv, dt=DT):
    """Texts per concept of lambda_D with Poisson(d_t) texts: (D+1) H(D) / (D d_t)."""
    return (Dv + 1) * sp.harmonic(Dv) / (Dv * dt)


def kappa_of_lambda(lam: FiniteSupport, dt=DT):
    """kappa = L'(1)/d_t of a designed concept law with Poisson(d_t) texts."""
    return lam.mean_degree() / dt


@functools.lru_cache(maxsize=32)  # pure (SymPy solve + simplify); asked several times per claim run
def startup_bound(dt=DT) -> sp.Expr:
    """Necessary condition lambda'(1) >= e^{d_t - 1}/d_t for learning with Poisson(d_t) texts (derived).

    lambda is convex on [0, 1] (non-negative coefficients), so lambda(y) >=
    1 - lambda'(1)(1 - y); the u-form condition lambda(1 - e^{-d_t u}) <= u then
    needs lambda'(1) >= (1 - u) e^{d_t u} for every u in (0, 1], whose maximum is
    at u = 1 - 1/d_t.  Since lambda'(1) <= vmax - 1, a design exists only when
    vmax >= 1 + e^{d_t - 1}/d_t: the start-up problem of random texts (few texts
    hold exactly one unknown concept when d_t is large).

    Examples
    --------
    >>> startup_bound()
    exp(d_t - 1)/d_t
    """
    u = sp.Symbol("u", positive=True)
    h = (1 - u) * sp.exp(dt * u)
    crit = sp.solve(sp.diff(h, u), u)
    assert len(crit) == 1 and sp.simplify(crit[0] - (1 - 1 / dt)) == 0
    assert sp.simplify(sp.diff(h, u, 2).subs(u, crit[0])).is_negative is not False  # a maximum
    return sp.simplify(h.subs(u, crit[0]))
