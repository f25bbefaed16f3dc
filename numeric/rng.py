"""The project's one random-number convention (SPEC 7, as in scipy.stats).

Public simulators take ``rng`` (None, an int, a ``SeedSequence`` or a
``Generator``) and resolve it with :func:`resolve`; independent trials get
their own streams from :func:`spawn_seeds`, so a campaign's result depends
only on the root seed and the trial index, never on how trials are scheduled
over workers.  The global NumPy RNG is never used.
"""

from __future__ import annotations

import numpy as np

from . import validate
from .errors import input_error

__all__ = ["resolve", "root_sequence", "spawn_seeds", "seed_int"]


def root_sequence(seed) -> np.random.SeedSequence:
    """Return a ``SeedSequence`` for ``seed`` (None draws fresh OS entropy).

    Raises
    ------
    InputError
        If ``seed`` is not an integer in [0, 2**256) (:func:`numeric.validate.seed`).
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, str):  # text is parsed at the CLI (validate.seed); the API takes integers
        raise input_error("seed", seed, f"an integer in [0, 2**{validate.MAX_SEED_BITS}) or None")
    seed = validate.seed(seed, "seed")
    return np.random.SeedSequence() if seed is None else np.random.SeedSequence(seed)


def resolve(rng) -> np.random.Generator:
    """Resolve ``rng`` (None, int, SeedSequence or Generator) to a Generator."""
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(root_sequence(rng))


def spawn_seeds(seed, count: int) -> list[np.random.SeedSequence]:
    """``count`` independent child sequences of the root ``seed`` (trial i gets child i)."""
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    return root_sequence(seed).spawn(count)


def seed_int(seq: np.random.SeedSequence) -> int:
    """A 63-bit integer drawn from ``seq`` (to seed compiled kernels)."""
    return int(seq.generate_state(2, dtype=np.uint32).view(np.uint64)[0] >> np.uint64(1))
