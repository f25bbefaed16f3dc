"""The comparison engine: one row against our value, the summary, and the file entry point."""

from __future__ import annotations

import functools
import time

import mpmath as mp

from .. import validate
from ..precision import fmt
from ..reference import rel_diff as _rel
from .quantities import UNVERIFIED, Quantity, RowError, entry, number
from .reading import REQUIRED, read_file, read_table

__all__ = ["crosscheck_rows", "crosscheck_file", "check_budget", "failed", "PRECISION_BAND", "DIAG_RTOL",
           "DEFAULT_BUDGET", "MAX_BUDGET"]

#: Relative differences in this range are binary floating-point rounding.
PRECISION_BAND = (1e-20, 5e-15)
#: Relative tolerance used to recognise a known fault (the faulty value is itself float64; see _explains).
DIAG_RTOL = 1e-6
#: Default wall-time budget of one crosscheck (seconds), and the largest accepted.
DEFAULT_BUDGET = 3600.0
MAX_BUDGET = 1e6
_NONE_VALUES = ("none", "null")
_SCALARS = (str, int, float, type(None))


def _rounded_as_given(value, ours) -> int | None:
    """Number of significant digits of ``value`` when it is ``ours`` correctly rounded to them.

    Examples
    --------
    >>> import mpmath as mp
    >>> _rounded_as_given("0.7968", mp.mpf("0.796812130020020046"))
    4
    >>> _rounded_as_given("0.7969", mp.mpf("0.796812130020020046")) is None
    True
    """
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    mant = text.split("e")[0].lstrip("+-")
    digits = len(mant.replace(".", "").lstrip("0"))
    if digits == 0 or digits > 40:
        return None
    try:
        theirs = mp.mpf(text)
    except (ValueError, TypeError):
        return None
    if theirs == 0 or ours == 0 or not mp.isfinite(theirs):
        return None
    with mp.workdps(digits + 30):
        ulp = mp.mpf(10) ** (int(mp.floor(mp.log10(abs(theirs)))) - digits + 1)
        return digits if abs(mp.mpf(text) - ours) <= ulp / 2 else None


def _explains(given, theirs, candidate) -> bool:
    """Does a value recomputed the way a fault does account for ``theirs``?

    Yes when they agree within :data:`DIAG_RTOL` (a faulty implementation's
    float64 value against our emulation of it), or when ``theirs`` is the
    candidate correctly rounded to the significant digits given (a value quoted
    to a few digits).  A value given to one or two digits is thus explained only
    by a candidate that rounds to it, never by anything within 100 %.

    Examples
    --------
    >>> import mpmath as mp
    >>> _explains("0.9385", mp.mpf("0.9385"), mp.mpf("0.93853238"))
    True
    >>> _explains("0.1", mp.mpf("0.1"), mp.mpf("0.0146"))
    False
    """
    if candidate is None or not mp.isfinite(candidate):
        return False
    return _rel(theirs, candidate) <= DIAG_RTOL or _rounded_as_given(given, candidate) is not None


def _parse_theirs(value):
    if value is None:
        raise RowError("value: missing", "value")
    if isinstance(value, str) and value.strip().lower() in _NONE_VALUES:
        return None
    if isinstance(value, str) and not value.strip():
        raise RowError("value: empty", "value")
    return number(value, "value")


def _compare(q: Quantity, args: tuple, row: dict, theirs, ours, rtol: float, dps: int) -> dict:
    def diagnose():
        return q.diagnose(*args, theirs, ours, dps, functools.partial(_explains, row.get("value"), theirs))

    if ours is None and theirs is None:
        return {"ours": None, "rel_diff": 0.0, "agree": True, "note": None}
    if ours is None:
        note = diagnose() or "no such value here (e.g. no sharp threshold: eps(x) is monotone)"
        return {"ours": None, "rel_diff": None, "agree": False, "note": note}
    ours_s = fmt(ours, min(dps, q.digits or dps))
    if theirs is None:
        return {"ours": ours_s, "rel_diff": None, "agree": False,
                "note": "they report no value where this system finds one"}
    rd = _rel(theirs, ours)
    agree = rd <= rtol
    note = None
    given = _rounded_as_given(row.get("value"), ours)
    if not agree and given:
        agree = True
        note = (f"agrees to the {given} significant digits given (their value is ours correctly "
                "rounded; --rtol applies to values given to more digits)")
    elif PRECISION_BAND[0] <= rd <= PRECISION_BAND[1]:
        note = (f"float64/float128 precision (relative difference {rd:.1e} is binary "
                "floating-point rounding)")
    elif not agree:
        note = diagnose()
    return {"ours": ours_s, "rel_diff": rd, "agree": agree, "note": note}


def _echo(value):
    """A field as echoed in the output (scalars as given)."""
    return value if isinstance(value, _SCALARS) and not isinstance(value, bool) else repr(value)[:80]


def _one(line: int, row: dict, rtol: float, dps: int) -> dict:
    base = {"line": line, "quantity": _echo(row.get("quantity")), "spec": _echo(row.get("spec")),
            "theirs": _echo(row.get("value")), "ours": None, "rel_diff": None, "agree": None, "note": None}
    try:
        if "__error__" in row:
            raise RowError(row["__error__"])
        odd = [k for k, v in row.items() if not isinstance(v, _SCALARS) or isinstance(v, bool)]
        if odd:
            raise RowError(f"column {str(odd[0])[:40]!r}: expected a string or a number", str(odd[0]))
        # spec may be empty when the parameters are in columns (kappa_star: dt; tail: M, p, eta)
        missing = [c for c in REQUIRED if c not in row or row[c] is None
                   or (c != "spec" and str(row[c]).strip() == "")]
        if missing:
            raise RowError(f"missing column(s): {', '.join(missing)}", missing[0])
        q = entry(row["quantity"])
        with mp.workdps(dps + 10):
            theirs = _parse_theirs(row["value"])
            args = q.parse(row)
            ours = q.ours(*args, dps)
            base.update(_compare(q, args, row, theirs, ours, rtol, dps))
    except UNVERIFIED as exc:   # our value could not be established: reported, never agreement
        base["error"] = f"could not verify our value: {' '.join(str(exc).split())}"
        base["unverified"] = True
    except ValueError as exc:    # bad input (InputError, RowError, a parser's ValueError): this row only
        base["error"] = " ".join(str(exc).split())
    return base


def check_budget(budget) -> float:
    """``--budget``: wall-time seconds for the whole file, a number in (0, MAX_BUDGET] (None: the default)."""
    if budget is None:
        return DEFAULT_BUDGET
    return float(validate.number(budget, "--budget", lo=0, hi=MAX_BUDGET, lo_open=True,
                                 allowed=f"a number of seconds in (0, {MAX_BUDGET:g}]"))


def crosscheck_rows(rows, rtol=1e-9, dps=30, budget=None) -> dict:
    """Compare rows (dicts, or ``(line, dict)`` pairs) with this system's values.

    Parameters
    ----------
    rows : iterable
        Dicts with ``quantity``, ``spec``, ``value`` and parameter keys, or
        ``(line, dict)`` pairs from :func:`read_table`.
    rtol : float or str
        Relative tolerance for agreement (a finite number >= 0).
    dps : int or str
        Digits of our recomputation (:func:`numeric.validate.dps`).
    budget : float or str, optional
        Wall-time seconds for all rows (default :data:`DEFAULT_BUDGET`).  Once it
        is spent, the remaining rows are not computed: each is reported with
        ``error`` "not checked" and counted as ``unchecked`` (never as agreement).
        A row already started finishes (each row is bounded by its quantity's
        own domain and cost limits).

    Returns
    -------
    dict
        ``rows``: ``{line, quantity, spec, theirs, ours, rel_diff, agree, note}``
        (plus ``error`` for rows that are malformed, whose value could not be
        verified, or that were not checked; their ``agree`` is None);
        ``summary``: ``{rows, agree, disagree, malformed, unverified, unchecked,
        rtol, dps, budget, notes}``.

    Raises
    ------
    InputError
        ``--rtol``, ``--dps`` or ``--budget`` out of their domains (named).
    """
    dps = validate.dps(dps, "--dps")
    rtol = float(validate.number(rtol, "--rtol", lo=0))
    budget = check_budget(budget)
    start = time.monotonic()
    out = []
    for i, item in enumerate(rows, 1):
        line, row = item if isinstance(item, tuple) else (i, item)
        row = row if isinstance(row, dict) else {"__error__": "expected an object"}
        if time.monotonic() - start > budget:
            out.append(_unchecked(line, row, budget))
            continue
        out.append(_one(line, row, rtol, dps))
    notes: dict[str, int] = {}
    for r in out:
        if r["note"]:
            key = r["note"].split(" (")[0].split(";")[0]
            notes[key] = notes.get(key, 0) + 1
    summary = {
        "rows": len(out),
        "agree": sum(1 for r in out if r["agree"] is True),
        "disagree": sum(1 for r in out if r["agree"] is False),
        "malformed": sum(1 for r in out if "error" in r and not (r.get("unverified") or r.get("unchecked"))),
        "unverified": sum(1 for r in out if r.get("unverified")),
        "unchecked": sum(1 for r in out if r.get("unchecked")),
        "rtol": rtol,
        "dps": dps,
        "budget": budget,
        "notes": notes,
    }
    return {"rows": out, "summary": summary}


def _unchecked(line: int, row: dict, budget: float) -> dict:
    return {"line": line, "quantity": _echo(row.get("quantity")), "spec": _echo(row.get("spec")),
            "theirs": _echo(row.get("value")), "ours": None, "rel_diff": None, "agree": None, "note": None,
            "error": f"not checked: the time budget of {budget:g} s (--budget) was spent on earlier rows",
            "unchecked": True}


def failed(summary: dict) -> bool:
    """Whether a crosscheck did not fully agree (the CLI's exit 1)."""
    return bool(summary["disagree"] or summary["malformed"] or summary["unverified"] or summary["unchecked"])


def crosscheck_file(path: str, rtol=1e-9, dps=30, budget=None) -> dict:
    """:func:`crosscheck_rows` on a CSV / JSON file (``-`` reads standard input); limits in the module notes.

    The options are checked before the file is read.
    """
    dps = validate.dps(dps, "--dps")
    rtol = float(validate.number(rtol, "--rtol", lo=0))
    budget = check_budget(budget)
    out = crosscheck_rows(read_table(read_file(path)), rtol, dps, budget)
    out["file"] = path
    return out
