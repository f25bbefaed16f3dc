"""The high-precision stage: the optimum from a float start, at the current mpmath precision.

Three kinds of optimum (:func:`refine` says which it found):

* ``stationary`` -- a root of H = dR_learned/dR (complex-step derivative):
  a secant iteration seeded with the float curvature (fast path), else the
  bracketed Illinois iteration of :func:`numeric.roots.illinois` on a grown
  bracket that stays on one branch of the objective;
* ``kink`` -- the root of eps*(R) - eps (consistent model: the objective's
  formula changes where the threshold crosses the channel);
* ``jump`` -- a discontinuity (a DE fixed point appears or disappears): the
  change of branch bisected to working precision, the higher side kept.

:func:`local_exponent` and :func:`kink_exponent` give d log R*/d log C' by the
implicit function theorem.
"""

from __future__ import annotations

import mpmath as mp

from ..errors import VerificationError
from ..roots import illinois
from .objective import Branch, branch_key, classify, derivative, eps_gap, value
from .problem import Problem

__all__ = ["refine", "bracketed_root", "local_exponent", "kink_exponent"]


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
            # The caller verifies by agreement with an independent higher-precision solve.
            return Rn - hn / slope, brn, mp.mpf(0), slope
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


def refine(pb: Problem, R0, bracket, x0=None, slope=None, rel0=None, tol=None):
    """Optimum at the current precision from a start R0 inside ``bracket``.

    Returns (kind, R, branch, H(R) or None, slope or None), kind 'stationary' | 'kink' | 'jump'.
    """
    tol = mp.mpf(10) ** (-mp.mp.dps + 6) if tol is None else tol
    a, b, R0 = mp.mpf(bracket[0]), mp.mpf(bracket[1]), mp.mpf(R0)
    eps = mp.mpf(pb.eps)

    def H(R, xg):
        return derivative(pb, R, xg)

    def G(R, xg):  # decreasing in R: eps* falls as kappa = C'/R^2 falls
        return eps_gap(pb, R, xg)

    if pb.model == "consistent" and x0 is not None:
        g0, _ = G(R0, x0)
        if abs(g0) < mp.mpf("1e-7") * eps:  # the float optimum sits on the kink eps*(R) = eps
            kb = _grow_bracket(G, R0, a, b, x0)
            if kb is not None:
                R, brr = bracketed_root(G, kb[0], kb[1], tol, x0)
                return "kink", R, brr, None, None
    fast = _secant(H, R0, x0, tol, a, b, slope, rel0)
    if fast is not None:
        return ("stationary",) + fast
    br = _grow_bracket(H, R0, a, b, x0, same_branch=True)
    if br is not None:
        R, brr = bracketed_root(H, br[0], br[1], tol, x0)
        return "stationary", R, brr, None, None
    if pb.model == "consistent":
        kb = _grow_bracket(G, R0, a, b, x0)
        if kb is not None:
            R, brr = bracketed_root(G, kb[0], kb[1], tol, x0)
            return "kink", R, brr, None, None
    jb = _jump_bracket(pb, R0, a, b, x0)
    if jb is not None:
        return "jump", jb[0], jb[1], None, None
    raise VerificationError("optimum could not be bracketed inside the float64 bracket")


def local_exponent(pb: Problem, R, br: Branch, h0=None):
    """d log R*/d log C' = -(C' dH/dC')/(R dH/dR) (implicit function theorem on H = dR_learned/dR).

    One-sided differences from the solved point (H(R*) = ``h0`` ~ 0) with step
    10^(-dps/2): about dps/2 correct digits from two H evaluations.
    """
    cp = mp.mpf(pb.cp)
    h = mp.mpf(10) ** (-(mp.mp.dps // 2))
    xg = br if br.sharp else None

    def H(Rv, cv):
        q = pb if cv == cp else _ExactCp(pb, cv)
        return derivative(q, Rv, xg)[0]

    if h0 is None:
        h0 = H(R, cp)
    dHdR = (H(R * (1 + h), cp) - h0) / h      # = R dH/dR
    dHdC = (H(R, cp * (1 + h)) - h0) / h      # = C' dH/dC'
    return -dHdC / dHdR


def kink_exponent(pb: Problem, R, br: Branch):
    """Local exponent when the optimum is the kink eps*(R; C') = eps: -(C' dG/dC')/(R dG/dR)."""
    cp = mp.mpf(pb.cp)
    h = mp.mpf(10) ** (-(mp.mp.dps // 3))

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
