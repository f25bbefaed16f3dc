"""The high-precision stage: the optimum from a float start, at the current mpmath precision.

Three kinds of optimum (:func:`refine` says which it found):

* ``stationary`` -- a root of H = dR_learned/dR (complex-step derivative):
  a secant iteration seeded with the float curvature (fast path), else the
  bracketed Illinois iteration of :func:`numeric.roots.illinois` on a grown
  bracket that stays on one branch of the objective;
* ``kink`` -- the root of eps*(R) - eps (consistent model: the objective's
  formula changes where the threshold crosses the channel);
* ``fold`` -- the supremum where the critical point x* of eps(x) disappears
  (eps'(x) = eps''(x) = 0, solved for (x, R) together by Newton with
  complex-step derivatives) and the objective drops across it; in the paper's
  model this is its spurious optimum near d_t kappa = e, reported as
  ``spurious_fold``;
* ``jump`` -- another discontinuity (a DE fixed point appears or disappears):
  the change of branch bisected to working precision, the higher side kept.

:func:`local_exponent` and :func:`kink_exponent` give d log R*/d log C' by the
implicit function theorem.
"""

from __future__ import annotations

import mpmath as mp

from ..errors import VerificationError
from ..roots import illinois
from .float_stage import objective_float_at
from .objective import Branch, branch_key, classify, derivative, eps_gap, sharp_gap, value
from .problem import Problem

__all__ = ["refine", "bracketed_root", "fold_point", "local_exponent", "kink_exponent"]


def bracketed_root(f, lo, hi, tol, x0=None):
    """Root of f on [lo, hi] with f(lo) > 0 > f(hi) by :func:`numeric.roots.illinois`.

    ``f(R, xg) -> (value, branch)``; the branch of the last evaluation warm-starts the next
    one (carried in a closure), and the branch at the returned root is returned with it.
    """
    flo, blo = f(lo, x0)
    fhi, bhi = f(hi, x0)
    if not (flo > 0 > fhi):
        raise VerificationError("root not bracketed")
    state = {"xg": blo if blo.sharp else None, "at": {}}

    def g(R):
        v, br = f(R, state["xg"])
        if br.sharp:
            state["xg"] = br
        state["at"] = {R: br}
        return v

    R = illinois(g, lo, hi, flo, fhi, rtol=tol, atol=0)
    br = state["at"].get(R)
    if br is None:
        br = f(R, state["xg"])[1]
    return R, br


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
            # The caller verifies (certificate, or agreement with a higher-precision solve).
            final = Rn - hn / slope
            if not (a < final < b) or abs(final - Rn) > 2 * step:
                return None  # a slope ruined by noise (e.g. a float curvature seed at huge C')
            return final, brn, mp.mpf(0), slope
    return None


def _jump_bracket(pb: Problem, R0, a, b, x0):
    """Supremum at a discontinuity of the objective (the formula changes: a fixed point appears or
    disappears).  Bisect on the change of branch next to R0 down to working precision; the
    optimum is the end point on the higher side.  Returns (R, branch) or None."""
    def at(R):
        br = classify(pb, R, x0)
        return br, value(pb, R, br, polish=1)

    rel = mp.mpf("1e-7")
    while True:
        lo, hi = max(a, R0 * (1 - rel)), min(b, R0 * (1 + rel))
        bl, vl = at(lo)
        bh, vh = at(hi)
        if branch_key(bl) != branch_key(bh):
            break
        if lo == a and hi == b:
            return None
        rel *= 30
    tol = mp.mpf(10) ** (-mp.mp.dps + 6)
    while hi - lo > tol * hi:
        m = (lo + hi) / 2
        bm, vm = at(m)
        if branch_key(bm) == branch_key(bl):
            lo, bl, vl = m, bm, vm
        else:
            hi, bh, vh = m, bm, vm
    return (lo, bl) if vl >= vh else (hi, bh)


def fold_point(pb: Problem, R0, x0, maxit: int = 80):
    """(R_b, x_b) with eps'(x_b; R_b) = eps''(x_b; R_b) = 0: where the critical point x* disappears.

    Newton on the 2x2 system in (x, R); the Jacobian (rows: eps', eps''; columns: x, R) is
    nonsingular at a simple fold (third x-derivative and the R-derivative of eps' nonzero).
    Its x- and R-derivatives come from complex steps (exact to working precision).
    VerificationError if Newton does not converge.
    """
    mf = pb.mf
    cp, dt, eps = pb.mpv()
    h = mp.mpf(10) ** (-mp.mp.dps)
    tol = mp.mpf(10) ** (-mp.mp.dps + 4)
    R, x = mp.mpf(R0), mp.mpf(x0)
    for _ in range(maxit):
        T = cp / R
        f1, f2 = mf["newton"](x, R, T, dt, eps)
        g1, g2 = mf["newton"](mp.mpc(x, h * x), R, T, dt, eps)
        Rc = mp.mpc(R, h * R)
        k1, k2 = mf["newton"](x, Rc, cp / Rc, dt, eps)
        a11, a21 = g1.imag / (h * x), g2.imag / (h * x)
        a12, a22 = k1.imag / (h * R), k2.imag / (h * R)
        det = a11 * a22 - a12 * a21
        if det == 0:
            break
        dx = (f1 * a22 - a12 * f2) / det
        dR = (a11 * f2 - a21 * f1) / det
        # damped: halve the step while it leaves x in (0, 1), R > d_t (p = d_t/R < 1: below it the
        # generating functions are not real) or increases the residual
        res0 = abs(f1) + abs(f2)
        for _ in range(30):
            xn, Rn = x - dx, R - dR
            if 0 < xn < 1 and Rn > dt:
                g = mf["newton"](xn, Rn, cp / Rn, dt, eps)
                if abs(g[0]) + abs(g[1]) <= 2 * res0 or (abs(dx) <= tol * abs(x) and abs(dR) <= tol * abs(R)):
                    break
            dx, dR = dx / 2, dR / 2
        else:
            break
        x, R = xn, Rn
        if abs(dx) <= tol * abs(x) and abs(dR) <= tol * abs(R):
            return R, x
    raise VerificationError("the fold of eps'(x) (where the jump appears) did not converge")


def _fold_optimum(pb: Problem, R0, br0: Branch, h0, kind: str):
    """The supremum at the fold next to R0 (where the critical point disappears), or None.

    Applies when R0 is on a sharp branch, the objective rises (sign of ``h0``) towards a fold
    close by, the critical point is gone across it and the objective drops there.  The value
    at the fold is the limit from the sharp side: with the beta shift, beta/Omega diverges at
    the fold and P_B tends to 1 (beta^3 > 0 inside) or 0; without it the law is continuous.
    """
    if not br0.sharp or h0 == 0:
        return None
    side = 1 if h0 > 0 else -1
    try:
        Rb, xb = fold_point(pb, R0, br0.x)
    except VerificationError:  # no fold next to R0: another kind of optimum
        return None
    if (Rb - R0) * side <= 0 or abs(Rb / R0 - 1) > mp.mpf("0.25"):
        return None
    inside = Rb * (1 - side * mp.mpf(10) ** (-(mp.mp.dps // 3)))
    # x*(R) - x_b ~ sqrt(R_b - R) near a fold: scale the known offset down to the inside point
    xi = xb + (br0.x - xb) * mp.sqrt((Rb - inside) / (Rb - R0))
    bi = classify(pb, inside, xi)
    across = Rb * (1 + side * mp.mpf(10) ** (-(mp.mp.dps // 2)))
    ba = classify(pb, across, br0)
    if not bi.sharp or ba.sharp:
        return None
    p_block = None
    if pb.shift:
        cp, dt, eps = pb.mpv()
        b3 = pb.mf["law"](bi.x, inside, cp / inside, dt, eps)[2]
        p_block = mp.mpf(1) if b3 > 0 else mp.mpf(0)
    brb = Branch(True, xb, bi.worse, bi.xu, bi.xl)
    vb = value(pb, Rb, brb, polish=4, polish_x=False, p_block=p_block)
    if not vb > value(pb, across, ba, polish=1):
        return None
    return kind, Rb, brb, p_block


def _one_sided_slopes(pb: Problem, Rk):
    """dR_learned/dR at the kink R_k on the formula of each side (complex step, roots polished)."""
    h = mp.mpf(10) ** (-mp.mp.dps)
    d = mp.mpf(10) ** (-(mp.mp.dps // 3))
    out = []
    for s_ in (-1, 1):
        br = classify(pb, Rk * (1 + s_ * d))
        out.append(value(pb, mp.mpc(Rk, h * Rk), br, polish=6).imag / (h * Rk))
    return out


def refine(pb: Problem, R0, bracket, x0=None, slope=None, rel0=None, tol=None):
    """Optimum at the current precision from a start R0 inside ``bracket``.

    Returns (kind, R, branch, H(R) or None, extra), kind 'stationary' | 'kink' | 'fold' |
    'spurious_fold' | 'jump'; ``extra`` is the secant slope (stationary) or the limit block
    failure probability at a fold (None when the law is continuous there).
    """
    tol = mp.mpf(10) ** (-mp.mp.dps + 6) if tol is None else tol
    a, b, R0 = mp.mpf(bracket[0]), mp.mpf(bracket[1]), mp.mpf(R0)

    def H(R, xg):
        return derivative(pb, R, xg)

    def G(R, xg):  # decreasing in R: eps* falls as kappa = C'/R^2 falls
        return eps_gap(pb, R, xg)

    if pb.model == "consistent" and x0 is not None:
        # the kink eps*(R) = eps inside the float bracket is the optimum when the objective rises
        # on its left and falls on its right (one-sided derivatives of the two formulas)
        ga, gb = sharp_gap(pb, a, x0), sharp_gap(pb, b, x0)
        if ga is not None and gb is not None and ga > 0 > gb:
            Rk, brk = bracketed_root(G, a, b, tol, x0)
            left, right = _one_sided_slopes(pb, Rk)
            if left > 0 > right:
                return "kink", Rk, brk, None, None
    fold_kind = "spurious_fold" if pb.model == "paper" else "fold"
    near_fold = x0 is not None and not all(objective_float_at(pb, [float(R0) * (1 - 1e-5),
                                                                    float(R0) * (1 + 1e-5)])[2])
    if near_fold:  # the float stage saw the critical point vanish next to its optimum
        h0, br0 = H(R0, x0)
        fold = _fold_optimum(pb, R0, br0, h0, fold_kind)
        if fold is not None:
            kind, Rb, brb, p_block = fold
            return kind, Rb, brb, None, p_block
    fast = _secant(H, R0, x0, tol, a, b, slope, rel0)
    if fast is not None:
        return ("stationary",) + fast
    br = _grow_bracket(H, R0, a, b, x0, same_branch=True)
    if br is not None:
        R, brr = bracketed_root(H, br[0], br[1], tol, x0)
        return "stationary", R, brr, None, None
    h0, br0 = H(R0, x0)
    if not near_fold:
        fold = _fold_optimum(pb, R0, br0, h0, fold_kind)
        if fold is not None:
            kind, Rb, brb, p_block = fold
            return kind, Rb, brb, None, p_block
    if pb.model == "consistent" and br0.sharp:
        kb = _grow_bracket(G, R0, a, b, x0)
        if kb is not None:
            R, brr = bracketed_root(G, kb[0], kb[1], tol, x0)
            return "kink", R, brr, None, None
    jb = _jump_bracket(pb, R0, a, b, x0)
    if jb is not None:
        return "jump", jb[0], jb[1], None, None
    raise VerificationError("optimum could not be bracketed inside the float64 bracket")


def local_exponent(pb: Problem, R, br: Branch, h0=None, step: int = 1):
    """d log R*/d log C' = -(C' dH/dC')/(R dH/dR) (implicit function theorem on H = dR_learned/dR).

    One-sided differences from the solved point (H(R*) = ``h0`` ~ 0) with step
    ``step`` 10^(-dps/2): about dps/2 correct digits from two H evaluations (a second
    step size estimates how many).
    """
    cp = mp.mpf(pb.cp)
    h = step * mp.mpf(10) ** (-(mp.mp.dps // 2))
    xg = br if br.sharp else None

    def H(Rv, cv):
        q = pb if cv == cp else _ExactCp(pb, cv)
        return derivative(q, Rv, xg)[0]

    if h0 is None:
        h0 = H(R, cp)
    dHdR = (H(R * (1 + h), cp) - h0) / h      # = R dH/dR
    dHdC = (H(R, cp * (1 + h)) - h0) / h      # = C' dH/dC'
    return -dHdC / dHdR


def kink_exponent(pb: Problem, R, br: Branch, step: int = 1):
    """Local exponent when the optimum is the kink eps*(R; C') = eps: -(C' dG/dC')/(R dG/dR).

    Central differences with step ``step`` 10^(-dps/3).
    """
    cp = mp.mpf(pb.cp)
    h = step * mp.mpf(10) ** (-(mp.mp.dps // 3))

    def G(Rv, cv):
        q = pb if cv == cp else _ExactCp(pb, cv)
        return eps_gap(q, Rv, br.x)[0]

    dR = (G(R * (1 + h), cp) - G(R * (1 - h), cp)) / (2 * h)
    dC = (G(R, cp * (1 + h)) - G(R, cp * (1 - h))) / (2 * h)
    return -dC / dR


class _ExactCp:
    """A :class:`Problem` seen at a perturbed C' given as an mpf (finite differences in C')."""

    def __init__(self, pb: Problem, cp):
        self._pb, self._cp = pb, cp

    def __getattr__(self, name):
        return getattr(self._pb, name)

    def mpv(self):
        return self._cp, mp.mpf(self._pb.dt), mp.mpf(self._pb.eps)
