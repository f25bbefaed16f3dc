"""The giant-component simulator's union-find kernels (C and numba twin) and what feeds them.

* both kernels return the same array (values and order) and the component
  weights networkx finds, on Hypothesis-drawn multigraphs with loops,
  weighted or not;
* an endpoint outside ``[0, n)`` is an IndexError, never a stray access;
* ``INFOSCALING_KERNELS`` picks the kernel; ``simulate giant`` with the C
  kernel never imports numba;
* projected graphs number only groups with an edge, and dropping the empty
  ones changes no actor's component;
* :func:`giant_trial`'s two numbers are the correctly rounded ratios of the
  exact integer sums.
"""

from __future__ import annotations

import os
import subprocess
import sys
from fractions import Fraction

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from infoscaling.numeric import graphsim as gs
from infoscaling.numeric import graphsim_c

needs_c = pytest.mark.skipif(not graphsim_c.available(), reason="no C compiler: only the numba kernel exists")


def _numba(n, src, dst, weight):
    kernel = gs._NUMBA.load()["_uf_component_weights"]
    return kernel(n, src, dst, np.zeros(0, dtype=np.int64) if weight is None else weight, weight is None)


def _reference(n, src, dst, weight) -> list[int]:
    g = nx.MultiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
    w = np.ones(n, dtype=np.int64) if weight is None else weight
    return sorted(int(w[list(c)].sum()) for c in nx.connected_components(g))


@st.composite
def graphs(draw):
    n = draw(st.integers(1, 60))
    m = draw(st.integers(0, 90))
    ends = st.lists(st.integers(0, n - 1), min_size=m, max_size=m)
    src = np.array(draw(ends), dtype=np.int64)
    dst = np.array(draw(ends), dtype=np.int64)
    weight = draw(st.none() | st.lists(st.integers(0, 3), min_size=n, max_size=n))
    return n, src, dst, None if weight is None else np.array(weight, dtype=np.int64)


@needs_c
@settings(max_examples=150, deadline=None)
@given(graphs())
def test_c_and_numba_kernels_return_the_same_array_and_the_true_components(g):
    n, src, dst, weight = g
    c = graphsim_c.component_weights(n, src, dst, weight)
    assert np.array_equal(c, _numba(n, src, dst, weight))  # same order too: the same algorithm
    assert sorted(c.tolist()) == _reference(n, src, dst, weight)


def test_union_by_size_keeps_a_path_graph_shallow_and_right():
    """A long path in the worst edge order for union by index: sizes stay exact."""
    n = 20_000
    src = np.arange(n - 1, dtype=np.int64)[::-1].copy()
    dst = src + 1
    for kernel in ([graphsim_c.component_weights] if graphsim_c.available() else []) + [_numba]:
        assert kernel(n, src, dst, None).tolist() == [n]
        w = np.zeros(n, dtype=np.int64)
        w[::2] = 1
        assert kernel(n, src, dst, w).tolist() == [n // 2]


@pytest.mark.parametrize("bad", [-1, 3, 2**40])
def test_out_of_range_endpoint_is_an_index_error(bad):
    src, dst = np.array([0, 1], dtype=np.int64), np.array([1, bad], dtype=np.int64)
    if graphsim_c.available():
        with pytest.raises(IndexError):
            graphsim_c.component_weights(3, src, dst, None)
    with pytest.raises(IndexError):
        _numba(3, src, dst, None)


def test_kernel_choice_follows_the_environment(monkeypatch):
    monkeypatch.setenv("INFOSCALING_KERNELS", "numba")
    assert gs._component_kernel() is not graphsim_c.component_weights
    monkeypatch.setenv("INFOSCALING_KERNELS", "auto")
    assert (gs._component_kernel() is graphsim_c.component_weights) == graphsim_c.available()
    monkeypatch.setenv("INFOSCALING_KERNELS", "cuda")
    with pytest.raises(ValueError, match="INFOSCALING_KERNELS"):
        gs.component_sizes(2, np.zeros(1, dtype=np.int64), np.ones(1, dtype=np.int64))


@needs_c
def test_simulate_giant_with_the_c_kernel_imports_no_numba():
    code = ("import sys, io, contextlib\nfrom infoscaling.numeric.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    code = main(['simulate', 'giant', 'projection:poisson:2/poisson:1', '--n', '2000', '--trials', '2',"
            " '--seed', '1', '--workers', '1', '--json'])\n"
            "print(code, 'numba' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "INFOSCALING_KERNELS": "auto"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["0", "False"]


@pytest.mark.parametrize("group_law", ["poly:1/2,0,1/2", "poisson:1"])
def test_projection_numbers_only_groups_with_an_edge(group_law):
    n = 5000
    src, dst, ng = gs.bipartite_edges("poisson:2", group_law, n, 7)
    per_group = np.bincount(dst - n, minlength=ng)
    assert per_group.size == ng and per_group.min() >= 1
    assert src.size == dst.size


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), law=st.sampled_from(["projection:poisson:2/poisson:1",
                                                            "projection:poisson:1/2/poly:1/2,0,1/2",
                                                            "projection:geometric:1/2/poisson:2"]))
def test_projected_components_are_the_actor_sets_of_the_bipartite_components(seed, law):
    """Actor counts per component equal networkx's on the bipartite graph plus every empty group."""
    nodes, src, dst, w = gs.sample_graph(law, 400, seed)
    got = sorted(int(s) for s in gs.component_sizes(nodes, src, dst, w) if s > 0)
    padded = nodes + 50  # 50 empty groups as isolated zero-weight nodes: nothing changes
    wp = np.concatenate([w, np.zeros(50, dtype=np.int64)])
    assert got == [s for s in _reference(padded, src, dst, wp) if s > 0]
    assert sum(got) == 400


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), law=st.sampled_from(["poisson:1/2", "poisson:3/2", "regular:1",
                                                            "projection:poisson:1/2/poisson:1"]))
def test_giant_trial_is_the_rounded_exact_ratio(seed, law):
    n = 300
    seq = np.random.SeedSequence(seed)
    frac, finite = gs.giant_trial((law, n, seq))
    nodes, src, dst, w = gs.sample_graph(law, n, np.random.default_rng(seq))
    sizes = [s for s in _reference(nodes, src, dst, w) if s > 0]
    largest = max(sizes)
    assert frac == float(Fraction(largest, n))
    rest = n - largest
    expected = float(Fraction(sum(s * s for s in sizes) - largest * largest, rest)) if rest else 0.0
    assert finite == expected
