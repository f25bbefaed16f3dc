"""An executor engine whose tasks have a wall-time budget, enforced by killing the worker.

:class:`TimedProcessEngine` follows the executor interface of
:mod:`infoscaling.numeric.executor` (an ordered ``map(fn, iterable)``), but
each task runs in its own forked worker process, at most ``workers`` at a
time, and the result of a task is an :class:`Outcome` rather than the bare
value:

* ``ok`` -- ``fn(item)`` returned; ``value`` holds the result;
* ``error`` -- ``fn(item)`` raised, or the worker died or could not send its
  result; ``error`` holds the one-line reason;
* ``timeout`` -- the task ran past ``timeout`` seconds and its worker was killed.

Tasks start in the order given by ``priority`` (largest first: schedule the
longest tasks first), and results come back in input order, so a run with any
number of workers returns the same list as ``workers=1`` apart from timings.

Workers are forked, so ``fn`` and the items are not pickled (closures and
objects registered at run time work); only the results are.  Anything the task
prints on stdout goes to stderr, so that a command's stdout stays one JSON
object.  Fork is a POSIX feature: on a platform without it, :func:`fork_available`
is False and callers run serially.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["Outcome", "TimedProcessEngine", "fork_available"]


@dataclass
class Outcome:
    """The fate of one task: ``status`` is ``ok``, ``error`` or ``timeout``."""

    status: str
    value: Any = None
    error: str | None = None
    traceback: str | None = None
    seconds: float = 0.0


def fork_available() -> bool:
    """Whether worker processes can be forked on this platform."""
    return "fork" in mp.get_all_start_methods()


def _worker(conn, fn, item) -> None:
    """Body of a forked worker: run ``fn(item)`` and send back an Outcome."""
    os.setpgid(0, 0)  # its own process group: a timeout kills the task's own subprocesses too
    sys.stdout = sys.stderr  # stray prints must not mix into the command's JSON on stdout
    t0 = time.perf_counter()
    try:
        out = Outcome("ok", fn(item))
    except BaseException as exc:  # reported to the parent as the task's error, never lost
        out = Outcome("error", None, f"{type(exc).__name__}: {' '.join(str(exc).split())}",
                      traceback.format_exc(limit=-4))
    out.seconds = time.perf_counter() - t0
    try:
        conn.send(out)
    except Exception as exc:  # e.g. an unpicklable result: the parent must hear why
        conn.send(Outcome("error", None, f"the worker could not send its result ({type(exc).__name__}: {exc})",
                          None, out.seconds))
    finally:
        conn.close()


def _kill(proc) -> None:
    """Kill a worker and its process group (the subprocesses its task started), then reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):  # already gone, or not yet its own group
        proc.kill()
    proc.join()


class TimedProcessEngine:
    """Run tasks in forked workers, each within ``timeout`` seconds (``None``: no limit).

    Parameters
    ----------
    workers : int
        Number of tasks running at once (>= 1).
    timeout : float or None
        Wall-time budget of one task in seconds.
    priority : callable, optional
        ``priority(item) -> float``; tasks with larger values start first.
    on_start, on_done : callable, optional
        ``on_start(item)`` when a task starts, ``on_done(item, outcome)`` when it ends.

    Examples
    --------
    >>> eng = TimedProcessEngine(2, timeout=30)
    >>> [o.value for o in eng.map(abs, [-1, 2, -3])]
    [1, 2, 3]
    >>> eng.map(int, ["x"])[0].status
    'error'
    """

    def __init__(self, workers: int, timeout: float | None = None,
                 priority: Callable[[Any], float] | None = None,
                 on_start: Callable[[Any], None] | None = None,
                 on_done: Callable[[Any, Outcome], None] | None = None):
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise ValueError(f"workers must be a positive integer, got {workers!r}")
        if timeout is not None and not timeout > 0:
            raise ValueError(f"timeout must be positive, got {timeout!r}")
        if not fork_available():  # pragma: no cover - POSIX only
            raise RuntimeError("TimedProcessEngine needs the 'fork' start method")
        self.workers = workers
        self.timeout = timeout
        self.priority = priority
        self.on_start = on_start
        self.on_done = on_done

    def map(self, fn: Callable[[Any], Any], iterable: Iterable) -> list[Outcome]:
        """Outcomes of ``fn`` over ``iterable``, in input order."""
        items = list(iterable)
        order = list(range(len(items)))
        if self.priority is not None:
            order.sort(key=lambda i: -self.priority(items[i]))
        ctx = mp.get_context("fork")
        results: list[Outcome | None] = [None] * len(items)
        running: dict = {}  # connection -> (index, process, start time)
        queue = list(reversed(order))
        try:
            while queue or running:
                while queue and len(running) < self.workers:
                    i = queue.pop()
                    if self.on_start is not None:
                        self.on_start(items[i])
                    sys.stdout.flush()
                    sys.stderr.flush()  # a forked child must not re-flush the parent's buffers
                    recv, send = ctx.Pipe(duplex=False)
                    # not a daemon: a task may start its own worker processes (simulations do)
                    proc = ctx.Process(target=_worker, args=(send, fn, items[i]), daemon=False)
                    proc.start()
                    send.close()
                    running[recv] = (i, proc, time.monotonic())
                wait = None
                if self.timeout is not None:
                    first = min(t0 for _, _, t0 in running.values())
                    wait = max(0.0, first + self.timeout - time.monotonic())
                for conn in mp.connection.wait(list(running), timeout=wait):
                    i, proc, t0 = running.pop(conn)
                    try:
                        out = conn.recv()
                    except EOFError:
                        proc.join()
                        out = Outcome("error", None, f"the worker exited (status {proc.exitcode}) without a result",
                                      None, time.monotonic() - t0)
                    conn.close()
                    proc.join()
                    self._finish(results, items, i, out)
                if self.timeout is not None:
                    now = time.monotonic()
                    for conn, (i, proc, t0) in list(running.items()):
                        if now - t0 >= self.timeout and not conn.poll():
                            _kill(proc)
                            conn.close()
                            del running[conn]
                            self._finish(results, items, i, Outcome(
                                "timeout", None, f"no result within the budget of {self.timeout:g} s (worker killed)",
                                None, now - t0))
        finally:
            for conn, (_, proc, _) in running.items():  # interrupted: leave no worker behind
                _kill(proc)
                conn.close()
        return results

    def _finish(self, results, items, i, out: Outcome) -> None:
        results[i] = out
        if self.on_done is not None:
            self.on_done(items[i], out)

