"""Sampled coupled chains decoded by the project's fast peeling decoder.

Samplers (independent of the DE code; they share only the chain geometry)
-------------------------------------------------------------------------
* ``regular:l/regular:r`` -- the (l, r, L, w) ensemble of Kudekar-Richardson-
  Urbanke with M variables at each of the 2L + 1 positions and M l / r checks at
  each of the 2L + w check positions.  The M l sockets of a variable position
  are split equally over the w offsets 0..w-1 (a uniformly random assignment of
  offsets to sockets), and the sockets arriving at a check position are matched
  to a uniformly random subset of that position's M l check sockets; check
  sockets left unmatched (only at the w - 1 positions at each end) are the
  "known variables outside the chain" of the DE.  Needs M l divisible by w and
  by r.  Multi-edges are kept (the standard ensemble).
* ``concept-text:dt=D,kappa=K[,eps=E]`` -- R_p concepts at each position and
  T_p = round(K R_p) texts at each of the 2L + w text positions; each (concept
  at i, text at i + j), j = 0..w-1, pair is linked independently with
  probability D / (w R_p) (the i.i.d.-edge concept-text graph of
  :mod:`numeric.peeling`, per block).  All concepts are unknown (the device's
  known concepts never change what peeling does, see :mod:`numeric.peeling`).

Trial ``t`` uses ``spawn_seeds(seed, trials)[t]``; intervals are over trials
(independent graphs), Clopper-Pearson for block failure, Student t for means.
"""

from __future__ import annotations

import time

import numpy as np
from infoscaling.derivations.degree import Regular
from infoscaling.derivations.ensemble import ConceptText, parse_ensemble

from . import stats
from .errors import input_error
from .peeling import Graph, _iid_edges, peel
from .rng import spawn_seeds

__all__ = ["sample_coupled_regular", "sample_coupled_concept_text", "simulate_coupled", "MAX_EDGES"]

#: Largest number of edges of one sampled chain (memory: ~20 bytes per edge).
MAX_EDGES = 5 * 10**7


def sample_coupled_regular(rng: np.random.Generator, L: int, w: int, M: int, l: int, r: int) -> Graph:
    """One graph of the (l, r, L, w) coupled ensemble with M variables per position (module notes)."""
    n_pos, n_cpos = 2 * L + 1, 2 * L + w
    per_off = M * l // w
    npc = M * l // r
    var = np.repeat(np.arange(n_pos * M, dtype=np.int64), l)  # sockets of every variable, by position
    offs = np.empty(var.size, dtype=np.int64)
    base = np.repeat(np.arange(w, dtype=np.int64), per_off)
    for i in range(n_pos):
        offs[i * M * l:(i + 1) * M * l] = rng.permutation(base)
    target = var // M + offs  # check position of each socket
    # a stable sort is one permutation whatever the algorithm: small keys as int16 get numpy's radix sort
    keys = target.astype(np.int16) if n_cpos <= np.iinfo(np.int16).max else target
    order = np.argsort(keys, kind="stable")
    var, target = var[order], target[order]
    bounds = np.searchsorted(target, np.arange(n_cpos + 1))
    chk = np.empty(var.size, dtype=np.int64)
    for p in range(n_cpos):
        a, b = bounds[p], bounds[p + 1]
        if b > a:
            sock = rng.permutation(M * l)[: b - a]
            chk[a:b] = p * npc + sock // r
    return Graph.from_edges(n_pos * M, n_cpos * npc, var, chk)


def sample_coupled_concept_text(rng: np.random.Generator, L: int, w: int, Rp: int, dt: float,
                                kappa: float) -> Graph:
    """One coupled concept-text graph: R_p concepts per position, round(kappa R_p) texts per text position."""
    n_pos, n_cpos = 2 * L + 1, 2 * L + w
    Tp = max(1, int(round(kappa * Rp)))
    q = dt / (w * Rp)
    vs, cs = [], []
    for i in range(n_pos):
        for j in range(w):
            pos = _iid_edges(rng, Rp, Tp, q)
            vs.append(i * Rp + pos // Tp)
            cs.append((i + j) * Tp + pos % Tp)
    return Graph.from_edges(n_pos * Rp, n_cpos * Tp, np.concatenate(vs), np.concatenate(cs))


def simulate_coupled(ensemble, L: int, w: int, M: int, eps=None, *, trials: int = 10, seed: int = 0,
                     confidence: float = 0.95) -> dict:
    """Monte Carlo of the peeling decoder on sampled coupled chains.

    Parameters
    ----------
    ensemble : str
        ``regular:l/regular:r`` or ``concept-text:dt=..,kappa=..,eps=..``.
    L, w : int
        Chain geometry (2L + 1 variable positions, window w).
    M : int
        Variables (concepts) per position.
    eps : float
        Channel erasure probability (regular chains; ignored for concept-text,
        where every concept is unknown).
    trials, seed, confidence
        Independent graphs, root seed, interval level.

    Returns
    -------
    dict
        ``block_failure`` and ``residual_fraction`` (erased / variables),
        ``profile`` (mean residual fraction per position), ``rounds`` and the
        inputs echoed.
    """
    from . import validate
    from .coupled import check_chain

    L, w = check_chain(L, w)
    M = validate.integer(M, "M", 1)
    trials = validate.trials(trials, "trials")
    ens = parse_ensemble(ensemble) if isinstance(ensemble, str) else ensemble
    n_pos = 2 * L + 1
    if isinstance(ens, ConceptText):
        kind = "concept-text"
        dt, kappa = float(ens.dt), float(ens.kappa)
        edges = n_pos * M * dt * kappa
    elif isinstance(ens.var, Regular) and isinstance(ens.check, Regular):
        kind = "regular"
        l, r = int(ens.var.d), int(ens.check.d)
        if (M * l) % w or (M * l) % r:
            raise input_error("M", M, f"a multiple making M*l divisible by w = {w} and r = {r}")
        if eps is None or not 0 < float(eps) < 1:
            raise input_error("eps", eps, "a number in (0, 1)")
        edges = n_pos * M * l
    else:
        raise input_error("ensemble", ens.spec(), "regular:l/regular:r or concept-text:...")
    if edges > MAX_EDGES:
        raise input_error("M", M, f"a size with at most {MAX_EDGES:.0e} edges per chain")
    t0 = time.perf_counter()
    failed, resid, rounds, profiles = [], [], [], []
    for s in spawn_seeds(int(seed), trials):
        rng = np.random.default_rng(s)
        if kind == "regular":
            g = sample_coupled_regular(rng, L, w, M, l, r)
            erased = (rng.random(g.n_var) < float(eps)).astype(np.uint8)
        else:
            g = sample_coupled_concept_text(rng, L, w, M, dt, kappa)
            erased = np.ones(g.n_var, dtype=np.uint8)
        res = peel(g, erased)
        failed.append(res.residual > 0)
        resid.append(res.residual / g.n_var)
        rounds.append(res.rounds)
        profiles.append(res.erased.reshape(n_pos, M).mean(axis=1))
    return {
        "ensemble": ens.spec(), "kind": kind, "L": L, "w": w, "M": M,
        "eps": None if kind == "concept-text" else float(eps),
        "block_failure": stats.proportion(int(np.sum(failed)), trials, confidence).to_json(),
        "residual_fraction": stats.mean(resid, confidence, bounds=(0.0, 1.0)).to_json(),
        "profile": np.mean(profiles, axis=0).tolist(),
        "rounds": {"mean": float(np.mean(rounds)), "max": int(np.max(rounds))},
        "trials": trials, "seed": int(seed), "seconds": time.perf_counter() - t0,
    }
