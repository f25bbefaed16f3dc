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
  precision is raised by the number of digits lost in ``1 - u``.

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
from dataclasses import dataclass

import mpmath as mp
import sympy as sp
from infoscaling.derivations.graphs import FiniteLaw, GraphLaw, PowerLaw, parse_law

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
        return GiantResult(law.spec(), S, u, False, crit, msize, dps, True)
    nl = numeric_law(law)
    extra = _transition_digits(law)
    with mp.workdps(dps + 10 + extra):
        u0 = solve_u(law, supercritical=True)
    if u0 == 0:
        u = _exact_verified(0, dps)
        S = verified(lambda: 1 - nl.G0(mp.mpf(0)), dps)
        if S.value == 1:
            S = _exact_verified(1, dps)
        return GiantResult(law.spec(), S, u, True, crit, None, dps, S.text == "1")

    def u_at():
        with mp.workdps(mp.mp.dps + extra):
            return +_u_compensated(law, True)

    def S_at():
        with mp.workdps(mp.mp.dps + extra):
            return +(1 - nl.G0(_u_compensated(law, True)))

    u = verified(u_at, dps)
    S = verified(S_at, dps)
    return GiantResult(law.spec(), S, u, True, crit, None, dps, False)
