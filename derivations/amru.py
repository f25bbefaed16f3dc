"""Finite-length scaling of BEC peeling (Amraoui-Montanari-Richardson-Urbanke), in SymPy.

MODEL.md 1.4: near the BP threshold the block failure probability of a code
of length n is

    P_B(n, eps) ~ Q( sqrt(n) (eps* - beta n^(-2/3) - eps) / alpha ),
    P_b ~ nu* P_B,   nu* = eps* L(y*),

with alpha and beta/Omega given at the critical point (eps*, x*, y*) by the
expressions built here:

* :func:`alpha_squared` -- the two-term AMRU variance formula;
* :func:`alpha_squared_reference` -- the published reference notebook's
  variant with three sign errors (MODEL.md section 6 item 2), kept only for
  comparison;
* :func:`beta_over_omega_cubed` with the coefficients ``r_i`` of
  :func:`r_coefficient` (closed form) / :func:`r_coefficient_sum` (the
  defining double sum, for finite-support rho); :func:`prove_r_identity`
  shows the two agree for symbolic coefficients;
* :func:`block_failure`, :func:`bit_failure`, :func:`nu_star`.

The ``*_of_x`` variants substitute eps = eps(x) and y = 1 - rho(1 - x) for an
:class:`~derivations.ensemble.Ensemble`, giving expressions in x alone that
the numeric layer evaluates at the critical point x*.

Notes
-----
The closed form of ``r_i`` follows from Taylor's theorem: with z = eps*
lambda(y*) (= x* at a fixed point),

    r_i = sum_{m >= j >= i} (-1)^(i+j) C(j-1, i-1) C(m-1, j-1) rho_m z^j
        = z^i rho^(i-1)(1 - z) / (i-1)!,

which also defines r_i for ensembles of unbounded check degree (Poisson,
binomial with large N).  For the (3,6)-regular code the formulas give
alpha = 0.56036.., beta/Omega = 0.61688.. (the literature quotes 0.5604 and
0.617).

References
----------
A. Amraoui, A. Montanari, T. Richardson, R. Urbanke, "Finite-length scaling
for iteratively decoded LDPC ensembles", IEEE Trans. IT 55(2), 473-498 (2009).
A. K. Nayak, L. R. Varshney, arXiv:2410.01243 (2024), eqs. for alpha and beta.

Examples
--------
>>> import sympy as sp
>>> from infoscaling.derivations.ensemble import parse_ensemble
>>> e = parse_ensemble("regular:3/regular:6")
>>> a2 = alpha_squared_of_x(e)
>>> round(float(sp.sqrt(a2.subs(X, sp.Rational(26, 100)))), 2)   # near x* = 0.2606
0.56
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from .ensemble import Ensemble
from .notation import X

__all__ = [
    "derivative",
    "alpha_squared",
    "alpha_squared_reference",
    "r_coefficient",
    "r_coefficient_sum",
    "prove_r_identity",
    "beta_over_omega_cubed",
    "alpha_squared_of_x",
    "alpha_squared_reference_of_x",
    "beta_over_omega_cubed_of_x",
    "nu_star",
    "nu_of_x",
    "gaussian_tail",
    "block_failure",
    "bit_failure",
    "generic_formulas",
]

Fn = Callable[[sp.Expr], sp.Expr]


def derivative(f: Fn, order: int = 1) -> Fn:
    """The ``order``-th derivative of a SymPy callable ``f``, again as a callable.

    Examples
    --------
    >>> derivative(lambda t: t**3, 2)(sp.Integer(2))
    12
    """
    s = sp.Dummy("s")
    d = sp.diff(f(s), s, order)
    return lambda t: d.subs(s, t)


def _alpha_terms(lam: Fn, rho: Fn, L1, eps, x, y=None):
    if y is None:
        y = 1 - rho(1 - x)
    xb = 1 - x
    dlam, drho = derivative(lam), derivative(rho)
    t_rho = [rho(xb) ** 2, -rho(xb**2), drho(xb) * (1 - 2 * x * rho(xb)), -(xb**2) * drho(xb**2)]
    t_lam = [eps**2 * lam(y) ** 2, -(eps**2) * lam(y**2), -(y**2) * eps**2 * dlam(y**2)]
    den1 = L1 * lam(y) ** 2 * drho(xb) ** 2
    den2 = L1 * lam(y) ** 2
    return t_rho, t_lam, den1, den2


def alpha_squared(lam: Fn, rho: Fn, L1, eps, x, y=None) -> sp.Expr:
    """AMRU alpha^2 at the critical point (MODEL.md 1.4).

    Parameters
    ----------
    lam, rho : callable
        Edge-perspective generating functions (SymPy callables).
    L1 : sympy.Expr
        L'(1), the mean variable degree.
    eps, x, y : sympy.Expr
        The critical point (eps*, x*, y*); ``y`` defaults to 1 - rho(1 - x).

    Returns
    -------
    sympy.Expr
        ``[rho(xb)^2 - rho(xb^2) + rho'(xb)(1 - 2x rho(xb)) - xb^2 rho'(xb^2)] / (L1 lam(y)^2 rho'(xb)^2)
        + [eps^2 lam(y)^2 - eps^2 lam(y^2) - y^2 eps^2 lam'(y^2)] / (L1 lam(y)^2)`` with xb = 1 - x.
    """
    t_rho, t_lam, den1, den2 = _alpha_terms(lam, rho, L1, eps, x, y)
    return sp.Add(*t_rho) / den1 + sp.Add(*t_lam) / den2


def alpha_squared_reference(lam: Fn, rho: Fn, L1, eps, x, y=None) -> sp.Expr:
    """The published reference's alpha^2 (MODEL.md section 6 item 2) -- WRONG, for comparison only.

    The three terms -xb^2 rho'(xb^2), -eps^2 lam(y^2) and -y^2 eps^2 lam'(y^2)
    enter with a plus sign.  For the (3,6) code this gives alpha = 0.9385
    instead of 0.5604.
    """
    t_rho, t_lam, den1, den2 = _alpha_terms(lam, rho, L1, eps, x, y)
    t_rho = [t_rho[0], t_rho[1], t_rho[2], -t_rho[3]]
    t_lam = [t_lam[0], -t_lam[1], -t_lam[2]]
    return sp.Add(*t_rho) / den1 + sp.Add(*t_lam) / den2


def r_coefficient(rho: Fn, i: int, z) -> sp.Expr:
    """Closed form r_i = z^i rho^(i-1)(1 - z) / (i-1)! (see module Notes)."""
    if i < 1:
        raise ValueError(f"i must be >= 1, got {i}")
    return z**i * derivative(rho, i - 1)(1 - z) / sp.factorial(i - 1)


def r_coefficient_sum(rho_coeffs, i: int, z) -> sp.Expr:
    """The defining sum of r_i for rho(x) = sum_m rho_m x^(m-1); ``rho_coeffs[m-1] = rho_m``."""
    dmax = len(rho_coeffs)
    total = sp.Integer(0)
    for m in range(1, dmax + 1):
        for j in range(i, m + 1):
            total += ((-1) ** (i + j) * sp.binomial(j - 1, i - 1) * sp.binomial(m - 1, j - 1)
                      * rho_coeffs[m - 1] * z**j)
    return total


def prove_r_identity(max_degree: int = 7, orders=(2, 3)) -> bool:
    """Show sum-form == closed-form of r_i for rho with symbolic coefficients up to ``max_degree``.

    Returns True when every difference expands to zero (it is a polynomial identity).

    Examples
    --------
    >>> prove_r_identity(5)
    True
    """
    cs = sp.symbols(f"c1:{max_degree + 1}")
    z = sp.Symbol("z")

    def rho(t):
        return sum(c * t ** (m) for m, c in enumerate(cs))

    return all(sp.expand(r_coefficient_sum(cs, i, z) - r_coefficient(rho, i, z)) == 0 for i in orders)


def beta_over_omega_cubed(lam: Fn, rho: Fn, L1, eps, x, y=None) -> sp.Expr:
    """AMRU (beta/Omega)^3 at the critical point (MODEL.md 1.4), r_i in closed form."""
    if y is None:
        y = 1 - rho(1 - x)
    xb = 1 - x
    dlam, ddlam, drho = derivative(lam), derivative(lam, 2), derivative(rho)
    z = eps * lam(y)
    r2, r3 = r_coefficient(rho, 2, z), r_coefficient(rho, 3, z)
    num = eps**4 * r2**2 * (eps * dlam(y) ** 2 * r2 - x * (ddlam(y) * r2 + dlam(y) * x)) ** 2
    den = L1**2 * drho(xb) ** 3 * x**10 * (2 * eps * dlam(y) ** 2 * r3 - ddlam(y) * r2 * x)
    return num / den


def _on_curve(ens: Ensemble, builder) -> sp.Expr:
    return builder(ens.lam, ens.rho, ens.L1, ens.eps_of_x(X), X, ens.y_of_x(X))


def alpha_squared_of_x(ens: Ensemble) -> sp.Expr:
    """alpha^2 on the fixed-point curve (eps = eps(x), y = y(x)); evaluate at x = x*."""
    return _on_curve(ens, alpha_squared)


def alpha_squared_reference_of_x(ens: Ensemble) -> sp.Expr:
    """The reference's (sign-error) alpha^2 on the fixed-point curve."""
    return _on_curve(ens, alpha_squared_reference)


def beta_over_omega_cubed_of_x(ens: Ensemble) -> sp.Expr:
    """(beta/Omega)^3 on the fixed-point curve; evaluate at x = x*."""
    return _on_curve(ens, beta_over_omega_cubed)


def nu_star(L: Fn, eps, y) -> sp.Expr:
    """nu* = eps* L(y*): erased fraction at the critical point (P_b = nu* P_B)."""
    return eps * L(y)


def nu_of_x(ens: Ensemble) -> sp.Expr:
    """nu = eps(x) L(y(x)) on the fixed-point curve."""
    return nu_star(ens.L, ens.eps_of_x(X), ens.y_of_x(X))


def gaussian_tail(z) -> sp.Expr:
    """Q(z) = erfc(z / sqrt 2) / 2."""
    return sp.erfc(z / sp.sqrt(2)) / 2


class Q(sp.Function):
    r"""The Gaussian tail :math:`Q(z) = \frac12\operatorname{erfc}(z/\sqrt2)` as a named function.

    Used to *display* the scaling law as in the paper; ``rewrite(sp.erfc)`` gives
    :func:`gaussian_tail`, which is what the evaluation uses.

    Examples
    --------
    >>> z = sp.Symbol("z")
    >>> Q(z).rewrite(sp.erfc) == gaussian_tail(z), Q(0)
    (True, 1/2)
    """

    @classmethod
    def eval(cls, z):
        if z.is_zero:
            return sp.Rational(1, 2)
        return None

    def _eval_rewrite_as_erfc(self, z, **kwargs):
        return gaussian_tail(z)

    def _latex(self, printer, exp=None):
        tex = r"Q\left(%s\right)" % printer._print(self.args[0])
        return tex if exp is None else r"%s^{%s}" % (tex, exp)


def block_failure_display(n, eps, eps_star, alpha, beta) -> sp.Expr:
    """The scaling law in the paper's reading order, Q(sqrt(n)(eps* - beta n^(-2/3) - eps)/alpha).

    Built unevaluated (print it with ``notation.latex(..., as_built=True)``);
    ``.doit().rewrite(sp.erfc)`` equals :func:`block_failure`.
    """
    shifted = sp.Add(eps_star, sp.Mul(-1, beta, sp.UnevaluatedExpr(n ** sp.Rational(-2, 3)), evaluate=False), -eps,
                     evaluate=False)
    arg = sp.Mul(sp.sqrt(n), shifted, sp.Pow(alpha, -1, evaluate=False), evaluate=False)
    return Q(arg, evaluate=False)


def block_failure(n, eps, eps_star, alpha, beta=0, shift: bool = True) -> sp.Expr:
    """P_B(n, eps) = Q(sqrt(n)(eps* - beta n^(-2/3) - eps)/alpha); ``shift=False`` drops beta.

    Examples
    --------
    >>> block_failure(sp.Integer(100), sp.Rational(1, 2), sp.Rational(1, 2), 1, 0)
    1/2
    """
    b = beta if shift else 0
    return gaussian_tail(sp.sqrt(n) * (eps_star - b * n ** sp.Rational(-2, 3) - eps) / alpha)


def bit_failure(n, eps, eps_star, alpha, beta, nu, shift: bool = True) -> sp.Expr:
    """P_b = nu* P_B."""
    return nu * block_failure(n, eps, eps_star, alpha, beta, shift)


def generic_formulas() -> dict[str, sp.Expr]:
    """alpha^2, reference alpha^2, (beta/Omega)^3 with undefined lambda, rho (for LaTeX).

    Returns
    -------
    dict
        Keys ``alpha_squared``, ``alpha_squared_reference``, ``beta_over_omega_cubed``,
        ``r_i`` (the closed form with a symbolic i), ``block_failure``.
    """
    lamf, rhof = sp.Function("lambda"), sp.Function("rho")
    L1 = sp.Symbol("L'(1)", positive=True)
    eps, x, y = sp.symbols("eps_star x_star y_star", positive=True)
    n, e, beta, alpha, z, i = sp.symbols("n eps beta alpha z i", positive=True)

    def lam(t):
        return lamf(t)

    def rho(t):
        return rhof(t)

    return {
        "alpha_squared": alpha_squared(lam, rho, L1, eps, x, y),
        "alpha_squared_reference": alpha_squared_reference(lam, rho, L1, eps, x, y),
        "beta_over_omega_cubed": beta_over_omega_cubed(lam, rho, L1, eps, x, y),
        "block_failure": block_failure(n, e, eps, alpha, beta),
    }
