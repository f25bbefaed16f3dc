"""Chinchilla's efficient frontier and a refit of Hoffmann's parametric loss (MODEL.md section 5).

* :func:`frontier_table`: a = beta/(alpha+beta), b, G and the compute-optimal
  N, D, tokens per parameter at a given compute for the three constant sets of
  :data:`derivations.chinchilla.CONSTANT_SETS` (exact SymPy values evaluated
  with mpmath).
* :func:`huber_refit`: Hoffmann et al.'s fitting procedure as replicated by
  Besiroglu et al. (Epoch AI): minimise the Huber loss (delta = 1e-3) between
  log L_hat = LSE(a - alpha log N, b - beta log D, e) and log L over a grid of
  initialisations with L-BFGS (scipy), on the 245 points digitised by Epoch
  from Hoffmann's Fig. 4, after dropping the 5 highest-loss points.

Data location: the 245 points ship inside the package
(``infoscaling.numeric/data/chinchilla_epoch/``, read with :mod:`importlib.resources`,
provenance in the README beside the CSV), so an installed wheel refits them
anywhere.  The environment variable ``INFOSCALING_SHARED`` (a folder holding
``data/chinchilla_epoch/svg_extracted_data.csv``) overrides the packaged copy.

References
----------
J. Hoffmann et al., arXiv:2203.15556 (2022), sec. 3.3 and appendix D.2.
T. Besiroglu, E. Erdil, M. Barnett, J. You, "Chinchilla scaling: a replication
attempt", arXiv:2404.10102 (2024).

Examples
--------
>>> t = frontier_table(dps=10)
>>> t["printed"]["a"], t["epoch"]["a"]
('0.4516129032', '0.5126121076')
"""

from __future__ import annotations

import csv
import itertools
import math
import os
from pathlib import Path

import mpmath as mp
import numpy as np
import sympy as sp
from infoscaling.derivations import chinchilla as dch
from scipy import optimize as sopt
from scipy.special import logsumexp

from .errors import VerificationError, input_error
from .precision import check_dps, fmt

__all__ = [
    "CHINCHILLA_POINT",
    "frontier_table",
    "find_data",
    "load_data",
    "huber_refit",
    "huber_objective",
]

#: Chinchilla itself: 70e9 parameters, 1.4e12 tokens, 5.76e23 FLOPs.
CHINCHILLA_POINT = {"N": 70e9, "D": 1.4e12, "C": 5.76e23}

_REL = Path("data") / "chinchilla_epoch" / "svg_extracted_data.csv"


def frontier_table(dps: int = 20, compute: float = CHINCHILLA_POINT["C"]) -> dict:
    """a, b, G and the optimum at ``compute`` FLOPs for each constant set (decimal strings).

    Returns ``{set: {a, b, G, N_opt, D_opt, tokens_per_parameter, a_minus_half}}``.
    """
    dps = check_dps(dps)
    out = {}
    for name in dch.CONSTANT_SETS:
        fv = dch.frontier_values(name)
        with mp.workdps(dps + 15):
            a = mp.mpf(sp.N(fv["a"], dps + 20))
            b = mp.mpf(sp.N(fv["b"], dps + 20))
            G = mp.mpf(sp.N(fv["G"], dps + 20))
            c6 = mp.mpf(compute) / 6
            n_opt = G * c6**a
            d_opt = c6**b / G
            out[name] = {"a": fmt(a, dps), "b": fmt(b, dps), "G": fmt(G, dps),
                         "N_opt": fmt(n_opt, dps), "D_opt": fmt(d_opt, dps),
                         "tokens_per_parameter": fmt(d_opt / n_opt, dps),
                         "a_minus_half": fmt(a - mp.mpf(1) / 2, dps),
                         "constants": {k: str(v) for k, v in fv["constants"].items()}}
    return out


def packaged_data() -> Path:
    """Path of the Epoch CSV shipped inside the package."""
    from importlib.resources import files

    return Path(str(files("infoscaling.numeric").joinpath(_REL)))


def find_data() -> Path | None:
    """Path of the Epoch CSV: env ``INFOSCALING_SHARED`` if set, else the packaged copy."""
    env = os.environ.get("INFOSCALING_SHARED")
    if env:
        c = Path(env) / _REL
        return c if c.is_file() else None
    c = packaged_data()
    return c if c.is_file() else None


def load_data(path=None, drop_highest: int = 5):
    """(N, D, L) arrays from the Epoch CSV, with the ``drop_highest`` highest-loss points removed.

    D = C / (6 N) from the columns ``Model Size`` (N) and ``Training FLOP`` (C).

    Raises
    ------
    InputError
        When the file is missing, unreadable or malformed (it names the file, and
        ``INFOSCALING_SHARED`` when that variable chose it).
    """
    source = "INFOSCALING_SHARED" if path is None and os.environ.get("INFOSCALING_SHARED") else "Chinchilla data"
    path = Path(path) if path is not None else find_data()
    if path is None or not path.is_file():
        raise input_error(source, str(path), "the Epoch CSV data/chinchilla_epoch/svg_extracted_data.csv "
                          "(Chinchilla data not found)")
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        N = np.array([float(r["Model Size"]) for r in rows])
        C = np.array([float(r["Training FLOP"]) for r in rows])
        L = np.array([float(r["loss"]) for r in rows])
    except (KeyError, ValueError, TypeError, OSError, csv.Error) as exc:  # UnicodeDecodeError is a ValueError
        raise input_error(source, str(path), f"a readable Chinchilla CSV with columns 'Model Size', "
                          f"'Training FLOP', 'loss' ({type(exc).__name__}: {exc})") from None
    if len(L) <= drop_highest or not (np.all(np.isfinite(N)) and np.all(N > 0) and np.all(np.isfinite(C))
                                      and np.all(C > 0) and np.all(np.isfinite(L)) and np.all(L > 0)):
        raise input_error(source, str(path), f"more than {drop_highest} rows of positive finite numbers")
    order = np.argsort(L)
    keep = np.sort(order[: len(L) - drop_highest]) if drop_highest > 0 else np.arange(len(L))
    N, C, L = N[keep], C[keep], L[keep]
    return N, C / (6 * N), L


def huber_objective(theta, logN, logD, logL, delta=1e-3):
    """Sum of Huber losses of LSE(a - alpha logN, b - beta logD, e) - log L, and its gradient.

    ``theta = (a, b, e, alpha, beta)`` with A = e^a, B = e^b, E = e^e.
    """
    a, b, e, al, be = theta
    terms = np.stack([a - al * logN, b - be * logD, np.full_like(logN, e)])
    lse = logsumexp(terms, axis=0)
    r = lse - logL
    absr = np.abs(r)
    hub = np.where(absr <= delta, 0.5 * r**2, delta * (absr - 0.5 * delta))
    dh = np.where(absr <= delta, r, delta * np.sign(r))
    w = np.exp(terms - lse)  # softmax weights
    g = np.array([
        np.sum(dh * w[0]),
        np.sum(dh * w[1]),
        np.sum(dh * w[2]),
        np.sum(dh * w[0] * (-logN)),
        np.sum(dh * w[1] * (-logD)),
    ])
    return float(np.sum(hub)), g


def huber_refit(path=None, delta: float = 1e-3, grid: str = "quick", drop_highest: int = 5,
                polish: int | None = None) -> dict:
    """Refit L = E + A/N^alpha + B/D^beta with Hoffmann's Huber procedure.

    Parameters
    ----------
    path : path-like, optional
        The Epoch CSV (default: :func:`find_data`).
    delta : float
        Huber threshold (1e-3 as Hoffmann et al.).
    grid : {"quick", "full"}
        Initialisation grid: "full" is Epoch's (alpha, beta in 0..2 step 0.5,
        e in -1..1.5 step 0.5, a, b in 0..25 step 5: 5400 starts); "quick" a
        2x2x2x2x1 subset (16 starts; the same optimum on this data).
    drop_highest : int
        Highest-loss points removed before fitting (5, as Epoch).
    polish : int, optional
        Run L-BFGS only from the ``polish`` grid points with the lowest Huber
        objective (every grid point is evaluated; default: from all of them).
        The full grid's 5400 starts take about 0.3 s each on a loaded 2-core
        machine; screened to 64 they reach Epoch's optimum in ~30 s.  Screening
        is a heuristic (on the 16-point quick grid the best start by objective
        does not lead to the optimum): a caller must check the fit it gets.

    Returns
    -------
    dict
        ``E, A, B, alpha, beta, a (= beta/(alpha+beta)), b, objective, points,
        starts, screened, converged_starts`` and ``a_minus_half``.

    Raises
    ------
    VerificationError
        If no start converged or the best fit is not finite.
    """
    if grid not in ("quick", "full"):
        raise ValueError(f"grid must be 'quick' or 'full', got {grid!r}")
    N, D, L = load_data(path, drop_highest)
    logN, logD, logL = np.log(N), np.log(D), np.log(L)
    if grid == "full":
        axes = ([*np.arange(0, 26, 5)], [*np.arange(0, 26, 5)], [*np.arange(-1, 1.6, 0.5)],
                [*np.arange(0, 2.1, 0.5)], [*np.arange(0, 2.1, 0.5)])
    elif grid == "quick":
        axes = ([5, 20], [5, 20], [0, 1], [0.5, 1], [0.5])
    else:
        raise ValueError(f"grid must be 'quick' or 'full', got {grid!r}")
    if polish is not None and (isinstance(polish, bool) or not isinstance(polish, int) or polish < 1):
        raise ValueError(f"polish must be a positive integer, got {polish!r}")
    points = list(itertools.product(*axes))
    screened = len(points)
    if polish is not None and polish < len(points):
        vals = [huber_objective(np.array(th0, dtype=float), logN, logD, logL, delta)[0] for th0 in points]
        keep = sorted(np.argsort(vals, kind="stable")[:polish])
        points = [points[i] for i in keep]
    best = None
    conv = 0
    starts = 0
    for th0 in points:
        starts += 1
        res = sopt.minimize(huber_objective, np.array(th0, dtype=float), args=(logN, logD, logL, delta),
                            jac=True, method="L-BFGS-B")
        if res.success:
            conv += 1
        if best is None or res.fun < best.fun:
            best = res
    if conv == 0 or not np.all(np.isfinite(best.x)) or not math.isfinite(best.fun) or best.x[3] + best.x[4] <= 0:
        raise VerificationError(f"Huber refit did not converge from any of {starts} starts "
                                f"(best objective {best.fun!r}, {best.message})")
    a_, b_, e_, al, be = best.x
    return {
        "E": math.exp(e_), "A": math.exp(a_), "B": math.exp(b_), "alpha": float(al), "beta": float(be),
        "a": float(be / (al + be)), "b": float(al / (al + be)), "a_minus_half": float(be / (al + be) - 0.5),
        "objective": float(best.fun), "points": int(len(L)), "dropped": drop_highest,
        "starts": starts, "screened": screened, "converged_starts": conv, "delta": delta, "grid": grid,
    }
