"""Search the parameter space of another implementation's callable for its largest disagreement (Hypothesis)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import mpmath as mp

from ..precision import fmt
from ..reference import rel_diff as _rel
from .quantities import our_value

__all__ = ["Disagreement", "default_strategy", "find_disagreement"]


@dataclass
class Disagreement:
    """Result of :func:`find_disagreement`.

    ``found`` is True when some case exceeded ``rtol``; ``minimal`` is the
    shrunk failing case (parameters, theirs, ours, rel_diff); ``worst`` the
    largest relative difference seen; ``examples`` the number of cases tried.
    """

    found: bool
    minimal: dict | None
    worst: dict | None
    examples: int
    rtol: float
    quantity: str
    history: list = field(default_factory=list, repr=False)

    def to_json(self) -> dict:
        return {"found": self.found, "minimal": self.minimal, "worst": self.worst,
                "examples": self.examples, "rtol": self.rtol, "quantity": self.quantity}


def default_strategy(quantity: str):
    """Hypothesis strategy of parameter dicts for ``quantity`` (rows as in :func:`crosscheck_rows`)."""
    from hypothesis import strategies as st

    if quantity in ("threshold", "alpha", "beta_over_omega", "nu"):
        return st.integers(3, 6).flatmap(
            lambda l: st.integers(l + 1, 12).map(lambda r: {"spec": f"regular:{l}/regular:{r}", "l": l, "r": r}))
    if quantity == "giant":
        return st.integers(11, 60).map(lambda k: {"spec": f"poisson:{k / 10}", "c": k / 10})
    if quantity == "kappa_star":
        return st.integers(28, 400).map(lambda k: {"spec": f"dt={k / 10}", "dt": k / 10})
    if quantity == "tail":
        return st.tuples(st.integers(10, 2000), st.integers(1, 99), st.integers(1, 60)).map(
            lambda t: {"spec": "", "M": t[0], "p": t[1] / 100, "eta": min(t[2], t[0])})
    raise ValueError(f"quantity: no default strategy for {quantity!r}; pass strategy=")


def find_disagreement(their_fn, quantity: str, adapter=None, strategy=None, max_examples: int = 200,
                      rtol: float = 1e-9, dps: int = 30, seed: int = 0) -> Disagreement:
    """Search the parameter space for where ``their_fn`` disagrees most with this system.

    Hypothesis draws parameter dicts (``strategy``, default
    :func:`default_strategy`), ``adapter(params)`` turns one into the
    arguments of ``their_fn`` (a tuple, or a dict of keyword arguments), and
    the relative difference with :func:`our_value` is fed to
    :func:`hypothesis.target` so the search climbs towards the largest
    disagreement.  The first case beyond ``rtol`` is shrunk to a minimal one.

    Parameters
    ----------
    their_fn : callable
        The other implementation's function for ``quantity``.
    quantity : str
        One of :data:`QUANTITIES` (or ``tail``).
    adapter : callable, optional
        ``params -> args``; default passes the parameter dict minus ``spec`` as keywords.
    strategy : hypothesis strategy, optional
        Of parameter dicts with at least ``spec`` (and the parameter columns).
    max_examples : int
    rtol : float
    dps : int
    seed : int
        Hypothesis seed (the search is reproducible).

    Returns
    -------
    Disagreement

    Raises
    ------
    ImportError
        When Hypothesis (the ``test`` extra) is not installed.

    Examples
    --------
    A planted sign error in kappa*(d_t) = -W e^{-1/W} / d_t, W = W_0(-1/d_t):

    >>> import mpmath as mp
    >>> def theirs(dt):
    ...     w = mp.lambertw(-1 / mp.mpf(dt)).real
    ...     return -w * mp.exp(+1 / w) / dt          # sign error in the exponent
    >>> d = find_disagreement(theirs, "kappa_star", max_examples=30, dps=20)
    >>> d.found, d.minimal["params"]["dt"]
    (True, 2.8)
    >>> d.minimal["rel_diff"] > 0.1
    True
    """
    try:
        from hypothesis import HealthCheck, Phase, given, settings, target
        from hypothesis import seed as hseed
    except ImportError as exc:  # pragma: no cover - hypothesis is in the test extra
        raise ImportError("find_disagreement needs Hypothesis: pip install 'infoscaling[test]'") from exc

    strategy = default_strategy(quantity) if strategy is None else strategy
    if adapter is None:
        def adapter(params):
            return {k: v for k, v in params.items() if k != "spec"}
    state = {"worst": None, "last_fail": None, "n": 0}

    def compare(params):
        args = adapter(params)
        with mp.workdps(dps + 10):
            ours = our_value(quantity, dict(params), dps)
            th = their_fn(**args) if isinstance(args, dict) else their_fn(*args)
            if ours is None or th is None:
                rd = 0.0 if ours is None and th is None else math.inf
            else:
                rd = _rel(mp.mpf(th), ours)
            rec = {"params": dict(params), "theirs": None if th is None else mp.nstr(mp.mpf(th), 17),
                   "ours": None if ours is None else fmt(ours, dps), "rel_diff": rd}
        return rd, rec

    @hseed(seed)
    @settings(max_examples=max_examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck),
              phases=[Phase.explicit, Phase.generate, Phase.target, Phase.shrink])
    @given(strategy)
    def search(params):
        rd, rec = compare(params)
        state["n"] += 1
        if state["worst"] is None or rd > state["worst"]["rel_diff"]:
            state["worst"] = rec
        target(min(rd, 1e300), label="relative difference")
        if rd > rtol:
            state["last_fail"] = rec
            raise AssertionError(f"relative difference {rd:.3g} > {rtol:g} at {params}")

    found = False
    try:
        search()
    except AssertionError:
        found = True
    return Disagreement(found, state["last_fail"] if found else None, state["worst"], state["n"],
                        rtol, quantity)
