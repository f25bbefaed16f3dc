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
from infoscaling.derivations.degree import exact
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


@dataclass(frozen=True)
class CompiledEnsemble:
    """Numeric callables of an ensemble (mpmath at the caller's precision; ``*_f`` float64)."""

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


@functools.lru_cache(maxsize=256)
def compile_ensemble(ens: Ensemble) -> CompiledEnsemble:
    """Lambdify the generating functions of ``ens`` (cached per ensemble)."""
    lam, rho, L = ens.lam(X), ens.rho(X), ens.L(X)
    dlam = sp.diff(lam, X)
    with np.errstate(all="ignore"):
        return CompiledEnsemble(
            ensemble=ens,
            lam=_mp(lam),
            rho=_mp(rho),
            L=_mp(L),
            dlam=_mp(dlam),
            ddlam=_mp(sp.diff(dlam, X)),
            drho=_mp(sp.diff(rho, X)),
            eps_of_x=_mp(ens.eps_of_x(X)),
            deps_dx=_mp(ens.deps_dx(X)),
            lam_f=lambdify_mp(X, lam, modules="numpy"),
            rho_f=lambdify_mp(X, rho, modules="numpy"),
            L_f=lambdify_mp(X, L, modules="numpy"),
            low_degree=ens.has_low_degree_variables,
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
