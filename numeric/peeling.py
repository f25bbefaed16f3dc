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

Kernels
-------
The sampling and decoding loops exist twice, with the same arithmetic and
identical results (tests compare them kernel by kernel and through every
decoder/sampler check): in C (:mod:`numeric.peeling_c`, compiled on first use
by the system's C compiler and cached on disk) and as numba kernels (below,
compiled lazily: numba is imported only when they run).  The C kernels are
used when they compile; the numba ones otherwise, or when the environment
variable ``INFOSCALING_KERNELS=numba`` (or :func:`use_kernels`) asks for
them.  Only start-up differs: a process using the numba kernels pays about
0.35 s of CPU for numba before its first trial, the C library loads in a
millisecond.

Campaigns of many small trials (claims A4/A5 run 10^5 of them) are bound by
per-trial overhead, so with the C kernels :func:`run_trials` keeps one
workspace per plan (buffers and their addresses reused), a structured-variable
trial is one C call drawing from NumPy's bit generator through its C
interface, i.i.d.-edge graphs take NumPy's standard exponentials and invert
them as ``Generator.geometric`` does, and the engine gets batches of trials.
Every draw is NumPy's, in the same order: results are bit-identical to
:func:`run_trial` on either kernel set (tested).

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

import contextlib
import itertools
import math
import time
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from infoscaling.derivations.specs import (
    ConceptTextSpec,
    EnsembleSpec,
    SpecError,
    parse_ensemble_spec,
)

from . import jit, peeling_c, stats, validate
from .errors import InputError
from .executor import Engine, ProcessEngine, SerialEngine, default_workers, get_engine, run_tasks
from .jit import kernel_choice, note_if_compiling
from .rng import root_sequence

__all__ = [
    "Graph",
    "PeelResult",
    "PeelingPlan",
    "PeelingTrials",
    "MAX_TRIALS",
    "MEMORY_LIMIT_BYTES",
    "plan_peeling",
    "sample_graph",
    "sample_erasures",
    "peel",
    "peel_reference",
    "run_trial",
    "run_trials",
    "peeling_trials",
    "simulate_peeling",
    "summarize_trials",
    "use_kernels",
]

#: Largest number of trials of one campaign (:data:`numeric.validate.MAX_TRIALS`).
MAX_TRIALS = validate.MAX_TRIALS
#: Memory budget of one graph instance (sampling + decoding); larger ``n`` is refused.
MEMORY_LIMIT_BYTES = validate.GRAPH_BYTES
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
        adj = _kernels().csr_fill(ptr, var, chk.astype(np.int32))
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
# numba versions here, C twins in numeric.peeling_c (same contracts, same results); _kernels()
# picks one.  numba is imported only when its kernels are used (numeric.jit.LazyNumba).
_NUMBA = jit.LazyNumba(globals())


@_NUMBA.kernel
def _csr_fill(ptr, var, chk):  # pragma: no cover - compiled
    """Counting sort of edges by variable (stable)."""
    pos = ptr[:-1].copy()
    adj = np.empty(var.size, dtype=np.int32)
    for i in range(var.size):
        v = var[i]
        adj[pos[v]] = chk[i]
        pos[v] += 1
    return adj


@_NUMBA.kernel
def _bounded(x, k):  # pragma: no cover - compiled
    """floor(x * k / 2**64) for a raw 64-bit draw x and 1 <= k < 2**32 (Lemire's multiply-shift)."""
    mask = np.uint64(0xFFFFFFFF)
    s32 = np.uint64(32)
    kk = np.uint64(k)
    hi = (x >> s32) * kk
    lo = (x & mask) * kk
    return np.int64((hi + (lo >> s32)) >> s32)


@_NUMBA.kernel
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


@_NUMBA.kernel
def _uniform_targets(raw, k):  # pragma: no cover - compiled
    """One uniform index in [0, k) per raw draw (int32)."""
    out = np.empty(raw.size, dtype=np.int32)
    for i in range(raw.size):
        out[i] = _bounded(raw[i], k)
    return out


@_NUMBA.kernel
def _geometric_positions(expo, dlog, last, pos):  # pragma: no cover - compiled
    """``pos[i]`` = ``last`` + running sum of the Geometric gaps ``ceil(-expo / dlog)`` (:func:`_geometric_draws`).

    NumPy's inversion with its cap (INT64_MAX from 2**63 on); the int64 sum wraps like NumPy's cumsum.
    """
    acc = np.int64(last)
    for i in range(expo.size):
        z = -expo[i] / dlog
        if z >= 9.223372036854776e18:
            g = np.int64(9223372036854775807)
        else:
            g = np.int64(z)
            if g < z:
                g += 1
        acc += g
        pos[i] = acc


@_NUMBA.kernel
def _iid_csr(pos, n_var, n_chk, ptr, adj):  # pragma: no cover - compiled
    """Fill ``ptr`` (n_var + 1) and ``adj`` (>= pos.size) with the i.i.d.-edge graph's CSR.

    From its sorted pair positions ``v * n_chk + c``, walking the rows (no
    division); ValueError when a position is out of order or beyond ``n_var * n_chk``.
    """
    v = 0
    row = 0
    prev = 0
    ptr[0] = 0
    for i in range(pos.size):
        x = pos[i]
        if x < prev:
            raise ValueError("pair positions out of order or beyond n_var * n_chk")
        prev = x
        while x - row >= n_chk:
            v += 1
            row += n_chk
            if v >= n_var:
                raise ValueError("pair positions out of order or beyond n_var * n_chk")
            ptr[v] = i
        adj[i] = x - row
    while v < n_var:
        v += 1
        ptr[v] = pos.size


@_NUMBA.kernel
def _peel_kernel(n_chk, var_ptr, var_adj, erased, run_v0, run_e0, run_deg):  # pragma: no cover - compiled
    """Queue-based peeling, O(edges); updates ``erased`` in place.

    Per check: the number of erased edges and the sum of their variable
    indices, so a degree-one check names its variable without a scan.
    Returns (residual erased count, parallel rounds).  Indices are cast to
    unsigned types where they come from arrays, which spares numba's
    negative-index wraparound branch on every random access (about 25% of
    the decoding time at n = 1e6).

    ``run_v0``, ``run_e0``, ``run_deg`` (:func:`_degree_runs`; empty: not
    used) describe the variables as a few runs of equal degree, run ``k``
    holding variables ``run_v0[k] <= v < run_v0[k + 1]`` of degree
    ``run_deg[k]`` whose edges start at ``run_e0[k]``: a recovered
    variable's edges are then found by arithmetic instead of a second
    dependent random read of ``var_ptr`` (decoding about 1.5x faster at
    n = 1e6; same result).
    """
    n_var = var_ptr.size - 1
    one = np.uint64(1)
    use_runs = run_deg.size > 0
    cnt = np.zeros(n_chk, dtype=np.int32)
    ssum = np.zeros(n_chk, dtype=np.int64)
    residual = 0
    for v in range(n_var):
        if erased[v]:
            residual += 1
            for e in range(var_ptr[v], var_ptr[v + 1]):
                c = np.uint32(var_adj[e])
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
        c = np.uint32(queue[head])
        t = label[head]
        head += 1
        if cnt[c] != 1:  # its variable was recovered by another check meanwhile
            continue
        v = ssum[c]
        if v < 0 or v >= n_var or erased[np.uint64(v)] == 0:  # a degree-one check names an erased variable
            raise RuntimeError("peeling state corrupted: a degree-one check names no erased variable")
        erased[np.uint64(v)] = 0
        residual -= 1
        if t > rounds:
            rounds = t
        if use_runs:
            k = 0
            while v >= run_v0[k + 1]:
                k += 1
            e0 = run_e0[k] + run_deg[k] * (v - run_v0[k])
            e1 = e0 + run_deg[k]
            if e1 > var_adj.size:  # runs inconsistent with the graph: fail, never read past the edges
                raise IndexError("degree runs reach beyond the graph's edges")
        else:
            e0 = var_ptr[np.uint64(v)]
            e1 = var_ptr[np.uint64(v) + one]
        for e in range(e0, e1):
            c2 = np.uint32(var_adj[e])
            cnt[c2] -= 1
            ssum[c2] -= v
            if cnt[c2] == 1:
                if tail == n_chk:  # each check becomes degree-one at most once
                    raise RuntimeError("peeling state corrupted: queue overflow")
                queue[tail] = c2
                label[tail] = t + 1
                tail += 1
    return residual, rounds


#: Largest number of equal-degree runs for which the decoder finds edges arithmetically.
_MAX_RUNS = 16
_NO_RUNS = np.zeros(0, dtype=np.int64)


def _degree_runs(var_ptr: np.ndarray, classes: tuple | None = None) -> tuple:
    """``(run_v0, run_e0, run_deg)`` of :func:`_peel_kernel`, or three empty arrays.

    ``classes`` (``(degree, count)`` pairs in CSR order, a plan's
    ``var_classes``) gives the runs without scanning ``var_ptr`` (only its
    length and last entry are checked against them, ValueError if they
    disagree); otherwise they are found in ``var_ptr``.  More than ``_MAX_RUNS`` runs (random
    variable degrees): empty arrays, the decoder then reads ``var_ptr``.

    Examples
    --------
    >>> [a.tolist() for a in _degree_runs(np.array([0, 2, 4, 7, 10]))]
    [[0, 2, 4], [0, 4], [2, 3]]
    >>> [a.tolist() for a in _degree_runs(None, ((2, 2), (3, 2)))]
    [[0, 2, 4], [0, 4], [2, 3]]
    """
    if classes is not None:
        deg = np.array([k for k, c in classes if c], dtype=np.int64)
        count = np.array([c for _, c in classes if c], dtype=np.int64)
    else:
        d = np.diff(var_ptr)
        if d.size == 0:
            return _NO_RUNS, _NO_RUNS, _NO_RUNS
        starts = np.flatnonzero(d[1:] != d[:-1]) + 1
        if starts.size >= _MAX_RUNS:
            return _NO_RUNS, _NO_RUNS, _NO_RUNS
        starts = np.concatenate(([0], starts))
        deg = d[starts]
        count = np.diff(np.append(starts, d.size))
    if deg.size == 0 or deg.size > _MAX_RUNS:
        return _NO_RUNS, _NO_RUNS, _NO_RUNS
    v0 = np.zeros(deg.size + 1, dtype=np.int64)
    np.cumsum(count, out=v0[1:])
    e0 = np.zeros(deg.size, dtype=np.int64)
    np.cumsum((deg * count)[:-1], out=e0[1:])
    if var_ptr is not None and (v0[-1] != var_ptr.size - 1 or e0[-1] + deg[-1] * count[-1] != var_ptr[-1]):
        raise ValueError(f"degree classes {classes} do not describe this graph's CSR")
    return v0, e0, deg


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
    residual, rounds = _kernels().peel(graph.n_chk, graph.var_ptr, graph.var_adj, e, *_degree_runs(graph.var_ptr))
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


def _check_memory(plan: PeelingPlan, argument: str = "--n") -> None:
    """Refuse a graph beyond the memory budget (cost model: 40 B per edge and per node)."""
    need = _BYTES_PER_EDGE * plan.expected_edges + _BYTES_PER_NODE * (plan.n_var + plan.n_chk)
    validate.memory(need, argument, f"one graph of {plan.spec}")
    if plan.n_chk >= 2**31 - 1 or plan.n_var >= 2**31 - 1:  # int32 node indices
        validate.memory(float(GRAPH_NODE_LIMIT_BYTES), argument, f"one graph of {plan.spec} (2**31 nodes)")


#: Reported for graphs whose node count overflows the int32 indices (always beyond the budget).
GRAPH_NODE_LIMIT_BYTES = 2 * validate.TOTAL_BYTES


def _spec_of(ensemble) -> EnsembleSpec | ConceptTextSpec:
    """Parse an ensemble string (or re-read a SymPy ensemble's string) without SymPy."""
    if isinstance(ensemble, (EnsembleSpec, ConceptTextSpec)):
        return ensemble
    text = ensemble if isinstance(ensemble, str) else getattr(ensemble, "spec", lambda: None)()
    if not isinstance(text, str):
        raise InputError(f"ENSEMBLE: got {ensemble!r}; allowed: an ensemble string", "ENSEMBLE")
    try:
        return parse_ensemble_spec(text)
    except SpecError as exc:
        raise validate.from_spec_error(exc, "ENSEMBLE") from None


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
    InputError
        Naming ``ENSEMBLE``, ``--n`` or ``--eps`` (LimitError when one graph
        would exceed the memory budget of :mod:`numeric.validate`).

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
    ens = _spec_of(ensemble)
    spec = ens.spec()
    if isinstance(ens, ConceptTextSpec):
        return _plan_concept_text(ens, spec, n, eps)
    if n is None:
        raise InputError("--n: required (number of variable nodes)", "--n")
    n = validate.integer(n, "--n", 1)
    if eps is None:
        raise InputError("--eps: required (erasure probability in (0, 1))", "--eps")
    e = float(validate.probability(eps, "--eps"))
    var, chk = ens.var, ens.check
    a, b = var.mean_degree(), chk.mean_degree()
    # rough size check before building degree sequences (absurd n)
    rough = PeelingPlan(spec, "config", min(n, 2**62), int(min(n * a / b + 1, 2**62)),
                        edges_target=int(min(n * a, 2**62)))
    _check_memory(rough)
    if var.structured:
        vcounts = _largest_remainder(n, var.node_fractions())
        var_classes = tuple((k, c) for k, c in sorted(vcounts.items()) if c)
        E = sum(k * c for k, c in var_classes)
    else:
        var_classes = ()
        E = _round_half_up(n * a)
    if var.structured or chk.structured:
        if E < 1:
            raise InputError(f"--n: n = {n} gives no edges for {spec}", "--n")
        m = max(1, _round_half_up(E / b))
        chk_classes, adjust = (), 0
        if chk.structured:
            ccounts = _largest_remainder(m, chk.node_fractions())
            chk_classes = tuple((k, c) for k, c in sorted(ccounts.items()) if c)
            adjust = E - sum(k * c for k, c in chk_classes)
        kind = "config" if var.structured and chk.structured else (
            "var-structured" if var.structured else "chk-structured")
        plan = PeelingPlan(spec, kind, n, m, var_classes, chk_classes, adjust, E, eps=e,
                           n_code=float(n))
    else:
        m = max(1, _round_half_up(n * a / b))
        p = a / m
        if p > 1:
            raise InputError(f"--n: n = {n} is too small for {spec} (edge probability a/m = {float(p):.3g} > 1)",
                             "--n")
        plan = PeelingPlan(spec, "iid", n, m, p=float(p), eps=e, n_code=float(n))
    _check_memory(plan)
    return plan


def _plan_concept_text(ens: ConceptTextSpec, spec: str, n, eps) -> PeelingPlan:
    """The R x T i.i.d. graph of a concept-text ensemble with every concept erased (module notes)."""
    ct_eps = float(ens.eps)
    if eps is not None and not (isinstance(eps, str) and eps.strip() == ""):
        e = validate.probability(eps, "--eps")
        if abs(e - ens.eps) > Fraction(1, 10**9) * ens.eps:
            raise InputError(f"--eps: {spec} fixes eps = {ens.eps}; got {eps!r} (omit --eps)", "--eps")
    if ens.R is not None:
        if ens.R.denominator != 1:
            raise InputError(f"ENSEMBLE: {spec}: R must be an integer to sample a graph", "ENSEMBLE")
        R = ens.R.numerator
        n_code = Fraction(R) / ens.eps
        if n is not None:
            n = validate.integer(n, "--n", 1)
            if n != _round_half_up(n_code):
                raise InputError(f"--n: {spec} has code length R/eps = {float(n_code):g}; got n={n} (omit --n)",
                                 "--n")
        where = "ENSEMBLE"
    else:
        if n is None:
            raise InputError("--n: required (code length R/eps) for the Poisson-limit concept-text ensemble",
                             "--n")
        n = validate.integer(n, "--n", 1)
        R = _round_half_up(n * ens.eps)
        if R < 1:
            raise InputError(f"--n: code length {n} gives R = round(n eps) = 0 concepts", "--n")
        n_code = Fraction(R) / ens.eps
        where = "--n"
    T = _round_half_up(ens.kappa * R)
    if T < 1:
        raise InputError(f"{where}: R = {R} concepts give T = round(kappa R) = 0 texts", where)
    p = ens.dt / R
    if p > 1:
        raise InputError(f"{where}: R = {R} concepts is smaller than dt = {ens.dt} (p = dt/R > 1)", where)
    plan = PeelingPlan(spec, "iid", min(R, 2**62), min(T, 2**62), p=float(p), eps=ct_eps, all_erased=True,
                       n_code=float(n_code))
    _check_memory(plan, where)
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


#: NumPy's ``Generator.geometric`` draws by inversion below this p (one standard exponential per
#: draw), by search from it on.
_GEOMETRIC_SEARCH_FROM = 0.333333333333333333333333


def _geometric_draws(rng: np.random.Generator, p: float, size: int, last: int, scratch=None,
                     offset: int = 0) -> np.ndarray:
    """``last + np.cumsum(rng.geometric(p, size))``, the same draws from the same stream, faster.

    For p < 1/3 NumPy draws ``ceil(-E / log1p(-p))`` with E a standard
    exponential (its ziggurat), computing ``log1p(-p)`` again for every draw;
    here the exponentials come from ``rng.standard_exponential`` (the same
    stream, one exponential per draw) and a compiled kernel does the
    division, rounding and running sum in one pass (about 3x faster at
    R = 8000; the tests compare with ``rng.geometric`` bit for bit).
    With ``scratch`` the exponentials and positions go into its reused
    buffers (positions at ``offset``) and a view is returned.
    """
    if scratch is None:
        pos = np.empty(size, dtype=np.int64)
    else:
        pos = scratch.positions(offset, size)
    if p < _GEOMETRIC_SEARCH_FROM:
        expo = rng.standard_exponential(size) if scratch is None else rng.standard_exponential(
            out=scratch.exponentials(size))
        _kernels().geometric_positions(expo, math.log1p(-p), last, pos)
    else:
        np.cumsum(rng.geometric(p, size=size), out=pos)
        pos += last
    return pos


class _Scratch:
    """Growable buffers for the i.i.d.-edge sampler, reused from trial to trial (contents overwritten)."""

    def __init__(self):
        self._expo = np.empty(0, dtype=np.float64)
        self._pos = np.empty(0, dtype=np.int64)

    def exponentials(self, size: int) -> np.ndarray:
        if self._expo.size < size:
            self._expo = np.empty(size, dtype=np.float64)
        return self._expo[:size]

    def positions(self, offset: int, size: int) -> np.ndarray:
        """``size`` entries from ``offset``; entries before ``offset`` are kept when the buffer grows."""
        if self._pos.size < offset + size:
            grown = np.empty(offset + size, dtype=np.int64)
            grown[:offset] = self._pos[:offset]
            self._pos = grown
        return self._pos[offset:offset + size]


#: The first chunk of draws covers the edge count's mean + this many standard deviations (+ 16):
#: a second chunk is then needed about once in 10^9 graphs (the tests lower it to exercise that path).
_CHUNK_SIGMAS = 6.0


def _iid_edges(rng: np.random.Generator, n_var: int, n_chk: int, p: float, scratch: _Scratch | None = None):
    """Positions (row-major var * n_chk + chk) of the present pairs: i.i.d. Bernoulli(p).

    With ``scratch`` the result is a view of its buffer (valid until its next use).
    """
    total = n_var * n_chk
    if p >= 1.0:
        return np.arange(total, dtype=np.int64)
    mean = total * p
    chunk = int(mean + _CHUNK_SIGMAS * math.sqrt(mean + 1.0) + 16)
    parts = []
    last = -1
    used = 0
    while True:
        pos = _geometric_draws(rng, p, chunk, last, scratch, used)
        if pos[-1] >= total:
            parts.append(pos[: np.searchsorted(pos, total)])
            break
        parts.append(pos)
        last = int(pos[-1])
        used += chunk
        chunk = max(16, chunk // 4)
    if scratch is not None:  # the parts lie one after the other in its buffer
        return scratch.positions(0, used + parts[-1].size)
    return np.concatenate(parts) if len(parts) > 1 else parts[0]


def _iid_arrays(plan: PeelingPlan, pos: np.ndarray, adj: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(var_ptr, var_adj)`` of the i.i.d.-edge graph with pair positions ``pos`` (``adj``: a buffer to fill)."""
    ptr = np.empty(plan.n_var + 1, dtype=np.int64)
    adj = np.empty(pos.size, dtype=np.int32) if adj is None else adj[:pos.size]
    _kernels().iid_csr(pos, plan.n_var, plan.n_chk, ptr, adj)
    return ptr, adj


def sample_graph(plan: PeelingPlan, rng) -> Graph:
    """Draw one graph of ``plan`` with the Generator ``rng`` (module notes).

    Examples
    --------
    >>> g = sample_graph(plan_peeling("regular:3/regular:6", 10, 0.4), np.random.default_rng(0))
    >>> g.n_var, g.n_chk, g.edges, np.bincount(g.var_adj).tolist()
    (10, 5, 30, [6, 6, 6, 6, 6])
    """
    if plan.kind == "iid":
        return Graph(plan.n_var, plan.n_chk, *_iid_arrays(plan, _iid_edges(rng, plan.n_var, plan.n_chk, plan.p)))
    if plan.kind in ("config", "var-structured"):
        vdeg = _degrees(plan.var_classes)
        ptr = np.zeros(plan.n_var + 1, dtype=np.int64)
        np.cumsum(vdeg, out=ptr[1:])
        raw = _raw(rng, plan.edges_target)
        if plan.kind == "config":
            adj = _kernels().matched_sockets(_check_degrees(plan), raw)
        else:
            adj = _kernels().uniform_targets(raw, plan.n_chk)
        return Graph(plan.n_var, plan.n_chk, ptr, adj)
    # chk-structured: each check socket picks a uniform variable
    cdeg = _check_degrees(plan)
    chk = np.repeat(np.arange(plan.n_chk, dtype=np.int32), cdeg)
    var = _kernels().uniform_targets(_raw(rng, chk.size), plan.n_var)
    ptr = np.zeros(plan.n_var + 1, dtype=np.int64)
    np.cumsum(np.bincount(var, minlength=plan.n_var), out=ptr[1:])
    return Graph(plan.n_var, plan.n_chk, ptr, _kernels().csr_fill(ptr, var, chk))


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
    runs = _degree_runs(g.var_ptr, plan.var_classes) if plan.var_classes else (_NO_RUNS,) * 3
    residual, rounds = _kernels().peel(g.n_chk, g.var_ptr, g.var_adj, erased, *runs)
    return initial, int(residual), int(rounds), g.edges


class _FastTrials:
    """:func:`run_trial` for many seeds of one plan with the C kernels, reusing one workspace.

    The same draws in the same order as :func:`run_trial` (graph, then
    channel), so the same results (tests compare them with both kernel
    sets); what is saved is per-trial Python work: the structured variable
    side's CSR offsets, degree runs and check degrees are built once per
    plan, and a whole trial (raw draws, socket matching, channel, decoding)
    is one C call drawing from NumPy's bit generator through its C
    interface, into reused buffers (:class:`numeric.peeling_c.Workspace`).  Random graphs (``iid``,
    ``chk-structured``) are drawn anew, the i.i.d. ones into reused buffers
    (a fresh 5 MB per trial at R = 8000 cost about 1 ms of page faults).
    """

    def __init__(self, plan: PeelingPlan):
        self.plan = plan
        self.ws = peeling_c.Workspace(plan.n_var, plan.n_chk)
        self.static = plan.kind in ("config", "var-structured") and not plan.all_erased
        if self.static:
            ptr = np.zeros(plan.n_var + 1, dtype=np.int64)
            np.cumsum(_degrees(plan.var_classes), out=ptr[1:])
            self.adj = np.empty(plan.edges_target, dtype=np.int32)
            self.chk_deg = _check_degrees(plan) if plan.kind == "config" else None
            self.ws.set_graph(ptr, self.adj, *_degree_runs(ptr, plan.var_classes))
        elif plan.kind == "iid":
            self.scratch = _Scratch()
            self.adj = np.empty(0, dtype=np.int32)

    def __call__(self, seed) -> tuple[int, int, int, int]:
        plan = self.plan
        if self.static:  # the whole trial in one C call, drawing from the bit generator itself
            bit_generator = np.random.PCG64(root_sequence(seed))  # == default_rng(seed).bit_generator
            return (*self.ws.structured_trial(bit_generator, self.chk_deg, plan.eps), plan.edges_target)
        rng = np.random.default_rng(root_sequence(seed))
        if plan.kind == "iid":
            pos = _iid_edges(rng, plan.n_var, plan.n_chk, plan.p, self.scratch)
            if self.adj.size < pos.size:
                self.adj = np.empty(pos.size, dtype=np.int32)
            ptr, adj = _iid_arrays(plan, pos, self.adj)
            self.ws.set_graph(ptr, adj, _NO_RUNS, _NO_RUNS, _NO_RUNS)
            edges = adj.size
        else:
            g = sample_graph(plan, rng)
            self.ws.set_graph(g.var_ptr, g.var_adj, _NO_RUNS, _NO_RUNS, _NO_RUNS)
            edges = g.edges
        if not plan.all_erased:
            rng.random(out=self.ws.uniform)
        initial, residual, rounds = self.ws.peel(None if plan.all_erased else plan.eps)
        return initial, residual, rounds, edges


_FAST: list = []  # [(plan, _FastTrials)] of the last plan run in this process


def run_trials(plan: PeelingPlan, seeds, out: np.ndarray | None = None) -> np.ndarray:
    """:func:`run_trial` for each seed: an array of shape (len(seeds), 4), rows in seed order.

    With the C kernels the trials share one workspace (:class:`_FastTrials`),
    which makes small trials several times cheaper; the rows are exactly
    those of :func:`run_trial`.

    Examples
    --------
    >>> plan = plan_peeling("regular:3/regular:6", 200, 0.45)
    >>> rows = run_trials(plan, [1, 2])
    >>> rows.tolist() == [list(run_trial(plan, 1)), list(run_trial(plan, 2))]
    True
    """
    seeds = list(seeds)
    if out is None:
        out = np.empty((len(seeds), 4), dtype=np.int64)
    if _kernels() is peeling_c:
        if not _FAST or _FAST[0][0] != plan:
            _FAST[:] = [(plan, _FastTrials(plan))]
        trial = _FAST[0][1]
    else:
        def trial(seed):
            return run_trial(plan, seed)
    for i, seed in enumerate(seeds):
        out[i] = trial(seed)
    return out


_WARM: set = set()
_KINDS = ("config", "var-structured", "chk-structured", "iid")


_FORCED: list[str] = []


@contextlib.contextmanager
def use_kernels(name: str):
    """Within the block the simulator uses the ``name`` kernels (``"c"``, ``"numba"`` or ``"auto"``).

    Outside, the environment variable ``INFOSCALING_KERNELS`` decides (default
    ``auto``).  Results never depend on the choice (the tests require
    identical outputs); only start-up time does.
    """
    kernel_choice(name, "name")
    _FORCED.append(name)
    try:
        yield
    finally:
        _FORCED.pop()


def _kernels():
    """The kernel set in use: the :mod:`numeric.peeling_c` module or the numba dispatchers (same names)."""
    choice = _FORCED[-1] if _FORCED else kernel_choice()
    if choice != "numba" and peeling_c.available():
        return peeling_c
    if choice == "c":
        raise RuntimeError("C peeling kernels requested but unavailable (no C compiler, or it failed; see stderr)")
    d = _NUMBA.load()
    return _NumbaKernels(d["_csr_fill"], d["_matched_sockets"], d["_uniform_targets"], d["_geometric_positions"],
                         d["_iid_csr"], d["_peel_kernel"])


@dataclass(frozen=True)
class _NumbaKernels:
    csr_fill: object
    matched_sockets: object
    uniform_targets: object
    geometric_positions: object
    iid_csr: object
    peel: object


def _warm_kernels(kind: str | None = None) -> None:
    """Load (or compile) the kernels of one sampler kind (all kinds when None) in this process.

    C kernels: one shared library, loaded in about a millisecond.  numba:
    forked workers inherit the loaded machine code; loading only the kernels
    a campaign uses saves about 0.1 s of start-up per unused kernel.
    """
    kinds = _KINDS if kind is None else (kind,)
    todo = [k for k in kinds if k not in _WARM]
    if not todo:
        return
    kernels = _kernels()
    if kernels is peeling_c:
        _WARM.update(todo)
        return
    uses = {"config": (kernels.matched_sockets,), "var-structured": (kernels.uniform_targets,),
            "chk-structured": (kernels.uniform_targets, kernels.csr_fill), "iid": (kernels.geometric_positions, kernels.iid_csr)}
    note_if_compiling({d for k in todo for d in (*uses[k], kernels.peel)}, "peeling")
    from .jit import without_scipy

    rng = np.random.default_rng(0)
    with without_scipy():  # numba's runtime start-up would import scipy.linalg (numeric.jit)
        for k in todo:
            if k != "iid":
                plan = PeelingPlan("warm", k, 4, 2, ((3, 4),) if k != "chk-structured" else (),
                                   ((6, 2),) if k != "var-structured" else (), 0, 12, n_code=4.0)
            else:
                plan = PeelingPlan("warm", "iid", 4, 2, p=0.25, n_code=4.0)  # p < 1/3: the kernel path
            g = sample_graph(plan, rng)
            kernels.peel(g.n_chk, g.var_ptr, g.var_adj, np.ones(4, dtype=np.uint8), *_degree_runs(g.var_ptr))
            _WARM.add(k)


@dataclass(frozen=True)
class _Task:
    """A batch of consecutive trials of a campaign (one engine task): their seeds."""

    plan: PeelingPlan
    seeds: tuple


def _run_task(task: _Task) -> np.ndarray:
    return run_trials(task.plan, task.seeds)


#: Trials are handed to the engine in batches of about this much work (edges + nodes + 1000 per
#: trial; at most _MAX_BATCH trials): small trials then cost no per-trial task overhead.
_BATCH_WORK = 1_000_000
_MAX_BATCH = 256


def _batch_size(plan: PeelingPlan, trials: int, engine) -> int:
    work = plan.expected_edges + plan.n_var + plan.n_chk + 1000
    size = max(1, min(_MAX_BATCH, int(_BATCH_WORK // work)))
    workers = getattr(engine, "workers", 1) or 1
    return max(1, min(size, -(-trials // (4 * workers)) if workers > 1 else size))


class _Rows:
    """``run_tasks``' ``out``: task ``i``'s block of rows goes to its trials' rows of ``arr``."""

    def __init__(self, arr: np.ndarray, batch: int):
        self.arr, self.batch = arr, batch

    def __setitem__(self, i: int, block: np.ndarray) -> None:
        self.arr[i * self.batch: i * self.batch + len(block)] = block


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
    cores = default_workers()
    if trials > 1 and cores > 1 and trials * plan.expected_edges >= _PARALLEL_WORK:
        return ProcessEngine(min(cores, trials))
    return SerialEngine()


def _check_memory_all(plan: PeelingPlan, workers: int) -> None:
    """One graph per worker in memory at once: the total must fit too."""
    need = _BYTES_PER_EDGE * plan.expected_edges + _BYTES_PER_NODE * (plan.n_var + plan.n_chk)
    validate.memory(need, "--n", f"one graph of {plan.spec}", workers if isinstance(workers, int) else 1)


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
        Number of independent graphs, 1 <= trials <= 10**7, and at most the
        work budget ``trials x (edges + nodes + 1000) <= 4e10``
        (:func:`numeric.validate.simulation_work`; LimitError beyond).
    seed : int, optional
        Root seed in [0, 2**256); None draws one from OS entropy (the seed used
        is returned, so the run can be repeated).
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
    trials = validate.trials(trials)
    seed = root_sequence(validate.seed(seed)).entropy  # None: fresh OS entropy, echoed in the result
    workers = validate.workers(workers)
    plan = plan_peeling(ensemble, n, eps)
    validate.simulation_work(trials, plan.expected_edges + plan.n_var + plan.n_chk)
    if engine is None:
        engine = _default_engine(plan, trials, workers)
    _check_memory_all(plan, min(trials, getattr(engine, "workers", 1)))  # graphs in memory at once
    # trial i: SeedSequence(seed, spawn_key=(i,)) == root_sequence(seed).spawn(trials)[i], built
    # lazily, one batch of trials at a time; results go straight into one array (10^7 trials:
    # 320 MB, not 10^7 Python objects)
    seeds = (np.random.SeedSequence(int(seed), spawn_key=(i,)) for i in range(trials))
    _warm_kernels(plan.kind)  # forked workers inherit the loaded machine code
    t0 = time.perf_counter()
    arr = np.empty((trials, 4), dtype=np.int64)
    batch = _batch_size(plan, trials, engine)
    tasks = (_Task(plan, chunk) for chunk in iter(lambda: tuple(itertools.islice(seeds, batch)), ()))
    done = None if progress is None else (lambda k: progress(min(k * batch, trials)))
    run_tasks(_run_task, tasks, engine=engine, progress=done, out=_Rows(arr, batch))
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
        Independent graph + channel instances (1 .. 10**7, within the work
        budget of :func:`peeling_trials`).
    seed : int, optional
        Root seed in [0, 2**256); trial i uses ``spawn_seeds(seed, trials)[i]``.
        None draws a seed from OS entropy; the seed used is echoed as ``seed``.
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
    InputError
        Naming the offending argument (``ENSEMBLE``, ``--n``, ``--eps``,
        ``--trials``, ``--seed``, ``--workers``, ``--confidence``);
        :class:`~infoscaling.numeric.errors.LimitError` (a subclass) when
        the request is beyond the memory or work budget.

    Notes
    -----
    Block failure means any variable still erased after peeling.
    """
    t0 = time.perf_counter()
    conf = validate.confidence(confidence)
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
