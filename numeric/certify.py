"""Certified digits by ball arithmetic (FLINT/Arb through ``python-flint``).

A number this project prints is *certified*: it comes with a rigorous
enclosure ``[lo, hi]`` computed in ball (midpoint-radius interval) arithmetic,
and the printed decimal digits are exactly those the enclosure determines
(both ends round to the same ``dps``-digit decimal).  mpmath stays the
evaluation API and an independent cross-check; this module supplies the
proofs.

What is here (the shared helpers every command uses):

* :func:`arb_lambdify` -- compile a *derived* SymPy expression into a Python
  function of ``arb`` balls, by walking the expression tree once (common
  subexpressions shared); exact rationals become balls at the precision of
  each call, so nothing is re-typed and nothing is rounded at compile time;
* :func:`workprec` -- scoped Arb precision (never set globally);
* :func:`interval_newton` -- certify a simple root: midpoint Newton steps,
  then an interval Newton step ``N(X) = m - f(m)/f'(X)``; ``N(X)`` strictly
  inside ``X`` proves a unique root in ``X`` and encloses it in ``N(X)``;
* :func:`sign_change` -- certify a root by signs of a certified function at
  both ends of a bracket (existence by the intermediate value theorem);
* :func:`certify` -- run a ball computation at increasing precision until the
  enclosure fixes ``dps`` digits; returns a :class:`Certified`;
* :func:`kappa_star` -- the optimal texts-per-concept ratio from its Lambert-W
  closed form (:func:`derivations.optimum.kappa_star`).

Examples
--------
>>> import sympy as sp
>>> x = sp.Symbol("x")
>>> f = arb_lambdify([x], x**2 - 2)
>>> df = arb_lambdify([x], sp.diff(x**2 - 2, x))
>>> c = certify(lambda: interval_newton(f, df, 1.4), 30, "interval-newton")
>>> c.text, c.digits >= 30
('1.41421356237309504880168872421', True)
>>> contains(c.enclosure, "1.41421356237309504880168872420969807856967187537694807")
True
>>> kappa_star(6, 20).text
'4.5329896198607487742'

References
----------
F. Johansson, "Arb: efficient arbitrary-precision midpoint-radius interval
arithmetic", IEEE Trans. Computers 66(8), 2017.
R. E. Moore, R. B. Kearfott, M. J. Cloud, *Introduction to Interval
Analysis*, SIAM (2009), ch. 8 (interval Newton, Krawczyk).
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from flint import arb, ctx, fmpq, fmpz

from .errors import VerificationError
from .precision import directed_fraction as _directed
from .precision import exponent10

__all__ = [
    "NotCertifiable",
    "Certified",
    "arb_lambdify",
    "arb_from_source",
    "arb_of",
    "workprec",
    "bits_for",
    "interval_newton",
    "exclude_roots",
    "sign_change",
    "certify",
    "certify_many",
    "certified_from_ball",
    "certified_exact",
    "certified_digits",
    "cross_check",
    "decimal_bounds",
    "contains",
    "kappa_star",
]


class NotCertifiable(Exception):
    """The expression uses a function Arb cannot enclose here (e.g. Lerch Phi, a float).

    Callers catch exactly this class and report the value as *not certified*
    (``certified_by`` says so); it never turns a bug into a result.
    """


# ---------------------------------------------------------------------------
# precision
# ---------------------------------------------------------------------------

def bits_for(dps: int) -> int:
    """Binary precision holding ``dps`` decimal digits plus a guard."""
    return int(math.ceil(dps * math.log2(10))) + 32


@contextlib.contextmanager
def workprec(bits: int):
    """Run a block at Arb precision ``bits`` and restore the previous one."""
    old = ctx.prec
    ctx.prec = int(bits)
    try:
        yield
    finally:
        ctx.prec = old


# ---------------------------------------------------------------------------
# conversions
# ---------------------------------------------------------------------------

def arb_of(value) -> arb:
    """An exact-as-possible ball: ints, Fractions, SymPy rationals, mpf (exactly), decimal strings."""
    if isinstance(value, arb):
        return value
    if isinstance(value, bool):
        raise TypeError("arb_of: bool is not a number")
    if isinstance(value, (fmpz, fmpq)):
        return arb(value)
    if isinstance(value, int):
        return arb(fmpz(value))
    if isinstance(value, Fraction):
        return arb(fmpq(value.numerator, value.denominator))
    mod = type(value).__module__
    if mod.startswith("mpmath"):
        man, exp = value.man_exp if hasattr(value, "man_exp") else (None, None)
        if man is None:  # pragma: no cover - mpf always has man_exp
            raise TypeError(f"arb_of: cannot convert {value!r}")
        if not math.isfinite(float(value)) and value == value:
            raise NotCertifiable("infinite value")
        return arb((int(man), int(exp)))
    if mod.startswith("sympy"):
        if getattr(value, "is_Rational", False):
            return arb(fmpq(int(value.p), int(value.q)))
        raise NotCertifiable(f"not an exact rational: {value}")
    if isinstance(value, str):
        text = value.strip()
        if "/" in text:
            f = Fraction(text)
            return arb(fmpq(f.numerator, f.denominator))
        return arb(text)
    if isinstance(value, float):
        return arb(value)  # exact binary value of the float
    raise TypeError(f"arb_of: cannot convert {value!r}")


def _exact(x: arb) -> Fraction:
    """The exact rational value of an exact (radius-zero) arb."""
    man, exp = x.man_exp()
    man, exp = int(man), int(exp)
    return Fraction(man * 2**exp) if exp >= 0 else Fraction(man, 2**-exp)


def _endpoints(ball: arb) -> tuple[Fraction, Fraction]:
    if not ball.is_finite():
        raise VerificationError("the enclosure is not finite (precision exhausted or a singular point)")
    mid, rad = _exact(ball.mid()), _exact(ball.rad())  # both exact (no rounding)
    return mid - rad, mid + rad


def _round_sig(q: Fraction, k: int) -> tuple[int, int]:
    """``q`` rounded to ``k`` significant digits (ties away from zero, as mpmath prints):
    ``(m, e)`` with value m 10^(e-k+1).  Integer arithmetic on q's numerator and denominator
    (it runs for every certified value printed)."""
    if q == 0:
        return 0, 0
    n, d = abs(q.numerator), q.denominator
    e = exponent10(q)
    s = k - 1 - e
    num, den = (n * 10**s, d) if s >= 0 else (n, d * 10 ** (-s))
    m = (2 * num + den) // (2 * den)   # floor(|q| 10^s + 1/2)
    if m == 10**k:
        m //= 10
        e += 1
    return (m if q > 0 else -m), e


def certified_digits(ball: arb, cap: int) -> int:
    """Largest ``k <= cap`` such that both ends of ``ball`` round to the same ``k``-digit decimal.

    Zero is returned when not even the first digit is determined.
    """
    lo, hi = _endpoints(ball)
    if lo == hi:
        return cap
    for k in range(cap, 0, -1):
        if _round_sig(lo, k) == _round_sig(hi, k):
            return k
    return 0


def _format(m: int, e: int, k: int) -> str:
    """Decimal text of m 10^(e-k+1) in the project's layout (:func:`numeric.precision.fmt`)."""
    import mpmath as mp

    from .precision import fmt

    with mp.workdps(k + 20):
        return fmt(mp.mpf(m) * mp.mpf(10) ** (e - k + 1), k)




def decimal_bounds(ball: arb, digits: int) -> tuple[str, str]:
    """Decimal strings ``(lo, hi)`` with ``digits`` significant digits rounded outward.

    The interval they describe contains ``ball``, so it stays rigorous.
    """
    lo, hi = _endpoints(ball)
    return _directed(lo, digits, up=False), _directed(hi, digits, up=True)


def contains(enclosure: tuple[str, str], value) -> bool:
    """True when the decimal enclosure ``(lo, hi)`` contains ``value`` (exactly, as rationals)."""
    lo, hi = (Fraction(s) for s in enclosure)
    if isinstance(value, str):
        v = Fraction(value)
    elif type(value).__module__.startswith("mpmath"):
        v = _exact(arb_of(value))
    else:
        v = Fraction(value)
    return lo <= v <= hi


# ---------------------------------------------------------------------------
# certified values
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Certified:
    """A value with a rigorous enclosure; ``text`` carries the ``dps`` digits it certifies.

    Attributes
    ----------
    ball : flint.arb
        The enclosure (midpoint-radius).
    text : str
        ``dps`` significant digits: the common rounding of both ends of ``ball``.
    digits : int
        Significant digits the enclosure determines (>= ``dps``).
    dps : int
        Digits requested.
    enclosure : (str, str)
        Decimal ends rounded outward (``digits + 3`` significant digits).
    method : str
        How it was certified (``certified_by`` in the JSON).
    """

    ball: arb
    text: str
    digits: int
    dps: int
    enclosure: tuple
    method: str

    @property
    def value(self):
        """The midpoint as an mpmath number at the current mpmath precision."""
        import mpmath as mp

        q = _exact(self.ball.mid())
        return mp.mpf(q.numerator) / q.denominator


def certified_from_ball(ball: arb, dps: int, method: str, cap: int | None = None) -> Certified:
    """A :class:`Certified` from an enclosure, or VerificationError if it fixes fewer than ``dps`` digits."""
    cap = max(dps, cap if cap is not None else dps + 10)
    k = certified_digits(ball, cap)
    if k < dps:
        raise VerificationError(f"the enclosure certifies only {k} digits (asked for {dps})")
    lo, hi = _endpoints(ball)
    m, e = _round_sig(lo, dps)
    if lo == 0 and hi == 0:
        text = _format(0, 0, dps)
    else:
        text = _format(m, e, dps)
    return Certified(ball, text, k, dps, decimal_bounds(ball, k + 3), method)


def certified_exact(q, dps: int, method: str) -> Certified:
    """A :class:`Certified` for an exactly known rational ``q`` (int, Fraction, SymPy rational)."""
    q = Fraction(int(q.p), int(q.q)) if hasattr(q, "p") else Fraction(q)
    k = dps + 10
    if q == 0:
        text = _format(0, 0, dps)
    else:
        m, e = _round_sig(q, dps)
        text = _format(m, e, dps)
    return Certified(arb(fmpq(q.numerator, q.denominator)), text, k, dps,
                     (_directed(q, k + 3, up=False), _directed(q, k + 3, up=True)), method)


def certify(compute: Callable[[], arb], dps: int, method: str, *, guard: int = 10,
            rounds: int = 3, name: str = "value") -> Certified:
    """Evaluate the ball computation ``compute()`` until its enclosure fixes ``dps`` digits.

    Parameters
    ----------
    compute : callable
        Returns an ``arb`` computed at the current Arb precision (it is called
        inside :func:`workprec`).
    dps : int
        Significant digits to certify.
    method : str
        Description recorded in :attr:`Certified.method`.
    guard : int
        Extra decimal digits of working precision in the first round.
    rounds : int
        Attempts; the precision doubles each time.
    name : str
        Used in the error message.

    Raises
    ------
    VerificationError
        If after ``rounds`` attempts the enclosure still does not determine
        ``dps`` digits (e.g. a value exactly on a rounding boundary, or a
        computation that loses all precision).
    """
    bits = bits_for(dps + guard)
    last = None
    for _ in range(rounds):
        with workprec(bits):
            ball = compute()
        if ball.is_finite():
            k = certified_digits(ball, dps + guard)
            if k >= dps:
                return certified_from_ball(ball, dps, method, cap=dps + guard)
            last = k
        bits *= 2
    raise VerificationError(f"{name}: the enclosure certifies only {last or 0} digits "
                            f"(asked for {dps}) after {rounds} precision doublings")


def certify_many(compute: Callable[[], dict], dps: int, methods, *, guard: int = 10,
                 rounds: int = 3, name: str = "value") -> dict:
    """:func:`certify` for several values computed together (e.g. a root and functions of it).

    ``compute()`` returns ``{key: arb}``; ``methods`` is one description for
    all keys or a dict per key.  The precision doubles until every key's
    enclosure fixes ``dps`` digits.  Returns ``{key: Certified}``.
    """
    bits = bits_for(dps + guard)
    worst = None
    for _ in range(rounds):
        with workprec(bits):
            try:
                balls = compute()
            except VerificationError as exc:
                worst = (name, str(exc))
                bits *= 2
                continue
        ks = {k: certified_digits(b, dps + guard) if b.is_finite() else 0 for k, b in balls.items()}
        if all(k >= dps for k in ks.values()):
            return {k: certified_from_ball(b, dps, methods[k] if isinstance(methods, dict) else methods,
                                           cap=dps + guard) for k, b in balls.items()}
        bad = min(ks, key=ks.get)
        worst = (bad, f"the enclosure certifies only {ks[bad]} digits (asked for {dps})")
        bits *= 2
    raise VerificationError(f"{name}: {worst[0]}: {worst[1]} after {rounds} precision doublings")


def cross_check(name: str, cert: Certified, value, dps: int) -> None:
    """The independent mpmath ``value`` (computed at about ``dps + 15`` digits) must lie in ``cert``.

    A tolerance of 10^-(dps+8) relative covers the mpmath value's own rounding;
    anything farther means the two evaluations disagree: VerificationError.
    """
    with workprec(bits_for(2 * dps + 30)):
        v = arb_of(value)
        tol = abs(v) * arb(10) ** (-(dps + 8)) + arb(10) ** (-(2 * dps + 20))
        if not (v + arb(0, tol.upper())).overlaps(cert.ball):
            raise VerificationError(f"{name}: the mpmath value {value} lies outside the "
                                    f"certified enclosure {list(cert.enclosure)}")


# ---------------------------------------------------------------------------
# roots
# ---------------------------------------------------------------------------

def _mid(x) -> arb:
    return arb_of(x).mid()


def interval_newton(f: Callable, df: Callable, x0, *, steps: int = 200, widen: int = 8,
                    region: bool = False):
    """Certified enclosure of the simple root of ``f`` near ``x0`` (current Arb precision).

    Midpoint Newton steps bring ``m`` to working accuracy; then for a ball
    ``X = m +/- r`` the interval Newton image ``N = m - f(m) / f'(X)`` is
    computed; ``N`` strictly inside ``X`` proves that ``X`` holds exactly one
    root, and that it lies in ``N``.  ``r`` grows by ``2^widen`` on failure.

    Parameters
    ----------
    f, df : callable
        Ball functions (``arb -> arb``): the function and its derivative.
    x0 : arb, mpf, Fraction, str or float
        Starting point (e.g. an mpmath root at lower precision).

    Returns
    -------
    arb
        Enclosure of the root; with ``region=True`` the pair ``(enclosure, X)``
        where ``X`` is the ball proved to hold no other root.

    Raises
    ------
    VerificationError
        If no ball around the Newton iterate passes the test (a double root,
        no root nearby, or a derivative that cannot be bounded away from 0).
    """
    prec = ctx.prec
    m = _mid(x0)
    tol = arb(2) ** (-(prec - 8))
    for _ in range(steps):
        fm, dm = f(m), df(m)
        if not (fm.is_finite() and dm.is_finite()) or dm.contains(0):
            break
        step = (fm / dm).mid()
        m = (m - step).mid()
        if abs(step) <= tol * max(abs(m), arb(2) ** -prec):
            break
    scale = abs(m).mid() if not m.is_zero() else arb(1)
    r = (scale * arb(2) ** (-(prec - 24))).mid()
    for _ in range(6):
        X = m + arb(0, r)
        N = m - f(m) / df(X)
        if N.is_finite() and X.contains_interior(N):
            # one more step from the new ball tightens it
            m2 = N.mid()
            N2 = (m2 - f(m2) / df(N)).intersection(N) if N.overlaps(m2 - f(m2) / df(N)) else N
            return (N2, X) if region else N2
        r = r * arb(2) ** widen
    raise VerificationError("interval Newton could not certify a simple root near the computed point")


def exclude_roots(f: Callable, df: Callable, points, regions, *, budget: int = 20000) -> bool:
    """Prove that ``f`` has no root on ``[points[0], points[-1]]`` outside the balls ``regions``.

    Each cell ``[points[i], points[i+1]]`` (exact rationals) is enclosed by
    evaluating ``f`` over it and, failing that, in the mean-value form
    ``f(m) + f'(I)(I - m)``; a cell whose enclosure has a
    certified sign holds no root, a cell inside one of ``regions`` (balls
    where a unique root is already proved) is done, and any other cell is
    bisected.  Runs at the current Arb precision.

    Returns
    -------
    bool
        True when every cell was settled within ``budget`` enclosures; False
        means "not proved" (never "proved false").
    """
    cells = [(Fraction(a), Fraction(b)) for a, b in zip(points, points[1:])]
    while cells:
        a, b = cells.pop()
        I = arb_of(a).union(arb_of(b))
        if any(R.contains(I) for R in regions):
            continue
        budget -= 1
        if budget < 0:
            return False
        v = f(I)  # the natural enclosure: tight for power-like terms across wide cells
        if v.is_finite() and (v > 0 or v < 0):
            continue
        m = arb_of((a + b) / 2)
        v = f(m) + df(I) * (I - m)  # the mean-value form: tight on narrow cells
        if v.is_finite() and (v > 0 or v < 0):
            continue
        mid = (a + b) / 2
        cells += [(a, mid), (mid, b)]
    return True


def sign_change(f: Callable, lo, hi) -> arb:
    """Ball ``[lo, hi]`` after certifying that ``f(lo)`` and ``f(hi)`` have opposite strict signs.

    By the intermediate value theorem a continuous ``f`` has a root in
    ``[lo, hi]``; uniqueness must come from elsewhere (monotonicity or
    convexity of ``f``, stated by the caller).

    Raises
    ------
    VerificationError
        If either sign is not certified at the current precision.
    """
    a, b = _mid(lo), _mid(hi)
    fa, fb = f(a), f(b)
    if not (fa.is_finite() and fb.is_finite()):
        raise VerificationError("sign change: the function could not be enclosed at the bracket ends")
    if (fa < 0 and fb > 0) or (fa > 0 and fb < 0):
        return a.union(b)
    raise VerificationError("sign change not certified at the bracket ends")


# ---------------------------------------------------------------------------
# SymPy -> Arb
# ---------------------------------------------------------------------------

def _lambertw(z, k=0):
    return z.lambertw(branch=int(k))


def _pow(b, e):
    if isinstance(e, arb) and e.is_exact() and e.is_integer():
        return b ** int(_exact(e))
    return b**e


_FUNCS = {
    "exp": lambda z: z.exp(),
    "log": lambda z: z.log(),
    "sqrt": lambda z: z.sqrt(),
    "erfc": lambda z: z.erfc(),
    "erf": lambda z: z.erf(),
    "Abs": abs,
    "LambertW": _lambertw,
    "cos": lambda z: z.cos(),
    "sin": lambda z: z.sin(),
    "gamma": lambda z: z.gamma(),
    "loggamma": lambda z: z.lgamma(),
}


class _Printer:
    """Walk a SymPy tree and emit Python code over Arb balls (constants in a table)."""

    _REL = {"StrictGreaterThan": ">", "GreaterThan": ">=", "StrictLessThan": "<", "LessThan": "<=",
            "Equality": "==", "Unequality": "!="}

    def condition(self, c) -> str:
        name = type(c).__name__
        if name == "BooleanTrue":
            return "True"
        if name == "BooleanFalse":
            return "False"
        if name in self._REL:
            return f"({self(c.args[0])} {self._REL[name]} {self(c.args[1])})"
        if name in ("And", "Or"):
            op = " and " if name == "And" else " or "
            return "(" + op.join(self.condition(a) for a in c.args) + ")"
        if name == "Not":
            return f"(not {self.condition(c.args[0])})"
        raise NotCertifiable(f"no ball arithmetic for the condition {name}")

    def __init__(self, names: dict):
        self.names = dict(names)
        self.consts: list = []

    def const(self, value) -> str:
        self.consts.append(value)
        return f"K[{len(self.consts) - 1}]"

    def __call__(self, e) -> str:
        import sympy as sp

        if e in self.names:
            return self.names[e]
        if e.is_Integer:
            v = int(e)
            return f"A({v})" if abs(v) < 2**62 else f"A({self.const(fmpz(v))})"
        if e.is_Rational:
            return f"A({self.const(fmpq(int(e.p), int(e.q)))})"
        if e is sp.E:
            return "E()"
        if e is sp.pi:
            return "PI()"
        if e is sp.nan:
            return "NAN()"
        if e.is_Float or e.is_Symbol or e.has(sp.zoo, sp.oo):
            raise NotCertifiable(f"cannot enclose {e!r} (float, free symbol or infinity)")
        if e.is_Add:
            return "(" + " + ".join(self(a) for a in e.args) + ")"
        if e.is_Mul:
            return "(" + " * ".join(self(a) for a in e.args) + ")"
        if e.is_Pow:
            b, x = e.args
            if x.is_Integer:
                return f"({self(b)})**{int(x)}"
            if x == sp.Rational(1, 2):
                return f"F['sqrt']({self(b)})"
            if x == sp.Rational(-1, 2):
                return f"(1/F['sqrt']({self(b)}))"
            return f"P({self(b)}, {self(x)})"
        name = type(e).__name__
        if name == "Piecewise":  # conditions on parameters (exact balls decide them)
            code = "NAN()"
            for expr, cond in reversed(e.args):
                code = f"({self(expr)} if {self.condition(cond)} else {code})"
            return code
        if name == "LambertW":
            k = int(e.args[1]) if len(e.args) > 1 else 0
            return f"F['LambertW']({self(e.args[0])}, {k})"
        if name in _FUNCS:
            return f"F[{name!r}](" + ", ".join(self(a) for a in e.args) + ")"
        raise NotCertifiable(f"no ball arithmetic for {name}")


def _A(v):
    return v if isinstance(v, arb) else arb(v)


_NAMESPACE = {"A": _A, "P": _pow, "F": _FUNCS, "E": arb.const_e, "PI": arb.pi, "NAN": arb.nan}


def arb_lambdify(args, expr, cse: bool = True) -> Callable:
    """Compile SymPy ``expr`` in the symbols ``args`` to a function of Arb balls.

    Parameters
    ----------
    args : sequence of sympy.Symbol
    expr : sympy.Expr or list of sympy.Expr
        Built from +, *, powers, rationals, E, pi, exp, log, sqrt, LambertW,
        erf(c), ...; floats and unsupported functions raise
        :class:`NotCertifiable`.  A list compiles to one function returning a
        tuple, its common subexpressions evaluated once.
    cse : bool
        Share common subexpressions.

    Returns
    -------
    callable
        ``f(*balls) -> arb`` (a tuple of balls for a list); rational constants
        become balls at the precision in force at each call.

    Raises
    ------
    NotCertifiable
    """
    import sympy as sp

    names = {s: f"a{i}" for i, s in enumerate(args)}
    many = isinstance(expr, (list, tuple))
    exprs = list(expr) if many else [expr]
    if cse:
        reps, red = sp.cse(exprs, symbols=(sp.Symbol(f"_t{i}") for i in range(10**9)))
    else:
        reps, red = [], exprs
    pr = _Printer(names)
    lines = []
    for sym, sub in reps:
        code = pr(sub)
        pr.names[sym] = f"t_{len(lines)}"
        lines.append(f"    t_{len(lines)} = {code}")
    if many:
        lines.append("    return (" + "".join(f"A({pr(e)}), " for e in red) + ")")
    else:
        lines.append(f"    return A({pr(red[0])})")
    src = f"def _f({', '.join(names[s] for s in args)}):\n" + "\n".join(lines) + "\n"
    consts = [(str(c.p), str(c.q)) if isinstance(c, fmpq) else (str(c), "1") for c in pr.consts]
    return arb_from_source(src, consts)


def arb_from_source(src: str, consts) -> Callable:
    """The ball function of source generated by :func:`arb_lambdify` (``fn.source``, ``fn.consts``).

    Lets derived code be stored and reloaded without SymPy (the exact
    constants travel as ``(numerator, denominator)`` strings).
    """
    import sys

    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        table = [fmpq(int(p), int(q)) for p, q in consts]
    finally:
        sys.set_int_max_str_digits(old)
    ns = dict(_NAMESPACE, K=table)
    exec(compile(src, "<arb_lambdify>", "exec"), ns)  # noqa: S102 - code generated from a SymPy tree
    fn = ns["_f"]
    fn.source, fn.consts = src, [list(c) for c in consts]
    return fn


# ---------------------------------------------------------------------------
# kappa*
# ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _kappa_star_fn():
    from infoscaling.derivations import optimum as dop

    return arb_lambdify([dop.DT], dop.kappa_star(dop.DT))


def kappa_star(dt, dps: int = 30) -> Certified:
    """Certified kappa*(d_t) from the derived Lambert-W closed form (d_t > e).

    Parameters
    ----------
    dt : int, str, Fraction or SymPy rational
        Mean number of concepts per text (exact).
    dps : int
        Digits to certify.

    Raises
    ------
    VerificationError
        If the enclosure cannot fix ``dps`` digits (e.g. d_t <= e, where the
        Lambert W argument leaves its real domain).
    """
    fn = _kappa_star_fn()
    return certify(lambda: fn(arb_of(dt)), dps, "arb: Lambert W_0 closed form of kappa*(d_t) "
                   "(derivations.optimum.kappa_star) in ball arithmetic", name="kappa_star")
