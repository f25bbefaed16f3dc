"""``campaign run``: resume or extend a campaign, computing only the missing chunks.

Flow: validate the request and the grid (nothing touched yet) -> open the
store, take its run lock, register the campaign (a grid contradicting the
stored one is refused before anything is written) -> list the missing trial
ranges of every point -> start the engine -> submit chunks lazily (at most
``window`` in flight) and write each one to the store in its own transaction
as soon as it finishes -> advance the progress display per finished chunk.

Interruptions: Ctrl-C, SIGTERM (handled like Ctrl-C: workers are shut down)
or a driver killed at any instant leave only whole chunks in the store; re-running the same command computes the rest, with the
same numbers (every trial's seed is fixed by the seed scheme of
:mod:`~infoscaling.numeric.campaign.seeds`).
"""

from __future__ import annotations

import contextlib
import sys
import time

from .. import validate
from ..errors import input_error
from .grid import build_grid
from .seeds import chunk_ranges, point_seed
from .store import RunLock, Store
from .tasks import MAX_CHUNK, ChunkTask, auto_chunk, run_chunk

__all__ = ["run_campaign", "plan_tasks", "iter_tasks"]


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """Treat SIGTERM (a batch system ending the job, ``kill``) like Ctrl-C while chunks run.

    The driver then stops submitting, keeps every finished chunk, shuts its
    workers down (a local cluster is not left orphaned) and exits with 130.
    Only in the main thread (signal handlers cannot be set elsewhere).
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    old = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def plan_tasks(store: Store, campaign_id: int, grid, targets: dict, trials: int) -> tuple[list, int]:
    """Missing trial ranges of every point as a list of :class:`ChunkTask` s, and the trials stored.

    (The runner uses the lazy :func:`iter_tasks`; this list form is for inspection and tests.)
    """
    gen, reused, _ = iter_tasks(store, campaign_id, grid, targets, trials)
    return list(gen), reused


def iter_tasks(store: Store, campaign_id: int, grid, targets: dict, trials: int):
    """``(task generator, trials already stored, trials missing)`` for ``trials`` per point.

    A stored short chunk is topped up (a task starting where it ends); chunks
    not stored at all become whole tasks.  Only trials below ``trials`` are
    considered.  The tasks are generated lazily (10^7 trials in chunks of a
    few trials never become millions of task objects at once).
    """
    by_key = {(p.n, p.eps): p for p in store.points(campaign_id)}
    layout = []  # (grid point, stored point)
    reused = 0
    for pt in grid.points:
        sp = by_key[(pt.n, pt.eps_text)]
        layout.append((pt, sp))
        for idx, lo, hi in chunk_ranges(trials, sp.chunk):
            reused += min(sp.chunks.get(idx, (lo, 0))[1], hi - lo)
    missing = trials * len(grid.points) - reused

    def gen():
        for pt, sp in layout:
            for c, lo in enumerate(range(0, trials, sp.chunk)):
                hi = min(lo + sp.chunk, trials)
                have = min(sp.chunks.get(c, (lo, 0))[1], hi - lo)
                if lo + have < hi:
                    yield ChunkTask(pt.kind, targets[pt.key()], pt.n, sp.point_seed, sp.id, c, lo + have, hi,
                                    sp.chunk)

    return gen(), reused, missing


def run_campaign(store, ensemble=None, law=None, n=None, eps=None, trials=None, seed=None,
                 chunk=None, engine=None, workers=None, scheduler=None, retries: int = 2,
                 window: int | None = None, progress: bool | None = None,
                 log_every: float | None = 60.0) -> dict:
    """Run (resume, extend) a campaign and return the ``campaign run`` JSON.

    Parameters
    ----------
    store : str or Path
        SQLite file (created if missing).
    ensemble, law : str
        Exactly one: peeling campaigns take an ensemble string, giant campaigns
        a degree law (CLI.md).
    n, eps : str or list
        The grid (:mod:`~infoscaling.numeric.campaign.grid`).
    trials : int
        Trials per point (the campaign's target becomes the largest asked so far).
    seed : int
        Root seed of the campaign (>= 0).
    chunk : int, optional
        Trials per chunk (default: sized per point, :func:`auto_chunk`); must
        match the stored chunk size when the campaign exists.
    engine, workers, scheduler, retries
        As in :func:`numeric.executor.make_engine` (``engine`` may also be an
        engine object, which is used and left open: e.g. one Dask cluster for
        several campaigns); the numbers never depend on them.
    window : int, optional
        Chunks in flight (default twice the workers).
    progress : bool, optional
        Progress bar (default: when stderr is a terminal).
    log_every : float, optional
        Seconds between plain progress lines on a non-terminal stderr.

    Returns
    -------
    dict
        ``store``, ``points``, ``trials`` (target per point), ``trials_done``
        (stored, all points), ``trials_new``, ``trials_reused``, ``chunks_new``,
        ``seconds``, ``seed``, ``kind``, ``spec``, ``engine``, ``workers``.

    Raises
    ------
    InputError
        Bad arguments, a grid contradicting the stored campaign, an unusable store.
    """
    t0 = time.perf_counter()
    if trials is None:
        raise input_error("--trials", trials, "an integer in [1, 10**7]")
    trials = validate.trials(trials)
    if seed is None:
        raise input_error("--seed", seed, "a non-negative integer (a campaign needs an explicit seed)")
    seed = validate.seed(seed)
    if chunk is not None:
        chunk = validate.integer(chunk, "--chunk", 1, MAX_CHUNK)
    workers = validate.workers(workers)
    from ..executor import check_engine_args

    given = engine if hasattr(engine, "as_completed") else None  # an engine object: used, not closed
    if given is None:
        check_engine_args(engine, workers, scheduler)
    grid = build_grid(ensemble=ensemble, law=law, n=n, eps=eps)
    targets, sizes = {}, {}
    for pt in grid.points:
        targets[pt.key()] = pt.plan() if pt.kind == "peeling" else pt.spec
        size = chunk or auto_chunk(pt.kind, targets[pt.key()], pt.n)
        sizes[pt.key()] = (point_seed(seed, pt.key()), size)

    db = Store(store, create=True)
    lock = None
    try:
        lock = RunLock(db.path)
        cid = db.register(grid, seed, trials, sizes, explicit_chunk=chunk is not None)
        target = db.campaign(grid.kind, grid.spec, seed)[2]
        tasks, reused, missing = iter_tasks(db, cid, grid, targets, target)
        total = target * len(grid.points)
        new, chunks_new = 0, 0
        eng_name, eng_workers = "none", 0
        if missing:
            from ..executor import make_engine
            from ..progress import progress_bar

            eng = given if given is not None else make_engine(engine, workers, scheduler, retries)
            eng_name, eng_workers = eng.name, eng.workers
            owned = contextlib.nullcontext(eng) if given is not None else eng  # closes what it started
            try:
                with owned, _sigterm_as_interrupt(), progress_bar(total, f"campaign {grid.spec}", enabled=progress, initial=reused,
                                         log_every=log_every, unit="trials") as update:
                    if grid.kind == "peeling":
                        import functools

                        from ..peeling import _warm_kernels

                        # load the compiled kernels where chunks run (forked local workers inherit
                        # them); one ensemble per campaign, so one sampler kind
                        kind = next(iter(targets.values())).kind
                        eng.prepare(functools.partial(_warm_kernels, kind))
                    inflight: dict = {}  # index -> task, for the tasks submitted and not yet stored

                    def feed():
                        for i, task in enumerate(tasks):
                            inflight[i] = task
                            yield task

                    for i, res in eng.as_completed(run_chunk, feed(), window):
                        t = inflight.pop(i)
                        if db.write_chunk(t.point_id, t.idx, t.size, t.start, res.rows, t.kind, res.seconds):
                            new += t.stop - t.start
                            chunks_new += 1
                        update(reused + new)
            except KeyboardInterrupt:
                print(f"campaign: interrupted; {chunks_new} chunks ({new} trials) of this run are stored; "
                      "re-run the same command to resume", file=sys.stderr)
                raise
        done = sum(min(p.trials, target) for p in db.points(cid))
    finally:
        if lock is not None:
            lock.release()
        db.close()
    return {
        "store": str(store),
        "kind": grid.kind,
        "spec": grid.spec,
        "seed": seed,
        "points": len(grid.points),
        "trials": target,
        "trials_done": done,
        "trials_new": new,
        "trials_reused": reused,
        "chunks_new": chunks_new,
        "complete": done == total,
        "engine": eng_name,
        "workers": eng_workers,
        "seconds": time.perf_counter() - t0,
    }

