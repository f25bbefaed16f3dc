"""Verified BP and MAP thresholds on the BEC, for any ensemble.

BP threshold (MODEL.md 1.3):

* lambda(0) = 0: eps_BP = inf over (0, 1] of eps(x) = x / lambda(1 - rho(1 - x)),
  either an interior minimum (tangency, eps'(x*) = 0) or the x -> 0 limit
  1/(lambda'(0) rho'(1)) (stability);
* lambda(0) > 0 (degree-0/1 variables, e.g. binomial / Poisson / concept-text):
  x = 0 is never a fixed point and an error-floor fixed point always exists; the
  threshold is the *jump* of the largest fixed point reached from x0 = eps, i.e.
  a local minimum of eps(x) that is below eps(x) everywhere to its right
  (a suffix minimum: the spinodal).  If eps(x) is monotone there is no jump:
  ``sharp = False`` and no number is returned.  The whole of (0, 1] is searched
  (no cut at x >= 0.1).

Critical points are located by a sign scan of eps'(x) on a mixed linear /
geometric grid, then refined by a bracketed solver (mpmath, the evaluation
API).  Every printed number is then **certified** in ball arithmetic
(:mod:`numeric.certify`, FLINT/Arb): an interval Newton step on eps'(x)
(with eps''(x), both derived symbolically) proves a unique critical point in
a tiny ball X, and eps(X), y(X) enclose the threshold and y*.  The printed
digits are those on which both ends of the enclosure agree, and the mpmath
value must lie in the enclosure (an independent cross-check).  The MAP
threshold is certified the same way on A(x) - r (the Maxwell condition).

The code is compiled once per *family* of ensembles with symbolic
parameters (:func:`numeric.evaluate.family_function`), so its cost does not
grow with the degrees: ``regular:300/regular:600``,
``regular:100000/regular:200000`` and ``concept-text:...,R=1e7`` take about
as long as ``regular:3/regular:6``.  Closed forms that need a polynomial
factorisation (regular ensembles) are derived only for check degrees up to
:data:`CLOSED_FORM_MAX_DEGREE`.

Examples
--------
>>> from infoscaling.derivations.ensemble import parse_ensemble
>>> r = bp_threshold(parse_ensemble("regular:3/regular:6"), dps=20)
>>> r.text, r.limited_by, r.digits >= 20
('0.42943981441949183716', 'tangency', True)
>>> r.enclosures["threshold"]
('0.429439814419491837155609528331447', '0.429439814419491837155609528331448')
>>> sorted(r.certified_by)
['threshold', 'x', 'y']
>>> bp_threshold(parse_ensemble("regular:300/regular:600"), dps=12).text   # any degree
'0.0146222197754'
>>> bp_threshold(parse_ensemble("regular:2/regular:6"), dps=10).text
'0.2000000000'
>>> bp_threshold(parse_ensemble("poisson:2/poisson:12"), dps=10).sharp
False
"""

from __future__ import annotations

import dataclasses
import functools
import json
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

import mpmath as mp

from . import certify as cz
from .evaluate import (
    _fraction,
    _from_source,
    _LazyModule,
    _py_source,
    compile_ensemble,
    critical_brackets,
    family_key,
    family_params,
    precision_guard,
    store_read,
    store_write,
)
from .precision import VerificationError, agree_digits, check_dps, fmt
from .roots import illinois

sp = _LazyModule("sympy")
dth = _LazyModule("infoscaling.derivations.thresholds")

if TYPE_CHECKING:  # pragma: no cover
    from infoscaling.derivations.ensemble import Ensemble

__all__ = ["ThresholdResult", "bp_threshold", "map_threshold", "threshold", "critical_brackets",
           "critical_ball", "CLOSED_FORM_MAX_DEGREE"]

#: Largest check degree (regular ensembles) for which the closed form (a root of the derived
#: polynomial, found by factorisation) is computed: about 1 s at degree 100, growing fast beyond.
CLOSED_FORM_MAX_DEGREE = 100


@dataclass
class ThresholdResult:
    """A verified threshold with its critical point (CLI keys via :meth:`to_json`)."""

    kind: str
    value: mp.mpf | None
    x: mp.mpf | None
    y: mp.mpf | None
    sharp: bool
    limited_by: str
    dps: int
    digits: int | None
    text: str | None
    enclosure: tuple | None
    closed_form: sp.Expr | None = None
    closed_form_latex: str | None = None
    jumps: list = field(default_factory=list)
    note: str | None = None
    enclosures: dict = field(default_factory=dict)
    certified_by: dict = field(default_factory=dict)
    x_text: str | None = None
    y_text: str | None = None

    def to_json(self) -> dict:
        with mp.workdps(self.dps + 20):
            return self._json()

    def _json(self) -> dict:
        return {
            "kind": self.kind,
            "threshold": self.text,
            "x": self.x_text if self.x_text is not None else (None if self.x is None else fmt(self.x, self.dps)),
            "y": self.y_text if self.y_text is not None else (None if self.y is None else fmt(self.y, self.dps)),
            "sharp": self.sharp,
            "limited_by": self.limited_by,
            "dps": self.dps,
            "digits": self.digits,
            "enclosure": None if self.enclosure is None else [str(v) for v in self.enclosure],
            "closed_form_latex": self.closed_form_latex,
            "jumps": [fmt(j, self.dps) for j in self.jumps],
            "note": self.note,
            "enclosures": {k: list(v) for k, v in self.enclosures.items()},
            "certified_by": dict(self.certified_by),
        }


def _refine(ce, a, b):
    """Critical point of eps(x) in the scan bracket [a, b] at the current precision."""
    return illinois(ce.deps_dx, a, b)


def _stability(ens, ce):
    """The stability bound 1/(lambda'(0) rho'(1)) as a Fraction, or None when it is infinite.

    From the SymPy ensemble when there is one; for a parsed string, from the
    derived lambda' and rho' evaluated exactly in ball arithmetic (integers for
    the generic families; anything inexact is derived with SymPy instead).
    """
    if hasattr(ens, "stability_bound"):
        s = ens.stability_bound()
        return None if s == sp.oo else _fraction(s)
    from flint import arb

    with cz.workprec(256):
        lp0, rp1 = ce.ball("dlam")(arb(0)), ce.ball("drho")(arb(1))
    if not (lp0.is_exact() and rp1.is_exact()):
        raise _NeedDerivation
    if lp0.is_zero():
        return None
    return 1 / (cz._exact(lp0) * cz._exact(rp1))


class _NeedDerivation(Exception):
    """The derived forms of a parsed ensemble are not in the store: derive them with SymPy."""


def _real_brackets(ens, brackets) -> list:
    """Scan brackets in which a sign change of eps'(x) is real: a bracket where neither end's
    sign can be certified in ball arithmetic is rounding noise (e.g. eps(x) constant for
    regular:2/regular:2) and is dropped."""
    from flint import arb  # noqa: F401 - python-flint is needed for the balls below

    f = compile_ensemble(ens).ball("deps_dx")
    out = []
    with cz.workprec(128 + 4 * precision_guard(ens)):
        for a, b, kind in brackets:
            fa, fb = f(cz.arb_of(a)), f(cz.arb_of(b))
            if (fa.is_finite() and not fa.contains(0)) or (fb.is_finite() and not fb.contains(0)):
                out.append((a, b, kind))
    return out


def _candidates(ens):
    """Return (mode, minima brackets, stability bound as a Fraction or None)."""
    ce = compile_ensemble(ens)
    brackets = _real_brackets(ens, critical_brackets(ens))
    mins = [(a, b) for a, b, k in brackets if k == "min"]
    if not ce.low_degree:
        return "infimum", mins, _stability(ens, ce)
    return "jump", mins, None


def _exact_mpf(q):
    return mp.mpf(q.numerator) / q.denominator


def _solve_bp(ens: Ensemble, structure):
    """Compute (value, x, limited_by, jumps) at the current precision."""
    ce = compile_ensemble(ens)
    mode, mins, s = structure
    pts = []
    for a, b in mins:
        x = _refine(ce, a, b)
        pts.append((ce.eps_of_x(x), x))
    if mode == "infimum":
        best = None
        for v, x in pts:
            if best is None or v < best[0]:
                best = (v, x, "tangency")
        if s is not None:
            sv = _exact_mpf(s)
            if best is None or sv <= best[0]:
                best = (sv, mp.mpf(0), "stability")
        if best is None:  # eps(x) increasing from eps(0+) = oo? cannot happen with lambda(0)=0
            return None, None, "none", []
        return best[0], best[1], best[2], [v for v, _ in pts]
    # jumps: local minima that are suffix minima of eps(x)
    jumps = []
    pts.sort(key=lambda t: t[1])
    for i, (v, x) in enumerate(pts):
        right_min = min([w for w, _ in pts[i + 1:]] + [ce.eps_of_x(mp.mpf(1))])
        if v < right_min and v < 1:  # a jump at eps >= 1 is outside the channel range
            jumps.append((v, x))
    if not jumps:
        return None, None, "none", []
    v, x = max(jumps, key=lambda t: t[0])
    return v, x, "tangency", [j[0] for j in sorted(jumps, key=lambda t: -t[0])]


def critical_ball(ens, x0):
    """Arb ball certified (interval Newton on eps', with eps'') to hold the unique critical point near ``x0``.

    Evaluated at the current Arb precision (use inside :func:`numeric.certify.workprec`).
    """
    ce = compile_ensemble(ens)
    return cz.interval_newton(ce.ball("deps_dx"), ce.ball("d2eps_dx2"), x0)


#: Cells of the exhaustive search for critical points: [2^-66, 1] (2^-66 ~ 1.4e-20, the scan's
#: lower end), dyadic towards 0 and a 1/800 grid above.
_GLOBAL_POINTS = tuple(sorted({Fraction(1, 2**j) for j in range(1, 67)} | {Fraction(k, 800) for k in range(1, 801)}))
#: Enclosures allowed per exhaustive search (each a mean-value form of eps'(x) over a cell).
GLOBAL_BUDGET = 3000
#: Working precision of the exhaustive search (the uniqueness balls are about 2^-(bits-24) wide, so the
#: bisection next to a critical point is about `bits` levels deep).
GLOBAL_BITS = 64


@functools.lru_cache(maxsize=128)
def _global_certificate(ens) -> str | None:
    """Prove that the scan found every critical point of eps(x) on [2^-66, 1].

    Each scanned critical point gets an interval-Newton ball in which it is the
    only one; every other cell of [2^-66, 1] is shown free of zeros of eps'(x)
    by the sign of a mean-value enclosure (bisecting where needed), and the
    values of eps at the minima are shown pairwise distinct.  Returns the
    method text, or None when this could not be proved within the budget
    (the threshold is then certified locally only, and ``certified_by`` says so).
    """
    ce = compile_ensemble(ens)
    f, df, eps_b = ce.ball("deps_dx"), ce.ball("d2eps_dx2"), ce.ball("eps_of_x")
    brackets = critical_brackets(ens)
    guard = precision_guard(ens)
    with mp.workdps(40 + guard):
        xs = [(illinois(ce.deps_dx, a, b), kind) for a, b, kind in brackets]
    with cz.workprec(GLOBAL_BITS + 4 * guard):
        try:
            found = [(cz.interval_newton(f, df, x, region=True), kind) for x, kind in xs]
        except VerificationError:
            return None
        if not cz.exclude_roots(f, df, _GLOBAL_POINTS, [X for (_, X), _ in found], budget=GLOBAL_BUDGET):
            return None
        values = [eps_b(N) for (N, _), kind in found if kind == "min"]
        if any(u.overlaps(v) for i, u in enumerate(values) for v in values[i + 1:]):
            return None
    return (f"exhaustive on [2^-66, 1]: eps'(x) has exactly {len(found)} zero(s) there (mean-value "
            "enclosures over every other cell), so the minima compared are all of them")


_NEWTON = ("interval Newton on eps'(x) (with eps''(x), derived) proves a unique critical point in a ball X; "
           "arb encloses eps(X)")


def _certify_tangency(ens, x0, dps: int) -> dict:
    ce = compile_ensemble(ens)
    eps_b, y_b = ce.ball("eps_of_x"), ce.ball("y")

    def compute():
        X = critical_ball(ens, x0)
        return {"threshold": eps_b(X), "x": X, "y": y_b(X)}

    methods = {"threshold": _NEWTON, "x": "interval Newton on eps'(x)",
               "y": "arb: y(X) = 1 - rho(1 - X) over the certified ball X"}
    return cz.certify_many(compute, dps, methods, name="threshold")


_cross_check = cz.cross_check


@functools.lru_cache(maxsize=128)
def _closed_form_of(ens: Ensemble, low_degree: bool):
    """The derived closed form when it is affordable (see :data:`CLOSED_FORM_MAX_DEGREE`), else None."""
    from infoscaling.derivations.degree import Poisson, Regular

    var, chk = ens.var, ens.check
    if isinstance(var, Poisson) and isinstance(chk, Poisson):
        return dth.closed_form(ens)
    if isinstance(var, Regular) and isinstance(chk, Regular):
        if int(var.d) == 2 or (int(chk.d) <= CLOSED_FORM_MAX_DEGREE and int(var.d) <= CLOSED_FORM_MAX_DEGREE):
            return dth.closed_form(ens)
        return None
    if low_degree:
        return None  # closed_form has nothing for error-floor ensembles other than Poisson pairs
    return dth.closed_form(ens)


#: Digits of a closed form's value kept in the derived-form store (checks up to dps = STORED_DIGITS - 10).
STORED_DIGITS = 160


def _store_name(ens) -> str | None:
    key = family_key(ens)
    if not all(isinstance(k, str) for k in key):
        return None
    import hashlib

    ident = json.dumps([list(key), [str(_fraction(p)) for p in family_params(ens)]])
    return "closed-" + hashlib.sha256(ident.encode()).hexdigest()[:24] + ".json"


def _store_closed_form(ens, cf) -> None:
    """Keep the derived closed form (kind, LaTeX, value to STORED_DIGITS digits) for SymPy-free runs."""
    name = _store_name(ens)
    if name is None:
        return
    if cf is None:
        doc = {"closed": None}
    else:
        e = cf["expr"]
        value = str(e) if e.is_Rational else sp.N(e, STORED_DIGITS + 5).__str__()
        doc = {"closed": {"kind": cf["kind"], "latex": cf["latex"], "value": value,
                          "rational": bool(e.is_Rational)}}
    store_write(name, doc)


def _stored_closed_form(ens, dps: int):
    """The stored closed form of a parsed ensemble (dict or None), or raise _NeedDerivation."""
    name = _store_name(ens)
    doc = store_read(name) if name else None
    if doc is None:
        raise _NeedDerivation
    cf = doc["closed"]
    if cf is not None and not cf["rational"] and dps + 10 > STORED_DIGITS:
        raise _NeedDerivation
    return cf


def _check_stored_closed_form(cf, cert, dps: int) -> None:
    """As :func:`_check_closed_form`, with the closed form's stored value."""
    with mp.workdps(STORED_DIGITS + 10):
        v = mp.mpf(Fraction(cf["value"]).numerator) / Fraction(cf["value"]).denominator \
            if cf["rational"] else mp.mpf(cf["value"])
        if not cz.contains(cert.enclosure, v) and agree_digits(v, cert.value) < dps + 3:
            raise VerificationError(f"closed form {cf['kind']} disagrees with direct minimisation: "
                                    f"{fmt(v, dps)} vs {cert.text}")


@functools.lru_cache(maxsize=128)
def _closed_form_ball_fn(expr):
    """Arb function of a closed-form value (compiled once), or None for a CRootOf."""
    try:
        return cz.arb_lambdify([], expr)
    except cz.NotCertifiable:
        return None


def _check_closed_form(cf, cert, dps: int) -> None:
    """The closed form must agree with the certified direct minimisation."""
    fn = _closed_form_ball_fn(cf["expr"])
    if fn is not None:
        ball = cz.certify(fn, dps, "closed form", name="closed form").ball
        if not ball.overlaps(cert.ball):
            raise VerificationError(f"closed form {cf['kind']} disagrees with the certified direct minimisation")
        return
    # a CRootOf (regular ensembles): compare at high precision with mpmath
    with mp.workdps(2 * dps + 20):
        cval = _exact_mpf(_fraction(cf["expr"])) if cf["expr"].is_Rational else mp.mpf(sp.N(cf["expr"], 2 * dps + 20))
        if not cz.contains(cert.enclosure, cval) and agree_digits(cval, cert.value) < dps + 3:
            raise VerificationError(f"closed form {cf['kind']} disagrees with direct minimisation: "
                                    f"{fmt(cval, dps)} vs {cert.text}")


def _exact_certified(q, dps: int, method: str):
    """A certified exact rational."""
    return cz.certified_exact(Fraction(q), dps, method)


def bp_threshold(ens, dps: int = 30) -> ThresholdResult:
    """BP threshold of ``ens``; every printed digit certified by a ball enclosure.

    Parameters
    ----------
    ens : Ensemble or parsed ensemble string
        An :class:`~derivations.ensemble.Ensemble`, or the result of
        :func:`derivations.specs.parse_ensemble_spec`: then the derived code
        and closed form are taken from the derived-form store when present
        (no SymPy is imported), else derived as for an Ensemble.
    dps : int
        Significant digits to report.

    Returns
    -------
    ThresholdResult
        ``value`` None and ``sharp`` False when the ensemble has degree-0/1
        variables and eps(x) is monotone (no jump).  ``enclosures`` maps
        ``threshold``, ``x``, ``y`` to decimal ``[lo, hi]`` (rounded outward);
        ``certified_by`` says how; ``digits`` is the number of significant
        digits the threshold's enclosure determines.

    Raises
    ------
    ValueError
        Invalid ``dps``.
    VerificationError
        When the enclosure cannot fix ``dps`` digits, or the mpmath value or
        the closed form falls outside it.
    """
    dps = check_dps(dps)
    if not hasattr(ens, "stability_bound"):  # a parsed string: try the stored derived forms
        try:
            return _bp_threshold(ens, dps, stored=True)
        except _NeedDerivation:
            from infoscaling.derivations.ensemble import ensemble_from_spec

            ens = ensemble_from_spec(ens)
    return _bp_threshold(ens, dps, stored=False)


def _bp_threshold(ens, dps: int, stored: bool) -> ThresholdResult:
    structure = _candidates(ens)
    ce = compile_ensemble(ens)
    with mp.workdps(dps + 15 + precision_guard(ens)):
        v1, x1, limited_by, jumps = _solve_bp(ens, structure)
    if v1 is None:
        return ThresholdResult("bp", None, None, None, False, "none", dps, None, None, None,
                               note="eps(x) is monotone: the residual erasure changes "
                                    "continuously, there is no sharp threshold")
    if stored:
        cf = _stored_closed_form(ens, dps)
    else:
        cf = _closed_form_of(ens, ce.low_degree)
        _store_closed_form(ens, cf)
    closed, closed_tex = None, None
    use_cf = cf is not None and (cf["kind"] != "stability-candidate" or limited_by == "stability")
    if use_cf:
        closed, closed_tex = cf.get("expr"), cf["latex"]
    note = None
    if cf is None and limited_by == "tangency" and not ce.low_degree:
        note = (f"closed form not derived: check degree above {CLOSED_FORM_MAX_DEGREE} "
                "(the threshold is certified directly)")
    if limited_by == "stability":
        s = structure[2]
        method = "exact: the stability bound 1/(lambda'(0) rho'(1)) is a rational (derived)"
        cert = _exact_certified(s, dps, method)
        zero = _exact_certified(0, dps, "exact")
        certs = {"threshold": cert, "x": zero, "y": zero}
        enc = (str(s), str(s))
    else:
        certs = _certify_tangency(ens, x1, dps)
        glob = _global_certificate(ens)
        scope = glob if glob is not None else ("local: the critical point is certified; that the scan "
                                               "found every critical point is not proved")
        certs["threshold"] = dataclasses.replace(certs["threshold"],
                                                 method=certs["threshold"].method + "; " + scope)
        cert = certs["threshold"]
        _cross_check("threshold", cert, v1, dps)
        if use_cf:
            (_check_stored_closed_form if stored else _check_closed_form)(cf, cert, dps)
        enc = cert.enclosure
    with mp.workdps(2 * dps + 20):
        v, x = cert.value, certs["x"].value
        y = certs["y"].value
    jump_vals = jumps if ce.low_degree else []
    return ThresholdResult("bp", v, x, y, True, limited_by, dps, cert.digits, cert.text, enc, closed,
                           closed_tex, jump_vals, note,
                           enclosures={k: c.enclosure for k, c in certs.items()},
                           certified_by={k: c.method for k, c in certs.items()},
                           x_text=certs["x"].text, y_text=certs["y"].text)


#: Up to this degree the Maxwell area is integrated for the concrete ensemble (about 0.5 s); above
#: it, once per family with symbolic degrees (about 3 s once, then independent of the degrees).
MAXWELL_CONCRETE_DEGREE = 20


@functools.lru_cache(maxsize=64)
def _maxwell(ens: Ensemble):
    """Derived Maxwell function g(x) = A(x) - r and its derivative (mpmath and arb), compiled once.

    For families derived with symbolic parameters (regular pairs) the area is
    integrated once with symbolic degrees, so its cost does not grow with
    them (the concrete integral of a degree-600 polynomial took minutes).
    """
    from infoscaling.derivations.notation import X

    def g_of(e):
        return dth.map_area(e) - e.design_rate()

    small = all(getattr(side, "max_degree", None) is not None and side.max_degree <= MAXWELL_CONCRETE_DEGREE
                for side in (ens.var, ens.check))
    if all(isinstance(k, str) for k in family_key(ens)) and not small:
        from .evaluate import family_function

        def dg_of(e):
            return sp.diff(g_of(e), X)

        return (family_function(ens, "maxwell", g_of, "mpmath"), family_function(ens, "maxwell", g_of, "arb"),
                family_function(ens, "dmaxwell", dg_of, "arb"))
    doc = _maxwell_concrete(ens)
    return (_from_source(doc["g"], "mpmath"), _from_source(doc["g_arb"]["src"], "arb", doc["g_arb"]["consts"]),
            _from_source(doc["dg_arb"]["src"], "arb", doc["dg_arb"]["consts"]))


def _has_map_polynomial(ens) -> bool:
    """Regular pairs up to MAXWELL_CONCRETE_DEGREE: the MAP result shows their Maxwell polynomial."""
    from infoscaling.derivations.degree import Regular

    return isinstance(ens.var, Regular) and isinstance(ens.check, Regular) and \
        max(int(ens.var.d), int(ens.check.d)) <= MAXWELL_CONCRETE_DEGREE


def _maxwell_store_name(ens) -> tuple[str | None, str | None]:
    """Store name and exact identity (family text and parameters) of an ensemble's concrete Maxwell code."""
    import hashlib

    from .evaluate import exact_family_text

    text = exact_family_text(family_key(ens))
    if text is None:
        return None, None
    ident = text + "|" + ",".join(str(_fraction(p)) for p in family_params(ens))
    return "maxwell-" + hashlib.sha256(ident.encode()).hexdigest()[:32] + ".json", ident


@functools.lru_cache(maxsize=64)
def _maxwell_concrete(ens: Ensemble) -> dict:
    """Printed code of the concrete Maxwell function g = A(x) - r and g' (mpmath, arb) and the LaTeX of
    the Maxwell polynomial, from the derived-form store or derived here (SymPy area integral) and stored.

    The document repeats the ensemble's exact identity, compared on reading (the name is its digest).
    """
    from infoscaling.derivations.notation import X

    name, ident = _maxwell_store_name(ens)
    doc = store_read(name) if name else None
    if doc is not None and doc.get("ensemble") == ident:
        return doc
    g_expr = dth.map_area(ens) - ens.design_rate()
    g_b, dg_b = cz.arb_lambdify([X], g_expr), cz.arb_lambdify([X], sp.diff(g_expr, X))
    tex = None
    if _has_map_polynomial(ens):
        from infoscaling.derivations.notation import latex

        poly = dth.regular_map_polynomial(int(ens.var.d), int(ens.check.d))
        tex = (r"\varepsilon_{\mathrm{MAP}} = \varepsilon(x_{\mathrm{MAP}}),\quad %s = 0"
               % latex(poly.as_expr().subs(X, sp.Symbol("x_MAP"))))
    doc = {"ensemble": ident, "g": _py_source((X,), g_expr, "mpmath"),
           "g_arb": {"src": g_b.source, "consts": g_b.consts},
           "dg_arb": {"src": dg_b.source, "consts": dg_b.consts}, "latex": tex}
    if name is not None:
        store_write(name, doc)
    return doc


def map_threshold(ens, dps: int = 30) -> ThresholdResult:
    """MAP (Maxwell) threshold from the area theorem, for ensembles with lambda(0) = rho(0) = 0.

    The Maxwell point x_MAP is the root of A(x) = design rate on the upper BP
    branch (x_BP, 1], where A(x) (:func:`derivations.thresholds.map_area`) is
    decreasing; eps_MAP = eps(x_MAP).  Certified by interval Newton on
    A(x) - r (with A'(x), derived) and arb's enclosure of eps over the ball.

    Raises
    ------
    ValueError
        For ensembles with degree-0/1 variables, rho(0) != 0, or no BP tangency.
    VerificationError
        When the enclosure cannot fix ``dps`` digits.
    """
    dps = check_dps(dps)
    if not hasattr(ens, "stability_bound"):  # a parsed string: the Maxwell area is derived with SymPy
        from infoscaling.derivations.ensemble import ensemble_from_spec

        ens = ensemble_from_spec(ens)
    ce = compile_ensemble(ens)
    if ce.low_degree or sp.simplify(ens.rho(sp.Integer(0))) != 0:
        raise ValueError("--kind map: the MAP threshold needs lambda(0) = 0 and rho(0) = 0 "
                         "(e.g. regular or finite-support ensembles)")
    bp = bp_threshold(ens, dps=max(dps, 20))
    g, g_b, dg_b = _maxwell(ens)
    x_bp = bp.x

    with mp.workdps(dps + 15):
        lo = mp.mpf(x_bp) if x_bp is not None and x_bp > 0 else mp.mpf(10) ** -30
        glo = g(lo)
        if glo < 0:
            raise ValueError("--kind map: no Maxwell point above the BP critical point for this ensemble")
        x1 = lo if glo == 0 else illinois(g, lo, mp.mpf(1))
        v1 = ce.eps_of_x(x1)
    eps_b, y_b = ce.ball("eps_of_x"), ce.ball("y")

    def compute():
        Xb = cz.interval_newton(g_b, dg_b, x1)
        return {"threshold": eps_b(Xb), "x": Xb, "y": y_b(Xb)}

    methods = {"threshold": "interval Newton on the Maxwell condition A(x) - r (with A'(x), derived) proves "
                            "a unique x_MAP in a ball X; arb encloses eps(X)",
               "x": "interval Newton on A(x) - r", "y": "arb: y(X) over the certified ball X"}
    certs = cz.certify_many(compute, dps, methods, name="MAP threshold")
    cert = certs["threshold"]
    _cross_check("MAP threshold", cert, v1, dps)
    closed_tex = _maxwell_concrete(ens)["latex"] if _has_map_polynomial(ens) else None
    with mp.workdps(2 * dps + 20):
        v, x, y = cert.value, certs["x"].value, certs["y"].value
    return ThresholdResult("map", v, x, y, True, "maxwell", dps, cert.digits, cert.text,
                           cert.enclosure, None, closed_tex,
                           enclosures={k: c.enclosure for k, c in certs.items()},
                           certified_by={k: c.method for k, c in certs.items()},
                           x_text=certs["x"].text, y_text=certs["y"].text)


def threshold(ens: Ensemble, kind: str = "bp", dps: int = 30) -> ThresholdResult:
    """Dispatch to :func:`bp_threshold` or :func:`map_threshold`."""
    if kind == "bp":
        return bp_threshold(ens, dps)
    if kind == "map":
        return map_threshold(ens, dps)
    raise ValueError(f"kind must be 'bp' or 'map', got {kind!r}")


__all__ += ["VerificationError"]
