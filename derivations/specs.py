"""Ensemble and degree-law strings of CLI.md, parsed without SymPy (exact fractions).

This is the one parser of the strings; :func:`derivations.ensemble.parse_ensemble`
and the simulators (which must start without SymPy) both read its result.
Every parameter is checked against its domain here, before any work starts;
the messages name the offending part of the string.  Cost limits that depend on
what is done with an ensemble (simulation memory, digits x degree) are checked
by ``infoscaling.numeric.validate`` on top of these domains.

Polynomial laws: node or edge perspective
-----------------------------------------
``edge-poly:c0,c1,...`` is an **edge-perspective** law (c_i = fraction of
edges attached to nodes of degree i+1: the coefficients of lambda or rho).
``node-poly:p0,p1,...`` is a **node-perspective** law (p_k = fraction of nodes
of degree k).  The short spelling ``poly:`` keeps its CLI.md meaning where it
is unambiguous: in an ensemble (``VAR/CHECK``, both sides edge-perspective) it
is ``edge-poly:``; in a degree law for random graphs (``giant``) it is
``node-poly:``.  Giving the other perspective explicitly where it does not fit
(``node-poly:`` as an ensemble side, ``edge-poly:`` as a graph law) is an error
that says which spelling fits.

Domains
-------
====================  =============================================================
``regular:d``         integer 1 <= d <= MAX_DEGREE (graph laws: 0 <= d)
``edge-poly:c..``     1..MAX_TERMS exact coefficients >= 0 summing to 1, not all on
                      degree 1 for a check side
``node-poly:p..``     1..MAX_TERMS exact probabilities >= 0 summing to 1
``poisson:m``         0 < m <= MAX_DEGREE (graph laws: 0 <= c)
``binomial:N,p``      integer 1 <= N <= MAX_DEGREE, 0 < p <= 1 (graph laws: N >= 0, 0 <= p)
``geometric:a``       0 <= a < 1 (graph laws only)
``powerlaw:t[,k[,K]]``  t > 2 without cutoff; integers 1 <= k <= K (graph laws only)
``concept-text:``     dt > 0, kappa > 0, 0 < eps < 1, optional R >= dt (R <= MAX_DEGREE)
====================  =============================================================

Numbers are decimals (``0.0156``), fractions (``1/2``) or exactly integral
scientific notation (``1e6``), kept exact; a decimal exponent beyond +-1000,
NaN and infinities are refused.

Examples
--------
>>> e = parse_ensemble_spec("edge-poly:0,1/2,1/2/regular:6")
>>> e.var.spec(), e.var.mean_degree(), e.check.mean_degree()
('poly:0,1/2,1/2', Fraction(12, 5), Fraction(6, 1))
>>> parse_ensemble_spec("poly:0,1/2,1/2/regular:6") == e
True
>>> parse_law_spec("poly:1/2,0,1/2").mean_degree()
Fraction(1, 1)
>>> parse_ensemble_spec("node-poly:0,0,1/regular:6")
Traceback (most recent call last):
...
infoscaling.derivations.specs.SpecError: ENSEMBLE 'node-poly:0,0,1/regular:6': variable side: node-poly: is a node-perspective law (p_k); an ensemble side is edge-perspective: write edge-poly:c0,c1,... (or poly:)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

__all__ = [
    "SpecError",
    "SpecLimitError",
    "Side",
    "EnsembleSpec",
    "ConceptTextSpec",
    "LawSpec",
    "ProjectionSpec",
    "parse_number",
    "parse_side_spec",
    "parse_ensemble_spec",
    "parse_law_spec",
    "powerlaw_tail_fraction",
    "MAX_DEGREE",
    "MAX_TERMS",
    "MAX_LAW_TERMS",
    "MAX_SPEC_LENGTH",
    "SIDE_FAMILIES",
    "LAW_FAMILIES",
]

#: Largest degree, Poisson mean, binomial N and R (beyond it nothing is computable).
MAX_DEGREE = 10**15
#: Most coefficients of an edge-perspective polynomial side.
MAX_TERMS = 10_000
#: Most probabilities of a node-perspective polynomial law.
MAX_LAW_TERMS = 20_000
#: Longest ensemble or law string.
MAX_SPEC_LENGTH = 200_000
_MAX_EXPONENT = 1000

SIDE_FAMILIES = ("regular", "edge-poly", "poly", "poisson", "binomial")
LAW_FAMILIES = ("poisson", "node-poly", "poly", "geometric", "regular", "binomial", "powerlaw",
                "projection")


class SpecError(ValueError):
    """A malformed string or a parameter outside its domain (``argument`` names the part)."""

    limit = False

    def __init__(self, message: str, argument: str | None = None):
        super().__init__(message)
        self.argument = argument


class SpecLimitError(SpecError):
    """A parameter inside the mathematical domain but beyond the documented limits."""

    limit = True


def parse_number(text: str, name: str) -> Fraction:
    """An exact, finite number from a decimal or fraction string.

    Examples
    --------
    >>> parse_number("0.0156", "p"), parse_number("1/3", "m"), parse_number("1e6", "R")
    (Fraction(39, 2500), Fraction(1, 3), Fraction(1000000, 1))
    """
    if isinstance(text, bool):
        raise SpecError(f"{name} must be a number, got {text!r}")
    if isinstance(text, (int, Fraction)):
        return Fraction(text)
    if not isinstance(text, str):
        raise SpecError(f"{name} must be a decimal or a fraction like 1/2, got {text!r}")
    num, slash, den = text.strip().partition("/")
    out = _decimal(num, name, text)
    if slash:
        d = _decimal(den, name, text)
        if d == 0:
            raise SpecError(f"{name} must be a decimal or a fraction like 1/2, got {text!r} (zero denominator)")
        out /= d
    return out


def _decimal(s: str, name: str, text: str) -> Fraction:
    try:
        d = Decimal(s.strip())
    except InvalidOperation:
        raise SpecError(f"{name} must be a decimal or a fraction like 1/2, got {text!r}") from None
    if not d.is_finite():
        raise SpecError(f"{name} must be a finite number, got {text!r}")
    if d != 0 and abs(d.adjusted()) > _MAX_EXPONENT:
        raise SpecError(f"{name} must be a finite number with a decimal exponent within "
                        f"+-{_MAX_EXPONENT}, got {text!r}")
    return Fraction(d)


def _integer(text, name: str) -> int:
    q = parse_number(text, name)
    if q.denominator != 1:
        raise SpecError(f"{name} must be an integer, got {text!r}")
    return q.numerator


def _at_most(value, top, name: str) -> None:
    if value > top:
        raise SpecLimitError(f"{name} must be <= {top:.0e} (documented limit), got {_show(value)}")


def _show(q) -> str:
    if isinstance(q, Fraction):
        return str(q.numerator) if q.denominator == 1 else str(q)
    return str(q)


def _fmt(q: Fraction) -> str:
    return _show(q)


# -----------------------------------------------------------------------------------
# ensemble sides (edge perspective)
# -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Side:
    """One edge-perspective side of an ensemble: ``family`` and exact ``params``.

    ``regular``: ``(d,)``; ``poly``: the coefficients ``(c0, c1, ...)``;
    ``poisson``: ``(m,)``; ``binomial``: ``(N, p)`` (``N`` may be a
    non-integer rational only when built by :class:`ConceptTextSpec`).
    """

    family: str
    params: tuple

    @property
    def structured(self) -> bool:
        """True for deterministic degree sequences (regular, poly)."""
        return self.family in ("regular", "poly")

    def mean_degree(self) -> Fraction:
        """Mean node degree L'(1) (exact)."""
        if self.family == "regular":
            return Fraction(self.params[0])
        if self.family == "poly":
            return 1 / sum(c / (i + 1) for i, c in enumerate(self.params))
        if self.family == "poisson":
            return self.params[0]
        return self.params[0] * self.params[1]

    @property
    def max_degree(self) -> int | None:
        """Largest node degree (None when unbounded)."""
        if self.family == "regular":
            return int(self.params[0])
        if self.family == "poly":
            return max(i + 1 for i, c in enumerate(self.params) if c)
        if self.family == "binomial" and Fraction(self.params[0]).denominator == 1:
            return int(self.params[0])
        return None

    @property
    def terms(self) -> int:
        """Number of nonzero terms of the generating function (1 for the closed forms)."""
        return sum(1 for c in self.params if c) if self.family == "poly" else 1

    def node_fractions(self) -> dict[int, Fraction]:
        """Exact node-perspective fractions ``{degree: L_k}`` of a structured side."""
        if self.family == "regular":
            return {int(self.params[0]): Fraction(1)}
        if self.family != "poly":
            raise ValueError(f"{self.spec()} has no finite node-degree table")
        w = {i + 1: c / (i + 1) for i, c in enumerate(self.params) if c}
        total = sum(w.values())
        return {k: v / total for k, v in w.items()}

    def spec(self) -> str:
        """The CLI string (``poly:`` for edge-perspective coefficients, as CLI.md)."""
        return f"{self.family}:" + ",".join(_fmt(Fraction(p)) for p in self.params)


def parse_side_spec(text: str, *, where: str = "side") -> Side:
    """Parse one edge-perspective side (``regular:d``, ``edge-poly:``/``poly:``, ``poisson:m``, ``binomial:N,p``).

    Examples
    --------
    >>> parse_side_spec("binomial:2599,0.0156").params
    (2599, Fraction(39, 2500))
    >>> parse_side_spec("regular:3").spec()
    'regular:3'
    """
    if not isinstance(text, str):
        raise SpecError(f"{where} must be a string, got {text!r}")
    family, sep, args = text.strip().partition(":")
    family = family.strip()
    if family == "node-poly":
        raise SpecError(f"{where}: node-poly: is a node-perspective law (p_k); an ensemble side is "
                        "edge-perspective: write edge-poly:c0,c1,... (or poly:)")
    if not sep or family not in SIDE_FAMILIES:
        raise SpecError(f"{where} {text!r}: expected one of " + ", ".join(f"{f}:..." for f in SIDE_FAMILIES))
    parts = [a.strip() for a in args.split(",")] if args.strip() else []
    if not parts or any(a == "" for a in parts):
        raise SpecError(f"{where} {text!r}: empty parameter")
    try:
        return _side(family, parts)
    except SpecError as exc:
        raise type(exc)(f"{where} {text!r}: {exc}") from None


def _distribution(parts: list[str], limit: int, word: str, plural: str, letter: str) -> tuple[Fraction, ...]:
    """Non-negative exact numbers of a ``poly:`` list (coefficients or probabilities), at most ``limit``."""
    if len(parts) > limit:
        raise SpecLimitError(f"poly supports at most {limit} {plural}, got {len(parts)}")
    values = tuple(parse_number(p, f"{word} {letter}{i}") for i, p in enumerate(parts))
    for i, v in enumerate(values):
        if v < 0:
            raise SpecError(f"{word} {letter}{i} must be >= 0, got {_show(v)}")
    return values


def _side(family: str, parts: list[str]) -> Side:
    if family == "regular":
        if len(parts) != 1:
            raise SpecError("regular takes one integer degree, e.g. regular:3")
        d = _integer(parts[0], "degree d")
        if d < 1:
            raise SpecError(f"degree d must be >= 1, got {d}")
        _at_most(d, MAX_DEGREE, "degree d")
        return Side("regular", (d,))
    if family in ("poly", "edge-poly"):
        cs = _distribution(parts, MAX_TERMS, "coefficient", "coefficients", "c")
        if sum(cs) != 1:
            raise SpecError(f"poly coefficients must sum to 1 (edge-perspective law), got {_show(sum(cs))}")
        return Side("poly", cs)
    if family == "poisson":
        if len(parts) != 1:
            raise SpecError("poisson takes one mean, e.g. poisson:6")
        m = parse_number(parts[0], "mean m")
        if m <= 0:
            raise SpecError(f"Poisson mean m must be > 0, got {_show(m)}")
        _at_most(m, MAX_DEGREE, "Poisson mean m")
        return Side("poisson", (m,))
    if len(parts) != 2:
        raise SpecError("binomial takes N,p, e.g. binomial:2599,0.0156")
    N = _integer(parts[0], "binomial N")
    p = parse_number(parts[1], "binomial p")
    if N < 1:
        raise SpecError(f"binomial N must be >= 1, got {N}")
    _at_most(N, MAX_DEGREE, "binomial N")
    if not 0 < p <= 1:
        raise SpecError(f"binomial p must be in (0, 1], got {_show(p)}")
    return Side("binomial", (N, p))


@dataclass(frozen=True)
class EnsembleSpec:
    """``VAR/CHECK``: two edge-perspective sides."""

    var: Side
    check: Side

    def spec(self) -> str:
        return f"{self.var.spec()}/{self.check.spec()}"


@dataclass(frozen=True)
class ConceptTextSpec:
    """``concept-text:dt=..,kappa=..,eps=..[,R=..]`` (MODEL.md 1.2), exact parameters."""

    dt: Fraction
    kappa: Fraction
    eps: Fraction
    R: Fraction | None = None

    @property
    def var(self) -> Side:
        """Variable (concept) side: Poisson(dt kappa), or Binomial(kappa R, dt/R)."""
        if self.R is None:
            return Side("poisson", (self.dt * self.kappa,))
        return Side("binomial", (self.kappa * self.R, self.dt / self.R))

    @property
    def check(self) -> Side:
        """Check (text) side: Poisson(dt/eps), or Binomial(R/eps, dt/R)."""
        if self.R is None:
            return Side("poisson", (self.dt / self.eps,))
        return Side("binomial", (self.R / self.eps, self.dt / self.R))

    def spec(self) -> str:
        s = f"concept-text:dt={_fmt(self.dt)},kappa={_fmt(self.kappa)},eps={_fmt(self.eps)}"
        return s if self.R is None else s + f",R={_fmt(self.R)}"


_CT_KEYS = ("dt", "kappa", "eps", "R")


def _split_sides(s: str, families) -> list[str]:
    pattern = re.compile(r"/(?=(?:%s):)" % "|".join(re.escape(f) for f in families))
    return pattern.split(s)


def _check_length(text, what: str) -> str:
    if not isinstance(text, str):
        raise SpecError(f"{what} must be a string, got {text!r}")
    s = text.strip()
    if len(s) > MAX_SPEC_LENGTH:
        raise SpecLimitError(f"{what} string is too long ({len(s)} characters; at most {MAX_SPEC_LENGTH})")
    return s


def parse_ensemble_spec(text: str, argument: str = "ENSEMBLE") -> EnsembleSpec | ConceptTextSpec:
    """Parse an ensemble string of CLI.md (``VAR/CHECK`` or ``concept-text:...``).

    Raises
    ------
    SpecError
        Naming ``argument``, the string and the offending part.

    Examples
    --------
    >>> parse_ensemble_spec("concept-text:dt=6,kappa=5,eps=0.5,R=1e3").spec()
    'concept-text:dt=6,kappa=5,eps=1/2,R=1000'
    """
    s = _check_length(text, argument)
    try:
        if s.startswith("concept-text:"):
            return _concept_text(s[len("concept-text:"):])
        pieces = _split_sides(s, SIDE_FAMILIES + ("node-poly",))
        if len(pieces) != 2:
            raise SpecError("expected VAR/CHECK (e.g. regular:3/regular:6) or concept-text:dt=..,kappa=..,eps=..")
        var = parse_side_spec(pieces[0], where="variable side")
        check = parse_side_spec(pieces[1], where="check side")
        if check.family == "regular" and check.params[0] == 1 or (
                check.family == "poly" and all(c == 0 for c in check.params[1:])):
            raise SpecError("check side: every check has degree 1 (rho = 1), so decoding is trivial; "
                            "use check degrees >= 2")
        return EnsembleSpec(var, check)
    except SpecError as exc:
        raise type(exc)(f"{argument} {text!r}: {exc}", argument) from None


def _concept_text(body: str) -> ConceptTextSpec:
    kv: dict[str, str] = {}
    for item in body.split(","):
        key, eq, val = item.partition("=")
        key = key.strip()
        if not eq or key not in _CT_KEYS:
            raise SpecError(f"concept-text takes dt=..,kappa=..,eps=..[,R=..], got {item!r}")
        if key in kv:
            raise SpecError(f"{key} given twice")
        kv[key] = val.strip()
    missing = {"dt", "kappa", "eps"} - kv.keys()
    if missing:
        raise SpecError(f"concept-text is missing {', '.join(sorted(missing))}")
    dt, kappa, eps = (parse_number(kv[k], k) for k in ("dt", "kappa", "eps"))
    if dt <= 0:
        raise SpecError(f"dt must be > 0, got {_show(dt)}")
    if kappa <= 0:
        raise SpecError(f"kappa must be > 0, got {_show(kappa)}")
    if not 0 < eps < 1:
        raise SpecError(f"eps must be in (0, 1), got {_show(eps)}")
    for name, v in (("dt", dt), ("kappa", kappa)):
        _at_most(v, MAX_DEGREE, name)
    _at_most(dt * kappa, MAX_DEGREE, "dt kappa (mean concept degree)")
    _at_most(dt / eps, MAX_DEGREE, "dt/eps (mean text degree)")
    R = None
    if "R" in kv:
        R = parse_number(kv["R"], "R")
        if R <= 0:
            raise SpecError(f"R must be > 0, got {_show(R)}")
        _at_most(R / eps * max(kappa, Fraction(1)), MAX_DEGREE, "R (with kappa R and R/eps)")
        if dt > R:
            raise SpecError(f"dt must be <= R (p = dt/R <= 1), got dt={_show(dt)}, R={_show(R)}")
    return ConceptTextSpec(dt, kappa, eps, R)


# -----------------------------------------------------------------------------------
# degree laws of random graphs (node perspective)
# -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class LawSpec:
    """A node-perspective degree law: ``family`` and exact ``params``.

    ``poisson``: ``(c,)``; ``poly``: ``(p0, p1, ...)``; ``geometric``: ``(a,)``;
    ``regular``: ``(d,)``; ``binomial``: ``(N, p)``; ``powerlaw``:
    ``(tau, kmin, kmax or None)``.
    """

    family: str
    params: tuple

    def mean_degree(self) -> Fraction | float:
        """Mean degree (exact, except a power law's, a float)."""
        f, p = self.family, self.params
        if f == "poisson":
            return p[0]
        if f == "poly":
            return sum(k * q for k, q in enumerate(p))
        if f == "geometric":
            return p[0] / (1 - p[0])
        if f == "regular":
            return Fraction(p[0])
        if f == "binomial":
            return p[0] * p[1]
        return _powerlaw_mean(float(p[0]), int(p[1]), None if p[2] is None else int(p[2]))

    def spec(self) -> str:
        vals = [v for v in self.params if v is not None]
        return f"{self.family}:" + ",".join(_fmt(Fraction(v)) for v in vals)


def _scaled_zeta(s: float, a: int, terms: int = 20) -> float:
    """sum_{k >= a} (k/a)^-s for s > 1: direct head plus Euler-Maclaurin tail, scaled by a^s (no overflow)."""
    n = a + terms
    head = sum((k / a) ** -s for k in range(a, n))
    r = (n / a) ** -s
    return head + r * (n / (s - 1) + 0.5 + s / (12 * n) - s * (s + 1) * (s + 2) / (720 * n**3))


def powerlaw_tail_fraction(tau: float, kmin: int) -> float:
    """P(K >= kmin) for the pure power law p_k = k^-tau / zeta(tau), k >= 1 (float, tau > 1).

    Examples
    --------
    >>> powerlaw_tail_fraction(2.5, 1)
    1.0
    >>> powerlaw_tail_fraction(1000, 1000) < 1e-300
    True
    """
    if kmin <= 1:
        return 1.0
    log_p = -tau * math.log(kmin) + math.log(_scaled_zeta(tau, kmin)) - math.log(_scaled_zeta(tau, 1))
    return math.exp(log_p) if log_p > -745 else 0.0


def _powerlaw_mean(tau: float, kmin: int, kmax: int | None) -> float:
    """Mean degree of p_k ~ k^-tau on [kmin, kmax] (float; terms scaled by kmin so nothing under/overflows).

    Examples
    --------
    >>> round(_powerlaw_mean(2.5, 1, None), 6)  # zeta(1.5) / zeta(2.5)
    1.947372
    >>> _powerlaw_mean(3, 10**15, None) > 10**15
    True
    """
    if kmax is None:
        return kmin * _scaled_zeta(tau - 1, kmin) / _scaled_zeta(tau, kmin)
    ks = range(kmin, kmax + 1)
    return kmin * sum((k / kmin) ** (1 - tau) for k in ks) / sum((k / kmin) ** -tau for k in ks)


@dataclass(frozen=True)
class ProjectionSpec:
    """``projection:ACTORLAW/GROUPLAW``: actor projection of a bipartite graph."""

    actor: LawSpec
    group: LawSpec

    def spec(self) -> str:
        return f"projection:{self.actor.spec()}/{self.group.spec()}"


def parse_law_spec(text: str, argument: str = "LAW") -> LawSpec | ProjectionSpec:
    """Parse a degree-law string of CLI.md (node perspective).

    Examples
    --------
    >>> parse_law_spec("node-poly:1/2,0,1/2").spec()
    'poly:1/2,0,1/2'
    >>> parse_law_spec("projection:poisson:2/poly:0,0,1").group.params
    (Fraction(0, 1), Fraction(0, 1), Fraction(1, 1))
    """
    s = _check_length(text, argument)
    try:
        return _law(s, nested=False)
    except SpecError as exc:
        raise type(exc)(f"{argument} {text!r}: {exc}", argument) from None


def _law(s: str, nested: bool):
    family, sep, body = s.partition(":")
    family = family.strip()
    if family == "edge-poly":
        raise SpecError("edge-poly: is an edge-perspective law (lambda/rho coefficients); a degree law "
                        "of a random graph is node-perspective: write node-poly:p0,p1,... (or poly:)")
    if not sep or family not in LAW_FAMILIES:
        raise SpecError("expected one of " + ", ".join(f"{f}:..." for f in LAW_FAMILIES))
    if family == "projection":
        if nested:
            raise SpecError("projection laws cannot be nested")
        pieces = _split_sides(body.strip(), [f for f in LAW_FAMILIES if f != "projection"] + ["edge-poly"])
        if len(pieces) != 2:
            raise SpecError("projection takes ACTORLAW/GROUPLAW, e.g. projection:poisson:2/poisson:1")
        actor, group = _law(pieces[0], True), _law(pieces[1], True)
        if not group.mean_degree() > 0:
            raise SpecError("projection group law must have a positive mean (groups with members)")
        return ProjectionSpec(actor, group)
    parts = [a.strip() for a in body.split(",")] if body.strip() else []
    if not parts or any(a == "" for a in parts):
        raise SpecError(f"{s!r}: empty parameter" if nested else "empty parameter")
    try:
        return _law_params(family, parts)
    except SpecError as exc:
        if not nested:
            raise
        raise type(exc)(f"{s!r}: {exc}") from None


def _law_params(family: str, parts: list[str]) -> LawSpec:
    def one(example):
        if len(parts) != 1:
            raise SpecError(f"{family} takes one parameter, e.g. {example}")
        return parts[0]

    if family == "poisson":
        c = parse_number(one("poisson:2"), "poisson mean c")
        if c < 0:
            raise SpecError(f"poisson mean c must be >= 0, got {_show(c)}")
        _at_most(c, MAX_DEGREE, "poisson mean c")
        return LawSpec("poisson", (c,))
    if family in ("poly", "node-poly"):
        ps = _distribution(parts, MAX_LAW_TERMS, "probability", "probabilities", "p")
        if sum(ps) != 1:
            raise SpecError(f"poly probabilities must sum to 1 (they sum to {_show(sum(ps))})")
        return LawSpec("poly", ps)
    if family == "geometric":
        a = parse_number(one("geometric:1/2"), "geometric a")
        if not 0 <= a < 1:
            raise SpecError(f"geometric a must be in [0, 1) (a = 1 does not normalise), got {_show(a)}")
        return LawSpec("geometric", (a,))
    if family == "regular":
        d = _integer(one("regular:3"), "regular d")
        if d < 0:
            raise SpecError(f"regular d must be >= 0, got {d}")
        _at_most(d, MAX_LAW_TERMS, "regular d")
        return LawSpec("regular", (d,))
    if family == "binomial":
        if len(parts) != 2:
            raise SpecError("binomial takes N,p, e.g. binomial:10,0.2")
        N, p = _integer(parts[0], "binomial N"), parse_number(parts[1], "binomial p")
        if N < 0:
            raise SpecError(f"binomial N must be >= 0, got {N}")
        _at_most(N, MAX_DEGREE, "binomial N")
        if not 0 <= p <= 1:
            raise SpecError(f"binomial p must be in [0, 1], got {_show(p)}")
        return LawSpec("binomial", (N, p))
    if len(parts) > 3:
        raise SpecError("powerlaw takes tau[,kmin[,kmax]], e.g. powerlaw:2.5,1,100")
    tau = parse_number(parts[0], "powerlaw tau")
    kmin = _integer(parts[1], "powerlaw kmin") if len(parts) > 1 else 1
    kmax = _integer(parts[2], "powerlaw kmax") if len(parts) > 2 else None
    if kmin < 1:
        raise SpecError(f"powerlaw kmin must be >= 1, got {kmin}")
    _at_most(kmin, MAX_DEGREE, "powerlaw kmin")
    if kmax is None:
        if not tau > 2:
            raise SpecError("powerlaw tau must be > 2 for a pure power law without cutoff "
                            f"(tau <= 2 has an infinite mean degree), got {_show(tau)}; give kmax for a cutoff")
        _at_most(tau, 1000, "powerlaw tau")
    else:
        if kmax < kmin:
            raise SpecError(f"powerlaw kmax must be >= kmin = {kmin}, got {kmax}")
        if kmax - kmin + 1 > MAX_LAW_TERMS:
            raise SpecLimitError(f"powerlaw cutoff range kmax - kmin + 1 must be <= {MAX_LAW_TERMS}, "
                                 f"got {kmax - kmin + 1}")
        if not math.isfinite(float(tau)) or abs(tau) > 1000:
            raise SpecError(f"powerlaw tau must be in [-1000, 1000], got {_show(tau)}")
    return LawSpec("powerlaw", (tau, kmin, kmax))
