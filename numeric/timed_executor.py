"""An executor engine whose tasks have a wall-time budget, enforced by killing the worker.

:class:`TimedProcessEngine` follows the executor interface of
:mod:`infoscaling.numeric.executor` (an ordered ``map(fn, iterable)``), but
the tasks run in ``workers`` forked worker processes and the result of a task
is an :class:`Outcome` rather than the bare value:

* ``ok`` -- ``fn(item)`` returned; ``value`` holds the result;
* ``error`` -- ``fn(item)`` raised, or the worker died or could not send its
  result; ``error`` holds the one-line reason;
* ``timeout`` -- the task ran past ``timeout`` seconds and its worker was killed
  (with the processes the task started: each worker is its own process group);
  a fresh worker takes its place for the remaining tasks.

A worker runs one task after another, so what a task leaves in the process's
caches (compiled kernels, derived expressions) serves the worker's next tasks,
as in a serial run.  Tasks start in the order given by ``priority`` (largest
first: schedule the longest tasks first), and results come back in input
order, so a run with any number of workers returns the same list as
``workers=1`` apart from timings.

Workers are forked, so ``fn`` and the items are not pickled (closures and
objects registered at run time work): a worker receives only a task's index.
Only the results are pickled.  Anything a task prints on stdout goes to stderr,
so that a command's stdout stays one JSON object.  Fork is a POSIX feature: on
a platform without it, :func:`fork_available` is False and callers run serially.
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


def _worker(tasks, results, fn, items, env) -> None:
    """Body of a forked worker: run ``fn(items[i])`` for each index received, send back Outcomes."""
    os.setpgid(0, 0)  # its own process group: a timeout kills the task's own subprocesses too
    os.environ.update(env)
    sys.stdout = sys.stderr  # stray prints must not mix into the command's JSON on stdout
    while True:
        try:
            i = tasks.recv()
        except EOFError:
            return
        if i is None:
            return
        t0 = time.perf_counter()
        try:
            out = Outcome("ok", fn(items[i]))
        except BaseException as exc:  # reported to the parent as the task's error, never lost
            out = Outcome("error", None, f"{type(exc).__name__}: {' '.join(str(exc).split())}",
                          traceback.format_exc(limit=-4))
        out.seconds = time.perf_counter() - t0
        try:
            results.send(out)
        except Exception as exc:  # e.g. an unpicklable result: the parent must hear why
            results.send(Outcome("error", None, f"the worker could not send its result "
                                 f"({type(exc).__name__}: {exc})", None, out.seconds))


class _Worker:
    """A forked worker with its two pipes and its current task."""

    def __init__(self, ctx, fn, items, env):
        task_end, self.tasks = ctx.Pipe(duplex=False)  # (reader, writer): the parent sends task indices
        self.results, result_end = ctx.Pipe(duplex=False)  # the child sends Outcomes
        self.proc = ctx.Process(target=_worker, args=(task_end, result_end, fn, items, env),
                                daemon=False)  # not a daemon: a task may start its own processes
        self.proc.start()
        task_end.close()
        result_end.close()
        self.task: int | None = None
        self.started = 0.0

    def give(self, i: int) -> None:
        self.task, self.started = i, time.monotonic()
        self.tasks.send(i)

    def close(self) -> None:
        try:
            self.tasks.send(None)
        except OSError:
            pass
        self.proc.join(timeout=5)
        if self.proc.is_alive():
            _kill(self.proc)
        self.tasks.close()
        self.results.close()

    def kill(self) -> None:
        _kill(self.proc)
        self.tasks.close()
        self.results.close()


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
    env : dict, optional
        Environment variables set in each worker before its first task (e.g. to keep
        the tasks' own process pools small).

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
                 on_done: Callable[[Any, Outcome], None] | None = None,
                 env: dict[str, str] | None = None):
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
        self.env = dict(env or {})

    def map(self, fn: Callable[[Any], Any], iterable: Iterable) -> list[Outcome]:
        """Outcomes of ``fn`` over ``iterable``, in input order."""
        items = list(iterable)
        order = list(range(len(items)))
        if self.priority is not None:
            order.sort(key=lambda i: -self.priority(items[i]))
        queue = list(reversed(order))
        ctx = mp.get_context("fork")
        results: list[Outcome | None] = [None] * len(items)
        workers: list[_Worker] = []
        try:
            while queue or any(w.task is not None for w in workers):
                idle = [w for w in workers if w.task is None]
                while queue and (idle or len(workers) < self.workers):
                    if not idle:
                        sys.stdout.flush()
                        sys.stderr.flush()  # a forked child must not re-flush the parent's buffers
                        workers.append(_Worker(ctx, fn, items, self.env))
                        idle.append(workers[-1])
                    w, i = idle.pop(), queue.pop()
                    if self.on_start is not None:
                        self.on_start(items[i])
                    w.give(i)
                busy = [w for w in workers if w.task is not None]
                wait = None
                if self.timeout is not None:
                    wait = max(0.0, min(w.started for w in busy) + self.timeout - time.monotonic())
                ready = mp.connection.wait([w.results for w in busy], timeout=wait)
                for w in busy:
                    if w.results not in ready:
                        continue
                    i, elapsed = w.task, time.monotonic() - w.started
                    w.task = None
                    try:
                        out = w.results.recv()
                    except EOFError:
                        w.proc.join()
                        out = Outcome("error", None, f"the worker exited (status {w.proc.exitcode}) "
                                      f"without a result", None, elapsed)
                        w.kill()
                        workers.remove(w)
                    self._finish(results, items, i, out)
                if self.timeout is not None:
                    now = time.monotonic()
                    for w in [w for w in workers if w.task is not None]:
                        if now - w.started >= self.timeout and not w.results.poll():
                            i = w.task
                            w.kill()
                            workers.remove(w)
                            self._finish(results, items, i, Outcome(
                                "timeout", None, f"no result within the budget of {self.timeout:g} s (worker killed)",
                                None, now - w.started))
            for w in workers:
                w.close()
            workers = []
        finally:
            for w in workers:  # interrupted: leave no worker behind
                w.kill()
        return results

    def _finish(self, results, items, i, out: Outcome) -> None:
        results[i] = out
        if self.on_done is not None:
            self.on_done(items[i], out)

