"""Executor interface for independent simulation trials.

Trials are pure functions of (task arguments, their own ``SeedSequence``), so
the results are identical whatever the number of workers or the engine.  The
default engine runs trials in local processes; ``workers=1`` runs them in the
calling process (no pickling, used by tests).  A cluster engine only has to
provide ``map(fn, iterable)`` returning results in order, like
``concurrent.futures.Executor.map``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Protocol

__all__ = ["Engine", "SerialEngine", "ProcessEngine", "get_engine", "run_tasks"]


class Engine(Protocol):
    """Anything with an ordered ``map(fn, iterable)``."""

    def map(self, fn: Callable, iterable: Iterable) -> Iterable: ...


class SerialEngine:
    """Run tasks one after the other in this process."""

    def map(self, fn, iterable):
        return map(fn, iterable)


class ProcessEngine:
    """Run tasks in a pool of local processes (order of results preserved)."""

    def __init__(self, workers: int):
        if workers < 1:
            raise ValueError(f"workers must be >= 1, got {workers}")
        self.workers = workers

    def map(self, fn, iterable):
        items = list(iterable)
        chunk = max(1, len(items) // (4 * self.workers))
        with ProcessPoolExecutor(max_workers=self.workers) as pool:
            return list(pool.map(fn, items, chunksize=chunk))


def get_engine(workers: int | None = None) -> Engine:
    """``workers=None`` uses all cores; 1 runs serially in-process."""
    if workers is None:
        workers = os.cpu_count() or 1
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive integer, got {workers!r}")
    return SerialEngine() if workers == 1 else ProcessEngine(workers)


def run_tasks(fn: Callable[[Any], Any], tasks: Iterable, engine: Engine | None = None,
              progress: Callable[[int], None] | None = None) -> list:
    """Map ``fn`` over ``tasks`` with ``engine`` and return the results in task order.

    ``progress`` (if given) is called with the number of finished tasks.
    """
    engine = engine or SerialEngine()
    out = []
    for i, r in enumerate(engine.map(fn, tasks), 1):
        out.append(r)
        if progress is not None:
            progress(i)
    return out
