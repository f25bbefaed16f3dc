"""The table of quantities: how to read a row's parameters, compute our value, explain a disagreement.

Every quantity is one :class:`Quantity` entry of :data:`QUANTITY_TABLE`.  Row
parameters are checked against the same domains and cost limits as the
commands computing them (:mod:`infoscaling.derivations.specs` through the
ensemble and law parsers, the optimiser's problem domain,
:mod:`infoscaling.numeric.validate`); a bad one raises :class:`RowError`,
reported on its row.  The diagnoses recompute a quantity the way a known fault
does (:mod:`infoscaling.numeric.reference`, the one emulation of the published
notebook) and ask ``explains(value)`` whether that accounts for their value.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import mpmath as mp

from .. import reference, validate
from ..errors import InputError
from ..errors import VerificationError as _VerificationError
from ..precision import VerificationError as _PrecisionVerificationError
from ..reference import WINDOW

__all__ = ["Quantity", "QUANTITY_TABLE", "QUANTITIES", "EXTRA_QUANTITIES", "RowError", "WINDOW", "OPT_DIGITS",
           "UNVERIFIED", "our_value", "restricted_threshold", "number", "entry"]

#: Relative tolerance used to recognise a faulty *optimum* (their optimiser has its own tolerance).
DIAG_RTOL_OPT = 2e-4
#: Digits the optimiser verifies here (at most; it stays fast).
OPT_DIGITS = 20
#: Largest mean M p of a ``tail`` row (the exact tail sums O(sqrt(M p) x digits) terms).
MAX_TAIL_MEAN = 10**10
#: The correct objective (every fault of the reference switched off).
_CORRECT = dict(alpha_variant="correct", shift=True, model="consistent")
#: "Our value could not be established": reported on the row, never as agreement.
UNVERIFIED = (_VerificationError, _PrecisionVerificationError)


class RowError(InputError):
    """A malformed row (reported with its line number, the other rows go on)."""


# ------------------------------------------------------------------------------------
# reading a row's parameters (the same domains and limits as the commands)
# ------------------------------------------------------------------------------------

def _text(row: dict, key: str) -> str:
    return str(row.get(key) if row.get(key) is not None else "").strip()


def number(value, name: str) -> mp.mpf:
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
    from ..optimum import check_problem

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
    cp = float(number(vals["compute"], "compute"))
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
    from ..thresholds import threshold

    return threshold(_ensemble(spec), kind, dps)


@functools.lru_cache(maxsize=256)
def _scaling(spec: str, dps: int):
    from ..amru import scaling_params

    return scaling_params(_ensemble(spec), dps)


@functools.lru_cache(maxsize=128)
def _optimum(dt: str, eps: str, cp: float, dps: int, variant: str = "correct", shift: bool = True):
    import sympy as sp

    from ..optimum import finite_optimum

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
    from ..giant import giant

    return giant(spec, dps).S.value


def _ours_kappa(dt, dps):
    import sympy as sp

    from ..optimum import kappa_star_value

    d = sp.Rational(dt)
    if not d > sp.E:
        return None  # no sharp transition
    return kappa_star_value(d, dps + 10)


def _ours_optimum(dt, eps, cp, dps):
    return _optimum(dt, eps, cp, min(dps, OPT_DIGITS)).R


def _ours_tail(M, p, eta, dps):
    from ..skills import tail_exact

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
    from ..giant import giant

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
            except UNVERIFIED:   # this fault's optimum cannot be established: it explains nothing
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


def entry(quantity) -> Quantity:
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
    q = entry(quantity)
    return q.ours(*q.parse(row), dps)
