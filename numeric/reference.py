"""The published reference notebook, emulated once (MODEL.md section 6).

The authors' public numeric notebook is what a user would compare against.
This module re-implements its known faults *once*, faithfully to MODEL.md 6
and in float64 like the original, so that claim R1
(:mod:`infoscaling.numeric.claims.reference`), ``infoscaling crosscheck``
(:mod:`infoscaling.numeric.crosscheck`) and the figures all measure the same
faulty method:

=====================================  ==========================================================
fault (MODEL.md 6)                     emulation
=====================================  ==========================================================
1. threshold search x >= 0.1           :func:`threshold`: bisection in eps over "has
                                       x - eps lambda(1 - rho(1 - x)) a root in [0.1, 1]", the
                                       root test by a :data:`GRID`-point grid + bounded Brent
                                       (:func:`minimiser`)
2. three sign errors in alpha          :func:`alpha` (float64); the same faulty alpha derived
                                       symbolically is :func:`derivations.amru.alpha_squared_reference`
3. beta shift dropped                  :func:`block_failure`
4. optimum window [0.2, 0.6] sqrt(C')  :func:`window_optimum` of :func:`objective` (sign-error
                                       alpha, no beta shift, the paper's unlearned fraction)
5. training-error simplification       :func:`training_error_small_delta`
6. Chernoff base mismatch              :func:`chernoff_tail` (the derived expression
                                       :func:`derivations.skills.reference_chernoff`)
7. fixed float precision / tolerances  float64 throughout, :data:`TOL`, :data:`MAX_BISECTION`
=====================================  ==========================================================

:func:`rel_diff` is the one relative difference used to compare such values with
this project's (it cannot divide by zero).

Notes
-----
Item 5 is described in MODEL.md only by its effect ("its small-delta
approximation is off by a factor of about 2"); the emulation is the small-delta
form (d_t delta)^2, which has exactly that effect against the derived leading
term (d_t delta)^2 / 2 (:func:`derivations.training.leading_training_error`).
Item 6: KL divergence in bits exponentiated in nats, e^{-M D_2} above the mean
and 1 - e^{-M D_2} below it, as derived in :mod:`derivations.skills`.

Examples
--------
>>> from infoscaling.derivations.ensemble import parse_ensemble
>>> ens = parse_ensemble("regular:3/regular:6")
>>> r = threshold(ens)
>>> round(r["eps"], 10), r["on_cut"]
(0.4294398144, False)
>>> round(alpha(FloatEnsemble(ens), r["x"], r["eps"]), 4)     # the correct alpha is 0.5604
0.9385
>>> R, edge = window_optimum(1e4)
>>> edge, round(R / 100, 3)
('upper', 0.6)
"""

from __future__ import annotations

import math

import mpmath as mp

__all__ = [
    "X_CUT",
    "GRID",
    "WINDOW",
    "TOL",
    "MAX_BISECTION",
    "EDGE_RTOL",
    "FloatEnsemble",
    "minimiser",
    "has_root",
    "threshold",
    "alpha",
    "block_failure",
    "objective",
    "window_optimum",
    "training_error_small_delta",
    "chernoff_tail",
    "rel_diff",
]

#: The reference's cut of the x search (MODEL.md 6 item 1).
X_CUT = 0.1
#: Points of the reference's grid searches (x in [0.1, 1], R in the window).
GRID = 40
#: The reference's hand-tuned R window for d_t = 6, in units of sqrt(C') (MODEL.md 6 item 4).
WINDOW = (0.2, 0.6)
#: The reference's fixed bisection tolerance (below one float64 ulp at eps ~ 0.5; MODEL.md 6 item 7).
TOL = 1e-16
#: The reference's iteration cap of the bisection.
MAX_BISECTION = 100
#: A window optimum closer than this (times sqrt(C')) to an end of the window sits on that edge.
EDGE_RTOL = 1e-6
#: Absolute tolerance of the bounded Brent refinement of the window optimum, times sqrt(C').
_R_XATOL = 1e-10


# ------------------------------------------------------------------------------------
# float64 generating functions of an ensemble (what the reference evaluates)
# ------------------------------------------------------------------------------------

class FloatEnsemble:
    """lambda, rho, their derivatives and L'(1) of an ensemble as float64 callables (math module).

    Parameters
    ----------
    ens : derivations.ensemble.Ensemble
    """

    def __init__(self, ens):
        import sympy as sp
        from infoscaling.derivations.notation import X

        lam, rho = ens.lam(X), ens.rho(X)

        def f(e):
            return sp.lambdify(X, e, modules="math")

        self.lam, self.rho = f(lam), f(rho)
        self.dlam, self.drho = f(sp.diff(lam, X)), f(sp.diff(rho, X))
        self.L1 = float(ens.L1)

    def g(self, x, eps):
        """x - eps lambda(1 - rho(1 - x)): zero at DE fixed points."""
        return x - eps * self.lam(1 - self.rho(1 - x))


def minimiser(fun, lo=X_CUT, hi=1.0, num=GRID) -> float:
    """The reference's minimiser: a ``num``-point grid, then bounded Brent between the best point's neighbours."""
    import numpy as np
    from scipy.optimize import minimize_scalar

    xs = np.linspace(lo, hi, num)
    vals = [fun(x) for x in xs]
    i = int(np.argmin(vals))
    a, b = xs[max(i - 1, 0)], xs[min(i + 1, num - 1)]
    return float(minimize_scalar(fun, bounds=(a, b), method="bounded", options={"xatol": 1e-18}).x)


def has_root(fe: FloatEnsemble, eps: float) -> bool:
    """Does x - eps lambda(1 - rho(1 - x)) change sign on [0.1, 1]? (its min and max by :func:`minimiser`)."""
    import numpy as np

    xmin = minimiser(lambda x: fe.g(x, eps))
    xmax = minimiser(lambda x: -fe.g(x, eps))
    return bool(np.sign(fe.g(xmin, eps)) != np.sign(fe.g(xmax, eps)))


def threshold(ens) -> dict:
    """The reference's BP threshold: bisection on eps with the x >= 0.1 root test (float64).

    Bisection over [1e-16, 1 - 1e-16] with the fixed tolerance :data:`TOL` and
    at most :data:`MAX_BISECTION` iterations; the threshold is the smallest eps
    found to have a root, the critical point the minimiser of
    x - eps lambda(1 - rho(1 - x)) on [0.1, 1].

    Returns
    -------
    dict
        ``eps``, ``x``, ``iterations``, ``on_cut`` (True when the critical point is
        the cut x = 0.1 itself: an artefact, no tangency in [0.1, 1]) and ``fe``
        (the :class:`FloatEnsemble`).
    """
    fe = ens if isinstance(ens, FloatEnsemble) else FloatEnsemble(ens)
    lo, hi = TOL, 1 - TOL
    it = 0
    while it < MAX_BISECTION and abs(lo - hi) > TOL:
        mid = (lo + hi) / 2
        if has_root(fe, mid):
            hi = mid
        else:
            lo = mid
        it += 1
    eps = hi
    x = minimiser(lambda t: fe.g(t, eps))
    return {"eps": eps, "x": x, "iterations": it, "on_cut": abs(x - X_CUT) < 1e-6, "fe": fe}


def alpha(fe: FloatEnsemble, x: float, eps: float) -> float:
    """AMRU alpha with the reference's three sign errors (terms added instead of subtracted)."""
    xb = 1 - x
    y = 1 - fe.rho(xb)
    t1 = (fe.rho(xb) ** 2 - fe.rho(xb**2) + fe.drho(xb) * (1 - 2 * x * fe.rho(xb))
          + xb**2 * fe.drho(xb**2))                       # sign error: + xb^2 rho'(xb^2)
    d1 = fe.L1 * fe.lam(y) ** 2 * fe.drho(xb) ** 2
    t2 = (eps**2 * fe.lam(y) ** 2 + eps**2 * fe.lam(y**2)   # sign error: + eps^2 lambda(y^2)
          + y**2 * eps**2 * fe.dlam(y**2))                  # sign error: + y^2 eps^2 lambda'(y^2)
    d2 = fe.L1 * fe.lam(y) ** 2
    return math.sqrt(t1 / d1 + t2 / d2)


def block_failure(n, eps, eps_star, alpha_value) -> float:
    """The reference's P_B = Q(sqrt(n)(eps* - eps)/alpha): the beta n^{-2/3} shift dropped (float64)."""
    return 0.5 * math.erfc(math.sqrt(float(n)) * (float(eps_star) - float(eps)) / float(alpha_value)
                           / math.sqrt(2))


def objective(R, c_prime, dt=6.0, eps=0.5, *, alpha_variant="reference", shift=False, model="paper"):
    """The objective R(1 - delta) over an array of R (float64).

    The defaults are the reference's: sign-error alpha, no beta shift, the
    paper's unlearned fraction; the keywords switch single faults off (the
    correct objective is ``alpha_variant="correct", shift=True, model="consistent"``).
    """
    import numpy as np

    from .optimum import objective_float

    return objective_float(np.atleast_1d(np.asarray(R, dtype=float)), float(c_prime), float(dt), float(eps),
                           alpha_variant=alpha_variant, shift=shift, model=model)[0]


def window_optimum(c_prime, dt=6.0, eps=0.5, *, alpha_variant="reference", shift=False, model="paper",
                   window=WINDOW) -> tuple[float, str | None]:
    """Maximise :func:`objective` over R in ``window`` * sqrt(C') only (grid + bounded Brent).

    Returns
    -------
    (float, str or None)
        The optimum R and the edge it sits on (``"lower"``, ``"upper"``, or None when interior).
    """
    import numpy as np
    from scipy.optimize import minimize_scalar

    kw = dict(alpha_variant=alpha_variant, shift=shift, model=model)
    s = math.sqrt(float(c_prime))
    lo, hi = window[0] * s, window[1] * s
    xs = np.linspace(lo, hi, GRID)
    vals = objective(xs, c_prime, dt, eps, **kw)
    i = int(np.argmax(vals))
    a, b = xs[max(i - 1, 0)], xs[min(i + 1, GRID - 1)]
    res = minimize_scalar(lambda r: -float(objective(r, c_prime, dt, eps, **kw)[0]), bounds=(a, b),
                          method="bounded", options={"xatol": _R_XATOL * s})
    R = float(res.x) if -res.fun >= vals[i] else float(xs[i])
    edge = "lower" if R - lo < EDGE_RTOL * s else "upper" if hi - R < EDGE_RTOL * s else None
    return R, edge


def training_error_small_delta(delta, dt) -> float:
    """The reference's small-delta training error (d_t delta)^2 (the derived one is (d_t delta)^2 / 2)."""
    return (float(dt) * float(delta)) ** 2


def chernoff_tail(M: int, p, eta: int) -> float:
    """The reference's tail "bound" (KL in bits, exponential in nats), as a float.

    The expression is :func:`derivations.skills.reference_chernoff`, evaluated
    with guard digits by :func:`numeric.skills.reference_bound`.
    """
    from .skills import reference_bound

    with mp.workdps(30):
        return float(reference_bound(int(M), mp.mpf(p), int(eta)))


def rel_diff(a, b) -> float:
    """Relative difference |a - b| / |b| (|a| when b = 0; 0 when a = b): never divides by zero.

    Examples
    --------
    >>> rel_diff(1.5, 1.0), rel_diff(0, 0), rel_diff(2, 0), rel_diff("0.25", "0.5")
    (0.5, 0.0, 1.0, 0.5)
    """
    a, b = mp.mpf(a), mp.mpf(b)
    if a == b:
        return 0.0
    scale = abs(b) if b != 0 else abs(a)
    return float(abs(a - b) / scale)
