"""The compute-optimal concept-text graph: asymptotic kappa* and the finite-C' optimum.

Model (MODEL.md 1.5, :mod:`derivations.optimum`)
------------------------------------------------
With C' = R T fixed, choose R (and T = C'/R) to maximise the number of learned
concepts R_learned(R) = R (1 - delta(R)) on the finite-R binomial concept-text
ensemble lambda = (1-p+px)^(T-1), rho = (1-p+px)^(R/eps-1), p = d_t/R:

* when the ensemble has a sharp threshold (the DE fixed point jumps: eps(x)
  has an upper local minimum eps*), the AMRU law gives the waterfall failure
  probability P_B = Q(sqrt(n)(eps* - beta n^{-2/3} - eps)/alpha), n = R/eps
  (``alpha_variant='reference'`` uses the published notebook's sign-error
  alpha, ``shift=False`` drops beta, both for comparison only);
* when it has none (eps(x) monotone, small kappa) the law does not apply and
  delta is the DE residual L(y_oo) of the (unique) DE fixed point.

What delta is, exactly (``model``):

* ``model='paper'``: delta = nu* P_B / eps, nu* = eps* L(y*) (the paper's
  P_b / eps).  Where eps* < eps this still uses the critical-point erasure
  nu*, which is far below the real stuck fraction, and the objective gets a
  spurious maximum at d_t kappa = e (where the jump first appears; MODEL.md
  section 6 item 4).  Kept for comparison.
* ``model='consistent'`` (default): a failed decoding stops on the upper DE
  fixed point, a successful one on the lower (error-floor) fixed point:
  delta = P_B s/eps + (1 - P_B) L(y_low), with s = nu* when eps <= eps* and
  s = eps L(y_up(eps)) when eps > eps* (continuous at eps = eps*), and
  L(y_low) the unlearned fraction on the smallest DE fixed point (when no
  lower fixed point exists, delta = s/eps).  At the compute-optimal point of
  the paper's settings the floor is ~1e-12 and the two models agree there;
  they differ away from it (small d_t, small C').

The objective is continuous but may have kinks (eps*(R) = eps) or jumps (a
fixed point appears or disappears); :func:`finite_optimum` reports the kind
of optimum found: ``stationary``, ``kink``, ``jump`` or ``boundary`` (R = d_t,
where p -> 1, at C' ~ 1e2).

Numerics
--------
The binomial generating functions are written as exp(k log1p(p(x-1))) (SymPy
functions :class:`Log1p`, lambdified to ``numpy.log1p`` / ``mpmath.log1p``),
so neither float64 nor mpmath loses digits to 1 - p + p x when p ~ 1e-10.

:func:`finite_optimum` is a *global* optimiser over every admissible R in
[d_t, C'] (p <= 1, at least one text): a float64 scan of the objective on a
log grid (vectorised Newton for the critical point of every R), refinement of
every grid local maximum by vectorised zooms and a parabolic vertex (cells
that cannot beat the best grid value, since R_learned <= min(R, T), are
skipped), choice of the best, then mpmath refinement of the stationarity
condition dR_learned/dR = 0 by a secant iteration (bracketed fallbacks).  The derivative is exact to working precision by the
complex-step method (the critical point x*(R) is continued to complex R by
one Newton step: implicit differentiation of the tangency system).  The
result is recomputed at a second precision and reported with the digits that
agree, the objective is checked on both sides of the optimum, and an optimum
on the edge of the admissible range is flagged.

Examples
--------
>>> a = asymptotic_optimum(6, 0.5, dps=20)
>>> a["kappa_star"], a["R_over_sqrt_C"]
('4.5329896198607487742', '0.46968602424855477214')
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass

import mpmath as mp
import numpy as np
import sympy as sp
from infoscaling.derivations import optimum as dop
from infoscaling.derivations import amru as dsc
from infoscaling.derivations.degree import exact
from infoscaling.derivations.notation import latex
from scipy import special as ssp

from .precision import VerificationError, agree_digits, check_dps, fmt
from .roots import illinois

__all__ = [
    "Log1p",
    "Expm1",
    "MAX_OPT_DPS",
    "check_problem",
    "asymptotic_optimum",
    "kappa_star_value",
    "kappa_star_numeric",
    "OptimumResult",
    "objective",
    "objective_float",
    "finite_optimum",
    "sweep",
    "compute_optimal_path",
    "correction_prediction",
]

#: Largest precision accepted by the optimiser (every point is solved twice).
MAX_OPT_DPS = 120
#: Admissible compute range (float64 pre-solve needs C' well inside the double range).
MAX_C_PRIME = 1e60

_X, _R, _T, _D, _E = sp.symbols("x R T d_t eps", positive=True)


class Log1p(sp.Function):
    """log(1 + z), kept as a function so that it lambdifies to log1p."""

    def fdiff(self, argindex=1):
        return 1 / (1 + self.args[0])


def _pow1p(t, k):
    """(1 + t)^k written as exp(k log1p(t))."""
    return sp.exp(k * Log1p(t))


class Expm1(sp.Function):  # kept for symmetry of the printer map (unused by default)
    """exp(z) - 1."""

    def fdiff(self, argindex=1):
        return sp.exp(self.args[0])


def _stable_pair():
    p = _D / _R

    def lam(x):
        return _pow1p(p * (x - 1), _T - 1)

    def rho(x):
        return _pow1p(p * (x - 1), _R / _E - 1)

    def L(x):
        return _pow1p(p * (x - 1), _T)

    return lam, rho, L, _T * p


@functools.lru_cache(maxsize=4)
def _compiled(variant: str):
    """Lambdified (x, R, T, d_t, eps) functions, mpmath and numpy."""
    lam, rho, L, L1 = _stable_pair()
    y = 1 - rho(1 - _X)
    e_of_x = _X / lam(y)
    builder = dsc.alpha_squared if variant == "correct" else dsc.alpha_squared_reference
    exprs = {
        "eps_of_x": e_of_x,
        "deps": sp.diff(e_of_x, _X),
        "ddeps": sp.diff(e_of_x, _X, 2),
        "alpha2": builder(lam, rho, L1, e_of_x, _X, y),
        "beta3": dsc.beta_over_omega_cubed(lam, rho, L1, e_of_x, _X, y),
        "nu": dsc.nu_star(L, e_of_x, y),
        "de_residual": _E * lam(y) - _X,
        "unlearned": L(y),
    }
    exprs["dde_residual"] = sp.diff(exprs["de_residual"], _X)
    args = (_X, _R, _T, _D, _E)
    mpf_ = {k: sp.lambdify(args, v, modules=[{"Log1p": mp.log1p}, "mpmath"], cse=True)
            for k, v in exprs.items()}
    # combined evaluations share common subexpressions (one pass instead of several)
    mods = [{"Log1p": mp.log1p}, "mpmath"]
    mpf_["newton"] = sp.lambdify(args, [exprs["deps"], exprs["ddeps"]], modules=mods, cse=True)
    mpf_["resid2"] = sp.lambdify(args, [exprs["de_residual"], exprs["dde_residual"]], modules=mods,
                                 cse=True)
    mpf_["law"] = sp.lambdify(args, [exprs["eps_of_x"], exprs["alpha2"], exprs["beta3"], exprs["nu"]],
                              modules=mods, cse=True)
    nmods = [{"Log1p": np.log1p}, "numpy"]
    npf = {k: sp.lambdify(args, v, modules=nmods, cse=True) for k, v in exprs.items()}
    npf["newton"] = sp.lambdify(args, [exprs["deps"], exprs["ddeps"]], modules=nmods, cse=True)
    npf["resid2"] = sp.lambdify(args, [exprs["de_residual"], exprs["dde_residual"]], modules=nmods,
                                cse=True)
    npf["law"] = sp.lambdify(args, [exprs["eps_of_x"], exprs["alpha2"], exprs["beta3"], exprs["nu"]],
                             modules=nmods, cse=True)
    return mpf_, npf


def _variant(alpha_variant: str) -> str:
    if alpha_variant not in ("correct", "reference"):
        raise ValueError(f"alpha_variant must be 'correct' or 'reference', got {alpha_variant!r}")
    return alpha_variant


def check_problem(dt, eps, c_prime=None):
    """Validate (d_t, eps, C') and return floats; ValueError naming the argument.

    Examples
    --------
    >>> check_problem(6, 0.5, 100)
    (6.0, 0.5, 100.0)
    """
    try:
        dt_e, eps_e = exact(dt, "dt"), exact(eps, "eps")
    except ValueError as exc:
        raise ValueError(str(exc)) from None
    if not dt_e > 0:
        raise ValueError(f"dt must be > 0, got {dt}")
    if not (0 < eps_e < 1):
        raise ValueError(f"eps must be in (0, 1), got {eps}")
    dtf, epsf = float(dt_e), float(eps_e)
    if dtf > 1e6:
        raise ValueError(f"dt must be <= 1e6, got {dt}")
    if c_prime is None:
        return dtf, epsf
    if isinstance(c_prime, (np.floating, np.integer)):
        c_prime = float(c_prime)
    if isinstance(c_prime, float):
        cp = c_prime
    else:
        try:
            cp = float(exact(c_prime, "compute"))
        except ValueError as exc:
            raise ValueError(str(exc)) from None
    if not math.isfinite(cp) or cp <= 0:
        raise ValueError(f"compute C' must be a positive number, got {c_prime}")
    if cp < 4 * dtf:
        raise ValueError(f"compute C' = {c_prime} is too small: C' = R T needs R >= dt (p = dt/R <= 1) "
                         f"and T >= 1 text, i.e. C' >= dt (here at least {4 * dtf:g} so that R has room)")
    if cp > MAX_C_PRIME:
        raise ValueError(f"compute C' must be <= {MAX_C_PRIME:g}, got {c_prime}")
    return dtf, epsf, cp


# ---------------------------------------------------------------- asymptotics
def kappa_star_value(dt, dps: int = 30) -> mp.mpf:
    """kappa*(d_t) from the derived closed form, at ``dps`` working digits (d_t > e)."""
    d = exact(dt, "dt")
    if not d > sp.E:
        raise ValueError(f"dt must exceed e = 2.718... for a sharp transition in kappa, got {dt}")
    with mp.workdps(dps):
        W = mp.lambertw(-1 / mp.mpf(sp.N(d, dps + 10)), 0).real
        return -W * mp.exp(-1 / W) / mp.mpf(sp.N(d, dps + 10))


def kappa_star_numeric(dt, dps: int = 30) -> dict:
    """kappa* by two routes that do not use Lambert W (for cross-checks).

    * ``tangency``: mpmath's multidimensional Newton on the tangency system
      (fixed point and map slope 1, :func:`derivations.optimum.kappa_star_tangency_system`);
    * ``fold``: the bracketed root of the fold condition v log(d_t/v) = 1 on
      (1, d_t) (the upper fold), then kappa(v).

    Returns ``{"tangency": mpf, "fold": mpf, "v": mpf}``.
    """
    d = exact(dt, "dt")
    if not d > sp.E:
        raise ValueError(f"dt must exceed e, got {dt}")
    F1, F2 = dop.kappa_star_tangency_system(d)
    f1 = sp.lambdify((dop.V, dop.KAPPA), F1, "mpmath")
    f2 = sp.lambdify((dop.V, dop.KAPPA), F2, "mpmath")
    kfun = sp.lambdify(dop.V, dop.fixed_point_kappa(d), "mpmath")
    fold = sp.lambdify(dop.V, dop.fold_condition().subs(dop.DT, d), "mpmath")
    with mp.workdps(dps + 10):
        df = mp.mpf(sp.N(d, dps + 20))
        tol = mp.mpf(10) ** (-(dps + 4))
        # bracketed root of the fold condition on (1, d_t): g(1) = log d_t - 1 > 0 > g(d_t) = -1
        v = _illinois(fold, mp.mpf(1), df)
        k_fold = kfun(v)
        # Newton on the 2x2 tangency system from a rough start (1% off)
        v0 = mp.mpf(float(v)) * (1 + mp.mpf("0.01"))
        k0 = kfun(v0)
        sol = mp.findroot([f1, f2], (v0, k0), tol=tol**2, verify=False, maxsteps=200)
        res = max(abs(f1(sol[0], sol[1])), abs(f2(sol[0], sol[1])))
        if res > tol:
            raise VerificationError(f"tangency system: residual {mp.nstr(res, 5)} after Newton")
        return {"tangency": sol[1], "fold": k_fold, "v": v}


def asymptotic_optimum(dt, eps, dps: int = 30) -> dict:
    """kappa*, R*/sqrt(C') = kappa*^(-1/2), T*/sqrt(C') = kappa*^(1/2), verified digits.

    ``eps`` is validated but does not enter (it cancels, see
    :func:`derivations.optimum.u_form_de`).

    Raises
    ------
    ValueError
        d_t <= e (no sharp transition), eps outside (0, 1), bad ``dps``.
    """
    dps = check_dps(dps)
    check_problem(dt, eps)
    d = exact(dt, "dt")
    if not d > sp.E:
        raise ValueError(f"dt must exceed e = 2.718... for a sharp transition in kappa, got {dt}")
    lo, hi = dps + 10, 2 * dps + 10
    k1, k2 = kappa_star_value(d, lo), kappa_star_value(d, hi)
    with mp.workdps(hi):
        digits = min(agree_digits(k1, k2), hi)
        if digits < dps:
            raise VerificationError(f"kappa*: only {digits} digits verified")
        cf = dop.kappa_star(dop.DT)
        return {
            "kappa_star": fmt(k2, dps),
            "R_over_sqrt_C": fmt(1 / mp.sqrt(k2), dps),
            "T_over_sqrt_C": fmt(mp.sqrt(k2), dps),
            "tokens_per_concept": fmt(k2, dps),
            "fold_v": fmt(-1 / mp.lambertw(-1 / mp.mpf(sp.N(d, hi + 5)), 0).real, dps),
            "closed_form_latex": r"\kappa^{*} = " + latex(cf),
            "dps": dps,
            "digits": digits,
            "dt": str(d),
            "eps": str(exact(eps, "eps")),
        }


# ---------------------------------------------------------------- objective
def _cbrt(v):
    return v ** (mp.mpf(1) / 3) if (isinstance(v, mp.mpc) or v >= 0) else -((-v) ** (mp.mpf(1) / 3))


def _newton_x(NF, x, args, tol, maxit=60):
    """Newton on eps'(x) = 0 with ``NF`` returning (eps', eps''); returns (x, converged, eps'')."""
    for _ in range(maxit):
        f, fx = NF(x, *args)
        step = f / fx
        x = x - step
        if abs(step) <= tol * abs(x):
            return x, True, fx
    return x, False, fx


def _law_parts(mf, x, R, T, dt, eps, shift):
    es, a2, b3, nu = mf["law"](x, R, T, dt, eps)
    al = mp.sqrt(a2)
    be = _cbrt(b3) if shift else 0
    n = R / eps
    z = mp.sqrt(n) * (es - be * n ** (-mp.mpf(2) / 3) - eps) / al
    pb = _erfc(z / mp.sqrt(2)) / 2
    return es, al, be, nu, pb


def _erfc(w):
    """erfc for real w, or for a complex-step argument a + i b with |b| ~ 10^-dps |a|.

    mpmath's complex erfc does not deliver the tiny imaginary part to full
    relative accuracy, so the first-order expansion
    erfc(a + i b) = erfc(a) - i b (2/sqrt(pi)) e^{-a^2} + O(b^2) is used (the
    O(b^2) term is below the working precision for complex-step arguments).
    """
    if isinstance(w, mp.mpc):
        a, b = w.real, w.imag
        if abs(b) > mp.mpf(10) ** (-mp.mp.dps // 2) * max(1, abs(a)):
            return mp.erfc(w)
        return mp.mpc(mp.erfc(a), -b * 2 / mp.sqrt(mp.pi) * mp.exp(-a * a))
    return mp.erfc(w)


def _fold_start(R, T, dt, eps):
    """Poisson-limit start for the upper critical point: u = -W_{-1}(-1/a), x = u eps/d_t."""
    a = dt * T / R
    if a <= math.e:
        return None
    u = -float(ssp.lambertw(-1.0 / a, -1).real)
    return u * eps / dt


@dataclass
class _Branch:
    """Which formula applies at a given R (decided at real R, reused for nearby/complex R)."""

    sharp: bool          # the ensemble has a jump (upper local minimum eps* of eps(x))
    x: object            # critical point x* (sharp)
    worse: bool          # eps* < eps: decoding stops on the upper DE fixed point (consistent model)
    xu: object           # that upper fixed point, or the unique DE fixed point (not sharp)
    xl: object = None    # lower (error-floor) DE fixed point (consistent model; None if absent)


def _floor_root(res, res2, hi, guess, tol):
    """The lower DE fixed point on [0, hi] (res(0) > 0 > res(hi)); Newton from ``guess`` if it stays
    inside (``res2`` returns residual and derivative), else the bracketed Illinois iteration."""
    if guess is not None:
        x = mp.mpf(guess)
        for _ in range(8):
            f, fx = res2(x)
            step = f / fx
            x = x - step
            if not (0 < x < hi):
                break
            if abs(step) <= tol * abs(x):
                return x
    return _illinois(res, mp.mpf(0), hi)


def _classify(R, cp, dt, eps, mf, model, x_guess=None) -> _Branch:
    """Decide the branch at real R with bracketed / verified root finding (current precision).

    ``x_guess`` is a float critical point or a previous :class:`_Branch` (warm starts).
    """
    T = cp / R
    tol = mp.mpf(10) ** (-mp.mp.dps + 3)
    prev = x_guess if isinstance(x_guess, _Branch) else None
    if prev is not None:
        x_guess = prev.x
    x = mp.mpf(x_guess) if x_guess is not None else None
    if x is None:
        g = _fold_start(float(R), float(T), float(dt), float(eps))
        x = None if g is None else mp.mpf(g)
    res = lambda t: mf["de_residual"](t, R, T, dt, eps)  # noqa: E731
    dres = lambda t: mf["resid2"](t, R, T, dt, eps)  # noqa: E731
    if x is not None:
        xs, ok, fxx = _newton_x(mf["newton"], x, (R, T, dt, eps), tol)
        if ok and 0 < xs < 1 and fxx > 0:
            es = mf["eps_of_x"](xs, R, T, dt, eps)
            if model != "consistent":
                return _Branch(True, xs, False, None)
            lg = prev.xl if prev is not None else None
            if es >= eps:
                return _Branch(True, xs, False, None, _floor_root(res, dres, xs, lg, tol))
            xu = _illinois(res, xs, eps)
            xl = None
            # local maximum of eps(x) below x*: eps' > 0 near 0 and < 0 just below x* (eps''(x*) > 0)
            de = lambda t: mf["deps"](t, R, T, dt, eps)  # noqa: E731
            a0, b = xs * mp.mpf(10) ** (-(mp.mp.dps // 2)), xs * (1 - mp.mpf("1e-6"))
            if de(a0) > 0 > de(b):
                xm = _illinois(de, a0, b)
                if mf["eps_of_x"](xm, R, T, dt, eps) > eps:
                    xl = _floor_root(res, dres, xm, lg, tol)
            return _Branch(True, xs, True, xu, xl)
    return _Branch(False, None, False, _illinois(res, mp.mpf(0), eps))


def _illinois(f, a, b):
    """Root of f on [a, b] with f(a) > 0 >= f(b): :func:`numeric.roots.illinois` with an
    absolute floor 10^-dps (b - a) for roots near 0 (the error-floor fixed points)."""
    a, b = mp.mpf(a), mp.mpf(b)
    fa, fb = f(a), f(b)
    if fa <= 0:
        return a
    if fb > 0:
        raise VerificationError("DE fixed point not bracketed")
    tol = mp.mpf(10) ** (-mp.mp.dps + 4)
    return illinois(f, a, b, fa, fb, rtol=tol, atol=tol * mp.mpf(10) ** (-mp.mp.dps) * (b - a))


def _value(R, cp, dt, eps, mf, shift, br: _Branch, polish: int = 2, details=False):
    """R_learned at real or complex R on branch ``br`` (roots polished by Newton from ``br``)."""
    T = cp / R
    args = (R, T, dt, eps)
    if br.sharp:
        x = br.x
        for _ in range(polish):
            f, fx = mf["newton"](x, *args)
            x = x - f / fx
        es, al, be, nu, pb = _law_parts(mf, x, R, T, dt, eps, shift)
        stuck = nu
        if br.worse:
            xu = br.xu
            for _ in range(polish):
                xu = xu - mf["de_residual"](xu, *args) / mf["dde_residual"](xu, *args)
            stuck = eps * mf["unlearned"](xu, *args)
        delta = stuck * pb / eps
        if br.xl is not None:  # consistent model: successful decoding ends on the error floor
            xl = br.xl
            for _ in range(polish):
                f, fx = mf["resid2"](xl, *args)
                xl = xl - f / fx
            delta = delta + (1 - pb) * mf["unlearned"](xl, *args)
        elif br.worse:  # no lower fixed point: decoding can only stop on the upper one
            delta = stuck / eps
        if details:
            return {"value": R * (1 - delta), "x": x, "threshold": es, "alpha": al, "beta": be,
                    "nu": nu, "P_B": pb, "delta": delta, "sharp": True, "stuck_on_upper": br.worse}
        return R * (1 - delta)
    xu = br.xu
    for _ in range(polish):
        xu = xu - mf["de_residual"](xu, *args) / mf["dde_residual"](xu, *args)
    delta = mf["unlearned"](xu, *args)
    if details:
        return {"value": R * (1 - delta), "x": xu, "threshold": None, "alpha": None, "beta": None,
                "nu": None, "P_B": None, "delta": delta, "sharp": False, "stuck_on_upper": False}
    return R * (1 - delta)


def objective(R, c_prime, dt, eps, *, alpha_variant="correct", shift=True, x_guess=None, details=False,
              model="consistent"):
    """R_learned(R) at the current mpmath precision (real R; see module docstring).

    Returns the objective, or with ``details=True`` a dict with ``value``,
    ``x``, ``threshold``, ``alpha``, ``beta``, ``nu``, ``P_B``, ``delta``,
    ``sharp`` and ``stuck_on_upper``.

    Examples
    --------
    >>> import mpmath as mp
    >>> with mp.workdps(20):
    ...     d = objective(400, 1e6, 6, 0.5, details=True)
    >>> d["sharp"], round(float(d["value"]), 3)
    (True, 359.294)
    """
    mf, _ = _compiled(_variant(alpha_variant))
    R, cp, dt, eps = mp.mpf(R), mp.mpf(c_prime), mp.mpf(dt), mp.mpf(eps)
    br = _classify(R, cp, dt, eps, mf, model, x_guess)
    return _value(R, cp, dt, eps, mf, shift, br, polish=1, details=details)


def _H(R, cp, dt, eps, mf, shift, model, xg=None):
    """dR_learned/dR at real R by complex step (exact to working precision); returns (H, branch)."""
    br = _classify(R, cp, dt, eps, mf, model, xg)
    h = mp.mpf(10) ** (-mp.mp.dps)
    val = _value(mp.mpc(R, h * R), cp, dt, eps, mf, shift, br, polish=1)
    return val.imag / (h * R), br


def _eps_gap(R, cp, dt, eps, mf, model, xg=None):
    """eps*(R) - eps (the kink of the consistent objective sits at its root)."""
    br = _classify(R, cp, dt, eps, mf, "paper", xg)
    if not br.sharp:
        raise VerificationError("no sharp threshold near the kink")
    return mf["eps_of_x"](br.x, R, cp / R, dt, eps) - eps, br


# ---------------------------------------------------------------- float64 stage
def objective_float(R, c_prime, dt, eps, alpha_variant="correct", shift=True, model="consistent"):
    """Vectorised float64 objective over an array of R (used by the global scan).

    Returns (values, x, sharp) arrays.
    """
    _, nf = _compiled(_variant(alpha_variant))
    R = np.atleast_1d(np.asarray(R, dtype=float))
    T = c_prime / R
    a = dt * T / R
    val = np.empty_like(R)
    xs = np.full_like(R, np.nan)
    sharp = np.zeros(R.shape, dtype=bool)
    with np.errstate(all="ignore"):
        has = a > math.e
        u = np.where(has, -ssp.lambertw(-1.0 / np.where(has, a, 3.0), -1).real, np.nan)
        x = u * eps / dt
        args = lambda m: (R[m], T[m], dt, eps)  # noqa: E731
        m = has.copy()
        for _ in range(40):
            if not m.any():
                break
            f, fx = nf["newton"](x[m], *args(m))
            step = f / fx
            x[m] = np.clip(x[m] - step, 1e-300, 1.0)
            done = ~(np.abs(step) > 1e-14 * x[m])  # converged (or nan: left to the checks below)
            idx = np.flatnonzero(m)
            m[idx[done]] = False
        ok = has & np.isfinite(x) & (x > 0) & (x < 1)
        f_ok, fx_ok = nf["newton"](x[ok], *args(ok))
        good = (np.abs(f_ok) < 1e-6 * np.maximum(1.0, np.abs(nf["eps_of_x"](x[ok], *args(ok))) / x[ok])) \
            & (fx_ok > 0)
        ok[ok] = good
        sharp = ok
        if ok.any():
            Rk, Tk, xk = R[ok], T[ok], x[ok]
            es, a2, b3, nu = (np.broadcast_to(v, xk.shape) for v in nf["law"](xk, Rk, Tk, dt, eps))
            al = np.sqrt(a2)
            be = np.cbrt(b3) if shift else 0.0
            n = Rk / eps
            z = np.sqrt(n) * (es - be * n ** (-2.0 / 3.0) - eps) / al
            stuck = nu.copy()
            if model == "consistent":
                worse = es < eps  # channel worse than threshold: decoding stops on the upper fixed point
                if worse.any():
                    Rw, Tw = Rk[worse], Tk[worse]
                    xu = _vroot(lambda t: nf["resid2"](t, Rw, Tw, dt, eps), xk[worse].copy(),
                                np.full(int(worse.sum()), eps), np.full(int(worse.sum()), eps))
                    stuck[worse] = eps * nf["unlearned"](xu, Rw, Tw, dt, eps)
            pbk = 0.5 * ssp.erfc(z / math.sqrt(2))
            delta = stuck * pbk / eps
            if model == "consistent":
                delta = delta + (1 - pbk) * _floor_float(nf, xk, es, stuck, Rk, Tk, dt, eps)
            val[ok] = Rk * (1 - delta)
            xs[ok] = xk
        nm = ~ok
        if nm.any():
            Rn, Tn = R[nm], T[nm]
            lo = np.zeros_like(Rn)
            hi = np.full_like(Rn, eps)
            for _ in range(56):
                mid = 0.5 * (lo + hi)
                g = nf["de_residual"](mid, Rn, Tn, dt, eps)
                pos = g > 0
                lo = np.where(pos, mid, lo)
                hi = np.where(pos, hi, mid)
            xf = 0.5 * (lo + hi)
            delta = nf["unlearned"](xf, Rn, Tn, dt, eps)
            val[nm] = Rn * (1 - delta)
    val = np.where(np.isfinite(val), val, -np.inf)
    return val, xs, sharp


def _floor_float(nf, xk, es, stuck, Rk, Tk, dt, eps):
    """Unlearned fraction on the lower (error-floor) DE fixed point, vectorised float64.

    Below threshold (eps* >= eps) the lower fixed point is the unique root on (0, x*); above it,
    the root on (0, x_max) when eps(x_max) > eps (x_max the local maximum of eps(x)), otherwise
    there is none and the decoder can only stop on the upper fixed point (floor = stuck/eps).
    """
    hi = xk.copy()
    floor = np.full_like(xk, np.nan)
    worse = es < eps
    if worse.any():
        Rw, Tw = Rk[worse], Tk[worse]
        lo_ = xk[worse] * 1e-12
        hi_ = xk[worse] * (1 - 1e-6)
        valid = (nf["deps"](lo_, Rw, Tw, dt, eps) > 0) & (nf["deps"](hi_, Rw, Tw, dt, eps) < 0)
        # the local maximum of eps(x) below x*: safeguarded Newton on eps'(x) from the Poisson guess
        with np.errstate(all="ignore"):
            a = dt * Tw / Rw
            g0 = -ssp.lambertw(-1.0 / np.maximum(a, math.e), 0).real * eps / dt
        xm = _vroot(lambda t: nf["newton"](t, Rw, Tw, dt, eps), lo_, hi_, g0)
        em = nf["eps_of_x"](xm, Rw, Tw, dt, eps)
        exists = valid & (em > eps) & np.isfinite(em)
        hw = np.where(exists, xm, np.nan)
        hi[worse] = hw
        fw = floor[worse]
        fw[~exists] = (stuck[worse] / eps)[~exists]
        floor[worse] = fw
    todo = np.isnan(floor)
    if todo.any():
        Rt, Tt, ht = Rk[todo], Tk[todo], hi[todo]
        # DE from x = 0 climbs monotonically towards the smallest fixed point: a good Newton start
        x = np.zeros(int(todo.sum()))
        for _ in range(3):
            x = np.minimum(x + nf["de_residual"](x, Rt, Tt, dt, eps), ht)
        x = _vroot(lambda t: nf["resid2"](t, Rt, Tt, dt, eps), np.zeros_like(x), ht, x)
        floor[todo] = nf["unlearned"](x, Rt, Tt, dt, eps)
    return floor


def _vroot(fun2, lo, hi, x0, maxit=80):
    """Vectorised safeguarded Newton: roots of f on [lo, hi] with f(lo) > 0 > f(hi).

    ``fun2(x)`` returns (f, f'); a Newton step leaving the current bracket is replaced by
    bisection, so every component converges (bisection at worst).
    """
    lo, hi = lo.astype(float).copy(), hi.astype(float).copy()
    scale = 1e-14 * hi  # absolute resolution (roots that are essentially 0, e.g. tiny error floors)
    x = np.where((x0 > lo) & (x0 < hi), x0, 0.5 * (lo + hi))
    active = np.ones(x.shape, dtype=bool)
    with np.errstate(all="ignore"):
        for _ in range(maxit):
            f, fx = fun2(x)
            f = np.broadcast_to(f, x.shape)
            fx = np.broadcast_to(fx, x.shape)
            pos = f > 0
            lo = np.where(pos, x, lo)
            hi = np.where(pos, hi, x)
            step = f / fx
            xn = x - step
            out = ~((xn > lo) & (xn < hi)) | ~np.isfinite(xn)
            xn = np.where(out, 0.5 * (lo + hi), xn)
            done = (np.abs(step) <= 1e-12 * np.abs(x) + scale) | (hi - lo <= 1e-12 * hi) \
                | ~np.isfinite(f)
            xn = np.where(done & ~out, xn, np.where(done, x, xn))
            x = np.where(active, xn, x)
            active &= ~done
            if not active.any():
                break
    return x


def _float_optimum(cp, dt, eps, variant, shift, grid_points=120, warm=None, model="consistent",
                   zoom_levels=6, zoom_points=16):
    """Global float64 optimum over R in [dt, cp].

    A log grid over the whole admissible range; every grid local maximum is
    refined by ``zoom_levels`` vectorised zooms (``zoom_points`` each) and a
    parabolic vertex; the best refined candidate wins.  Returns
    ``(R, value, edge, bracket, x)`` with ``edge`` 'lower'/'upper'/None and
    ``x`` the critical point at R (nan when the ensemble has no jump there).
    """
    lo, hi = math.log(dt), math.log(cp)
    grid = np.exp(np.linspace(lo, hi, grid_points))
    if warm is not None and lo < math.log(warm) < hi:
        # densify around the warm start (the global grid is always scanned as well)
        extra = warm * np.exp(np.linspace(-0.2, 0.2, 9))
        extra = extra[(extra > grid[0]) & (extra < grid[-1])]  # stay inside [d_t, C']
        grid = np.unique(np.concatenate([grid, extra]))
    vals, xs, _ = objective_float(grid, cp, dt, eps, variant, shift, model)
    k = len(grid)
    cand = [i for i in range(k) if np.isfinite(vals[i])
            and vals[i] >= (vals[i - 1] if i > 0 else -np.inf)
            and vals[i] >= (vals[i + 1] if i < k - 1 else -np.inf)]
    # R_learned <= R, and R_learned <= T (a text teaches at most one concept: it teaches when
    # exactly one of its concepts is unlearned, after which it has none), so a grid cell
    # (R_{i-1}, R_{i+1}) with min(R_{i+1}, C'/R_{i-1}) below the best grid value cannot hold the
    # maximum (2% slack for the model's approximations).
    top = max(vals[i] for i in cand)
    cand = [i for i in cand
            if min(grid[min(i + 1, k - 1)], 1.02 * cp / grid[max(i - 1, 0)]) >= top]
    best = None
    for i in cand:
        curv = None
        if i == 0 or i == k - 1:
            r, v, x, br = grid[i], vals[i], xs[i], (grid[max(i - 1, 0)], grid[min(i + 1, k - 1)])
        else:
            r, v, x = grid[i], vals[i], xs[i]
            sb = math.log(r)
            half = max(math.log(grid[i + 1]) - sb, sb - math.log(grid[i - 1]))
            zl = None
            for _ in range(zoom_levels):
                # windows are centred on the best point so far (it may sit just before a drop)
                z = np.linspace(max(sb - half, lo), min(sb + half, hi), zoom_points)
                zv, zx, _ = objective_float(np.exp(z), cp, dt, eps, variant, shift, model)
                j = int(np.argmax(zv))
                if zv[j] >= v:
                    r, v, x, sb = math.exp(z[j]), zv[j], zx[j], z[j]
                    zl = (z[j - 1], z[j], z[j + 1], zv[j - 1], zv[j], zv[j + 1]) \
                        if 0 < j < zoom_points - 1 else None
                half = (z[-1] - z[0]) / (zoom_points - 1)
            a_, b_ = max(sb - half, lo), min(sb + half, hi)
            if zl is not None:
                s0, s1, s2, f0, f1, f2 = zl
                # second derivative in s = log R -> d^2 R_learned/dR^2 ~ f''(s)/R^2 at the maximum
                fss = 2 * ((f0 - f1) / (s0 - s1) - (f2 - f1) / (s2 - s1)) / (s0 - s2)
                curv = fss / math.exp(2 * s1) if np.isfinite(fss) and fss < 0 else None
                den = (s1 - s0) * (f1 - f2) - (s1 - s2) * (f1 - f0)
                if den != 0 and np.isfinite(den):
                    sv = s1 - 0.5 * ((s1 - s0) ** 2 * (f1 - f2) - (s1 - s2) ** 2 * (f1 - f0)) / den
                    if a_ < sv < b_:
                        pv, px, _ = objective_float(np.array([math.exp(sv)]), cp, dt, eps, variant,
                                                    shift, model)
                        if pv[0] >= v:
                            r, v, x = math.exp(sv), pv[0], px[0]
            br = (math.exp(a_), math.exp(b_))
        if best is None or v > best[1]:
            best = (r, v, br, x, curv)
    r, v, br, x, curv = best
    edge = None
    if r <= grid[0] * (1 + 1e-12):
        edge = "lower"
    elif r >= grid[-1] * (1 - 1e-12):
        edge = "upper"
    return r, v, edge, br, x, curv


# ---------------------------------------------------------------- mp stage
def _bracketed_root(f, lo, hi, tol, x0=None):
    """Root of f on [lo, hi] with f(lo) > 0 > f(hi): Illinois (bracketed secant) iteration.

    ``f(R, xg) -> (value, branch)``; the branch's critical point warm-starts the next call.
    """
    flo, blo = f(lo, x0)
    fhi, bhi = f(hi, x0)
    if not (flo > 0 > fhi):
        raise VerificationError("root not bracketed")
    xg = blo if blo.sharp else None
    side = 0
    for _ in range(200):
        R = hi - fhi * (hi - lo) / (fhi - flo)
        if not (lo < R < hi):
            R = (lo + hi) / 2
        fR, br = f(R, xg)
        xg = br if br.sharp else xg
        if fR == 0:
            return R, br
        if fR > 0:
            lo, flo = R, fR
            if side == 1:
                fhi /= 2
            side = 1
        else:
            hi, fhi = R, fR
            if side == -1:
                flo /= 2
            side = -1
        if hi - lo <= tol * abs(R):
            Rs = lo - flo * (hi - lo) / (fhi - flo)
            return Rs, f(Rs, xg)[1]
    raise VerificationError("bracketed root iteration did not converge")  # pragma: no cover


def _grow_bracket(f, R0, a, b, x0, same_branch=False):
    """Smallest bracket [R0(1-r), R0(1+r)] (inside [a, b]) on which f changes sign from + to -.

    With ``same_branch`` a sign change across a change of formula (the kink) does not count:
    None is returned so that the caller can look for the kink instead.
    """
    rel = mp.mpf("1e-7")
    while True:
        lo_, hi_ = max(a, R0 * (1 - rel)), min(b, R0 * (1 + rel))
        fl, bl = f(lo_, x0)
        fh, bh = f(hi_, x0)
        if same_branch and fl > 0 and (bl.sharp, bl.worse) != (bh.sharp, bh.worse):
            # the upper end crossed the kink: pull it back (bisection) into the lower end's branch
            a2, b2 = lo_, hi_
            for _ in range(mp.mp.dps * 4):
                m = (a2 + b2) / 2
                fm, bm = f(m, x0)
                if (bm.sharp, bm.worse) == (bl.sharp, bl.worse):
                    if fm < 0:
                        return lo_, m
                    a2 = m
                else:
                    b2 = m
                if b2 - a2 <= mp.mpf(10) ** (-mp.mp.dps + 4) * b2:
                    return None
            return None
        if fl > 0 > fh:
            return lo_, hi_
        if lo_ == a and hi_ == b:
            return None
        rel *= 30


def _secant(H, R0, x0, tol, a, b, slope=None, rel0=None):
    """Plain secant on H from R0 (fast path); None when it leaves [a, b] or changes branch.

    Returns (R, branch, H(R), slope) on success.
    """
    rel0 = rel0 if rel0 is not None else mp.mpf("1e-8")
    h0, br0 = H(R0, x0)
    if not br0.sharp:
        return None
    key = (br0.sharp, br0.worse)
    xg = br0
    if slope is None:
        R1 = R0 * (1 + rel0)
        h1, br1 = H(R1, xg)
        if (br1.sharp, br1.worse) != key or h1 == h0:
            return None
        slope = (h1 - h0) / (R1 - R0)
    else:
        R1, h1 = R0, h0
    Rp, hp = R1, h1
    for _ in range(40):
        if slope >= 0:  # a maximum needs H decreasing
            return None
        Rn = Rp - hp / slope
        if not (a < Rn < b):
            return None
        hn, brn = H(Rn, xg)
        if (brn.sharp, brn.worse) != key:
            return None
        xg = brn
        step = abs(Rn - Rp)
        if hn != hp and Rn != Rp:
            slope = (hn - hp) / (Rn - Rp)
        Rp, hp = Rn, hn
        if step <= tol ** mp.mpf("0.6") * abs(Rn):
            # superlinear convergence: the next secant iterate is within ~step^1.6 <= tol;
            # return it without a further evaluation (H there is 0 up to O(step^2)).
            # The caller verifies by agreement with an independent higher-precision solve.
            return Rn - hn / slope, brn, mp.mpf(0), slope
    return None


def _mp_refine(R0, bracket, cp, dt, eps, variant, shift, model, x0=None, slope=None, rel0=None,
               tol=None):
    """Optimum at the current precision from a start R0.

    Returns (kind, R, branch, H(R) or None, slope or None), kind 'stationary' | 'kink'.
    """
    mf, _ = _compiled(variant)
    cp, dt, eps = mp.mpf(cp), mp.mpf(dt), mp.mpf(eps)
    tol = mp.mpf(10) ** (-mp.mp.dps + 6) if tol is None else tol
    a, b, R0 = mp.mpf(bracket[0]), mp.mpf(bracket[1]), mp.mpf(R0)

    def H(R, xg):
        return _H(R, cp, dt, eps, mf, shift, model, xg)

    def G(R, xg):  # decreasing in R: eps* falls as kappa = C'/R^2 falls
        return _eps_gap(R, cp, dt, eps, mf, model, xg)

    if model == "consistent" and x0 is not None:
        g0, _ = G(R0, x0)
        if abs(g0) < mp.mpf("1e-7") * eps:  # the float optimum sits on the kink eps*(R) = eps
            kb = _grow_bracket(G, R0, a, b, x0)
            if kb is not None:
                R, brr = _bracketed_root(G, kb[0], kb[1], tol, x0)
                return "kink", R, brr, None, None
    fast = _secant(H, R0, x0, tol, a, b, slope, rel0)
    if fast is not None:
        return ("stationary",) + fast
    br = _grow_bracket(H, R0, a, b, x0, same_branch=True)
    if br is not None:
        R, brr = _bracketed_root(H, br[0], br[1], tol, x0)
        return "stationary", R, brr, None, None
    if model == "consistent":
        kb = _grow_bracket(G, R0, a, b, x0)
        if kb is not None:
            R, brr = _bracketed_root(G, kb[0], kb[1], tol, x0)
            return "kink", R, brr, None, None
    jb = _jump_bracket(R0, a, b, cp, dt, eps, mf, shift, model, x0)
    if jb is not None:
        return "jump", jb[0], jb[1], None, None
    raise VerificationError("optimum could not be bracketed inside the float64 bracket")


def _key(br: _Branch):
    return (br.sharp, br.worse, br.xl is None)


def _jump_bracket(R0, a, b, cp, dt, eps, mf, shift, model, x0):
    """Supremum at a discontinuity of the objective (the formula changes: a fixed point appears or
    disappears).  Bisect on the change of branch next to R0 down to working precision; the
    optimum is the end point on the higher side.  Returns (R, branch) or None."""
    def at(R):
        br = _classify(R, cp, dt, eps, mf, model, x0)
        return br, _value(R, cp, dt, eps, mf, shift, br, polish=1)

    rel = mp.mpf("1e-7")
    while True:
        lo, hi = max(a, R0 * (1 - rel)), min(b, R0 * (1 + rel))
        bl, vl = at(lo)
        bh, vh = at(hi)
        if _key(bl) != _key(bh):
            break
        if lo == a and hi == b:
            return None
        rel *= 30
    tol = mp.mpf(10) ** (-mp.mp.dps + 6)
    while hi - lo > tol * hi:
        m = (lo + hi) / 2
        bm, vm = at(m)
        if _key(bm) == _key(bl):
            lo, bl, vl = m, bm, vm
        else:
            hi, bh, vh = m, bm, vm
    return (lo, bl) if vl >= vh else (hi, bh)


def _local_exponent(R, br, cp, dt, eps, variant, shift, model, h0=None, slope=None):
    """d log R*/d log C' = -(C' dH/dC')/(R dH/dR) (implicit function theorem on H = dR_learned/dR).

    One-sided differences from the solved point (H(R*) = ``h0`` ~ 0) with step
    10^(-dps/2): about dps/2 correct digits from two H evaluations.
    """
    mf, _ = _compiled(variant)
    cp, dt, eps = mp.mpf(cp), mp.mpf(dt), mp.mpf(eps)
    h = mp.mpf(10) ** (-(mp.mp.dps // 2))
    xg = br if br.sharp else None

    def H(Rv, cv):
        return _H(Rv, cv, dt, eps, mf, shift, model, xg)[0]

    if h0 is None:
        h0 = H(R, cp)
    dHdR = (H(R * (1 + h), cp) - h0) / h      # = R dH/dR
    dHdC = (H(R, cp * (1 + h)) - h0) / h      # = C' dH/dC'
    return -dHdC / dHdR


def _kink_exponent(R, br, cp, dt, eps, variant, model):
    """Local exponent when the optimum is the kink eps*(R; C') = eps: -(C' dG/dC')/(R dG/dR)."""
    mf, _ = _compiled(variant)
    cp, dt, eps = mp.mpf(cp), mp.mpf(dt), mp.mpf(eps)
    h = mp.mpf(10) ** (-(mp.mp.dps // 3))

    def G(Rv, cv):
        return _eps_gap(Rv, cv, dt, eps, mf, model, br.x)[0]

    dR = (G(R * (1 + h), cp) - G(R * (1 - h), cp)) / (2 * h)
    dC = (G(R, cp * (1 + h)) - G(R, cp * (1 - h))) / (2 * h)
    return -dC / dR


@dataclass
class OptimumResult:
    """Finite-C' optimum (CLI keys via :meth:`to_json`)."""

    c_prime: float
    dt: float
    eps: float
    R: mp.mpf
    T: mp.mpf
    kappa: mp.mpf
    learned_fraction: mp.mpf
    threshold: mp.mpf | None
    alpha: mp.mpf | None
    beta: mp.mpf | None
    nu: mp.mpf | None
    local_exponent: mp.mpf | None
    dps: int
    digits: int
    exponent_digits: int | None
    edge: str | None
    both_sides_checked: bool
    alpha_variant: str
    shift: bool
    seconds: float
    float_R: float
    kind: str = "stationary"

    def to_json(self, varsigma=2e5, tau=8e5) -> dict:
        with mp.workdps(self.dps + 20):
            d = self.dps
            N = mp.mpf(varsigma) * self.R
            D = mp.mpf(tau) * self.T
            out = {
                "C_prime": fmt(self.c_prime, 17) if self.c_prime else None,
                "R": fmt(self.R, d),
                "T": fmt(self.T, d),
                "kappa": fmt(self.kappa, d),
                "learned_fraction": fmt(self.learned_fraction, d),
                "threshold": None if self.threshold is None else fmt(self.threshold, d),
                "alpha": None if self.alpha is None else fmt(self.alpha, d),
                "beta_over_omega": None if self.beta is None or self.beta == 0 else fmt(self.beta, d),
                "nu": None if self.nu is None else fmt(self.nu, d),
                "R_over_sqrt_C": fmt(self.R / mp.sqrt(self.c_prime), d),
                "T_over_sqrt_C": fmt(self.T / mp.sqrt(self.c_prime), d),
                "N": fmt(N, d),
                "D": fmt(D, d),
                "C": fmt(6 * N * D, d),
                "local_exponent": None if self.local_exponent is None
                else fmt(self.local_exponent, max(1, min(d, self.exponent_digits or 1))),
                "local_exponent_digits": self.exponent_digits,
                "dps": d,
                "digits": self.digits,
                "on_boundary": self.edge,
                "optimum_kind": self.kind if self.edge is None else "boundary",
                "interior": self.edge is None,
                "both_sides_checked": self.both_sides_checked,
                "alpha_variant": self.alpha_variant,
                "shift": self.shift,
                "seconds": round(self.seconds, 4),
            }
            return out


def _solve_at(cp, dt, eps, variant, shift, w, R0, bracket, x0=None, exponent=True, model="consistent",
              slope=None, rel0=None, tol=None, details=True):
    with mp.workdps(w):
        kind, R, br, h0, sl = _mp_refine(R0, bracket, cp, dt, eps, variant, shift, model, x0, slope, rel0,
                                         tol)
        mf, _ = _compiled(variant)
        d = _value(R, mp.mpf(cp), mp.mpf(dt), mp.mpf(eps), mf, shift, br, details=True) if details else None
        ex = None
        if exponent and kind != "jump":
            ex = (_local_exponent(R, br, cp, dt, eps, variant, shift, model, h0, sl) if kind == "stationary"
                  else _kink_exponent(R, br, cp, dt, eps, variant, model))
        return kind, R, br, d, ex, sl


def finite_optimum(dt, eps, c_prime, dps: int = 20, *, alpha_variant: str = "correct",
                   shift: bool = True, warm: float | None = None, grid_points: int = 120,
                   exponent: bool = True, model: str = "consistent") -> OptimumResult:
    """Global compute-optimal R*, T* at finite C' with ``dps`` verified digits.

    Parameters
    ----------
    dt, eps : number
        Mean text degree d_t > 0 and the embedding's auxiliary eps in (0, 1).
    c_prime : number
        Compute in graph units C' = R T (4 d_t <= C' <= 1e60).
    dps : int
        Significant digits of R* to verify (1..MAX_OPT_DPS).
    alpha_variant : {'correct', 'reference'}
    shift : bool
        Include the beta n^{-2/3} shift of the law.
    warm : float, optional
        A previous R* scaled to this C' (sweeps); the global grid is scanned anyway.
    exponent : bool
        Also compute the local exponent d log R*/d log C'.

    Returns
    -------
    OptimumResult

    Raises
    ------
    ValueError
        Bad d_t, eps, C' or dps (message names the argument).
    VerificationError
        When the two precisions do not agree to ``dps`` digits.
    """
    t0 = time.perf_counter()
    dps = check_dps(dps)
    if dps > MAX_OPT_DPS:
        raise ValueError(f"dps must be <= {MAX_OPT_DPS} for the optimiser, got {dps}")
    dtf, epsf, cp = check_problem(dt, eps, c_prime)
    variant = _variant(alpha_variant)
    if model not in ("consistent", "paper"):
        raise ValueError(f"model must be 'consistent' or 'paper', got {model!r}")
    Rf, vf, edge, bracket, xf, curv = _float_optimum(cp, dtf, epsf, variant, shift, grid_points, warm,
                                                     model)
    w1, w2 = dps + 12, 2 * dps + 12
    def edge_result(edge):
        # at R = d_t exactly p = 1 (every text holds every concept) and the objective drops: the
        # lower-edge value is the limit R -> d_t+ (evaluated at d_t (1 + 10^-(w2-5)))
        R = mp.mpf(dtf) if edge == "lower" else mp.mpf(cp)
        with mp.workdps(w2):
            Re = R * (1 + mp.mpf(10) ** (-(w2 - 5))) if edge == "lower" else R
            d = objective(Re, cp, dtf, epsf, alpha_variant=variant, shift=shift, details=True,
                          model=model)
            d["value"] = d["value"] * R / Re
        return _result(cp, dtf, epsf, R, d, None, dps, w2, None, edge, False, variant, shift, t0, Rf)

    # the float optimum pressed against an end of [d_t, C'] (within its resolution) is an edge
    # optimum when the objective at the end is at least as large
    if edge is None:
        for end, name in ((dtf * (1 + 1e-9), "lower"), (cp, "upper")):
            if abs(Rf / end - 1) < 1e-5:
                ve = objective_float(np.array([end]), cp, dtf, epsf, variant, shift, model)[0][0]
                if ve >= vf * (1 - 1e-9):
                    edge = name
    if edge is not None:
        return edge_result(edge)
    x0 = None if not np.isfinite(xf) else xf
    # the float curvature (second difference at the maximum) seeds the secant slope
    k1, R1, b1, d1, e1, s1 = _solve_at(cp, dtf, epsf, variant, shift, w1, Rf, bracket, x0,
                                       exponent=exponent, model=model,
                                       tol=mp.mpf(10) ** (-(dps + 4)),
                                       slope=None if curv is None else mp.mpf(curv), details=False)
    # a refinement that runs into an end of the admissible range is an edge optimum
    if abs(R1 / dtf - 1) < mp.mpf("1e-9"):
        return edge_result("lower")
    if abs(R1 / cp - 1) < mp.mpf("1e-9"):
        return edge_result("upper")
    x1 = b1 if b1.sharp else None
    k2, R2, b2, d2, e2, _ = _solve_at(cp, dtf, epsf, variant, shift, w2, R1, bracket, x0=x1,
                                      exponent=exponent, model=model, slope=s1,
                                      tol=mp.mpf(10) ** (-(dps + 10)))
    if k1 != k2:
        raise VerificationError("the two precisions found different kinds of optimum")
    with mp.workdps(w2):
        digits = min(agree_digits(R1, R2), w2)
        if digits < dps:
            raise VerificationError(f"optimum R*: only {digits} digits verified (asked for {dps})")
        edig = min(agree_digits(e1, e2), w2) if exponent and e1 is not None else None
        # objective on both sides (global max is the float stage's job; this checks the refinement)
        both = True
        v0 = d2["value"]
        for hrel in (mp.mpf(10) ** (-(dps // 2)),):
            for sgn in (-1, 1):
                vs = objective(R2 * (1 + sgn * hrel), cp, dtf, epsf, alpha_variant=variant,
                               shift=shift, x_guess=x1, model=model)
                both = both and vs < v0
        if not both:
            raise VerificationError("objective is not smaller on both sides of the refined optimum")
    res = _result(cp, dtf, epsf, R2, d2, e2, dps, digits, edig, None, True, variant, shift, t0, Rf)
    res.kind = k2
    return res


def _result(cp, dt, eps, R, d, ex, dps, digits, edig, edge, both, variant, shift, t0, Rf):
    with mp.workdps(2 * dps + 12):
        T = mp.mpf(cp) / R
        return OptimumResult(cp, dt, eps, R, T, T / R, d["value"] / R, d["threshold"], d["alpha"],
                             d["beta"], d["nu"], ex, dps, digits, edig, edge, both, variant, shift,
                             time.perf_counter() - t0, Rf)


def sweep(dt, eps, c_primes, dps: int = 20, *, alpha_variant="correct", shift=True,
          progress=None, exponent=True, model="consistent") -> list[OptimumResult]:
    """Optima along a list of C' values with warm starts (R*/sqrt(C') carried over)."""
    out = []
    ratio = None
    for i, cp in enumerate(c_primes):
        warm = None if ratio is None else ratio * math.sqrt(float(cp))
        r = finite_optimum(dt, eps, cp, dps, alpha_variant=alpha_variant, shift=shift, warm=warm,
                           exponent=exponent, model=model)
        ratio = float(r.R) / math.sqrt(float(cp))
        out.append(r)
        if progress is not None:
            progress(i + 1)
    return out


def compute_optimal_path(dt, eps, c_prime_grid, *, alpha_variant="correct", shift=True,
                         model="consistent"):
    """Float64 compute-optimal path: arrays (R*, T*) over ``c_prime_grid`` (global float optimiser).

    This is the float64 stage of :func:`finite_optimum` (about 1e-10 relative
    accuracy), fast enough for dense emergence curves.

    Examples
    --------
    >>> R, T = compute_optimal_path(6, 0.5, [1e6, 1e8])
    >>> [round(float(r) / 1e3, 1) for r in R]
    [0.4, 4.4]
    """
    dtf, epsf = check_problem(dt, eps)
    variant = _variant(alpha_variant)
    Rs, Ts = [], []
    for cp in np.asarray(c_prime_grid, dtype=float):
        _, _, c = check_problem(dt, eps, cp)
        r = _float_optimum(c, dtf, epsf, variant, shift, model=model)[0]
        Rs.append(r)
        Ts.append(c / r)
    return np.asarray(Rs), np.asarray(Ts)


def correction_prediction(dt, eps, c_prime, dps: int = 30) -> dict:
    """The derived leading finite-C' correction (derivations.optimum.finite_c_correction), evaluated.

    Uses the Poisson-limit alpha, beta/Omega, nu* at kappa* (ensemble
    Poisson(d_t kappa*)/Poisson(d_t/eps)) and g = eps*/(kappa* u*).

    Returns ``{"R_ratio", "local_exponent", "dkappa", "z"}`` (mpf).
    """
    from infoscaling.derivations.degree import Poisson
    from infoscaling.derivations.ensemble import Ensemble

    from .amru import compiled_formulas

    dtf, epsf, cp = check_problem(dt, eps, c_prime)
    fc = finite_c_correction_cached()
    s = fc["symbols"]
    with mp.workdps(dps + 10):
        ks = kappa_star_value(exact(dt, "dt"), dps + 10)
        d = mp.mpf(sp.N(exact(dt, "dt"), dps + 20))
        e0 = mp.mpf(sp.N(exact(eps, "eps"), dps + 20))
        v = -1 / mp.lambertw(-1 / d, 0).real
        x = e0 * v / d
        ks_rat = sp.Rational(str(mp.nstr(ks, dps + 8)))
        ens = Ensemble(Poisson(exact(dt, "dt") * ks_rat), Poisson(exact(dt, "dt") / exact(eps, "eps")))
        f = compiled_formulas(ens)
        al = mp.sqrt(f["alpha2"](x))
        be = _cbrt(f["beta3"](x))
        nu = f["nu"](x)
        g = e0 / (ks * v)
        sub = {s["alpha"]: al, s["beta"]: be, s["g"]: g, s["c"]: nu / e0, s["kappa_star"]: ks}
        num = {k: sp.lambdify((dop.CP, dop.EPS0, *sub.keys()), fc[k], "mpmath")
               for k in ("R_ratio", "local_exponent")}
        n_val = mp.sqrt(mp.mpf(cp) / ks) / e0
        dk = sp.lambdify((s["n"], *sub.keys()), fc["dkappa"], "mpmath")(n_val, *sub.values())
        z = sp.lambdify((s["n"], *sub.keys()), fc["z"], "mpmath")(n_val, *sub.values())
        rr = sp.lambdify((s["n"], *sub.keys()), fc["R_ratio"], "mpmath")(n_val, *sub.values())
        le = num["local_exponent"](mp.mpf(cp), e0, *sub.values())
        return {"R_ratio": rr, "local_exponent": le, "dkappa": dk, "z": z, "kappa_star": ks,
                "alpha": al, "beta_over_omega": be, "nu": nu, "g": g}


@functools.lru_cache(maxsize=1)
def finite_c_correction_cached():
    return dop.finite_c_correction()
