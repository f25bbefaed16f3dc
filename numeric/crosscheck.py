"""Cross-check another implementation's numbers against this system's.

Two entry points:

* :func:`crosscheck_rows` (behind ``infoscaling crosscheck FILE``; reading in
  :func:`read_file` / :func:`read_table`) takes rows ``quantity,spec,value``
  plus optional parameter columns (``eps``, ``dt``, ``compute``, ``kind``,
  ``M``, ``p``, ``eta``, ...) from CSV (read with the :mod:`csv` module:
  ensemble strings contain commas and are quoted) or from a JSON list of
  objects, recomputes every quantity at high precision and reports, per row,
  ``{line, quantity, spec, theirs, ours, rel_diff, agree, note}``.
  When a row disagrees, the ``note`` names the known cause that explains it
  (MODEL.md section 6), found by recomputing the quantity *the way the faulty
  implementation does* (:mod:`infoscaling.numeric.reference`, the one emulation
  of the published notebook) and comparing again:

  - ``threshold restricted to x >= 0.1``: the reference's threshold search
    over [0.1, 1] only (hides the error floor; an artefact threshold when
    there is no jump);
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

Quantities: one table
---------------------
Every quantity is one :class:`Quantity` entry of :data:`QUANTITY_TABLE`: how
to read its parameters from a row (checked against the same domains and cost
limits as the commands: :mod:`infoscaling.derivations.specs` for ensemble and
law strings, the optimiser's problem domain, :mod:`infoscaling.numeric.validate`),
how to compute this system's value, and how to explain a disagreement.  The
comparison itself (:func:`_compare`) is the same for all.

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

Input limits
------------
A file of at most :data:`MAX_FILE_BYTES` bytes (UTF-8, with or without a
byte-order mark, or UTF-16 with one), at most :data:`MAX_ROWS` rows,
:data:`MAX_COLUMNS` columns and :data:`MAX_FIELD` characters per field; JSON
nested at most as deep as Python's decoder allows.  Values are finite numbers
within the float range (``nan``, ``inf`` and ``1e999`` are malformed alike) or
``none``/``null``.  A file beyond these is refused (exit 2, naming FILE); a row
beyond them is reported as malformed with its line number, the other rows go on.

Examples
--------
>>> rows = [{"quantity": "alpha", "spec": "regular:3/regular:6", "value": "0.9385"},
...         {"quantity": "threshold", "spec": "regular:3/regular:6", "value": "0.4294398144"}]
>>> out = crosscheck_rows(rows, rtol=1e-6, dps=20)
>>> [(r["line"], r["agree"], r["note"]) for r in out["rows"]]
[(1, False, 'alpha computed with sign variant (reference alpha = 0.93853238...)'), (2, True, None)]
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import json
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import mpmath as mp

from . import reference, validate
from .errors import InputError, LimitError
from .errors import VerificationError as _VerificationError
from .precision import VerificationError as _PrecisionVerificationError
from .precision import fmt
from .reference import WINDOW
from .reference import rel_diff as _rel

__all__ = [
    "QUANTITIES",
    "EXTRA_QUANTITIES",
    "QUANTITY_TABLE",
    "Quantity",
    "WINDOW",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "MAX_COLUMNS",
    "MAX_FIELD",
    "read_file",
    "read_table",
    "crosscheck_rows",
    "crosscheck_file",
    "our_value",
    "restricted_threshold",
    "Disagreement",
    "find_disagreement",
]

#: Largest input accepted, in bytes (a row is ~100 bytes: 40 000 rows' worth; beyond, split the file).
MAX_FILE_BYTES = 4 * 2**20
#: Most rows per file (each row may cost up to seconds of high-precision work).
MAX_ROWS = 5000
#: Most columns per row.
MAX_COLUMNS = 100
#: Longest field, in characters (validate.MAX_TEXT: the longest numeric argument anywhere).
MAX_FIELD = validate.MAX_TEXT
#: Relative differences in this range are binary floating-point rounding.
PRECISION_BAND = (1e-20, 5e-15)
#: Relative tolerance used to recognise a known fault (the faulty value is itself float64; see _explains).
DIAG_RTOL = 1e-6
#: Relative tolerance used to recognise a faulty *optimum* (their optimiser has its own tolerance).
DIAG_RTOL_OPT = 2e-4
#: Digits the optimiser verifies here (at most; it stays fast).
OPT_DIGITS = 20
#: Largest mean M p of a ``tail`` row (the exact tail sums O(sqrt(M p) x digits) terms).
MAX_TAIL_MEAN = 10**10

_REQUIRED = ("quantity", "spec", "value")
#: The correct objective (every fault of the reference switched off).
_CORRECT = dict(alpha_variant="correct", shift=True, model="consistent")
_NONE_VALUES = ("none", "null")
#: "Our value could not be established": reported on the row, never as agreement.
_UNVERIFIED = (_VerificationError, _PrecisionVerificationError)
_SCALARS = (str, int, float, type(None))


class RowError(InputError):
    """A malformed row (reported with its line number, the other rows go on)."""


# ------------------------------------------------------------------------------------
# reading
# ------------------------------------------------------------------------------------

def read_file(path: str) -> str:
    """The text of FILE (``-``: standard input), size-limited and decoded.

    UTF-8 (a byte-order mark is dropped) or UTF-16 with a byte-order mark;
    anything else is refused naming FILE.

    Raises
    ------
    InputError
        Unreadable, not text in a supported encoding.
    LimitError
        Larger than :data:`MAX_FILE_BYTES`.
    """
    try:
        if path == "-":
            data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        else:
            with open(path, "rb") as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InputError(f"FILE: cannot read {path!r}: {exc.strerror or exc}", "FILE") from None
    if len(data) > MAX_FILE_BYTES:
        raise LimitError(f"FILE: {path!r} is larger than {MAX_FILE_BYTES // 2**20} MiB "
                         f"(the input limit; split it into several files)", "FILE")
    return _decode(data, path)


def _decode(data: bytes, path: str) -> str:
    # a UTF-8 byte-order mark decodes to U+FEFF, which read_table drops
    enc = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8"
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as exc:
        hint = " (NUL bytes: UTF-16 without a byte-order mark?)" if b"\x00" in data else ""
        raise InputError(f"FILE: {path!r} is not {enc.upper()} text{hint}: byte 0x{data[exc.start]:02x} at "
                         f"offset {exc.start}; save it as UTF-8", "FILE") from None
    if "\x00" in text:
        raise InputError(f"FILE: {path!r} contains NUL characters (UTF-16 without a byte-order mark?); "
                         "save it as UTF-8", "FILE")
    return text


def read_table(text: str) -> list[tuple[int, dict]]:
    """Parse CSV (with a header) or a JSON list of objects into ``(line, row)`` pairs.

    For CSV the line is the physical line of the record (the header is line 1);
    for JSON it is the 1-based position in the list.  A record that cannot be a
    row (too long a field, too many columns, not an object) is kept as a row
    holding only ``__error__`` so that it is reported with its line.

    Raises
    ------
    InputError
        If the text is neither a JSON list of objects nor CSV with a header
        naming at least ``quantity``, ``spec`` and ``value``.
    LimitError
        More than :data:`MAX_ROWS` rows.

    Examples
    --------
    >>> read_table('quantity,spec,value\\nthreshold,"binomial:5000,0.006/binomial:2000,0.006",0.51\\n')
    [(2, {'quantity': 'threshold', 'spec': 'binomial:5000,0.006/binomial:2000,0.006', 'value': '0.51'})]
    """
    text = text.lstrip("\ufeff")
    stripped = text.lstrip()
    if not stripped:
        raise InputError("FILE: the file is empty", "FILE")
    if stripped[0] in "[{":
        return _read_json(text)
    return _read_csv(text)


def _too_many_rows() -> LimitError:
    return LimitError(f"FILE: more than {MAX_ROWS} rows (the input limit; split the file)", "FILE")


def _read_json(text: str) -> list[tuple[int, dict]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"FILE: invalid JSON ({exc.msg} at line {exc.lineno})", "FILE") from None
    except RecursionError:
        raise InputError("FILE: JSON nested too deeply (a crosscheck file is a flat list of row objects)",
                         "FILE") from None
    if not isinstance(data, list):
        raise InputError("FILE: a JSON file must hold a list of row objects", "FILE")
    if len(data) > MAX_ROWS:
        raise _too_many_rows()
    out = []
    for i, item in enumerate(data, 1):
        if not isinstance(item, dict):
            out.append((i, {"__error__": f"expected an object with quantity, spec, value, got a "
                                         f"{type(item).__name__}"}))
        elif len(item) > MAX_COLUMNS:
            out.append((i, {"__error__": f"more than {MAX_COLUMNS} keys"}))
        else:
            out.append((i, item))
    return out


def _read_csv(text: str) -> list[tuple[int, dict]]:
    reader = csv.reader(io.StringIO(text))
    header = None
    out = []
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # e.g. a field beyond the csv module's own limit: this record only
            if header is None:
                raise InputError(f"FILE: unreadable CSV header ({exc})", "FILE") from None
            out.append((reader.line_num, {"__error__": f"unreadable CSV record ({exc}; fields may have at "
                                                       f"most {MAX_FIELD} characters)"}))
            continue
        if not rec or all(not c.strip() for c in rec):
            continue
        if header is None:
            if len(rec) > MAX_COLUMNS or any(len(c) > MAX_FIELD for c in rec):
                raise InputError(f"FILE: the CSV header has more than {MAX_COLUMNS} columns or a name longer "
                                 f"than {MAX_FIELD} characters", "FILE")
            header = [h.strip() for h in rec]
            missing = [c for c in _REQUIRED if c not in header]
            if missing:
                raise InputError(f"FILE: the CSV header must name quantity, spec and value; "
                                 f"missing {', '.join(missing)} (header: {','.join(header)[:200]})", "FILE")
            continue
        if len(out) >= MAX_ROWS:
            raise _too_many_rows()
        if len(rec) > MAX_COLUMNS:
            out.append((reader.line_num, {"__error__": f"more than {MAX_COLUMNS} columns"}))
            continue
        long = [i + 1 for i, c in enumerate(rec) if len(c) > MAX_FIELD]
        if long:
            out.append((reader.line_num, {"__error__": f"field {long[0]} is longer than {MAX_FIELD} characters"}))
            continue
        row = {}
        for i, cell in enumerate(rec):
            key = header[i] if i < len(header) else f"__extra{i}"
            row[key] = cell
        out.append((reader.line_num, row))
    if header is None:
        raise InputError("FILE: no CSV header found", "FILE")
    return out


# ------------------------------------------------------------------------------------
# reading a row's parameters (the same domains and limits as the commands)
# ------------------------------------------------------------------------------------

def _text(row: dict, key: str) -> str:
    return str(row.get(key) if row.get(key) is not None else "").strip()


def _number(value, name: str) -> mp.mpf:
    """A finite number within the float range, as mpf at the current precision (RowError otherwise)."""
    try:
        q = validate.number(value.strip() if isinstance(value, str) else value, name)
    except InputError as exc:
        raise RowError(str(exc), name) from None
    return mp.mpf(q.numerator) / q.denominator


@functools.lru_cache(maxsize=256)
def _ensemble(spec: str):
    from infoscaling.derivations.ensemble import parse_ensemble

    try:
        return parse_ensemble(spec)
    except ValueError as exc:
        raise RowError(f"unknown ensemble: {exc}", "spec") from None


def _p_ensemble(row: dict) -> tuple:
    return (_ensemble(_text(row, "spec")).spec(),)


def _p_threshold(row: dict) -> tuple:
    kind = _text(row, "kind") or "bp"
    if kind not in ("bp", "map"):
        raise RowError(f"kind must be bp or map, got {kind!r}", "kind")
    return _p_ensemble(row) + (kind,)


def _p_law(row: dict) -> tuple:
    from infoscaling.derivations.graphs import parse_law

    spec = _text(row, "spec")
    try:
        parse_law(spec)
    except ValueError as exc:
        raise RowError(f"unknown law: {exc}", "spec") from None
    return (spec,)


def _cp_values(row: dict) -> dict[str, str]:
    """dt, eps, compute (strings) from columns or from a concept-text / ``dt=..,eps=..`` spec."""
    spec = _text(row, "spec")
    vals = {}
    if spec:
        body = spec[len("concept-text:"):] if spec.startswith("concept-text:") else spec
        for item in body.split(","):
            k, eq, v = item.partition("=")
            if eq:
                vals[k.strip()] = v.strip()
            elif item.strip():
                raise RowError(f"spec {spec[:80]!r}: expected concept-text:dt=..,eps=.. or dt=..,eps=..", "spec")
    for k in ("dt", "eps", "compute"):
        if _text(row, k):
            vals[k] = _text(row, k)
    return vals


def _problem(dt, eps, cp=None):
    """The optimiser's domain check (d_t in (0, 1e6], eps in (0, 1), C' range); RowError naming the parameter."""
    from .optimum import check_problem

    try:
        return check_problem(dt, eps, cp)
    except InputError as exc:
        raise RowError(str(exc), exc.argument) from None


def _exact_text(value: str, name: str) -> str:
    """An exact rational as canonical text (``"0.5"`` -> ``"1/2"``), the cache key of the optimiser's rows."""
    from infoscaling.derivations.degree import exact

    try:
        return str(exact(value, name, allow_symbol=False))
    except ValueError as exc:
        raise RowError(str(exc), name) from None


def _p_kappa(row: dict) -> tuple:
    vals = _cp_values(row)
    if "dt" not in vals:
        raise RowError("kappa_star needs dt (a dt column or a dt=.. spec)", "dt")
    _problem(vals["dt"], vals.get("eps", "1/2"))   # eps cancels from kappa*; the dt domain is the optimiser's
    return (_exact_text(vals["dt"], "dt"),)


def _p_optimum(row: dict) -> tuple:
    vals = _cp_values(row)
    if not {"dt", "eps", "compute"} <= vals.keys():
        raise RowError("optimum_R needs dt, eps and compute (columns, or a dt=..,eps=.. spec and compute)",
                       "compute")
    cp = float(_number(vals["compute"], "compute"))
    _problem(vals["dt"], vals["eps"], cp)
    return _exact_text(vals["dt"], "dt"), _exact_text(vals["eps"], "eps"), cp


def _p_tail(row: dict) -> tuple:
    try:
        M = validate.integer(_text(row, "M"), "M", 1, limit=10**30, why="the exact tail's cost")
        eta = validate.integer(_text(row, "eta"), "eta", 0, M)
        p = validate.number(_text(row, "p"), "p", lo=0, hi=1, lo_open=True, hi_open=True,
                            allowed="a number in (0, 1)")
    except InputError as exc:
        raise RowError(f"tail needs integer columns M >= 1, 0 <= eta <= M and 0 < p < 1: {exc}",
                       exc.argument) from None
    if M * p > MAX_TAIL_MEAN:
        raise RowError(f"tail: M p = {float(M * p):.3g} is beyond the limit {MAX_TAIL_MEAN:g} "
                       "(the exact tail sums O(sqrt(M p)) terms)", "M")
    return M, p, eta


# ------------------------------------------------------------------------------------
# our values (cached: rows repeat parameters)
# ------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=256)
def _threshold(spec: str, kind: str, dps: int):
    from .thresholds import threshold

    return threshold(_ensemble(spec), kind, dps)


@functools.lru_cache(maxsize=256)
def _scaling(spec: str, dps: int):
    from .amru import scaling_params

    return scaling_params(_ensemble(spec), dps)


@functools.lru_cache(maxsize=128)
def _optimum(dt: str, eps: str, cp: float, dps: int, variant: str = "correct", shift: bool = True):
    import sympy as sp

    from .optimum import finite_optimum

    return finite_optimum(sp.Rational(dt), sp.Rational(eps), cp, dps, alpha_variant=variant, shift=shift,
                          exponent=False)


def _ours_threshold(spec, kind, dps):
    return _threshold(spec, kind, dps).value


def _ours_scaling(quantity: str):
    def ours(spec, dps):
        th = _threshold(spec, "bp", dps)
        if th.value is None:
            return None
        if th.limited_by != "tangency":
            raise RowError(f"ensemble {spec}: the threshold is limited by {th.limited_by}; "
                           f"{quantity} needs a tangency critical point", "spec")
        return getattr(_scaling(spec, dps), quantity).value
    return ours


def _ours_giant(spec, dps):
    from .giant import giant

    return giant(spec, dps).S.value


def _ours_kappa(dt, dps):
    import sympy as sp

    from .optimum import kappa_star_value

    d = sp.Rational(dt)
    if not d > sp.E:
        return None  # no sharp transition
    return kappa_star_value(d, dps + 10)


def _ours_optimum(dt, eps, cp, dps):
    return _optimum(dt, eps, cp, min(dps, OPT_DIGITS)).R


def _ours_tail(M, p, eta, dps):
    from .skills import tail_exact

    with mp.workdps(dps + 10):
        return tail_exact(M, mp.mpf(p.numerator) / p.denominator, eta)


# ------------------------------------------------------------------------------------
# diagnoses: recompute the way a known fault does and compare again
# ------------------------------------------------------------------------------------

def restricted_threshold(ens) -> tuple[float, float, bool]:
    """The threshold as the reference finds it: a search restricted to x in [0.1, 1].

    :func:`numeric.reference.threshold` (float64).  Returns ``(value, x, on_cut)``;
    ``on_cut`` is True when the critical point is the cut x = 0.1 itself (an
    artefact: no tangency at all in [0.1, 1]).

    Examples
    --------
    >>> from infoscaling.derivations.ensemble import parse_ensemble
    >>> v, x, cut = restricted_threshold(parse_ensemble("concept-text:dt=6,kappa=0.4,eps=0.5,R=1000"))
    >>> cut, round(x, 6)
    (True, 0.1)
    """
    r = reference.threshold(ens)
    return r["eps"], r["x"], r["on_cut"]


def _d_threshold(spec, kind, theirs, ours, dps, explains):
    v, x, cut = restricted_threshold(_ensemble(spec))
    if not explains(v):
        return None
    what = ("an artefact at the cut x = 0.1, eps(x) has no tangency there"
            if cut else f"the restricted minimum at x = {x:.8g}")
    base = "no sharp threshold exists" if ours is None else "the true critical point lies below 0.1"
    return f"threshold restricted to x >= 0.1 ({what}; {base})"


def _d_alpha(spec, theirs, ours, dps, explains):
    ref = _scaling(spec, dps).alpha_reference.value
    if explains(ref):
        return f"alpha computed with sign variant (reference alpha = {mp.nstr(ref, 8)}...)"
    return None


def _d_beta(spec, theirs, ours, dps, explains):
    return "beta shift dropped (beta/Omega reported as 0)" if theirs == 0 else None


def _d_none(*args):
    return None


def _d_giant(spec, theirs, ours, dps, explains):
    from .giant import giant

    if theirs == 0 and ours is not None and ours > 0:
        return "trivial root u = 1 of u = G_1(u) selected (iterating from u = 1 lands on it)"
    if explains(giant(spec, dps).u.value):
        return "reported u (root of u = G_1(u)) instead of S = 1 - G_0(u)"
    return None


def _d_kappa(dt, theirs, ours, dps, explains):
    import sympy as sp

    d_exact = sp.Rational(dt)
    if not d_exact > sp.E:
        return None
    with mp.workdps(dps + 10):
        d = mp.mpf(sp.N(d_exact, dps + 20))
        W = mp.lambertw(-1 / d, -1).real
        lower = -W * mp.exp(-1 / W) / d
    if explains(lower):
        return f"lower fold (branch W_{{-1}}) instead of the jump (W_0): {mp.nstr(lower, 8)}"
    return None


def _d_optimum(dt, eps, cp, theirs, ours, dps, explains):
    dtf, epsf = _problem(dt, eps)
    th = float(theirs)
    s = math.sqrt(cp)
    win = f"[{WINDOW[0]}, {WINDOW[1]}] sqrt(C')"
    # 1. a value on the edge of the reference's window: the window cut it off
    for side, frac in (("lower", WINDOW[0]), ("upper", WINDOW[1])):
        if abs(th - frac * s) <= DIAG_RTOL_OPT * frac * s:
            R, edge = reference.window_optimum(cp, dtf, epsf, **_CORRECT)
            where = "the window optimum of the correct objective is interior" if edge is None else \
                f"even the correct objective peaks on the {edge} edge there"
            return (f"optimum on the search-window edge (R = {th:.6g} = {frac} sqrt(C'), the {side} edge of "
                    f"the window {win}; the global optimum is elsewhere; {where})")
    # 2. single faults and their combination, globally and inside the window
    variants = [
        ((), {}),
        (("beta shift dropped",), dict(shift=False)),
        (("alpha computed with sign variant",), dict(variant="reference")),
        (("alpha computed with sign variant", "beta shift dropped"), dict(variant="reference", shift=False)),
    ]
    for causes, kw in variants:
        for windowed in (False, True):
            if not causes and not windowed:
                continue
            try:
                if windowed:
                    R, _ = reference.window_optimum(cp, dtf, epsf,
                                                    alpha_variant=kw.get("variant", "correct"),
                                                    shift=kw.get("shift", True),
                                                    model="paper" if causes else "consistent")
                else:
                    R = float(_optimum(dt, eps, cp, 8, kw.get("variant", "correct"), kw.get("shift", True)).R)
            except _UNVERIFIED:   # this fault's optimum cannot be established: it explains nothing
                continue
            if abs(th - R) <= DIAG_RTOL_OPT * R:
                names = list(causes)
                if windowed:
                    names.append(f"optimum restricted to the search window {win}")
                return "; ".join(names) + f" (recomputed that way: R = {R:.6g})"
    return None


def _d_tail(M, p, eta, theirs, ours, dps, explains):
    with mp.workdps(30):
        r = reference.chernoff_tail(M, mp.mpf(p.numerator) / p.denominator, eta)
    if explains(r):
        return ("Chernoff bound base mismatch (KL in log base 2 exponentiated base e: "
                f"{r:.8g}, not a bound on the exact tail)")
    return None


# ------------------------------------------------------------------------------------
# the table
# ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Quantity:
    """One entry of the dispatch table: how to read a row, compute ours, explain a disagreement.

    Attributes
    ----------
    name : str
        The ``quantity`` column.
    reads : str
        What it reads from a row (documentation, also in error messages).
    parse : callable
        ``row -> args`` (a tuple of hashable, validated parameters); raises RowError.
    ours : callable
        ``(*args, dps) -> mpf or None`` (None: no such value, e.g. no sharp threshold).
    diagnose : callable
        ``(*args, theirs, ours, dps, explains) -> str or None``: the known cause that
        explains ``theirs``, found by recomputing the way the fault does; ``explains(value)``
        says whether a recomputed value accounts for theirs (:func:`_explains`).
    digits : int, optional
        Cap on the reported digits (the optimiser verifies at most :data:`OPT_DIGITS` here).
    extra : bool
        Not in CLI.md (added by this tool).
    """

    name: str
    reads: str
    parse: Callable[[dict], tuple]
    ours: Callable[..., object]
    diagnose: Callable[..., str | None]
    digits: int | None = None
    extra: bool = False


QUANTITY_TABLE: dict[str, Quantity] = {q.name: q for q in (
    Quantity("threshold", "spec = ensemble; kind bp|map", _p_threshold, _ours_threshold, _d_threshold),
    Quantity("alpha", "spec = ensemble", _p_ensemble, _ours_scaling("alpha"), _d_alpha),
    Quantity("beta_over_omega", "spec = ensemble", _p_ensemble, _ours_scaling("beta_over_omega"), _d_beta),
    Quantity("nu", "spec = ensemble", _p_ensemble, _ours_scaling("nu"), _d_none),
    Quantity("giant", "spec = degree law", _p_law, _ours_giant, _d_giant),
    Quantity("kappa_star", "dt", _p_kappa, _ours_kappa, _d_kappa),
    Quantity("optimum_R", "dt, eps, compute", _p_optimum, _ours_optimum, _d_optimum, digits=OPT_DIGITS),
    Quantity("tail", "M, p, eta", _p_tail, _ours_tail, _d_tail, extra=True),
)}

#: Quantities of CLI.md.
QUANTITIES = tuple(n for n, q in QUANTITY_TABLE.items() if not q.extra)
#: Quantities this tool adds (CLI.md allows new keys).
EXTRA_QUANTITIES = tuple(n for n, q in QUANTITY_TABLE.items() if q.extra)


def _entry(quantity) -> Quantity:
    q = QUANTITY_TABLE.get(str(quantity).strip())
    if q is None:
        raise RowError(f"unknown quantity {str(quantity)[:80]!r}; expected one of {', '.join(QUANTITY_TABLE)}",
                       "quantity")
    return q


def our_value(quantity: str, row: dict, dps: int = 30):
    """This system's value of ``quantity`` for a row (mpf, or None when it does not exist).

    Raises
    ------
    RowError
        Unknown quantity or ensemble / law, missing or out-of-domain parameters.
    """
    q = _entry(quantity)
    return q.ours(*q.parse(row), dps)


# ------------------------------------------------------------------------------------
# the comparison engine
# ------------------------------------------------------------------------------------

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
    return _number(value, "value")


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
        missing = [c for c in _REQUIRED if c not in row or row[c] is None
                   or (c != "spec" and str(row[c]).strip() == "")]
        if missing:
            raise RowError(f"missing column(s): {', '.join(missing)}", missing[0])
        q = _entry(row["quantity"])
        with mp.workdps(dps + 10):
            theirs = _parse_theirs(row["value"])
            args = q.parse(row)
            ours = q.ours(*args, dps)
            base.update(_compare(q, args, row, theirs, ours, rtol, dps))
    except _UNVERIFIED as exc:   # our value could not be established: reported, never agreement
        base["error"] = f"could not verify our value: {' '.join(str(exc).split())}"
        base["unverified"] = True
    except ValueError as exc:    # bad input (InputError, RowError, a parser's ValueError): this row only
        base["error"] = " ".join(str(exc).split())
    return base


def crosscheck_rows(rows, rtol=1e-9, dps=30) -> dict:
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

    Returns
    -------
    dict
        ``rows``: ``{line, quantity, spec, theirs, ours, rel_diff, agree, note}``
        (plus ``error`` for rows that are malformed or whose value could not be
        verified, whose ``agree`` is None); ``summary``: ``{rows, agree,
        disagree, malformed, unverified, rtol, dps, notes}``.

    Raises
    ------
    InputError
        ``--rtol`` or ``--dps`` out of their domains (named).
    """
    dps = validate.dps(dps, "--dps")
    rtol = float(validate.number(rtol, "--rtol", lo=0))
    out = []
    for i, item in enumerate(rows, 1):
        line, row = item if isinstance(item, tuple) else (i, item)
        out.append(_one(line, row if isinstance(row, dict) else {"__error__": "expected an object"}, rtol, dps))
    notes: dict[str, int] = {}
    for r in out:
        if r["note"]:
            key = r["note"].split(" (")[0].split(";")[0]
            notes[key] = notes.get(key, 0) + 1
    summary = {
        "rows": len(out),
        "agree": sum(1 for r in out if r["agree"] is True),
        "disagree": sum(1 for r in out if r["agree"] is False),
        "malformed": sum(1 for r in out if "error" in r and not r.get("unverified")),
        "unverified": sum(1 for r in out if r.get("unverified")),
        "rtol": rtol,
        "dps": dps,
        "notes": notes,
    }
    return {"rows": out, "summary": summary}


def crosscheck_file(path: str, rtol=1e-9, dps=30) -> dict:
    """:func:`crosscheck_rows` on a CSV / JSON file (``-`` reads standard input); limits in the module notes.

    The options are checked before the file is read.
    """
    dps = validate.dps(dps, "--dps")
    rtol = float(validate.number(rtol, "--rtol", lo=0))
    out = crosscheck_rows(read_table(read_file(path)), rtol, dps)
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
