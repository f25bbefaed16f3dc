"""LDPC / concept-text ensembles and their density evolution on the BEC.

An :class:`Ensemble` pairs a variable-side and a check-side degree law
(:mod:`derivations.degree`) and returns exact SymPy objects:

* ``lam(x)``, ``rho(x)``: edge-perspective generating functions (MODEL.md 1.2);
* ``L(x)``: node-perspective variable GF, ``L1 = L'(1)``;
* :meth:`Ensemble.de_map`: ``f(eps, x) = eps * lam(1 - rho(1 - x))`` (MODEL.md 1.3);
* :meth:`Ensemble.eps_of_x`: the fixed-point curve ``eps(x) = x / lam(1 - rho(1 - x))``;
* :meth:`Ensemble.stability_bound`: ``1 / (lam'(0) rho'(1))``;
* the design rate ``1 - L'(1)/R'(1)``.

:func:`parse_ensemble` reads the CLI strings of CLI.md (``regular:3/regular:6``,
``poly:0,1/2,1/2/regular:6`` -- also spelled ``edge-poly:``, the sides being
edge-perspective --, ``concept-text:dt=6,kappa=5,eps=0.5[,R=1000]``...); the
syntax and parameter domains live in :mod:`derivations.specs` (no SymPy), this
module builds the exact objects.

References
----------
T. Richardson and R. Urbanke, *Modern Coding Theory*, Cambridge (2008), ch. 3.
A. K. Nayak and L. R. Varshney, arXiv:2410.01243 (2024), section III.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from .degree import Binomial, DegreeSide, FiniteSupport, Poisson, Regular, exact
from .notation import EPS, X, latex
from .specs import (
    ConceptTextSpec,
    EnsembleSpec,
    Side,
    SpecLimitError,
    parse_ensemble_spec,
    parse_side_spec,
)

__all__ = ["Ensemble", "ConceptText", "parse_side", "parse_ensemble", "side_from_spec", "ensemble_from_spec",
           "MAX_EXACT_TERMS"]


@dataclass(frozen=True)
class Ensemble:
    """A pair (variable side, check side) of degree laws.

    Parameters
    ----------
    var, check : DegreeSide
        Edge-perspective laws of the variable (concept) and check (text) nodes.

    Examples
    --------
    >>> e = parse_ensemble("regular:3/regular:6")
    >>> e.eps_of_x(X)
    x/(1 - (1 - x)**5)**2
    >>> e.stability_bound()
    oo
    >>> parse_ensemble("regular:2/regular:6").stability_bound()
    1/5
    >>> e.design_rate()
    1/2
    """

    var: DegreeSide
    check: DegreeSide
    name: str = field(default="", compare=False)

    def __post_init__(self):
        if not isinstance(self.var, DegreeSide) or not isinstance(self.check, DegreeSide):
            raise ValueError("an ensemble needs two degree laws (variable side, check side)")
        if not self.check.edge_gf(X).has(X):
            raise ValueError("check side: every check has degree 1 (rho = 1), "
                             "so decoding is trivial; use check degrees >= 2")

    # -- generating functions -------------------------------------------------
    def lam(self, x):
        """Variable edge-perspective GF lambda(x)."""
        return self.var.edge_gf(x)

    def rho(self, x):
        """Check edge-perspective GF rho(x)."""
        return self.check.edge_gf(x)

    def L(self, x):
        """Variable node-perspective GF L(x) (includes degree-0 nodes, see degree.py)."""
        return self.var.node_gf(x)

    @property
    def L1(self):
        """L'(1): mean variable-node degree."""
        return self.var.mean_degree()

    @property
    def R1(self):
        """R'(1): mean check-node degree."""
        return self.check.mean_degree()

    def design_rate(self):
        """Design rate 1 - L'(1)/R'(1) (= 1 - int rho / int lambda without degree-0 nodes)."""
        return sp.simplify(1 - self.L1 / self.R1)

    # -- density evolution ------------------------------------------------------
    def y_of_x(self, x):
        """Check-to-variable erasure probability y = 1 - rho(1 - x)."""
        return 1 - self.rho(1 - x)

    def de_map(self, eps, x):
        """One DE step f(eps, x) = eps * lambda(1 - rho(1 - x))."""
        return eps * self.lam(self.y_of_x(x))

    def eps_of_x(self, x):
        """Parametric fixed-point curve eps(x) = x / lambda(1 - rho(1 - x))."""
        return x / self.lam(self.y_of_x(x))

    def deps_dx(self, x):
        """Derivative of the fixed-point curve, d eps / dx."""
        xs = sp.Dummy("xs", positive=True)
        return sp.diff(self.eps_of_x(xs), xs).subs(xs, x)

    def residual_erasure(self, eps, x):
        """Post-decoding erased fraction eps * L(y) at DE state x."""
        return eps * self.L(self.y_of_x(x))

    def exit_h(self, x):
        """BP EXIT function along the fixed-point curve, h(x) = L(1 - rho(1 - x))."""
        return self.L(self.y_of_x(x))

    @property
    def has_low_degree_variables(self) -> bool:
        """True when lambda(0) > 0 (degree-0/1 variables: error floor, no x = 0 fixed point)."""
        val = sp.simplify(self.lam(sp.Integer(0)))
        return bool(val != 0)

    def stability_bound(self):
        """Stability bound 1/(lambda'(0) rho'(1)); infinity when lambda'(0) = 0.

        Only meaningful when lambda(0) = 0.
        """
        t = sp.Dummy("t")
        lp0 = sp.diff(self.lam(t), t).subs(t, 0)
        rp1 = sp.diff(self.rho(t), t).subs(t, 1)
        lp0 = sp.simplify(lp0)
        rp1 = sp.simplify(rp1)
        if lp0 == 0:
            return sp.oo
        return sp.simplify(1 / (lp0 * rp1))

    def spec(self) -> str:
        """CLI string of this ensemble."""
        return self.name or f"{self.var.spec()}/{self.check.spec()}"

    def latex(self) -> dict[str, str]:
        """LaTeX of lambda, rho and eps(x)."""
        return {
            "lambda": latex(self.lam(X)),
            "rho": latex(self.rho(X)),
            "eps_of_x": latex(self.eps_of_x(X)),
            "de_map": latex(self.de_map(EPS, X)),
        }

    def __str__(self) -> str:
        return self.spec()


@dataclass(frozen=True)
class ConceptText(Ensemble):
    """The paper's concept-text ensemble (MODEL.md 1.2).

    R concepts, T = kappa R texts, each (concept, text) pair linked with
    probability p = d_t / R; the graph is embedded in a code of length
    n = R / eps.  With ``R`` given, the exact binomial pair

        lambda(x) = (1 - p + p x)^(T - 1),  rho(x) = (1 - p + p x)^(R/eps - 1);

    with ``R=None`` its large-R limit, the Poisson pair with variable mean
    a = d_t kappa and check mean b = d_t / eps.

    Examples
    --------
    >>> ct = ConceptText(6, 5, "1/2")
    >>> ct.var, ct.check
    (Poisson(m=30), Poisson(m=12))
    >>> ConceptText(6, 5, "0.5", R=1000).var
    Binomial(N=5000, p=3/500)
    """

    dt: sp.Expr = 0
    kappa: sp.Expr = 0
    eps: sp.Expr = 0
    R: sp.Expr | None = None

    def __init__(self, dt, kappa, eps, R=None):
        dt = exact(dt, "dt")
        kappa = exact(kappa, "kappa")
        eps = exact(eps, "eps")
        if not dt.free_symbols and not dt > 0:
            raise ValueError(f"dt must be > 0, got {dt}")
        if not kappa.free_symbols and not kappa > 0:
            raise ValueError(f"kappa must be > 0, got {kappa}")
        if not eps.free_symbols and not (0 < eps < 1):
            raise ValueError(f"eps must be in (0, 1), got {eps}")
        if R is None:
            var, check = Poisson(dt * kappa), Poisson(dt / eps)
            name = f"concept-text:dt={dt},kappa={kappa},eps={eps}"
        else:
            R = exact(R, "R")
            if not R.free_symbols and not R > 0:
                raise ValueError(f"R must be > 0, got {R}")
            if not R.free_symbols and not dt.free_symbols and dt > R:
                raise ValueError(f"dt must be <= R (p = dt/R <= 1), got dt={dt}, R={R}")
            p = dt / R
            var, check = Binomial(kappa * R, p), Binomial(R / eps, p)
            name = f"concept-text:dt={dt},kappa={kappa},eps={eps},R={R}"
        object.__setattr__(self, "var", var)
        object.__setattr__(self, "check", check)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "dt", dt)
        object.__setattr__(self, "kappa", kappa)
        object.__setattr__(self, "eps", eps)
        object.__setattr__(self, "R", R)

    def __repr__(self) -> str:
        return f"ConceptText({self.name!r})"

    @property
    def p(self):
        """Link probability d_t / R (None in the Poisson limit)."""
        return None if self.R is None else self.dt / self.R


def side_from_spec(side: Side) -> DegreeSide:
    """The exact SymPy degree law of a parsed side (:mod:`derivations.specs`)."""
    if side.family == "regular":
        return Regular(side.params[0])
    if side.family == "poly":
        return FiniteSupport(side.params)
    if side.family == "poisson":
        return Poisson(side.params[0])
    return Binomial(*side.params)


#: Most nonzero polynomial coefficients (both sides together) of an ensemble built for exact
#: (SymPy-compiled) evaluation.  Cost model measured on the project's 2-core machine with a
#: BP threshold at 30 digits (CPU time; symbolic differentiation of the composed polynomial
#: dominates, so the digits matter little: 24 terms at 1000 digits 6.8 s): 24 terms 7.7 s,
#: 40 terms 24.7 s; 24 keeps one threshold under ~10 s of CPU.
#: The simulators parse with derivations.specs and are not bound by it.
MAX_EXACT_TERMS = 24


def ensemble_from_spec(spec: EnsembleSpec | ConceptTextSpec) -> Ensemble:
    """The exact SymPy ensemble of a parsed ensemble string.

    Raises
    ------
    SpecLimitError
        When the polynomial sides have more than :data:`MAX_EXACT_TERMS`
        nonzero coefficients together (exact evaluation would not finish in
        bounded time).
    """
    if isinstance(spec, ConceptTextSpec):
        return ConceptText(spec.dt, spec.kappa, spec.eps, spec.R)
    terms = sum(side.terms for side in (spec.var, spec.check) if side.family == "poly")
    if terms > MAX_EXACT_TERMS:
        raise SpecLimitError(
            f"ENSEMBLE {spec.spec()[:60]!r}: {terms} nonzero poly coefficients; exact evaluation is limited "
            f"to {MAX_EXACT_TERMS} (cost grows faster than linearly with the terms; the simulators have no "
            "such limit)", "ENSEMBLE")
    return Ensemble(side_from_spec(spec.var), side_from_spec(spec.check))


def parse_side(text: str, *, where: str = "side") -> DegreeSide:
    """Parse one edge-perspective side: ``regular:d``, ``edge-poly:c0,c1,..`` (or ``poly:``),
    ``poisson:m`` or ``binomial:N,p`` (syntax and domains: :func:`derivations.specs.parse_side_spec`).

    Raises
    ------
    ValueError
        With a message naming the side and what is allowed.

    Examples
    --------
    >>> parse_side("poly:0,1/2,1/2")
    FiniteSupport(coeffs=(0, 1/2, 1/2))
    >>> parse_side("edge-poly:0,1/2,1/2") == parse_side("poly:0,1/2,1/2")
    True
    """
    return side_from_spec(parse_side_spec(text, where=where))


def parse_ensemble(text: str) -> Ensemble:
    """Parse an ensemble string of CLI.md.

    Parameters
    ----------
    text : str
        ``VAR/CHECK`` with each side as in :func:`parse_side`, or
        ``concept-text:dt=D,kappa=K,eps=E[,R=N]``.

    Raises
    ------
    ValueError
        For malformed strings and invalid parameters (the message names the
        offending part); :class:`derivations.specs.SpecLimitError` for
        parameters beyond the documented limits.

    Examples
    --------
    >>> parse_ensemble("poly:0,1/2,1/2/regular:6").var
    FiniteSupport(coeffs=(0, 1/2, 1/2))
    >>> parse_ensemble("concept-text:dt=6,kappa=5,eps=0.5")
    ConceptText('concept-text:dt=6,kappa=5,eps=1/2')
    """
    return ensemble_from_spec(parse_ensemble_spec(text))
