"""Skill graphs, emergence and plateaus, evaluated (MODEL.md 2.2-2.3).

* :func:`tail_exact` -- ``P(X >= eta)`` for ``X ~ Bin(M, p)`` at any mpmath
  precision by summing the binomial terms outward from ``eta`` (upper tail
  above the mean, complement below it), so no cancellation and no
  ``M``-term loop even for ``M ~ 1e19``; :func:`tail_betainc` is mpmath's
  regularised incomplete beta (the derived closed form) for cross-checks;
  :func:`tail_float` is scipy's ``betainc`` for dense float64 curves.
* :func:`chernoff_bounds` / :func:`reference_bound` -- the derived bounds
  (:func:`derivations.skills.chernoff_bounds`) and the reference's
  base-mismatched expression, lambdified to mpmath with guard digits.
* :class:`SkillSettings` (the paper's settings by default),
  :func:`level_gammas`, :func:`accuracy_curve`, :func:`emergence_table`,
  :func:`find_plateaus` -- curves along a compute path given as arrays
  ``(R, T)``; :func:`compute_path` returns the compute-optimal path of
  :func:`numeric.optimum.compute_optimal_path` when it is available and the
  large-C' asymptotic path ``R = sqrt(C'/kappa*)``, ``T = sqrt(C' kappa*)``
  otherwise (it says which).
* :func:`simulate_skill_level` -- sampled concept-text graphs, co-occurring
  pairs mapped to skill pairs, thresholded, components by union-find.

Along a path ``R`` is rounded to the nearest integer (``M = C(R, 2)`` must
be an integer for a binomial law).
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass

import mpmath as mp
import numpy as np
import sympy as sp
from infoscaling.derivations import skills as dsk
from scipy import special as sps

from .executor import get_engine, run_tasks
from .rng import root_sequence, spawn_seeds
from .stats import mean as t_mean

__all__ = [
    "tail_exact",
    "tail_betainc",
    "tail_float",
    "chernoff_bounds",
    "reference_bound",
    "er_giant",
    "SkillSettings",
    "compute_path",
    "resolve_path",
    "asymptotic_path",
    "level_gammas",
    "level_task_accuracy",
    "pair_probabilities",
    "level_link_probabilities",
    "accuracy_curve",
    "emergence_table",
    "half_accuracy_degree",
    "find_plateaus",
    "simulate_skill_level",
]


# ------------------------------------------------------------------------------------
# binomial tail and bounds
# ------------------------------------------------------------------------------------

def _int_M(M) -> int:
    Mi = int(M)
    if Mi != M or Mi < 0:
        raise ValueError(f"M must be a non-negative integer, got {M!r}")
    return Mi


def _trivial_tail(Mi: int, eta: int):
    """P(X >= eta) when it needs no computation (eta <= 0 or eta > M), else None."""
    if eta <= 0:
        return mp.mpf(1)
    if eta > Mi:
        return mp.mpf(0)
    return None


def tail_exact(M, p, eta) -> mp.mpf:
    """``P(X >= eta)``, ``X ~ Bin(M, p)``, exact to the current mpmath precision.

    Sums the terms outward from ``eta`` (upward when ``eta >= M p``, else
    the complement downward from ``eta - 1``): the terms decrease
    geometrically in that direction, so the loop stops after
    ``O(sqrt(M p) * digits)`` terms.

    Parameters
    ----------
    M : int
        Trials (any size; ``C(R, 2)`` for ``R ~ 1e10`` is fine).
    p : number
        Success probability (mpf, rational string or float).
    eta : int
        Threshold.

    Examples
    --------
    >>> with mp.workdps(30):
    ...     print(tail_exact(5, mp.mpf(1) / 2, 2))
    0.8125
    >>> with mp.workdps(20):
    ...     print(tail_exact(10**19, mp.mpf(1000) / 10**19, 1100))
    0.00096263040586655664372
    """
    Mi = _int_M(M)
    eta = int(eta)
    trivial = _trivial_tail(Mi, eta)
    if trivial is not None:
        return trivial
    extra = int(math.log10(Mi + 1)) + 10
    with mp.workdps(mp.mp.dps + extra):
        p = mp.mpf(p)
        if not 0 <= p <= 1:
            raise ValueError(f"p must be in [0, 1], got {p}")
        if p == 0:
            return mp.mpf(0)
        if p == 1:
            return mp.mpf(1)
        Mm = mp.mpf(Mi)
        r = p / (1 - p)
        upper = eta >= Mm * p
        k = eta if upper else eta - 1
        logt = (mp.loggamma(Mm + 1) - mp.loggamma(k + 1) - mp.loggamma(Mm - k + 1)
                + k * mp.log(p) + (Mm - k) * mp.log1p(-p))
        t = mp.exp(logt)
        s = mp.mpf(0)
        tiny = mp.ldexp(1, -mp.mp.prec - 4)
        while True:
            s += t
            if upper:
                if k >= Mi:
                    break
                t *= (Mm - k) / (k + 1) * r
                k += 1
            else:
                if k <= 0:
                    break
                t *= k / ((Mm - k + 1) * r)
                k -= 1
            if t <= tiny * s:
                break
        val = s if upper else 1 - s
    return +val


def tail_betainc(M, p, eta) -> mp.mpf:
    """``I_p(eta, M - eta + 1)`` with mpmath (the derived closed form; moderate ``M``).

    Examples
    --------
    >>> with mp.workdps(20):
    ...     print(tail_betainc(5, mp.mpf(1) / 2, 2))
    0.8125
    """
    Mi = _int_M(M)
    eta = int(eta)
    trivial = _trivial_tail(Mi, eta)
    if trivial is not None:
        return trivial
    return mp.betainc(eta, Mi - eta + 1, 0, mp.mpf(p), regularized=True)


def tail_float(M, p, eta) -> np.ndarray:
    """Vectorised float64 ``P(X >= eta)`` by scipy's regularised incomplete beta.

    Examples
    --------
    >>> float(tail_float(5, 0.5, 2))
    0.8125
    """
    M = np.asarray(M, dtype=float)
    p = np.asarray(p, dtype=float)
    eta = np.asarray(eta, dtype=float)
    M, p, eta = np.broadcast_arrays(M, p, eta)
    out = np.where(eta <= 0, 1.0, 0.0)
    ok = (eta > 0) & (eta <= M)
    with np.errstate(all="ignore"):
        val = sps.betainc(np.where(ok, eta, 1.0), np.where(ok, M - eta + 1, 1.0), np.clip(p, 0, 1))
    return np.where(ok, val, out)


_SYM = sp.symbols("M p eta", positive=True)
_BOUNDS = None


def _bound_funcs():
    global _BOUNDS
    if _BOUNDS is None:
        M, p, eta = _SYM
        b = dsk.chernoff_bounds(M, p, eta)
        ref = dsk.reference_chernoff(M, p, eta)
        f = {key: sp.lambdify(_SYM, expr, modules="mpmath")
             for key, expr in (("above_lo", b["above"][0]), ("above_hi", b["above"][1]),
                               ("below_lo", b["below"][0]), ("below_hi", b["below"][1]),
                               ("ref_above", ref["above"]), ("ref_below", ref["below"]))}
        _BOUNDS = f
    return _BOUNDS


def _guard(M, p, eta) -> int:
    pf = float(p)
    a = float(eta) / float(M)
    g = 10 + max(0, -int(math.floor(math.log10(max(pf, 1e-300)))))
    if a > 0 and pf > 0 and a != pf:
        g += max(0, -int(math.floor(math.log10(abs(a / pf - 1) + 1e-300))))
    return g


def chernoff_bounds(M, p, eta) -> tuple[mp.mpf, mp.mpf]:
    """``(lower, upper)`` bounds on ``P(X >= eta)`` (derived expressions, guard digits).

    Uses the "above the mean" pair when ``eta >= M p``, the mirrored pair otherwise.

    Examples
    --------
    >>> with mp.workdps(15):
    ...     lo, hi = chernoff_bounds(100, mp.mpf("0.1"), 20)
    ...     ex = tail_exact(100, mp.mpf("0.1"), 20)
    >>> bool(lo <= ex <= hi)
    True
    """
    Mi = _int_M(M)
    eta = int(eta)
    if eta <= 0:
        return mp.mpf(1), mp.mpf(1)
    f = _bound_funcs()
    with mp.workdps(mp.mp.dps + _guard(Mi, p, eta)):
        pm, Mm = mp.mpf(p), mp.mpf(Mi)
        if eta >= Mm * pm:
            if eta == Mi:  # D(1 || p) = -log p: the 0*log 0 term vanishes
                up = pm**Mi
                return +(up / mp.sqrt(2 * Mm)), +up
            return +f["above_lo"](Mm, pm, eta), +f["above_hi"](Mm, pm, eta)
        if eta == 1:  # (eta - 1)/M = 0: P(X <= 0) = (1 - p)^M exactly
            low = mp.exp(Mm * mp.log1p(-pm))
            return +(1 - low), +(1 - low / mp.sqrt(2 * Mm))
        return +f["below_lo"](Mm, pm, eta), +f["below_hi"](Mm, pm, eta)


def reference_bound(M, p, eta) -> mp.mpf:
    """The published reference's tail expression (log base 2 KL exponentiated base e).

    Examples
    --------
    >>> with mp.workdps(15):
    ...     ref = reference_bound(1000, mp.mpf("0.01"), 30)
    ...     ex = tail_exact(1000, mp.mpf("0.01"), 30)
    >>> bool(ref < ex)   # its "upper bound" is below the exact tail
    True
    """
    Mi = _int_M(M)
    eta = int(eta)
    f = _bound_funcs()
    with mp.workdps(mp.mp.dps + _guard(Mi, p, eta)):
        pm, Mm = mp.mpf(p), mp.mpf(Mi)
        key = "ref_above" if eta > Mm * pm else "ref_below"
        return +f[key](Mm, pm, eta)


# ------------------------------------------------------------------------------------
# Erdos-Renyi giant, vectorised float64
# ------------------------------------------------------------------------------------

def er_giant(c) -> np.ndarray:
    """Vectorised ``gamma(c)``: largest root of ``gamma = 1 - exp(-c gamma)`` (0 for c <= 1).

    Lambert W start, then Newton steps on the nontrivial root (accurate near c = 1).

    Examples
    --------
    >>> [round(float(v), 12) for v in er_giant([0.5, 1.0, 2.0])]
    [0.0, 0.0, 0.79681213002]
    """
    c = np.atleast_1d(np.asarray(c, dtype=float))
    g = np.zeros_like(c)
    sup = c > 1
    if sup.any():
        cs = c[sup]
        with np.errstate(all="ignore"):
            w = sps.lambertw(-cs * np.exp(-cs), 0).real
            est = 1 + w / cs
            # start to the right of the root (g(x) = x + expm1(-c x) is convex, increasing
            # there), so Newton decreases monotonically onto the nontrivial root, never to 0
            x = np.where(np.isfinite(est) & (est > 0), np.minimum(1.0, est * 1.01 + 1e-300), 1.0)
            bad = x + np.expm1(-cs * x) <= 0
            x[bad] = 1.0
            for _ in range(80):
                f = x + np.expm1(-cs * x)
                d = 1 - cs * np.exp(-cs * x)
                step = np.where(d > 0, f / d, 0.0)
                new = x - step
                if np.all(np.abs(step) <= 1e-16 * x):
                    x = new
                    break
                x = new
        g[sup] = x
    return g


# ------------------------------------------------------------------------------------
# settings, paths, curves
# ------------------------------------------------------------------------------------

PREREQUISITES = ("fixed", "hierarchical", "none")


def _read_only(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


# The paper's per-level parameters are exact SymPy integers/rationals (0.2-0.4 s per table);
# they depend only on L (and the level distribution), so every SkillSettings shares one table.
@functools.lru_cache(maxsize=8)
def _paper_eta_array(L: int) -> np.ndarray:
    return _read_only(np.array([dsk.paper_eta(l, L) for l in range(1, L + 1)]))


@functools.lru_cache(maxsize=8)
def _paper_sigma_array(L: int) -> np.ndarray:
    return _read_only(np.array([dsk.paper_sigma(l) for l in range(1, L + 1)]))


@functools.lru_cache(maxsize=8)
def _paper_q_array(levels: str, L: int) -> np.ndarray:
    return _read_only(np.array([float(v) for v in dsk.paper_level_weights(levels, L)]))


@dataclass(frozen=True)
class SkillSettings:
    """Skill-level model settings (defaults: the paper's, MODEL.md 2.3).

    Attributes
    ----------
    L, S : int
        Levels and skills per level.
    n_values : tuple
        Skills per task, uniformly weighted.
    levels : {"unimodal", "multimodal"}
        Skill-level distribution ``q(l)``.
    prerequisite : {"fixed", "hierarchical", "none"}
        ``fixed``: level 11 is the prerequisite of every level >= 12 (the
        paper's code); ``hierarchical``: level l-1 for l >= 2; ``none``.
    pairs : {"ordered", "unordered"}
        ``p_ss = q/S^2`` (paper) or ``q/C(S, 2)``.
    dt : float
        Concepts per text.
    """

    L: int = 100
    S: int = 1000
    n_values: tuple = tuple(range(2, 8))
    levels: str = "unimodal"
    prerequisite: str = "fixed"
    pairs: str = "ordered"
    dt: float = 6.0
    fixed_level: int = 11

    def __post_init__(self):
        if self.prerequisite not in PREREQUISITES:
            raise ValueError(f"prerequisite must be one of {PREREQUISITES}, got {self.prerequisite!r}")
        if self.pairs not in dsk.PAIRS:
            raise ValueError(f"pairs must be one of {dsk.PAIRS}, got {self.pairs!r}")
        if self.levels not in ("unimodal", "multimodal"):
            raise ValueError(f"levels must be 'unimodal' or 'multimodal', got {self.levels!r}")
        if self.L < 1 or self.S < 2:
            raise ValueError("need L >= 1 and S >= 2")

    @property
    def eta(self) -> np.ndarray:
        """``eta_l = round(exp(7 l / L))`` (exact integers from the derivation; read-only)."""
        return _paper_eta_array(self.L)

    @property
    def sigma(self) -> np.ndarray:
        """``sigma_l = round(log2 l)`` (read-only)."""
        return _paper_sigma_array(self.L)

    @property
    def q_levels(self) -> np.ndarray:
        """``q(l)``, l = 1..L (float64 of the exact pmf values; read-only)."""
        return _paper_q_array(self.levels, self.L)

    def prerequisite_of(self, l: int) -> int | None:
        """Level whose giant fraction gates level ``l`` (1-based), or None."""
        if self.prerequisite == "none":
            return None
        if self.prerequisite == "hierarchical":
            return l - 1 if l >= 2 else None
        return self.fixed_level if l > self.fixed_level else None


def asymptotic_path(c_prime, kappa) -> tuple[np.ndarray, np.ndarray]:
    """Large-C' compute-optimal path ``R = sqrt(C'/kappa)``, ``T = sqrt(C' kappa)``."""
    c = np.asarray(c_prime, dtype=float)
    return np.sqrt(c / kappa), np.sqrt(c * kappa)


def compute_path(c_prime, dt=6, eps=0.5) -> tuple[np.ndarray, np.ndarray, dict]:
    """Compute-optimal ``(R, T)`` over ``c_prime`` (:func:`numeric.optimum.compute_optimal_path`), and its label.

    Raises
    ------
    VerificationError
        If the optimiser fails or returns non-finite or non-positive sizes (never replaced
        silently by another path).
    """
    from .errors import VerificationError
    from .optimum import compute_optimal_path

    c = np.asarray(c_prime, dtype=float)
    R, T = compute_optimal_path(dt, eps, [float(v) for v in c])
    R, T = np.asarray(R, dtype=float), np.asarray(T, dtype=float)
    if not (R.shape == c.shape and np.all(np.isfinite(R)) and np.all(R > 0)
            and np.all(np.isfinite(T)) and np.all(T > 0)):
        raise VerificationError("compute_optimal_path returned non-finite or non-positive sizes")
    return R, T, {"path": "compute-optimal (numeric.optimum.compute_optimal_path)", "dt": dt, "eps": eps}


def resolve_path(path, c_prime) -> tuple[np.ndarray, np.ndarray]:
    """Arrays ``(R, T)`` on ``c_prime`` from a path given as arrays or as a callable.

    Parameters
    ----------
    path : tuple of arrays or callable
        ``(R, T)`` already on the grid, or a vectorised ``f(C') -> (R, T)``
        called once with the whole grid.
    c_prime : array_like
        The compute grid.

    Examples
    --------
    >>> R, T = resolve_path(lambda c: (c ** 0.5 / 2, 2 * c ** 0.5), [1e4, 1e6])
    >>> R.tolist(), T.tolist()
    ([50.0, 500.0], [200.0, 2000.0])
    """
    c = np.asarray(c_prime, dtype=float)
    if callable(path):
        R, T = path(c)
    else:
        R, T = path
    R, T = np.asarray(R, dtype=float), np.asarray(T, dtype=float)
    if R.shape != c.shape or T.shape != c.shape:
        raise ValueError(f"path must give R and T with the grid's shape {c.shape}, got {R.shape}, {T.shape}")
    if not (np.all(np.isfinite(R)) and np.all(R > 0) and np.all(np.isfinite(T)) and np.all(T > 0)):
        raise ValueError("path R and T must be positive and finite")
    return R, T


def pair_probabilities(R, T, settings: SkillSettings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(M, q, p_ss)`` along a path: the curves' model of co-occurring concept pairs.

    ``M = R(R-1)/2`` concept pairs, each co-occurring in some text with probability
    ``q = 1 - (1 - p^2)^T`` (``p = d_t/R``), and supporting a given skill pair with
    probability ``p_ss = q/S^2`` (ordered pairs, the paper) or ``q/C(S, 2)``.
    """
    R = np.rint(np.asarray(R, dtype=float))
    T = np.asarray(T, dtype=float)
    p = np.minimum(settings.dt / np.maximum(R, 1.0), 1.0)
    with np.errstate(divide="ignore"):
        q = np.where(p >= 1.0, 1.0, -np.expm1(T * np.log1p(-p * p)))
    M = R * (R - 1) / 2
    S = float(settings.S)
    pss = q / (S * S) if settings.pairs == "ordered" else q / (S * (S - 1) / 2)
    return M, q, pss


def level_link_probabilities(R, T, settings: SkillSettings) -> np.ndarray:
    """``P(X_l >= eta_l)`` per level along a path (shape ``(L, len(R))``): the skill-link probability
    of the accuracy curves before prerequisites."""
    return _tails(R, T, settings)


def _tails(R, T, settings: SkillSettings) -> np.ndarray:
    M, _, pss = pair_probabilities(R, T, settings)
    return tail_float(M[None, :], pss[None, :], settings.eta[:, None].astype(float))


def level_gammas(R, T, settings: SkillSettings | None = None, tails=None) -> np.ndarray:
    """Giant fractions ``gamma_l`` (shape ``(L, len(R))``) along a path.

    ``p_l = P(X_l >= eta_l) gamma_pre^(2 sigma_l)``, ``gamma_l = gamma_ER(S p_l)``,
    computed level by level so that prerequisites are available.
    """
    settings = settings or SkillSettings()
    tails = _tails(R, T, settings) if tails is None else tails
    g = np.zeros_like(tails)
    sig = settings.sigma
    for i in range(settings.L):
        pre = settings.prerequisite_of(i + 1)
        pl = tails[i] if pre is None else tails[i] * g[pre - 1] ** (2 * sig[i])
        g[i] = er_giant(settings.S * pl)
    return g


def level_task_accuracy(gammas: np.ndarray, settings: SkillSettings | None = None) -> np.ndarray:
    """``sum_n q(n) gamma_l^n`` per level (uniform ``q(n)`` over ``n_values``)."""
    settings = settings or SkillSettings()
    ns = settings.n_values
    return sum(gammas**n for n in ns) / len(ns)


def accuracy_curve(R, T, settings: SkillSettings | None = None) -> dict:
    """Accuracy ``sum_l q(l) sum_n q(n) gamma_l^n`` along a path, with the gammas."""
    settings = settings or SkillSettings()
    g = level_gammas(R, T, settings)
    per_level = level_task_accuracy(g, settings)
    acc = settings.q_levels @ per_level
    return {"accuracy": acc, "gammas": g, "per_level": per_level}


def _crossing(x, y, level):
    """First x (log-linear interpolation) where increasing y crosses ``level``; None if never."""
    idx = np.nonzero((y[:-1] < level) & (y[1:] >= level))[0]
    if idx.size == 0:
        return None
    i = idx[0]
    f = (level - y[i]) / (y[i + 1] - y[i])
    return float(x[i] + f * (x[i + 1] - x[i]))


def half_accuracy_degree(settings: SkillSettings | None = None) -> float:
    """``k_{1/2}``: mean skill-graph degree at which ``sum_n q(n) gamma_ER(k)^n = 1/2``."""
    settings = settings or SkillSettings()
    ns = settings.n_values

    def f(k):
        g = 1 + mp.lambertw(-k * mp.exp(-k), 0).real / k
        return mp.fsum(g**n for n in ns) / len(ns) - mp.mpf(1) / 2

    from .roots import illinois

    with mp.workdps(30):  # bracketed: f < 0 just above the ER threshold k = 1, f > 0 at k = 50
        return float(illinois(f, mp.mpf("1.0001"), mp.mpf(50)))


def emergence_table(c_prime, R, T, settings: SkillSettings | None = None, levels=None,
                    varsigma: float = 2e5) -> list[dict]:
    """Per level: where the task accuracy crosses 10/50/90 %, and the closed-form prediction.

    The prediction is the ``C'`` where the path's ``T`` equals
    :func:`derivations.skills.emergence_T` at the path's ``R`` (``E[X_l] = eta_l``).
    Locations are in ``log10 C'``; widths in decades of ``N* = varsigma R*``.
    """
    settings = settings or SkillSettings()
    lc = np.log10(np.asarray(c_prime, dtype=float))
    R = np.asarray(R, dtype=float)
    T = np.asarray(T, dtype=float)
    g = level_gammas(R, T, settings)
    acc = level_task_accuracy(g, settings)
    lN = np.log10(varsigma * R)
    Rr = np.rint(R)
    S = float(settings.S)
    denom = S * S if settings.pairs == "ordered" else S * (S - 1) / 2
    step = float(np.mean(np.diff(lc)))
    k_half = half_accuracy_degree(settings)
    out = []
    for l in (levels or range(1, settings.L + 1)):
        eta = float(settings.eta[l - 1])
        M = Rr * (Rr - 1) / 2
        with np.errstate(all="ignore"):
            # derived closed form T_e(R) = log(1 - eta S^2/M) / log(1 - d_t^2/R^2)
            Te = np.log1p(-eta * denom / M) / np.log1p(-(settings.dt / Rr) ** 2)
        diff = np.where(np.isfinite(Te), T - Te, -np.inf)
        pred = _crossing(lc, np.sign(diff), 0.0) if np.any(diff >= 0) else None
        # refined: E[X_l] = lam*, S P(eta, lam*) = k_1/2 (Poisson limit, inverse incomplete gamma)
        lam = float(sps.gammaincinv(eta, min(k_half / S, 1.0)))
        with np.errstate(all="ignore"):
            Tr = np.log1p(-lam * denom / M) / np.log1p(-(settings.dt / Rr) ** 2)
        diff_r = np.where(np.isfinite(Tr), T - Tr, -np.inf)
        pred_r = _crossing(lc, np.sign(diff_r), 0.0) if np.any(diff_r >= 0) else None
        y = acc[l - 1]
        c10, c50, c90 = (_crossing(lc, y, v) for v in (0.1, 0.5, 0.9))
        n10, n90 = (_crossing(lN, y, v) for v in (0.1, 0.9))
        out.append({
            "level": l, "eta": int(eta), "sigma": int(settings.sigma[l - 1]),
            "log10_C_pred": pred, "log10_C_10": c10, "log10_C_50": c50, "log10_C_90": c90,
            "width_decades_N": None if n10 is None or n90 is None else n90 - n10,
            "offset_grid_steps": None if pred is None or c50 is None else (c50 - pred) / step,
            "support_at_midpoint": lam, "log10_C_pred_refined": pred_r,
            "offset_refined_grid_steps": None if pred_r is None or c50 is None else (c50 - pred_r) / step,
        })
    return out


def find_plateaus(c_prime, acc, lo: float = 0.02, hi: float = 0.98, depth: float = 0.1) -> list[dict]:
    """Plateaus of an accuracy curve: interior local minima of its slope in ``log10 C'``.

    A plateau is a local minimum of ``dAcc/dlog10 C'`` (on the grid) with
    ``lo < Acc < hi`` whose slope is below ``depth`` times the smaller of the
    slope maxima on either side.  Its height is the accuracy there.
    """
    x = np.log10(np.asarray(c_prime, dtype=float))
    y = np.asarray(acc, dtype=float)
    s = np.gradient(y, x)
    out = []
    for i in range(1, len(s) - 1):
        if not (s[i] <= s[i - 1] and s[i] < s[i + 1]):
            continue
        if not lo < y[i] < hi:
            continue
        left, right = s[:i].max(), s[i + 1:].max()
        if s[i] < depth * min(left, right):
            out.append({"log10_C": float(x[i]), "height": float(y[i]), "slope": float(s[i])})
    return out


# ------------------------------------------------------------------------------------
# simulated skill graphs (reduced sizes)
# ------------------------------------------------------------------------------------

def _bernoulli_positions(total: int, p: float, rng) -> np.ndarray:
    """Indices in ``[0, total)`` kept independently with probability ``p`` (geometric skips)."""
    if p <= 0 or total <= 0:
        return np.empty(0, dtype=np.int64)
    if p >= 1:
        return np.arange(total, dtype=np.int64)
    expected = total * p
    chunk = int(expected + 6 * math.sqrt(expected) + 16)
    parts, pos = [], -1
    while True:
        idx = pos + np.cumsum(rng.geometric(p, chunk).astype(np.int64))
        parts.append(idx[idx < total])
        if idx[-1] >= total:
            break
        pos = int(idx[-1])
    return np.concatenate(parts)


def _cooccurring_pairs(text: np.ndarray, concept: np.ndarray, R: int) -> int:
    """Number of distinct concept pairs that share at least one text.

    ``(text, concept)`` are the incidences (each at most once).  Texts are grouped by
    their number of concepts ``m``: one ``(texts x m)`` block and one ``triu_indices(m)``
    per distinct ``m`` (about 20 of them), instead of one per text.

    Examples
    --------
    >>> _cooccurring_pairs(np.array([0, 0, 0, 1, 1, 2]), np.array([1, 2, 3, 1, 2, 5]), 10)
    3
    """
    order = np.argsort(text, kind="stable")
    text, concept = text[order], concept[order]
    if text.size == 0:
        return 0
    starts = np.flatnonzero(np.r_[True, text[1:] != text[:-1]])
    sizes = np.diff(np.r_[starts, text.size])
    codes = []
    for m in np.unique(sizes[sizes >= 2]):
        block = concept[starts[sizes == m][:, None] + np.arange(m)]  # texts with m concepts, one per row
        i, j = np.triu_indices(m, 1)
        a, b = block[:, i], block[:, j]
        codes.append((np.minimum(a, b) * R + np.maximum(a, b)).ravel())
    return int(np.unique(np.concatenate(codes)).size) if codes else 0


def _skill_trial(task):
    R, T, dt, S, eta, pairs, seq = task
    from .graphsim import component_sizes

    rng = np.random.default_rng(seq)
    p = dt / R
    pos = _bernoulli_positions(R * T, p, rng)          # incidences (text, concept)
    n_co = _cooccurring_pairs(pos // R, pos % R, R)
    if pairs == "ordered":
        slots = rng.integers(0, S * S, n_co)
        counts = np.bincount(slots, minlength=S * S).reshape(S, S)
        iu = np.triu_indices(S, 1)
        link = counts[iu] >= eta                           # pair {i<j} uses slot (i, j)
        src, dst = iu[0][link], iu[1][link]
    else:
        iu = np.triu_indices(S, 1)
        slots = rng.integers(0, iu[0].size, n_co)
        counts = np.bincount(slots, minlength=iu[0].size)
        link = counts >= eta
        src, dst = iu[0][link], iu[1][link]
    sizes = component_sizes(S, src, dst)
    return float(link.mean()), float(sizes.max() / S), n_co / (R * (R - 1) / 2)


def simulate_skill_level(R: int, T: int, dt: float, S: int, eta: int, trials: int, seed=None,
                         pairs: str = "ordered", workers=1, confidence: float = 0.95) -> dict:
    """Simulate one skill level on sampled concept-text graphs (no prerequisites).

    Each trial samples an R x T concept-text incidence (each pair with
    probability ``d_t/R``), finds every co-occurring concept pair, assigns it
    to a uniformly chosen skill pair (ordered with self-pairs, or unordered),
    links skill pairs with at least ``eta`` supporting pairs and measures the
    edge density and the largest-component fraction of the skill graph.

    Returns
    -------
    dict
        ``edge_density``, ``gamma``, ``cooccurrence`` as Estimate JSON, the
        theory values ``p_l`` (exact tail), ``gamma_theory`` (ER at
        ``k = S p_l``) and ``q``, plus ``seed``, ``trials``, ``seconds``.

    Examples
    --------
    >>> r = simulate_skill_level(300, 200, 6, 40, 2, trials=2, seed=1)
    >>> sorted(k for k in r if k.endswith("theory"))
    ['cooccurrence_theory', 'edge_density_theory', 'gamma_theory']
    """
    if pairs not in dsk.PAIRS:
        raise ValueError(f"pairs must be one of {dsk.PAIRS}, got {pairs!r}")
    seq = root_sequence(seed)
    t0 = time.perf_counter()
    tasks = [(int(R), int(T), float(dt), int(S), int(eta), pairs, s) for s in spawn_seeds(seq, trials)]
    res = run_tasks(_skill_trial, tasks, get_engine(workers))
    dens, gam, co = (list(v) for v in zip(*res, strict=True))
    with mp.workdps(30):
        pf = mp.mpf(dt) / R
        q = -mp.expm1(T * mp.log1p(-pf * pf))
        denom = S * S if pairs == "ordered" else S * (S - 1) // 2
        pl = tail_exact(R * (R - 1) // 2, q / denom, eta)
    return {
        "edge_density": t_mean(dens, confidence).to_json(),
        "gamma": t_mean(gam, confidence).to_json(),
        "cooccurrence": t_mean(co, confidence).to_json(),
        "edge_density_theory": float(pl),
        "gamma_theory": float(er_giant(S * float(pl))[0]),
        "cooccurrence_theory": float(q),
        "R": int(R), "T": int(T), "dt": dt, "S": int(S), "eta": int(eta), "pairs": pairs,
        "seed": int(seq.entropy) if seed is None else int(seed), "trials": int(trials),
        "seconds": time.perf_counter() - t0,
    }
