"""Verified BP and MAP thresholds on the BEC, for any ensemble.

BP threshold (MODEL.md 1.3):

* lambda(0) = 0: eps_BP = inf over (0, 1] of eps(x) = x / lambda(1 - rho(1 - x)),
  either an interior minimum (tangency, eps'(x*) = 0) or the x -> 0 limit
  1/(lambda'(0) rho'(1)) (stability);
* lambda(0) > 0 (degree-0/1 variables, e.g. binomial / Poisson / concept-text):
  x = 0 is never a fixed point and an error-floor fixed point always exists; the
  threshold is the *jump* of the largest fixed point reached from x0 = eps, i.e.
  a local minimum of eps(x) that is below eps(x) everywhere to its right
  (a suffix minimum: the spinodal).  If eps(x) is monotone there is no jump:
  ``sharp = False`` and no number is returned.  The whole of (0, 1] is searched
  (no cut at x >= 0.1).

Critical points are located by a sign scan of eps'(x) on a mixed linear /
geometric grid, then refined by a bracketed solver at the working precision;
the value is recomputed at a higher precision and only agreeing digits are
reported.  An interval enclosure is computed with ``mpmath.iv`` when the
generating functions can be evaluated in interval arithmetic (regular,
finite-support, Poisson, binomial): the sign change of eps' is certified at the
ends of a tiny interval around x*, and eps is enclosed over that interval.

Examples
--------
>>> from infoscaling.derivations.ensemble import parse_ensemble
>>> r = bp_threshold(parse_ensemble("regular:3/regular:6"), dps=20)
>>> r.text, r.limited_by, r.digits >= 20
('0.42943981441949183716', 'tangency', True)
>>> bp_threshold(parse_ensemble("regular:2/regular:6"), dps=10).text
'0.2000000000'
>>> bp_threshold(parse_ensemble("poisson:2/poisson:12"), dps=10).sharp
False
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mpmath as mp
import sympy as sp
from infoscaling.derivations import thresholds as dth
from infoscaling.derivations.ensemble import Ensemble
from infoscaling.derivations.notation import X

from .evaluate import compile_ensemble, critical_brackets, lambdify_mp
from .precision import VerificationError, agree_digits, check_dps, directed, fmt

__all__ = ["ThresholdResult", "bp_threshold", "map_threshold", "threshold", "critical_brackets"]


@dataclass
class ThresholdResult:
    """A verified threshold with its critical point (CLI keys via :meth:`to_json`)."""

    kind: str
    value: mp.mpf | None
    x: mp.mpf | None
    y: mp.mpf | None
    sharp: bool
    limited_by: str
    dps: int
    digits: int | None
    text: str | None
    enclosure: tuple | None
    closed_form: sp.Expr | None = None
    closed_form_latex: str | None = None
    jumps: list = field(default_factory=list)
    note: str | None = None

    def to_json(self) -> dict:
        with mp.workdps(self.dps + 20):
            return self._json()

    def _json(self) -> dict:
        return {
            "kind": self.kind,
            "threshold": self.text,
            "x": None if self.x is None else fmt(self.x, self.dps),
            "y": None if self.y is None else fmt(self.y, self.dps),
            "sharp": self.sharp,
            "limited_by": self.limited_by,
            "dps": self.dps,
            "digits": self.digits,
            "enclosure": None if self.enclosure is None else [str(v) for v in self.enclosure],
            "closed_form_latex": self.closed_form_latex,
            "jumps": [fmt(j, self.dps) for j in self.jumps],
            "note": self.note,
        }


def _refine(ce, a, b):
    f = ce.deps_dx
    fa, fb = f(mp.mpf(a)), f(mp.mpf(b))
    if fa == 0:
        return mp.mpf(a)
    if fb == 0:
        return mp.mpf(b)
    x = mp.findroot(f, (mp.mpf(a), mp.mpf(b)), solver="anderson")
    return x


def _candidates(ens: Ensemble):
    """Return (kind, candidate list) where each candidate is ('tangency', a, b) or ('stability', s)."""
    ce = compile_ensemble(ens)
    brackets = critical_brackets(ens)
    mins = [(a, b) for a, b, k in brackets if k == "min"]
    if not ce.low_degree:
        s = ens.stability_bound()
        return "infimum", mins, s
    return "jump", mins, None


def _enclosure(ens: Ensemble, x_star, dps: int):
    """Rigorous interval for eps* from a certified sign change of eps' around x_star."""
    from mpmath import iv

    try:
        mods = [{"mpf": iv.mpf, "exp": iv.exp, "log": iv.log, "sqrt": iv.sqrt}, "mpmath"]
        deps = lambdify_mp(X, ens.deps_dx(X), modules=mods)
        epsx = lambdify_mp(X, ens.eps_of_x(X), modules=mods)
        old = iv.dps
        iv.dps = 2 * dps + 20
        try:
            d = iv.mpf(10) ** (-(dps + 5))
            xs = iv.mpf(str(mp.nstr(x_star, 2 * dps + 15)))
            lo, hi = xs - d, xs + d
            left = deps(iv.mpf(lo.a))
            right = deps(iv.mpf(hi.b))
            if not (left.b < 0 and right.a > 0):
                return None
            box = epsx(iv.mpf([lo.a, hi.b]))
            val = epsx(xs)
            lo_v, hi_v = box.a, min(box.b, val.b)
            return (directed(mp.mpf(lo_v), dps + 3, up=False), directed(mp.mpf(hi_v), dps + 3, up=True))
        finally:
            iv.dps = old
    except Exception:  # noqa: BLE001 - interval evaluation unsupported for this expression
        return None


def _solve_bp(ens: Ensemble, structure):
    """Compute (value, x, limited_by, jumps) at the current precision."""
    ce = compile_ensemble(ens)
    mode, mins, s = structure
    pts = []
    for a, b in mins:
        x = _refine(ce, a, b)
        pts.append((ce.eps_of_x(x), x))
    if mode == "infimum":
        best = None
        for v, x in pts:
            if best is None or v < best[0]:
                best = (v, x, "tangency")
        if s is not sp.oo:
            sv = mp.mpf(sp.Rational(s).p) / sp.Rational(s).q if s.is_Rational else mp.mpf(sp.N(s, mp.mp.dps + 5))
            if best is None or sv <= best[0]:
                best = (sv, mp.mpf(0), "stability")
        if best is None:  # eps(x) increasing from eps(0+) = oo? cannot happen with lambda(0)=0
            return None
        return best[0], best[1], best[2], [v for v, _ in pts]
    # jumps: local minima that are suffix minima of eps(x)
    jumps = []
    pts.sort(key=lambda t: t[1])
    for i, (v, x) in enumerate(pts):
        right_min = min([w for w, _ in pts[i + 1:]] + [ce.eps_of_x(mp.mpf(1))])
        if v < right_min and v < 1:  # a jump at eps >= 1 is outside the channel range
            jumps.append((v, x))
    if not jumps:
        return None, None, "none", []
    v, x = max(jumps, key=lambda t: t[0])
    return v, x, "tangency", [j[0] for j in sorted(jumps, key=lambda t: -t[0])]


def bp_threshold(ens: Ensemble, dps: int = 30) -> ThresholdResult:
    """BP threshold of ``ens`` with every reported digit verified.

    Parameters
    ----------
    ens : Ensemble
    dps : int
        Significant digits to report (1..1000).

    Returns
    -------
    ThresholdResult
        ``value`` None and ``sharp`` False when the ensemble has degree-0/1
        variables and eps(x) is monotone (no jump).

    Raises
    ------
    ValueError
        Invalid ``dps``.
    VerificationError
        When the two precisions do not agree to ``dps`` digits.
    """
    dps = check_dps(dps)
    structure = _candidates(ens)
    ce = compile_ensemble(ens)
    with mp.workdps(dps + 15):
        r1 = _solve_bp(ens, structure)
    hi = 2 * dps + 15
    with mp.workdps(hi):
        r2 = _solve_bp(ens, structure)
        if r2 is None or r2[0] is None:
            return ThresholdResult("bp", None, None, None, False, "none", dps, None, None, None,
                                   note="eps(x) is monotone: the residual erasure changes "
                                        "continuously, there is no sharp threshold")
        v1, v2 = r1[0], r2[0]
        digits = min(agree_digits(v1, v2), hi)
        if digits < dps:
            raise VerificationError(f"threshold: only {digits} digits verified (asked for {dps})")
        v, x, limited_by, jumps = r2
        if x != 0 and min(agree_digits(r1[1], x), hi) < dps:
            raise VerificationError(f"threshold: critical point x verified to fewer than {dps} digits")
        y = ce.y(x)
        text = fmt(v, dps)
        cf = dth.closed_form(ens)
        closed, closed_tex = None, None
        if cf is not None and (cf["kind"] != "stability-candidate" or limited_by == "stability"):
            closed, closed_tex = cf["expr"], cf["latex"]
            # the closed form must agree with the direct minimisation
            cval = mp.mpf(sp.N(cf["expr"], hi)) if not cf["expr"].is_Rational else mp.mpf(cf["expr"].p) / cf["expr"].q
            if agree_digits(cval, v) < dps:
                raise VerificationError(
                    f"closed form {cf['kind']} disagrees with direct minimisation: {cval} vs {v}")
        if limited_by == "stability":
            enc = (text, text) if closed is not None and closed.is_Rational and mp.mpf(text) == v else None
            if closed is not None and closed.is_Rational:
                enc = (str(closed), str(closed))
        else:
            enc = _enclosure(ens, x, dps)
        jump_vals = jumps if ce.low_degree else []
        return ThresholdResult("bp", v, x, y, True, limited_by, dps, digits, text, enc, closed,
                               closed_tex, jump_vals)


def map_threshold(ens: Ensemble, dps: int = 30) -> ThresholdResult:
    """MAP (Maxwell) threshold from the area theorem, for ensembles with lambda(0) = rho(0) = 0.

    The Maxwell point x_MAP is the root of A(x) = design rate on the upper BP
    branch (x_BP, 1], where A(x) (:func:`derivations.thresholds.map_area`) is
    decreasing; eps_MAP = eps(x_MAP).

    Raises
    ------
    ValueError
        For ensembles with degree-0/1 variables, rho(0) != 0, or no BP tangency.
    """
    dps = check_dps(dps)
    if ens.has_low_degree_variables or sp.simplify(ens.rho(sp.Integer(0))) != 0:
        raise ValueError("--kind map: the MAP threshold needs lambda(0) = 0 and rho(0) = 0 "
                         "(e.g. regular or finite-support ensembles)")
    bp = bp_threshold(ens, dps=max(dps, 20))
    area = dth.map_area(ens)
    rate = ens.design_rate()
    g_expr = area - rate
    g = lambdify_mp(X, g_expr)
    ce = compile_ensemble(ens)
    x_bp = bp.x

    def compute():
        lo = mp.mpf(x_bp) if x_bp is not None and x_bp > 0 else mp.mpf(10) ** -30
        hi_ = mp.mpf(1)
        if g(lo) < 0:
            raise ValueError("--kind map: no Maxwell point above the BP critical point for this ensemble")
        if g(lo) == 0:
            return lo, ce.eps_of_x(lo)
        xm = mp.findroot(g, (lo + mp.mpf(10) ** (-mp.mp.dps // 2), hi_ - mp.mpf(10) ** -(mp.mp.dps // 2)),
                         solver="anderson")
        return xm, ce.eps_of_x(xm)

    with mp.workdps(dps + 15):
        x1, v1 = compute()
    hi = 2 * dps + 15
    with mp.workdps(hi):
        x2, v2 = compute()
        digits = min(agree_digits(v1, v2), hi)
        if digits < dps:
            raise VerificationError(f"MAP threshold: only {digits} digits verified")
        closed_tex = None
        from infoscaling.derivations.degree import Regular
        from infoscaling.derivations.notation import latex

        if isinstance(ens.var, Regular) and isinstance(ens.check, Regular):
            poly = dth.regular_map_polynomial(int(ens.var.d), int(ens.check.d))
            closed_tex = (r"\varepsilon_{\mathrm{MAP}} = \varepsilon(x_{\mathrm{MAP}}),\quad %s = 0"
                          % latex(poly.as_expr().subs(X, sp.Symbol("x_MAP"))))
        enc = None
        # enclosure: certified sign change of A(x) - rate, then eps over the interval
        try:
            from mpmath import iv

            mods = [{"mpf": iv.mpf, "exp": iv.exp}, "mpmath"]
            gi = lambdify_mp(X, g_expr, modules=mods)
            ei = lambdify_mp(X, ens.eps_of_x(X), modules=mods)
            old = iv.dps
            iv.dps = hi
            try:
                d = iv.mpf(10) ** (-(dps + 5))
                xs = iv.mpf(mp.nstr(x2, hi - 2))
                a, b = (xs - d).a, (xs + d).b
                ga, gb = gi(iv.mpf(a)), gi(iv.mpf(b))
                if (ga.a > 0 and gb.b < 0) or (ga.b < 0 and gb.a > 0):
                    box = ei(iv.mpf([a, b]))
                    enc = (directed(mp.mpf(box.a), dps + 3, up=False), directed(mp.mpf(box.b), dps + 3, up=True))
            finally:
                iv.dps = old
        except Exception:  # noqa: BLE001
            enc = None
        return ThresholdResult("map", v2, x2, ce.y(x2), True, "maxwell", dps, digits, fmt(v2, dps),
                               enc, None, closed_tex)


def threshold(ens: Ensemble, kind: str = "bp", dps: int = 30) -> ThresholdResult:
    """Dispatch to :func:`bp_threshold` or :func:`map_threshold`."""
    if kind == "bp":
        return bp_threshold(ens, dps)
    if kind == "map":
        return map_threshold(ens, dps)
    raise ValueError(f"kind must be 'bp' or 'map', got {kind!r}")


__all__ += ["VerificationError"]
