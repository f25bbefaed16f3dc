"""Compiled (numba) kernels: cached on disk, and a one-line note when they must be compiled.

Every kernel of the simulators is ``numba.njit(cache=True)``: the machine code
is written next to the module (``__pycache__/*.nbi``, ``*.nbc``; numba falls
back to a per-user folder when that is read-only) and later processes load it
in milliseconds.  The first run after an install or an edit compiles them,
which takes several seconds; :func:`note_if_compiling` says so on stderr, in
one line, before the wait (never on stdout, so ``--json`` output stays clean).
"""

from __future__ import annotations

import sys

__all__ = ["is_cached", "note_if_compiling"]


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
