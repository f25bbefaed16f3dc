"""Random-graph simulators and component search (MODEL.md 3; ``simulate giant``).

Samplers
--------
* ``poisson:c`` is simulated as the Erdos-Renyi graph G(n, c/(n-1)) (exact
  Bernoulli edges drawn by geometric skips over the pair index, no
  duplicates), the ensemble whose degree law tends to Poisson(c);
* every other law uses the **configuration model**: i.i.d. degrees from the
  law, stubs paired uniformly at random; multi-edges and self-loops are kept
  (they do not change component membership beyond O(1/n)); when the stub
  total is odd one uniformly chosen stub is dropped;
* ``projection:F/G``: bipartite configuration model with ``n`` actors whose
  degrees follow ``F``; groups are drawn from ``G`` until their stubs cover
  the actors' stubs (the last group is trimmed to match), and the actor
  projection's components are the actor sets of the bipartite components.
  Groups drawn with degree 0 (about 37% of them for ``poisson:1``) have no
  edge and no actor: they are not made nodes of the graph.

Components are found by a compiled union-find (one ``int32`` array: parents,
minus the tree size at roots; path halving, union by size), in C
(:mod:`numeric.graphsim_c`, compiled on first use and cached on disk) or,
without a C compiler or with ``INFOSCALING_KERNELS=numba``, its numba twin
:func:`_uf_component_weights` (numba imported only then); both return the same
array.  :func:`largest_component_networkx` is the slow, obviously correct
reference used on small graphs and by the benchmark.

Every trial is an independent graph with its own spawned seed
(:func:`numeric.rng.spawn_seeds`), so results do not depend on the number of
workers.  Intervals are Student-t over trials (:func:`numeric.stats.mean`).

Finite-size bias
----------------
Away from the transition the expected largest-component fraction differs from
``S`` by ``O(1/sqrt(n))`` fluctuations only (CI over trials covers it).  In the
critical window ``|c - 1| = O(n^{-1/3})`` the largest component is
``Theta(n^{2/3})``, so comparisons there add the explicit allowance
:func:`critical_allowance` ``= A n^{-1/3}`` (A = 4 covers the
``n^{2/3}``-size largest critical component: for G(n, 1/n) this project's
simulator gives a mean of about ``0.9 n^{2/3}`` at n = 1e6, 30 graphs).
"""

from __future__ import annotations

import math
import time

import numpy as np
from infoscaling.derivations.specs import (
    LawSpec,
    ProjectionSpec,
    SpecError,
    parse_law_spec,
    powerlaw_tail_fraction,
)

from . import graphsim_c, validate
from .errors import LimitError, input_error
from .executor import get_engine, run_tasks
from .jit import LazyNumba, kernel_choice, note_if_compiling, without_scipy
from .rng import resolve, root_sequence
from .stats import mean as t_mean

__all__ = [
    "sample_degrees",
    "configuration_model_edges",
    "gnp_edges",
    "bipartite_edges",
    "component_sizes",
    "largest_component_networkx",
    "sample_graph",
    "giant_trial",
    "simulate_giant",
    "critical_allowance",
    "subcritical_allowance",
    "graph_cost",
    "MAX_NODES",
]



def _law(law) -> LawSpec | ProjectionSpec:
    """A parsed law (no SymPy): from a string, a spec, or a SymPy ``GraphLaw`` (through its string)."""
    if isinstance(law, (LawSpec, ProjectionSpec)):
        return law
    text = law if isinstance(law, str) else getattr(law, "spec", lambda: None)()
    if not isinstance(text, str):
        raise input_error("LAW", law, "a degree-law string such as poisson:2")
    try:
        return parse_law_spec(text)
    except SpecError as exc:
        raise validate.from_spec_error(exc, "LAW") from None


# ------------------------------------------------------------------------------------
# degree samplers
# ------------------------------------------------------------------------------------

def _finite_probs(law: LawSpec) -> tuple[int, np.ndarray]:
    """``(offset, p)``: degree ``offset + i`` has probability ``p[i]`` (power-law weights scaled by kmin)."""
    if law.family == "powerlaw":
        tau, kmin, kmax = law.params
        k = np.arange(int(kmin), int(kmax) + 1, dtype=float)
        w = (k / float(kmin)) ** (-float(tau))
        return int(kmin), w / w.sum()
    w = np.array([float(v) for v in law.params], dtype=float)
    return 0, w / w.sum()


#: Smallest acceptance rate of the rejection sampler of a power law without cutoff (zipf
#: draws conditioned on k >= kmin); below it the law is refused with the advice to give kmax.
MIN_ZIPF_ACCEPTANCE = 1e-2


def _check_sampler(law) -> None:
    """Refuse (LimitError naming LAW) a law whose exact sampler would not finish in bounded time."""
    laws = (law.actor, law.group) if isinstance(law, ProjectionSpec) else (law,)
    for one in laws:
        if one.family == "powerlaw" and one.params[2] is None and int(one.params[1]) > 1:
            acc = powerlaw_tail_fraction(float(one.params[0]), int(one.params[1]))
            if acc < MIN_ZIPF_ACCEPTANCE:
                raise LimitError(
                    f"LAW: {one.spec()} without a cutoff is sampled by conditioning zipf draws on k >= kmin, "
                    f"which would accept only {acc:.3g} of them (at least {MIN_ZIPF_ACCEPTANCE:g} needed); "
                    f"give kmax (powerlaw:tau,kmin,kmax is sampled from a table)", "LAW")


def sample_degrees(law, n: int, rng=None) -> np.ndarray:
    """``n`` i.i.d. degrees from a (non-projection) law, as int64.

    Examples
    --------
    >>> sample_degrees("regular:3", 4, 1).tolist()
    [3, 3, 3, 3]
    >>> int(sample_degrees("poly:0,0,1", 5, 1).sum())
    10
    """
    law = _law(law)
    rng = resolve(rng)
    if isinstance(law, ProjectionSpec):
        raise ValueError("projection laws are simulated with bipartite_edges, not as a degree law")
    family, par = law.family, law.params
    if family == "poisson":
        return rng.poisson(float(par[0]), n).astype(np.int64)
    if family == "regular":
        return np.full(n, int(par[0]), dtype=np.int64)
    if family == "binomial":
        return rng.binomial(int(par[0]), float(par[1]), n).astype(np.int64)
    if family == "geometric":
        a = float(par[0])
        if a == 0:
            return np.zeros(n, dtype=np.int64)
        return (rng.geometric(1.0 - a, n) - 1).astype(np.int64)
    if family == "powerlaw" and par[2] is None:
        _check_sampler(law)
        tau, kmin = float(par[0]), int(par[1])
        out = rng.zipf(tau, n).astype(np.int64)
        bad = out < kmin
        while bad.any():  # exact conditioning on k >= kmin by rejection
            out[bad] = rng.zipf(tau, int(bad.sum()))
            bad = out < kmin
        return out
    if family in ("poly", "powerlaw"):
        offset, p = _finite_probs(law)
        return offset + rng.choice(len(p), size=n, p=p).astype(np.int64)
    raise ValueError(f"no sampler for law {law.spec()}")  # pragma: no cover


def configuration_model_edges(degrees: np.ndarray, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """Uniform stub matching for a degree sequence (multi-edges and loops kept).

    Examples
    --------
    >>> s, d = configuration_model_edges(np.array([1, 1, 2]), 0)
    >>> len(s), sorted((s.tolist() + d.tolist()))
    (2, [0, 1, 2, 2])
    """
    rng = resolve(rng)
    degrees = np.asarray(degrees, dtype=np.int64)
    stubs = np.repeat(np.arange(degrees.size, dtype=np.int64), degrees)
    rng.shuffle(stubs)
    if stubs.size % 2:
        stubs = stubs[:-1]  # the shuffled last stub is a uniformly chosen one
    return stubs[0::2].copy(), stubs[1::2].copy()


def _decode_pairs(k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pair index ``k = v(v-1)/2 + w`` (``0 <= w < v``) to ``(v, w)``, exactly."""
    v = np.floor((1.0 + np.sqrt(1.0 + 8.0 * k.astype(np.float64))) / 2.0).astype(np.int64)
    # fix floating-point rounding so that v(v-1)/2 <= k < v(v+1)/2
    lo = v * (v - 1) // 2
    too_big = lo > k
    v[too_big] -= 1
    lo = v * (v - 1) // 2
    too_small = k >= lo + v
    v[too_small] += 1
    lo = v * (v - 1) // 2
    return v, k - lo


def gnp_edges(n: int, p: float, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """Edges of G(n, p): each of the ``n(n-1)/2`` pairs independently with probability ``p``.

    Geometric skips over the pair index (Batagelj-Brandes), vectorised; no
    duplicate edges.

    Examples
    --------
    >>> s, d = gnp_edges(5, 1.0, 0)
    >>> len(s)
    10
    """
    rng = resolve(rng)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be in [0, 1], got {p}")
    npairs = n * (n - 1) // 2
    if p == 0.0 or npairs == 0:
        e = np.empty(0, dtype=np.int64)
        return e, e.copy()
    if p == 1.0:
        k = np.arange(npairs, dtype=np.int64)
    else:
        expected = npairs * p
        chunk = int(expected + 6 * math.sqrt(expected) + 16)
        parts, pos = [], -1
        while True:
            gaps = rng.geometric(p, chunk).astype(np.int64)
            idx = pos + np.cumsum(gaps)
            parts.append(idx[idx < npairs])
            if idx[-1] >= npairs:
                break
            pos = int(idx[-1])
            chunk = max(16, chunk // 4)
        k = np.concatenate(parts)
    v, w = _decode_pairs(k)
    return v, w


def bipartite_edges(actor_law, group_law, n_actors: int, rng=None):
    """Bipartite configuration model: ``n_actors`` actors, groups drawn until stubs match.

    Returns
    -------
    (src, dst, n_groups)
        Edges between actor ``i`` and node ``n_actors + j``, the ``j``-th
        group of positive degree; ``n_groups`` counts those groups (groups
        drawn with degree 0 have no edge and are not numbered: they would be
        isolated nodes without actors, changing no actor's component).
    """
    rng = resolve(rng)
    da = sample_degrees(actor_law, n_actors, rng)
    need = int(da.sum())
    g_mean = float(_law(group_law).mean_degree())
    parts, have = [], 0
    while have < need:
        batch = max(16, int((need - have) / max(g_mean, 1e-9) * 1.05) + 16)
        dg = sample_degrees(group_law, batch, rng)
        cs = have + np.cumsum(dg)
        stop = int(np.searchsorted(cs, need))  # first index with cs >= need
        if stop < batch:
            dg = dg[: stop + 1].copy()
            dg[-1] -= int(cs[stop] - need)
            parts.append(dg)
            have = need
        else:
            parts.append(dg)
            have = int(cs[-1])
    dg = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    dg = dg[dg > 0]  # the stubs (and the shuffle below) are those of all groups drawn
    a_stubs = np.repeat(np.arange(n_actors, dtype=np.int64), da)
    g_stubs = np.repeat(np.arange(dg.size, dtype=np.int64) + n_actors, dg)
    rng.shuffle(g_stubs)
    return a_stubs, g_stubs, int(dg.size)


# ------------------------------------------------------------------------------------
# components
# ------------------------------------------------------------------------------------

# The numba twin of numeric.graphsim_c.component_weights (same algorithm, same output array);
# numba is imported only when it is used (numeric.jit.LazyNumba).
_NUMBA = LazyNumba(globals())


@_NUMBA.kernel
def _uf_root(parent, a):  # pragma: no cover - compiled
    """Root of ``a``, halving the path (roots hold minus their node count)."""
    while parent[a] >= 0:
        p = parent[a]
        q = parent[p]
        if q < 0:
            return p
        parent[a] = q
        a = q
    return a


@_NUMBA.kernel
def _uf_component_weights(n, src, dst, weight, unit):  # pragma: no cover - compiled
    """Component weights in increasing root order (``unit``: every node weighs 1, ``weight`` unused)."""
    parent = np.full(n, -1, dtype=np.int32)
    for e in range(src.size):
        if src[e] < 0 or src[e] >= n or dst[e] < 0 or dst[e] >= n:
            raise IndexError("an edge endpoint is outside [0, n)")
        a = _uf_root(parent, src[e])
        b = _uf_root(parent, dst[e])
        if a == b:
            continue
        if parent[a] > parent[b]:  # a's tree is the smaller one
            a, b = b, a
        parent[a] += parent[b]
        parent[b] = a
    count = 0
    for i in range(n):
        if parent[i] < 0:
            count += 1
    out = np.zeros(count, dtype=np.int64)
    j = 0
    if unit:
        for i in range(n):
            if parent[i] < 0:
                out[j] = -parent[i]
                j += 1
        return out
    for i in range(n):  # number the roots (slot -1 - j, still negative), then add weights there
        if parent[i] < 0:
            parent[i] = -1 - j
            j += 1
    for i in range(n):
        if weight[i] != 0:
            out[-1 - parent[_uf_root(parent, i)]] += weight[i]
    return out


def _component_kernel():
    """``f(n, src, dst, weight or None)``: the C kernel, or the numba twin (``INFOSCALING_KERNELS``)."""
    choice = kernel_choice()
    if choice != "numba" and graphsim_c.available():
        return graphsim_c.component_weights
    if choice == "c":
        raise RuntimeError("C union-find kernel requested but unavailable (no C compiler, or it failed; see stderr)")
    kernel = _NUMBA.load()["_uf_component_weights"]
    empty = np.zeros(0, dtype=np.int64)
    return lambda n, src, dst, weight: kernel(n, src, dst, empty if weight is None else weight, weight is None)


def _warm_kernel() -> None:
    """Load (C) or load-or-compile (numba, with a note and without SciPy) the union-find in this process."""
    kernel = _component_kernel()
    if kernel is not graphsim_c.component_weights:
        note_if_compiling((_NUMBA.load()["_uf_component_weights"],), "giant-component")
    with without_scipy():  # numba's runtime start-up would import scipy.linalg (numeric.jit)
        kernel(2, np.zeros(1, dtype=np.int64), np.ones(1, dtype=np.int64), None)


def component_sizes(n: int, src, dst, weight=None) -> np.ndarray:
    """Sizes (sums of ``weight``, default 1 per node) of the connected components.

    One entry per component, in increasing order of its union-find root; the
    same array whichever kernel (C or numba) runs.

    Examples
    --------
    >>> sorted(component_sizes(5, np.array([0, 1]), np.array([1, 2])).tolist())
    [1, 1, 3]
    """
    src = np.ascontiguousarray(src, dtype=np.int64)
    dst = np.ascontiguousarray(dst, dtype=np.int64)
    w = None if weight is None else np.ascontiguousarray(weight, dtype=np.int64)
    if n > graphsim_c.MAX_NODES_INT32:
        raise LimitError(f"--n: the union-find indexes at most {graphsim_c.MAX_NODES_INT32} nodes, got {n}", "--n")
    return _component_kernel()(int(n), src, dst, w)


def largest_component_networkx(n: int, src, dst) -> int:
    """Reference: size of the largest component with networkx (small graphs only).

    Examples
    --------
    >>> largest_component_networkx(4, [0, 2], [1, 3])
    2
    """
    import networkx as nx

    g = nx.MultiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from(zip(np.asarray(src).tolist(), np.asarray(dst).tolist(), strict=True))
    return max((len(c) for c in nx.connected_components(g)), default=0)


def sample_graph(law, n: int, rng=None):
    """One graph of the law's ensemble: ``(num_nodes, src, dst, weight)``.

    ``weight`` marks the nodes that count (actors for projections), else None.
    """
    law = _law(law)
    rng = resolve(rng)
    if isinstance(law, ProjectionSpec):
        src, dst, ng = bipartite_edges(law.actor, law.group, n, rng)
        w = np.zeros(n + ng, dtype=np.int64)
        w[:n] = 1
        return n + ng, src, dst, w
    if law.family == "poisson":
        p = min(1.0, float(law.params[0]) / (n - 1)) if n > 1 else 0.0
        src, dst = gnp_edges(n, p, rng)
        return n, src, dst, None
    deg = sample_degrees(law, n, rng)
    src, dst = configuration_model_edges(deg, rng)
    return n, src, dst, None


def giant_trial(task) -> tuple[float, float]:
    """One independent graph: ``(largest fraction, mean finite-component size)``.

    The second value is the mean size of the component of a random vertex
    *outside the largest component*, sum' s^2 / sum' s over the other
    components: below the transition it estimates 1 + G0'(1)/(1 - G1'(1)) (the
    largest component, O(log n) vertices, changes it by O(log^2 n / n)); above
    it, it is the mean finite-component size instead of being dominated by the
    giant (for G(n, c/n): 1/(1 - c(1 - S))).  ``task = (law_spec, n, seed_sequence)``; a pure function
    of its inputs.
    """
    spec, n, seq = task
    nodes, src, dst, w = sample_graph(spec, n, np.random.default_rng(seq))
    sizes = component_sizes(nodes, src, dst, w)
    # exact integer sums (sizes <= n <= 1e8: squares sum below 2**63), so neither the order of
    # the components nor the kernel can change a bit of the result
    largest = int(sizes.max()) if sizes.size else 0
    rest = n - largest
    finite = (int(np.dot(sizes, sizes)) - largest * largest) / rest if rest > 0 else 0.0
    return largest / n, finite


def critical_allowance(n: int, A: float = 4.0) -> float:
    """Explicit finite-size allowance ``A n^(-1/3)`` for comparisons in the critical window.

    Inside ``|c - 1| <~ n^(-1/3)`` the largest component of G(n, c/n) is of
    order ``n^(2/3)`` (fraction ``n^(-1/3)``) whatever the limit ``S`` is;
    the bias is systematic, not noise, so it is added to the interval rather
    than absorbed by widening the confidence level.

    Examples
    --------
    >>> round(critical_allowance(10**6), 6)
    0.04
    """
    return A * n ** (-1.0 / 3.0)


def subcritical_allowance(n: int, branching: float, A: float = 3.0) -> float:
    """Allowance ``A log(n) / (n alpha)``, ``alpha = b - 1 - log b``, for ``S = 0`` comparisons.

    Below the transition the largest component has ``O(log n)`` vertices; for
    G(n, b/n) it is ``(log n - 5/2 log log n) / alpha`` (Bollobas), with the
    large-deviation rate ``alpha`` of the Poisson(b) branching process.  The
    factor ``A = 3`` covers other offspring laws with branching factor ``b``.

    Examples
    --------
    >>> round(subcritical_allowance(10**5, 0.5), 5)
    0.00179
    """
    if not 0 < branching < 1:
        raise ValueError(f"branching factor must be in (0, 1), got {branching}")
    alpha = branching - 1 - math.log(branching)
    return A * math.log(n) / (n * alpha)


#: Largest graph of ``simulate giant`` (vertices; the memory budget usually binds first).
MAX_NODES = 10**8

#: Peak bytes per stub (configuration model: stub array, shuffle, edge lists; G(n, p): skip
#: arrays and pair decoding per half-edge) and per node (degrees, union-find arrays): peak RSS
#: over the interpreter's baseline was 111 MiB for regular:3, 313 MiB for regular:20, 1109 MiB
#: for poisson:40 (the costliest per stub) and 211 MiB for projection:poisson:5/poisson:3, all
#: at n = 1e6; the model gives 137, 656, 1266 and 275 MiB.
BYTES_PER_STUB = 32
BYTES_PER_NODE = 48


def graph_cost(law, n: int) -> tuple[float, float]:
    """Cost model of one graph: ``(peak bytes, elementary steps)`` (see :mod:`numeric.validate`).

    Stubs are ``n`` times the mean degree (actors' stubs for a projection,
    whose groups add ``stubs / group mean`` nodes).

    Examples
    --------
    >>> b, steps = graph_cost("regular:3", 1000)
    >>> steps
    4000.0
    """
    law = _law(law)
    if isinstance(law, ProjectionSpec):
        stubs = n * float(law.actor.mean_degree())
        nodes = n + stubs / float(law.group.mean_degree())
    else:
        stubs = n * float(law.mean_degree())
        nodes = float(n)
    return BYTES_PER_STUB * stubs + BYTES_PER_NODE * nodes, stubs + nodes


def simulate_giant(law, n: int, trials: int, seed=None, workers=None, confidence: float = 0.95) -> dict:
    """Largest-component fraction over independent graphs, with a t interval.

    Parameters
    ----------
    law : str or GraphLaw
        CLI law string (``poisson:2``, ``regular:3``, ``projection:poisson:2/poisson:1``...).
    n : int
        Vertices (actors for projections) per graph.
    trials : int
        Independent graphs (each with its own spawned seed).
    seed : int, optional
        Root seed in [0, 2**256) (fresh OS entropy when None; the seed used is
        echoed in the result either way).
    workers : int, optional
        Processes (None = all cores, 1 = in-process); results do not depend on it.

    Raises
    ------
    InputError
        Naming ``LAW``, ``--n``, ``--trials``, ``--seed``, ``--workers`` or
        ``--confidence``; LimitError when one graph (or one per worker) would
        exceed the memory budget or the campaign the work budget of
        :mod:`numeric.validate` (cost model :func:`graph_cost`).
    confidence : float
        Level of the intervals.

    Returns
    -------
    dict
        ``S`` and ``mean_component_size`` (``{estimate, ci, confidence, trials,
        method}``), ``trials``, ``seed``, ``n``, ``seconds``, ``law``, ``sampler``.

    Examples
    --------
    >>> r = simulate_giant("regular:3", 1000, 3, seed=1, workers=1)
    >>> r["S"]["estimate"] > 0.95, r["seed"], r["trials"]
    (True, 1, 3)
    """
    law = _law(law)
    n = validate.integer(n, "--n", 2, None, limit=MAX_NODES, why="largest simulated graph")
    trials = validate.trials(trials)
    seed = validate.seed(seed)
    workers = validate.workers(workers)
    confidence = validate.confidence(confidence)
    _check_sampler(law)
    need, steps = graph_cost(law, n)
    engine = get_engine(workers)
    validate.memory(need, "--n", f"one graph of {law.spec()} with n = {n}",
                    min(trials, getattr(engine, "workers", 1)))  # graphs in memory at once
    validate.simulation_work(trials, steps)
    seq = root_sequence(seed)
    _warm_kernel()
    t0 = time.perf_counter()
    spec = law.spec()
    entropy = seq.entropy
    tasks = ((law, n, np.random.SeedSequence(entropy, spawn_key=(i,))) for i in range(trials))
    results = np.empty((trials, 2), dtype=np.float64)  # 10^7 trials: 160 MB, not 10^7 tuples
    run_tasks(giant_trial, tasks, engine, out=results)
    fr, ms = results[:, 0], results[:, 1]
    sampler = ("bipartite configuration model" if isinstance(law, ProjectionSpec)
               else "G(n, c/(n-1))" if law.family == "poisson" else "configuration model")
    return {
        "law": spec,
        "S": t_mean(fr, confidence, bounds=(0.0, 1.0)).to_json(),
        "mean_component_size": t_mean(ms, confidence).to_json(),
        "trials": int(trials),
        "seed": int(entropy),
        "n": int(n),
        "sampler": sampler,
        "seconds": time.perf_counter() - t0,
    }
