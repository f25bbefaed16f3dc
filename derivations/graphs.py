"""Degree laws of random graphs and the giant component, derived exactly (MODEL.md 2.1).

Every law is node-perspective: ``p_k`` is the fraction of vertices of degree
``k``.  A law is a small declarative class (parameters validated with checks
that let SymPy symbols pass) returning exact SymPy expressions for

* the generating function ``G_0(x) = sum_k p_k x^k``;
* the excess-degree generating function ``G_1(x) = G_0'(x) / G_0'(1)``;
* the Molloy-Reed criterion ``sum_k k (k - 2) p_k = G_0''(1) - G_0'(1)``,
  whose sign is that of ``G_1'(1) - 1``;
* the mean size of the component of a random vertex below the transition,
  ``<s> = 1 + G_0'(1) / (1 - G_1'(1))``.

The giant fraction is ``S = 1 - G_0(u)`` with ``u`` the *smallest* root of
``u = G_1(u)`` in ``[0, 1]`` (``u = 1`` is always a root; it is the right one
only at or below the transition).  This module derives the Erdos-Renyi
closed form with Lambert W, the near-critical series by reversion, and the
exact algebraic (often rational) ``u`` of finite-support laws.  Numbers come
from :mod:`numeric.giant`.

The actor projection of a bipartite actor/group graph (:class:`Projection`)
uses the composed generating functions of Newman, Strogatz & Watts:
``G_0(x) = f_0(g_1(x))``, ``G_1(x) = f_1(g_1(x))``.  Because the projection is
clustered (every group becomes a clique), its ``G_1`` is *not*
``G_0'/G_0'(1)``; its percolation criterion is ``f_1'(1) g_1'(1) > 1`` and
:meth:`Projection.criterion` returns ``f_1'(1) g_1'(1) - 1``.

References
----------
M. Molloy and B. Reed, Random Struct. Alg. 6 (1995) 161-179.
M. E. J. Newman, S. H. Strogatz, D. J. Watts, Phys. Rev. E 64 (2001) 026118.

Examples
--------
>>> law = parse_law("poly:1/4,1/4,1/4,1/4")
>>> law.criterion()
1/2
>>> exact_giant(law)
(1/3, 17/27)
>>> parse_law("poisson:2").G1(X)
exp(2*x - 2)
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .degree import MAX_DEGREE, exact
from .notation import X  # noqa: F401  (used by the doctests)
from .specs import LAW_FAMILIES as SPEC_LAW_FAMILIES
from .specs import LawSpec, ProjectionSpec, SpecLimitError, parse_law_spec

__all__ = [
    "GraphLaw",
    "PoissonLaw",
    "FiniteLaw",
    "GeometricLaw",
    "RegularLaw",
    "BinomialLaw",
    "PowerLaw",
    "Projection",
    "parse_law",
    "LAW_FAMILIES",
    "MAX_FINITE_TERMS",
    "erdos_renyi_closed_form",
    "erdos_renyi_series",
    "near_critical_series",
    "exact_giant",
    "giant_equations",
]

#: Largest number of explicit terms of a finite-support law (poly, power law with cutoff).
MAX_FINITE_TERMS = 20_000

LAW_FAMILIES = SPEC_LAW_FAMILIES  # one list, in derivations.specs (incl. node-poly)

_T = sp.Symbol("t", nonnegative=True)


def _check(cond, message: str) -> None:
    """Raise ``ValueError`` when ``cond`` is definitely false (symbols pass)."""
    if cond is False or cond == sp.false:
        raise ValueError(message)


def _is_sym(*vals) -> bool:
    return any(getattr(v, "free_symbols", None) for v in vals)


class GraphLaw:
    """Base class: node-perspective degree law of a random graph."""

    family = "abstract"

    # -- to be provided by subclasses -------------------------------------------------
    def G0(self, x):  # pragma: no cover - abstract
        """Generating function ``sum_k p_k x^k``."""
        raise NotImplementedError

    def spec(self) -> str:  # pragma: no cover - abstract
        """The CLI string of the law (round-trips through :func:`parse_law`)."""
        raise NotImplementedError

    # -- generic derivations ------------------------------------------------------------
    def coefficients(self):
        """Exact ``(p_0, p_1, ...)`` for finite-support laws, else None."""
        return None

    def pmf(self, k):
        """Exact ``p_k`` (from the Taylor coefficient of ``G_0`` by default)."""
        k = int(k)
        if k < 0:
            return sp.Integer(0)
        coeffs = self.coefficients()
        if coeffs is not None:
            return coeffs[k] if k < len(coeffs) else sp.Integer(0)
        return sp.simplify(sp.diff(self.G0(_T), _T, k).subs(_T, 0) / sp.factorial(k))

    def mean(self):
        """Mean degree ``G_0'(1) = sum_k k p_k``."""
        return sp.simplify(sp.diff(self.G0(_T), _T).subs(_T, 1))

    def factorial_moment2(self):
        """``G_0''(1) = sum_k k (k - 1) p_k``."""
        return sp.simplify(sp.diff(self.G0(_T), _T, 2).subs(_T, 1))

    def G1(self, x):
        """Excess-degree generating function ``G_0'(x) / G_0'(1)``.

        For a law with mean zero (no edges) ``G_1 = 1`` by convention.
        """
        m = self.mean()
        if m == 0:
            return sp.Integer(1)
        return sp.simplify(sp.diff(self.G0(_T), _T).subs(_T, x) / m)

    def G1_prime_at_1(self):
        """``G_1'(1) = sum k (k-1) p_k / sum k p_k`` (the branching factor)."""
        m = self.mean()
        if m == 0:
            return sp.Integer(0)
        return sp.simplify(self.factorial_moment2() / m)

    def criterion(self):
        """Molloy-Reed ``sum_k k (k - 2) p_k = G_0''(1) - G_0'(1)`` (> 0 iff a giant exists)."""
        return sp.simplify(self.factorial_moment2() - self.mean())

    def mean_component_size(self):
        """``1 + G_0'(1) / (1 - G_1'(1))``: mean component size of a random vertex (subcritical)."""
        return sp.simplify(1 + self.mean() / (1 - self.G1_prime_at_1()))

    def supercritical(self) -> bool:
        """True when the criterion is (exactly) positive."""
        c = self.criterion()
        if c == sp.oo:
            return True
        return bool(sp.sympify(c) > 0)

    def max_degree(self):
        """Largest degree with positive probability, or None when unbounded."""
        coeffs = self.coefficients()
        if coeffs is None:
            return None
        for k in range(len(coeffs) - 1, -1, -1):
            if coeffs[k] != 0:
                return k
        return 0

    def __str__(self) -> str:
        return self.spec()


@dataclass(frozen=True, init=False)
class PoissonLaw(GraphLaw):
    """Poisson degrees with mean ``c`` (Erdos-Renyi G(n, c/n) as n -> oo).

    Examples
    --------
    >>> PoissonLaw(2).criterion()
    2
    """

    c: sp.Expr
    family = "poisson"

    def __init__(self, c):
        c = exact(c, "poisson mean c")
        _check(c >= 0, f"poisson mean c must be >= 0, got {c}")
        _check(c <= MAX_DEGREE, f"poisson mean c must be <= {MAX_DEGREE}, got {c}")
        object.__setattr__(self, "c", c)

    def G0(self, x):
        return sp.exp(self.c * (x - 1))

    def G1(self, x):
        return sp.exp(self.c * (x - 1))

    def mean(self):
        return self.c

    def factorial_moment2(self):
        return self.c**2

    def G1_prime_at_1(self):
        return self.c

    def pmf(self, k):
        k = int(k)
        return sp.exp(-self.c) * self.c**k / sp.factorial(k) if k >= 0 else sp.Integer(0)

    def spec(self):
        return f"poisson:{self.c}"


@dataclass(frozen=True, init=False)
class FiniteLaw(GraphLaw):
    """Finite support ``p_0, p_1, ..., p_K`` (exact rationals summing to 1).

    Examples
    --------
    >>> FiniteLaw(["1/2", "0", "1/2"]).G0(X)
    x**2/2 + 1/2
    """

    p: tuple
    family = "poly"

    def __init__(self, probs):
        probs = tuple(exact(v, f"p{k}") for k, v in enumerate(probs))
        if not probs:
            raise ValueError("poly needs at least one probability p0")
        if len(probs) > MAX_FINITE_TERMS:
            raise ValueError(f"poly supports at most {MAX_FINITE_TERMS} probabilities")
        for k, v in enumerate(probs):
            _check(v >= 0, f"probability p{k} must be >= 0, got {v}")
        total = sp.Add(*probs)
        if not total.free_symbols and total != 1:
            raise ValueError(f"poly probabilities must sum to 1 (they sum to {total})")
        object.__setattr__(self, "p", probs)

    def coefficients(self):
        return self.p

    def G0(self, x):
        return sp.Add(*[v * x**k for k, v in enumerate(self.p)])

    def mean(self):
        return sp.Add(*[k * v for k, v in enumerate(self.p)])

    def factorial_moment2(self):
        return sp.Add(*[k * (k - 1) * v for k, v in enumerate(self.p)])

    def spec(self):
        return "poly:" + ",".join(str(v) for v in self.p)


@dataclass(frozen=True, init=False)
class GeometricLaw(GraphLaw):
    """Geometric degrees ``p_k = (1 - a) a^k``, ``0 <= a < 1``; critical at ``a = 1/3``.

    Examples
    --------
    >>> GeometricLaw("1/2").criterion()
    1
    """

    a: sp.Expr
    family = "geometric"

    def __init__(self, a):
        a = exact(a, "geometric a")
        _check(a >= 0, f"geometric a must be in [0, 1), got {a}")
        _check(a < 1, f"geometric a must be in [0, 1) (a = 1 does not normalise), got {a}")
        object.__setattr__(self, "a", a)

    def G0(self, x):
        return (1 - self.a) / (1 - self.a * x)

    def mean(self):
        return self.a / (1 - self.a)

    def factorial_moment2(self):
        return 2 * self.a**2 / (1 - self.a) ** 2

    def pmf(self, k):
        k = int(k)
        return (1 - self.a) * self.a**k if k >= 0 else sp.Integer(0)

    def spec(self):
        return f"geometric:{self.a}"


@dataclass(frozen=True, init=False)
class RegularLaw(GraphLaw):
    """Every vertex has degree ``d`` (random d-regular graph).

    Examples
    --------
    >>> RegularLaw(3).criterion(), RegularLaw(2).criterion()
    (3, 0)
    """

    d: sp.Expr
    family = "regular"

    def __init__(self, d):
        d = exact(d, "regular d")
        _check(d.is_integer is not False, f"regular d must be an integer, got {d}")
        _check(d >= 0, f"regular d must be >= 0, got {d}")
        if not _is_sym(d):
            _check(d <= MAX_FINITE_TERMS, f"regular d must be <= {MAX_FINITE_TERMS}, got {d}")
        object.__setattr__(self, "d", d)

    def coefficients(self):
        if _is_sym(self.d):
            return None
        d = int(self.d)
        return tuple(sp.Integer(1 if k == d else 0) for k in range(d + 1))

    def G0(self, x):
        return x**self.d

    def mean(self):
        return self.d

    def factorial_moment2(self):
        return self.d * (self.d - 1)

    def spec(self):
        return f"regular:{self.d}"


@dataclass(frozen=True, init=False)
class BinomialLaw(GraphLaw):
    """Binomial degrees Bin(N, p) (G(N+1, p) exactly has this law).

    Examples
    --------
    >>> BinomialLaw(10, "1/5").criterion()
    8/5
    """

    N: sp.Expr
    p: sp.Expr
    family = "binomial"

    def __init__(self, N, p):
        N = exact(N, "binomial N")
        p = exact(p, "binomial p")
        _check(N.is_integer is not False, f"binomial N must be an integer, got {N}")
        _check(N >= 0, f"binomial N must be >= 0, got {N}")
        _check(N <= MAX_DEGREE, f"binomial N must be <= {MAX_DEGREE}, got {N}")
        _check(p >= 0, f"binomial p must be in [0, 1], got {p}")
        _check(p <= 1, f"binomial p must be in [0, 1], got {p}")
        object.__setattr__(self, "N", N)
        object.__setattr__(self, "p", p)

    def coefficients(self):
        if _is_sym(self.N, self.p) or self.N > MAX_FINITE_TERMS:
            return None
        n = int(self.N)
        return tuple(sp.binomial(n, k) * self.p**k * (1 - self.p) ** (n - k) for k in range(n + 1))

    def G0(self, x):
        return (1 - self.p + self.p * x) ** self.N

    def G1(self, x):
        if self.N == 0 or self.p == 0:
            return sp.Integer(1)
        return (1 - self.p + self.p * x) ** (self.N - 1)

    def mean(self):
        return self.N * self.p

    def factorial_moment2(self):
        return self.N * (self.N - 1) * self.p**2

    def spec(self):
        return f"binomial:{self.N},{self.p}"


@dataclass(frozen=True, init=False)
class PowerLaw(GraphLaw):
    """Power law ``p_k ∝ k^(-tau)`` for ``kmin <= k <= kmax`` (``kmax=None``: no cutoff).

    Without cutoff the law is zeta-normalised, ``p_k = k^(-tau) / zeta(tau, kmin)``
    (Hurwitz zeta), and ``G_0(x) = x^kmin Phi(x, tau, kmin) / zeta(tau, kmin)``
    with the Lerch transcendent ``Phi``.  A finite mean needs ``tau > 2``; the
    variance is infinite for ``tau <= 3``, where the criterion is ``+oo`` and a
    giant always exists.  With a cutoff the law is a finite sum and any real
    ``tau`` is allowed.

    Examples
    --------
    >>> PowerLaw(3, 1, 3).G0(X)
    8*x**3/251 + 27*x**2/251 + 216*x/251
    >>> PowerLaw("5/2").criterion()
    oo
    """

    tau: sp.Expr
    kmin: sp.Expr
    kmax: sp.Expr | None
    family = "powerlaw"

    def __init__(self, tau, kmin=1, kmax=None):
        tau = exact(tau, "powerlaw tau")
        kmin = exact(kmin, "powerlaw kmin")
        _check(kmin.is_integer is not False, f"powerlaw kmin must be an integer, got {kmin}")
        _check(kmin >= 1, f"powerlaw kmin must be >= 1, got {kmin}")
        if kmax is not None:
            kmax = exact(kmax, "powerlaw kmax")
            _check(kmax.is_integer is not False, f"powerlaw kmax must be an integer, got {kmax}")
            _check(kmax >= kmin, f"powerlaw kmax must be >= kmin = {kmin}, got {kmax}")
            if not _is_sym(kmax, kmin) and kmax - kmin + 1 > MAX_FINITE_TERMS:
                raise ValueError(
                    f"powerlaw cutoff range kmax - kmin + 1 must be <= {MAX_FINITE_TERMS}, "
                    f"got {kmax - kmin + 1}"
                )
        else:
            _check(tau > 2, "powerlaw tau must be > 2 for a pure power law without cutoff "
                            f"(tau <= 2 has an infinite mean degree), got {tau}; give kmax for a cutoff")
        object.__setattr__(self, "tau", tau)
        object.__setattr__(self, "kmin", kmin)
        object.__setattr__(self, "kmax", kmax)

    def _ks(self):
        return range(int(self.kmin), int(self.kmax) + 1)

    def weights(self) -> tuple:
        """Unnormalised ``k^(-tau)`` for ``kmin <= k <= kmax`` (cutoff laws only)."""
        if self.kmax is None:
            raise ValueError("weights() needs a cutoff kmax")
        return tuple(sp.Integer(k) ** (-self.tau) for k in self._ks())

    def _moment(self, f):
        """``sum_k f(k) k^(-tau) / Z`` as one flat sum over one normaliser (cutoff laws)."""
        ks = list(self._ks())
        w = self.weights()
        return sp.Add(*[f(k) * v for k, v in zip(ks, w, strict=True)]) / sp.Add(*w)

    def norm(self):
        """Normalising constant ``sum_k k^(-tau)``."""
        if self.kmax is None:
            return sp.zeta(self.tau, self.kmin)
        return sp.Add(*self.weights())

    def coefficients(self):
        if self.kmax is None:
            return None
        z = self.norm()
        w = dict(zip(self._ks(), self.weights(), strict=True))
        return tuple(w[k] / z if k in w else sp.Integer(0) for k in range(int(self.kmax) + 1))

    def G0(self, x):
        if self.kmax is None:
            return x**self.kmin * sp.lerchphi(x, self.tau, self.kmin) / self.norm()
        return sp.Add(*[v * x**k for k, v in zip(self._ks(), self.weights(), strict=True)]) / self.norm()

    def G1(self, x):
        if self.kmax is None:
            return (x ** (self.kmin - 1) * sp.lerchphi(x, self.tau - 1, self.kmin)
                    / sp.zeta(self.tau - 1, self.kmin))
        return super().G1(x)

    def mean(self):
        if self.kmax is None:
            return sp.zeta(self.tau - 1, self.kmin) / self.norm()
        return self._moment(lambda k: k)

    def factorial_moment2(self):
        if self.kmax is None:
            if sp.sympify(self.tau > 3) is sp.true:
                return (sp.zeta(self.tau - 2, self.kmin) - sp.zeta(self.tau - 1, self.kmin)) / self.norm()
            return sp.oo
        return self._moment(lambda k: k * (k - 1))

    def criterion(self):
        if self.kmax is not None:
            return self._moment(lambda k: k * (k - 2))
        m2 = self.factorial_moment2()
        if m2 == sp.oo:
            return sp.oo
        return m2 - self.mean()

    def G1_prime_at_1(self):
        if self.kmax is not None:
            ks, w = list(self._ks()), self.weights()
            return (sp.Add(*[k * (k - 1) * v for k, v in zip(ks, w, strict=True)])
                    / sp.Add(*[k * v for k, v in zip(ks, w, strict=True)]))
        m2 = self.factorial_moment2()
        return sp.oo if m2 == sp.oo else m2 / self.mean()

    def mean_component_size(self):
        return 1 + self.mean() / (1 - self.G1_prime_at_1())

    def pmf(self, k):
        k = int(k)
        if k < self.kmin or (self.kmax is not None and k > self.kmax):
            return sp.Integer(0)
        return sp.Integer(k) ** (-self.tau) / self.norm()

    def spec(self):
        s = f"powerlaw:{self.tau}"
        if self.kmin != 1 or self.kmax is not None:
            s += f",{self.kmin}"
        if self.kmax is not None:
            s += f",{self.kmax}"
        return s


@dataclass(frozen=True, init=False)
class Projection(GraphLaw):
    """Actor projection of a bipartite actor/group graph (actor law f, group law g).

    ``G_0(x) = f_0(g_1(x))`` and ``G_1(x) = f_1(g_1(x))`` (Newman-Strogatz-Watts
    eqs. 50-51).  The projection is clustered, so ``G_1`` is the composed
    excess function, not ``G_0'/G_0'(1)``; the percolation criterion is
    ``f_1'(1) g_1'(1) - 1`` (> 0 iff the projection percolates).

    Examples
    --------
    >>> pr = Projection(PoissonLaw(2), PoissonLaw(1))
    >>> pr.G0(X)
    exp(2*exp(x - 1) - 2)
    >>> pr.criterion()
    1
    """

    actor: GraphLaw
    group: GraphLaw
    family = "projection"

    def __init__(self, actor: GraphLaw, group: GraphLaw):
        if isinstance(actor, Projection) or isinstance(group, Projection):
            raise ValueError("projection laws cannot be nested")
        if group.mean() == 0:
            raise ValueError("projection group law must have a positive mean (groups with members)")
        object.__setattr__(self, "actor", actor)
        object.__setattr__(self, "group", group)

    def G0(self, x):
        return self.actor.G0(self.group.G1(x))

    def G1(self, x):
        return self.actor.G1(self.group.G1(x))

    def mean(self):
        """Mean number of co-actor contacts ``f_0'(1) g_1'(1)`` (with multiplicity)."""
        return sp.simplify(self.actor.mean() * self.group.G1_prime_at_1())

    def G1_prime_at_1(self):
        a, g = self.actor.G1_prime_at_1(), self.group.G1_prime_at_1()
        if a == 0 or g == 0:
            return sp.Integer(0)
        return sp.simplify(a * g)

    def factorial_moment2(self):
        raise NotImplementedError("the projection is clustered: use criterion() = f1'(1) g1'(1) - 1")

    def criterion(self):
        return sp.simplify(self.G1_prime_at_1() - 1)

    def mean_component_size(self):
        """``1 + f_0'(1) g_1'(1) / (1 - f_1'(1) g_1'(1))`` actors (subcritical)."""
        return sp.simplify(1 + self.mean() / (1 - self.G1_prime_at_1()))

    def pmf(self, k):
        return sp.simplify(sp.diff(self.G0(_T), _T, int(k)).subs(_T, 0) / sp.factorial(int(k)))

    def spec(self):
        return f"projection:{self.actor.spec()}/{self.group.spec()}"


# ------------------------------------------------------------------------------------
# parser
# ------------------------------------------------------------------------------------

#: Most terms (nonzero poly probabilities, or power-law cutoff range kmax - kmin + 1) of a law
#: built for exact evaluation.  Cost model measured with ``giant`` at 30 digits on the project's
#: 2-core machine: powerlaw:2.5,1,1000 17 s, 1,3000 46 s (about 15 ms per term), node-poly with
#: 2000 terms 6 s; 5000 terms keeps one evaluation near 75 s.  The simulators are not bound by it.
MAX_EXACT_LAW_TERMS = 5000


def law_from_spec(spec: LawSpec | ProjectionSpec) -> GraphLaw:
    """The exact SymPy law of a parsed degree-law string (:mod:`derivations.specs`).

    Raises
    ------
    SpecLimitError
        When a law has more than :data:`MAX_EXACT_LAW_TERMS` terms.
    """
    if isinstance(spec, LawSpec):
        terms = (sum(1 for q in spec.params if q) if spec.family == "poly" else
                 spec.params[2] - spec.params[1] + 1 if spec.family == "powerlaw" and spec.params[2] else 0)
        if terms > MAX_EXACT_LAW_TERMS:
            raise SpecLimitError(f"law {spec.spec()[:60]!r}: {terms} terms; exact evaluation is limited to "
                                 f"{MAX_EXACT_LAW_TERMS} (about 15 ms per term; simulate giant has no such limit)",
                                 "law")
    if isinstance(spec, ProjectionSpec):
        return Projection(law_from_spec(spec.actor), law_from_spec(spec.group))
    f, p = spec.family, spec.params
    if f == "poisson":
        return PoissonLaw(p[0])
    if f == "poly":
        return FiniteLaw(p)
    if f == "geometric":
        return GeometricLaw(p[0])
    if f == "regular":
        return RegularLaw(p[0])
    if f == "binomial":
        return BinomialLaw(*p)
    return PowerLaw(*p)


def parse_law(text: str) -> GraphLaw:
    """Parse a degree-law string of CLI.md (node perspective).

    Syntax and parameter domains are those of
    :func:`derivations.specs.parse_law_spec` (no SymPy); this function builds
    the exact law.  ``poly:`` and ``node-poly:`` are node-perspective
    probabilities p_k; ``edge-poly:`` is refused with the spelling that fits.

    Parameters
    ----------
    text : str
        ``poisson:c``, ``poly:p0,p1,...`` (or ``node-poly:``), ``geometric:a``,
        ``regular:d``, ``binomial:N,p``, ``powerlaw:tau[,kmin[,kmax]]`` or
        ``projection:ACTORLAW/GROUPLAW``.

    Raises
    ------
    ValueError
        Naming the law and the offending parameter: probabilities that do not
        sum to 1, negative probabilities, ``c < 0``, ``tau <= 2`` without a
        cutoff, non-integer degrees, unknown families...

    Examples
    --------
    >>> parse_law("poly:1/2,0,1/2")
    FiniteLaw(p=(1/2, 0, 1/2))
    >>> parse_law("node-poly:1/2,0,1/2") == parse_law("poly:1/2,0,1/2")
    True
    >>> parse_law("projection:poisson:2/poly:0,0,1").spec()
    'projection:poisson:2/poly:0,0,1'
    >>> parse_law("poisson:-1")
    Traceback (most recent call last):
    ...
    infoscaling.derivations.specs.SpecError: law 'poisson:-1': poisson mean c must be >= 0, got -1
    """
    return law_from_spec(parse_law_spec(text, argument="law"))


# ------------------------------------------------------------------------------------
# giant-component derivations
# ------------------------------------------------------------------------------------

def giant_equations(law: GraphLaw, u: sp.Symbol = None) -> dict:
    """The self-consistency equation and giant size as SymPy objects.

    Returns
    -------
    dict
        ``fixed_point``: ``Eq(u, G_1(u))``; ``S``: ``1 - G_0(u)``;
        ``criterion``; ``mean_component_size``.

    Examples
    --------
    >>> giant_equations(PoissonLaw(3))["fixed_point"]
    Eq(u, exp(3*u - 3))
    """
    u = sp.Symbol("u", nonnegative=True) if u is None else u
    return {
        "fixed_point": sp.Eq(u, law.G1(u)),
        "S": 1 - law.G0(u),
        "criterion": law.criterion(),
        "mean_component_size": law.mean_component_size(),
    }


def erdos_renyi_closed_form(c: sp.Expr = None) -> sp.Expr:
    """Derive ``S(c)`` for Erdos-Renyi by solving ``S = 1 - exp(-c S)`` with SymPy.

    The nontrivial solution (principal Lambert branch) is selected from
    ``sympy.solve`` and checked by substitution.

    Examples
    --------
    >>> erdos_renyi_closed_form()
    (c + LambertW(-c*exp(-c)))/c
    """
    c = sp.Symbol("c", positive=True) if c is None else c
    S = sp.Symbol("S", positive=True)
    sols = sp.solve(sp.Eq(S, 1 - sp.exp(-c * S)), S)
    nontrivial = [s for s in sols if s.has(sp.LambertW)]
    if len(nontrivial) != 1:  # pragma: no cover - depends on SymPy's solver
        raise ArithmeticError(f"unexpected solutions of S = 1 - exp(-cS): {sols}")
    return nontrivial[0]


def near_critical_series(law_of, param: sp.Symbol, critical, order: int = 3) -> sp.Expr:
    """Series of the giant fraction in ``delta = param - critical`` by reversion.

    Writes ``u = 1 - e``, expands ``G_1(1 - e) - (1 - e)`` in ``e`` and
    ``delta``, divides out the trivial root ``e = 0``, solves for
    ``e = b_1 delta + b_2 delta^2 + ...`` order by order and substitutes
    into ``S = 1 - G_0(1 - e)``.

    Parameters
    ----------
    law_of : callable
        ``law_of(value) -> GraphLaw`` for a (symbolic) parameter value.
    param : sympy.Symbol
        Name used for the parameter (only for documentation of the result).
    critical : sympy.Expr
        Critical value of the parameter.
    order : int
        Highest power of ``delta`` kept.

    Returns
    -------
    sympy.Expr
        Polynomial in the symbol ``delta``.

    Examples
    --------
    >>> c = sp.Symbol("c", positive=True)
    >>> near_critical_series(PoissonLaw, c, 1, 3)
    28*delta**3/9 - 8*delta**2/3 + 2*delta
    """
    d = sp.Symbol("delta")
    e = sp.Symbol("e")
    law = law_of(critical + d)
    n = order + 1
    g1 = sp.series(law.G1(1 - e), e, 0, n + 1).removeO()
    eq = sp.expand(sp.cancel((g1 - (1 - e)) / e))
    bs = sp.symbols(f"b1:{order + 1}")
    ansatz = sum(b * d**i for i, b in enumerate(bs, 1))
    expr = sp.expand(eq.subs(e, ansatz))
    expr = sp.series(expr, d, 0, order + 1).removeO()
    sol = {}
    for i in range(1, order + 1):
        coeff = sp.expand(expr.coeff(d, i).subs(sol))
        free = [b for b in bs if coeff.has(b) and b not in sol]
        target = bs[i - 1]
        if target not in free:  # pragma: no cover - degenerate law
            raise ArithmeticError(f"cannot determine b{i} from {coeff}")
        roots = [r for r in sp.solve(coeff, target) if r != 0] or sp.solve(coeff, target)
        sol[target] = sp.simplify(roots[0])
    e_series = ansatz.subs(sol)
    g0 = sp.series(law.G0(1 - e), e, 0, order + 1).removeO()
    S = sp.series(sp.expand(1 - g0.subs(e, e_series)), d, 0, order + 1).removeO()
    return sp.expand(sp.simplify(S))


def erdos_renyi_series(order: int = 3) -> sp.Expr:
    """``S(1 + delta) = 2 delta - (8/3) delta^2 + ...`` for Erdos-Renyi (derived).

    Examples
    --------
    >>> erdos_renyi_series(2)
    -8*delta**2/3 + 2*delta
    """
    return near_critical_series(PoissonLaw, sp.Symbol("c", positive=True), sp.Integer(1), order)


def exact_giant(law: GraphLaw):
    """Exact ``(u, S)`` for a finite-support law (algebraic numbers, rational when possible).

    ``u`` is the smallest root in ``[0, 1]`` of ``G_1(u) - u``; the trivial
    factor ``u - 1`` is divided out, the real roots of the quotient are
    isolated exactly (``CRootOf`` / radicals / rationals).

    Raises
    ------
    ValueError
        If the law does not have finite support.

    Examples
    --------
    >>> exact_giant(parse_law("poly:0,1/4,1/4,1/2"))
    (1/6, 205/216)
    >>> exact_giant(parse_law("regular:3"))
    (0, 1)
    >>> exact_giant(parse_law("poly:0,1/2,1/2"))
    (1, 0)
    >>> exact_giant(parse_law("poly:0,1/3,1/3,0,1/3"))
    (-1/2 + sqrt(2)/2, sqrt(2)/4 + 9/16)
    """
    coeffs = law.coefficients()
    if coeffs is None:
        raise ValueError(f"exact_giant needs a finite-support law, got {law.spec()}")
    u = sp.Symbol("u")
    if not law.supercritical():
        return sp.Integer(1), sp.Integer(0)
    g1 = sp.expand(law.G1(u))
    quotient, rem = sp.div(sp.Poly(g1 - u, u), sp.Poly(u - 1, u))
    if rem.as_expr() != 0:  # pragma: no cover - G1(1) = 1 always
        raise ArithmeticError("G1(1) != 1")
    if quotient.is_zero:
        return sp.Integer(1), sp.Integer(0)
    candidates = [r for r in sp.Poly(quotient, u).real_roots() if sp.sympify(r >= 0) and sp.sympify(r < 1)]
    if not candidates:  # pragma: no cover - supercritical always has a root in [0, 1)
        raise ArithmeticError("no root of u = G1(u) in [0, 1) for a supercritical law")
    root = min(candidates, key=lambda r: sp.N(r, 50))
    S = sp.simplify(1 - law.G0(root)) if not isinstance(root, sp.CRootOf) else 1 - law.G0(root)
    return root, S
