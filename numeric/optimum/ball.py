"""The high-precision stage in ball arithmetic: refinement and certification in one step.

Everything here runs on Arb balls and Arb power series (``python-flint``):

* **Taylor series of the objective.**  Along a line through (R, T) the
  objective's formula on a branch (:class:`numeric.optimum.certify._Ctx`) is
  evaluated on ``arb_series``.  The roots it needs -- the critical point
  x*(R) of eps(x) and the upper / lower DE fixed points x_u(R), x_l(R) -- are
  implicit functions of (R, T); their series come from Newton's method *on
  series* started from the root's enclosure: each step doubles the number of
  exact coefficients, and the constant term is reset to the enclosure (which
  contains the exact root for every (R, T) in the balls).  By inclusion
  monotonicity the coefficients enclose the exact derivatives, for every
  point of the balls: no finite differences, no complex steps.
* **Stationary optimum** (a root of H = dR_learned/dR): Newton's method on H
  with H' = 2 c_2 from the float optimum (midpoint arithmetic, quadratic
  convergence), then one interval Newton step: for a ball X = m +/- r,
  N = m - H(m)/H'(X).  N strictly inside X proves exactly one root of H in X,
  enclosed by N; H' < 0 on X proves it a strict local maximum.  Refinement
  and certification are the same computation.
* **Kink optimum** (consistent model; eps*(R) = eps): the root of
  G(R) = eps(x*(R)) - eps, refined and certified the same way with
  first-order series; the one-sided slopes of the two formulas decide that it
  is a maximum.
* **Local exponent** d log R*/d log C' by the implicit function theorem on
  Phi_u = 0 (u = log R, v = log C', Phi = R_learned): -Phi_uv/Phi_uu, where
  Phi_uv = (Psi_uu - Psi_ww - Phi_uu)/2 by polarisation (Psi(u, w) the
  objective in u and w = log T: T fixed along Psi_uu, R fixed along Psi_ww).
  Every term is enclosed over the enclosure of R*, so the exponent is
  certified too.  (For a kink: -G_v/G_u.)

Any failure (a root that does not converge, a sign that cannot be certified,
a refinement that leaves the float bracket) returns None: the caller then runs
the mpmath route (:mod:`numeric.optimum.refine`, two precisions, separate
certification), which stays the independent cross-check in the tests.
"""

from __future__ import annotations

import mpmath as mp

from ..errors import VerificationError
from .certify import CERTIFIED_BY, _Ctx
from .problem import Problem

__all__ = ["BallStage", "stationary_optimum", "kink_optimum", "CERTIFIED_BY_BALL"]

#: ``certified_by`` of an optimum certified by this module.
CERTIFIED_BY_BALL = {
    "R": "arb: interval Newton on dR_learned/dR (derivatives by Arb power series, implicit roots by "
         "interval Newton and Newton on series); dR_learned/dR decreasing on the enclosure (a maximum)",
    "T": CERTIFIED_BY["T"],
    "threshold": CERTIFIED_BY["threshold"],
    "local_exponent": "arb: implicit function theorem on dR_learned/dlog R = 0 (second derivatives by Arb "
                      "power series) over the enclosure of R",
}
CERTIFIED_BY_KINK = {
    "R": "arb: interval Newton on eps*(R) - eps (x* by interval Newton, derivative by Arb power series)",
    "T": CERTIFIED_BY["T"],
    "threshold": CERTIFIED_BY["threshold"],
    "local_exponent": "arb: implicit function theorem on eps*(R, C') = eps (first derivatives by Arb "
                      "power series) over the enclosure of R",
}

def _ser(coeffs, L):
    from flint import arb_series

    return arb_series(list(coeffs), prec=L)


def _coeffs(s, L):
    """The ``L`` coefficients of a series (zeros appended where flint trimmed them)."""
    from flint import arb

    c = list(s.coeffs())
    return c + [arb(0)] * (L - len(c))


def _to_mp(ball):
    """The midpoint of a ball as an exact mpmath number."""
    man, exp = ball.mid().man_exp()
    return mp.ldexp(mp.mpf(int(man)), int(exp))


class BallStage(_Ctx):
    """Arb evaluation of one problem on one branch of its objective (current Arb precision).

    ``br`` is the branch (:class:`numeric.optimum.objective.Branch`) whose roots are needed:
    x* always, x_u when decoding stops on the upper fixed point, x_l when a lower one exists.
    """

    def __init__(self, pb: Problem, br):
        super().__init__(pb, br)
        self.eqs = {"x": ("deps", "ddeps")}
        if br.worse:
            self.eqs["xu"] = ("de_residual", "dde_residual")
        if br.xl is not None:
            self.eqs["xl"] = ("de_residual", "dde_residual")
        #: each equation with its derivative in one call (shared subexpressions)
        self.pair = {"deps": "newton", "de_residual": "resid2"}

    def guesses(self, br) -> dict:
        """Start values of the roots from a branch (mpmath numbers)."""
        from .. import certify as cf

        g = {"x": br.x, "xu": br.xu, "xl": br.xl}
        return {k: cf.arb_of(mp.mpf(g[k])).mid() for k in self.eqs}

    def _g(self, name, x, R, T):
        return self.f[name](x, R, T, self.dt, self.eps)

    def polish(self, mids: dict, R, T, steps: int = 30) -> dict:
        """Midpoint Newton on every root at the point (R, T), from ``mids``; VerificationError when
        a root does not converge."""
        from flint import arb, ctx

        tol = arb(2) ** (12 - ctx.prec)
        out = {}
        for k, (g, _) in self.eqs.items():
            m = mids[k]
            for _ in range(steps):
                gm, dgm = self._g(self.pair[g], m, R, T)
                q = gm / dgm
                step = q.mid()
                if not step.is_finite():
                    raise VerificationError(f"Newton on {g} broke down")
                m = (m - step).mid()
                # converged: the step is below the working precision or within the rounding
                # error of the residual (cancellation in log(1 + p (x - 1)) at large R)
                if abs(step) <= tol * abs(m) or abs(step) <= 2 * q.rad():
                    break
            else:
                raise VerificationError(f"Newton on {g} did not converge")
            if not (0 < m < 1):
                raise VerificationError(f"the root of {g} left (0, 1)")
            out[k] = m
        return out

    def enclose(self, mids: dict, R, T) -> dict:
        """Enclosures of the roots for every (R, T) in the balls: an interval Newton step
        N = m - g(m)/g'(X) strictly inside X = m +/- r (r widened until it passes)."""
        from flint import arb, ctx

        out = {}
        for k, (g, dg) in self.eqs.items():
            m = mids[k]
            fm = self._g(g, m, R, T)
            rad = max((4 * (abs(fm) / abs(self._g(dg, m, R, T))).upper()).mid(),
                      (abs(m) * arb(2) ** (10 - ctx.prec)).mid())
            for _ in range(16):
                X = m + arb(0, rad)
                N = m - fm / self._g(dg, X, R, T)
                if N.is_finite() and X.contains_interior(N):
                    out[k] = N
                    break
                rad = rad * 16
            else:
                raise VerificationError(f"interval Newton could not certify the root of {g}")
        return out

    def root_series(self, roots: dict, Rs, Ts, L: int) -> dict:
        """Series of the implicit roots along (Rs, Ts) from their constant terms ``roots``.

        Newton on series with the derivative frozen at the constant term (chord steps): X
        exact to order j gives g(X) = O(t^(j+1)), so dividing by g_x(x0) alone makes it exact
        to order j + 1; ``L - 1`` steps give ``L`` exact coefficients.  The constant term stays
        the given ball (it contains the exact root for every point of the balls), so every
        coefficient encloses the exact derivative (inclusion monotonicity).
        """
        out = {}
        R0, T0 = _coeffs(Rs, L)[0], _coeffs(Ts, L)[0]
        for k, (g, dg) in self.eqs.items():
            X0 = roots[k]
            X = _ser([X0], L)
            if L > 1:
                inv = 1 / self._g(dg, X0, R0, T0)
                for _ in range(L - 1):
                    X = X - self._g(g, X, Rs, Ts) * inv
                    X = _ser([X0] + _coeffs(X, L)[1:], L)
            out[k] = X
        return out

    def phi(self, roots: dict, Rs, Ts, L: int):
        """Coefficients of the objective's Taylor series along (Rs, Ts)."""
        s = self.root_series(roots, Rs, Ts, L)
        return _coeffs(self.objective(Rs, s["x"], s.get("xu"), s.get("xl"), T=Ts), L)

    def gap(self, roots: dict, Rs, Ts, L: int):
        """Coefficients of eps*(R) - eps = eps(x*) - eps along (Rs, Ts)."""
        s = self.root_series({"x": roots["x"]}, Rs, Ts, L)
        return _coeffs(self._g("eps_of_x", s["x"], Rs, Ts) - self.eps, L)

    def line(self, R, L):
        """(R + t, C'/(R + t)): the line of fixed compute."""
        Rs = _ser([R, 1], L)
        return Rs, self.cp / Rs

    def log_lines(self, R, T, L):
        """Series along u = log R with C' fixed, along u with T fixed, and along w = log T with R fixed."""
        from flint import arb

        E = _ser([arb(0), arb(1)], L).exp()
        Rc = _ser([R], L)
        return {"C": (R * E, self.cp / (R * E)), "T": (R * E, _ser([T], L)), "R": (Rc, T * E)}


def _interval_newton(fun, m, mids, stage, scale, L, fm):
    """Certify the root of a decreasing function of R near ``m`` by one interval Newton step.

    ``fun(roots, Rs, Ts, L)`` returns series coefficients along the line of fixed compute;
    the function is the coefficient ``L - 2`` (H = c_1 of the objective, or c_0 of the gap)
    and its derivative ``(L - 1) c_{L-1}``, which must be negative on the whole ball X (a
    maximum of the objective; the kink's gap eps*(R) - eps falls).  ``fm`` encloses the function
    at the point m (roots enclosed there).  N = m - f(m)/f'(X) strictly inside X proves exactly
    one root in X, enclosed by N.  Returns (N, X, roots over X, coefficients over X);
    VerificationError when it cannot be certified.
    """
    from flint import arb, ctx

    k = L - 2
    if not fm.is_finite():
        raise VerificationError("the function is not finite at the refined point")
    rad = max((4 * (abs(fm) / abs(scale)).upper()).mid(), (abs(m) * arb(2) ** (30 - ctx.prec)).mid())
    for _ in range(10):
        X = m + arb(0, rad)
        rx = stage.enclose(mids, X, stage.cp / X)
        cx = fun(rx, *stage.line(X, L), L)
        dX = (k + 1) * cx[k + 1]
        if dX.is_finite() and dX < 0:
            N = m - fm / dX
            if N.is_finite() and X.contains_interior(N):
                return N, X, rx, cx
        rad = rad * 16
    raise VerificationError("interval Newton could not certify the optimum")


def _certify_root(fun, stage, R0, mids, a, b, dps, L):
    """Newton from R0 (:func:`_newton`), then :func:`_interval_newton` around the refined point;
    when the enclosure fixes fewer than ``dps + 3`` digits, once more from its midpoint.

    Returns (N, X, roots over X, coefficients over X, midpoint of N, midpoint roots).
    """
    from .. import certify as cf

    k = L - 2
    for _ in range(2):
        m, mids, d = _newton(fun, stage, R0, mids, a, b, dps, L)
        fm = fun(stage.enclose(mids, m, stage.cp / m), *stage.line(m, k + 1), k + 1)[k]
        N, X, rx, cx = _interval_newton(fun, m, mids, stage, d, L, fm)
        if cf.certified_digits(N, dps + 3) >= dps + 3:
            break
        R0 = N.mid()
    m = N.mid()
    return N, X, rx, cx, m, stage.polish(mids, m, stage.cp / m, steps=6)


def _newton(fun, stage, R0, mids, a, b, dps, L):
    """Midpoint Newton on the decreasing function f = coefficient ``L - 2`` of ``fun`` from R0
    inside the float bracket (a, b).

    Returns (R, roots at R, f'(R)) once the error left, estimated from the last two steps
    (quadratic convergence: about |step|^3 / prev^2), is below 10^-(dps+13) R; the interval
    Newton step that follows certifies the point either way.  VerificationError when a step leaves (a, b), f'
    is not negative or it does not converge (e.g. at C' >~ 1e32, where the waterfall is so
    sharp that the float optimum sits where f is still flat): the mpmath route, with its
    bracket search, takes over.
    """
    from flint import arb

    k = L - 2
    R = arb(R0).mid()
    mids = stage.polish(mids, R, stage.cp / R)
    tol = arb(10) ** (-(dps + 10))
    prev = None
    for _ in range(40):
        c = fun(mids, *stage.line(R, L), L)
        d = (k + 1) * c[k + 1]
        if not d < 0:
            raise VerificationError("the function is not decreasing at the Newton iterate")
        step = (c[k] / d).mid()
        if not step.is_finite():
            raise VerificationError("Newton broke down")
        R = (R - step).mid()
        if not (a < R < b):
            raise VerificationError("Newton left the float bracket")
        mids = stage.polish(mids, R, stage.cp / R, steps=12)
        if abs(step) <= tol * R:
            return R, mids, d
        if prev is not None and prev != 0:
            # quadratic convergence: the error left is about K step^2 with K ~ |step / prev^2|
            # (large where the waterfall is sharp, C' >~ 1e17); stop when that is below tol R
            if abs(step) * (step / prev) ** 2 <= tol * R / 1000:
                return R, mids, d
        prev = step
    raise VerificationError("Newton did not converge")


def _check_side(pb: Problem, stage: BallStage, es, worse: bool) -> None:
    """The formula used is the one of the branch for every R in the enclosure (consistent model:
    eps* below eps exactly when decoding stops on the upper fixed point); x* a minimum of eps(x)."""
    if pb.model == "consistent" and not ((es < stage.eps) if worse else (es > stage.eps)):
        raise VerificationError("the enclosure crosses the kink eps*(R) = eps")


def _work_bits(dps: int, R0, generous: bool = True) -> int:
    """Arb precision for ``dps`` certified digits at R ~ R0: the lean level (tried first) or the
    generous one (when the lean level could not certify)."""
    import math

    from .. import certify as cf

    # log(1 + p (x - 1)) with p = d_t/R loses about log10(R) digits to cancellation (and the
    # second derivatives some more): carry them
    lg = math.log10(max(float(R0), 1.0))
    return cf.bits_for(2 * dps + 25 + int(lg) if generous else dps + 15 + int(1.5 * lg))


def _parts(stage: BallStage, R, roots: dict) -> dict:
    """The objective's parts at the midpoint R as mpmath numbers (the result's details)."""
    p = stage.objective(R, roots["x"], roots.get("xu"), roots.get("xl"), parts=True)
    return {"value": _to_mp(p["value"]), "threshold": _to_mp(p["threshold"]), "alpha": _to_mp(p["alpha"]),
            "beta": _to_mp(p["beta"]) if p["beta"] is not None else 0, "nu": _to_mp(p["nu"])}


def _certified(ball, dps, how, cap=None):
    from .. import certify as cf

    return cf.certified_from_ball(ball, dps, how, cap=cap)


def stationary_optimum(pb: Problem, br, R0, bracket, dps: int, exponent: bool = True):
    """A stationary optimum refined and certified in ball arithmetic, or None.

    ``br`` is the branch at the float optimum R0 (:func:`numeric.optimum.objective.classify`),
    ``bracket`` the float bracket.  Returns ``(R, details, certified)``: R an mpmath number
    (the midpoint of the enclosure), ``details`` the objective's parts there (mpmath) and
    ``certified`` the :class:`numeric.certify.Certified` values ``R``, ``T``, ``threshold`` and,
    with ``exponent``, ``local_exponent``.  None when any step fails (the caller falls back on
    the mpmath route).
    """


    if not br.sharp:
        return None
    for generous in (False, True):
        out = _stationary_at(pb, br, R0, bracket, dps, exponent, _work_bits(dps, R0, generous))
        if out is not None:
            return out
    return None


def _stationary_at(pb: Problem, br, R0, bracket, dps: int, exponent: bool, bits: int):
    """:func:`stationary_optimum` at Arb precision ``bits`` (None when it cannot certify)."""
    from flint import arb

    from .. import certify as cf

    try:
        with cf.workprec(bits):
            stage = BallStage(pb, br)
            a, b = arb(bracket[0]), arb(bracket[1])
            N, X, rx, cx, m, mids = _certify_root(stage.phi, stage, R0, stage.guesses(br), a, b, dps, 3)
            Tb = stage.cp / N
            es = stage._g("eps_of_x", rx["x"], X, stage.cp / X)
            if not stage._g("ddeps", rx["x"], X, stage.cp / X) > 0:
                raise VerificationError("x* is not a minimum of eps(x) over the enclosure")
            _check_side(pb, stage, es, br.worse)
            how = CERTIFIED_BY_BALL
            cert = {"R": _certified(N, dps, how["R"]), "T": _certified(Tb, dps, how["T"]),
                    "threshold": _certified(es, dps, how["threshold"])}
            if exponent:
                cert["local_exponent"] = _certified(_stationary_exponent(stage, X, rx, cx), dps,
                                                    how["local_exponent"])
            details = _parts(stage, m, mids)
    except VerificationError:
        return None
    return _to_mp(N), details, cert


def _stationary_exponent(stage: BallStage, X, rx, cx):
    """-Phi_uv/Phi_uu over the ball X (the enclosure of R*; roots ``rx`` over X, ``cx`` the
    series of the objective along the line of fixed compute over X)."""
    Tx = stage.cp / X
    phi_uu = X * X * 2 * cx[2] + X * cx[1]          # d^2/du^2 = R^2 d^2/dR^2 + R d/dR
    lines = stage.log_lines(X, Tx, 3)
    psi_uu = 2 * stage.phi(rx, *lines["T"], 3)[2]
    psi_ww = 2 * stage.phi(rx, *lines["R"], 3)[2]
    phi_uv = (psi_uu - psi_ww - phi_uu) / 2
    return -phi_uv / phi_uu


def kink_gap(pb: Problem, x0, R):
    """eps*(R) - eps at float R from the float critical point x0 (midpoint arithmetic at the current
    Arb precision), or None where Newton on eps'(x) finds no minimum of eps(x) in (0, 1)."""
    from flint import arb

    from .. import certify as cf

    br = _sharp_branch(x0)
    stage = BallStage(pb, br)
    Rb = arb(R)
    try:
        mids = stage.polish({"x": cf.arb_of(mp.mpf(x0)).mid()}, Rb, stage.cp / Rb)
    except VerificationError:
        return None
    if not stage._g("ddeps", mids["x"], Rb, stage.cp / Rb) > 0:
        return None
    return stage._g("eps_of_x", mids["x"], Rb, stage.cp / Rb) - stage.eps


def _sharp_branch(x):
    from .objective import Branch

    return Branch(True, x, False, None)


def kink_optimum(pb: Problem, x0, R0, bracket, dps: int, branches, exponent: bool = True):
    """A kink optimum eps*(R) = eps refined and certified in ball arithmetic, or None.

    ``branches([R1, R2])`` gives the branches (:class:`numeric.optimum.objective.Branch`, start
    values of their roots) at two float R just left and right of the kink, for the one-sided
    checks; each side's formula is then checked in Arb (eps* above eps on the left, below on
    the right).  Returns ``(R, details, certified, ok)`` with ``ok`` False when the kink is not
    a maximum (the one-sided slopes and values do not fall away from it): then the optimum is
    elsewhere.
    """
    from flint import arb

    from .. import certify as cf

    try:
        with cf.workprec(_work_bits(dps, R0)):
            stage = BallStage(pb, _sharp_branch(x0))
            a, b = arb(bracket[0]), arb(bracket[1])
            N, X, rx, cx, m, mids = _certify_root(stage.gap, stage, R0, stage.guesses(stage.br), a, b, dps, 2)
            if not stage._g("ddeps", rx["x"], X, stage.cp / X) > 0:
                raise VerificationError("x* is not a minimum of eps(x) over the enclosure")
            es = stage._g("eps_of_x", rx["x"], X, stage.cp / X)
            # the one-sided slopes and values: the formula of each side (classified just beside
            # the kink, 10^-(dps/2) relative) must fall away from the kink
            # (the float stage classifies those points: not closer than 1e-10 relative)
            h = max(10.0 ** (-(dps // 2)), 1e-10)
            Rf = float(_to_mp(m))
            Rsides = [Rf * (1 - h), Rf * (1 + h)]
            sides = list(zip((-1, 1), Rsides, branches(Rsides)))
            ok = True
            left = None
            for s_, Rs_, bs in sides:
                if not bs.sharp or bs.worse != (s_ > 0):
                    raise VerificationError("the formulas beside the kink are not the expected ones")
                st = BallStage(pb, bs)
                Rsb = arb(Rs_)
                rs = st.enclose(st.polish(st.guesses(bs), Rsb, st.cp / Rsb), Rsb, st.cp / Rsb)
                # the side of the threshold at that point, certified (the formula applies there)
                _check_side(pb, st, st._g("eps_of_x", rs["x"], Rsb, st.cp / Rsb), bs.worse)
                if s_ < 0:  # left formula: continuous at the kink, its slope over the enclosure
                    left = st
                    rl = st.enclose(st.polish(st.guesses(bs), m, st.cp / m), X, st.cp / X)
                    slope = st.phi(rl, *st.line(X, 2), 2)[1]
                    ok = ok and slope > 0
                    v0 = st.objective(X, rl["x"], rl.get("xu"), rl.get("xl"))
                else:
                    slope = st.phi(rs, *st.line(Rsb, 2), 2)[1]
                    ok = ok and slope < 0
                vs = st.objective(Rsb, rs["x"], rs.get("xu"), rs.get("xl"))
                ok = ok and vs < v0
            if not ok:
                return None, None, None, False
            how = CERTIFIED_BY_KINK
            cert = {"R": _certified(N, dps, how["R"]), "T": _certified(stage.cp / N, dps, how["T"]),
                    "threshold": _certified(es, dps, how["threshold"])}
            if exponent:
                lines = stage.log_lines(X, stage.cp / X, 2)
                g_u = stage.gap(rx, *lines["C"], 2)[1]
                g_uw = stage.gap(rx, *lines["T"], 2)[1]   # T fixed: u and v move together
                # G_v = G along (u, v) = (1, 1) minus G_u
                cert["local_exponent"] = _certified(-(g_uw - g_u) / g_u, dps, how["local_exponent"])
            details = _parts(left, m, left.polish(left.guesses(sides[0][2]), m, left.cp / m))
    except VerificationError:
        return None
    return _to_mp(N), details, cert, True
