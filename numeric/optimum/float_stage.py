"""The float64 stage: the objective vectorised over R, and the global scan of [d_t, C'].

:func:`float_optimum` is a *global* optimiser over every admissible R in
[d_t, C'] (p <= 1, at least one text): a float64 scan of the objective on a
log grid (vectorised Newton for the critical point of every R), refinement of
every grid local maximum by vectorised zooms and a parabolic vertex (cells
that cannot beat the best grid value, since R_learned <= min(R, T), are
skipped), and choice of the best.
"""

from __future__ import annotations

import math

import numpy as np

from .problem import Problem

__all__ = ["objective_float", "objective_float_at", "float_optimum", "float_optima", "compute_optimal_path",
           "vroot", "branch_data"]


def _lambertw(z, branch):
    from scipy import special as ssp

    return ssp.lambertw(z, branch).real


def objective_float(R, c_prime, dt, eps, alpha_variant="correct", shift=True, model="consistent"):
    """Vectorised float64 objective over an array of R (used by the global scan).

    Returns (values, x, sharp) arrays.
    """
    pb = Problem.create(dt, eps, c_prime, alpha_variant=alpha_variant, shift=shift, model=model)
    return objective_float_at(pb, R)


def objective_float_at(pb: Problem, R, cp=None, roots: bool = False):
    """:func:`objective_float` for a built :class:`Problem` (``cp``: an array of C' per R, optional).

    With ``roots`` a fourth item is returned: a dict of arrays ``worse`` (decoding stops on the
    upper DE fixed point), ``xu`` (that fixed point), ``xl`` (the lower one; nan where absent)
    and ``es`` (the threshold eps*; nan where not sharp), the start values of a branch
    (:class:`numeric.optimum.objective.Branch`) at each R.
    """
    nf = pb.nf
    dt, eps, model = pb.dt, pb.eps, pb.model
    R = np.atleast_1d(np.asarray(R, dtype=float))
    T = (pb.cp if cp is None else cp) / R
    a = dt * T / R
    val = np.empty_like(R)
    xs = np.full_like(R, np.nan)
    sharp = np.zeros(R.shape, dtype=bool)
    extra = {"worse": np.zeros(R.shape, dtype=bool), "xu": np.full_like(R, np.nan), "xl": np.full_like(R, np.nan),
             "es": np.full_like(R, np.nan)}
    with np.errstate(all="ignore"):
        has = a > math.e
        u = np.where(has, -_lambertw(-1.0 / np.where(has, a, 3.0), -1), np.nan)
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
            extra["es"][ok] = es
            al = np.sqrt(a2)
            be = np.cbrt(b3) if pb.shift else 0.0
            n = Rk / eps
            z = np.sqrt(n) * (es - be * n ** (-2.0 / 3.0) - eps) / al
            stuck = nu.copy()
            xu_k = np.full_like(xk, np.nan)
            if model == "consistent":
                worse = es < eps  # channel worse than threshold: decoding stops on the upper fixed point
                if worse.any():
                    Rw, Tw = Rk[worse], Tk[worse]
                    xu = vroot(lambda t, r_, t_: nf["resid2"](t, r_, t_, dt, eps), xk[worse].copy(),
                               np.full(int(worse.sum()), eps), np.full(int(worse.sum()), eps), args=(Rw, Tw))
                    stuck[worse] = eps * nf["unlearned"](xu, Rw, Tw, dt, eps)
                    xu_k[worse] = xu
                extra["worse"][ok], extra["xu"][ok] = worse, xu_k
            from scipy import special as ssp

            pbk = 0.5 * ssp.erfc(z / math.sqrt(2))
            delta = stuck * pbk / eps
            if model == "consistent":
                floor, extra["xl"][ok] = _floor_float(nf, xk, es, stuck, Rk, Tk, dt, eps)
                delta = delta + (1 - pbk) * floor
            val[ok] = Rk * (1 - delta)
            xs[ok] = xk
        nm = ~ok
        if nm.any():
            Rn, Tn = R[nm], T[nm]
            # the unique DE fixed point in (0, eps) (no jump: eps(x) monotone), residual > 0 at 0
            # and < 0 at eps: safeguarded Newton, started one DE iteration above 0
            x1 = np.minimum(nf["de_residual"](np.zeros_like(Rn), Rn, Tn, dt, eps), eps)
            xf = vroot(lambda t, r_, t_: nf["resid2"](t, r_, t_, dt, eps), np.zeros_like(Rn),
                       np.full_like(Rn, eps), x1, args=(Rn, Tn))
            delta = nf["unlearned"](xf, Rn, Tn, dt, eps)
            val[nm] = Rn * (1 - delta)
    val = np.where(np.isfinite(val), val, -np.inf)
    if roots:
        return val, xs, sharp, extra
    return val, xs, sharp


def _floor_float(nf, xk, es, stuck, Rk, Tk, dt, eps):
    """Unlearned fraction on the lower (error-floor) DE fixed point and that point, vectorised float64.

    Below threshold (eps* >= eps) the lower fixed point is the unique root on (0, x*); above it,
    the root on (0, x_max) when eps(x_max) > eps (x_max the local maximum of eps(x)), otherwise
    there is none and the decoder can only stop on the upper fixed point (floor = stuck/eps, the
    point nan).  Returns (floor, point).
    """
    hi = xk.copy()
    floor = np.full_like(xk, np.nan)
    point = np.full_like(xk, np.nan)
    worse = es < eps
    if worse.any():
        Rw, Tw = Rk[worse], Tk[worse]
        lo_ = xk[worse] * 1e-12
        hi_ = xk[worse] * (1 - 1e-6)
        valid = (nf["deps"](lo_, Rw, Tw, dt, eps) > 0) & (nf["deps"](hi_, Rw, Tw, dt, eps) < 0)
        # the local maximum of eps(x) below x*: safeguarded Newton on eps'(x) from the Poisson guess
        with np.errstate(all="ignore"):
            a = dt * Tw / Rw
            g0 = -_lambertw(-1.0 / np.maximum(a, math.e), 0) * eps / dt
        xm = vroot(lambda t, r_, t_: nf["newton"](t, r_, t_, dt, eps), lo_, hi_, g0, args=(Rw, Tw))
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
        x = vroot(lambda t, r_, t_: nf["resid2"](t, r_, t_, dt, eps), np.zeros_like(x), ht, x, args=(Rt, Tt))
        floor[todo] = nf["unlearned"](x, Rt, Tt, dt, eps)
        point[todo] = x
    return floor, point


def vroot(fun2, lo, hi, x0, maxit=80, args=None):
    """Vectorised safeguarded Newton: roots of f on [lo, hi] with f(lo) > 0 > f(hi).

    ``fun2(x, *args)`` returns (f, f'); a Newton step leaving the current bracket is replaced
    by bisection, so every component converges (bisection at worst).  ``args`` (arrays, one
    value per component) let each iteration evaluate only the components still running
    (without them, ``fun2(x)`` is evaluated on every component each time).
    """
    lo, hi = lo.astype(float).copy(), hi.astype(float).copy()
    scale = 1e-14 * hi  # absolute resolution (roots that are essentially 0, e.g. tiny error floors)
    x = np.where((x0 > lo) & (x0 < hi), x0, 0.5 * (lo + hi))
    idx = np.arange(x.shape[0]) if args is not None else None
    active = np.ones(x.shape, dtype=bool)
    with np.errstate(all="ignore"):
        for _ in range(maxit):
            if args is not None:  # the running components only (each evolves independently)
                xa, la, ha, sa = x[idx], lo[idx], hi[idx], scale[idx]
                f, fx = fun2(xa, *(a[idx] for a in args))
            else:
                xa, la, ha, sa = x, lo, hi, scale
                f, fx = fun2(xa)
            f = np.broadcast_to(f, xa.shape)
            fx = np.broadcast_to(fx, xa.shape)
            pos = f > 0
            la = np.where(pos, xa, la)
            ha = np.where(pos, ha, xa)
            step = f / fx
            xn = xa - step
            out = ~((xn > la) & (xn < ha)) | ~np.isfinite(xn)
            xn = np.where(out, 0.5 * (la + ha), xn)
            done = (np.abs(step) <= 1e-12 * np.abs(xa) + sa) | (ha - la <= 1e-12 * ha) \
                | ~np.isfinite(f)
            xn = np.where(done & ~out, xn, np.where(done, xa, xn))
            if args is not None:
                x[idx], lo[idx], hi[idx] = xn, la, ha
                idx = idx[~done]
                if idx.size == 0:
                    break
            else:
                x = np.where(active, xn, x)
                lo, hi = la, ha
                active &= ~done
                if not active.any():
                    break
    return x


def float_optimum(pb: Problem, grid_points=120, warm=None, zoom_levels=6, zoom_points=16):
    """Global float64 optimum over R in [d_t, C'].

    A log grid over the whole admissible range; every grid local maximum is
    refined by ``zoom_levels`` vectorised zooms (``zoom_points`` each) and a
    parabolic vertex; the best refined candidate wins.  Returns
    ``(R, value, edge, bracket, x, curvature)`` with ``edge`` 'lower'/'upper'/None,
    ``x`` the critical point at R (nan when the ensemble has no jump there) and
    ``curvature`` the float second derivative of the objective at R (or None).
    """
    return float_optima([pb], grid_points, [warm], zoom_levels, zoom_points)[0]


def float_optima(pbs, grid_points=120, warms=None, zoom_levels=6, zoom_points=16):
    """:func:`float_optimum` for many problems that differ only in C', vectorised across them.

    Every stage (the global grids, each zoom level, the parabolic vertices) is one vectorised
    evaluation for all problems and all their candidates together.
    """
    pb0 = pbs[0]
    warms = warms if warms is not None else [None] * len(pbs)
    grids = []
    for pb, warm in zip(pbs, warms):
        lo, hi = math.log(pb.dt), math.log(pb.cp)
        grid = np.exp(np.linspace(lo, hi, grid_points))
        if warm is not None and lo < math.log(warm) < hi:
            # densify around the warm start (the global grid is always scanned as well)
            extra = warm * np.exp(np.linspace(-0.2, 0.2, 9))
            extra = extra[(extra > grid[0]) & (extra < grid[-1])]  # stay inside [d_t, C']
            grid = np.unique(np.concatenate([grid, extra]))
        grids.append(grid)

    cp_of = np.array([pb.cp for pb in pbs], dtype=float)

    def evaluate(Rs, owners):
        """The objective at R values belonging to problems ``owners`` (one call)."""
        return objective_float_at(pb0, np.asarray(Rs, dtype=float), cp=cp_of[np.asarray(owners, dtype=int)])

    sizes = [len(g) for g in grids]
    allv, allx, alls = evaluate(np.concatenate(grids), np.repeat(np.arange(len(pbs)), sizes))
    offs = np.concatenate([[0], np.cumsum(sizes)])
    best = [None] * len(pbs)
    st = []
    for n, (pb, grid) in enumerate(zip(pbs, grids)):
        vals, xs, sharp = (a[offs[n]:offs[n + 1]] for a in (allv, allx, alls))
        k = len(grid)
        fin = np.isfinite(vals)
        cand = np.flatnonzero(fin & (vals >= np.concatenate([[-np.inf], vals[:-1]]))
                              & (vals >= np.concatenate([vals[1:], [-np.inf]]))).tolist()
        # a maximum just before a drop (the jump appears or disappears between two grid points) is
        # not a grid local maximum: the sharp-side point of every change of formula is a candidate
        edges = np.flatnonzero(sharp & fin & (np.concatenate([[False], ~sharp[:-1]])
                                              | np.concatenate([~sharp[1:], [False]]))).tolist()
        cand = sorted(set(cand) | set(edges))
        # The objective is R (1 - delta) with delta >= 0, so a grid cell (R_{i-1}, R_{i+1}) with
        # R_{i+1} below the best grid value cannot hold the maximum.  (A physical learner also has
        # R_learned <= T, but the paper's objective breaks that bound at its spurious optimum, so
        # it must not be used to prune: it pruned every cell there.)
        top = max(vals[i] for i in cand)
        cand = [i for i in cand if grid[min(i + 1, k - 1)] >= top]
        lo, hi = math.log(pb.dt), math.log(pb.cp)
        for i in cand:
            if i == 0 or i == k - 1:
                br = (grid[max(i - 1, 0)], grid[min(i + 1, k - 1)])
                if best[n] is None or vals[i] > best[n][1]:
                    best[n] = (grid[i], vals[i], br, xs[i], None)
                continue
            sb = math.log(grid[i])
            st.append({"n": n, "lo": lo, "hi": hi, "r": grid[i], "v": vals[i], "x": xs[i], "sb": sb,
                       "zl": None, "half": max(math.log(grid[i + 1]) - sb, sb - math.log(grid[i - 1]))})
    for _ in range(zoom_levels if st else 0):
        # windows are centred on the best point so far (it may sit just before a drop)
        zs = np.linspace([max(c["sb"] - c["half"], c["lo"]) for c in st],
                         [min(c["sb"] + c["half"], c["hi"]) for c in st], zoom_points, axis=1)
        zv_all, zx_all, _ = evaluate(np.exp(zs.ravel()), np.repeat([c["n"] for c in st], zoom_points))
        zv_all, zx_all = zv_all.reshape(zs.shape), zx_all.reshape(zs.shape)
        jmax = np.argmax(zv_all, axis=1)
        for m, (c, z) in enumerate(zip(st, zs.tolist())):
            zv, zx = zv_all[m], zx_all[m]
            j = int(jmax[m])
            if zv[j] >= c["v"]:
                c.update(r=math.exp(z[j]), v=zv[j], x=zx[j], sb=z[j])
                c["zl"] = (z[j - 1], z[j], z[j + 1], zv[j - 1], zv[j], zv[j + 1]) \
                    if 0 < j < zoom_points - 1 else None
            c["half"] = (z[-1] - z[0]) / (zoom_points - 1)
    vertex = []
    for c in st:
        c["curv"] = None
        c["ab"] = (max(c["sb"] - c["half"], c["lo"]), min(c["sb"] + c["half"], c["hi"]))
        if c["zl"] is not None:
            s0, s1, s2, f0, f1, f2 = c["zl"]
            # second derivative in s = log R -> d^2 R_learned/dR^2 ~ f''(s)/R^2 at the maximum
            fss = 2 * ((f0 - f1) / (s0 - s1) - (f2 - f1) / (s2 - s1)) / (s0 - s2)
            c["curv"] = fss / math.exp(2 * s1) if np.isfinite(fss) and fss < 0 else None
            den = (s1 - s0) * (f1 - f2) - (s1 - s2) * (f1 - f0)
            if den != 0 and np.isfinite(den):
                sv = s1 - 0.5 * ((s1 - s0) ** 2 * (f1 - f2) - (s1 - s2) ** 2 * (f1 - f0)) / den
                if c["ab"][0] < sv < c["ab"][1]:
                    vertex.append((c, sv))
    if vertex:
        pv, px, _ = evaluate(np.exp(np.array([sv for _, sv in vertex])), [c["n"] for c, _ in vertex])
        for (c, sv), v_, x_ in zip(vertex, pv, px):
            if v_ >= c["v"]:
                c.update(r=math.exp(sv), v=v_, x=x_)
    for c in st:
        n = c["n"]
        if best[n] is None or c["v"] > best[n][1]:
            best[n] = (c["r"], c["v"], (math.exp(c["ab"][0]), math.exp(c["ab"][1])), c["x"], c["curv"])
    out = []
    for grid, (r, v, br, x, curv) in zip(grids, best):
        edge = None
        if r <= grid[0] * (1 + 1e-12):
            edge = "lower"
        elif r >= grid[-1] * (1 - 1e-12):
            edge = "upper"
        out.append((r, v, edge, br, x, curv))
    return out


def branch_data(pbs, floats) -> list[dict]:
    """Float data the ball stage starts from, for many problems in one vectorised evaluation.

    For each problem and its :func:`float_optima` result: ``sharp`` (the critical point exists
    at R* (1 -/+ 1e-5) and R*: no fold next to the optimum), the branch at R* (``x``, ``worse``,
    ``xu``, ``xl``, nan where absent) and ``gaps``, eps* - eps at the two ends of the float
    bracket (None where not sharp).
    """
    Rs, cps = [], []
    for pb, (r, _, _, br, _, _) in zip(pbs, floats):
        Rs += [br[0], r * (1 - 1e-5), r, r * (1 + 1e-5), br[1]]
        cps += [pb.cp] * 5
    if not Rs:
        return []
    _, xs, sharp, ex = objective_float_at(pbs[0], np.array(Rs), cp=np.array(cps), roots=True)
    out = []
    for i, pb in enumerate(pbs):
        j = 5 * i
        gaps = [float(ex["es"][j + k] - pb.eps) if sharp[j + k] else None for k in (0, 4)]
        out.append({"sharp": bool(sharp[j + 1] and sharp[j + 2] and sharp[j + 3]), "x": float(xs[j + 2]),
                    "worse": bool(ex["worse"][j + 2]), "xu": float(ex["xu"][j + 2]),
                    "xl": float(ex["xl"][j + 2]), "gaps": gaps})
    return out


def compute_optimal_path(dt, eps, c_prime_grid, *, alpha_variant="correct", shift=True,
                         model="consistent"):
    """Float64 compute-optimal path: arrays (R*, T*) over ``c_prime_grid`` (global float optimiser).

    This is the float64 stage of :func:`numeric.optimum.finite_optimum` (about 1e-10 relative
    accuracy), fast enough for dense emergence curves.

    Examples
    --------
    >>> R, T = compute_optimal_path(6, 0.5, [1e6, 1e8])
    >>> [round(float(r) / 1e3, 1) for r in R]
    [0.4, 4.4]
    """
    pb = Problem.create(dt, eps, alpha_variant=alpha_variant, shift=shift, model=model)
    problems = [pb.at(cp) for cp in np.asarray(c_prime_grid, dtype=float)]
    if not problems:
        return np.zeros(0), np.zeros(0)
    # all points in one vectorised optimisation: the same values as one float_optimum per point
    Rs = np.array([r[0] for r in float_optima(problems)], dtype=float)
    return Rs, np.array([q.cp for q in problems], dtype=float) / Rs
