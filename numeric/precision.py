"""Scoped precision and verified values.

Library code never assigns ``mp.dps`` globally: it uses ``mp.workdps``.  A
value the project reports is *verified*: :func:`verified` computes it at a
working precision and again at a higher one, counts the significant digits on
which the two agree, and refuses to report digits it could not confirm.

Examples
--------
>>> import mpmath as mp
>>> v = verified(lambda: mp.mpf(1) / 3, 30)
>>> v.text, v.digits >= 30
('0.333333333333333333333333333333', True)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import mpmath as mp

from . import validate
from .errors import VerificationError  # the one class of the error taxonomy (CLI exit 1)

__all__ = ["MAX_DPS", "check_dps", "Verified", "verified", "agree_digits", "fmt", "VerificationError"]

#: Largest decimal precision accepted from users (beyond it runs take hours); see numeric.validate.
MAX_DPS = validate.DPS_MAX


def check_dps(dps, name: str = "dps") -> int:
    """Validate a requested decimal precision (:func:`numeric.validate.dps`: an exact integer in [1, MAX_DPS])."""
    return validate.dps(dps, name)


def agree_digits(a, b) -> int:
    """Number of significant decimal digits on which ``a`` and ``b`` agree.

    Exact agreement returns a large sentinel (the current precision + 10).
    """
    a, b = mp.mpf(a), mp.mpf(b)
    if a == b:
        return mp.mp.dps + 10
    scale = max(abs(a), abs(b))
    if scale == 0:
        return mp.mp.dps + 10
    rel = abs(a - b) / scale
    return max(0, int(math.floor(-float(mp.log10(rel)))))


def fmt(value, digits: int) -> str:
    """Decimal string of ``value`` with ``digits`` significant digits (no exponent when sensible)."""
    return mp.nstr(mp.mpf(value), digits, strip_zeros=False, min_fixed=-5, max_fixed=digits)


@dataclass(frozen=True)
class Verified:
    """A value confirmed by recomputation: ``text`` carries ``dps`` digits, all verified."""

    value: mp.mpf
    text: str
    digits: int
    dps: int


def verified(compute: Callable[[], object], dps: int, guard: int = 10) -> Verified:
    """Compute ``compute()`` at ``dps + guard`` and ``2 dps + guard`` digits and compare.

    Parameters
    ----------
    compute : callable
        Evaluates the quantity at the current ``mp.dps`` (called under ``workdps``).
    dps : int
        Digits to report.
    guard : int
        Extra working digits.

    Returns
    -------
    Verified
        ``digits`` is the agreement of the two evaluations (capped at the
        higher working precision); ``text`` has ``dps`` significant digits.

    Raises
    ------
    VerificationError
        If fewer than ``dps`` digits agree.
    """
    dps = check_dps(dps)
    with mp.workdps(dps + guard):
        v1 = mp.mpf(compute())
    hi = 2 * dps + guard
    with mp.workdps(hi):
        v2 = mp.mpf(compute())
        digits = min(agree_digits(v1, v2), hi)
    if digits < dps:
        raise VerificationError(
            f"only {digits} digits agree between {dps + guard} and {hi} working digits (asked for {dps})"
        )
    with mp.workdps(hi):
        text = fmt(v2, dps)
    return Verified(v2, text, digits, dps)


def directed(value, digits: int, up: bool) -> str:
    """Decimal string with ``digits`` significant digits rounded *outward*.

    ``up=False`` gives a string whose value is <= ``value``, ``up=True`` one >= it,
    so a pair of them keeps an interval enclosure rigorous.  ``value`` (an mpf,
    int, float or :class:`~fractions.Fraction`) is converted exactly and rounded
    in rational arithmetic (:func:`directed_fraction`), so no working precision
    can spoil the direction.

    Examples
    --------
    >>> directed(mp.mpf(2) / 3, 5, up=False), directed(mp.mpf(2) / 3, 5, up=True)
    ('0.66666', '0.66667')
    """
    if isinstance(value, Fraction):
        return directed_fraction(value, digits, up)
    v = mp.mpf(value)
    if not mp.isfinite(v):
        raise ValueError(f"directed rounding of a non-finite value {v}")
    man, exp = v.man_exp  # |v| = man 2^exp (mpmath keeps the sign apart)
    q = Fraction(man) * (Fraction(2) ** exp) * (-1 if v < 0 else 1)
    return directed_fraction(q, digits, up)


def exponent10(q: Fraction) -> int:
    """floor(log10 |q|) for q != 0, exactly, in integer arithmetic on the numerator and denominator
    (a first guess from their bit lengths, within 1 of the answer, then corrected)."""
    n, d = abs(q.numerator), q.denominator
    e = int((n.bit_length() - d.bit_length()) * 0.30102999566398120)

    def at_least(k):  # n/d >= 10^k
        return n * 10 ** (-k) >= d if k < 0 else n >= d * 10**k

    while not at_least(e):
        e -= 1
    while at_least(e + 1):
        e += 1
    return e


def directed_fraction(q: Fraction, digits: int, up: bool) -> str:
    """The exact rational ``q`` rounded outward (floor if not ``up``, else ceiling) to ``digits``
    significant digits, in the project's decimal layout."""
    if q == 0:
        return "0"
    shift = digits - 1 - exponent10(q)
    scaled = q * Fraction(10) ** shift
    m = math.ceil(scaled) if up else math.floor(scaled)
    sign = "-" if m < 0 else ""
    s = str(abs(m))
    if shift <= 0:
        return sign + s + "0" * (-shift)
    if len(s) <= shift:
        s = "0" * (shift - len(s) + 1) + s
    return sign + s[:-shift] + "." + s[-shift:]
