"""Threshold systems and closed forms on the BEC, derived with SymPy.

Everything here is *derived* from the ensemble's generating functions; the
literature forms (Kudekar-Richardson-Urbanke polynomials) appear only as
references that the derived objects are proved equal to.

* :func:`tangency_system`: eps = eps(x) and eps'(x) = 0.
* :func:`regular_bp_polynomial`: the polynomial whose root in (0, 1) is the
  BP critical point of an (l, r)-regular code, obtained as the numerator of
  eps'(x) with the trivial factor x removed; :func:`prove_regular_bp_kru`
  shows, for *symbolic* l and r, that it equals -p_BP^KRU(x).
* :func:`poisson_spinodal`: for the Poisson(a)/Poisson(b) pair, eps'(x) = 0
  reduces to a u e^{-u} = 1 (u = b x), solved by u = -W_k(-1/a); branch W_{-1}
  is the upper local minimum (the jump), real iff a >= e, a jump iff a > e.
* :func:`stability_threshold`: 1/(lambda'(0) rho'(1)), e.g. 1/(r-1) for (2, r).
* :func:`map_area`: the area A(x) under the BP EXIT curve from x to 1, in
  closed form by parts (eps dh = L'(1) x rho'(1-x) dx), and
  :func:`regular_map_polynomial` with :func:`prove_regular_map_kru`.

References
----------
T. Richardson and R. Urbanke, *Modern Coding Theory* (2008), sec. 3.12-3.20.
S. Kudekar, T. Richardson, R. Urbanke, "Threshold saturation via spatial
coupling", IEEE Trans. IT 57(2), 2011, Lemma 4 / Table I (p_BP, p_MAP).
C. Measson, A. Montanari, R. Urbanke, "Maxwell construction", IEEE Trans. IT
54(12), 2008.
"""

from __future__ import annotations

import functools

import sympy as sp

from .degree import Poisson, Regular
from .ensemble import Ensemble
from .notation import EPS, X, Z

__all__ = [
    "tangency_system",
    "fixed_point_identity",
    "regular_bp_polynomial",
    "kru_bp_polynomial",
    "prove_regular_bp_kru",
    "poisson_spinodal",
    "lambert_identity",
    "stability_threshold",
    "map_area",
    "regular_map_polynomial",
    "kru_map_polynomial",
    "prove_regular_map_kru",
    "closed_form",
]

_l, _r = sp.symbols("l r", positive=True, integer=True)


def tangency_system(ens: Ensemble):
    """The BP tangency system ``(eps - eps(x), eps'(x))`` (both zero at the critical point).

    Examples
    --------
    >>> from infoscaling.derivations.ensemble import parse_ensemble
    >>> f, g = tangency_system(parse_ensemble("regular:3/regular:6"))
    >>> sp.simplify(g.subs(X, sp.Rational(1, 2))) > 0
    True
    """
    return EPS - ens.eps_of_x(X), ens.deps_dx(X)


def fixed_point_identity(ens: Ensemble) -> sp.Expr:
    """``f(eps(x), x) - x`` for the DE map f: identically zero (fixed points are the curve)."""
    return sp.simplify(ens.de_map(ens.eps_of_x(X), X) - X)


def regular_bp_polynomial(l: int, r: int) -> sp.Poly:
    """Derived polynomial whose unique root in (0, 1) is the BP critical point of (l, r).

    Obtained from eps'(x) = 0 for eps(x) = x / (1 - (1 - x)^(r-1))^(l-1):
    numerator of the derivative, factor x and the positive powers removed.
    Normalised to a positive leading coefficient.

    Examples
    --------
    >>> regular_bp_polynomial(3, 6).as_expr()
    9*x**4 - 35*x**3 + 50*x**2 - 30*x + 5
    """
    ens = Ensemble(Regular(l), Regular(r))
    num = sp.numer(sp.together(ens.deps_dx(X)))
    num = sp.factor(sp.expand(num))
    _, factors = sp.factor_list(num)
    prod = sp.Integer(1)
    for fac, mult in factors:
        if not fac.has(X):
            continue
        p = sp.Poly(fac, X)
        has_interior_root = any(0 < rt < 1 for rt in p.real_roots())
        if has_interior_root:
            prod *= fac**mult
    poly = sp.Poly(sp.expand(prod), X)
    if poly.LC() < 0:
        poly = -poly
    return poly


def kru_bp_polynomial(l, r, x=X) -> sp.Expr:
    """Kudekar-Richardson-Urbanke's p_BP(x) (literature form; a check, not an input)."""
    i = sp.Symbol("i", integer=True, nonnegative=True)
    return ((l - 1) * (r - 1) - 1) * (1 - x) ** (r - 2) - sp.summation((1 - x) ** i, (i, 0, r - 3))


def prove_regular_bp_kru() -> sp.Expr:
    """For symbolic (l, r): numerator of eps'(x) plus x * p_BP^KRU(x); simplifies to 0.

    Returns the simplified difference (0 proves eps'(x) = -x p_BP(x) / (...)^l).

    Examples
    --------
    >>> prove_regular_bp_kru()
    0
    """
    x = sp.Symbol("x", positive=True)
    G = sp.Function("g")(x)
    deriv = sp.diff(x / G ** (_l - 1), x)
    # eps'(x) = g^(-l) N(x): multiply by g^l and collect the powers of g
    numer = sp.powsimp(sp.expand(deriv * G**_l, power_exp=True))
    numer = numer.subs(G, 1 - (1 - x) ** (_r - 1)).doit()
    diff = sp.piecewise_fold(numer + x * kru_bp_polynomial(_l, _r, x)).subs(x, 1 - Z)
    diff = diff.args[-1][0] if isinstance(diff, sp.Piecewise) else diff  # the z != 1 (x != 0) branch
    num = sp.numer(sp.together(sp.expand(diff, power_exp=True)))
    return sp.simplify(sp.expand(num, power_exp=True))


def poisson_spinodal(a, b, branch: int = -1):
    """Critical point of the Poisson(a)/Poisson(b) pair from eps'(x) = 0.

    Parameters
    ----------
    a, b : sympy.Expr
        Variable and check Poisson means.
    branch : {-1, 0}
        W_{-1} gives the upper local minimum of eps(x) (the jump / spinodal),
        W_0 the local maximum.

    Returns
    -------
    (x_star, eps_star) : tuple of sympy.Expr
        x* = -W(-1/a)/b and eps* = (u/b) e^{1/u} with u = b x*.

    Notes
    -----
    eps(x) = x exp(a e^{-b x}) and eps'(x) = exp(a e^{-bx}) (1 - a b x e^{-bx}),
    so with u = b x the condition is a u e^{-u} = 1, i.e. (-u) e^{-u} = -1/a and
    u = -W_k(-1/a).  At the tangency a e^{-u} = 1/u, hence eps* = (u/b) e^{1/u}.
    Real solutions need -1/a >= -1/e (a >= e); a jump needs two distinct
    solutions, a > e.

    Examples
    --------
    >>> a, b = sp.symbols("a b", positive=True)
    >>> poisson_spinodal(a, b)[0]
    -LambertW(-1/a, -1)/b
    """
    u = -sp.LambertW(-1 / sp.sympify(a), branch)
    x_star = u / b
    eps_star = (u / b) * sp.exp(1 / u)
    return x_star, eps_star


def lambert_identity(expr: sp.Expr) -> sp.Expr:
    """Replace exp(W_k(z)) by z / W_k(z) (valid on every branch) and simplify."""
    out = expr.replace(
        lambda e: isinstance(e, sp.exp) and isinstance(e.args[0], sp.LambertW),
        lambda e: e.args[0].args[0] / e.args[0],
    )
    out = out.replace(
        lambda e: isinstance(e, sp.exp) and e.args[0].could_extract_minus_sign()
        and isinstance(-e.args[0], sp.LambertW),
        lambda e: (-e.args[0]) / (-e.args[0]).args[0],
    )
    return sp.simplify(out)


def prove_poisson_spinodal(branch: int = -1) -> tuple[sp.Expr, sp.Expr]:
    """Substitute the Lambert-W critical point into eps'(x) and into eps(x).

    Returns ``(eps'(x*), eps(x*) - eps*)``, both simplifying to 0 for symbolic
    a, b (using only W e^W = z).

    Examples
    --------
    >>> prove_poisson_spinodal(-1)
    (0, 0)
    """
    a, b = sp.symbols("a b", positive=True)
    ens = Ensemble(Poisson(a), Poisson(b))
    x_star, eps_star = poisson_spinodal(a, b, branch)
    d = lambert_identity(ens.deps_dx(X).subs(X, x_star))
    e = lambert_identity(ens.eps_of_x(X).subs(X, x_star) - eps_star)
    return sp.simplify(d), sp.simplify(e)


def stability_threshold(ens: Ensemble) -> sp.Expr:
    """The x -> 0 limit of eps(x) for lambda(0) = 0: 1/(lambda'(0) rho'(1)).

    Examples
    --------
    >>> from infoscaling.derivations.ensemble import parse_ensemble
    >>> stability_threshold(parse_ensemble("regular:2/regular:7"))
    1/6
    >>> r = sp.Symbol("r", positive=True, integer=True)
    >>> sp.limit(Ensemble(Regular(2), Regular(r)).eps_of_x(X), X, 0)
    1/(r - 1)
    """
    return ens.stability_bound()


@functools.lru_cache(maxsize=64)  # pure; asked twice per ensemble (Maxwell function, Maxwell polynomial)
def map_area(ens: Ensemble, x=X) -> sp.Expr:
    """Area under the BP EXIT curve from the curve point at x up to eps = 1.

    A(x) = [eps h]_{x}^{1} - L'(1) int_x^1 t rho'(1 - t) dt, using
    eps dh = x L'(y)/lambda(y) y'(x) dx = L'(1) x rho'(1 - x) dx (integration by parts).
    Requires lambda(0) = 0 and rho(0) = 0 so that the curve ends at (1, 1).
    """
    t = sp.Symbol("t", positive=True)
    xs = sp.Symbol("xs", positive=True)
    eh = sp.simplify(ens.eps_of_x(xs) * ens.exit_h(xs))
    end = sp.simplify(ens.eps_of_x(sp.Integer(1)) * ens.exit_h(sp.Integer(1)))
    # t rho'(1 - t) = -t d/dt rho(1 - t)
    integrand = -ens.L1 * t * sp.diff(ens.rho(1 - t), t)
    integral = sp.integrate(sp.expand(integrand), (t, xs, 1))
    return sp.simplify(end - eh - integral).subs(xs, x)


def regular_map_polynomial(l: int, r: int) -> sp.Poly:
    """Derived Maxwell polynomial: design_rate - A(x) for the (l, r)-regular ensemble.

    Examples
    --------
    >>> regular_map_polynomial(3, 6).as_expr() == sp.expand(kru_map_polynomial(3, 6))
    True
    """
    ens = Ensemble(Regular(l), Regular(r))
    return sp.Poly(sp.expand(ens.design_rate() - map_area(ens)), X)


def kru_map_polynomial(l, r, x=X) -> sp.Expr:
    """KRU's p_MAP(x) = x + (1/r)(1-x)^(r-1)(l + l(r-1)x - r x) - l/r (literature check)."""
    return x + sp.Rational(1, 1) / r * (1 - x) ** (r - 1) * (l + l * (r - 1) * x - r * x) - l / r


def prove_regular_map_kru() -> sp.Expr:
    """For symbolic (l, r): (1 - l/r) - A(x) - p_MAP^KRU(x), which simplifies to 0.

    Examples
    --------
    >>> prove_regular_map_kru()
    0
    """
    x = sp.Symbol("x", positive=True)
    t = sp.Symbol("t", positive=True)
    eh_x = x * (1 - (1 - x) ** (_r - 1))  # eps(x) h(x) = x * y(x) for regular codes
    integral = sp.integrate(_l * (_r - 1) * t * (1 - t) ** (_r - 2), (t, x, 1), conds="none")
    area = 1 - eh_x - integral
    diff = (1 - _l / _r) - area - kru_map_polynomial(_l, _r, x)
    return sp.simplify(sp.expand(sp.simplify(diff).subs(x, 1 - Z), power_exp=True))


def closed_form(ens: Ensemble):
    """The closed form of the BP threshold when one is known, else None.

    Returns
    -------
    dict or None
        ``{"kind": ..., "expr": eps_star (sympy), "x": x_star or None, "latex": ...}``:
        kind ``"stability"`` (exact rational 1/(lambda'(0) rho'(1))),
        ``"regular-polynomial"`` (eps(x*) with x* = CRootOf of the derived polynomial),
        ``"poisson-lambert"`` (Lambert W_{-1} form).
    """
    from .notation import latex

    var, chk = ens.var, ens.check
    if isinstance(var, Poisson) and isinstance(chk, Poisson):
        a, b = var.m, chk.m
        if not (a > sp.E):
            return None
        x_star, eps_star = poisson_spinodal(a, b)
        if x_star.is_number and not (x_star <= 1 and eps_star < 1):
            return None  # the fold lies outside the channel range (0, 1]
        uu = -sp.LambertW(-1 / a, -1)
        tex = (r"\varepsilon^{*} = \frac{u}{b} e^{1/u},\quad u = -W_{-1}\left(-\tfrac{1}{a}\right),"
               r"\quad a = %s,\ b = %s" % (latex(a), latex(b)))
        return {"kind": "poisson-lambert", "expr": eps_star, "x": x_star, "u": uu, "latex": tex}
    if isinstance(var, Regular) and isinstance(chk, Regular):
        l, r = int(var.d), int(chk.d)
        if l == 2:
            s = stability_threshold(ens)
            return {"kind": "stability", "expr": s, "x": sp.Integer(0),
                    "latex": r"\varepsilon_{\mathrm{BP}} = \frac{1}{\lambda'(0)\rho'(1)} = " + latex(s)}
        if l < 2 or r < 2:
            return None
        poly = regular_bp_polynomial(l, r)
        roots = [rt for rt in sp.Poly(poly, X).real_roots() if 0 < rt < 1]
        if len(roots) != 1:
            return None
        x_star = roots[0]
        eps_star = ens.eps_of_x(X).subs(X, x_star)
        tex = (r"\varepsilon_{\mathrm{BP}} = \frac{x^{*}}{\left(1-(1-x^{*})^{%d}\right)^{%d}},\quad "
               r"%s = 0,\ x^{*}\in(0,1)" % (r - 1, l - 1, latex(poly.as_expr().subs(X, sp.Symbol("x_star")))))
        return {"kind": "regular-polynomial", "expr": eps_star, "x": x_star, "poly": poly, "latex": tex}
    s = ens.stability_bound()
    if not ens.has_low_degree_variables and s != sp.oo and s.is_number:
        return {"kind": "stability-candidate", "expr": s, "x": sp.Integer(0),
                "latex": r"\lim_{x\to 0}\varepsilon(x) = \frac{1}{\lambda'(0)\rho'(1)} = " + latex(s)}
    return None
