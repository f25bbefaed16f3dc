"""Progress bars on stderr, only when stderr is a terminal (never in JSON output)."""

from __future__ import annotations

import sys
from contextlib import contextmanager

__all__ = ["progress_bar"]


@contextmanager
def progress_bar(total: int, desc: str, enabled: bool | None = None):
    """Yield a callable ``update(done)``; draws a tqdm bar on stderr when attached to a terminal."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled or total <= 1:
        yield lambda done: None
        return
    from tqdm import tqdm

    bar = tqdm(total=total, desc=desc, file=sys.stderr, leave=False)
    state = {"n": 0}

    def update(done: int) -> None:
        bar.update(done - state["n"])
        state["n"] = done

    try:
        yield update
    finally:
        bar.close()
