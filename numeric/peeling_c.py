"""The peeling simulator's kernels in C (compiled on first use, loaded with ctypes).

Same contracts, same arithmetic and the same results as the numba kernels of
:mod:`infoscaling.numeric.peeling` (``_csr_fill``, ``_matched_sockets``,
``_uniform_targets``, ``_geometric_positions``, ``_iid_csr``, ``_peel_kernel``), which stay the fallback when no C
compiler is available.  Why a second implementation: a process that uses the
numba kernels pays about 0.35 s of CPU before its first trial (importing
numba, then initialising its CPU target), more than the whole (3,6) campaign
of issue 12 at n = 1e6 x 5 trials costs a C program; the C kernels load in
about a millisecond.  :func:`infoscaling.numeric.jit.load_c` compiles this
source once per machine (cached on disk like numba's kernels); the tests run
both implementations on the same inputs and require identical outputs.

Every array is allocated by the caller (NumPy), so C never owns memory; the
wrappers check dtypes and contiguity before passing pointers.
"""

from __future__ import annotations

import ctypes

import numpy as np

from .jit import CLibrary, array_address

__all__ = ["SOURCE", "available", "csr_fill", "matched_sockets", "uniform_targets", "geometric_positions",
           "iid_csr", "peel"]

SOURCE = r"""
#include <stdint.h>

/* floor(x * k / 2**64) for a raw 64-bit draw x and 1 <= k < 2**32 (Lemire's multiply-shift),
   in 32-bit halves exactly as the numba kernel computes it */
static inline int64_t bounded(uint64_t x, uint64_t k) {
    uint64_t hi = (x >> 32) * k;
    uint64_t lo = (x & 0xFFFFFFFFu) * k;
    return (int64_t)((hi + (lo >> 32)) >> 32);
}

/* counting sort of edges by variable (stable); pos: a copy of ptr[:-1] */
void csr_fill(int64_t n, const int64_t *var, const int32_t *chk, int64_t *pos, int32_t *adj) {
    for (int64_t i = 0; i < n; i++) {
        adj[pos[var[i]]++] = chk[i];
    }
}

/* check index of every check socket, uniformly permuted (Fisher-Yates, one raw draw per socket) */
void matched_sockets(int64_t n_chk, const int64_t *chk_deg, const uint64_t *raw, int32_t *out) {
    int64_t total = 0;
    for (int64_t c = 0; c < n_chk; c++) {
        for (int64_t d = 0; d < chk_deg[c]; d++) {
            out[total++] = (int32_t)c;
        }
    }
    for (int64_t i = total - 1; i > 0; i--) {
        int64_t j = bounded(raw[i], (uint64_t)(i + 1));
        int32_t tmp = out[i];
        out[i] = out[j];
        out[j] = tmp;
    }
}

/* one uniform index in [0, k) per raw draw */
void uniform_targets(int64_t n, const uint64_t *raw, int64_t k, int32_t *out) {
    for (int64_t i = 0; i < n; i++) {
        out[i] = (int32_t)bounded(raw[i], (uint64_t)k);
    }
}

/* running sums from `last` of Geometric(p) draws made by inversion from standard exponentials,
   exactly as NumPy's Generator.geometric draws them for p < 1/3: gap = ceil(-e / log1p(-p)) (dlog =
   log1p(-p) < 0), INT64_MAX from 2**63 on; the sum wraps like NumPy's int64 cumsum.  ceil by hand
   (z >= 0 here, and z < 2**53 or already an integer), so the library needs no libm. */
void geometric_positions(int64_t n, const double *expo, double dlog, int64_t last, int64_t *pos) {
    uint64_t acc = (uint64_t)last;
    for (int64_t i = 0; i < n; i++) {
        double z = -expo[i] / dlog;
        int64_t g;
        if (z >= 9.223372036854776e18) {
            g = INT64_MAX;
        } else {
            g = (int64_t)z;
            if ((double)g < z) {
                g++;
            }
        }
        acc += (uint64_t)g;
        pos[i] = (int64_t)acc;
    }
}

/* variable-side CSR of the i.i.d.-edge graph from its present pairs' positions v * n_chk + c
   (nondecreasing, each below n_var * n_chk; walked row by row, no division).  Returns 0, or -1
   (a position out of order or out of range: nothing read or written out of bounds). */
int64_t iid_csr(int64_t n, const int64_t *pos, int64_t n_var, int64_t n_chk, int64_t *ptr, int32_t *adj) {
    int64_t v = 0, row = 0, prev = 0; /* row = v * n_chk */
    ptr[0] = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t x = pos[i];
        if (x < prev) {
            return -1;
        }
        prev = x;
        while (x - row >= n_chk) {
            v++;
            row += n_chk;
            if (v >= n_var) {
                return -1;
            }
            ptr[v] = i;
        }
        adj[i] = (int32_t)(x - row);
    }
    while (v < n_var) {
        v++;
        ptr[v] = n;
    }
    return 0;
}

/* queue-based peeling (the numba kernel's algorithm, notes there); cnt and ssum zeroed by the
   caller, queue and label of n_chk entries; result[0] = residual, result[1] = rounds.
   Returns 0, or -1 (runs reach past the edges), -2 (a degree-one check names no erased
   variable), -3 (queue overflow): corrupted input, never a stray memory access. */
int64_t peel(int64_t n_chk, int64_t n_var, const int64_t *var_ptr, const int32_t *var_adj, int64_t n_edges,
             uint8_t *erased, int64_t n_runs, const int64_t *run_v0, const int64_t *run_e0,
             const int64_t *run_deg, int32_t *cnt, int64_t *ssum, int32_t *queue, int32_t *label,
             int64_t *result) {
    int64_t residual = 0;
    for (int64_t v = 0; v < n_var; v++) {
        if (erased[v]) {
            residual++;
            for (int64_t e = var_ptr[v]; e < var_ptr[v + 1]; e++) {
                uint32_t c = (uint32_t)var_adj[e];
                cnt[c]++;
                ssum[c] += v;
            }
        }
    }
    int64_t tail = 0;
    for (int64_t c = 0; c < n_chk; c++) {
        if (cnt[c] == 1) {
            queue[tail] = (int32_t)c;
            label[tail] = 1;
            tail++;
        }
    }
    int64_t head = 0;
    int32_t rounds = 0;
    while (head < tail) {
        uint32_t c = (uint32_t)queue[head];
        int32_t t = label[head];
        head++;
        if (cnt[c] != 1) {
            continue; /* its variable was recovered by another check meanwhile */
        }
        int64_t v = ssum[c];
        if (v < 0 || v >= n_var || erased[v] == 0) {
            return -2;
        }
        erased[v] = 0;
        residual--;
        if (t > rounds) {
            rounds = t;
        }
        int64_t e0, e1;
        if (n_runs > 0) {
            int64_t k = 0;
            while (v >= run_v0[k + 1]) {
                k++;
            }
            e0 = run_e0[k] + run_deg[k] * (v - run_v0[k]);
            e1 = e0 + run_deg[k];
            if (e1 > n_edges) {
                return -1;
            }
        } else {
            e0 = var_ptr[v];
            e1 = var_ptr[v + 1];
        }
        for (int64_t e = e0; e < e1; e++) {
            uint32_t c2 = (uint32_t)var_adj[e];
            cnt[c2]--;
            ssum[c2] -= v;
            if (cnt[c2] == 1) {
                if (tail == n_chk) {
                    return -3;
                }
                queue[tail] = (int32_t)c2;
                label[tail] = t + 1;
                tail++;
            }
        }
    }
    result[0] = residual;
    result[1] = rounds;
    return 0;
}

/* decoding on a workspace (numeric.peeling_c.Workspace) whose erased[] is set: a[] holds n_chk,
   n_var, var_ptr, var_adj, n_edges, erased, n_runs, run_v0, run_e0, run_deg, cnt, ssum, queue,
   label (pointers as integers).  cnt and ssum zeroed, then peel; out[0] = initially erased,
   out[1..2] = peel's result. */
static int64_t decode(const int64_t *a, int64_t *out) {
    int64_t n_chk = a[0], n_var = a[1];
    const uint8_t *erased = (const uint8_t *)(intptr_t)a[5];
    int32_t *cnt = (int32_t *)(intptr_t)a[10];
    int64_t *ssum = (int64_t *)(intptr_t)a[11];
    int64_t initial = 0;
    for (int64_t v = 0; v < n_var; v++) {
        initial += erased[v];
    }
    for (int64_t c = 0; c < n_chk; c++) {
        cnt[c] = 0;
        ssum[c] = 0;
    }
    out[0] = initial;
    return peel(n_chk, n_var, (const int64_t *)(intptr_t)a[2], (const int32_t *)(intptr_t)a[3], a[4],
                (uint8_t *)(intptr_t)a[5], a[6], (const int64_t *)(intptr_t)a[7], (const int64_t *)(intptr_t)a[8],
                (const int64_t *)(intptr_t)a[9], cnt, ssum, (int32_t *)(intptr_t)a[12],
                (int32_t *)(intptr_t)a[13], out + 1);
}

/* one trial's channel and decoding on a workspace: erased[v] = u[v] < eps (every variable erased
   when u is NULL), then decode */
int64_t trial_peel(const int64_t *a, const double *u, double eps, int64_t *out) {
    uint8_t *erased = (uint8_t *)(intptr_t)a[5];
    for (int64_t v = 0; v < a[1]; v++) {
        erased[v] = u ? (uint8_t)(u[v] < eps) : 1;
    }
    return decode(a, out);
}

/* NumPy's bit generator interface (numpy/random/bitgen.h, the struct in a BitGenerator's capsule) */
typedef struct {
    void *state;
    uint64_t (*next_uint64)(void *st);
    uint32_t (*next_uint32)(void *st);
    double (*next_double)(void *st);
    uint64_t (*next_raw)(void *st);
} bitgen_t;

/* one whole trial of a plan with a structured variable side, drawn from NumPy's bit generator bg
   in the order of numeric.peeling.run_trial: n_edges raw draws (BitGenerator.random_raw) into raw,
   then the edges into the workspace's var_adj (sockets matched when chk_deg is given, else one
   uniform check per edge among n_targets), then one double per variable (Generator.random) for
   the channel, erased when below eps, then decode. */
int64_t structured_trial(const int64_t *a, bitgen_t *bg, const int64_t *chk_deg, int64_t n_targets,
                         uint64_t *raw, double eps, int64_t *out) {
    int64_t n_edges = a[4];
    int32_t *adj = (int32_t *)(intptr_t)a[3];
    uint8_t *erased = (uint8_t *)(intptr_t)a[5];
    for (int64_t i = 0; i < n_edges; i++) {
        raw[i] = bg->next_raw(bg->state);
    }
    if (chk_deg) {
        matched_sockets(n_targets, chk_deg, raw, adj);
    } else {
        uniform_targets(n_edges, raw, n_targets, adj);
    }
    for (int64_t v = 0; v < a[1]; v++) {
        erased[v] = (uint8_t)(bg->next_double(bg->state) < eps);
    }
    return decode(a, out);
}
"""

_I64 = ctypes.c_int64
_P = ctypes.c_void_p
_SIGNATURES = {
    "csr_fill": (None, [_I64, _P, _P, _P, _P]),
    "matched_sockets": (None, [_I64, _P, _P, _P]),
    "uniform_targets": (None, [_I64, _P, _I64, _P]),
    "geometric_positions": (None, [_I64, _P, ctypes.c_double, _I64, _P]),
    "iid_csr": (_I64, [_I64, _P, _I64, _I64, _P, _P]),
    "trial_peel": (_I64, [_P, _P, ctypes.c_double, _P]),
    "structured_trial": (_I64, [_P, _P, _P, _I64, _P, ctypes.c_double, _P]),
    "peel": (_I64, [_I64, _I64, _P, _P, _I64, _P, _I64, _P, _P, _P, _P, _P, _P, _P, _P]),
}
_LIBRARY = CLibrary(SOURCE, "peeling", _SIGNATURES)
_lib = _LIBRARY.get
available = _LIBRARY.available
_ptr = array_address


def csr_fill(ptr: np.ndarray, var: np.ndarray, chk: np.ndarray) -> np.ndarray:
    """Counting sort of edges by variable (stable); ``numeric.peeling._csr_fill``."""
    if var.dtype.kind not in "iu" or chk.dtype.kind not in "iu" or chk.size != var.size:
        raise ValueError("var and chk must be integer arrays of equal length")
    var = np.ascontiguousarray(var, dtype=np.int64)  # node indices (< 2**31): exact in both types
    chk = np.ascontiguousarray(chk, dtype=np.int32)
    pos = ptr[:-1].copy()
    adj = np.empty(var.size, dtype=np.int32)
    _lib().csr_fill(var.size, _ptr(var, np.int64), _ptr(chk, np.int32), _ptr(pos, np.int64), _ptr(adj, np.int32))
    return adj


def matched_sockets(chk_deg: np.ndarray, raw: np.ndarray, out: np.ndarray | None = None,
                    total: int | None = None) -> np.ndarray:
    """Check index of every socket, uniformly permuted; ``numeric.peeling._matched_sockets``.

    ``out`` (int32, one entry per socket) is filled instead of a new array;
    ``total`` is ``chk_deg.sum()`` when the caller knows it.
    """
    total = int(chk_deg.sum()) if total is None else total
    if raw.size < total:
        raise ValueError(f"need one raw draw per socket: {raw.size} < {total}")
    if out is None:
        out = np.empty(total, dtype=np.int32)
    elif out.size != total:
        raise ValueError(f"out needs one entry per socket: {out.size} != {total}")
    _lib().matched_sockets(chk_deg.size, _ptr(chk_deg, np.int64), _ptr(raw, np.uint64), _ptr(out, np.int32))
    return out


def uniform_targets(raw: np.ndarray, k: int, out: np.ndarray | None = None) -> np.ndarray:
    """One uniform index in [0, k) per raw draw; ``numeric.peeling._uniform_targets`` (into ``out`` if given)."""
    if out is None:
        out = np.empty(raw.size, dtype=np.int32)
    elif out.size != raw.size:
        raise ValueError(f"out needs one entry per raw draw: {out.size} != {raw.size}")
    _lib().uniform_targets(raw.size, _ptr(raw, np.uint64), int(k), _ptr(out, np.int32))
    return out


def geometric_positions(expo: np.ndarray, dlog: float, last: int, pos: np.ndarray) -> None:
    """``pos[i]`` = ``last`` + running sum of Geometric gaps ``ceil(-expo / dlog)``; ``numeric.peeling._geometric_positions``."""
    if pos.size < expo.size:
        raise ValueError(f"pos needs one entry per draw: {pos.size} < {expo.size}")
    _lib().geometric_positions(expo.size, _ptr(expo, np.float64), float(dlog), int(last), _ptr(pos, np.int64))


def iid_csr(pos: np.ndarray, n_var: int, n_chk: int, ptr: np.ndarray, adj: np.ndarray) -> None:
    """Fill ``ptr`` and ``adj`` from sorted row-major pair positions; ``numeric.peeling._iid_csr``."""
    if ptr.size != int(n_var) + 1 or adj.size < pos.size:
        raise ValueError("iid_csr: ptr needs n_var + 1 entries and adj one per position")
    if _lib().iid_csr(pos.size, _ptr(pos, np.int64), int(n_var), int(n_chk), _ptr(ptr, np.int64), _ptr(adj, np.int32)):
        raise ValueError("pair positions out of order or beyond n_var * n_chk")


_ERRORS = {-1: (IndexError, "degree runs reach beyond the graph's edges"),
           -2: (RuntimeError, "peeling state corrupted: a degree-one check names no erased variable"),
           -3: (RuntimeError, "peeling state corrupted: queue overflow")}


def peel(n_chk, var_ptr, var_adj, erased, run_v0, run_e0, run_deg) -> tuple[int, int]:
    """Queue-based peeling, in place on ``erased``; ``numeric.peeling._peel_kernel``."""
    n_chk = int(n_chk)
    n_var = var_ptr.size - 1
    if erased.size != n_var or var_ptr[-1] != var_adj.size:
        raise ValueError("erased / var_ptr do not match the graph")
    if run_deg.size and (run_v0.size != run_deg.size + 1 or run_e0.size != run_deg.size):
        raise ValueError("degree runs: run_v0 needs one entry more than run_e0 and run_deg")
    cnt = np.zeros(n_chk, dtype=np.int32)
    ssum = np.zeros(n_chk, dtype=np.int64)
    queue = np.empty(n_chk, dtype=np.int32)
    label = np.empty(n_chk, dtype=np.int32)
    result = np.zeros(2, dtype=np.int64)
    status = _lib().peel(n_chk, n_var, _ptr(var_ptr, np.int64), _ptr(var_adj, np.int32), var_adj.size,
                         _ptr(erased, np.uint8), run_deg.size, _ptr(run_v0, np.int64), _ptr(run_e0, np.int64),
                         _ptr(run_deg, np.int64), _ptr(cnt, np.int32), _ptr(ssum, np.int64), _ptr(queue, np.int32),
                         _ptr(label, np.int32), _ptr(result, np.int64))
    if status:
        exc, msg = _ERRORS[int(status)]
        raise exc(msg)
    return int(result[0]), int(result[1])



_CAPSULE: list = []  # [PyCapsule_GetPointer with its ctypes signature]


def _bitgen_address(bit_generator) -> int:
    """Address of the ``bitgen_t`` in a NumPy BitGenerator's capsule (its documented C interface)."""
    if not _CAPSULE:
        get = ctypes.pythonapi.PyCapsule_GetPointer
        get.restype, get.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
        _CAPSULE.append(get)
    return _CAPSULE[0](bit_generator.capsule, b"BitGenerator")


class Workspace:
    """Reused buffers for many trials on graphs of one size: one C call per trial's channel and decoding.

    Holds the decoder's state (``cnt``, ``ssum``, ``queue``, ``label``), the
    erasure pattern, a buffer for the channel's uniforms and the current
    graph; their addresses are taken once (a small table passed to
    ``trial_peel``), which spares a trial of ~14 argument conversions and 5
    allocations.  :meth:`peel` does what ``erased = (u < eps)`` followed by
    :func:`peel` on fresh zeroed arrays does, with the same result.

    Parameters
    ----------
    n_var, n_chk : int
        Node counts of the graphs.
    """

    def __init__(self, n_var: int, n_chk: int):
        self.n_var, self.n_chk = int(n_var), int(n_chk)
        self.erased = np.empty(self.n_var, dtype=np.uint8)
        #: the channel's uniforms: fill with ``rng.random(out=ws.uniform)`` before :meth:`peel`
        self.uniform = np.empty(self.n_var, dtype=np.float64)
        self._state = (np.empty(self.n_chk, dtype=np.int32), np.empty(self.n_chk, dtype=np.int64),
                       np.empty(self.n_chk, dtype=np.int32), np.empty(self.n_chk, dtype=np.int32))
        self._out = np.zeros(3, dtype=np.int64)
        self._table = np.zeros(14, dtype=np.int64)
        t = self._table
        t[0], t[1], t[5] = self.n_chk, self.n_var, self.erased.ctypes.data
        t[10:14] = [a.ctypes.data for a in self._state]
        self._graph: tuple = ()
        self._raw = np.empty(0, dtype=np.uint64)
        self._chk_deg, self._chk_deg_addr = None, 0
        self._addr = (self._table.ctypes.data, self.uniform.ctypes.data, self._out.ctypes.data)

    def set_graph(self, var_ptr: np.ndarray, var_adj: np.ndarray, run_v0: np.ndarray, run_e0: np.ndarray,
                  run_deg: np.ndarray) -> None:
        """Decode on this graph from now on (the arrays are referenced, not copied: refill ``var_adj`` in place)."""
        if var_ptr.size != self.n_var + 1 or var_ptr[-1] != var_adj.size:
            raise ValueError("var_ptr / var_adj do not match the workspace's graph size")
        if run_deg.size and (run_v0.size != run_deg.size + 1 or run_e0.size != run_deg.size):
            raise ValueError("degree runs: run_v0 needs one entry more than run_e0 and run_deg")
        t = self._table
        t[2], t[3], t[4] = _ptr(var_ptr, np.int64), _ptr(var_adj, np.int32), var_adj.size
        t[6], t[7], t[8], t[9] = run_deg.size, _ptr(run_v0, np.int64), _ptr(run_e0, np.int64), _ptr(run_deg, np.int64)
        self._graph = (var_ptr, var_adj, run_v0, run_e0, run_deg)  # keep them alive

    def structured_trial(self, bit_generator, chk_deg: np.ndarray | None, eps: float) -> tuple[int, int, int]:
        """A whole trial of a structured-variable plan on this workspace's graph, drawn from ``bit_generator``.

        ``var_ptr`` (set by :meth:`set_graph`) is fixed; ``var_adj`` is
        refilled from ``edges`` raw draws of ``bit_generator`` (a NumPy
        ``BitGenerator``), by matched sockets when ``chk_deg`` (the check
        degrees, summing to the edge count) is given, else by one uniform
        check per edge; then the channel takes one ``random()`` double per
        variable.  The draws and results are those of
        ``numeric.peeling.run_trial`` with ``np.random.Generator(bit_generator)``.
        """
        if not self._graph:
            raise ValueError("Workspace.structured_trial before set_graph")
        n_edges = self._graph[1].size
        if chk_deg is not None and chk_deg is not self._chk_deg:
            if chk_deg.size != self.n_chk or int(chk_deg.sum()) != n_edges:
                raise ValueError("check degrees must give the workspace's checks and edges")
            self._chk_deg, self._chk_deg_addr = chk_deg, _ptr(chk_deg, np.int64)
        if self._raw.size < n_edges:
            self._raw = np.empty(n_edges, dtype=np.uint64)
        table, _, out = self._addr
        status = _lib().structured_trial(table, _bitgen_address(bit_generator),
                                         None if chk_deg is None else self._chk_deg_addr, self.n_chk,
                                         self._raw.ctypes.data, float(eps), out)
        if status:
            exc, msg = _ERRORS[int(status)]
            raise exc(msg)
        return tuple(self._out.tolist())

    def peel(self, eps: float | None) -> tuple[int, int, int]:
        """``(initially erased, residual, rounds)``: erase where ``uniform < eps`` (all when eps is None), peel."""
        if not self._graph:
            raise ValueError("Workspace.peel before set_graph")
        table, uniform, out = self._addr
        status = _lib().trial_peel(table, None if eps is None else uniform, 0.0 if eps is None else float(eps), out)
        if status:
            exc, msg = _ERRORS[int(status)]
            raise exc(msg)
        return tuple(self._out.tolist())
