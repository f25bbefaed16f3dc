"""mpmath evaluation of ensembles and density-evolution fixed points.

:func:`compile_ensemble` lambdifies the exact SymPy generating functions of an
ensemble once (``modules="mpmath"`` keeps rationals exact: they are evaluated
at the working precision of each call).  :func:`largest_fixed_point` finds the
DE limit reached from x0 = eps by *bracketing* the largest root of
f(eps, x) - x, never by iterating DE a fixed number of times (biased by
about 9/N^2 near a threshold).

Examples
--------
>>> from infoscaling.derivations.ensemble import parse_ensemble
>>> e = parse_ensemble("regular:3/regular:6")
>>> x = largest_fixed_point(e, "0.45", dps=20)
>>> fmt(x, 15)
'0.355443307748107'
>>> largest_fixed_point(e, "0.40", dps=20)
mpf('0.0')
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import mpmath as mp
import numpy as np
import sympy as sp
from infoscaling.derivations.degree import Binomial, Poisson, Regular, exact
from infoscaling.derivations.ensemble import Ensemble
from infoscaling.derivations.notation import X

from .precision import check_dps, fmt, verified

__all__ = [
    "CompiledEnsemble",
    "compile_ensemble",
    "check_eps",
    "largest_fixed_point",
    "residual_fraction",
    "de_iterate",
    "critical_brackets",
    "lambdify_mp",
    "local_minima",
    "fmt",
]


def lambdify_mp(args, expr, modules="mpmath"):
    """``sympy.lambdify`` for exact expressions that may hold huge rationals.

    Exact binomial ensembles evaluate constants such as (1 - p)^(N - 1) to
    rationals with tens of thousands of digits; Python's guard on int/str
    conversion (4300 digits) would stop the code generation.  The guard is
    lifted only while the function is generated and compiled.
    """
    import sys

    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        return sp.lambdify(args, expr, modules=modules)
    finally:
        sys.set_int_max_str_digits(old)


def _mp(expr):
    return lambdify_mp(X, expr)


# ---------------------------------------------------------------------------
# compile once per *family*: derive with symbolic parameters, bind numbers late
# ---------------------------------------------------------------------------

def _side_twin(side, tag: str):
    """``(symbolic side, parameter symbols, parameter values, key)`` of one degree law.

    Regular, Poisson and binomial laws are derived with symbolic parameters
    (so the derivation and the compiled code do not depend on the size of a
    degree or of a binomial exponent: ``(1 - p + p x)^(N - 1)`` stays a power
    with a symbolic exponent instead of an exact rational with millions of
    digits); finite-support laws stay concrete.
    """
    if isinstance(side, Regular):
        d = sp.Symbol(f"d_{tag}", positive=True, integer=True)
        return Regular(d), (d,), (side.d,), "regular"
    if isinstance(side, Poisson):
        m = sp.Symbol(f"m_{tag}", positive=True)
        return Poisson(m), (m,), (side.m,), "poisson"
    if isinstance(side, Binomial):
        n, p = sp.Symbol(f"N_{tag}", positive=True), sp.Symbol(f"p_{tag}", positive=True)
        return Binomial(n, p), (n, p), (side.N, side.p), "binomial"
    return side, (), (), side


def family_key(ens: Ensemble):
    """Cache key of the compiled code of ``ens``: its two families (and concrete finite laws)."""
    return (_side_twin(ens.var, "v")[3], _side_twin(ens.check, "c")[3])


def family_params(ens: Ensemble) -> tuple:
    """Exact parameter values of ``ens`` in the order of :func:`family_function`'s symbols."""
    return _side_twin(ens.var, "v")[2] + _side_twin(ens.check, "c")[2]


class _Family:
    """Symbolic twin of a family pair with lazily compiled functions (mpmath, numpy, arb)."""

    def __init__(self, ens: Ensemble):
        v, vs, _, _ = _side_twin(ens.var, "v")
        c, cs, _, _ = _side_twin(ens.check, "c")
        self.twin = Ensemble(v, c)
        self.symbols = vs + cs
        self.exprs: dict = {}
        self.compiled: dict = {}

    def expr(self, name: str, builder):
        if name not in self.exprs:
            # a symbolic exponent differentiates to e b^e b'/b: powsimp folds b^e/b
            # into b^(e-1), so nothing is divided by a base that vanishes (x = 1)
            self.exprs[name] = sp.powsimp(builder(self.twin))
        return self.exprs[name]

    def function(self, name: str, builder, backend: str):
        key = (name, backend)
        if key not in self.compiled:
            expr = self.expr(name, builder)
            args = (X,) + self.symbols
            if backend == "arb":
                from .certify import arb_lambdify

                self.compiled[key] = arb_lambdify(args, expr)
            else:
                self.compiled[key] = lambdify_mp(args, expr, modules=backend)
        return self.compiled[key]


_FAMILIES: dict = {}


def _family_of(ens: Ensemble) -> _Family:
    key = family_key(ens)
    fam = _FAMILIES.get(key)
    if fam is None:
        if len(_FAMILIES) > 128:
            _FAMILIES.clear()
        fam = _FAMILIES[key] = _Family(ens)
    return fam


def precision_guard(ens: Ensemble) -> int:
    """Extra working digits for large parameters: about 2 log10 of the largest degree / exponent.

    ``1 - (1 - x)^(r - 1)`` and ``(1 - p + p x)^(N - 1)`` lose about
    ``log10(N)`` digits to cancellation, once in y and once in eps(x).
    """
    big = 1
    for p in family_params(ens):
        q = sp.Rational(p)
        big = max(big, abs(int(q.p)) // max(1, int(q.q)))
    return 2 * len(str(big))


def _mpf_exact(q):
    q = sp.sympify(q)
    if q.is_Rational:
        return mp.mpf(int(q.p)) / int(q.q)
    return mp.mpf(sp.N(q, mp.mp.dps + 10))


class _Bound:
    """A compiled family function of (x, *params) with this ensemble's parameters bound.

    Parameters are converted from their exact values at the precision in force
    at each call (mpmath, Arb) or once (numpy floats).
    """

    __slots__ = ("f", "params", "backend", "_prec", "_vals")

    def __init__(self, f, params, backend):
        self.f, self.params, self.backend = f, tuple(params), backend
        self._prec, self._vals = None, ()
        if backend == "numpy":
            self._vals = tuple(float(p) for p in self.params)

    def _values(self):
        if self.backend == "numpy" or not self.params:
            return self._vals
        if self.backend == "arb":
            from flint import ctx

            from .certify import arb_of

            prec = ctx.prec
            if prec != self._prec:
                self._vals, self._prec = tuple(arb_of(sp.Rational(p)) for p in self.params), prec
            return self._vals
        prec = mp.mp.prec
        if prec != self._prec:
            self._vals, self._prec = tuple(_mpf_exact(p) for p in self.params), prec
        return self._vals

    def __call__(self, x):
        return self.f(x, *self._values())


def family_function(ens: Ensemble, name: str, builder, backend: str = "mpmath"):
    """Callable of x for ``builder(ensemble)`` (a SymPy expression in X), compiled once per family.

    Parameters
    ----------
    ens : Ensemble
    name : str
        Unique name of the quantity (the cache key together with the family).
    builder : callable
        ``Ensemble -> sympy.Expr`` in :data:`derivations.notation.X`; it is
        called on the family's *symbolic twin*, so it must use only the
        ensemble's methods (lam, rho, L, L1, eps_of_x, ...).
    backend : {"mpmath", "numpy", "arb"}

    Examples
    --------
    >>> from infoscaling.derivations.ensemble import parse_ensemble
    >>> f = family_function(parse_ensemble("regular:3/regular:6"), "eps_of_x", lambda e: e.eps_of_x(X))
    >>> with mp.workdps(20):
    ...     print(f(mp.mpf("0.26")))
    0.42944075409748011667
    """
    fam = _family_of(ens)
    return _Bound(fam.function(name, builder, backend), family_params(ens), backend)


#: Quantities of every ensemble (SymPy builders on the symbolic twin).
BUILDERS = {
    "lam": lambda e: e.lam(X),
    "rho": lambda e: e.rho(X),
    "L": lambda e: e.L(X),
    "dlam": lambda e: sp.diff(e.lam(X), X),
    "ddlam": lambda e: sp.diff(e.lam(X), X, 2),
    "drho": lambda e: sp.diff(e.rho(X), X),
    "y": lambda e: e.y_of_x(X),
    "eps_of_x": lambda e: e.eps_of_x(X),
    "deps_dx": lambda e: e.deps_dx(X),
    "d2eps_dx2": lambda e: sp.diff(e.deps_dx(X), X),
}


def ball_function(ens: Ensemble, name: str):
    """Arb (ball) version of one of :data:`BUILDERS` for ``ens`` (compiled once per family)."""
    return family_function(ens, name, BUILDERS[name], "arb")


@dataclass(frozen=True)
class CompiledEnsemble:
    """Numeric callables of an ensemble (mpmath at the caller's precision; ``*_f`` float64).

    Built from code compiled once per family (:func:`family_function`), so a
    threshold, its scaling parameters and the DE fixed points share one
    compilation, and large degrees cost no more than small ones.
    """

    ensemble: Ensemble
    lam: object
    rho: object
    L: object
    dlam: object
    ddlam: object
    drho: object
    eps_of_x: object
    deps_dx: object
    lam_f: object
    rho_f: object
    L_f: object
    low_degree: bool

    def de_map(self, eps, x):
        """f(eps, x) = eps * lambda(1 - rho(1 - x)) at the current precision."""
        return eps * self.lam(1 - self.rho(1 - x))

    def y(self, x):
        return 1 - self.rho(1 - x)

    def ball(self, name: str):
        """Arb version of ``name`` (``eps_of_x``, ``deps_dx``, ``d2eps_dx2``, ``lam``, ``rho``, ``L``, ``y``...)."""
        return ball_function(self.ensemble, name)


def low_degree_variables(ens: Ensemble) -> bool:
    """True when lambda(0) > 0, decided by a ball evaluation (exact SymPy only if the ball touches 0).

    SymPy's exact ``lambda(0)`` of a binomial law is a rational with about
    N log10(1/(1-p)) digits; the ball decides without forming it.
    """
    from .certify import workprec

    with workprec(128):
        v = ball_function(ens, "lam")(_arb_zero())
    if v.is_zero():
        return False
    if v > 0:
        return True
    return ens.has_low_degree_variables  # pragma: no cover - ball straddles 0 (cannot happen for these laws)


def _arb_zero():
    from flint import arb

    return arb(0)


@functools.lru_cache(maxsize=256)
def compile_ensemble(ens: Ensemble) -> CompiledEnsemble:
    """Numeric callables of ``ens`` (cached per ensemble; code compiled once per family)."""
    def mpf(name):
        return family_function(ens, name, BUILDERS[name], "mpmath")

    def npf(name):
        return family_function(ens, name, BUILDERS[name], "numpy")

    with np.errstate(all="ignore"):
        return CompiledEnsemble(
            ensemble=ens,
            lam=mpf("lam"),
            rho=mpf("rho"),
            L=mpf("L"),
            dlam=mpf("dlam"),
            ddlam=mpf("ddlam"),
            drho=mpf("drho"),
            eps_of_x=mpf("eps_of_x"),
            deps_dx=mpf("deps_dx"),
            lam_f=npf("lam"),
            rho_f=npf("rho"),
            L_f=npf("L"),
            low_degree=low_degree_variables(ens),
        )


def check_eps(eps, name: str = "eps") -> mp.mpf:
    """Validate an erasure probability in (0, 1) and return it as an exact-as-possible mpf.

    Strings are parsed at the current precision (``"0.1"`` is 0.1 to all digits).
    """
    if isinstance(eps, mp.mpf):
        val = eps
    else:
        try:
            q = exact(eps, name, allow_symbol=False)
        except ValueError:
            raise ValueError(f"{name} must be a number in (0, 1), got {eps!r}") from None
        val = mp.mpf(q.p) / q.q if q.is_Rational else mp.mpf(sp.N(q, mp.mp.dps + 5))
    if not mp.isfinite(val) or not (0 < val < 1):
        raise ValueError(f"{name} must be in (0, 1), got {eps!r}")
    return val


#: Working digits of the critical-point scan and its smallest x (cancellation in
#: 1 - rho(1 - x) loses about log10(1/x) digits, so the scan stops well above 10^-SCAN_DPS).
SCAN_DPS = 60
SCAN_XMIN_EXP = 20


def _scan_grid():
    lin = [mp.mpf(k) / 800 for k in range(1, 801)]
    geo = [mp.mpf(10) ** (-mp.mpf(k) / 10) for k in range(29, 10 * SCAN_XMIN_EXP + 1)]
    return sorted(set(geo + lin))


@functools.lru_cache(maxsize=256)
def critical_brackets(ens: Ensemble) -> tuple:
    """Brackets (a, b, kind) of the sign changes of eps'(x) on (0, 1]; kind 'min' or 'max'.

    Found by a sign scan of eps'(x) at SCAN_DPS digits on a grid that is linear
    (step 1/800) on (0, 1] and geometric (10 points a decade) down to 10^-20.
    """
    ce = compile_ensemble(ens)
    out = []
    with mp.workdps(SCAN_DPS):
        grid = _scan_grid()
        vals = [ce.deps_dx(x) for x in grid]
        for (a, fa), (b, fb) in zip(zip(grid, vals), zip(grid[1:], vals[1:])):
            if fa < 0 <= fb:
                out.append((a, b, "min"))
            elif fa > 0 >= fb:
                out.append((a, b, "max"))
    return tuple(out)


@functools.lru_cache(maxsize=256)
def local_minima(ens: Ensemble) -> tuple:
    """Local minima of eps(x) in (0, 1], refined to SCAN_DPS digits (cached)."""
    ce = compile_ensemble(ens)
    out = []
    with mp.workdps(SCAN_DPS):
        for a, b, kind in critical_brackets(ens):
            if kind == "min":
                out.append(mp.findroot(ce.deps_dx, (a, b), solver="anderson"))
    return tuple(out)


def _grid(top) -> list:
    """Descending scan grid on (0, top]: linear near the top, geometric towards 0."""
    lin = [top * mp.mpf(k) / 600 for k in range(600, 0, -1)]
    geo = [top * mp.mpf(10) ** (-mp.mpf(k) / 8) for k in range(int(8 * 2.5) + 1, 8 * 60)]
    return lin + geo


def _largest_root(ens: Ensemble, eps) -> mp.mpf:
    """Largest root of g(x) = f(eps, x) - x in [0, eps] at the current precision."""
    ce = compile_ensemble(ens)

    def g(x):
        return ce.de_map(eps, x) - x

    # the narrow region where eps(x) dips below eps next to a local minimum of
    # eps(x) would fall between grid points just above a jump: add those minima
    extra = [+xm for xm in local_minima(ens) if xm < eps]
    grid = sorted(set(_grid(eps)) | set(extra), reverse=True)
    prev = eps
    gprev = g(prev)
    if gprev == 0:
        return prev
    for x in grid:
        if x >= prev:
            continue
        gx = g(x)
        if gx >= 0:
            if gx == 0:
                return x
            return mp.findroot(g, (x, prev), solver="anderson")
        prev, gprev = x, gx
    # nothing non-negative above eps*1e-60: for lambda(0) = 0 the fixed point is 0
    if not ce.low_degree:
        return mp.mpf(0)
    lo = mp.mpf(0)
    if g(lo) < 0:  # pragma: no cover - impossible: g(0) = eps lambda(0) > 0
        raise ArithmeticError("no bracket for the DE fixed point")
    return mp.findroot(g, (lo, prev), solver="anderson")


def largest_fixed_point(ens: Ensemble, eps, dps: int = 30) -> mp.mpf:
    """DE limit x_inf from x0 = eps: the largest fixed point of f(eps, .) in [0, eps].

    Parameters
    ----------
    ens : Ensemble
    eps : str, number or sympy number
        Channel erasure probability in (0, 1).
    dps : int
        Digits to return, verified by recomputation at higher precision.

    Returns
    -------
    mpmath.mpf
        The fixed point (0 when DE converges to zero).

    Raises
    ------
    ValueError
        For eps outside (0, 1) or invalid dps.
    """
    dps = check_dps(dps)

    def compute():
        return _largest_root(ens, check_eps(eps))

    return verified(compute, dps).value


def residual_fraction(ens: Ensemble, eps, dps: int = 30) -> mp.mpf:
    """Post-decoding erased fraction eps * L(y_inf) predicted by DE."""
    dps = check_dps(dps)
    ce = compile_ensemble(ens)

    def compute():
        e = check_eps(eps)
        x = _largest_root(ens, e)
        return e * ce.L(ce.y(x))

    return verified(compute, dps).value


def de_iterate(ens: Ensemble, eps, tol=None, max_iter: int = 10**7, dps: int = 30):
    """Iterate DE from x0 = eps until the step is below ``tol``.

    Returns ``(x, iterations)``.  For *counting* iterations (training time,
    claim A11); the fixed point itself should come from :func:`largest_fixed_point`.
    """
    dps = check_dps(dps)
    with mp.workdps(dps + 10):
        e = check_eps(eps)
        tol = mp.mpf(10) ** (-dps) if tol is None else mp.mpf(tol)
        ce = compile_ensemble(ens)
        x = e
        for it in range(1, max_iter + 1):
            nx = ce.de_map(e, x)
            if abs(nx - x) < tol:
                return nx, it
            x = nx
    raise ArithmeticError(f"DE did not converge in {max_iter} iterations")
