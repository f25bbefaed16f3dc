"""The project's bracketed root finder (safeguarded Illinois / modified regula falsi).

One solver for every bracketed scalar root in ``numeric/``: giant-component
equations, DE fixed points, folds.  It keeps a sign-changing bracket, halves
the stale end's value when the same end is kept twice (Illinois), and falls
back to bisection every third step when the bracket has not shrunk by a
factor of 4 (near-double roots), so it always converges.
"""

from __future__ import annotations

import mpmath as mp

from .precision import VerificationError

__all__ = ["illinois"]


def illinois(f, a, b, fa=None, fb=None, *, rtol=None, atol=None, max_iter: int | None = None):
    """Root of ``f`` in ``[a, b]`` given a sign change, at the current mpmath precision.

    Parameters
    ----------
    f : callable
        Real function of an mpf.
    a, b : number
        Bracket ends (``a < b``) with ``f(a)`` and ``f(b)`` of opposite signs (or zero).
    fa, fb : mpf, optional
        ``f(a)``, ``f(b)`` when already known.
    rtol, atol : mpf, optional
        Stop when ``b - a <= max(rtol |x|, atol)``; defaults ``2^(4 - prec)`` and
        ``rtol * 2^(-prec) * (b - a)``.
    max_iter : int, optional
        Defaults to ``20 * dps + 400``.

    Returns
    -------
    mpf
        The last iterate (or an end where ``f`` vanishes).

    Raises
    ------
    VerificationError
        If ``f(a)`` and ``f(b)`` have the same strict sign.

    Examples
    --------
    >>> with mp.workdps(30):
    ...     r = illinois(lambda x: x**2 - 2, 1, 2)
    ...     mp.nstr(r, 25)
    '1.414213562373095048801689'
    """
    a, b = mp.mpf(a), mp.mpf(b)
    fa = f(a) if fa is None else fa
    fb = f(b) if fb is None else fb
    if fa == 0:
        return a
    if fb == 0:
        return b
    if (fa > 0) == (fb > 0):
        raise VerificationError("root not bracketed")
    g = f
    if fa < 0:  # work with g = -f, so that g(a) > 0 > g(b)
        fa, fb = -fa, -fb

        def g(x):
            return -f(x)

    rtol = mp.ldexp(1, 4 - mp.mp.prec) if rtol is None else mp.mpf(rtol)
    atol = rtol * mp.ldexp(1, -mp.mp.prec) * (b - a) if atol is None else mp.mpf(atol)
    max_iter = 20 * mp.mp.dps + 400 if max_iter is None else max_iter
    side = 0
    width = b - a
    for it in range(max_iter):
        c = b - fb * (b - a) / (fb - fa)
        if not (a < c < b) or (it % 3 == 2 and (b - a) > width / 4):
            c = (a + b) / 2  # safeguard: bisection when the secant steps stall
        if it % 3 == 2:
            width = b - a
        fc = g(c)
        if fc == 0:
            return c
        if fc > 0:
            a, fa = c, fc
            if side == 1:
                fb /= 2
            side = 1
        else:
            b, fb = c, fc
            if side == -1:
                fa /= 2
            side = -1
        if b - a <= max(rtol * abs(c), atol):
            return c
    raise VerificationError("bracketed root iteration did not converge")  # pragma: no cover
