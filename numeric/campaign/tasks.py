"""Chunk tasks: pure functions of (point, trial range) run by any engine.

A chunk runs trials ``start .. stop-1`` of one point with the trial seeds of
:func:`~infoscaling.numeric.campaign.seeds.trial_seeds`, through the
simulators' own per-trial functions (:func:`numeric.peeling.run_trials`, whose
rows are :func:`numeric.peeling.run_trial`'s, and
:func:`numeric.graphsim.giant_trial`), so a campaign computes exactly what
``simulate`` computes.  The task and its result are small and picklable (a
Dask worker imports this module from the installed package).

Chunk size: unless ``--chunk`` is given, a point's chunk holds about
:data:`CHUNK_WORK` elementary steps (edges plus a per-trial overhead of
:data:`TRIAL_OVERHEAD` steps; for giant campaigns 4 steps per vertex), i.e.
about half a second at the simulators' measured 1.5-3e7 edges per second per
core: long enough that scheduling and the store's transaction are a small
fraction, short enough that progress, Ctrl-C and a lost worker cost little.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .seeds import trial_seeds
from .store import ROW_LAYOUT

__all__ = ["ChunkTask", "ChunkResult", "run_chunk", "auto_chunk", "CHUNK_WORK", "TRIAL_OVERHEAD",
           "MAX_CHUNK"]

#: Elementary steps per automatically sized chunk (about 0.5 s on one core).
CHUNK_WORK = 10_000_000
#: Per-trial overhead of a peeling trial, in edge-equivalents (measured ~0.1 ms).
TRIAL_OVERHEAD = 3_000
#: Largest chunk (trials).
MAX_CHUNK = 100_000


@dataclass(frozen=True)
class ChunkTask:
    """Trials ``start .. stop-1`` of chunk ``idx`` (of ``size`` trials) of one point.

    ``target`` is a PeelingPlan, or the law spec for giant.
    """

    kind: str
    target: object
    n: int
    point_seed: int
    point_id: int
    idx: int
    start: int
    stop: int
    size: int


@dataclass(frozen=True)
class ChunkResult:
    """Per-trial rows (layout :data:`~infoscaling.numeric.campaign.store.ROW_LAYOUT`) and worker seconds."""

    rows: np.ndarray
    seconds: float


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Run one chunk; a pure function of ``task`` (except for the timing)."""
    t0 = time.perf_counter()
    dtype, cols = ROW_LAYOUT[task.kind]
    rows = np.empty((task.stop - task.start, len(cols)), dtype=dtype)
    seeds = trial_seeds(task.point_seed, task.start, task.stop)
    if task.kind == "peeling":
        from ..peeling import run_trials

        run_trials(task.target, seeds, out=rows)  # run_trial's rows, one reused workspace per chunk
    else:
        from ..graphsim import giant_trial

        for i, seq in enumerate(seeds):
            rows[i] = giant_trial((task.target, task.n, seq))
    return ChunkResult(rows, time.perf_counter() - t0)


def auto_chunk(kind: str, target, n: int) -> int:
    """Default chunk size of a point (trials), see the module notes.

    Examples
    --------
    >>> from infoscaling.numeric.peeling import plan_peeling
    >>> auto_chunk("peeling", plan_peeling("regular:3/regular:6", 10**5, 0.4), 10**5)
    33
    """
    if kind == "peeling":
        work = target.expected_edges + TRIAL_OVERHEAD
    else:
        work = 4.0 * n + TRIAL_OVERHEAD
    return int(max(1, min(MAX_CHUNK, CHUNK_WORK // work)))
