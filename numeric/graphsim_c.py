"""The giant-component simulator's union-find in C (compiled on first use, loaded with ctypes).

Same contract, same algorithm and the same output (values *and* order) as
the numba kernel ``_uf_component_weights`` of :mod:`infoscaling.numeric.graphsim`,
which stays the fallback when no C compiler is available (or when
``INFOSCALING_KERNELS=numba`` asks for it).  Why a second implementation: a
``simulate giant`` process that uses the numba kernel pays about 0.35 s of CPU
(importing numba, initialising its CPU target) before its first graph; the C
library loads in about a millisecond (:func:`infoscaling.numeric.jit.load_c`
compiles this source once per machine and caches it on disk).

Algorithm: one ``int32`` array, ``parent[i] >= 0`` the parent of ``i``,
``parent[r] = -(nodes in r's tree)`` at a root; path halving and union by
node count (the smaller tree hangs below the larger; ties: the second
endpoint's root below the first's).  The component weights are then read at
the roots in increasing root index: a root's node count when every weight is
1, else the sum of the node weights of its tree.

Every array is allocated by the caller (NumPy), so C never owns memory; the
wrapper checks dtypes and contiguity, and the kernel checks every endpoint
(an out-of-range node is an error code, never a stray memory access).
"""

from __future__ import annotations

import ctypes

import numpy as np

from .jit import CLibrary, array_address

__all__ = ["SOURCE", "available", "component_weights", "MAX_NODES_INT32"]

#: Node counts the int32 parent array can index (roots store minus their tree size).
MAX_NODES_INT32 = 2**31 - 1

SOURCE = r"""
#include <stdint.h>

/* root of a, halving the path on the way (roots hold minus their node count) */
static inline int32_t root(int32_t *parent, int32_t a) {
    while (parent[a] >= 0) {
        int32_t p = parent[a];
        int32_t q = parent[p];
        if (q < 0) {
            return p;
        }
        parent[a] = q;
        a = q;
    }
    return a;
}

/* Component weights of the graph (n nodes, m edges src[e]-dst[e]) in increasing root order.
   weight == 0 (NULL): every node weighs 1; else weight[i] >= 0 per node.  parent (n entries,
   filled here) and out (n entries; the first *count are written) are the caller's.
   Returns 0, or -1 when an endpoint is outside [0, n). */
int64_t component_weights(int64_t n, int64_t m, const int64_t *src, const int64_t *dst,
                          const int64_t *weight, int32_t *parent, int64_t *out, int64_t *count) {
    for (int64_t i = 0; i < n; i++) {
        parent[i] = -1;
    }
    for (int64_t e = 0; e < m; e++) {
        if ((uint64_t)src[e] >= (uint64_t)n || (uint64_t)dst[e] >= (uint64_t)n) {
            return -1;
        }
        int32_t a = root(parent, (int32_t)src[e]);
        int32_t b = root(parent, (int32_t)dst[e]);
        if (a == b) {
            continue;
        }
        if (parent[a] > parent[b]) { /* a's tree is the smaller one */
            int32_t t = a;
            a = b;
            b = t;
        }
        parent[a] += parent[b];
        parent[b] = a;
    }
    int64_t j = 0;
    if (weight == 0) {
        for (int64_t i = 0; i < n; i++) {
            if (parent[i] < 0) {
                out[j++] = -(int64_t)parent[i];
            }
        }
        *count = j;
        return 0;
    }
    /* weighted: number the roots j = 0, 1, ... (a root's slot now holds -1 - j, still negative,
       so root() is unchanged), then add each weighted node's weight at its root's number */
    for (int64_t i = 0; i < n; i++) {
        if (parent[i] < 0) {
            out[j] = 0;
            parent[i] = (int32_t)(-1 - j);
            j++;
        }
    }
    for (int64_t i = 0; i < n; i++) {
        if (weight[i] != 0) {
            out[-1 - (int64_t)parent[root(parent, (int32_t)i)]] += weight[i];
        }
    }
    *count = j;
    return 0;
}
"""

_I64 = ctypes.c_int64
_P = ctypes.c_void_p
_LIBRARY = CLibrary(SOURCE, "graphsim", {"component_weights": (_I64, [_I64, _I64, _P, _P, _P, _P, _P, _P])})
_lib = _LIBRARY.get
available = _LIBRARY.available
_ptr = array_address


def component_weights(n: int, src: np.ndarray, dst: np.ndarray, weight: np.ndarray | None) -> np.ndarray:
    """Component weights in increasing root order; ``numeric.graphsim._uf_component_weights``.

    ``src``/``dst``: int64 endpoints; ``weight``: int64 per node, or None
    (every node weighs 1).
    """
    n = int(n)
    if not 0 <= n <= MAX_NODES_INT32:
        raise ValueError(f"the union-find indexes at most {MAX_NODES_INT32} nodes, got {n}")
    if src.size != dst.size or (weight is not None and weight.size != n):
        raise ValueError("src and dst must have equal length and weight one entry per node")
    parent = np.empty(n, dtype=np.int32)
    out = np.empty(n, dtype=np.int64)
    count = np.zeros(1, dtype=np.int64)
    status = _lib().component_weights(n, src.size, _ptr(src, np.int64), _ptr(dst, np.int64),
                                      None if weight is None else _ptr(weight, np.int64),
                                      _ptr(parent, np.int32), _ptr(out, np.int64), _ptr(count, np.int64))
    if status:
        raise IndexError(f"an edge endpoint is outside [0, {n})")
    return out[: int(count[0])].copy()
