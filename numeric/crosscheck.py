"""Cross-check another implementation's numbers against this system's.

Two entry points:

* :func:`crosscheck_rows` (behind ``infoscaling crosscheck FILE``) reads rows
  ``quantity,spec,value`` plus optional parameter columns (``eps``, ``dt``,
  ``compute``, ``kind``, ``M``, ``p``, ``eta``, ...) from CSV (read with the
  :mod:`csv` module: ensemble strings contain commas and are quoted) or from a
  JSON list of objects, recomputes every quantity at high precision and reports,
  per row, ``{line, quantity, spec, theirs, ours, rel_diff, agree, note}``.
  When a row disagrees, the ``note`` names the known cause that explains it
  (MODEL.md section 6), found by recomputing the quantity *the way the faulty
  implementation does* and comparing again:

  - ``threshold restricted to x >= 0.1``: the minimum of eps(x) over
    [0.1, 1] only (hides the error floor; an artefact threshold when there is
    no jump);
  - ``alpha computed with sign variant``: the reference's alpha with three
    sign errors (:func:`derivations.amru.alpha_squared_reference`);
  - ``beta shift dropped``: a beta/Omega of 0, or an optimum computed without
    the n^{-2/3} shift of the scaling law;
  - ``optimum on the search-window edge`` / ``optimum restricted to the search
    window``: the optimum over R in [0.2, 0.6] sqrt(C') only;
  - ``Chernoff bound base mismatch`` (quantity ``tail``): KL divergence in
    log base 2 exponentiated in base e;
  - ``trivial root u = 1`` (quantity ``giant``): the fixed point u = 1 of
    u = G_1(u) instead of the smallest root;
  - ``lower fold (W_{-1})`` (quantity ``kappa_star``): the wrong Lambert branch;
  - ``float64/float128 precision``: a relative difference of about 1e-19..1e-15
    is binary floating-point rounding, not a modelling difference.

* :func:`find_disagreement`: for another implementation's *callable*, let
  Hypothesis search the parameter space for the largest relative disagreement
  (guided by :func:`hypothesis.target`), shrink the first failing case to a
  minimal one and report it.

Quantities and the parameters they read
---------------------------------------
========================  ==================================================
``threshold``             ``spec`` = ensemble (CLI.md); optional ``kind`` bp|map
``alpha``                 ``spec`` = ensemble; AMRU alpha at the BP critical point
``beta_over_omega``       ``spec`` = ensemble
``nu``                    ``spec`` = ensemble; nu* = eps* L(y*)
``giant``                 ``spec`` = degree law (``poisson:2``...); the giant fraction S
``kappa_star``            ``dt`` (column, or ``dt=..`` / concept-text ``spec``)
``optimum_R``             ``dt``, ``eps``, ``compute`` (C' = R T), from columns or a
                          concept-text / ``dt=..,eps=..`` spec
``tail``                  ``M``, ``p``, ``eta``: P(X >= eta), X ~ Bin(M, p) (extra)
========================  ==================================================

Examples
--------
>>> rows = [{"quantity": "alpha", "spec": "regular:3/regular:6", "value": "0.9385"},
...         {"quantity": "threshold", "spec": "regular:3/regular:6", "value": "0.4294398144"}]
>>> out = crosscheck_rows(rows, rtol=1e-6, dps=20)
>>> [(r["line"], r["agree"], r["note"]) for r in out["rows"]]
[(1, False, 'alpha computed with sign variant (reference alpha = 0.93853238...)'), (2, True, None)]
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
import sys
from dataclasses import dataclass, field

import mpmath as mp
import sympy as sp
from infoscaling.derivations.degree import exact
from infoscaling.derivations.ensemble import Ensemble, parse_ensemble

from . import reference
from .precision import check_dps, fmt
from .reference import WINDOW
from .reference import rel_diff as _rel

__all__ = [
    "QUANTITIES",
    "EXTRA_QUANTITIES",
    "WINDOW",
    "read_table",
    "crosscheck_rows",
    "crosscheck_file",
    "our_value",
    "restricted_threshold",
    "Disagreement",
    "find_disagreement",
]

#: Quantities of CLI.md.
QUANTITIES = ("threshold", "alpha", "beta_over_omega", "nu", "giant", "kappa_star", "optimum_R")
#: Quantities this tool adds (CLI.md allows new keys).
EXTRA_QUANTITIES = ("tail",)
#: Relative differences in this range are binary floating-point rounding.
PRECISION_BAND = (1e-20, 5e-15)
#: Relative tolerance used to recognise a known fault (the faulty value is itself float64).
DIAG_RTOL = 1e-6
#: Relative tolerance used to recognise a faulty *optimum* (their optimiser has its own tolerance).
DIAG_RTOL_OPT = 2e-4

_REQUIRED = ("quantity", "spec", "value")
#: The correct objective (every fault of the reference switched off).
_CORRECT = dict(alpha_variant="correct", shift=True, model="consistent")
_NONE_VALUES = ("none", "null")


class RowError(ValueError):
    """A malformed row (reported with its line number, the other rows go on)."""


# ------------------------------------------------------------------------------------
# reading
# ------------------------------------------------------------------------------------

def read_table(text: str) -> list[tuple[int, dict]]:
    """Parse CSV (with a header) or a JSON list of objects into ``(line, row)`` pairs.

    For CSV the line is the physical line of the record (the header is line 1);
    for JSON it is the 1-based position in the list.

    Raises
    ------
    ValueError
        If the text is neither a JSON list of objects nor CSV with a header
        naming at least ``quantity``, ``spec`` and ``value``.

    Examples
    --------
    >>> read_table('quantity,spec,value\\nthreshold,"binomial:5000,0.006/binomial:2000,0.006",0.51\\n')
    [(2, {'quantity': 'threshold', 'spec': 'binomial:5000,0.006/binomial:2000,0.006', 'value': '0.51'})]
    """
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"FILE: invalid JSON ({exc.msg} at line {exc.lineno})") from None
        if not isinstance(data, list):
            raise ValueError("FILE: a JSON file must hold a list of row objects")
        out = []
        for i, item in enumerate(data, 1):
            out.append((i, item if isinstance(item, dict) else {"__invalid__": repr(item)}))
        return out
    if not stripped:
        raise ValueError("FILE: the file is empty")
    reader = csv.reader(io.StringIO(text))
    header = None
    out = []
    for rec in reader:
        if not rec or all(not c.strip() for c in rec):
            continue
        if header is None:
            header = [h.strip() for h in rec]
            missing = [c for c in _REQUIRED if c not in header]
            if missing:
                raise ValueError(f"FILE: the CSV header must name quantity, spec and value; "
                                 f"missing {', '.join(missing)} (header: {','.join(header)})")
            continue
        row = {}
        for i, cell in enumerate(rec):
            key = header[i] if i < len(header) else f"__extra{i}"
            row[key] = cell
        out.append((reader.line_num, row))
    if header is None:
        raise ValueError("FILE: no CSV header found")
    return out


# ------------------------------------------------------------------------------------
# our values and the diagnostic recomputations
# ------------------------------------------------------------------------------------

def _mpf(value, name: str) -> mp.mpf:
    if isinstance(value, bool):
        raise RowError(f"{name}: expected a number, got {value!r}")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise RowError(f"{name}: expected a finite number, got {value!r}")
        return mp.mpf(value)
    s = str(value).strip()
    try:
        v = mp.mpf(s)
    except (ValueError, TypeError):
        raise RowError(f"{name}: not a number: {value!r}") from None
    if not mp.isfinite(v):
        raise RowError(f"{name}: expected a finite number, got {value!r}")
    return v


@functools.lru_cache(maxsize=256)
def _ensemble(spec: str) -> Ensemble:
    try:
        return parse_ensemble(spec)
    except ValueError as exc:
        raise RowError(f"unknown ensemble: {exc}") from None


@functools.lru_cache(maxsize=256)
def _threshold(spec: str, kind: str, dps: int):
    from .thresholds import threshold

    return threshold(_ensemble(spec), kind, dps)


@functools.lru_cache(maxsize=256)
def _scaling(spec: str, dps: int):
    from .amru import scaling_params

    return scaling_params(_ensemble(spec), dps)


def restricted_threshold(ens: Ensemble) -> tuple[float, float, bool]:
    """The threshold as the reference finds it: a search restricted to x in [0.1, 1].

    :func:`numeric.reference.threshold` (float64).  Returns ``(value, x, on_cut)``;
    ``on_cut`` is True when the critical point is the cut x = 0.1 itself (an
    artefact: no tangency at all in [0.1, 1]).

    Examples
    --------
    >>> v, x, cut = restricted_threshold(parse_ensemble("concept-text:dt=6,kappa=0.4,eps=0.5,R=1000"))
    >>> cut, round(x, 6)
    (True, 0.1)
    """
    r = reference.threshold(ens)
    return r["eps"], r["x"], r["on_cut"]


def _cp_params(row: dict) -> tuple[sp.Expr, sp.Expr, float | None]:
    """(dt, eps, compute) from columns or from a concept-text / ``dt=..,eps=..`` spec."""
    spec = str(row.get("spec") or "").strip()
    vals = {}
    if spec:
        body = spec[len("concept-text:"):] if spec.startswith("concept-text:") else spec
        for item in body.split(","):
            k, eq, v = item.partition("=")
            if eq:
                vals[k.strip()] = v.strip()
            elif item.strip():
                raise RowError(f"spec {spec!r}: expected concept-text:dt=..,eps=.. or dt=..,eps=..")
    for k in ("dt", "eps", "compute"):
        if str(row.get(k) or "").strip():
            vals[k] = str(row[k]).strip()
    try:
        dt = exact(vals["dt"], "dt", allow_symbol=False) if "dt" in vals else None
        eps = exact(vals["eps"], "eps", allow_symbol=False) if "eps" in vals else None
    except ValueError as exc:
        raise RowError(str(exc)) from None
    comp = None
    if "compute" in vals:
        comp = float(_mpf(vals["compute"], "compute"))
    return dt, eps, comp


@functools.lru_cache(maxsize=128)
def _optimum(dt: str, eps: str, cp: float, dps: int, variant: str = "correct", shift: bool = True):
    from .optimum import finite_optimum

    return finite_optimum(sp.Rational(dt), sp.Rational(eps), cp, dps, alpha_variant=variant, shift=shift,
                          exponent=False)


def our_value(quantity: str, row: dict, dps: int = 30):
    """This system's value of ``quantity`` for a row (mpf, or None when it does not exist).

    Raises
    ------
    RowError
        Unknown quantity or ensemble / law, missing parameters.
    """
    spec = str(row.get("spec") or "").strip()
    if quantity == "threshold":
        kind = str(row.get("kind") or "bp").strip() or "bp"
        if kind not in ("bp", "map"):
            raise RowError(f"kind must be bp or map, got {kind!r}")
        r = _threshold(spec, kind, dps)
        return r.value
    if quantity in ("alpha", "beta_over_omega", "nu"):
        ens = _ensemble(spec)
        th = _threshold(spec, "bp", dps)
        if th.value is None:
            return None
        if th.limited_by != "tangency":
            raise RowError(f"ensemble {ens.spec()}: the threshold is limited by {th.limited_by}; "
                           f"{quantity} needs a tangency critical point")
        p = _scaling(spec, dps)
        return getattr(p, quantity).value
    if quantity == "giant":
        from infoscaling.derivations.graphs import parse_law

        from .giant import giant

        try:
            law = parse_law(spec)
        except ValueError as exc:
            raise RowError(f"unknown law: {exc}") from None
        return giant(law, dps).S.value
    if quantity == "kappa_star":
        from .optimum import kappa_star_value

        dt, _, _ = _cp_params(row)
        if dt is None:
            raise RowError("kappa_star needs dt (a dt column or a dt=.. spec)")
        if not dt > sp.E:
            return None  # no sharp transition
        return kappa_star_value(dt, dps + 10)
    if quantity == "optimum_R":
        dt, eps, cp = _cp_params(row)
        if dt is None or eps is None or cp is None:
            raise RowError("optimum_R needs dt, eps and compute (columns, or a dt=..,eps=.. spec and compute)")
        return _optimum(str(dt), str(eps), cp, _digits("optimum_R", dps)).R
    if quantity == "tail":
        from .skills import tail_exact

        M, p, eta = _tail_params(row)
        with mp.workdps(dps + 10):
            return tail_exact(M, p, eta)
    raise RowError(f"unknown quantity {quantity!r}; expected one of {', '.join(QUANTITIES + EXTRA_QUANTITIES)}")


def _tail_params(row):
    try:
        M = int(str(row.get("M", "")).strip())
        eta = int(str(row.get("eta", "")).strip())
    except ValueError:
        raise RowError("tail needs integer columns M and eta") from None
    p = _mpf(row.get("p", ""), "p")
    if not (0 < p < 1) or M < 1:
        raise RowError("tail needs M >= 1 and 0 < p < 1")
    return M, p, eta


def _digits(quantity: str, dps: int) -> int:
    """Digits reported for ``quantity`` (the optimiser verifies at most 20 here, to stay fast)."""
    return min(dps, 20) if quantity == "optimum_R" else dps


def _close(a, b, rtol) -> bool:
    return _rel(a, b) <= rtol


def _given_rtol(value) -> float:
    """Relative resolution of a value as written: 10^(1 - significant digits), at least DIAG_RTOL.

    Examples
    --------
    >>> _given_rtol("0.9385"), _given_rtol("0.93853238409554381285")
    (0.001, 1e-06)
    """
    if not isinstance(value, str):
        return DIAG_RTOL
    mant = value.strip().lower().split("e")[0].lstrip("+-").replace(".", "").lstrip("0")
    digits = max(1, len(mant))
    return max(DIAG_RTOL, 10.0 ** (1 - digits))


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
    if theirs == 0 or ours == 0:
        return None
    with mp.workdps(digits + 30):
        ulp = mp.mpf(10) ** (int(mp.floor(mp.log10(abs(theirs)))) - digits + 1)
        return digits if abs(mp.mpf(text) - ours) <= ulp / 2 else None


def _diagnose(quantity: str, row: dict, theirs, ours, dps: int) -> str | None:
    """Name the known cause that explains ``theirs`` (None when no known cause matches)."""
    tol = _given_rtol(row.get("value"))
    spec = str(row.get("spec") or "").strip()
    if theirs is None:
        return None
    if quantity == "threshold":
        ens = _ensemble(spec)
        v, x, cut = restricted_threshold(ens)
        if _close(theirs, v, tol):
            what = ("an artefact at the cut x = 0.1, eps(x) has no tangency there"
                    if cut else f"the restricted minimum at x = {x:.8g}")
            base = "no sharp threshold exists" if ours is None else "the true critical point lies below 0.1"
            return f"threshold restricted to x >= 0.1 ({what}; {base})"
        return None
    if quantity == "alpha":
        p = _scaling(spec, dps)
        ref = p.alpha_reference.value
        if mp.isfinite(ref) and _close(theirs, ref, tol):
            return f"alpha computed with sign variant (reference alpha = {mp.nstr(ref, 8)}...)"
        return None
    if quantity == "beta_over_omega":
        if theirs == 0:
            return "beta shift dropped (beta/Omega reported as 0)"
        return None
    if quantity == "giant":
        if theirs == 0 and ours is not None and ours > 0:
            return "trivial root u = 1 of u = G_1(u) selected (iterating from u = 1 lands on it)"
        from infoscaling.derivations.graphs import parse_law

        from .giant import giant

        u = giant(parse_law(spec), dps).u.value
        if _close(theirs, u, tol):
            return "reported u (root of u = G_1(u)) instead of S = 1 - G_0(u)"
        return None
    if quantity == "kappa_star":
        dt, _, _ = _cp_params(row)
        with mp.workdps(dps + 10):
            d = mp.mpf(sp.N(dt, dps + 20))
            W = mp.lambertw(-1 / d, -1).real
            lower = -W * mp.exp(-1 / W) / d
        if _close(theirs, lower, tol):
            return f"lower fold (branch W_{{-1}}) instead of the jump (W_0): {mp.nstr(lower, 8)}"
        return None
    if quantity == "optimum_R":
        return _diagnose_optimum(row, theirs)
    if quantity == "tail":
        M, p, eta = _tail_params(row)
        r = reference.chernoff_tail(M, p, eta)
        if _close(theirs, r, tol):
            return ("Chernoff bound base mismatch (KL in log base 2 exponentiated base e: "
                    f"{r:.8g}, not a bound on the exact tail)")
        return None
    return None


def _diagnose_optimum(row, theirs) -> str | None:
    dt, eps, cp = _cp_params(row)
    th = float(theirs)
    s = math.sqrt(cp)
    win = f"[{WINDOW[0]}, {WINDOW[1]}] sqrt(C')"
    # 1. a value on the edge of the reference's window: the window cut it off
    for side, frac in (("lower", WINDOW[0]), ("upper", WINDOW[1])):
        if abs(th - frac * s) <= DIAG_RTOL_OPT * frac * s:
            R, edge = reference.window_optimum(cp, dt, eps, **_CORRECT)
            where = "the window optimum of the correct objective is interior" if edge is None else \
                f"even the correct objective peaks on the {edge} edge there"
            return (f"optimum on the search-window edge (R = {th:.6g} = {frac} sqrt(C'), the {side} edge of "
                    f"the window {win}; the global optimum is elsewhere; {where})")
    # 2. single faults and their combination, globally and inside the window
    variants = [
        ((), None),
        (("beta shift dropped",), dict(shift=False)),
        (("alpha computed with sign variant",), dict(variant="reference")),
        (("alpha computed with sign variant", "beta shift dropped"), dict(variant="reference", shift=False)),
    ]
    for causes, kw in variants:
        kw = kw or {}
        for windowed in (False, True):
            if not causes and not windowed:
                continue
            try:
                if windowed:
                    R, _ = reference.window_optimum(cp, dt, eps, alpha_variant=kw.get("variant", "correct"),
                                                    shift=kw.get("shift", True),
                                                    model="paper" if causes else "consistent")
                else:
                    R = float(_optimum(str(dt), str(eps), cp, 8, kw.get("variant", "correct"),
                                       kw.get("shift", True)).R)
            except (ArithmeticError, ValueError):
                continue
            if abs(th - R) <= DIAG_RTOL_OPT * R:
                names = list(causes)
                if windowed:
                    names.append(f"optimum restricted to the search window {win}")
                return "; ".join(names) + f" (recomputed that way: R = {R:.6g})"
    return None


# ------------------------------------------------------------------------------------
# the comparison engine
# ------------------------------------------------------------------------------------

def _parse_theirs(value):
    if value is None:
        raise RowError("value: missing")
    if isinstance(value, str) and value.strip().lower() in _NONE_VALUES:
        return None
    if isinstance(value, str) and not value.strip():
        raise RowError("value: empty")
    return _mpf(value, "value")


def _check_row(quantity: str, row: dict, theirs, ours, rtol: float, dps: int) -> dict:
    if ours is None and theirs is None:
        return {"ours": None, "rel_diff": 0.0, "agree": True, "note": None}
    if ours is None:
        note = _diagnose(quantity, row, theirs, ours, dps) or (
            "no such value here (e.g. no sharp threshold: eps(x) is monotone)")
        return {"ours": None, "rel_diff": None, "agree": False, "note": note}
    with mp.workdps(dps + 10):
        ours_s = fmt(ours, _digits(quantity, dps))
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
            note = _diagnose(quantity, row, theirs, ours, dps)
        return {"ours": ours_s, "rel_diff": rd, "agree": agree, "note": note}


def _one(line: int, row: dict, rtol: float, dps: int) -> dict:
    base = {"line": line, "quantity": row.get("quantity"), "spec": row.get("spec"),
            "theirs": row.get("value"), "ours": None, "rel_diff": None, "agree": None, "note": None}
    try:
        if "__invalid__" in row:
            raise RowError(f"expected an object with quantity, spec, value, got {row['__invalid__']}")
        # spec may be empty when the parameters are in columns (kappa_star: dt; tail: M, p, eta)
        missing = [c for c in _REQUIRED if c not in row or row[c] is None
                   or (c != "spec" and str(row[c]).strip() == "")]
        if missing:
            raise RowError(f"missing column(s): {', '.join(missing)}")
        quantity = str(row["quantity"]).strip()
        if quantity not in QUANTITIES + EXTRA_QUANTITIES:
            raise RowError(f"unknown quantity {quantity!r}; expected one of "
                           f"{', '.join(QUANTITIES + EXTRA_QUANTITIES)}")
        with mp.workdps(dps + 10):
            theirs = _parse_theirs(row["value"])
            ours = our_value(quantity, row, dps)
            base.update(_check_row(quantity, row, theirs, ours, rtol, dps))
    except RowError as exc:
        base["error"] = str(exc)
    except (ArithmeticError, ValueError) as exc:  # a verification failure is reported, not hidden
        base["error"] = f"could not compute our value: {type(exc).__name__}: {' '.join(str(exc).split())}"
    return base


def crosscheck_rows(rows, rtol: float = 1e-9, dps: int = 30) -> dict:
    """Compare rows (dicts, or ``(line, dict)`` pairs) with this system's values.

    Parameters
    ----------
    rows : iterable
        Dicts with ``quantity``, ``spec``, ``value`` and parameter keys, or
        ``(line, dict)`` pairs from :func:`read_table`.
    rtol : float
        Relative tolerance for agreement.
    dps : int
        Digits of our recomputation.

    Returns
    -------
    dict
        ``rows``: ``{line, quantity, spec, theirs, ours, rel_diff, agree, note}``
        (plus ``error`` for malformed rows, whose ``agree`` is None);
        ``summary``: ``{rows, agree, disagree, malformed, rtol, dps, notes}``.
    """
    dps = check_dps(dps)
    try:
        rtol = float(rtol)
    except (TypeError, ValueError):
        raise ValueError(f"--rtol must be a number, got {rtol!r}") from None
    if not (math.isfinite(rtol) and rtol >= 0):
        raise ValueError(f"--rtol must be a finite number >= 0, got {rtol!r}")
    out = []
    for i, item in enumerate(rows, 1):
        line, row = item if isinstance(item, tuple) else (i, item)
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
        "malformed": sum(1 for r in out if "error" in r),
        "rtol": rtol,
        "dps": dps,
        "notes": notes,
    }
    return {"rows": out, "summary": summary}


def crosscheck_file(path: str, rtol: float = 1e-9, dps: int = 30) -> dict:
    """:func:`crosscheck_rows` on a CSV / JSON file (``-`` reads standard input)."""
    if path == "-":
        text = sys.stdin.read()
    else:
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        except OSError as exc:
            raise ValueError(f"FILE: cannot read {path!r}: {exc.strerror}") from None
    out = crosscheck_rows(read_table(text), rtol, dps)
    out["file"] = path
    return out


# ------------------------------------------------------------------------------------
# Hypothesis search for the largest disagreement of a callable
# ------------------------------------------------------------------------------------

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
