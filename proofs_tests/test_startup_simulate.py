"""Start-up of the simulators (issue 12): numba's runtime starts without SciPy's linear algebra.

``numeric.jit.without_scipy`` keeps ``scipy.linalg`` (a quarter of a second of
CPU, pulled in by numba's ``arraymath`` only to probe BLAS) out of the
simulators' start-up; these checks run the commands in a fresh interpreter
and look at ``sys.modules`` afterwards.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

_PROBE = """
import io, json, sys, contextlib
from infoscaling.numeric.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main({argv!r})
heavy = sorted(m for m in sys.modules if m == "scipy.linalg" or m.startswith(("scipy.linalg.", "scipy.stats",
                                                                              "sympy", "matplotlib")))
print(json.dumps({{"code": code, "heavy": heavy, "numba_started": "numba.np.arraymath" in sys.modules}}))
"""


def _probe(argv: list[str]) -> dict:
    proc = subprocess.run([sys.executable, "-c", _PROBE.format(argv=argv)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("argv", [
    ["simulate", "peeling", "regular:3/regular:6", "--n", "2000", "--eps", "0.42", "--trials", "2", "--seed", "1",
     "--json"],
    ["simulate", "peeling", "poisson:3/poisson:6", "--n", "500", "--eps", "0.3", "--trials", "2", "--seed", "1",
     "--json"],
    ["simulate", "giant", "poisson:2", "--n", "1000", "--trials", "2", "--seed", "1", "--json"],
])
def test_simulators_start_numba_without_scipy_linalg(argv):
    r = _probe(argv)
    assert r["code"] == 0
    assert r["numba_started"]  # the kernels really ran (numba's runtime was initialised)
    assert r["heavy"] == []


def test_without_scipy_refuses_only_inside_the_block():
    """Inside the block an unimported SciPy module cannot be imported; afterwards it can."""
    code = """
import sys
from infoscaling.numeric.jit import without_scipy
assert "scipy.linalg" not in sys.modules
with without_scipy():
    try:
        import scipy.linalg
    except ModuleNotFoundError:
        refused = True
    else:
        refused = False
import scipy.linalg
print(refused, "scipy.linalg" in sys.modules)
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["True", "True"]


def test_without_scipy_is_a_no_op_once_scipy_linalg_is_loaded():
    """Nothing to save once scipy.linalg is loaded: numba's BLAS probe then runs as usual."""
    import scipy.linalg  # noqa: F401
    from infoscaling.numeric.jit import _RefuseScipy, without_scipy

    with without_scipy():
        assert not any(isinstance(f, _RefuseScipy) for f in sys.meta_path)
        import scipy.special  # noqa: F401  (would be refused by the finder)
