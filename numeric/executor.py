"""Executor interface for independent simulation work.

Tasks are pure functions of their arguments (a trial or a chunk of trials and
its own ``SeedSequence``), so the results are identical whatever the engine,
the number of workers or the order in which tasks finish.  Three engines:

* :class:`SerialEngine` -- in the calling process (no pickling; tests, tiny runs);
* :class:`ProcessEngine` -- local worker processes (the default);
* :class:`DaskEngine` -- a Dask ``distributed`` cluster: a ``LocalCluster``
  started on this machine, or a running scheduler at ``tcp://HOST:PORT``.
  ``distributed`` is imported only when this engine is created (optional extra
  ``cluster``).

Every engine offers two ways of running a stream of tasks, both **lazy and
bounded**: at most ``window`` tasks are in flight at any time, so an iterable
of 10^7 tasks never materialises (the generator is consumed as results come
back).

``engine.as_completed(fn, tasks, window)``
    yields ``(index, result)`` as tasks finish (completion order); used by
    campaigns, which store every finished chunk at once.
``engine.map(fn, tasks)``
    yields results in task order (a re-order buffer holds the results that
    finished ahead of an earlier, slower task); used through
    :func:`run_tasks` by ``simulate peeling`` / ``simulate giant``.  Local
    processes receive tasks in batches (``chunksize``) to amortise the
    inter-process cost of small trials.

``engine.prepare(fn)`` runs a warm-up (loading compiled kernels) wherever
tasks will run.  Local worker processes ignore SIGINT: a terminal's Ctrl-C is
handled by the driver alone, which stops submitting and shuts the pool down.

Engines hold resources (a process pool, a Dask client): use them as context
managers or call :meth:`close`.  The ``map`` of the ``ProcessEngine`` opens and
closes its own pool when used outside a ``with`` block, as before.
"""

from __future__ import annotations

import functools
import itertools
import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from .errors import input_error

__all__ = [
    "Engine",
    "SerialEngine",
    "ProcessEngine",
    "DaskEngine",
    "get_engine",
    "make_engine",
    "check_engine_args",
    "run_tasks",
    "ENGINES",
]

#: Dask configuration of the workers of a LocalCluster started by :class:`DaskEngine` (see there).
DASK_WORKER_SETTINGS = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
}

#: Target seconds of one batch of the ordered ``map`` when batches are sized adaptively.
BATCH_SECONDS = 0.05
#: Largest batch of the ordered ``map``.
MAX_BATCH = 4096

#: Seconds between re-reads of a Dask cluster's size (the in-flight bound follows it).
DASK_RESIZE_SECONDS = 2.0

#: Names accepted by :func:`make_engine` (``--engine``).
ENGINES = ("serial", "local", "dask")


class Engine(Protocol):
    """Anything with an ordered ``map(fn, iterable)`` (``as_completed`` for campaigns)."""

    def map(self, fn: Callable, iterable: Iterable) -> Iterable: ...


def _ignore_sigint() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _apply_batch(fn, batch):
    """Run ``fn`` over a list of items in a worker (one inter-process round trip)."""
    return [fn(x) for x in batch]


def _timed_batch(fn, batch):
    """``(seconds, results)`` of ``fn`` over a batch (adaptive batching measures the cost per item)."""
    t0 = time.perf_counter()
    out = [fn(x) for x in batch]
    return time.perf_counter() - t0, out


def _batched(iterable: Iterable, size) -> Iterator[list]:
    """Lists of ``size`` items (``size`` an int, or a dict whose ``"size"`` may change between batches)."""
    it = iter(iterable)
    while True:
        batch = list(itertools.islice(it, size if isinstance(size, int) else size["size"]))
        if not batch:
            return
        yield batch


class _EngineBase:
    """Shared machinery: ordered ``map`` on top of ``as_completed``; context manager."""

    workers = 1
    name = "engine"

    def as_completed(self, fn, iterable, window: int | None = None):  # pragma: no cover - abstract
        raise NotImplementedError

    def map(self, fn, iterable, chunksize: int | None = None):
        """Results of ``fn`` over ``iterable`` in order, computed lazily.

        Items travel in batches: ``chunksize`` items if given; for a sized
        iterable about a quarter of an equal share per worker; otherwise
        (a generator) adaptive, starting from single items and sized from the
        measured time per item so that a batch takes about
        :data:`BATCH_SECONDS` (slow trials stay one per task and spread over
        all workers, fast ones are grouped).
        """
        size = chunksize or _default_chunksize(iterable, self.workers)
        if size == 1:
            yield from _ordered(self.as_completed(fn, iterable))
            return
        if size > 1:
            for batch in _ordered(self.as_completed(functools.partial(_apply_batch, fn),
                                                    _batched(iterable, size))):
                yield from batch
            return
        state = {"size": 1}
        for seconds, batch in _ordered(self.as_completed(functools.partial(_timed_batch, fn),
                                                         _batched(iterable, state))):
            if seconds > 0:
                state["size"] = max(1, min(MAX_BATCH, int(BATCH_SECONDS * len(batch) / seconds)))
            yield from batch

    def prepare(self, fn: Callable[[], Any]) -> None:
        """Run ``fn()`` once wherever tasks will run (warm-up: load compiled kernels, imports).

        In-process and local-process engines run it here (forked workers
        inherit its effect); a Dask engine runs it on every worker.
        """
        fn()

    def close(self) -> None:
        """Release the engine's resources (idempotent)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def _default_chunksize(iterable, workers: int) -> int:
    """1 for one worker; a fixed batch for sized iterables; 0 (adaptive) otherwise."""
    if workers <= 1:
        return 1
    try:
        n = len(iterable)  # type: ignore[arg-type]
    except TypeError:
        return 0
    return max(1, min(MAX_BATCH, n // (4 * workers)))


def _ordered(pairs: Iterable[tuple[int, Any]]) -> Iterator[Any]:
    """Re-order ``(index, result)`` pairs into index order (indices 0, 1, 2, ... each once)."""
    pending: dict[int, Any] = {}
    nxt = 0
    for i, r in pairs:
        pending[i] = r
        while nxt in pending:
            yield pending.pop(nxt)
            nxt += 1


class SerialEngine(_EngineBase):
    """Run tasks one after the other in this process."""

    name = "serial"

    def as_completed(self, fn, iterable, window=None):
        for i, task in enumerate(iterable):
            yield i, fn(task)

    def map(self, fn, iterable, chunksize=None):
        return map(fn, iterable)


class ProcessEngine(_EngineBase):
    """Run tasks in a pool of local processes.

    Parameters
    ----------
    workers : int
        Number of processes (>= 1).
    """

    name = "local"

    def __init__(self, workers: int):
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise input_error("--workers", workers, "a positive integer")
        self.workers = workers
        self._pool = None

    def __enter__(self):
        self._open()
        return self

    def _open(self):
        if self._pool is None:
            from concurrent.futures import ProcessPoolExecutor

            # workers ignore SIGINT: a Ctrl-C in a terminal reaches the whole process group, and only
            # the driver should handle it (stop submitting, keep what is finished, shut the pool down)
            self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_ignore_sigint)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def as_completed(self, fn, iterable, window=None):
        from concurrent.futures import FIRST_COMPLETED, wait

        own = self._pool is None
        pool = self._open()
        window = max(1, window or 2 * self.workers)
        it = enumerate(iterable)
        running: dict = {}
        try:
            for i, task in itertools.islice(it, window):
                running[pool.submit(fn, task)] = i
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for fut in done:
                    i = running.pop(fut)
                    result = fut.result()
                    for j, task in itertools.islice(it, 1):
                        running[pool.submit(fn, task)] = j
                    yield i, result
        finally:
            for fut in running:
                fut.cancel()
            if own:
                self.close()


class DaskEngine(_EngineBase):
    """Run tasks on a Dask ``distributed`` cluster.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler (``tcp://HOST:PORT``).  Without it a
        ``LocalCluster`` of ``workers`` single-threaded worker processes is
        started on this machine (and stopped by :meth:`close`).
    workers : int
        Workers of the local cluster (ignored with ``scheduler``).
    retries : int
        Times a task that *raised* is re-submitted.  A task whose worker died is
        re-run elsewhere by the scheduler in any case (up to its
        ``allowed-failures``); the task is a pure function, so the result is
        the same.

    Raises
    ------
    InputError
        If ``distributed`` is not installed (``pip install infoscaling[cluster]``)
        or the scheduler cannot be reached.
    """

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int = 2, retries: int = 2,
                 timeout: float = 30.0):
        try:
            import distributed
        except ImportError:
            raise input_error("--engine", "dask", "an installed 'distributed' package "
                              "(pip install 'infoscaling[cluster]')") from None
        self._cluster = None
        self.retries = int(retries)
        if scheduler is None:
            if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
                raise input_error("--workers", workers, "a positive integer")
            import dask

            # Worker settings for long CPU-bound tasks.  With Dask's defaults (statistical profiler
            # every 10 ms, event-loop tick 20 ms, memory monitor 100 ms, all waking the worker's main
            # thread, which then competes for the GIL with the task thread) chunks ran 1.3-1.8x
            # slower than in a plain process on the 2-core machine; with these, 1.0-1.1x
            # (benchmarks/bench_campaign.py).  MALLOC_TRIM_THRESHOLD_: back to glibc's default.
            # For a cluster started by hand, README "Running a campaign" gives the same settings.
            with dask.config.set(DASK_WORKER_SETTINGS):
                self._cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1,
                                                         processes=True, dashboard_address=None)
            address = self._cluster
        else:
            if not isinstance(scheduler, str) or "://" not in scheduler:
                raise input_error("--scheduler", scheduler, "an address such as tcp://HOST:PORT")
            address = scheduler
        try:
            self._client = distributed.Client(address, timeout=timeout, set_as_default=False)
        except OSError as exc:
            if self._cluster is not None:
                self._cluster.close()
            raise input_error("--scheduler", scheduler, f"a reachable Dask scheduler ({exc})") from None
        self.workers = self._threads()

    def _threads(self) -> int:
        """Worker threads the cluster has now (at least 1; workers of a batch system join late)."""
        return max(1, sum(self._client.nthreads().values()))

    def prepare(self, fn) -> None:
        self._client.run(fn)

    def close(self) -> None:
        if getattr(self, "_client", None) is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def as_completed(self, fn, iterable, window=None):
        """As the other engines; without ``window`` the bound follows the cluster's size.

        Twice the worker threads, re-read at most every :data:`DASK_RESIZE_SECONDS`
        as tasks finish, so workers that join later (a batch system starting
        jobs) get work.
        """
        from distributed import as_completed as dask_as_completed

        fixed = window
        window = max(1, fixed or 2 * self.workers)
        last = time.monotonic()
        it = enumerate(iterable)
        index: dict = {}

        def submit(i, task):
            # pure=False: identical arguments must still run (and the key is unique per index)
            fut = self._client.submit(fn, task, pure=False, retries=self.retries)
            index[fut.key] = i
            return fut

        first = [submit(i, t) for i, t in itertools.islice(it, window)]
        if not first:
            return
        ac = dask_as_completed(first, loop=self._client.loop)
        try:
            for fut in ac:
                i = index.pop(fut.key)
                result = fut.result()
                fut.release()
                if not fixed and time.monotonic() - last >= DASK_RESIZE_SECONDS:
                    last = time.monotonic()
                    self.workers = self._threads()
                    window = 2 * self.workers
                for j, task in itertools.islice(it, max(1, window - len(index))):
                    ac.add(submit(j, task))
                yield i, result
        finally:
            if index:
                ac.clear()


#: Environment variable giving the number of workers used when none is asked for.
WORKERS_ENV = "INFOSCALING_WORKERS"


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask, e.g. a container's share), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # no affinity API on this platform
        return max(1, os.cpu_count() or 1)


def default_workers() -> int:
    """Workers used when none is asked for: ``$INFOSCALING_WORKERS``, else :func:`usable_cpus`.

    ``verify`` sets the variable to 1 in its claim workers, so that a claim's own
    simulations do not start a second pool on cores the other claims already use.

    Raises
    ------
    InputError
        ``$INFOSCALING_WORKERS`` is set but is not a positive integer.
    """
    text = os.environ.get(WORKERS_ENV)
    if text is None or not text.strip():
        return usable_cpus()
    s = text.strip()
    if not (s.isascii() and s.isdigit() and len(s) <= 4 and int(s) >= 1):
        raise input_error(WORKERS_ENV, text, "an integer from 1 to 9999 (workers when none is asked for)")
    return int(s)


def get_engine(workers: int | None = None) -> Engine:
    """``workers=None`` uses :func:`default_workers` (all usable cores); 1 runs serially in-process."""
    if workers is None:
        workers = default_workers()
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise input_error("--workers", workers, "a positive integer")
    return SerialEngine() if workers == 1 else ProcessEngine(workers)


def check_engine_args(engine: str | None = None, workers: int | None = None,
                      scheduler: str | None = None) -> None:
    """Validate ``--engine`` / ``--workers`` / ``--scheduler`` without starting anything.

    Raises
    ------
    InputError
        Unknown engine, ``--scheduler`` with a non-Dask engine, a malformed address,
        bad ``--workers``.
    """
    if engine is not None and engine not in ENGINES:
        raise input_error("--engine", engine, ", ".join(ENGINES))
    if scheduler is not None:
        if engine not in (None, "dask"):
            raise input_error("--engine", engine, "dask (or omit it) with --scheduler")
        if not isinstance(scheduler, str) or "://" not in scheduler:
            raise input_error("--scheduler", scheduler, "an address such as tcp://HOST:PORT")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise input_error("--workers", workers, "a positive integer")
    if scheduler is not None and workers is not None:
        raise input_error("--workers", workers, "nothing with --scheduler (the cluster has its workers)")
    if engine == "serial" and workers not in (None, 1):
        raise input_error("--workers", workers, "1 (or nothing) with --engine serial")


def make_engine(engine: str | None = None, workers: int | None = None,
                scheduler: str | None = None, retries: int = 2):
    """The engine named on the command line (``--engine``, ``--workers``, ``--scheduler``).

    ``scheduler`` implies ``dask``; ``engine=None`` means ``local`` (processes,
    all cores unless ``workers``), or serial for ``workers=1``.

    Raises
    ------
    InputError
        Unknown engine name, ``--scheduler`` with a non-Dask engine, bad ``--workers``.
    """
    check_engine_args(engine, workers, scheduler)
    if scheduler is not None:
        return DaskEngine(scheduler=scheduler, retries=retries)
    if engine == "dask":
        return DaskEngine(workers=workers or default_workers(), retries=retries)
    if engine == "serial":
        return SerialEngine()
    if engine == "local" and workers is not None and workers >= 1:
        return ProcessEngine(workers)
    return get_engine(workers)


def run_tasks(fn: Callable[[Any], Any], tasks: Iterable, engine: Engine | None = None,
              progress: Callable[[int], None] | None = None, out=None):
    """Map ``fn`` over ``tasks`` with ``engine`` and return the results in task order.

    ``tasks`` may be a generator (consumed lazily, bounded in-flight work).
    ``progress`` (if given) is called with the number of finished tasks, as
    results come in.  With ``out`` (e.g. a preallocated NumPy array) result
    ``i`` is stored as ``out[i]`` and ``out`` is returned, so a campaign of
    10^7 trials never holds 10^7 Python objects.
    """
    engine = engine or SerialEngine()
    results = [] if out is None else out
    for i, r in enumerate(engine.map(fn, tasks), 1):
        if out is None:
            results.append(r)
        else:
            out[i - 1] = r
        if progress is not None:
            progress(i)
    return results
