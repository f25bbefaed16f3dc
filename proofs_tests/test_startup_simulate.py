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
from infoscaling.numeric import jit

_PROBE = """
import io, json, sys, contextlib
from infoscaling.numeric.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main({argv!r})
heavy = sorted(m for m in sys.modules if m == "scipy.linalg" or m.startswith(("scipy.linalg.", "scipy.stats",
                                                                              "sympy", "matplotlib")))
print(json.dumps({{"code": code, "heavy": heavy, "numba_started": "numba.np.arraymath" in sys.modules,
                  "numba": "numba" in sys.modules, "scipy": sorted(m for m in sys.modules if m.split(".")[0] == "scipy")}}))
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
@pytest.mark.parametrize("kernels", ["numba", "auto"])
def test_simulators_start_numba_without_scipy_linalg(argv, kernels, monkeypatch):
    """numba kernels: numba's runtime starts without scipy.linalg; C kernels (auto): no numba at all."""
    monkeypatch.setenv("INFOSCALING_KERNELS", kernels)
    r = _probe(argv)
    assert r["code"] == 0
    assert r["heavy"] == []
    if kernels == "numba" or jit._compiler() is None:
        assert r["numba_started"]  # the kernels really ran (numba's runtime was initialised)
    else:
        assert not r["numba"]  # the simulators' C kernels (peeling, union-find): numba never imported


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


C_OK = "#include <stdint.h>\nint64_t twice(int64_t x) { return 2 * x; }\n"


@pytest.mark.skipif(jit._compiler() is None, reason="no C compiler")
def test_load_c_compiles_once_then_loads_from_disk(tmp_path, monkeypatch):
    """First load compiles (one stderr note), the next loads the cached library silently; an edit recompiles."""
    import ctypes
    import io

    monkeypatch.setattr(jit, "_c_dirs", lambda: [str(tmp_path / "a"), str(tmp_path / "b")])
    err = io.StringIO()
    lib = jit.load_c(C_OK, "probe", stream=err)
    lib.twice.restype, lib.twice.argtypes = ctypes.c_int64, [ctypes.c_int64]
    assert lib.twice(21) == 42
    assert err.getvalue().startswith("infoscaling: note: compiling the probe C kernels")
    assert (tmp_path / "a").is_dir() and len(list((tmp_path / "a").glob("infoscaling_probe_*"))) == 1
    err2 = io.StringIO()
    assert jit.load_c(C_OK, "probe", stream=err2) is not None and err2.getvalue() == ""
    edited = C_OK.replace("2 * x", "3 * x")
    assert jit.c_cache_path(edited, "probe") != jit.c_cache_path(C_OK, "probe")
    lib3 = jit.load_c(edited, "probe", stream=io.StringIO())
    lib3.twice.restype, lib3.twice.argtypes = ctypes.c_int64, [ctypes.c_int64]
    assert lib3.twice(21) == 63
    other = C_OK.replace("2 * x", "5 * x")
    with open(jit.c_cache_path(other, "probe"), "wb") as fh:  # a cached file that cannot be loaded
        fh.write(b"not a shared library")
    lib5 = jit.load_c(other, "probe", stream=io.StringIO())
    lib5.twice.restype, lib5.twice.argtypes = ctypes.c_int64, [ctypes.c_int64]
    assert lib5.twice(21) == 105


def test_load_c_without_compiler_or_with_broken_source_returns_none(tmp_path, monkeypatch):
    """No compiler: None (the caller uses numba).  A source that does not compile: None and the error on stderr."""
    import io

    monkeypatch.setattr(jit, "_c_dirs", lambda: [str(tmp_path / "a")])
    real = jit._compiler
    monkeypatch.setattr(jit, "_compiler", lambda: None)
    assert jit.load_c(C_OK, "probe", stream=io.StringIO()) is None
    if real() is None:
        return
    monkeypatch.setattr(jit, "_compiler", real)
    err = io.StringIO()
    assert jit.load_c("this is not C;", "broken", stream=err) is None
    assert "failed" in err.getvalue()
    assert not list((tmp_path / "a").glob("infoscaling_broken_*"))  # nothing half-written is cached


def test_unknown_kernel_choice_is_refused_naming_the_variable():
    """INFOSCALING_KERNELS other than auto / c / numba: exit 2, the message names the variable."""
    import os

    env = {**os.environ, "INFOSCALING_KERNELS": "fortran"}
    proc = subprocess.run([sys.executable, "-m", "infoscaling", "simulate", "peeling", "regular:3/regular:6",
                           "--n", "100", "--eps", "0.3", "--trials", "1", "--seed", "1", "--json"],
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 2, proc.stderr[-500:]
    assert "INFOSCALING_KERNELS" in proc.stderr and "fortran" in proc.stderr


@pytest.mark.skipif(jit._compiler() is None, reason="no C compiler")
def test_peeling_below_threshold_imports_no_scipy_and_no_numba():
    """Issue 12's command shape (all trials decode: closed-form intervals): neither SciPy nor numba is imported."""
    r = _probe(["simulate", "peeling", "regular:3/regular:6", "--n", "20000", "--eps", "0.3", "--trials", "3",
                "--seed", "1", "--json"])
    assert r["code"] == 0
    assert not r["numba"]
    assert r["scipy"] == []


def test_c_kernel_cache_folders_follow_the_tool_cache_setting(monkeypatch, tmp_path):
    """Compiled kernels fall back to the tool's cache folder ($INFOSCALING_CACHE_DIR, as the derived-code
    store and verify's times do); an empty value leaves only the folder next to the package."""
    from infoscaling.numeric import jit

    monkeypatch.setenv("INFOSCALING_CACHE_DIR", str(tmp_path / "cache"))
    dirs = jit._c_dirs()
    assert dirs[0].endswith("__pycache__") and dirs[1:] == [str(tmp_path / "cache")]
    monkeypatch.setenv("INFOSCALING_CACHE_DIR", "")
    assert len(jit._c_dirs()) == 1
