"""Progress on stderr (never in JSON output).

:func:`progress_bar` draws a tqdm bar when stderr is a terminal.  When it is
not (a batch job writing to a log file), it can instead print one plain line
every ``log_every`` seconds, so a week-long campaign's log shows where it is.
The callable it yields takes the *cumulative* count of finished units; callers
call it as units finish (chunks for campaigns, trials for ``simulate``), so the
display advances whatever the engine.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager

__all__ = ["progress_bar"]


@contextmanager
def progress_bar(total: int, desc: str, enabled: bool | None = None, initial: int = 0,
                 log_every: float | None = None, unit: str = "it"):
    """Yield ``update(done)``; ``done`` counts from ``initial`` up to ``total``.

    Parameters
    ----------
    total : int
        Units in all (including ``initial`` ones already done, e.g. reused trials).
    desc : str
        Label.
    enabled : bool, optional
        Force the bar on or off (default: on when stderr is a terminal).
    initial : int
        Units already done before this run.
    log_every : float, optional
        When no bar is drawn, print ``desc: done/total unit (pct), rate, eta``
        at most every ``log_every`` seconds (and once at the end).
    unit : str
        Name of a unit.
    """
    if enabled is None:
        enabled = sys.stderr.isatty()
    if enabled and total > 1:
        from tqdm import tqdm

        bar = tqdm(total=total, initial=initial, desc=desc, file=sys.stderr, leave=False, unit=unit)
        state = {"n": initial}

        def update(done: int) -> None:
            bar.update(done - state["n"])
            state["n"] = done

        try:
            yield update
        finally:
            bar.close()
        return
    if not log_every:
        yield lambda done: None
        return
    t0 = time.monotonic()
    state = {"last": t0, "done": initial}

    def line(done: int) -> None:
        dt = time.monotonic() - t0
        rate = (done - initial) / dt if dt > 0 else 0.0
        eta = f", eta {(total - done) / rate:.0f} s" if rate > 0 and done < total else ""
        pct = 100.0 * done / total if total else 100.0
        print(f"{desc}: {done}/{total} {unit} ({pct:.1f}%), {rate:.3g} {unit}/s{eta}", file=sys.stderr,
              flush=True)

    def update(done: int) -> None:
        state["done"] = done
        now = time.monotonic()
        if now - state["last"] >= log_every:
            state["last"] = now
            line(done)

    try:
        yield update
    finally:
        if state["done"] > initial:
            line(state["done"])
