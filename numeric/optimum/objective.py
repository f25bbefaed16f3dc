"""The objective R_learned(R) in mpmath: branch classification, value, its R-derivative.

The formula for delta depends on the *branch* at R (:class:`Branch`): whether
the ensemble has a jump (a critical point x* of eps(x)), whether the channel
is worse than the threshold (eps* < eps, consistent model) and which DE fixed
points exist.  :func:`classify` decides the branch at real R with bracketed
or checked root finding; :func:`value` evaluates R_learned at real or complex
R on a given branch (its roots polished by Newton), so that :func:`derivative`
gets dR_learned/dR by the complex-step method.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mpmath as mp

from ..errors import VerificationError
from .asymptotic import cbrt, root_on
from .problem import Problem

__all__ = ["Branch", "classify", "value", "objective", "derivative", "eps_gap", "sharp_gap", "branch_key"]


@dataclass
class Branch:
    """Which formula applies at a given R (decided at real R, reused for nearby/complex R)."""

    sharp: bool          # the ensemble has a jump (upper local minimum eps* of eps(x))
    x: object            # critical point x* (sharp)
    worse: bool          # eps* < eps: decoding stops on the upper DE fixed point (consistent model)
    xu: object           # that upper fixed point, or the unique DE fixed point (not sharp)
    xl: object = None    # lower (error-floor) DE fixed point (consistent model; None if absent)


def branch_key(br: Branch) -> tuple:
    """What distinguishes one formula of the objective from another."""
    return (br.sharp, br.worse, br.xl is None)


def _newton_x(NF, x, args, tol, maxit=60):
    """Newton on eps'(x) = 0 with ``NF`` returning (eps', eps''); returns (x, converged, eps'').

    Converged when the step falls below ``tol`` relative, or when it is already small
    (below the square root of the working precision) and stops shrinking: near a fold eps''
    is small and rounding noise in eps' keeps the step above ``tol``.
    """
    noise = mp.mpf(10) ** (-(mp.mp.dps // 2))
    prev = None
    for _ in range(maxit):
        f, fx = NF(x, *args)
        step = f / fx
        x = x - step
        if abs(step) <= tol * abs(x):
            return x, True, fx
        if prev is not None and abs(step) <= noise * abs(x) and abs(step) > abs(prev) / 2:
            return x, True, fx
        prev = step
    return x, False, fx


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


def law_parts(mf, x, R, T, dt, eps, shift):
    """(eps*, alpha, beta/Omega, nu*, P_B) at the critical point x (real or complex R).

    Without the shift beta/Omega is not evaluated (at a fold of eps'(x) it divides by zero).
    """
    if shift:
        es, a2, b3, nu = mf["law"](x, R, T, dt, eps)
    else:
        es, a2, nu = (mf[k](x, R, T, dt, eps) for k in ("eps_of_x", "alpha2", "nu"))
    al = mp.sqrt(a2)
    be = cbrt(b3) if shift else 0
    n = R / eps
    z = mp.sqrt(n) * (es - be * n ** (-mp.mpf(2) / 3) - eps) / al
    pb = _erfc(z / mp.sqrt(2)) / 2
    return es, al, be, nu, pb


def _fold_start(R, T, dt, eps):
    """Poisson-limit start for the upper critical point: u = -W_{-1}(-1/a), x = u eps/d_t."""
    a = dt * T / R
    if a <= math.e:
        return None
    from scipy import special as ssp

    u = -float(ssp.lambertw(-1.0 / a, -1).real)
    return u * eps / dt


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
    return root_on(res, mp.mpf(0), hi)


def classify(pb: Problem, R, x_guess=None, model: str | None = None) -> Branch:
    """Decide the branch at real R with bracketed / verified root finding (current precision).

    ``x_guess`` is a float critical point or a previous :class:`Branch` (warm starts);
    ``model`` overrides the problem's model (the kink search classifies as 'paper').
    """
    model = pb.model if model is None else model
    mf = pb.mf
    cp, dt, eps = pb.mpv()
    T = cp / R
    tol = mp.mpf(10) ** (-mp.mp.dps + 3)
    prev = x_guess if isinstance(x_guess, Branch) else None
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
                return Branch(True, xs, False, None)
            lg = prev.xl if prev is not None else None
            if es >= eps:
                return Branch(True, xs, False, None, _floor_root(res, dres, xs, lg, tol))
            xu = root_on(res, xs, eps)
            xl = None
            # local maximum of eps(x) below x*: eps' > 0 near 0 and < 0 just below x* (eps''(x*) > 0)
            de = lambda t: mf["deps"](t, R, T, dt, eps)  # noqa: E731
            a0, b = xs * mp.mpf(10) ** (-(mp.mp.dps // 2)), xs * (1 - mp.mpf("1e-6"))
            if de(a0) > 0 > de(b):
                xm = root_on(de, a0, b)
                if mf["eps_of_x"](xm, R, T, dt, eps) > eps:
                    xl = _floor_root(res, dres, xm, lg, tol)
            return Branch(True, xs, True, xu, xl)
    return Branch(False, None, False, root_on(res, mp.mpf(0), eps))


def value(pb: Problem, R, br: Branch, polish: int = 2, details=False, polish_x: bool = True,
          p_block=None):
    """R_learned at real or complex R on branch ``br`` (roots polished by Newton from ``br``).

    ``polish_x=False`` keeps the critical point ``br.x`` as given and ``p_block`` fixes the
    block-failure probability: at a fold of eps'(x) (where Newton on eps' is singular, x is
    solved together with R, and beta/Omega diverges) the value is the limit from the sharp side.
    """
    mf = pb.mf
    cp, dt, eps = pb.mpv()
    T = cp / R
    args = (R, T, dt, eps)
    if br.sharp:
        x = br.x
        for _ in range(polish if polish_x else 0):
            f, fx = mf["newton"](x, *args)
            x = x - f / fx
        if p_block is None:
            es, al, be, nu, pbk = law_parts(mf, x, R, T, dt, eps, pb.shift)
        else:  # at a fold: beta/Omega diverges (not evaluated), P_B is its limit
            es, nu = mf["eps_of_x"](x, *args), mf["nu"](x, *args)
            al, be, pbk = mp.sqrt(mf["alpha2"](x, *args)), None, p_block
        stuck = nu
        if br.worse:
            xu = br.xu
            for _ in range(polish):
                xu = xu - mf["de_residual"](xu, *args) / mf["dde_residual"](xu, *args)
            stuck = eps * mf["unlearned"](xu, *args)
        delta = stuck * pbk / eps
        if br.xl is not None:  # consistent model: successful decoding ends on the error floor
            xl = br.xl
            for _ in range(polish):
                f, fx = mf["resid2"](xl, *args)
                xl = xl - f / fx
            delta = delta + (1 - pbk) * mf["unlearned"](xl, *args)
        elif br.worse:  # no lower fixed point: decoding can only stop on the upper one
            delta = stuck / eps
        if details:
            return {"value": R * (1 - delta), "x": x, "threshold": es, "alpha": al, "beta": be,
                    "nu": nu, "P_B": pbk, "delta": delta, "sharp": True, "stuck_on_upper": br.worse}
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
    """R_learned(R) at the current mpmath precision (real R; see :mod:`numeric.optimum`).

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
    pb = Problem.create(dt, eps, c_prime, alpha_variant=alpha_variant, shift=shift, model=model)
    return objective_at(pb, R, x_guess=x_guess, details=details)


def objective_at(pb: Problem, R, x_guess=None, details=False):
    """:func:`objective` for a built :class:`Problem`."""
    R = mp.mpf(R)
    br = classify(pb, R, x_guess)
    return value(pb, R, br, polish=1, details=details)


def derivative(pb: Problem, R, xg=None):
    """dR_learned/dR at real R by complex step (exact to working precision); returns (H, branch)."""
    br = classify(pb, R, xg)
    h = mp.mpf(10) ** (-mp.mp.dps)
    val = value(pb, mp.mpc(R, h * R), br, polish=1)
    return val.imag / (h * R), br


def sharp_gap(pb: Problem, R, xg=None):
    """eps*(R) - eps, or None where the ensemble has no sharp threshold at R."""
    br = classify(pb, R, xg, model="paper")
    if not br.sharp:
        return None
    cp, dt, eps = pb.mpv()
    return pb.mf["eps_of_x"](br.x, R, cp / R, dt, eps) - eps


def eps_gap(pb: Problem, R, xg=None):
    """eps*(R) - eps (the kink of the consistent objective sits at its root); returns (gap, branch)."""
    br = classify(pb, R, xg, model="paper")
    if not br.sharp:
        raise VerificationError("no sharp threshold near the kink")
    cp, dt, eps = pb.mpv()
    return pb.mf["eps_of_x"](br.x, R, cp / R, dt, eps) - eps, br
