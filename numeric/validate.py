"""The one place where arguments are checked: domains, exact parsing and cost limits.

Every command-line option and every public simulator argument goes through a
function of this module, which returns the value in its exact type or raises
:class:`~infoscaling.numeric.errors.InputError` (outside the domain) or
:class:`~infoscaling.numeric.errors.LimitError` (inside the domain but beyond
the cost model of a 2-core, 24 GiB machine), with a message naming the
argument, the value and what is allowed.  The module imports nothing heavy
(no NumPy, mpmath or SymPy): it sits on every command's start-up path.

Parsing rules
-------------
* **Integers** are never routed through a float: ``"9007199254740993"`` stays
  exact; ``"1e6"``, ``"2.0"`` and ``"1.5e3"`` are accepted when they are
  *exactly* integral (parsed with :class:`decimal.Decimal`); strings of more
  than :data:`MAX_INT_DIGITS` digits are refused naming the argument (Python's
  own int-conversion limit would otherwise answer), and so is any magnitude
  beyond the largest float (``1e999``), as for every other number.
* **Numbers** are kept exact as :class:`fractions.Fraction` (``"0.42"`` is
  21/50, ``"1/3"`` is 1/3).  NaN, infinities and anything whose magnitude a
  float cannot hold (``1e999``) are refused alike, as are exponents beyond
  :data:`MAX_EXPONENT` in magnitude (``1e-999999999`` would take an unbounded
  time to expand) and strings longer than :data:`MAX_TEXT`.

Domains and limits
------------------
=================  ==========================================  =====================================
argument           domain                                      limit (LimitError beyond)
=================  ==========================================  =====================================
``--eps``          rational in (0, 1) (and 0 < float < 1)
``--confidence``   number in [0.5, 1 - 1e-12]
``--dps``          integer in [DPS_MIN, DPS_MAX] = [1, 1000]
``--seed``         integer in [0, 2**256)                      (None: drawn from OS entropy, echoed)
``--trials``       integer >= 1                                <= MAX_TRIALS = 10**7, and the work
                                                               budget below
``--workers``      integer >= 1                                <= MAX_WORKERS = 64
``--points``       integer >= 1                                ``points x cost(dps)`` <= SWEEP_SECONDS
``--n``            integer >= 1 (giant: >= 2)                  one graph's memory <= GRAPH_BYTES
=================  ==========================================  =====================================

Cost models (measured on the project's 2-core machine, see ``benchmarks/``):

* **memory of one simulated graph**: peeling ``40 B x edges + 40 B x nodes``
  (measured peak 113 MiB for (3,6) at n = 1e6, model 172 MiB; 226 MiB for
  poisson:27/poisson:12 at n = 2e5, model 231 MiB), giant ``32 B x stubs +
  48 B x nodes`` with stubs = ``n x`` mean degree (measured 1109 MiB for
  G(n, 40/n) at n = 1e6, the costliest sampler per stub, model 1266 MiB).  One
  graph may use at most :data:`GRAPH_BYTES` (4 GiB), all workers together
  :data:`TOTAL_BYTES` (16 GiB);
* **time of a campaign**: ``trials x (edges + nodes + 1000)`` elementary steps
  (the 1000 covers the measured ~150 us per-trial overhead) at most
  :data:`SIM_WORK` = 1.8e10: about one hour on 2 cores at the slowest measured
  rate (2.5e6 steps per second per core, bipartite projections; G(n, p) and the
  configuration model run at 4-5e6, peeling at 0.5-1e7);
* **sweep**: ``points x 0.05 s x max(1, dps/20)**2`` at most
  :data:`SWEEP_SECONDS` = 1800 s (the measured 13-40 ms per point at 20 digits,
  with a margin; the high-precision stage grows about quadratically with the
  digits).

Limits inside ensemble and law strings (degrees, ``R``, binomial ``N``, poly
lengths) are parameter domains of :mod:`infoscaling.derivations.specs`
(purpose-independent) plus the cost checks of this module for each purpose
(:func:`simulation_work`, :func:`peeling_memory`, :func:`giant_memory`).

Examples
--------
>>> integer("9007199254740993", "--seed")
9007199254740993
>>> integer("1e6", "--n")
1000000
>>> probability("0.42", "--eps")
Fraction(21, 50)
>>> integer("1.5", "--n")
Traceback (most recent call last):
...
infoscaling.numeric.errors.InputError: --n: got '1.5'; allowed: an integer
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from .errors import InputError, LimitError, input_error

__all__ = [
    "integer",
    "number",
    "probability",
    "confidence",
    "dps",
    "seed",
    "trials",
    "workers",
    "points",
    "sweep_points",
    "simulation_work",
    "memory",
    "from_spec_error",
    "poly_terms",
    "SCALING_PARAMS_TERMS",
    "MAX_INT_DIGITS",
    "MAX_EXPONENT",
    "MAX_TEXT",
    "DPS_MIN",
    "DPS_MAX",
    "MAX_SEED_BITS",
    "MAX_TRIALS",
    "MAX_WORKERS",
    "GRAPH_BYTES",
    "TOTAL_BYTES",
    "WORKER_BYTES",
    "SIM_WORK",
    "SWEEP_SECONDS",
    "SWEEP_POINT_SECONDS",
]

#: Longest integer string accepted (Python's own int/str conversion limit is 4300 digits).
MAX_INT_DIGITS = 4300
#: Largest |decimal exponent| accepted in a number string (beyond it expansion is unbounded work).
MAX_EXPONENT = 1000
#: Longest numeric argument string accepted.
MAX_TEXT = 10_000
#: Documented precision range of ``--dps`` (significant decimal digits).
DPS_MIN, DPS_MAX = 1, 1000
#: Seeds are integers in [0, 2**MAX_SEED_BITS).
MAX_SEED_BITS = 256
#: Most trials of one simulation campaign.
MAX_TRIALS = 10**7
#: Most worker processes (each holds one graph in memory).
MAX_WORKERS = 64
#: Memory budget of one simulated graph instance, and of all workers together.
GRAPH_BYTES = 4 * 2**30
TOTAL_BYTES = 16 * 2**30
#: Memory of one worker process besides its graph (interpreter, NumPy, numba kernels; measured ~100 MiB).
WORKER_BYTES = 2**28
#: Work budget of one simulation campaign: trials x (edges + nodes + overhead).
SIM_WORK = 1.8e10
#: Per-trial overhead in elementary steps (task dispatch, RNG set-up).
TRIAL_OVERHEAD = 1000
#: Time budget of one sweep, and the per-point cost at 20 digits used to check it.
SWEEP_SECONDS = 1800.0
SWEEP_POINT_SECONDS = 0.05

_INT_RE = re.compile(r"[+-]?\d+")


def _text(value, argument: str) -> str:
    text = value.strip()
    if len(text) > MAX_TEXT:
        raise input_error(argument, value, f"a number of at most {MAX_TEXT} characters")
    return text


def _decimal(text: str, argument: str, value, allowed: str) -> Decimal:
    """A finite Decimal with a bounded exponent, or an InputError naming ``argument``."""
    try:
        d = Decimal(text.strip())
    except InvalidOperation:
        raise input_error(argument, value, allowed) from None
    if not d.is_finite():
        raise input_error(argument, value, allowed)
    if d != 0 and abs(d.adjusted()) > MAX_EXPONENT:
        raise input_error(argument, value, allowed + f" (decimal exponent within +-{MAX_EXPONENT})")
    return d


def _range_text(lo, hi) -> str:
    if lo is not None and hi is not None:
        return f"in [{lo}, {hi}]"
    if lo is not None:
        return f">= {lo}"
    if hi is not None:
        return f"<= {hi}"
    return ""


def integer(value, argument: str, lo: int | None = None, hi: int | None = None, *,
            limit: int | None = None, why: str = "", allowed: str | None = None) -> int:
    """An exact integer in ``[lo, hi]`` (and ``<= limit``, the cost model's bound).

    Parameters
    ----------
    value : int, str, float, Decimal or Fraction
        Integers (NumPy integers too) as they are; strings as digits or as an
        exactly integral decimal (``"1e6"``); floats and fractions only when
        integral.  Booleans are refused.
    argument : str
        Name used in the message (``"--n"``).
    lo, hi : int, optional
        Domain bounds (InputError outside).
    limit : int, optional
        Cost bound (LimitError above it); ``why`` says what it protects.
    allowed : str, optional
        The domain as the message should state it (default: from ``lo``, ``hi``).

    Examples
    --------
    >>> integer("12", "--trials", 1)
    12
    >>> integer(" 2.0e3 ", "--n")
    2000
    >>> integer(5, "--workers", 1, 4)
    Traceback (most recent call last):
    ...
    infoscaling.numeric.errors.InputError: --workers: got 5; allowed: an integer in [1, 4]
    """
    top = hi if limit is None else limit if hi is None else min(hi, limit)
    allowed = allowed or " ".join(("an integer", _range_text(lo, top))).strip()
    if isinstance(value, bool) or value is None:
        raise input_error(argument, value, allowed)
    if isinstance(value, int) or type(value).__module__ == "numpy" and hasattr(value, "__index__"):
        try:
            v = int(value.__index__()) if not isinstance(value, int) else int(value)
        except TypeError:
            raise input_error(argument, value, allowed) from None
    elif isinstance(value, float):
        if not math.isfinite(value) or value != math.floor(value):
            raise input_error(argument, value, allowed)
        v = int(value)
    elif isinstance(value, Fraction):
        if value.denominator != 1:
            raise input_error(argument, value, allowed)
        v = value.numerator
    elif isinstance(value, (str, Decimal)):
        text = _text(value, argument) if isinstance(value, str) else str(value)
        digits = text.replace("_", "")
        if _INT_RE.fullmatch(digits):
            if len(digits.lstrip("+-")) > MAX_INT_DIGITS:
                if digits.startswith("-") or hi is None and limit is None:
                    raise input_error(argument, value, allowed + f" of at most {MAX_INT_DIGITS} digits")
                cls = LimitError if limit is not None and (hi is None or hi > limit) else InputError
                raise input_error(argument, value, _limit_text(lo, hi, limit, why), cls)
            v = int(digits)
        else:
            d = _decimal(text, argument, value, allowed)
            if d != d.to_integral_value():
                raise input_error(argument, value, allowed)
            if d.adjusted() > MAX_INT_DIGITS:  # pragma: no cover - MAX_EXPONENT is smaller
                raise input_error(argument, value, allowed + f" of at most {MAX_INT_DIGITS} digits")
            v = int(d)
    else:
        raise input_error(argument, value, allowed)
    if abs(v) > _FLOAT_MAX:  # the same finiteness rule as number(): 1e999 is refused everywhere
        if limit is not None and v > 0 and (lo is None or v >= lo):
            raise input_error(argument, value, _limit_text(lo, hi, limit, why), LimitError)
        raise input_error(argument, value, allowed + " (finite: magnitude below 1.8e308)")
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise input_error(argument, value, allowed)
    if limit is not None and v > limit:
        raise input_error(argument, value, _limit_text(lo, hi, limit, why), LimitError)
    return v


def _limit_text(lo, hi, limit, why) -> str:
    top = limit if hi is None else min(hi, limit) if limit is not None else hi
    return f"an integer {_range_text(lo, top)}" + (f" ({why})" if why else "")


def number(value, argument: str, *, lo=None, hi=None, lo_open: bool = False, hi_open: bool = False,
           allowed: str | None = None) -> Fraction:
    """An exact, finite real number as a Fraction, optionally within bounds.

    Strings may be decimals (``"0.42"``, ``"1e-3"``) or fractions (``"1/3"``);
    floats are taken at their exact binary value only when finite.  NaN,
    infinities and magnitudes beyond the largest float (``1e999``) are refused
    alike.

    Examples
    --------
    >>> number("1/3", "--rtol")
    Fraction(1, 3)
    >>> number("1e999", "x")
    Traceback (most recent call last):
    ...
    infoscaling.numeric.errors.InputError: x: got '1e999'; allowed: a finite number
    """
    if allowed is None:
        parts = []
        if lo is not None:
            parts.append(f"{'>' if lo_open else '>='} {lo}")
        if hi is not None:
            parts.append(f"{'<' if hi_open else '<='} {hi}")
        allowed = "a finite number" + (" " + " and ".join(parts) if parts else "")
    if isinstance(value, bool) or value is None:
        raise input_error(argument, value, allowed)
    if isinstance(value, Fraction):
        q = value
    elif isinstance(value, int) or type(value).__module__ == "numpy" and hasattr(value, "__index__"):
        q = Fraction(int(value))
    elif isinstance(value, float) or type(value).__module__ == "numpy" and hasattr(value, "__float__"):
        f = float(value)
        if not math.isfinite(f):
            raise input_error(argument, value, allowed)
        q = Fraction(f)
    elif isinstance(value, (str, Decimal)):
        text = _text(value, argument) if isinstance(value, str) else str(value)
        if "/" in text:
            num, _, den = text.partition("/")
            a = _decimal(num, argument, value, allowed)
            b = _decimal(den, argument, value, allowed)
            if b == 0:
                raise input_error(argument, value, allowed + " (nonzero denominator)")
            q = Fraction(a) / Fraction(b)
        else:
            q = Fraction(_decimal(text, argument, value, allowed))
    else:
        raise input_error(argument, value, allowed)
    if abs(q) > _FLOAT_MAX:
        raise input_error(argument, value, allowed)
    if lo is not None and (q < lo or (lo_open and q == lo)):
        raise input_error(argument, value, allowed)
    if hi is not None and (q > hi or (hi_open and q == hi)):
        raise input_error(argument, value, allowed)
    return q


_FLOAT_MAX = Fraction(1.7976931348623157e308)


def probability(value, argument: str = "--eps") -> Fraction:
    """An exact probability in the open interval (0, 1), also representable as a float in (0, 1).

    Examples
    --------
    >>> probability("1/3")
    Fraction(1, 3)
    >>> probability(0.5, "eps")
    Fraction(1, 2)
    >>> probability("nan")
    Traceback (most recent call last):
    ...
    infoscaling.numeric.errors.InputError: --eps: got 'nan'; allowed: a number in (0, 1)
    """
    q = number(value, argument, lo=0, hi=1, lo_open=True, hi_open=True, allowed="a number in (0, 1)")
    if not 0.0 < float(q) < 1.0:
        raise input_error(argument, value, "a number in (0, 1) whose double is neither 0 nor 1")
    return q


#: Confidence levels accepted (below 1/2 an interval is meaningless; above, the quantiles lose digits).
CONFIDENCE_RANGE = (0.5, 1 - 1e-12)


def confidence(value, argument: str = "--confidence") -> float:
    """A confidence level in [0.5, 1 - 1e-12], as a float.

    Examples
    --------
    >>> confidence("0.99")
    0.99
    >>> confidence(1)
    Traceback (most recent call last):
    ...
    infoscaling.numeric.errors.InputError: --confidence: got 1; allowed: a number in [0.5, 1 - 1e-12]
    """
    q = number(value, argument, allowed="a number in [0.5, 1 - 1e-12]")
    f = float(q)
    if not CONFIDENCE_RANGE[0] <= f <= CONFIDENCE_RANGE[1]:
        raise input_error(argument, value, "a number in [0.5, 1 - 1e-12]")
    return f


def dps(value, argument: str = "--dps", lo: int = DPS_MIN, hi: int = DPS_MAX) -> int:
    """Significant decimal digits, an integer in ``[lo, hi]`` (default [1, 1000]).

    Examples
    --------
    >>> dps("30")
    30
    >>> dps("1" * 5000)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    infoscaling.numeric.errors.LimitError: --dps: got '111...; allowed: an integer in [1, 1000] (...)
    """
    return integer(value, argument, lo, None, limit=hi,
                   why="the documented precision range; run time grows with the digits")


def seed(value, argument: str = "--seed") -> int | None:
    """A root seed: None (fresh OS entropy, echoed by the simulators) or an integer in [0, 2**256).

    Examples
    --------
    >>> seed("9007199254740993")
    9007199254740993
    >>> seed(None) is None
    True
    """
    if value is None:
        return None
    return integer(value, argument, 0, 2**MAX_SEED_BITS - 1, allowed=f"an integer in [0, 2**{MAX_SEED_BITS})")


def trials(value, argument: str = "--trials") -> int:
    """Number of independent trials: an integer in [1, MAX_TRIALS] (see also :func:`simulation_work`)."""
    return integer(value, argument, 1, None, limit=MAX_TRIALS,
                   why="the campaign size limit; split larger campaigns")


def workers(value, argument: str = "--workers") -> int | None:
    """Worker processes: None (automatic) or an integer in [1, MAX_WORKERS]."""
    if value is None:
        return None
    return integer(value, argument, 1, None, limit=MAX_WORKERS,
                   why="each worker holds one graph in memory")


def points(value, argument: str = "--points") -> int:
    """Number of sweep points, an integer >= 1 (the time limit is :func:`sweep_points`)."""
    return integer(value, argument, 1)


def sweep_points(value, digits: int, argument: str = "--points") -> int:
    """Sweep points checked against the sweep's time budget at ``digits`` significant digits.

    The cost model is ``SWEEP_POINT_SECONDS x max(1, digits/20)**2`` per point
    (module notes); the budget is :data:`SWEEP_SECONDS`.

    Examples
    --------
    >>> sweep_points("200", 20)
    200
    >>> sweep_points("100000", 20)
    Traceback (most recent call last):
    ...
    infoscaling.numeric.errors.LimitError: --points: got '100000'; allowed: an integer in [1, 36000] (a sweep at 20 digits may take at most 1800 s at about 0.05 s per point)
    """
    per_point = SWEEP_POINT_SECONDS * max(1.0, digits / 20.0) ** 2
    top = max(1, int(SWEEP_SECONDS / per_point))
    return integer(value, argument, 1, None, limit=top,
                   why=f"a sweep at {digits} digits may take at most {SWEEP_SECONDS:g} s "
                       f"at about {per_point:.3g} s per point")


def memory(bytes_needed: float, argument: str, what: str, workers_: int = 1) -> None:
    """Refuse (LimitError) one graph above GRAPH_BYTES, or all workers above TOTAL_BYTES.

    Each worker process also costs :data:`WORKER_BYTES` (interpreter, NumPy,
    compiled kernels) on top of its graph.  The per-graph limit names
    ``argument``; the total names ``--workers``.

    Examples
    --------
    >>> memory(2**30, "--n", "one graph")
    >>> memory(5 * 2**30, "--n", "one graph")
    Traceback (most recent call last):
    ...
    infoscaling.numeric.errors.LimitError: --n: one graph would need about 5 GiB of memory; limit 4 GiB per graph
    >>> memory(2**30, "--n", "one graph", 16)
    Traceback (most recent call last):
    ...
    infoscaling.numeric.errors.LimitError: --workers: 16 workers with one graph each would need about 20 GiB of memory; limit 16 GiB for all workers
    """
    if bytes_needed > GRAPH_BYTES:
        raise LimitError(f"{argument}: {what} would need about {bytes_needed / 2**30:.3g} GiB of memory; "
                         f"limit {GRAPH_BYTES / 2**30:.0f} GiB per graph", argument)
    w = max(1, int(workers_))
    total = w * (bytes_needed + WORKER_BYTES) if w > 1 else bytes_needed
    if total > TOTAL_BYTES:
        raise LimitError(f"--workers: {w} workers with one graph each would need about {total / 2**30:.3g} GiB "
                         f"of memory; limit {TOTAL_BYTES / 2**30:.0f} GiB for all workers", "--workers")


def simulation_work(trials_: int, steps_per_trial: float, argument: str = "--trials") -> None:
    """Refuse a campaign whose ``trials x (steps + overhead)`` exceeds :data:`SIM_WORK`.

    Examples
    --------
    >>> simulation_work(10, 3e6)
    >>> simulation_work(10**7, 3e5)
    Traceback (most recent call last):
    ...
    infoscaling.numeric.errors.LimitError: --trials: got 10000000; allowed: at most 59800 trials of 3.01e+05 steps each (work budget 1.8e+10 steps, about one hour on 2 cores)
    """
    per = float(steps_per_trial) + TRIAL_OVERHEAD
    if trials_ * per > SIM_WORK:
        top = int(SIM_WORK // per)
        raise input_error(argument, trials_,
                          f"at most {top} trials of {per:.3g} steps each (work budget {SIM_WORK:g} steps, "
                          f"about one hour on 2 cores)", LimitError)


#: Most nonzero poly coefficients (both sides) for scaling-params: measured 6 terms 7.8 s CPU,
#: 12 terms > 35 s CPU (symbolic derivatives of the composed law dominate); threshold and
#: other exact work: derivations.ensemble.MAX_EXACT_TERMS.
SCALING_PARAMS_TERMS = 8


def poly_terms(ensemble, limit: int, argument: str = "ENSEMBLE", what: str = "this computation") -> None:
    """Refuse (LimitError) an ensemble string whose poly sides have more than ``limit`` nonzero terms.

    Non-string ensembles (already built objects) are left to their builder's checks.

    Examples
    --------
    >>> poly_terms("poly:0,1/2,1/2/regular:6", 8)
    >>> poly_terms("regular:3/poly:" + ",".join(["1/10"] * 10), 8, what="scaling-params")
    Traceback (most recent call last):
    ...
    infoscaling.numeric.errors.LimitError: ENSEMBLE: 10 nonzero poly coefficients; scaling-params is limited to 8 (its cost grows faster than linearly with the terms)
    """
    if not isinstance(ensemble, str):
        return
    from infoscaling.derivations.specs import EnsembleSpec, SpecError, parse_ensemble_spec

    try:
        spec = parse_ensemble_spec(ensemble, argument)
    except SpecError as exc:
        raise from_spec_error(exc, argument) from None
    if isinstance(spec, EnsembleSpec):
        terms = sum(side.terms for side in (spec.var, spec.check) if side.family == "poly")
        if terms > limit:
            raise LimitError(f"{argument}: {terms} nonzero poly coefficients; {what} is limited to {limit} "
                             "(its cost grows faster than linearly with the terms)", argument)


def from_spec_error(exc: ValueError, argument: str) -> InputError:
    """Turn a parse error of :mod:`infoscaling.derivations.specs` into InputError/LimitError."""
    cls = LimitError if getattr(exc, "limit", False) else InputError
    msg = str(exc)
    if not msg.startswith(argument):
        msg = f"{argument}: {msg}"
    return cls(msg, argument)
