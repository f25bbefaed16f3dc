"""The compute-optimal problem of MODEL.md 1.5, derived with SymPy.

Objects
-------
* :func:`binomial_pair`: the finite-R concept-text pair lambda, rho, L with
  T = C'/R texts (MODEL.md 1.2) as callables in symbols.
* :func:`learned_concepts`: R_learned = R (1 - delta) with the paper's
  delta = P_b / eps = nu* P_B(n = R/eps) / eps.
* :func:`poisson_limit_of_binomial`: lambda, rho of the binomial pair tend
  to the Poisson pair (means d_t kappa, d_t / eps) as R -> oo at fixed kappa.
* :func:`objective_reduction`: with R = sqrt(C'/kappa) the limit objective
  is sqrt(C'/kappa) f(kappa); hence R* = sqrt(C'/kappa^) and T* = sqrt(C' kappa^)
  and d log R*/d log C' = d log T*/d log C' = 1/2 exactly.
* :func:`u_form_de`: x = eps u turns the Poisson DE into
  u' = exp(-d_t kappa e^{-d_t u}) -- eps cancels.
* :func:`kappa_star`: the fold of the fixed-point curve of the u-form DE,
  derived: kappa(v) = e^v log(d_t / v)/d_t (v = d_t u), d kappa/dv = 0 <=>
  v log(d_t/v) = 1 <=> v = -1/W_k(-1/d_t); the jump (upper fold) is branch
  k = 0 and exists iff d_t > e.
* :func:`finite_c_correction`: leading finite-C' correction of kappa(C'),
  R*/sqrt(C') and the local exponent from the scaling law.

What exactly R_learned is
-------------------------
Following the paper, R_learned counts the concepts the peeling decoder learns
on the code of length n = R/eps embedding the concept-text graph, with the
unlearned fraction delta = P_b / eps = nu* P_B / eps taken from the AMRU law
(MODEL.md 1.4).  Two things are therefore *not* in it: (i) the error floor of
the ensemble (concepts in no text, stopping sets surviving below the jump:
the lower DE fixed point, of order e^{-d_t kappa} and so ~1e-12 at d_t = 6,
kappa ~ kappa*), and (ii) any correction to the Gaussian law beyond beta.  When
the ensemble has no sharp threshold (no jump of the DE fixed point), the
law does not apply; the numeric layer then uses the DE residual
delta = L(y_oo) (documented in :mod:`numeric.optimum`).  The numeric layer's default
``model='consistent'`` also adds (i) and replaces nu* by the upper-fixed-point fraction where
eps* < eps (the paper's literal delta is ``model='paper'``).

References
----------
A. K. Nayak, L. R. Varshney, arXiv:2410.01243 (2024), section III.
R. M. Corless et al., "On the Lambert W function", Adv. Comput. Math. 5 (1996).

Examples
--------
>>> d = sp.Symbol("d_t", positive=True)
>>> kappa_star(d)
-exp(-1/LambertW(-1/d_t))*LambertW(-1/d_t)/d_t
"""

from __future__ import annotations

import functools

import sympy as sp

from .amru import alpha_squared, beta_over_omega_cubed, block_failure, nu_star

__all__ = [
    "R", "T", "CP", "DT", "EPS0", "KAPPA", "V", "U_",
    "binomial_pair",
    "learned_concepts",
    "poisson_limit_of_binomial",
    "objective_reduction",
    "u_form_de",
    "fixed_point_kappa",
    "fold_condition",
    "kappa_star",
    "kappa_star_fold_v",
    "existence_condition",
    "kappa_star_tangency_system",
    "finite_c_correction",
    "binomial_system",
    "Log1p",
    "Expm1",
    "stable_binomial_pair",
    "stable_binomial_system",
]

R = sp.Symbol("R", positive=True)
T = sp.Symbol("T", positive=True)
CP = sp.Symbol("C_prime", positive=True)
DT = sp.Symbol("d_t", positive=True)
EPS0 = sp.Symbol("eps", positive=True)
KAPPA = sp.Symbol("kappa", positive=True)
V = sp.Symbol("v", positive=True)
U_ = sp.Symbol("u", positive=True)
_X = sp.Symbol("x", positive=True)


def binomial_pair(R=R, T=T, dt=DT, eps=EPS0):
    """(lam, rho, L, L1) of the finite concept-text ensemble with R concepts, T texts.

    lambda(x) = (1 - p + p x)^(T-1), rho(x) = (1 - p + p x)^(R/eps - 1),
    L(x) = (1 - p + p x)^T, L'(1) = T p, with p = d_t / R.

    Examples
    --------
    >>> lam, rho, L, L1 = binomial_pair(10, 20, 2, sp.Rational(1, 2))
    >>> lam(sp.Symbol("x"))
    (x/5 + 4/5)**19
    """
    R, T, dt, eps = (sp.sympify(v) for v in (R, T, dt, eps))
    p = dt / R

    def lam(x):
        return (1 - p + p * x) ** (T - 1)

    def rho(x):
        return (1 - p + p * x) ** (R / eps - 1)

    def L(x):
        return (1 - p + p * x) ** T

    return lam, rho, L, T * p


def binomial_system(x=_X, R=R, T=T, dt=DT, eps=EPS0) -> dict[str, sp.Expr]:
    """Expressions in (x, R, T, d_t, eps) the numeric optimiser evaluates.

    Keys: ``eps_of_x`` (fixed-point curve), ``deps`` and ``ddeps`` (its first
    two x-derivatives), ``de_residual`` (eps lam(y(x)) - x at channel eps),
    ``unlearned`` (L(y(x))), ``alpha2``, ``alpha2_reference``, ``beta3``, ``nu``
    (all on the fixed-point curve, i.e. with eps replaced by eps(x)).
    """
    from .amru import alpha_squared_reference

    lam, rho, L, L1 = binomial_pair(R, T, dt, eps)
    y = 1 - rho(1 - x)
    e_of_x = x / lam(y)
    return {
        "eps_of_x": e_of_x,
        "deps": sp.diff(e_of_x, x),
        "ddeps": sp.diff(e_of_x, x, 2),
        "de_residual": eps * lam(y) - x,
        "unlearned": L(y),
        "alpha2": alpha_squared(lam, rho, L1, e_of_x, x, y),
        "alpha2_reference": alpha_squared_reference(lam, rho, L1, e_of_x, x, y),
        "beta3": beta_over_omega_cubed(lam, rho, L1, e_of_x, x, y),
        "nu": nu_star(L, e_of_x, y),
    }


class Log1p(sp.Function):
    """log(1 + z), kept as a function so that it lambdifies to ``log1p`` (numpy, mpmath, Arb).

    Examples
    --------
    >>> z = sp.Symbol("z")
    >>> sp.diff(Log1p(z), z)
    1/(z + 1)
    """

    def fdiff(self, argindex=1):
        return 1 / (1 + self.args[0])


class Expm1(sp.Function):
    """exp(z) - 1 (the counterpart of :class:`Log1p` for printers; unused by default)."""

    def fdiff(self, argindex=1):
        return sp.exp(self.args[0])


def _pow1p(t, k):
    """(1 + t)^k written as exp(k log1p(t))."""
    return sp.exp(k * Log1p(t))


def stable_binomial_pair(R=R, T=T, dt=DT, eps=EPS0):
    """:func:`binomial_pair` written as exp(k log1p(p (x - 1))) (no cancellation in 1 - p + p x).

    With p = d_t/R ~ 1e-10, 1 - p + p x loses ten digits in any fixed
    precision; log1p keeps them.  Same functions as :func:`binomial_pair`
    (checked in the tests).

    Examples
    --------
    >>> lam, rho, L, L1 = stable_binomial_pair(10, 20, 2, sp.Rational(1, 2))
    >>> lam(sp.Symbol("x"))
    exp(19*Log1p(x/5 - 1/5))
    """
    R, T, dt, eps = (sp.sympify(v) for v in (R, T, dt, eps))
    p = dt / R

    def lam(x):
        return _pow1p(p * (x - 1), T - 1)

    def rho(x):
        return _pow1p(p * (x - 1), R / eps - 1)

    def L(x):
        return _pow1p(p * (x - 1), T)

    return lam, rho, L, T * p


def stable_binomial_system(variant: str = "correct", x=_X) -> dict[str, sp.Expr]:
    """The expressions in (x, R, T, d_t, eps) the numeric optimiser compiles (log1p form).

    Keys: ``eps_of_x`` (fixed-point curve eps(x) = x / lam(y(x))), ``deps``,
    ``ddeps`` (its first two x-derivatives), ``alpha2`` (AMRU alpha^2, or the
    published reference's sign-error variant when ``variant='reference'``),
    ``beta3`` (beta/Omega cubed), ``nu`` (nu* = eps L(y)), ``de_residual``
    (eps lam(y(x)) - x at channel eps), ``dde_residual`` (its x-derivative) and
    ``unlearned`` (L(y(x))); everything on the fixed-point curve.
    """
    from .amru import alpha_squared_reference

    if variant not in ("correct", "reference"):
        raise ValueError(f"variant must be 'correct' or 'reference', got {variant!r}")
    lam, rho, L, L1 = stable_binomial_pair()
    y = 1 - rho(1 - x)
    e_of_x = x / lam(y)
    builder = alpha_squared if variant == "correct" else alpha_squared_reference
    exprs = {
        "eps_of_x": e_of_x,
        "deps": sp.diff(e_of_x, x),
        "ddeps": sp.diff(e_of_x, x, 2),
        "alpha2": builder(lam, rho, L1, e_of_x, x, y),
        "beta3": beta_over_omega_cubed(lam, rho, L1, e_of_x, x, y),
        "nu": nu_star(L, e_of_x, y),
        "de_residual": EPS0 * lam(y) - x,
        "unlearned": L(y),
    }
    exprs["dde_residual"] = sp.diff(exprs["de_residual"], x)
    return exprs


def learned_concepts(R, eps, eps_star, alpha, beta, nu, shift: bool = True) -> sp.Expr:
    """R_learned = R (1 - nu* P_B(n = R/eps, eps) / eps) (the paper's model, see module notes)."""
    n = R / eps
    return R * (1 - nu * block_failure(n, eps, eps_star, alpha, beta, shift) / eps)


def poisson_limit_of_binomial() -> tuple[sp.Expr, sp.Expr]:
    """R -> oo limits of lambda and rho of the binomial pair at fixed kappa = T/R.

    Returns the differences from the Poisson pair exp(d_t kappa (x-1)),
    exp(d_t/eps (x-1)); both are 0.

    Examples
    --------
    >>> poisson_limit_of_binomial()
    (0, 0)
    """
    x = sp.Symbol("x", positive=True)
    lam, rho, _, _ = binomial_pair(R, KAPPA * R)
    dl = sp.limit(sp.log(lam(x)), R, sp.oo) - DT * KAPPA * (x - 1)
    dr = sp.limit(sp.log(rho(x)), R, sp.oo) - DT / EPS0 * (x - 1)
    return sp.simplify(dl), sp.simplify(dr)


def objective_reduction() -> dict[str, sp.Expr]:
    """Reduce max_R R f(T/R) subject to R T = C' to the exponent 1/2.

    In the large-R limit the learned fraction depends on (R, T) only through
    kappa = T/R (the Poisson pair has no R), so with T = C'/R,
    kappa = C'/R^2 and R = sqrt(C'/kappa): the objective is
    sqrt(C'/kappa) f(kappa).  Its maximiser kappa^ solves
    d/dkappa [kappa^(-1/2) f(kappa)] = 0, an equation free of C'.

    Returns
    -------
    dict
        ``objective`` (sqrt(C'/kappa) f(kappa)), ``stationarity`` (its
        kappa-derivative divided by sqrt(C'), which is free of C'),
        ``R_star``, ``T_star`` in terms of kappa^, and the exponents
        ``exponent_R``, ``exponent_T`` (both 1/2).
    """
    f = sp.Function("f")
    kh = sp.Symbol("kappa_hat", positive=True)
    obj = sp.sqrt(CP / KAPPA) * f(KAPPA)
    # check the substitution: R f(kappa) with R = sqrt(C'/kappa) and T = C'/R gives kappa back
    Rk = sp.sqrt(CP / KAPPA)
    assert sp.simplify((CP / Rk) / Rk - KAPPA) == 0
    stat = sp.simplify(sp.diff(obj, KAPPA) / sp.sqrt(CP))
    R_star, T_star = sp.sqrt(CP / kh), CP / sp.sqrt(CP / kh)
    lc = sp.Symbol("ell", real=True)  # log C'
    eR = sp.diff(sp.log(R_star.subs(CP, sp.exp(lc))), lc)
    eT = sp.diff(sp.log(T_star.subs(CP, sp.exp(lc))), lc)
    return {"objective": obj, "stationarity": stat, "R_star": R_star,
            "T_star": sp.simplify(T_star), "exponent_R": sp.simplify(eR),
            "exponent_T": sp.simplify(eT)}


@functools.lru_cache(maxsize=64)
def u_form_de() -> tuple[sp.Expr, sp.Expr]:
    """The Poisson-limit DE in u = x / eps: returns (u-map, difference) with difference == 0.

    x' = eps lam(1 - rho(1 - x)) with lam = exp(d_t kappa (t-1)),
    rho = exp(d_t/eps (t-1)); substituting x = eps u and dividing by eps gives
    exp(-d_t kappa e^{-d_t u}), which contains no eps.

    Examples
    --------
    >>> m, d = u_form_de()
    >>> m, d, EPS0 in m.free_symbols
    (exp(-d_t*kappa*exp(-d_t*u)), 0, False)
    """
    x = sp.Symbol("x", positive=True)

    def lam(t):
        return sp.exp(DT * KAPPA * (t - 1))

    def rho(t):
        return sp.exp(DT / EPS0 * (t - 1))

    xmap = EPS0 * lam(1 - rho(1 - x))
    umap = sp.simplify(sp.expand(xmap.subs(x, EPS0 * U_) / EPS0))
    target = sp.exp(-DT * KAPPA * sp.exp(-DT * U_))
    return umap, sp.simplify(umap - target)


@functools.lru_cache(maxsize=64)
def fixed_point_kappa(dt=DT) -> sp.Expr:
    """The fixed-point curve kappa(v), v = d_t u, solved from u = exp(-d_t kappa e^{-d_t u}).

    Examples
    --------
    >>> fixed_point_kappa()
    exp(v)*log(d_t/v)/d_t
    """
    k = sp.solve(sp.Eq(V / DT, sp.exp(-DT * KAPPA * sp.exp(-V))), KAPPA)
    if len(k) != 1:  # pragma: no cover - sympy behaviour guard
        raise ArithmeticError(f"unexpected solutions {k}")
    out = sp.exp(V) * sp.log(DT / V) / DT
    assert sp.simplify(sp.expand_log(k[0] - out, force=True)) == 0
    # proof that ``out`` is the solution: plug it back into the fixed-point equation
    assert sp.simplify(sp.exp(-DT * out * sp.exp(-V)) - V / DT) == 0
    return out.subs(DT, dt)


@functools.lru_cache(maxsize=64)
def fold_condition() -> sp.Expr:
    """d kappa / d v divided by the positive factor e^v/(d_t v): ``v log(d_t/v) - 1``.

    Examples
    --------
    >>> fold_condition()
    v*log(d_t/v) - 1
    """
    k = fixed_point_kappa()
    dk = sp.diff(k, V)
    reduced = sp.simplify(dk / (sp.exp(V) / (DT * V)))
    reduced = sp.expand(sp.expand_log(reduced, force=True))
    target = V * sp.log(DT / V) - 1
    assert sp.simplify(sp.expand_log(reduced - target, force=True)) == 0
    return target


@functools.lru_cache(maxsize=64)
def kappa_star_fold_v(dt=DT, branch: int = 0) -> sp.Expr:
    """Fold points v = -1/W_k(-1/d_t) of the fixed-point curve (derived).

    With w = 1/v the fold condition v log(d_t/v) = 1 is w e^{-w} = 1/d_t,
    i.e. (-w) e^{-w} = -1/d_t, so -w = W_k(-1/d_t).  Branch 0 gives the larger
    v (upper fold: the jump of u_oo), branch -1 the lower fold.

    Examples
    --------
    >>> kappa_star_fold_v()
    -1/LambertW(-1/d_t)
    """
    sols = sp.solve(fold_condition(), V)
    v_k = -1 / sp.LambertW(-1 / DT, branch)
    if branch == 0:
        # sympy's solver returns the principal-branch root; it must be ours
        assert any(sp.simplify(s - v_k) == 0 for s in sols)
    # check on this branch: with W = W_k(-1/d_t) < 0, W e^W = -1/d_t gives
    # d_t/v = -d_t W = e^{-W}, so v log(d_t/v) = (-1/W)(-W) = 1
    Wk = sp.Symbol("W", negative=True)
    cond = fold_condition().subs(V, -1 / Wk).subs(-Wk * DT, sp.exp(-Wk))
    assert sp.simplify(cond) == 0
    return v_k.subs(DT, dt)


@functools.lru_cache(maxsize=64)
def kappa_star(dt=DT) -> sp.Expr:
    """kappa*(d_t) = e^{v*}/(d_t v*), v* = -1/W_0(-1/d_t): the jump of u_oo(kappa).

    At the fold log(d_t/v) = 1/v, so kappa(v*) = e^{v*}/(d_t v*).  Real and a
    genuine jump iff d_t > e (:func:`existence_condition`).
    """
    v = kappa_star_fold_v(DT, 0)
    W = sp.LambertW(-1 / DT)
    expr = sp.exp(v) / (DT * v)
    expr = sp.simplify(expr)
    target = -W * sp.exp(-1 / W) / DT
    assert sp.simplify(expr - target) == 0
    return target.subs(DT, dt)


def existence_condition() -> dict[str, sp.Expr]:
    """Why the jump needs d_t > e (derived once, cached; see :func:`_existence_condition`)."""
    return dict(_existence_condition())


@functools.lru_cache(maxsize=1)
def _existence_condition() -> dict[str, sp.Expr]:
    """Why the jump needs d_t > e.

    The fold function g(v) = log(d_t/v) - 1/v (sign of d kappa/dv) has its
    maximum at v = 1 with value log(d_t) - 1; the fixed-point curve folds (two
    roots of g) iff log(d_t) - 1 > 0, i.e. d_t > e; at d_t = e the two folds
    merge (W_0(-1/e) = W_{-1}(-1/e) = -1).

    Returns
    -------
    dict
        ``critical_v`` (1), ``max_value`` (log(d_t) - 1), ``threshold_dt`` (E).
    """
    g = sp.log(DT / V) - 1 / V
    crit = sp.solve(sp.diff(g, V), V)
    assert crit == [1]
    second = sp.diff(g, V, 2).subs(V, 1)
    assert second == -1  # a maximum
    mx = sp.expand_log(g.subs(V, 1), force=True)
    return {"critical_v": sp.Integer(1), "max_value": mx, "threshold_dt": sp.solve(mx, DT)[0]}


def kappa_star_tangency_system(dt=DT):
    """The tangency system whose root (v, kappa) is the fold, for a root finder.

    Returns (F1, F2): F1 = v/d_t - exp(-d_t kappa e^{-v}) (fixed point),
    F2 = d/dv of the u-map minus 1 at the fixed point, i.e.
    d_t kappa e^{-v} v - 1 (tangency: map slope 1).
    """
    F1 = V / DT - sp.exp(-DT * KAPPA * sp.exp(-V))
    um = sp.exp(-DT * KAPPA * sp.exp(-DT * U_))
    slope = sp.diff(um, U_).subs(U_, V / DT)
    # on the fixed point exp(...) = v/d_t, so slope = d_t kappa e^{-v} v
    F2 = sp.simplify(slope.subs(sp.exp(-DT * KAPPA * sp.exp(-V)), V / DT)) - 1
    return F1.subs(DT, dt), F2.subs(DT, dt)


def finite_c_correction() -> dict[str, sp.Expr]:
    """Leading finite-C' correction of the optimum (derived once, cached; see :func:`_finite_c_correction`)."""
    out = dict(_finite_c_correction())
    out["symbols"] = dict(out["symbols"])
    return out


@functools.lru_cache(maxsize=1)
def _finite_c_correction() -> dict[str, sp.Expr]:
    """Leading finite-C' correction of the optimum from the scaling law (derived).

    Near kappa*, eps*(kappa) - eps = g (kappa - kappa*) with g = d eps*/d kappa
    = eps*/(kappa u) (envelope theorem on eps(x) = (u/b) exp(a e^{-u})).  The
    objective is sqrt(C'/kappa)(1 - c Q(z)), c = nu*/eps,
    z = sqrt(n)(g (kappa - kappa*) - beta n^{-2/3})/alpha, n = R/eps.  For
    small Q, stationarity in kappa gives phi(z) = alpha / (2 kappa c g sqrt n)
    (phi the normal density), so z = sqrt(2 log(2 kappa c g sqrt(n) /
    (alpha sqrt(2 pi)))) and kappa - kappa* = (alpha z / sqrt n + beta n^{-2/3}) / g.

    Returns
    -------
    dict
        ``z`` (as a function of n), ``dkappa`` = kappa - kappa*, ``R_ratio``
        (R*/sqrt(C') to first order), ``n_of_C`` (n = sqrt(C'/kappa*)/eps),
        ``local_exponent`` (1/2 - (1/2) d log kappa/d log C' to first order)
        and ``symbols``.
    """
    al, be, g, c, ks, n, z = sp.symbols("alpha beta g c kappa_star n z", positive=True)
    phi = sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi)
    # stationarity of  -1/2 log kappa - c Q(z(kappa)):  -1/(2 kappa) + c phi(z) sqrt(n) g / alpha = 0
    K = al / (2 * ks * c * g * sp.sqrt(n))
    zs = [s for s in sp.solve(sp.Eq(phi, K), z) if s.could_extract_minus_sign() is False]
    z_n = zs[0]
    dk = (al * z_n / sp.sqrt(n) + be * n ** sp.Rational(-2, 3)) / g
    ratio = ks ** sp.Rational(-1, 2) * (1 - dk / (2 * ks))
    lc = sp.Symbol("ell", real=True)
    n_of_C = sp.sqrt(sp.exp(lc) / ks) / EPS0
    # kappa(C') = kappa* + dk(n(C')):  exponent = 1/2 - (1/2) d log kappa / d log C'
    kap = ks + dk.subs(n, n_of_C)
    expo = sp.Rational(1, 2) - sp.diff(sp.log(kap), lc) / 2
    lcs = sp.log(CP)
    return {"z": z_n, "dkappa": dk, "R_ratio": ratio, "n_of_C": n_of_C.subs(lc, lcs),
            "local_exponent": sp.simplify(expo.subs(lc, lcs)),
            "symbols": {"alpha": al, "beta": be, "g": g, "c": c, "kappa_star": ks, "n": n}}
