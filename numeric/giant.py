"""Giant component of random graphs at any precision (MODEL.md 2.1; ``infoscaling giant``).

The derivations (:mod:`derivations.graphs`) give ``G_0``, ``G_1``, the
Molloy-Reed criterion and the mean component size exactly; this module
evaluates them with mpmath:

* the transition is decided **exactly** from the sign of the SymPy criterion,
  so on the subcritical side (and at the critical point) ``u = 1`` and
  ``S = 0`` exactly;
* above the transition the nontrivial root of ``u = G_1(u)`` is **bracketed**
  in ``[lo, hi]`` with ``G_1(lo) - lo >= 0 > G_1(hi) - hi`` and refined by
  the Illinois method, which keeps the bracket; the trivial root ``u = 1`` is
  never approached (``G_1 - u`` is convex with a single zero in ``[0, 1)``);
* every reported number is verified by recomputation at higher precision
  (:func:`numeric.precision.verified`); near the transition the working
  precision is raised by the number of digits lost in ``1 - u``;
* and then **certified** in ball arithmetic (:mod:`numeric.certify`): the
  signs of ``G_1(u) - u`` at both ends of a tiny bracket around the computed
  root are proved (positive below, negative above: a root inside, the only one
  in ``[0, 1)`` by convexity), ``S = 1 - G_0(U)`` is enclosed over that
  bracket, and the printed digits are those the enclosures fix (``enclosures``
  and ``certified_by`` in the JSON).  Laws whose generating functions Arb
  cannot evaluate (pure power laws: Lerch Phi) say so in ``certified_by`` and
  keep the recomputation check only.

Examples
--------
>>> r = giant("poisson:2", dps=18)
>>> r.S.text
'0.796812130020020046'
>>> giant("poisson:1").S.text, giant("poisson:1/2").mean_component_size.text
('0', '2.00000000000000000000000000000')
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import mpmath as mp
import sympy as sp
from infoscaling.derivations.graphs import FiniteLaw, GraphLaw, PowerLaw, parse_law

from . import certify as cz
from .evaluate import lambdify_mp
from .precision import VerificationError, Verified, check_dps, verified
from .roots import illinois

__all__ = ["GiantResult", "giant", "solve_u", "law_of", "numeric_law", "NumericLaw",
           "erdos_renyi_S"]


def law_of(law) -> GraphLaw:
    """Accept a :class:`GraphLaw` or a CLI law string."""
    if isinstance(law, GraphLaw):
        return law
    return parse_law(law)


def _mpf_of(expr) -> mp.mpf:
    """An exact SymPy number at the current mpmath precision."""
    expr = sp.sympify(expr)
    if expr.is_Rational:
        return mp.mpf(int(expr.p)) / int(expr.q)
    val = sp.N(expr, mp.mp.dps + 5)
    if val.is_infinite:
        return mp.inf
    return mp.mpf(str(val))


class NumericLaw:
    """mpmath evaluators of ``G_0`` and ``G_1`` of a law at the current precision.

    Finite-support laws are evaluated by Horner's rule from their exact
    coefficients (power laws with a cutoff from ``k^-tau`` computed at the
    working precision); the others through ``sympy.lambdify(..., "mpmath")``
    of the derived expressions (Lerch ``Phi`` for pure power laws).
    """

    def __init__(self, law: GraphLaw):
        self.law = law
        self._cache: dict[int, tuple] = {}
        self._poly = isinstance(law, FiniteLaw) or (isinstance(law, PowerLaw) and law.kmax is not None)
        if not self._poly:
            x = sp.Symbol("x")
            self._g0 = lambdify_mp(x, law.G0(x))
            self._g1 = lambdify_mp(x, law.G1(x))

    def _coeffs(self):
        prec = mp.mp.prec
        if prec not in self._cache:
            law = self.law
            if isinstance(law, PowerLaw):
                tau = _mpf_of(law.tau)
                w = [mp.mpf(0)] * (int(law.kmax) + 1)
                for k in range(int(law.kmin), int(law.kmax) + 1):
                    w[k] = mp.power(k, -tau)
                z = mp.fsum(w)
                p = [v / z for v in w]
            else:
                p = [_mpf_of(c) for c in law.coefficients()]
            m = mp.fsum(k * v for k, v in enumerate(p))
            q = [(k + 1) * p[k + 1] / m for k in range(len(p) - 1)] if m != 0 else [mp.mpf(1)]
            self._cache[prec] = (p, q)
        return self._cache[prec]

    @staticmethod
    def _horner(c, x):
        acc = mp.mpf(0)
        for v in reversed(c):
            acc = acc * x + v
        return acc

    def G0(self, x):
        """``G_0(x)`` at the current precision."""
        if self._poly:
            return self._horner(self._coeffs()[0], x)
        return mp.mpf(self._g0(x))

    def G1(self, x):
        """``G_1(x)`` at the current precision."""
        if self._poly:
            return self._horner(self._coeffs()[1], x)
        return mp.mpf(self._g1(x))


_NUMERIC_CACHE: dict[str, NumericLaw] = {}


def numeric_law(law) -> NumericLaw:
    """Cached :class:`NumericLaw` of a law (or law string)."""
    law = law_of(law)
    key = law.spec()
    if key not in _NUMERIC_CACHE:
        if len(_NUMERIC_CACHE) > 256:
            _NUMERIC_CACHE.clear()
        _NUMERIC_CACHE[key] = NumericLaw(law)
    return _NUMERIC_CACHE[key]


def solve_u(law, *, supercritical: bool | None = None) -> mp.mpf:
    """Smallest root of ``u = G_1(u)`` in ``[0, 1]`` at the current mpmath precision.

    Parameters
    ----------
    law : GraphLaw or str
    supercritical : bool, optional
        The (exact) transition decision; computed from the criterion if omitted.

    Returns
    -------
    mpmath.mpf
        ``1`` exactly at or below the transition; ``0`` exactly when
        ``G_1(0) = 0``; else the bracketed nontrivial root.

    Raises
    ------
    VerificationError
        If no point with ``G_1(u) < u`` can be resolved at this precision
        (too close to the transition).

    Examples
    --------
    >>> with mp.workdps(20):
    ...     print(solve_u("poisson:2"))
    0.20318786997997995384
    """
    law = law_of(law)
    if supercritical is None:
        supercritical = law.supercritical()
    if not supercritical:
        return mp.mpf(1)
    nl = numeric_law(law)
    f0 = nl.G1(mp.mpf(0))
    if f0 == 0:
        return mp.mpf(0)

    def f(u):
        return nl.G1(u) - u

    lo, flo = mp.mpf(0), f0
    h = mp.mpf(1) / 2
    tiny = mp.ldexp(1, -mp.mp.prec + 8)
    while True:
        x = 1 - h
        fx = f(x)
        if fx < 0:
            hi, fhi = x, fx
            break
        lo, flo = x, fx
        h /= 2
        if h < tiny:
            raise VerificationError(
                "cannot separate the nontrivial root from u = 1 at this precision "
                "(law too close to the transition); increase dps"
            )
    rtol = mp.ldexp(1, -mp.mp.prec + 4)
    return illinois(f, lo, hi, flo, fhi, rtol=rtol, atol=rtol * mp.ldexp(1, -mp.mp.prec))


def _u_compensated(law, supercritical):
    """``u`` with the working precision raised by the digits lost in ``1 - u``."""
    u = solve_u(law, supercritical=supercritical)
    if 0 < u < 1:
        lost = int(max(0, -math.floor(float(mp.log10(1 - u))))) + 5
        if lost > 5:
            with mp.workdps(mp.mp.dps + lost):
                u = solve_u(law, supercritical=supercritical)
    return u


def erdos_renyi_S(c) -> mp.mpf:
    """Closed form ``1 + W_0(-c e^{-c}) / c`` for ``c > 1`` (0 otherwise), current precision.

    Examples
    --------
    >>> with mp.workdps(20):
    ...     print(erdos_renyi_S(2))
    0.79681213002002004616
    """
    c = mp.mpf(c)
    if c <= 1:
        return mp.mpf(0)
    return 1 + mp.lambertw(-c * mp.exp(-c), 0).real / c


@dataclass(frozen=True)
class GiantResult:
    """Verified giant-component quantities of a law (the ``giant`` command's JSON)."""

    law: str
    S: Verified
    u: Verified
    supercritical: bool
    criterion: str
    mean_component_size: Verified | None
    dps: int
    exact_S: bool
    certified: dict = field(default_factory=dict)
    certified_by: dict = field(default_factory=dict)

    @property
    def digits(self) -> int:
        """Digits verified for both ``S`` and ``u`` (the smaller)."""
        return min(self.S.digits, self.u.digits)

    def to_json(self) -> dict:
        return {
            "law": self.law,
            "S": self.S.text,
            "u": self.u.text,
            "supercritical": self.supercritical,
            "criterion": self.criterion,
            "mean_component_size": None if self.mean_component_size is None else self.mean_component_size.text,
            "dps": self.dps,
            "digits": self.digits,
            "digits_detail": {
                "S": self.S.digits, "u": self.u.digits,
                "mean_component_size": None if self.mean_component_size is None
                else self.mean_component_size.digits,
            },
            "enclosures": {k: list(c.enclosure) for k, c in self.certified.items()},
            "certified_by": dict(self.certified_by),
        }


def _transition_digits(law: GraphLaw) -> int:
    """Extra working digits near the transition: about ``-log10`` of the exact criterion.

    ``h = 1 - u`` is proportional to the criterion ``delta`` there, and
    ``G_1(1 - h) - (1 - h) ~ -h delta`` must be resolved against numbers of
    order 1: about ``2 |log10 delta|`` digits.
    """
    crit = sp.sympify(law.criterion())
    if crit == sp.oo or crit <= 0:
        return 0
    mag = sp.N(crit, 15)
    return 2 * max(0, -int(math.floor(float(sp.log(mag, 10))))) + 2


def _exact_verified(value: int, dps: int) -> Verified:
    return Verified(mp.mpf(value), str(value), dps + 10, dps)


def _constant(expr, dps: int) -> Verified:
    expr = sp.sympify(expr)
    return verified(lambda: _mpf_of(expr), dps)


def _criterion_text(expr, dps: int) -> str:
    expr = sp.sympify(expr)
    if expr == sp.oo:
        return "inf"
    if expr == 0:
        return "0"
    if expr.is_Integer:
        return str(expr)
    return _constant(expr, dps).text


_NOT_CERTIFIED = "not certified: Arb cannot evaluate this law's generating functions ({}); digits verified by recomputation only"


def _ball_law(law: GraphLaw):
    """Ball versions ``(G0, G1)`` of a law (Horner on exact coefficients, else compiled from SymPy).

    Raises
    ------
    NotCertifiable
        For functions Arb has no enclosure of here (Lerch Phi of pure power laws).
    """
    from flint import arb, fmpq

    nl = numeric_law(law)
    if nl._poly:
        if isinstance(law, PowerLaw):
            tau = cz.arb_of(sp.Rational(law.tau)) if sp.sympify(law.tau).is_Rational else None
            if tau is None:
                raise cz.NotCertifiable("irrational exponent")
            ks = range(int(law.kmin), int(law.kmax) + 1)

            def coeffs():
                w = [arb(0)] * (int(law.kmax) + 1)
                for k in ks:
                    w[k] = arb(k) ** (-tau)
                z = sum(w, arb(0))
                return [v / z for v in w]
        else:
            exact_c = [fmpq(int(c.p), int(c.q)) for c in map(sp.Rational, law.coefficients())]

            def coeffs():  # balls at the precision in force at the call
                return [arb(c) for c in exact_c]

        def both():
            p = coeffs()
            m = sum((k * v for k, v in enumerate(p)), arb(0))
            q = [(k + 1) * p[k + 1] / m for k in range(len(p) - 1)] if not m.is_zero() else [arb(1)]
            return p, q

        def horner(c, x):
            acc = arb(0)
            for v in reversed(c):
                acc = acc * x + v
            return acc

        return (lambda x: horner(both()[0], x)), (lambda x: horner(both()[1], x))
    x = sp.Symbol("x")
    return cz.arb_lambdify([x], law.G0(x)), cz.arb_lambdify([x], law.G1(x))


def _certified_constant(expr, dps: int, what: str):
    """A certified SymPy constant, or None when Arb cannot evaluate it."""
    expr = sp.sympify(expr)
    if expr.is_Rational:
        return cz.certified_exact(expr, dps, f"exact: {what} is a rational (derived)")
    try:
        fn = cz.arb_lambdify([], expr)
    except cz.NotCertifiable:
        return None
    return cz.certify(fn, dps, f"arb: the derived {what} in ball arithmetic", name=what)


def _certify_root(law: GraphLaw, u: Verified, dps: int, extra: int) -> dict:
    """Certified ``u`` (sign change of G1(u) - u) and ``S = 1 - G0(U)``."""
    from fractions import Fraction

    G0b, G1b = _ball_law(law)
    with mp.workdps(2 * dps + 20 + extra):  # the bracket centre must be accurate to well below r
        q = cz._exact(cz.arb_of(_u_compensated(law, True)))

    # relative to u: u can be tiny (1e-13 for poisson:30)
    r = abs(q) / 10 ** (dps + 6 + extra) if q else Fraction(1, 10 ** (dps + 6 + extra))

    def compute():
        U = cz.sign_change(lambda t: G1b(t) - t, q - r, q + r)
        return {"u": U, "S": 1 - G0b(U)}

    method = {"u": "sign change of G1(u) - u certified in ball arithmetic at both ends of a bracket "
                   "(the only root in [0, 1) by convexity)",
              "S": "arb: S = 1 - G0(U) over the certified bracket U"}
    return cz.certify_many(compute, dps, method, name="giant component")


def _certify(result: GiantResult, law: GraphLaw, dps: int, extra: int) -> GiantResult:
    """Attach enclosures to a verified result (or say why it could not be certified)."""
    certs, by = {}, {}
    crit_cert = None
    try:
        if result.exact_S and result.u.text in ("0", "1"):
            certs["u"] = cz.certified_exact(int(result.u.text), dps, "exact: u is 0 or 1 (derived)")
            if result.S.text in ("0", "1"):
                certs["S"] = cz.certified_exact(int(result.S.text), dps, "exact: S is 0 or 1 (derived)")
        elif result.u.text == "0":  # G1(0) = 0: u = 0 exactly, S = 1 - G0(0)
            certs["u"] = cz.certified_exact(0, dps, "exact: G1(0) = 0")
            G0b, _ = _ball_law(law)
            certs["S"] = cz.certify(lambda: 1 - G0b(cz.arb_of(0)), dps, "arb: S = 1 - G0(0)", name="S")
        else:
            certs.update(_certify_root(law, result.u, dps, extra))
        if result.mean_component_size is not None:
            c = _certified_constant(law.mean_component_size(), dps, "mean component size")
            if c is not None:
                certs["mean_component_size"] = c
        crit_expr = sp.sympify(law.criterion())
        if crit_expr != sp.oo and not crit_expr.is_Integer:
            c = _certified_constant(crit_expr, dps, "Molloy-Reed criterion")
            if c is not None:
                if c.text != result.criterion:
                    raise VerificationError(f"giant criterion: recomputation ({result.criterion}) and "
                                            f"enclosure ({c.text}) disagree")
                crit_cert = c  # (an exact tie rounds away from zero in both)
    except cz.NotCertifiable as exc:
        by = {k: _NOT_CERTIFIED.format(exc) for k in ("S", "u")}
        return replace(result, certified_by=by)
    for k, c in certs.items():
        old = getattr(result, k)
        if old is not None and c.text != old.text and old.text not in ("0", "1"):
            raise VerificationError(f"giant {k}: recomputation ({old.text}) and enclosure ({c.text}) disagree")
    by = {k: c.method for k, c in certs.items()}
    if crit_cert is not None:  # the criterion keeps its own (string) field; its enclosure is listed too
        by["criterion"] = crit_cert.method
    # exact 0 / 1 keep their short text; everything else prints the digits the enclosure certifies
    with mp.workdps(2 * dps + 20):
        new = {k: Verified(c.value, getattr(result, k).text if getattr(result, k).text in ("0", "1") else c.text,
                           c.digits, dps) for k, c in certs.items()}
    if crit_cert is not None:
        certs["criterion"] = crit_cert
    return replace(result, certified=certs, certified_by=by, **new)


def giant(law, dps: int = 30) -> GiantResult:
    """Giant fraction ``S``, root ``u``, criterion and mean component size, verified.

    Parameters
    ----------
    law : GraphLaw or str
        A law or CLI law string (``poisson:2``, ``projection:poisson:2/poisson:1``...).
    dps : int
        Significant digits to report (each verified by recomputation).

    Returns
    -------
    GiantResult

    Raises
    ------
    ValueError
        Bad law string or dps.
    VerificationError
        If the digits cannot be confirmed (e.g. extremely close to the transition).

    Examples
    --------
    >>> r = giant("regular:3", dps=10)
    >>> r.S.text, r.u.text, r.criterion
    ('1', '0', '3')
    >>> giant("projection:poisson:2/poisson:1", dps=12).S.text
    '0.589809965507'
    """
    dps = check_dps(dps)
    law = law_of(law)
    sup = law.supercritical()
    crit = _criterion_text(law.criterion(), dps)
    if not sup:
        u = _exact_verified(1, dps)
        S = _exact_verified(0, dps)
        msize = None
        if sp.sympify(law.G1_prime_at_1()) != 1:  # infinite exactly at the transition
            msize = _constant(law.mean_component_size(), dps)
        return _certify(GiantResult(law.spec(), S, u, False, crit, msize, dps, True), law, dps, 0)
    nl = numeric_law(law)
    extra = _transition_digits(law)
    with mp.workdps(dps + 10 + extra):
        u0 = solve_u(law, supercritical=True)
    if u0 == 0:
        u = _exact_verified(0, dps)
        S = verified(lambda: 1 - nl.G0(mp.mpf(0)), dps)
        if S.value == 1:
            S = _exact_verified(1, dps)
        return _certify(GiantResult(law.spec(), S, u, True, crit, None, dps, S.text == "1"), law, dps, extra)

    def u_at():
        with mp.workdps(mp.mp.dps + extra):
            return +_u_compensated(law, True)

    def S_at():
        with mp.workdps(mp.mp.dps + extra):
            return +(1 - nl.G0(_u_compensated(law, True)))

    u = verified(u_at, dps)
    S = verified(S_at, dps)
    return _certify(GiantResult(law.spec(), S, u, True, crit, None, dps, False), law, dps, extra)
