"""Degree-distribution design: the LP (HiGHS) with a verified threshold, and the heavy-tail family.

:func:`design` solves the LP of :mod:`infoscaling.derivations.design` for a
given check side, target eps and maximum variable degree, by cutting planes:

1. solve the LP with the DE constraint imposed on a grid of x (linear and
   geometric) at eps (1 + margin);
2. round lambda to exact rationals (denominator 10^12, summing to 1) -- the
   designed ensemble is then an exact ``poly:`` string;
3. compute its *true* BP threshold with :func:`numeric.thresholds.bp_threshold`
   (every digit verified; never the LP's grid);
4. if it is below the target, add the critical points where eps(x) dips
   below the target as new constraint rows, grow the margin, and repeat.

The LP imposes the constraint only on a finite set of x, so it is a
*relaxation*: its optimum at exactly eps on the final constraint set,
``rate_upper_bound``, bounds the best rate of any law with max degree vmax from
above; the verified design bounds it from below.  ``discretisation_gap`` is the
difference (the LP's discretisation error, stated, not hidden).

Examples
--------
>>> r = design("regular:6", "0.4", 8)
>>> r.threshold_value >= 0.4, r.rate <= r.rate_upper_bound
(True, True)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath as mp
import numpy as np
import sympy as sp
from infoscaling.derivations.degree import FiniteSupport, Poisson, exact
from infoscaling.derivations.ensemble import Ensemble, parse_side

from .errors import InputError, LimitError, VerificationError, input_error

__all__ = ["MAX_VMAX", "DesignResult", "design", "design_u_form", "potential_design", "check_vmax",
           "lp_grid"]

#: Largest maximum degree accepted (verification of a degree-V polynomial at high precision).
MAX_VMAX = 200
#: Denominator of the exact rational coefficients of a design.
DENOMINATOR = 10**12


def check_vmax(vmax) -> int:
    """Validate the maximum variable degree (2 <= vmax <= MAX_VMAX)."""
    from . import validate

    v = validate.integer(vmax, "--vmax", 2)
    if v > MAX_VMAX:
        raise input_error("--vmax", vmax, f"an integer <= {MAX_VMAX} (verification cost)", LimitError)
    return v


def _check_eps(eps) -> Fraction:
    from . import validate

    return validate.probability(eps, "--eps")


def lp_grid(points: int = 600) -> np.ndarray:
    """Constraint grid on (0, 1]: geometric below 0.01, linear above."""
    return np.unique(np.concatenate([np.geomspace(1e-6, 1e-2, points // 6),
                                     np.linspace(1e-2, 1.0, points - points // 6)]))


def _y(check_code, x):
    from .coupled import check_message

    return check_message(check_code, np.atleast_1d(np.asarray(x, dtype=float)))


@dataclass
class DesignResult:
    """A designed variable law and what it achieves (CLI keys via :meth:`to_json`)."""

    kind: str
    check: str
    eps: Fraction
    vmax: int
    coeffs: tuple  # exact edge fractions, index i -> degree i + 1
    rate: float
    rate_exact: sp.Expr
    kappa: float
    threshold_text: str | None
    threshold_value: float
    threshold_digits: int | None
    limited_by: str
    rate_upper_bound: float | None
    rounds: int
    cuts: int
    seconds: float
    note: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def ensemble(self) -> str:
        return "poly:" + ",".join(str(c) for c in self.coeffs) + "/" + self.check

    @property
    def lam(self) -> dict:
        return {i + 1: float(c) for i, c in enumerate(self.coeffs) if c != 0}

    def node_fractions(self) -> dict:
        """Fraction of concepts of each degree (node perspective)."""
        w = {d: f / d for d, f in self.lam.items()}
        s = sum(w.values())
        return {d: v / s for d, v in w.items()}

    def to_json(self) -> dict:
        out = {
            "kind": self.kind,
            "check": self.check,
            "eps": str(self.eps),
            "vmax": self.vmax,
            "lambda": {str(d): f for d, f in self.lam.items()},
            "concept_fractions": {str(d): f for d, f in self.node_fractions().items()},
            "rate": self.rate,
            "kappa": self.kappa,
            "gap_to_capacity": (1 - float(self.eps)) - self.rate,
            "threshold": self.threshold_text,
            "threshold_digits": self.threshold_digits,
            "threshold_limited_by": self.limited_by,
            "rate_upper_bound": self.rate_upper_bound,
            "discretisation_gap": None if self.rate_upper_bound is None else self.rate_upper_bound - self.rate,
            "ensemble": self.ensemble,
            "lp_rounds": self.rounds,
            "cuts": self.cuts,
            "seconds": self.seconds,
            "note": self.note,
        }
        out.update(self.extra)
        return out


def _float_min_eps(coeffs: np.ndarray, code) -> tuple[float, float]:
    """Float screen: (argmin, min) of eps(x) = x / lambda(1 - rho(1 - x)) on a fine grid, refined."""
    xs = np.unique(np.concatenate([np.geomspace(1e-8, 1e-2, 3000), np.linspace(1e-2, 1.0, 20000)]))

    def eps_of(x):
        y = _y(code, np.atleast_1d(x))
        return np.atleast_1d(x) / np.polynomial.polynomial.polyval(y, coeffs)

    e = eps_of(xs)
    k = int(np.argmin(e))
    a, b = xs[max(k - 1, 0)], xs[min(k + 1, xs.size - 1)]
    for _ in range(60):  # golden section inside the grid cell
        c, d = b - 0.618 * (b - a), a + 0.618 * (b - a)
        if eps_of(c)[0] < eps_of(d)[0]:
            b = d
        else:
            a = c
    xm = 0.5 * (a + b)
    return float(xm), float(min(e[k], eps_of(xm)[0]))


def _rationalise(lam: np.ndarray) -> tuple:
    """Exact fractions with denominator DENOMINATOR summing to 1 (index 0 = degree 1 = 0)."""
    n = np.maximum(np.rint(lam * DENOMINATOR), 0).astype(np.int64)
    n[np.argmax(n)] += DENOMINATOR - int(n.sum())
    return (sp.Integer(0),) + tuple(sp.Rational(int(v), DENOMINATOR) for v in n)


def _solve_lp(rows: np.ndarray, xs: np.ndarray, eps: float, vmax: int, stab: float):
    """max sum lambda_i/i s.t. eps y^(i-1) . lambda <= x, sum = 1, lambda_2 <= stab; i = 2..vmax."""
    from scipy.optimize import linprog

    deg = np.arange(2, vmax + 1)
    A = eps * rows[:, None] ** (deg[None, :] - 1)
    bounds = [(0, None)] * deg.size
    bounds[0] = (0, stab)
    res = linprog(-1.0 / deg, A_ub=A, b_ub=xs, A_eq=np.ones((1, deg.size)), b_eq=[1.0],
                  bounds=bounds, method="highs")
    if res.status == 2:
        return None
    if res.status != 0:
        raise VerificationError(f"LP solver (HiGHS) failed: {res.message}")
    return np.clip(res.x, 0, None)


def _rate(lam_coeffs, check_side) -> sp.Expr:
    ens = Ensemble(FiniteSupport(lam_coeffs), check_side)
    return ens.design_rate()


def design(check, eps, vmax, *, kind: str = "lp", dps: int = 15, grid_points: int = 600,
           max_rounds: int = 12) -> DesignResult:
    """Design the variable law for ``check`` at target ``eps`` with max degree ``vmax``.

    Parameters
    ----------
    check : str
        Check side, e.g. ``poisson:12`` (the concept-text device: d_t = eps * 12)
        or ``regular:6``.
    eps : str or number
        Target erasure probability in (0, 1).
    vmax : int
        Maximum variable degree (2..MAX_VMAX).
    kind : {"lp", "heavy-tail"}
        The LP, or Shokrollahi's heavy-tail law lambda_D (needs a Poisson check
        side; D is the smallest with H(D) >= eps * mean, the closed-form
        sufficient condition).
    dps : int
        Verified digits of the threshold.

    Raises
    ------
    InputError
        Bad ``check`` / ``eps`` / ``vmax`` / ``kind``; an infeasible target
        (no law with degrees <= vmax reaches eps) names ``--eps``.
    """
    from .coupled import side_code
    from .thresholds import bp_threshold

    t0 = time.perf_counter()
    vmax = check_vmax(vmax)
    epsq = _check_eps(eps)
    try:
        side = parse_side(check, where="--check")
    except ValueError as exc:
        raise InputError(str(exc), "--check") from None
    if kind not in ("lp", "heavy-tail"):
        raise input_error("--kind", kind, "lp or heavy-tail")
    code = side_code(side)
    tt = sp.Symbol("t")
    rp1 = float(sp.diff(side.edge_gf(tt), tt).subs(tt, 1))
    epsf = float(epsq)
    eps_sp = sp.Rational(epsq.numerator, epsq.denominator)
    if kind == "heavy-tail":
        if not isinstance(side, Poisson):
            raise input_error("--check", check, "poisson:MEAN for --kind heavy-tail (Shokrollahi's family)")
        target = eps_sp * side.m
        Dv = 1
        while sp.harmonic(Dv) < target:
            Dv += 1
            if Dv + 1 > vmax:
                raise input_error("--vmax", vmax, f"at least {_heavy_tail_needed(target)} for the heavy-tail "
                                  f"family at this check side and eps (H(D) >= eps * mean)")
        from infoscaling.derivations.design import heavy_tail_lambda

        coeffs = heavy_tail_lambda(Dv).coeffs
        ens = Ensemble(FiniteSupport(coeffs), side)
        thr = bp_threshold(ens, dps=dps)
        rate = ens.design_rate()
        return DesignResult("heavy-tail", side.spec(), epsq, vmax, coeffs, float(rate), rate,
                            float((1 - rate) / eps_sp), thr.text, float(thr.value), thr.digits, thr.limited_by,
                            None, 0, 0, time.perf_counter() - t0,
                            note=f"Shokrollahi's lambda_D with D = {Dv}, the smallest D with H(D) >= eps * mean",
                            extra={"D": Dv, **_certificates(thr)})
    xs = lp_grid(grid_points)
    ys = _y(code, xs)
    stab = 1.0 / (epsf * rp1) if rp1 > 0 else 1.0
    margin = 1e-7
    cuts = 0
    thr = None
    for rounds in range(1, max_rounds + 1):
        lam = _solve_lp(ys, xs, epsf * (1 + margin), vmax, stab / (1 + margin))
        if lam is None:
            if rounds == 1:
                hint = ""
                if isinstance(side, Poisson):
                    from infoscaling.derivations.design import startup_bound

                    need = 1 + startup_bound(eps_sp * side.m)
                    if vmax < need:
                        hint = (f"; with Poisson texts of mean d_t = eps * {side.m} the start-up bound "
                                f"needs vmax >= 1 + e^(d_t-1)/d_t = {float(need):.4g}")
                raise input_error("--eps", eps, f"a target some law with degrees 2..{vmax} reaches for this "
                                  f"check side: the LP is infeasible (try a smaller --eps or a larger --vmax){hint}")
            raise VerificationError("design: the LP became infeasible while refining (margin too large)")
        coeffs = _rationalise(lam)
        # cheap float screen first; the verified threshold only for a candidate that passes it
        xm, em = _float_min_eps(np.array([float(c) for c in coeffs]), code)
        if em >= epsf:
            ens = Ensemble(FiniteSupport(coeffs), side)
            thr = bp_threshold(ens, dps=dps)
            if thr.value is not None and thr.value >= epsq.numerator / mp.mpf(epsq.denominator):
                break
            xm = float(thr.x) if thr.x is not None and thr.x > 0 else xm
        # cut: the critical point where eps(x) of this design dips below the target
        new = np.concatenate([[xm], np.linspace(max(xm - 2e-3, 1e-7), min(xm + 2e-3, 1.0), 9)])
        xs = np.unique(np.concatenate([xs, new]))
        ys = _y(code, xs)
        cuts += new.size
        margin *= 4
    else:
        raise VerificationError(f"design: no verified design reached eps = {eps} in {max_rounds} rounds")
    rate = ens.design_rate()
    extra = _certificates(thr)
    ub = _solve_lp(ys, xs, epsf, vmax, stab)
    rate_ub = None
    if ub is not None:
        L1 = 1.0 / float(np.sum(ub / np.arange(2, vmax + 1)))
        rate_ub = 1.0 - L1 / float(side.mean_degree())
    return DesignResult("lp", side.spec(), epsq, vmax, coeffs, float(rate), rate, float((1 - rate) / eps_sp),
                        thr.text, float(thr.value), thr.digits, thr.limited_by, rate_ub, rounds, cuts,
                        time.perf_counter() - t0, extra=extra)


def _certificates(thr) -> dict:
    """``enclosures`` / ``certified_by`` of the verified threshold (CLI.md, certified values)."""
    j = thr.to_json()
    enc = (j.get("enclosures") or {}).get("threshold")
    how = (j.get("certified_by") or {}).get("threshold")
    return {"enclosures": {"threshold": enc} if enc else {},
            "certified_by": {"threshold": how} if how else {}}


def _heavy_tail_needed(target) -> int:
    Dv = 1
    while sp.harmonic(Dv) < target:
        Dv += 1
    return Dv + 1


def design_u_form(dt, vmax, *, eps="1/2", **kw) -> DesignResult:
    """The concept-text design at text law Poisson(d_t): the LP on the device code with check
    Poisson(d_t/eps); kappa = (1 - rate)/eps does not depend on ``eps`` (tested)."""
    d = exact(dt, "--dt", allow_symbol=False)
    e = exact(eps, "--eps", allow_symbol=False)
    if not d > 0:
        raise input_error("--dt", dt, "a number > 0")
    return design(f"poisson:{d / e}", str(e), vmax, **kw)


def potential_design(dt, vmax, *, grid_points: int = 600, dps: int = 15) -> dict:
    """Curriculum + design ("both"): the LP with the potential constraint U(u) >= 0 (u-form).

    Maximises sum lambda_i/i subject to sum lambda_i g(u)^i/i <= g(u)/d_t - u e^{-d_t u}
    on a grid (cutting planes as in :func:`design`), then *verifies* that the
    rounded law has a positive potential at every stationary point of U on
    (0, 1] and at u = 1 (mpmath).  Returns kappa, lambda and the verification.
    """
    from scipy.optimize import linprog

    t0 = time.perf_counter()
    vmax = check_vmax(vmax)
    d = exact(dt, "--dt", allow_symbol=False)
    if not d > 0:
        raise input_error("--dt", dt, "a number > 0")
    df = float(d)
    us = lp_grid(grid_points)
    deg = np.arange(2, vmax + 1)
    margin = 1e-9
    cuts = 0
    for rounds in range(1, 13):  # noqa: B007 - the count is reported
        g = -np.expm1(-df * us)
        rhs = g / df - us * np.exp(-df * us) - margin * us * us
        A = g[:, None] ** deg[None, :] / deg[None, :]
        res = linprog(-1.0 / deg, A_ub=A, b_ub=rhs, A_eq=np.ones((1, deg.size)), b_eq=[1.0],
                      bounds=[(0, None)] * deg.size, method="highs")
        if res.status == 2:
            raise input_error("--vmax", vmax, "a larger maximum degree: the potential LP is infeasible")
        if res.status != 0:
            raise VerificationError(f"LP solver (HiGHS) failed: {res.message}")
        coeffs = _rationalise(np.clip(res.x, 0, None))
        worst_u, worst = _potential_minimum(coeffs, d, dps)
        if worst > 0:
            break
        us = np.unique(np.concatenate([us, np.linspace(max(worst_u - 1e-3, 1e-7), min(worst_u + 1e-3, 1), 9)]))
        cuts += 9
        margin *= 10
    else:
        raise VerificationError("potential design: could not verify a positive potential")
    lam = FiniteSupport(coeffs)
    kappa = lam.mean_degree() / d
    return {"kappa": float(kappa), "kappa_exact": kappa, "lambda": {i + 1: float(c) for i, c in enumerate(coeffs)
                                                                  if c != 0},
            "min_potential": float(worst), "argmin_u": float(worst_u), "rounds": rounds, "cuts": cuts,
            "dt": str(d), "vmax": vmax, "seconds": time.perf_counter() - t0,
            "ensemble_u_form": "poly:" + ",".join(str(c) for c in coeffs) + f"/poisson:{d}"}


def _potential_minimum(coeffs, d, dps: int):
    """min over (0, 1] of the u-form potential of a designed law (mpmath, stationary points refined).

    Returns (u at the minimum, U there); the minimum over the interior stationary
    points and the end u = 1 (U(0) = 0 is the learned state).
    """
    with mp.workdps(dps + 15):
        q = [mp.mpf(c.p) / c.q for c in coeffs]
        dm = mp.mpf(d.p) / d.q if d.is_Rational else mp.mpf(sp.N(d, dps + 20))

        def Lam(y):  # int_0^y lambda
            return mp.fsum(q[i] * y ** (i + 1) / (i + 1) for i in range(len(q)) if q[i])

        def lam(y):
            return mp.fsum(q[i] * y**i for i in range(len(q)) if q[i])

        def U(u):
            g = -mp.expm1(-dm * u)
            return g / dm - u * mp.exp(-dm * u) - Lam(g)

        def dU(u):  # g'(u) (u - lambda(g(u)))
            g = -mp.expm1(-dm * u)
            return dm * mp.exp(-dm * u) * (u - lam(g))

        grid = [mp.mpf(10) ** (-k / mp.mpf(4)) for k in range(40, 0, -1)] + \
            [mp.mpf(k) / 2000 for k in range(1, 2001)]
        grid = sorted(set(grid))
        best_u, best = mp.mpf(1), U(mp.mpf(1))
        prev_u, prev_d = grid[0], dU(grid[0])
        for u in grid[1:]:
            du = dU(u)
            if prev_d < 0 <= du:  # a local minimum of U: refine it
                from .roots import illinois

                um = illinois(dU, prev_u, u)
                val = U(um)
                if val < best:
                    best_u, best = um, val
            prev_u, prev_d = u, du
        return float(best_u), float(best)
