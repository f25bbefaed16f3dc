"""Degree distributions of one side of a bipartite (LDPC / concept-text) graph.

Each family is a small declarative class in the style of ``sympy.stats``: it
declares its parameters, validates them with checks that let SymPy symbols
pass, and returns exact SymPy expressions for

* the edge-perspective generating function (``lambda`` for variables, ``rho``
  for checks), :meth:`DegreeSide.edge_gf`;
* the node-perspective generating function :meth:`DegreeSide.node_gf`
  (``L`` for variables), normalised so that ``node_gf(1) == 1``;
* the mean node degree :meth:`DegreeSide.mean_degree` (``L'(1)``).

Notes
-----
For the families with a natural node law that puts mass on degree 0
(Poisson, binomial) the node-perspective generating function *includes* the
degree-0 nodes: for the concept-text graph a concept that appears in no text
is simply never learned, and with this convention the post-decoding erased
fraction ``eps * L(y)`` counts it.  Then ``L'(1)`` is the mean node degree and
``1 / int_0^1 lambda = L'(1) / (1 - L(0))``; the two agree whenever there are
no degree-0 nodes (regular and finite-support laws), which is the convention
of Richardson & Urbanke, *Modern Coding Theory* (2008), ch. 3.

No floats enter here: numeric parameters are converted to exact rationals
(``"0.0156"`` becomes ``39/2500``).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from .notation import latex
from .specs import MAX_DEGREE as _SPEC_MAX_DEGREE
from .specs import parse_number

__all__ = [
    "DegreeSide",
    "Regular",
    "FiniteSupport",
    "Poisson",
    "Binomial",
    "exact",
    "MAX_DEGREE",
]

#: Largest degree / binomial trial count accepted (one constant, in derivations.specs).
MAX_DEGREE = _SPEC_MAX_DEGREE


def exact(value, name: str, *, allow_symbol: bool = True) -> sp.Expr:
    """Convert ``value`` to an exact SymPy number (or pass a symbol through).

    Parameters
    ----------
    value : int, str, Fraction, float, sympy.Expr
        A decimal string (``"0.0156"``), a fraction string (``"1/2"``), an
        integer, a ``Fraction``, a float (converted through its shortest
        ``repr``, so ``0.1`` becomes ``1/10``) or a SymPy expression.
    name : str
        Name of the argument, used in error messages.

    Raises
    ------
    ValueError
        If the value is not a finite real number.

    Examples
    --------
    >>> exact("0.0156", "p")
    39/2500
    >>> exact(0.1, "p")
    1/10
    """
    if isinstance(value, sp.Basic):
        if value.free_symbols and allow_symbol:
            return value
        if not value.is_number:
            raise ValueError(f"{name} must be a number, got {value!r}")
        if value.is_real is False or value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            raise ValueError(f"{name} must be a finite real number, got {value!r}")
        return value
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{name} must be a finite number, got {value!r}")
        return sp.Rational(repr(float(value)))  # float(): numpy 2 reprs np.float64 as "np.float64(..)"
    if isinstance(value, str):
        frac = parse_number(value, name)  # bounded exponent: "1e-999999999" is refused, not expanded
        return sp.Rational(frac.numerator, frac.denominator)
    raise ValueError(f"{name} must be a number, got {value!r}")


def _check(cond, message: str) -> None:
    """Raise ``ValueError(message)`` when ``cond`` is definitely false.

    Symbolic conditions that SymPy cannot decide pass (sympy.stats' ``_value_check``).
    """
    if cond is False or cond == sp.false:
        raise ValueError(message)


@dataclass(frozen=True)
class DegreeSide:
    """Base class: the degree law of one side of a bipartite graph."""

    family = "abstract"

    def edge_gf(self, x: sp.Expr) -> sp.Expr:  # pragma: no cover - abstract
        """Edge-perspective generating function at ``x``."""
        raise NotImplementedError

    def node_gf(self, x: sp.Expr) -> sp.Expr:  # pragma: no cover - abstract
        """Node-perspective generating function at ``x`` (value 1 at x = 1)."""
        raise NotImplementedError

    def mean_degree(self) -> sp.Expr:  # pragma: no cover - abstract
        """Mean node degree (L'(1))."""
        raise NotImplementedError

    @property
    def is_polynomial(self) -> bool:
        """True when the generating functions are polynomials (finite support)."""
        return False

    @property
    def max_degree(self):
        """Largest node degree, or None when unbounded."""
        return None

    def spec(self) -> str:  # pragma: no cover - abstract
        """The CLI string of this side (round-trips through the parser)."""
        raise NotImplementedError

    def latex(self, x: sp.Expr | None = None) -> str:
        """LaTeX of the edge-perspective generating function."""
        from .notation import X

        return latex(self.edge_gf(X if x is None else x))

    def __str__(self) -> str:
        return self.spec()


@dataclass(frozen=True)
class Regular(DegreeSide):
    """Every node has degree ``d``: edge GF ``x**(d-1)``, node GF ``x**d``.

    Examples
    --------
    >>> from infoscaling.derivations.notation import X
    >>> Regular(3).edge_gf(X)
    x**2
    """

    d: sp.Expr

    family = "regular"

    def __init__(self, d):
        d = exact(d, "d")
        _check(d.is_integer is not False, f"degree d must be an integer, got {d}")
        _check(d >= 1, f"degree d must be >= 1, got {d}")
        _check(d <= MAX_DEGREE, f"degree d must be <= {MAX_DEGREE}, got {d}")
        object.__setattr__(self, "d", d)

    def edge_gf(self, x):
        return x ** (self.d - 1)

    def node_gf(self, x):
        return x**self.d

    def mean_degree(self):
        return self.d

    @property
    def is_polynomial(self):
        return True

    @property
    def max_degree(self):
        return self.d

    def spec(self):
        return f"regular:{self.d}"


@dataclass(frozen=True)
class FiniteSupport(DegreeSide):
    """Finite-support edge-perspective law ``sum_i c_i x**i`` (``c_i`` exact).

    ``coeffs[i]`` is the fraction of edges attached to nodes of degree ``i+1``.

    Examples
    --------
    >>> from infoscaling.derivations.notation import X
    >>> s = FiniteSupport(["0", "1/2", "1/2"])
    >>> s.edge_gf(X)
    x**2/2 + x/2
    >>> s.mean_degree()
    12/5
    """

    coeffs: tuple

    family = "poly"

    def __init__(self, coeffs):
        coeffs = tuple(exact(c, f"coefficient c{i}") for i, c in enumerate(coeffs))
        if not coeffs:
            raise ValueError("poly needs at least one coefficient")
        if len(coeffs) > 10_000:
            raise ValueError("poly supports at most 10000 coefficients")
        for i, c in enumerate(coeffs):
            _check(c >= 0, f"coefficient c{i} must be >= 0, got {c}")
        total = sp.Add(*coeffs)
        if not total.free_symbols:
            if total != 1:
                raise ValueError(
                    f"poly coefficients must sum to 1 (edge-perspective law), got {total}"
                )
        object.__setattr__(self, "coeffs", coeffs)

    def edge_gf(self, x):
        return sp.Add(*[c * x**i for i, c in enumerate(self.coeffs)])

    def node_gf(self, x):
        t = sp.Symbol("t", nonnegative=True)
        lam = self.edge_gf(t)
        return sp.expand(sp.integrate(lam, (t, 0, x)) / sp.integrate(lam, (t, 0, 1)))

    def mean_degree(self):
        # 1 / int_0^1 lambda(t) dt, the integral taken term by term (no SymPy integration:
        # design LPs ask for it in every round)
        return 1 / sp.Add(*[c / (i + 1) for i, c in enumerate(self.coeffs)])

    @property
    def is_polynomial(self):
        return True

    @property
    def max_degree(self):
        for i in range(len(self.coeffs) - 1, -1, -1):
            if self.coeffs[i] != 0:
                return i + 1
        return 0

    def node_fractions(self) -> tuple:
        """Exact node-perspective degree fractions ``L_k`` for k = 1..max degree."""
        w = [c / (i + 1) for i, c in enumerate(self.coeffs)]
        total = sp.Add(*w)
        return tuple(sp.nsimplify(v / total) for v in w)

    def spec(self):
        return "poly:" + ",".join(str(c) for c in self.coeffs)


@dataclass(frozen=True)
class Poisson(DegreeSide):
    """Poisson node degrees with mean ``m``: edge and node GF ``exp(m(x-1))``.

    Examples
    --------
    >>> from infoscaling.derivations.notation import X
    >>> Poisson(6).edge_gf(X)
    exp(6*x - 6)
    """

    m: sp.Expr

    family = "poisson"

    def __init__(self, m):
        m = exact(m, "mean m")
        _check(m > 0, f"Poisson mean m must be > 0, got {m}")
        _check(m <= MAX_DEGREE, f"Poisson mean m must be <= {MAX_DEGREE}, got {m}")
        object.__setattr__(self, "m", m)

    def edge_gf(self, x):
        return sp.exp(self.m * (x - 1))

    def node_gf(self, x):
        return sp.exp(self.m * (x - 1))

    def mean_degree(self):
        return self.m

    def spec(self):
        return f"poisson:{self.m}"


@dataclass(frozen=True)
class Binomial(DegreeSide):
    """Node degree Bin(N, p): edge GF ``(1-p+p x)**(N-1)``, node GF ``(1-p+p x)**N``.

    ``N`` may be any positive rational (the continuous extension used when the
    compute-optimal search moves R and T continuously); the CLI parser asks for
    an integer.

    Examples
    --------
    >>> from infoscaling.derivations.notation import X
    >>> Binomial(10, "0.5").edge_gf(X)
    (x/2 + 1/2)**9
    """

    N: sp.Expr
    p: sp.Expr

    family = "binomial"

    def __init__(self, N, p):
        N = exact(N, "binomial N")
        p = exact(p, "binomial p")
        _check(N >= 1, f"binomial N must be >= 1, got {N}")
        _check(N <= MAX_DEGREE, f"binomial N must be <= {MAX_DEGREE}, got {N}")
        _check(p > 0, f"binomial p must be in (0, 1], got {p}")
        _check(p <= 1, f"binomial p must be in (0, 1], got {p}")
        object.__setattr__(self, "N", N)
        object.__setattr__(self, "p", p)

    def edge_gf(self, x):
        return (1 - self.p + self.p * x) ** (self.N - 1)

    def node_gf(self, x):
        return (1 - self.p + self.p * x) ** self.N

    def mean_degree(self):
        return self.N * self.p

    @property
    def is_polynomial(self):
        return bool(self.N.is_integer)

    @property
    def max_degree(self):
        return self.N if self.N.is_integer else None

    def spec(self):
        return f"binomial:{self.N},{self.p}"
