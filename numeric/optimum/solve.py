"""The finite-C' optimum: float stage, then the ball stage (refined and certified in Arb) or the
mpmath route (two high-precision solves, verification, a separate certificate); sweeps."""

from __future__ import annotations

import math
import time

import mpmath as mp
import numpy as np

from ..errors import InputError, VerificationError
from ..precision import agree_digits, check_dps
from .float_stage import float_optimum, objective_float_at
from .objective import objective_at, value
from .problem import Problem
from .refine import kink_exponent, local_exponent, refine
from .result import OptimumResult, make_result

__all__ = ["finite_optimum", "solve", "sweep", "MAX_OPT_DPS"]

#: Largest precision accepted by the optimiser (every point is solved twice).
MAX_OPT_DPS = 120


def _solve_at(pb: Problem, w, R0, bracket, x0=None, exponent=True, slope=None, rel0=None, tol=None,
              details=True):
    with mp.workdps(w):
        kind, R, br, h0, sl = refine(pb, R0, bracket, x0, slope, rel0, tol)
        if kind.endswith("fold"):
            d = value(pb, R, br, polish=4, details=True, polish_x=False, p_block=sl) if details else None
            return kind, R, br, d, None, None, None
        d = value(pb, R, br, details=True) if details else None
        ex = None
        if exponent and kind in ("stationary", "kink"):
            ex = local_exponent(pb, R, br, h0) if kind == "stationary" else kink_exponent(pb, R, br)
        return kind, R, br, d, ex, sl, h0


def _side_step(pb: Problem, R, dps):
    """Relative distance of the both-sides check: 10^-(dps/2), but staying inside (d_t, C')
    (below R = d_t the generating functions are not real)."""
    return min(mp.mpf(10) ** (-(dps // 2)), (R / pb.dt - 1) / 2, (pb.cp / R - 1) / 2)


def _real(*values):
    """The first value, after checking that all are real; VerificationError otherwise (alpha^2 < 0
    makes the law complex: it does not apply there)."""
    if not all(isinstance(v, mp.mpf) for v in values):
        raise VerificationError("the objective is not real next to the optimum (alpha^2 < 0: the "
                                "finite-length law does not apply there)")
    return values[0]


def _certified_at_first_precision(pb: Problem, dps, w1, kind, R1, b1, e1, exponent, t0, Rf, h0=None,
                                  s1=None):
    """The result from the first-precision solve when ball arithmetic certifies it, else None.

    A certified enclosure proves the printed digits, so the second solve at 2 dps + 12 digits
    (verification by recomputation) is not needed; the local exponent's digits come from two
    step sizes instead.  A stationary optimum's certificate (H from + to -) proves a local
    maximum; a kink's two sides are checked on the objective.
    """
    from .certify import certify_kink, certify_stationary

    try:
        cert = (certify_stationary if kind == "stationary" else certify_kink)(pb, R1, b1, dps)
    except VerificationError:
        return None  # fall back on the two-precision solve (and its own certification)
    with mp.workdps(w1):
        d1 = value(pb, R1, b1, details=True)
        edig = None
        if exponent and e1 is not None:
            alt = (local_exponent(pb, R1, b1, h0=h0, step=100) if kind == "stationary"
                   else kink_exponent(pb, R1, b1, step=100))
            edig = min(agree_digits(e1, alt), w1)
        # a certified sign change of dR_learned/dR from + to - already proves a local maximum;
        # a kink's certificate (eps*(R) - eps changes sign) does not: check its two sides
        if kind == "kink":
            hrel = _side_step(pb, R1, dps)
            v0 = d1["value"]
            for sgn in (-1, 1):
                vs = objective_at(pb, R1 * (1 + sgn * hrel), x_guess=b1 if b1.sharp else None)
                if not _real(vs, v0) < v0:
                    raise VerificationError("objective is not smaller on both sides of the refined optimum")
    res = make_result(pb, R1, d1, dps=dps, digits=cert["R"].digits, exponent=e1 if exponent else None,
                      exponent_digits=edig, both_sides=True, t0=t0, float_R=Rf, kind=kind)
    res.certified = cert
    res.mp_slope = s1
    return res


def _float_branches(pb: Problem, Rs) -> list:
    """The branches of the objective at float R values from the float stage's roots."""
    from .objective import Branch

    _, xs, sharp, ex = objective_float_at(pb, np.asarray(Rs, dtype=float), roots=True)
    return [Branch(bool(sharp[i]), float(xs[i]), bool(ex["worse"][i]),
                   float(ex["xu"][i]) if ex["worse"][i] else None,
                   float(ex["xl"][i]) if np.isfinite(ex["xl"][i]) else None) for i in range(len(Rs))]


def _ball_solve(pb: Problem, dps, fres, x0, exponent, t0, w1, fdata=None):
    """The optimum refined and certified in ball arithmetic (:mod:`numeric.optimum.ball`), or None.

    A kink eps*(R) = eps inside the float bracket is the optimum when the objective rises on its
    left and falls on its right; otherwise a stationary point is refined (Newton on
    dR_learned/dR) and certified (interval Newton).  None near a fold of eps'(x), at an end of
    the admissible range, or when any step fails: the mpmath route takes over.  ``fdata`` is
    this point's :func:`numeric.optimum.float_stage.branch_data` (sweeps compute it for all points
    together).
    """
    from .. import certify as cf
    from .ball import _work_bits, kink_gap, kink_optimum, stationary_optimum
    from .float_stage import branch_data
    from .objective import Branch

    Rf, bracket = fres[0], fres[3]
    fd = fdata if fdata is not None else branch_data([pb], [fres])[0]
    if not fd["sharp"]:
        return None  # the critical point vanishes next to the float optimum: a fold (mpmath route)
    # the branch at the float optimum from the float stage's roots (polished in Arb; the formula's
    # side of the threshold is certified over the enclosure)
    br0 = Branch(True, fd["x"], fd["worse"], fd["xu"] if fd["worse"] else None,
                 fd["xl"] if np.isfinite(fd["xl"]) else None)
    kind = "stationary"
    with mp.workdps(w1):
        out = None
        ga, gb = fd["gaps"]
        if pb.model == "consistent":
            if any(g is not None and abs(g) < 1e-9 for g in (ga, gb)):
                # the float gaps eps* - eps at the bracket ends are too close to 0 to call: Arb decides
                with cf.workprec(_work_bits(dps, Rf)):
                    ga, gb = (kink_gap(pb, x0, bracket[i_]) for i_ in (0, 1))
                ga, gb = (None if g is None else g.mid() for g in (ga, gb))
            # a kink eps*(R) = eps inside the float bracket: the optimum if the objective falls away
            if ga is not None and gb is not None and ga > 0 > gb:
                k = kink_optimum(pb, x0, Rf, bracket, dps, lambda Rs: _float_branches(pb, Rs), exponent)
                if k is None:
                    return None
                if k[3]:
                    out, kind = k[:3], "kink"
        if out is None:
            out = stationary_optimum(pb, br0, Rf, bracket, dps, exponent)
        if out is None:
            return None
        R, d, cert = out
        if abs(R / pb.dt - 1) < mp.mpf("1e-9") or abs(R / pb.cp - 1) < mp.mpf("1e-9"):
            return None  # an end of the admissible range: the edge rules of the mpmath route apply
    ex = cert.get("local_exponent")
    with mp.workdps(2 * dps + 12):  # the enclosure's midpoint to the result's precision
        ev = ex.value if ex else None
    res = make_result(pb, R, d, dps=dps, digits=cert["R"].digits, exponent=ev,
                      exponent_digits=ex.digits if ex else None, both_sides=True, t0=t0, float_R=Rf,
                      kind=kind)
    res.certified = cert
    return res


def finite_optimum(dt, eps, c_prime, dps: int = 20, *, alpha_variant: str = "correct",
                   shift: bool = True, warm: float | None = None, grid_points: int = 120,
                   exponent: bool = True, model: str = "consistent", certify: bool = True) -> OptimumResult:
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
    model : {'consistent', 'paper'}
    certify : bool
        Refine and certify a stationary or kink optimum in ball arithmetic (R, T, threshold and
        the local exponent: JSON ``enclosures``), falling back on the mpmath route with its own
        certificate; False: the mpmath route only, digits verified by recomputation.

    Returns
    -------
    OptimumResult

    Raises
    ------
    InputError
        Bad d_t, eps, C', dps, model or alpha variant (message names the argument).
    VerificationError
        When the two precisions do not agree to ``dps`` digits.
    """
    dps = check_dps(dps)
    if dps > MAX_OPT_DPS:
        raise InputError(f"dps must be <= {MAX_OPT_DPS} for the optimiser, got {dps}", "dps")
    pb = Problem.create(dt, eps, c_prime, alpha_variant=alpha_variant, shift=shift, model=model)
    return solve(pb, dps, warm=warm, grid_points=grid_points, exponent=exponent, certify=certify)


def solve(pb: Problem, dps: int, *, warm=None, grid_points: int = 120, exponent: bool = True,
          t0: float | None = None, certify: bool = True, float_result=None,
          slope_hint=None, fdata=None) -> OptimumResult:
    """:func:`finite_optimum` for a built :class:`Problem` (``dps`` already validated).

    A stationary or kink optimum is refined and certified in ball arithmetic
    (:mod:`numeric.optimum.ball`) unless ``certify=False``; where that fails, the mpmath route
    and its certificate (:mod:`numeric.optimum.certify`).  ``float_result`` is this
    problem's :func:`float_optimum` when already computed (sweeps compute them together);
    ``slope_hint`` seeds the secant with dH/dR (a sweep's previous point, scaled); ``fdata`` is
    the point's :func:`numeric.optimum.float_stage.branch_data` (computed here when None).
    """
    t0 = time.perf_counter() if t0 is None else t0
    cp, dtf = pb.cp, pb.dt
    Rf, vf, edge, bracket, xf, curv = (float_result if float_result is not None
                                       else float_optimum(pb, grid_points, warm))
    if slope_hint is not None:
        curv = slope_hint
    # the binomial formulas lose about log10(R) ~ log10(C')/2 digits to cancellation (terms like
    # (T - 1) p against T p): carry them as guard digits
    extra = max(0, int(math.log10(cp) / 2))
    w1, w2 = dps + 12 + extra, 2 * dps + 12 + extra

    def edge_result(edge):
        # at R = d_t exactly p = 1 (every text holds every concept) and the objective drops: the
        # lower-edge value is the limit R -> d_t+ (evaluated at d_t (1 + 10^-(w2-5)))
        R = mp.mpf(dtf) if edge == "lower" else mp.mpf(cp)
        with mp.workdps(w2):
            Re = R * (1 + mp.mpf(10) ** (-(w2 - 5))) if edge == "lower" else R
            d = objective_at(pb, Re, details=True)
            d["value"] = d["value"] * R / Re
        res = make_result(pb, R, d, dps=dps, digits=w2, edge=edge, t0=t0, float_R=Rf)
        if certify:
            from .certify import certify_edge

            res.certified = certify_edge(pb, float(R), dps)
        return res

    # the float optimum pressed against an end of [d_t, C'] (within its resolution) is an edge
    # optimum when the objective at the end is at least as large
    if edge is None:
        for end, name in ((dtf * (1 + 1e-9), "lower"), (cp, "upper")):
            if abs(Rf / end - 1) < 1e-5:
                ve = objective_float_at(pb, np.array([end]))[0][0]
                if ve >= vf * (1 - 1e-9):
                    edge = name
    if edge is not None:
        return edge_result(edge)
    x0 = None if not np.isfinite(xf) else xf
    if certify and x0 is not None:
        fast = _ball_solve(pb, dps, (Rf, vf, edge, bracket, xf, curv), x0, exponent, t0, w1, fdata)
        if fast is not None:
            return fast
    # the mpmath route (the ball stage could not certify this optimum, or certify=False):
    # the float curvature (second difference at the maximum) seeds the secant slope
    k1, R1, b1, d1, e1, s1, h1 = _solve_at(pb, w1, Rf, bracket, x0, exponent=exponent,
                                       tol=mp.mpf(10) ** (-(dps + 6)),
                                       slope=None if curv is None else mp.mpf(curv), details=False)
    # a refinement that runs into an end of the admissible range is an edge optimum
    if abs(R1 / dtf - 1) < mp.mpf("1e-9"):
        return edge_result("lower")
    if abs(R1 / cp - 1) < mp.mpf("1e-9"):
        return edge_result("upper")
    if certify and k1 in ("stationary", "kink"):
        fast = _certified_at_first_precision(pb, dps, w1, k1, R1, b1, e1, exponent, t0, Rf, h1, s1)
        if fast is not None:
            return fast
    x1 = b1 if b1.sharp else None
    if k1.endswith("fold"):
        # a fold is solved again from the float start (warm-starting at the fold itself would put
        # the start on the singular point)
        x1 = None
        k2, R2, b2, d2, e2, _, _ = _solve_at(pb, w2, Rf, bracket, x0=x0, exponent=False,
                                          tol=mp.mpf(10) ** (-(dps + 10)))
    else:
        k2, R2, b2, d2, e2, _, _ = _solve_at(pb, w2, R1, bracket, x0=x1, exponent=exponent, slope=s1,
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
        hrel = _side_step(pb, R2, dps)
        for sgn in (-1, 1):
            vs = objective_at(pb, R2 * (1 + sgn * hrel), x_guess=x1)
            _real(vs, v0)
            both = both and vs < v0
        if not both:
            raise VerificationError("objective is not smaller on both sides of the refined optimum")
    res = make_result(pb, R2, d2, dps=dps, digits=digits, exponent=e2, exponent_digits=edig,
                      both_sides=True, t0=t0, float_R=Rf, kind=k2)
    if certify and k2 in ("stationary", "kink"):
        from .certify import certify_kink, certify_stationary

        res.certified = (certify_stationary if k2 == "stationary" else certify_kink)(pb, R2, b2, dps)
        res.seconds = time.perf_counter() - t0
    return res


def sweep(dt, eps, c_primes, dps: int = 20, *, alpha_variant="correct", shift=True,
          progress=None, exponent=True, model="consistent", certify=True) -> list[OptimumResult]:
    """Optima along a list of C' values.

    The float stage runs for all points together (:func:`float_optima`: one vectorised
    evaluation per stage, and :func:`branch_data`: the branch, fold check and kink test of every
    point in one evaluation), then each point is refined and certified in ball arithmetic
    (:mod:`numeric.optimum.ball`).  A point that goes through the mpmath route is warm-started
    with the secant's slope dH/dR from the previous stationary point, scaled by R_prev/R (H is
    dimensionless in R log-space, so dH/dR ~ 1/R).
    """
    from .float_stage import branch_data, float_optima

    dps = check_dps(dps)
    if dps > MAX_OPT_DPS:
        raise InputError(f"dps must be <= {MAX_OPT_DPS} for the optimiser, got {dps}", "dps")
    base = Problem.create(dt, eps, alpha_variant=alpha_variant, shift=shift, model=model)
    pbs = [base.at(cp) for cp in c_primes]
    floats = float_optima(pbs) if pbs else []
    fdata = branch_data(pbs, floats) if certify else [None] * len(pbs)
    out = []
    prev = None
    for i, (pb, fr, fd) in enumerate(zip(pbs, floats, fdata)):
        hint = None
        if prev is not None and getattr(prev, "mp_slope", None) is not None and prev.kind == "stationary":
            hint = prev.mp_slope * prev.R / mp.mpf(fr[0])
        r = solve(pb, dps, exponent=exponent, certify=certify, float_result=fr, slope_hint=hint, fdata=fd)
        out.append(r)
        prev = r
        if progress is not None:
            progress(i + 1)
    return out
