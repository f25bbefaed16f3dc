"""Compiled (numba) kernels: cached on disk, and a one-line note when they must be compiled.

Every kernel of the simulators is ``numba.njit(cache=True)``: the machine code
is written next to the module (``__pycache__/*.nbi``, ``*.nbc``; numba falls
back to a per-user folder when that is read-only) and later processes load it
in milliseconds.  The first run after an install or an edit compiles them,
which takes several seconds; :func:`note_if_compiling` says so on stderr, in
one line, before the wait (never on stdout, so ``--json`` output stays clean).

The first kernel a process calls initialises numba's CPU target, which imports
every lowering module of numba; one of them (``numba.np.arraymath``) imports
``scipy.linalg`` only to record whether BLAS is available for ``np.correlate``
and ``np.convolve``.  That import costs about a quarter of a second of CPU
(SciPy's array-API layer touches NumPy's lazy ``f2py``, ``testing``, ``ma``,
``fft``), a third of the simulators' start-up; no kernel of this package uses
BLAS.  :func:`without_scipy` keeps SciPy out while the target is initialised.
"""

from __future__ import annotations

import contextlib
import sys

__all__ = ["is_cached", "note_if_compiling", "without_scipy"]


def is_cached(dispatcher) -> bool:
    """True when numba's on-disk cache holds a valid index for ``dispatcher``.

    The index is read with numba's own loader, which discards it when the
    module's source changed since it was written.  Unknown cache layouts count
    as cached (no note rather than a wrong one).
    """
    try:
        return bool(dispatcher._cache._cache_file._load_index())
    except (AttributeError, OSError, EOFError, ValueError):  # not a caching dispatcher / other numba
        return True


def note_if_compiling(dispatchers, what: str, stream=None) -> bool:
    """Print one stderr line when any of ``dispatchers`` has no valid on-disk cache.

    Returns True when the note was printed.
    """
    if all(is_cached(d) for d in dispatchers):
        return False
    print(f"infoscaling: note: compiling the {what} kernels (first run only; cached on disk for later runs)",
          file=stream or sys.stderr)
    return True


class _RefuseScipy:
    """Meta-path finder refusing ``scipy`` and its sub-modules (installed by :func:`without_scipy`)."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "scipy" or name.startswith("scipy."):
            raise ModuleNotFoundError(f"{name} is kept out of numba's start-up", name=name)
        return None


@contextlib.contextmanager
def without_scipy():
    """Initialise numba's runtime (call the first kernels) inside this block to keep SciPy out.

    While the block runs, importing a SciPy module not yet imported fails with
    ``ModuleNotFoundError`` (``import numba`` itself imports the top-level
    ``scipy`` package, cheaply, to check its version); numba then records "no
    BLAS" for ``np.correlate`` / ``np.convolve`` (their loop implementation is
    used if a later kernel of the process compiles them; ``np.dot`` and
    ``np.linalg`` still import SciPy when they are compiled).  Does nothing
    when ``scipy.linalg`` is already imported (nothing to save, and numba's
    record stays as usual).  The finder is removed on exit, so later imports
    of SciPy work.

    Examples
    --------
    >>> with without_scipy():
    ...     pass
    >>> any(isinstance(f, _RefuseScipy) for f in sys.meta_path)
    False
    """
    if "scipy.linalg" in sys.modules:
        yield
        return
    finder = _RefuseScipy()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
