"""How a campaign's random streams are derived (and how they map to ``simulate``).

Two levels, both pure functions, so a campaign's numbers never depend on how
it was run (engine, workers, chunk completion order, interruptions):

1. **Point seed.**  Every grid point of a campaign with root seed ``S`` gets
   its own integer seed ``point_seed(S, point)``: the first 63 bits of
   SHA-256 of ``"infoscaling-campaign-v1|S|<point key>"``, where the point key
   names the simulation, the canonical ensemble (or law) string, ``n`` and
   ``eps`` (see :meth:`Point.key`).  Points are thereby independent streams,
   and adding points to a grid never changes the others.
2. **Trial seed.**  Trial ``i`` of a point is
   ``SeedSequence(point_seed, spawn_key=(i,))``, which is exactly
   ``numeric.rng.spawn_seeds(point_seed, K)[i]`` for any ``K > i``: the
   convention of ``simulate peeling`` / ``simulate giant``.  A chunk is a
   contiguous range of trial indices; chunk ``c`` of size ``C`` holds trials
   ``[c C, (c + 1) C)``, built lazily here (no list of ``K`` sequences).

Hence the row of a point in ``campaign report`` equals
``infoscaling simulate peeling SPEC --n N --eps E --trials K --seed P``
with ``P`` the point's ``seed`` printed by the report (and by ``campaign
status``), whatever chunk size, engine or number of interruptions produced it.

Examples
--------
>>> import numpy as np
>>> from infoscaling.numeric.rng import spawn_seeds
>>> a = list(trial_seeds(123, 5, 7))
>>> b = spawn_seeds(123, 7)[5:7]
>>> [x.generate_state(2).tolist() == y.generate_state(2).tolist() for x, y in zip(a, b)]
[True, True]
>>> point_seed(1, "peeling|regular:3/regular:6|1000|0.4") == point_seed(1, "peeling|regular:3/regular:6|1000|0.4")
True
>>> point_seed(1, "peeling|regular:3/regular:6|1000|0.4") != point_seed(2, "peeling|regular:3/regular:6|1000|0.4")
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import numpy as np

__all__ = ["point_seed", "trial_seeds", "chunk_ranges", "SEED_SCHEME"]

#: Version tag of the derivation; changing it would change every campaign's numbers.
SEED_SCHEME = "infoscaling-campaign-v1"


def point_seed(seed: int, point_key: str) -> int:
    """The 63-bit integer seed of one grid point of a campaign with root ``seed``."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    digest = hashlib.sha256(f"{SEED_SCHEME}|{int(seed)}|{point_key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def trial_seeds(seed: int, start: int, stop: int) -> Iterator[np.random.SeedSequence]:
    """``SeedSequence`` of trials ``start .. stop-1`` of root ``seed`` (lazily; as ``spawn``)."""
    entropy = int(seed)
    for i in range(int(start), int(stop)):
        yield np.random.SeedSequence(entropy, spawn_key=(i,))


def chunk_ranges(trials: int, chunk: int) -> list[tuple[int, int, int]]:
    """``(chunk index, first trial, stop)`` of the chunks covering ``trials`` trials.

    Examples
    --------
    >>> chunk_ranges(10, 4)
    [(0, 0, 4), (1, 4, 8), (2, 8, 10)]
    """
    if chunk < 1:
        raise ValueError(f"chunk must be >= 1, got {chunk}")
    return [(c, lo, min(lo + chunk, trials)) for c, lo in enumerate(range(0, trials, chunk))]
