"""Independent peeling-decoder simulator: graph samplers, decoders, campaigns.

This module checks density evolution (MODEL.md 1.3) against the real thing:
random bipartite graphs drawn from an ensemble, an erasure channel, and the
peeling decoder (MODEL.md 1.1, section 3).  It shares no code with the DE /
threshold computations except the exact degree laws of
:mod:`derivations.ensemble`.

Graph contract
--------------
A :class:`Graph` is the variable-side CSR of a bipartite multigraph:
``var_adj[var_ptr[v]:var_ptr[v+1]]`` lists the checks of variable ``v``, one
entry per edge (a double edge appears twice).  The erasure pattern is a
``uint8`` array of length ``n_var`` (1 = erased).  Both decoders take exactly
this input.

Degrees count *edges*: a check "has exactly one erased neighbour" when exactly
one of its edges leads to an erased variable.  A check joined to the same
erased variable by a double edge therefore does not fire (over GF(2) the two
copies cancel, so the check carries no information about that variable); this
is the peeling decoder of the standard configuration-model LDPC ensemble
(Richardson & Urbanke, *Modern Coding Theory*, 2008, sec. 3.19).

Samplers (one :class:`PeelingPlan` per ensemble and length)
-----------------------------------------------------------
Each side of ``VAR/CHECK`` is either *structured* (``regular:d``, ``poly:``)
or *random* (``poisson:m``, ``binomial:N,p``).

* structured / structured: **configuration model**.  Node degrees are assigned
  deterministically: variable class ``k`` gets the largest-remainder rounding
  of ``n * L_k`` (node fractions, ``FiniteSupport.node_fractions()``), which
  fixes the edge count ``E``.  The check side gets ``m = round(E / R'(1))``
  nodes, degrees by largest-remainder rounding of ``m * R_k``; the leftover
  ``D = E - sum(degrees)`` sockets (``|D| <= R'(1)/2 + `` the sum of the
  check degrees in the support, independent of n; 0 whenever ``E`` is a
  multiple of a regular check degree) are absorbed one socket per check, round robin from
  the highest-degree checks (adding when ``D > 0``, removing when ``D < 0``,
  never below degree 1).  Sockets are matched by a uniformly random
  permutation (Fisher-Yates in compiled code; each index in [0, k) comes from
  one 64-bit draw by Lemire's multiply-shift, whose bias, below k / 2**64, is
  far beyond anything measurable).  Multi-edges are allowed: this is the standard
  LDPC ensemble.
* structured / random: each of the ``E`` sockets of the structured side is
  joined to a node of the random side chosen uniformly among
  ``m = round(E / mean)`` nodes, so random-side degrees are multinomial, i.e.
  Bin(E, 1/m) -> Poisson(mean) (for a ``binomial`` side the mean is matched,
  the law is its large-N Poisson limit).  If the variable side is the random
  one, ``E = round(n * a)`` with ``a`` its mean degree.
* random / random (``poisson:a/poisson:b``, ``binomial:N,p/binomial:M,p``,
  mixed): the **i.i.d.-edge** (bipartite Erdos-Renyi) graph with ``n``
  variables, ``m = round(n a / b)`` checks and every (variable, check) pair
  present independently with probability ``p = a / m``.  For
  ``binomial:N,p/binomial:M,p`` at ``n = M`` this is exactly the stated
  ensemble (``m = N`` and the same ``p``); for Poisson sides it is the sparse
  random graph with matched means, whose degree laws tend to the Poisson laws.
  (We choose this over a Poisson-degree configuration model: it is the
  ensemble of the concept-text model itself.)  Sampling is exact: the gaps
  between present pairs in row-major order are i.i.d. Geometric(p)
  (Batagelj & Brandes 2005).
* ``concept-text:dt=..,kappa=..,eps=..[,R=..]``: R concepts, ``T =
  round(kappa R)`` texts, each pair linked with probability ``p = dt/R``, and
  *all* R concepts erased.  The code of MODEL.md 1.2 adds R(1-eps)/eps known
  concepts; known variables never change a check's erased count, so peeling
  the length-``n = R/eps`` code with exactly the R concepts erased is the same
  process as peeling the R x T graph with everything erased (the only
  difference from the BEC(eps) is that the number of erasures is exactly
  ``eps n`` instead of Bin(n, eps), which changes nothing to leading order).
  Hence ``residual_fraction`` is the unlearned count divided by ``n = R/eps``
  (comparable with ``eps L(y)`` of DE) and ``unlearned_fraction`` is it
  divided by R.  Without ``R`` the string is the Poisson limit and ``R =
  round(n eps)`` from the code length ``n``.

Channel: every variable is erased independently with probability ``eps``
(except concept-text, above).

Peeling rounds
--------------
Round ``t`` (t = 1, 2, ...): every check that has exactly one erased edge *at
the start of round t* fires simultaneously and recovers its erased variable.
``rounds`` is the number of rounds in which at least one check fired (0 when
nothing is ever recovered).  The fast decoder gets the same number from a FIFO
queue by labelling each check with the round at which it became degree-one
(initial degree-one checks: round 1; a check that becomes degree-one while a
round-``t`` check is processed: round ``t + 1``); the FIFO processes checks in
nondecreasing label order, and the decoders' tests check that the two
definitions agree exactly.

References
----------
T. Richardson and R. Urbanke, *Modern Coding Theory*, Cambridge (2008), ch. 3.
V. Batagelj and U. Brandes, Efficient generation of large random networks,
Phys. Rev. E 71 (2005) 036113.
A. K. Nayak and L. R. Varshney, arXiv:2410.01243 (2024), section III.

Examples
--------
>>> r = simulate_peeling("regular:3/regular:6", n=2000, eps=0.3, trials=4, seed=1, workers=1)
>>> r["block_failure"]["estimate"], r["residual_erased_fraction"]["estimate"]
(0.0, 0.0)
>>> r["trials"], r["n"], r["eps"]
(4, 2000, 0.3)
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from fractions import Fraction

import numba
import numpy as np
from infoscaling.derivations.degree import Binomial, FiniteSupport, Poisson, Regular
from infoscaling.derivations.ensemble import ConceptText, Ensemble, parse_ensemble

from . import stats
from .executor import Engine, ProcessEngine, SerialEngine, get_engine, run_tasks
from .rng import root_sequence

__all__ = [
    "Graph",
    "PeelResult",
    "PeelingPlan",
    "PeelingTrials",
    "MAX_TRIALS",
    "MEMORY_LIMIT_BYTES",
    "plan_peeling",
    "check_int",
    "sample_graph",
    "sample_erasures",
    "peel",
    "peel_reference",
    "run_trial",
    "peeling_trials",
    "simulate_peeling",
    "summarize_trials",
]

#: Largest number of trials of one campaign.
MAX_TRIALS = 10**7
#: Memory budget of one graph instance (sampling + decoding); larger ``n`` is refused.
MEMORY_LIMIT_BYTES = 4 * 2**30
#: Estimated peak bytes per edge and per node of one trial (see the benchmark).
_BYTES_PER_EDGE = 40
_BYTES_PER_NODE = 40
#: Above this many edges in a whole campaign the default engine uses local processes
#: (about 2 s of serial work: below it process start-up does not pay).
_PARALLEL_WORK = 100_000_000


# ----------------------------------------------------------------------------
# graph contract
# ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Graph:
    """Variable-side CSR of a bipartite multigraph (see the module notes).

    Attributes
    ----------
    n_var, n_chk : int
        Numbers of variable and check nodes.
    var_ptr : numpy.ndarray of int64, shape (n_var + 1,)
        Offsets into ``var_adj``.
    var_adj : numpy.ndarray of int32, shape (edges,)
        Check index of every edge, grouped by variable.
    """

    n_var: int
    n_chk: int
    var_ptr: np.ndarray
    var_adj: np.ndarray

    @property
    def edges(self) -> int:
        """Number of edges (with multiplicity)."""
        return int(self.var_adj.size)

    @classmethod
    def from_edges(cls, n_var: int, n_chk: int, var, chk) -> Graph:
        """Build the CSR from edge lists ``(var[i], chk[i])`` (any order, multi-edges kept).

        Examples
        --------
        >>> g = Graph.from_edges(3, 2, [2, 0, 0, 1], [1, 0, 1, 1])
        >>> g.var_ptr.tolist(), g.var_adj.tolist()
        ([0, 2, 3, 4], [0, 1, 1, 1])
        """
        var = np.asarray(var, dtype=np.int64)
        chk = np.asarray(chk, dtype=np.int64)
        if var.shape != chk.shape or var.ndim != 1:
            raise ValueError("var and chk must be 1-d arrays of equal length")
        if var.size and (var.min() < 0 or var.max() >= n_var or chk.min() < 0 or chk.max() >= n_chk):
            raise ValueError("edge endpoint out of range")
        ptr = np.zeros(n_var + 1, dtype=np.int64)
        np.cumsum(np.bincount(var, minlength=n_var), out=ptr[1:])
        adj = _csr_fill(ptr, var, chk.astype(np.int32))
        return cls(int(n_var), int(n_chk), ptr, adj)

    def check_lists(self) -> list[list[int]]:
        """Check-side adjacency as Python lists (variable of every edge of each check)."""
        out: list[list[int]] = [[] for _ in range(self.n_chk)]
        ptr = self.var_ptr.tolist()
        adj = self.var_adj.tolist()
        for v in range(self.n_var):
            for e in range(ptr[v], ptr[v + 1]):
                out[adj[e]].append(v)
        return out


@dataclass(frozen=True)
class PeelResult:
    """Outcome of peeling one graph.

    Attributes
    ----------
    erased : numpy.ndarray of uint8
        Final erasure pattern (1 = still erased): the maximal stopping set
        contained in the initial erasures.
    residual : int
        Number of variables still erased.
    rounds : int
        Number of parallel peeling rounds (module notes).
    """

    erased: np.ndarray
    residual: int
    rounds: int


# ----------------------------------------------------------------------------
# compiled kernels
# ----------------------------------------------------------------------------
@numba.njit(cache=True)
def _csr_fill(ptr, var, chk):  # pragma: no cover - compiled
    """Counting sort of edges by variable (stable)."""
    pos = ptr[:-1].copy()
    adj = np.empty(var.size, dtype=np.int32)
    for i in range(var.size):
        v = var[i]
        adj[pos[v]] = chk[i]
        pos[v] += 1
    return adj


@numba.njit(cache=True)
def _bounded(x, k):  # pragma: no cover - compiled
    """floor(x * k / 2**64) for a raw 64-bit draw x and 1 <= k < 2**32 (Lemire's multiply-shift)."""
    mask = np.uint64(0xFFFFFFFF)
    s32 = np.uint64(32)
    kk = np.uint64(k)
    hi = (x >> s32) * kk
    lo = (x & mask) * kk
    return np.int64((hi + (lo >> s32)) >> s32)


@numba.njit(cache=True)
def _matched_sockets(chk_deg, raw):  # pragma: no cover - compiled
    """Check index of every check socket, uniformly permuted (Fisher-Yates).

    ``raw`` holds one 64-bit random draw per socket.
    """
    total = 0
    for c in range(chk_deg.size):
        total += chk_deg[c]
    out = np.empty(total, dtype=np.int32)
    i = 0
    for c in range(chk_deg.size):
        for _ in range(chk_deg[c]):
            out[i] = c
            i += 1
    for i in range(total - 1, 0, -1):
        j = _bounded(raw[i], i + 1)
        tmp = out[i]
        out[i] = out[j]
        out[j] = tmp
    return out


@numba.njit(cache=True)
def _uniform_targets(raw, k):  # pragma: no cover - compiled
    """One uniform index in [0, k) per raw draw (int32)."""
    out = np.empty(raw.size, dtype=np.int32)
    for i in range(raw.size):
        out[i] = _bounded(raw[i], k)
    return out


@numba.njit(cache=True)
def _peel_kernel(n_chk, var_ptr, var_adj, erased):  # pragma: no cover - compiled
    """Queue-based peeling, O(edges); updates ``erased`` in place.

    Per check: the number of erased edges and the sum of their variable
    indices, so a degree-one check names its variable without a scan.
    Returns (residual erased count, parallel rounds).
    """
    n_var = var_ptr.size - 1
    cnt = np.zeros(n_chk, dtype=np.int32)
    ssum = np.zeros(n_chk, dtype=np.int64)
    residual = 0
    for v in range(n_var):
        if erased[v]:
            residual += 1
            for e in range(var_ptr[v], var_ptr[v + 1]):
                c = var_adj[e]
                cnt[c] += 1
                ssum[c] += v
    queue = np.empty(n_chk, dtype=np.int32)
    label = np.empty(n_chk, dtype=np.int32)
    tail = 0
    for c in range(n_chk):
        if cnt[c] == 1:
            queue[tail] = c
            label[tail] = 1
            tail += 1
    head = 0
    rounds = 0
    while head < tail:
        c = queue[head]
        t = label[head]
        head += 1
        if cnt[c] != 1:  # its variable was recovered by another check meanwhile
            continue
        v = ssum[c]
        erased[v] = 0
        residual -= 1
        if t > rounds:
            rounds = t
        for e in range(var_ptr[v], var_ptr[v + 1]):
            c2 = var_adj[e]
            cnt[c2] -= 1
            ssum[c2] -= v
            if cnt[c2] == 1:
                queue[tail] = c2
                label[tail] = t + 1
                tail += 1
    return residual, rounds


# ----------------------------------------------------------------------------
# decoders
# ----------------------------------------------------------------------------
def _check_pattern(graph: Graph, erased) -> np.ndarray:
    e = np.asarray(erased)
    if e.shape != (graph.n_var,):
        raise ValueError(f"erased must have shape ({graph.n_var},), got {e.shape}")
    return (e != 0).astype(np.uint8)


def peel(graph: Graph, erased) -> PeelResult:
    """Fast queue-based peeling decoder (compiled, O(edges)).

    Parameters
    ----------
    graph : Graph
    erased : array_like of bool or 0/1, shape (n_var,)
        Initial erasure pattern (not modified).

    Returns
    -------
    PeelResult

    Examples
    --------
    >>> g = Graph.from_edges(3, 2, [0, 1, 1, 2], [0, 0, 1, 1])
    >>> r = peel(g, [1, 1, 1])
    >>> r.residual, r.rounds
    (3, 0)
    >>> r = peel(g, [1, 1, 0])
    >>> r.residual, r.rounds, r.erased.tolist()
    (0, 2, [0, 0, 0])
    """
    e = _check_pattern(graph, erased)
    residual, rounds = _peel_kernel(graph.n_chk, graph.var_ptr, graph.var_adj, e)
    return PeelResult(e, int(residual), int(rounds))


def peel_reference(graph: Graph, erased) -> PeelResult:
    """Slow, obviously correct peeling decoder (pure Python, same contract as :func:`peel`).

    Repeat: collect every check with exactly one erased edge; if none, stop;
    otherwise recover all their erased variables at once and count a round.

    Examples
    --------
    >>> g = Graph.from_edges(3, 2, [0, 1, 1, 2], [0, 0, 1, 1])
    >>> r = peel_reference(g, [1, 1, 0])
    >>> r.residual, r.rounds
    (0, 2)
    """
    pattern = _check_pattern(graph, erased)
    checks = graph.check_lists()
    still = {v for v in range(graph.n_var) if pattern[v]}
    rounds = 0
    while True:
        recovered = set()
        for nbrs in checks:
            erased_edges = [v for v in nbrs if v in still]
            if len(erased_edges) == 1:
                recovered.add(erased_edges[0])
        if not recovered:
            break
        still -= recovered
        rounds += 1
    out = np.zeros(graph.n_var, dtype=np.uint8)
    out[sorted(still)] = 1
    return PeelResult(out, len(still), rounds)


# ----------------------------------------------------------------------------
# plans: validated, picklable sampler descriptions
# ----------------------------------------------------------------------------
@dataclass(frozen=True)
class PeelingPlan:
    """Everything a trial needs to sample one graph and channel (picklable, no SymPy).

    Attributes
    ----------
    kind : str
        ``"config"`` (structured/structured), ``"var-structured"``
        (structured variables, random checks), ``"chk-structured"`` (random
        variables, structured checks), ``"iid"`` (i.i.d. edges).
    n_var, n_chk : int
        Node counts (``n_var`` = R for concept-text).
    var_classes, chk_classes : tuple of (degree, count)
        Deterministic degree sequence of a structured side (else empty).
    chk_adjust : int
        Leftover sockets ``D`` spread over the checks (configuration model).
    edges_target : int
        Edge count of the structured side (0 for ``iid``).
    p : float
        Edge probability (``iid`` only).
    eps : float
        Channel erasure probability (ignored when ``all_erased``).
    all_erased : bool
        Concept-text: every variable starts erased.
    n_code : float
        Denominator of ``residual_fraction`` (``n_var``, or R/eps for concept-text).
    """

    spec: str
    kind: str
    n_var: int
    n_chk: int
    var_classes: tuple = ()
    chk_classes: tuple = ()
    chk_adjust: int = 0
    edges_target: int = 0
    p: float = 0.0
    eps: float = 0.5
    all_erased: bool = False
    n_code: float = 0.0

    @property
    def expected_edges(self) -> float:
        """Expected number of edges of one graph."""
        if self.kind == "iid":
            return self.p * self.n_var * self.n_chk
        return float(self.edges_target)


def _round_half_up(q: Fraction) -> int:
    return math.floor(q + Fraction(1, 2))


def _largest_remainder(total: int, fractions: dict[int, Fraction]) -> dict[int, int]:
    """Integer counts summing to ``total``, as close as possible to ``total * f_k``."""
    base = {k: math.floor(total * f) for k, f in fractions.items()}
    left = total - sum(base.values())
    order = sorted(fractions, key=lambda k: (-(total * fractions[k] - base[k]), k))
    for k in order[:left]:
        base[k] += 1
    return base


def _node_fractions(side) -> dict[int, Fraction]:
    if isinstance(side, Regular):
        return {int(side.d): Fraction(1)}
    if isinstance(side, FiniteSupport):
        out = {}
        for i, f in enumerate(side.node_fractions()):
            if f != 0:
                out[i + 1] = Fraction(int(f.p), int(f.q))
        return out
    raise TypeError(side)  # pragma: no cover


def _mean(side) -> Fraction:
    m = side.mean_degree()
    if not m.is_Rational:  # pragma: no cover - all families have rational means
        raise ValueError(f"mean degree of {side.spec()} is not rational")
    return Fraction(int(m.p), int(m.q))


def _structured(side) -> bool:
    return isinstance(side, (Regular, FiniteSupport))


def check_int(value, name: str, lo: int, hi: int | None = None) -> int:
    """Validate an integer argument (also ``"1e6"``-style strings); the error names ``name``.

    Examples
    --------
    >>> check_int("1e3", "n", 1)
    1000
    """
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value) or value != int(value):
            raise ValueError(f"{name} must be an integer, got {value!r}")
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            value = int(text)
        except ValueError:
            try:  # scientific notation such as 1e6, if integral
                f = float(text)
            except ValueError:
                f = math.nan
            if not math.isfinite(f) or f != int(f):
                raise ValueError(f"{name} must be an integer, got {value!r}") from None
            value = int(f)
    if not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if value < lo or (hi is not None and value > hi):
        allowed = f">= {lo}" if hi is None else f"in [{lo}, {hi}]"
        raise ValueError(f"{name} must be {allowed}, got {value}")
    return value


def _check_eps(eps) -> float:
    try:
        val = float(Fraction(eps.strip())) if isinstance(eps, str) else float(eps)
    except (TypeError, ValueError, ZeroDivisionError):
        raise ValueError(f"eps must be a number in (0, 1), got {eps!r}") from None
    if isinstance(eps, bool) or not (0.0 < val < 1.0):  # NaN fails the comparison
        raise ValueError(f"eps must be in (0, 1), got {eps!r}")
    return val


def _check_memory(plan: PeelingPlan) -> None:
    need = _BYTES_PER_EDGE * plan.expected_edges + _BYTES_PER_NODE * (plan.n_var + plan.n_chk)
    if need > MEMORY_LIMIT_BYTES or plan.n_chk >= 2**31 - 1 or plan.n_var >= 2**31 - 1:
        raise ValueError(
            f"n: one graph would need about {need / 2**30:.3g} GiB "
            f"(limit {MEMORY_LIMIT_BYTES / 2**30:.0f} GiB); use a smaller n"
        )


def plan_peeling(ensemble, n, eps) -> PeelingPlan:
    """Validate a request and describe how one trial samples its graph.

    Parameters
    ----------
    ensemble : str, Ensemble or PeelingPlan
        Ensemble string of CLI.md or a parsed ensemble (a plan is returned as
        is, ``n`` and ``eps`` are then ignored).
    n : int or None
        Number of variable nodes (code length).  For concept-text it is the
        code length ``R/eps``; it may be None when the string gives ``R``.
    eps : float or None
        Erasure probability in (0, 1).  For concept-text it may be None (the
        string's eps is used); if given it must equal the string's eps.

    Raises
    ------
    ValueError
        Naming ``ensemble``, ``n`` or ``eps``.

    Examples
    --------
    >>> p = plan_peeling("regular:3/regular:6", 1000, 0.4)
    >>> p.kind, p.n_var, p.n_chk, p.edges_target
    ('config', 1000, 500, 3000)
    >>> p = plan_peeling("concept-text:dt=6,kappa=5,eps=1/2,R=1000", None, None)
    >>> p.kind, p.n_var, p.n_chk, p.p, p.n_code
    ('iid', 1000, 5000, 0.006, 2000.0)
    """
    if isinstance(ensemble, PeelingPlan):
        return ensemble
    ens = parse_ensemble(ensemble) if isinstance(ensemble, str) else ensemble
    if not isinstance(ens, Ensemble):
        raise ValueError(f"ensemble must be an ensemble string, got {ensemble!r}")
    spec = ens.spec()
    if isinstance(ens, ConceptText):
        ct_eps = float(ens.eps)
        if eps is not None and not (isinstance(eps, str) and eps.strip() == ""):
            e = _check_eps(eps)
            if abs(e - ct_eps) > 1e-9 * ct_eps:
                raise ValueError(f"eps: {spec} fixes eps = {ens.eps}; got {eps!r} (omit --eps)")
        dt, kappa = Fraction(str(ens.dt)), Fraction(str(ens.kappa))
        if ens.R is not None:
            R = int(ens.R)
            n_code = Fraction(R) / Fraction(str(ens.eps))
            if n is not None:
                n = check_int(n, "n", 1)
                if n != _round_half_up(n_code):
                    raise ValueError(
                        f"n: {spec} has code length R/eps = {float(n_code):g}; got n={n} (omit --n)"
                    )
        else:
            if n is None:
                raise ValueError("n: required (code length R/eps) for the Poisson-limit concept-text ensemble")
            n = check_int(n, "n", 1)
            if n > 10**13:
                raise ValueError(f"n: too large ({n}); one graph must fit in memory")
            R = _round_half_up(n * Fraction(str(ens.eps)))
            if R < 1:
                raise ValueError(f"n: code length {n} gives R = round(n eps) = 0 concepts")
            n_code = Fraction(R) / Fraction(str(ens.eps))
        T = _round_half_up(kappa * R)
        if T < 1:
            raise ValueError(f"n: R = {R} concepts give T = round(kappa R) = 0 texts")
        p = dt / R
        if p > 1:
            raise ValueError(f"n: R = {R} concepts is smaller than dt = {ens.dt} (p = dt/R > 1)")
        plan = PeelingPlan(spec, "iid", R, T, p=float(p), eps=ct_eps, all_erased=True,
                           n_code=float(n_code))
        _check_memory(plan)
        return plan

    if n is None:
        raise ValueError("n: required")
    n = check_int(n, "n", 1)
    if n > 10**13:
        raise ValueError(f"n: too large ({n}); one graph must fit in memory")
    e = _check_eps(eps)
    var, chk = ens.var, ens.check
    for side, where in ((var, "variable side"), (chk, "check side")):
        if not isinstance(side, (Regular, FiniteSupport, Poisson, Binomial)):  # pragma: no cover
            raise ValueError(f"ensemble: cannot sample the {where} {side.spec()}")
    a, b = _mean(var), _mean(chk)
    # rough size check before building degree sequences (absurd n)
    rough = PeelingPlan(spec, "config", n, int(min(n * a / b + 1, 2**62)),
                        edges_target=int(min(n * a, 2**62)))
    _check_memory(rough)
    if _structured(var):
        vcounts = _largest_remainder(n, _node_fractions(var))
        var_classes = tuple((k, c) for k, c in sorted(vcounts.items()) if c)
        E = sum(k * c for k, c in var_classes)
    else:
        var_classes = ()
        E = _round_half_up(n * a)
    if _structured(var) or _structured(chk):
        if E < 1:
            raise ValueError(f"n: n = {n} gives no edges for {spec}")
        m = max(1, _round_half_up(E / b))
        chk_classes, adjust = (), 0
        if _structured(chk):
            ccounts = _largest_remainder(m, _node_fractions(chk))
            chk_classes = tuple((k, c) for k, c in sorted(ccounts.items()) if c)
            adjust = E - sum(k * c for k, c in chk_classes)
        kind = "config" if _structured(var) and _structured(chk) else (
            "var-structured" if _structured(var) else "chk-structured")
        plan = PeelingPlan(spec, kind, n, m, var_classes, chk_classes, adjust, E, eps=e,
                           n_code=float(n))
    else:
        m = max(1, _round_half_up(n * a / b))
        p = a / m
        if p > 1:
            raise ValueError(f"n: n = {n} is too small for {spec} (edge probability a/m = {float(p):.3g} > 1)")
        plan = PeelingPlan(spec, "iid", n, m, p=float(p), eps=e, n_code=float(n))
    _check_memory(plan)
    return plan


# ----------------------------------------------------------------------------
# samplers
# ----------------------------------------------------------------------------
def _degrees(classes: tuple) -> np.ndarray:
    ks = np.array([k for k, _ in classes], dtype=np.int64)
    cs = np.array([c for _, c in classes], dtype=np.int64)
    return np.repeat(ks, cs)


def _check_degrees(plan: PeelingPlan) -> np.ndarray:
    """Check degrees, highest first, with the leftover sockets absorbed (module notes)."""
    deg = _degrees(plan.chk_classes)[::-1].copy()
    d = plan.chk_adjust
    m = deg.size
    if d > 0:
        q, r = divmod(d, m)
        deg += q
        deg[:r] += 1
    while d < 0:
        idx = np.flatnonzero(deg > 1)[: -d]
        deg[idx] -= 1
        d += idx.size
    return deg


def _raw(rng: np.random.Generator, size: int) -> np.ndarray:
    return rng.bit_generator.random_raw(size).astype(np.uint64, copy=False)


def _iid_edges(rng: np.random.Generator, n_var: int, n_chk: int, p: float):
    """Positions (row-major var * n_chk + chk) of the present pairs: i.i.d. Bernoulli(p)."""
    total = n_var * n_chk
    if p >= 1.0:
        return np.arange(total, dtype=np.int64)
    mean = total * p
    chunk = int(mean + 6.0 * math.sqrt(mean + 1.0) + 16)
    parts = []
    last = -1
    while True:
        gaps = rng.geometric(p, size=chunk)
        pos = last + np.cumsum(gaps)
        if pos[-1] >= total:
            parts.append(pos[: np.searchsorted(pos, total)])
            break
        parts.append(pos)
        last = int(pos[-1])
        chunk = max(16, chunk // 4)
    return np.concatenate(parts) if len(parts) > 1 else parts[0]


def sample_graph(plan: PeelingPlan, rng) -> Graph:
    """Draw one graph of ``plan`` with the Generator ``rng`` (module notes).

    Examples
    --------
    >>> g = sample_graph(plan_peeling("regular:3/regular:6", 10, 0.4), np.random.default_rng(0))
    >>> g.n_var, g.n_chk, g.edges, np.bincount(g.var_adj).tolist()
    (10, 5, 30, [6, 6, 6, 6, 6])
    """
    if plan.kind == "iid":
        pos = _iid_edges(rng, plan.n_var, plan.n_chk, plan.p)
        var = pos // plan.n_chk
        adj = (pos - var * plan.n_chk).astype(np.int32)
        ptr = np.zeros(plan.n_var + 1, dtype=np.int64)
        np.cumsum(np.bincount(var, minlength=plan.n_var), out=ptr[1:])
        return Graph(plan.n_var, plan.n_chk, ptr, adj)
    if plan.kind in ("config", "var-structured"):
        vdeg = _degrees(plan.var_classes)
        ptr = np.zeros(plan.n_var + 1, dtype=np.int64)
        np.cumsum(vdeg, out=ptr[1:])
        raw = _raw(rng, plan.edges_target)
        if plan.kind == "config":
            adj = _matched_sockets(_check_degrees(plan), raw)
        else:
            adj = _uniform_targets(raw, plan.n_chk)
        return Graph(plan.n_var, plan.n_chk, ptr, adj)
    # chk-structured: each check socket picks a uniform variable
    cdeg = _check_degrees(plan)
    chk = np.repeat(np.arange(plan.n_chk, dtype=np.int32), cdeg)
    var = _uniform_targets(_raw(rng, chk.size), plan.n_var)
    ptr = np.zeros(plan.n_var + 1, dtype=np.int64)
    np.cumsum(np.bincount(var, minlength=plan.n_var), out=ptr[1:])
    return Graph(plan.n_var, plan.n_chk, ptr, _csr_fill(ptr, var, chk))


def sample_erasures(plan: PeelingPlan, rng) -> np.ndarray:
    """Erasure pattern of one trial: BEC(eps), or all erased for concept-text."""
    if plan.all_erased:
        return np.ones(plan.n_var, dtype=np.uint8)
    return (rng.random(plan.n_var) < plan.eps).view(np.uint8)


# ----------------------------------------------------------------------------
# trials and campaigns
# ----------------------------------------------------------------------------
def run_trial(plan: PeelingPlan, seed) -> tuple[int, int, int, int]:
    """One independent trial: sample graph and channel from ``seed``, peel.

    Returns
    -------
    tuple
        ``(initially_erased, residual_erased, rounds, edges)``.
    """
    rng = np.random.default_rng(root_sequence(seed))
    g = sample_graph(plan, rng)
    erased = sample_erasures(plan, rng)
    initial = int(erased.sum())
    residual, rounds = _peel_kernel(g.n_chk, g.var_ptr, g.var_adj, erased)
    return initial, int(residual), int(rounds), g.edges


_WARM = []


def _warm_kernels() -> None:
    """Load (or compile) every kernel once in this process, on a tiny graph."""
    if _WARM:
        return
    rng = np.random.default_rng(0)
    for kind in ("config", "var-structured", "chk-structured"):
        plan = PeelingPlan("warm", kind, 4, 2, ((3, 4),) if kind != "chk-structured" else (),
                           ((6, 2),) if kind != "var-structured" else (), 0, 12, n_code=4.0)
        g = sample_graph(plan, rng)
        _peel_kernel(g.n_chk, g.var_ptr, g.var_adj, np.ones(4, dtype=np.uint8))
    _WARM.append(True)


@dataclass(frozen=True)
class _Task:
    plan: PeelingPlan
    seed: np.random.SeedSequence


def _run_task(task: _Task):
    return run_trial(task.plan, task.seed)


@dataclass(frozen=True)
class PeelingTrials:
    """Per-trial raw results of a campaign (arrays indexed by trial).

    ``residual_fraction`` is residual / ``plan.n_code`` (the code's erased
    fraction, comparable with eps L(y) of DE); ``failed`` is residual > 0.
    """

    plan: PeelingPlan
    seed: int | None
    initial: np.ndarray
    residual: np.ndarray
    rounds: np.ndarray
    edges: np.ndarray
    seconds: float

    @property
    def trials(self) -> int:
        return int(self.residual.size)

    @property
    def residual_fraction(self) -> np.ndarray:
        return self.residual / self.plan.n_code

    @property
    def failed(self) -> np.ndarray:
        return self.residual > 0


def _default_engine(plan: PeelingPlan, trials: int, workers) -> Engine:
    if workers is not None:
        return get_engine(workers)
    cores = os.cpu_count() or 1
    if trials > 1 and cores > 1 and trials * plan.expected_edges >= _PARALLEL_WORK:
        return ProcessEngine(min(cores, trials))
    return SerialEngine()


def peeling_trials(ensemble, n, eps, trials: int, seed, workers=None, engine: Engine | None = None,
                   progress=None) -> PeelingTrials:
    """Run ``trials`` independent peeling trials and return the raw per-trial results.

    Trial ``i`` uses ``numeric.rng.spawn_seeds(seed, trials)[i]``, so the result
    depends only on ``seed`` and never on ``workers`` / ``engine``.

    Parameters
    ----------
    ensemble, n, eps
        As in :func:`plan_peeling` (``ensemble`` may be a :class:`PeelingPlan`).
    trials : int
        Number of independent graphs, 1 <= trials <= 10**7.
    seed : int
        Root seed (>= 0).
    workers : int, optional
        1 runs in this process; None lets the default engine decide (local
        processes for large campaigns).
    engine : Engine, optional
        Anything with an ordered ``map`` (overrides ``workers``).
    progress : callable, optional
        Called with the number of finished trials.

    Examples
    --------
    >>> t = peeling_trials("regular:3/regular:6", 500, 0.6, trials=3, seed=7, workers=1)
    >>> t.failed.tolist()
    [True, True, True]
    """
    trials = check_int(trials, "trials", 1, MAX_TRIALS)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if workers is not None:
        workers = check_int(workers, "workers", 1, 4096)
    plan = plan_peeling(ensemble, n, eps)
    if engine is None:
        engine = _default_engine(plan, trials, workers)
    # trial i: SeedSequence(seed, spawn_key=(i,)) == root_sequence(seed).spawn(trials)[i], built
    # lazily; results go straight into one array (10^7 trials: 320 MB, not 10^7 Python objects)
    seeds = (np.random.SeedSequence(int(seed), spawn_key=(i,)) for i in range(trials))
    _warm_kernels()  # forked workers inherit the loaded machine code
    t0 = time.perf_counter()
    arr = np.empty((trials, 4), dtype=np.int64)
    run_tasks(_run_task, (_Task(plan, s) for s in seeds), engine=engine, progress=progress, out=arr)
    seconds = time.perf_counter() - t0
    return PeelingTrials(plan, int(seed), arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3], seconds)


def simulate_peeling(ensemble, n, eps, trials: int, seed, workers=None, confidence: float = 0.95,
                     engine: Engine | None = None, progress=None) -> dict:
    """Monte Carlo campaign of the peeling decoder with confidence intervals.

    Parameters
    ----------
    ensemble : str, Ensemble or PeelingPlan
        Ensemble string of CLI.md (or a plan from :func:`plan_peeling`).
    n : int
        Number of variable nodes (code length; see :func:`plan_peeling` for concept-text).
    eps : float
        Erasure probability in (0, 1).
    trials : int
        Independent graph + channel instances (1 .. 10**7).
    seed : int
        Root seed (>= 0); trial i uses ``spawn_seeds(seed, trials)[i]``.
    workers, engine, progress
        As in :func:`peeling_trials`; the result does not depend on them.
    confidence : float
        Confidence level of the intervals.

    Returns
    -------
    dict
        ``block_failure`` (Clopper-Pearson over trials) and
        ``residual_erased_fraction`` (Student t over trials), each
        ``{estimate, ci, confidence, trials, method}``; ``rounds`` ``{mean,
        max}``; ``trials``, ``seed``, ``n``, ``eps``, ``seconds``; plus
        ``ensemble``, ``n_checks``, ``edges_mean``, ``edges_per_second`` and,
        for concept-text, ``R``, ``T`` and ``unlearned_fraction``.

    Raises
    ------
    ValueError
        Naming the offending argument (``ensemble``, ``n``, ``eps``,
        ``trials``, ``seed``, ``workers``, ``confidence``).

    Notes
    -----
    Block failure means any variable still erased after peeling.
    """
    t0 = time.perf_counter()
    try:
        conf = float(confidence)
    except (TypeError, ValueError):
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}") from None
    if not (0.0 < conf < 1.0):
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    res = peeling_trials(ensemble, n, eps, trials, seed, workers=workers, engine=engine,
                         progress=progress)
    out = summarize_trials(res, conf)
    seconds = time.perf_counter() - t0
    out["seconds"] = seconds
    out["edges_per_second"] = float(res.edges.sum()) / seconds if seconds > 0 else None
    return out


def summarize_trials(res: PeelingTrials, confidence: float = 0.95) -> dict:
    """The estimates of :func:`simulate_peeling` from per-trial results (also used by campaign reports).

    Returns every key of :func:`simulate_peeling` except ``seconds`` and
    ``edges_per_second``.
    """
    conf = confidence
    plan = res.plan
    out = {
        "ensemble": plan.spec,
        "block_failure": stats.proportion(int(res.failed.sum()), res.trials, conf).to_json(),
        "residual_erased_fraction": stats.mean(res.residual_fraction, conf, bounds=(0.0, 1.0)).to_json(),
        "rounds": {"mean": float(res.rounds.mean()), "max": int(res.rounds.max())},
        "trials": res.trials,
        "seed": res.seed,
        "n": int(round(plan.n_code)) if plan.all_erased else plan.n_var,
        "eps": plan.eps,
        "n_checks": plan.n_chk,
        "edges_mean": float(res.edges.mean()),
    }
    if plan.all_erased:
        out["R"] = plan.n_var
        out["T"] = plan.n_chk
        out["unlearned_fraction"] = stats.mean(res.residual / plan.n_var, conf, bounds=(0.0, 1.0)).to_json()
    return out
