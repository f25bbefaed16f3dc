"""Run a set of claims, serially or in parallel, each within a time budget.

:func:`run_claims` is what ``infoscaling verify`` calls.  With ``workers=1``
the claims run one after another in this process; the budget is enforced with
``SIGALRM`` (interrupting Python code; a claim stuck inside compiled code is
stopped when it returns to Python) and, in any case, a claim that finishes past
its budget is reported ``timeout``.  With ``workers > 1`` the claims run in that
many forked worker processes, one claim after another in each
(:class:`~infoscaling.numeric.timed_executor.TimedProcessEngine`), the longest
claims first; a worker past a claim's budget is killed with the processes it
started, and replaced.  "Longest" is the time the claim took in the last run
of the same profile on this machine, kept in the user's cache folder
(:func:`recorded_seconds`), or else the profile's entry of
:data:`~infoscaling.numeric.claims.EXPECTED_SECONDS`.  The results come back in the
order of the claims given, with the same verdicts and evidence whatever the
number of workers (only the timings differ).

Examples
--------
>>> from infoscaling.numeric.claims import Claim, Evidence
>>> ok = Claim("X1", "an example", "test", "", lambda p: [Evidence("numeric", "1 = 1", True)])
>>> [r.verdict for r in run_claims([ok, ok], "quick", workers=2)]
['confirmed', 'confirmed']
"""

from __future__ import annotations

import json
import math
import signal
import threading
import time
from collections.abc import Callable

from ..executor import WORKERS_ENV
from ..io import atomic_write, cache_base
from ..timed_executor import TimedProcessEngine, fork_available
from . import BUDGETS, EXPECTED_SECONDS, Claim, ClaimResult, ClaimTimeout, run_claim

__all__ = ["run_claims", "expected_seconds", "recorded_seconds", "record_seconds"]

#: File of the cache folder holding the claims' measured times (scheduling hints only).
TIMES_FILE = "verify-seconds.json"
#: Format version of :data:`TIMES_FILE`; another version is ignored (and replaced).
TIMES_VERSION = 1


def _times_path():
    base = cache_base()
    return None if base is None else base / TIMES_FILE


def _read_times() -> dict:
    path = _times_path()
    if path is None:
        return {}
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) and doc.get("version") == TIMES_VERSION else {}


def recorded_seconds(profile: str) -> dict[str, float]:
    """Claim id -> seconds it took in the last run of ``profile`` here (empty when unknown).

    Read from :data:`TIMES_FILE` in the cache folder; anything unreadable or
    malformed counts as "no record".  Only the order in which claims start
    depends on it, never a verdict or the report.
    """
    times = _read_times().get(profile)
    if not isinstance(times, dict):
        return {}
    return {k: float(v) for k, v in times.items()
            if isinstance(k, str) and isinstance(v, (int, float)) and not isinstance(v, bool)
            and math.isfinite(v) and v >= 0}


def record_seconds(profile: str, results: list[ClaimResult]) -> None:
    """Remember the times of the claims that finished (not ``error``/``timeout``) for later scheduling.

    Merged into :data:`TIMES_FILE` and written atomically; a cache that cannot
    be written is skipped silently (it is a hint).
    """
    path = _times_path()
    if path is None:
        return
    finished = {r.id: round(r.seconds, 3) for r in results
                if r.verdict not in ("error", "timeout") and math.isfinite(r.seconds) and r.seconds >= 0}
    if not finished:
        return
    doc = _read_times() or {"version": TIMES_VERSION}
    times = doc.get(profile) if isinstance(doc.get(profile), dict) else {}
    doc[profile] = {**times, **finished}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps(doc, sort_keys=True) + "\n")
    except (OSError, ValueError):  # an unwritable cache (InputError is a ValueError): no hint kept
        pass


def expected_seconds(claim: Claim, profile: str = "quick", recorded: dict | None = None) -> float:
    """The scheduling estimate of a claim's run time (seconds): recorded here, else the table."""
    if recorded and claim.id in recorded:
        return recorded[claim.id]
    table = EXPECTED_SECONDS[profile]
    return table.get(claim.id, table["*"])


def _timeout_result(claim: Claim, budget: float, seconds: float) -> ClaimResult:
    return ClaimResult(claim.id, claim.title, claim.source, "timeout", [], seconds,
                       f"no result within the budget of {budget:g} s", claim.expect_refuted,
                       claim.statement_latex)


def _error_result(claim: Claim, reason: str, seconds: float) -> ClaimResult:
    return ClaimResult(claim.id, claim.title, claim.source, "error", [], seconds, reason,
                       claim.expect_refuted, claim.statement_latex)


def _alarm(signum, frame):
    raise ClaimTimeout()


def _run_one_in_process(claim: Claim, profile: str, budget: float) -> ClaimResult:
    """One claim in this process, interrupted by SIGALRM when it runs past ``budget``."""
    use_alarm = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    t0 = time.perf_counter()
    previous, outer = None, (0.0, 0.0)
    if use_alarm:
        previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        if use_alarm:
            outer = signal.setitimer(signal.ITIMER_REAL, budget)
        result = run_claim(claim, profile)
    except ClaimTimeout:
        return _timeout_result(claim, budget, time.perf_counter() - t0)
    finally:
        if use_alarm:  # restore the caller's handler and what is left of its timer
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
            if outer[0] > 0:
                left = outer[0] - (time.perf_counter() - t0)
                signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), outer[1])
    if result.seconds > budget:  # finished, but past its budget (the alarm could not interrupt it)
        return _timeout_result(claim, budget, result.seconds)
    return result


def run_claims(claims: list[Claim], profile: str, *, workers: int = 1, budget: float | None = None,
               on_start: Callable[[Claim], None] | None = None,
               on_done: Callable[[Claim, ClaimResult], None] | None = None) -> list[ClaimResult]:
    """Verdicts of ``claims`` in their order.

    Parameters
    ----------
    claims : list of Claim
    profile : {"quick", "full"}
    workers : int
        1 runs in this process; more runs that many claims at once in worker processes.
    budget : float, optional
        Wall-time budget of one claim in seconds (default :data:`BUDGETS` of the profile).
    on_start, on_done : callable, optional
        Progress hooks: ``on_start(claim)``, ``on_done(claim, result)``.

    Returns
    -------
    list of ClaimResult
        With verdict ``timeout`` for a claim past its budget and ``error`` for one whose
        evidence raised (or whose worker died).
    """
    budget = BUDGETS[profile] if budget is None else float(budget)
    if not budget > 0:
        raise ValueError(f"budget must be positive, got {budget!r}")
    if workers == 1 or len(claims) <= 1 or not fork_available():
        out = []
        for c in claims:
            if on_start is not None:
                on_start(c)
            r = _run_one_in_process(c, profile, budget)
            if on_done is not None:
                on_done(c, r)
            out.append(r)
        record_seconds(profile, out)
        return out

    def convert(claim, outcome) -> ClaimResult:
        if outcome.status == "ok":
            return outcome.value
        if outcome.status == "timeout":
            return _timeout_result(claim, budget, outcome.seconds)
        return _error_result(claim, f"worker failed: {outcome.error}", outcome.seconds)

    done = None if on_done is None else (lambda c, o: on_done(c, convert(c, o)))
    recorded = recorded_seconds(profile)
    # the claims already keep `workers` cores busy: a claim's own simulations run in its worker
    # (a nested pool per claim would put 2 * workers processes on the cores)
    engine = TimedProcessEngine(workers, budget, priority=lambda c: expected_seconds(c, profile, recorded),
                                on_start=on_start, on_done=done, env={WORKERS_ENV: "1"})
    outcomes = engine.map(lambda c: run_claim(c, profile), claims)
    results = [convert(c, o) for c, o in zip(claims, outcomes)]
    record_seconds(profile, results)
    return results
