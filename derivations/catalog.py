"""Catalogue of the derived formulas of every claim, as SymPy objects and project LaTeX.

Each entry's formula is an object *returned by the derivation functions* of
this package (:mod:`derivations.thresholds`, :mod:`derivations.ensemble`,
:mod:`derivations.amru`, :mod:`derivations.optimum`,
:mod:`derivations.training`, :mod:`derivations.chinchilla`,
:mod:`derivations.graphs`, :mod:`derivations.skills`), wrapped at most in an
``Eq`` with a named left-hand side, and printed by the project's one printer
:func:`derivations.notation.latex`.  No formula is typed in as LaTeX; only the
titles are prose.

Every builder imports its derivation module directly: a missing module is
an error, never a claim with fewer formulas.  Displays that differ from the
derived object (the scaling law written with Q, alpha^2 with named values at
the critical point) are checked equal to it symbolically when built.

Examples
--------
>>> entries = catalog("A3")["A3"]
>>> [e.label for e in entries][:2]
['A3-kappa-star', 'A3-fixed-point-kappa']
>>> entries[0].latex
'\\\\kappa^{*} = - \\\\frac{e^{- \\\\frac{1}{W_{0}\\\\left(- \\\\frac{1}{d_t}\\\\right)}} W_{0}\\\\left(- \\\\frac{1}{d_t}\\\\right)}{d_t}'
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from .notation import EPS, X, latex, prose

__all__ = ["Entry", "SOURCES", "catalog", "entry", "missing", "CLAIM_IDS"]

#: Bibliography keys -> full references (the papers named in MODEL.md).
SOURCES: dict[str, str] = {
    "nayak2024": "A. K. Nayak and L. R. Varshney, An information theory of compute-optimal size scaling, "
                 "emergence, and plateaus in language models, arXiv:2410.01243 (2024); IEEE J. Sel. Topics "
                 "Signal Process. 19(7) (2025).",
    "arora2023": "S. Arora and A. Goyal, A theory for emergence of complex skills and language models, "
                 "arXiv:2307.15936 (2023).",
    "amraoui2009": "A. Amraoui, A. Montanari, T. Richardson and R. Urbanke, Finite-length scaling for "
                   "iteratively decoded LDPC ensembles, IEEE Trans. Inf. Theory 55(2), 473--498 (2009).",
    "richardson2008": "T. Richardson and R. Urbanke, Modern Coding Theory, Cambridge University Press (2008).",
    "kudekar2011": "S. Kudekar, T. Richardson and R. Urbanke, Threshold saturation via spatial coupling: why "
                   "convolutional LDPC ensembles perform so well over the BEC, IEEE Trans. Inf. Theory "
                   "57(2), 803--834 (2011).",
    "molloy1995": "M. Molloy and B. Reed, A critical point for random graphs with a given degree sequence, "
                  "Random Struct. Algorithms 6, 161--179 (1995).",
    "newman2001": "M. E. J. Newman, S. H. Strogatz and D. J. Watts, Random graphs with arbitrary degree "
                  "distributions and their applications, Phys. Rev. E 64, 026118 (2001).",
    "hoffmann2022": "J. Hoffmann et al., Training compute-optimal large language models, arXiv:2203.15556 "
                    "(2022).",
    "besiroglu2024": "T. Besiroglu, E. Erdil, M. Barnett and J. You, Chinchilla scaling: a replication "
                     "attempt, arXiv:2404.10102 (2024).",
    "kaplan2020": "J. Kaplan et al., Scaling laws for neural language models, arXiv:2001.08361 (2020).",
    "corless1996": "R. M. Corless, G. H. Gonnet, D. E. G. Hare, D. J. Jeffrey and D. E. Knuth, On the "
                   "Lambert W function, Adv. Comput. Math. 5, 329--359 (1996).",
    "strogatz1994": "S. H. Strogatz, Nonlinear Dynamics and Chaos, Addison-Wesley (1994), sec. 4.3.",
}

#: The claim ids with catalogued derivations, in CLAIMS.md's table order.
CLAIM_IDS = ("A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "A10", "A11", "A12",
             "B1", "B2", "B3", "B4", "B5", "B6", "B7", "C1", "B8", "D1", "D2", "D3", "R1")


@dataclass(frozen=True)
class Entry:
    """One catalogued formula: ``expr`` (SymPy), its ``latex`` and where it comes from.

    ``title`` is typeset prose (symbols from the notation table); ``lines`` the
    formula broken at its top-level terms for a ``multline`` display (empty when
    it fits one line); ``where`` the named intermediate quantities of the display
    as (symbol, definition) LaTeX pairs.
    """

    label: str
    title: str
    expr: sp.Basic
    latex: str
    source: str
    derived_by: str
    lines: tuple[str, ...] = ()
    where: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict:
        return {"label": self.label, "title": self.title, "latex": self.latex, "source": self.source,
                "derived_by": self.derived_by, "lines": list(self.lines),
                "where": [list(w) for w in self.where]}


def _split_lines(display, as_built: bool) -> tuple[str, ...]:
    """``lhs = t1 + t2 + ...`` as one line per top-level term of the right-hand side."""
    if not isinstance(display, sp.Equality) or not isinstance(display.rhs, sp.Add):
        return ()
    terms = display.rhs.args if as_built else display.rhs.as_ordered_terms()
    lines = []
    for k, term in enumerate(terms):
        neg = term.could_extract_minus_sign()
        body = latex(-term if neg else term, as_built)
        if k == 0:
            lines.append(f"{latex(display.lhs, as_built)} = {'-' if neg else ''}{body}")
        else:
            lines.append(f"{'-' if neg else '+'} {body}")
    return tuple(lines)


def entry(label: str, title: str, expr, source: str, derived_by: str, *, display=None,
          as_built: bool = False, split: bool = False, where=()) -> Entry:
    """Build an :class:`Entry`.

    ``expr`` is the derived object; ``display`` (default ``expr``) what is printed
    with :func:`derivations.notation.latex` -- a display must have been checked
    equal to ``expr`` by the caller.  ``title`` is a :func:`~derivations.notation.prose`
    template.  ``split`` breaks the display at its top-level terms.
    """
    if source not in SOURCES:
        raise KeyError(f"unknown source {source!r}")
    expr = sp.sympify(expr)
    shown = expr if display is None else display
    lines = _split_lines(shown, as_built) if split else ()
    return Entry(label, prose(title), expr, latex(shown, as_built), source, derived_by, lines, tuple(where))


def name_critical_values(expr: sp.Expr) -> tuple[sp.Expr, tuple[tuple[str, str], ...]]:
    """Replace the values of lambda, rho and their derivatives at the critical point by named symbols.

    lambda(y*), lambda'(y*), lambda''(y*) -> lambda_*, lambda'_*, lambda''_*;
    lambda(y*^2), lambda'(y*^2) -> hat-lambda, hat-lambda'; rho(xbar), rho'(xbar) ->
    rho_*, rho'_*; rho(xbar^2), rho'(xbar^2) -> hat-rho, hat-rho' (xbar = 1 - x*).
    Values at other points are left as they are.

    Returns the renamed expression and the (symbol, definition) LaTeX pairs of
    the names used.  Raises ``ValueError`` when substituting the definitions back
    does not give ``expr`` (the display would not be the derived formula).
    """
    from sympy.core.function import AppliedUndef

    x, y = sp.symbols("x_star y_star", positive=True)
    xb = 1 - x
    points = {y: ("lam", "s", "y^{*}"), y**2: ("lam", "ss", "y^{*2}"),
              xb: ("rho", "s", r"\bar{x}"), xb**2: ("rho", "ss", r"\bar{x}^{2}")}
    prefix = {0: "", 1: "d", 2: "dd"}
    found: dict[sp.Basic, tuple[str, str]] = {}

    def name(fname, k, at):
        key = points.get(at)
        short = {"lambda": "lam", "rho": "rho"}.get(fname)
        if key is None or short != key[0] or k not in prefix:
            return None
        sym = f"{prefix[k]}{short}_{key[1]}"
        if sym.startswith("dd") and key[1] == "ss":
            return None
        return sym, r"\%s%s(%s)" % (fname, "'" * k, key[2])

    for atom in expr.atoms(sp.Subs):
        inner = atom.expr
        if isinstance(inner, sp.Derivative) and isinstance(inner.expr, AppliedUndef) and len(atom.point) == 1:
            got = name(inner.expr.func.__name__, inner.derivative_count, atom.point[0])
            if got:
                found[atom] = got
    for atom in expr.atoms(sp.Derivative):
        if isinstance(atom.expr, AppliedUndef) and atom.expr.args == (y,):
            got = name(atom.expr.func.__name__, atom.derivative_count, y)
            if got:
                found[atom] = got
    for atom in expr.atoms(AppliedUndef):
        if len(atom.args) == 1:
            got = name(atom.func.__name__, 0, atom.args[0])
            if got:
                found[atom] = got
    repl = {atom: sp.Symbol(sym) for atom, (sym, _) in found.items()}
    renamed = expr.xreplace(repl)
    back = {sp.Symbol(sym): atom for atom, (sym, _) in found.items()}
    order = ["lam_s", "dlam_s", "ddlam_s", "lam_ss", "dlam_ss", "rho_s", "drho_s", "rho_ss", "drho_ss"]
    defs = {sym: definition for sym, definition in found.values()}
    where = [(latex(sp.Symbol(s)), defs[s]) for s in order if s in defs]
    xbar = sp.Symbol("xbar", positive=True)
    shown = renamed.subs(xb, xbar)
    if shown != renamed:
        where.append((latex(xbar), r"1 - x^{*}"))
        back[xbar] = xb
    if sp.simplify(shown.xreplace(back) - expr) != 0:
        raise ValueError("named intermediate quantities do not reproduce the derived expression")
    return shown, tuple(where)


def beta_display() -> tuple[sp.Expr, tuple[tuple[str, str], ...]]:
    """(beta/Omega)^3 written with r_2, r_3 and the named critical values, checked against the derivation."""
    from . import amru as sc

    lamf, rhof = sp.Function("lambda"), sp.Function("rho")
    L1 = sp.Symbol("L'(1)", positive=True)
    e, x, y = sp.symbols("eps_star x_star y_star", positive=True)
    derived = sc.beta_over_omega_cubed(lamf, rhof, L1, e, x, y)
    r2, r3 = sp.Symbol("r_2"), sp.Symbol("r_3")
    dl, ddl, drs = sp.Symbol("dlam_s"), sp.Symbol("ddlam_s"), sp.Symbol("drho_s")
    num = e**4 * r2**2 * (e * dl**2 * r2 - x * (ddl * r2 + dl * x)) ** 2
    den = L1**2 * drs**3 * x**10 * (2 * e * dl**2 * r3 - ddl * r2 * x)
    shown = num / den
    z = e * lamf(y)
    s = sp.Dummy("s")
    back = {r2: sc.r_coefficient(rhof, 2, z), r3: sc.r_coefficient(rhof, 3, z),
            dl: sp.Derivative(lamf(y), y), ddl: sp.Derivative(lamf(y), (y, 2)),
            drs: sp.Subs(sp.Derivative(rhof(s), s), s, 1 - x)}
    if sp.simplify((shown.xreplace(back) - derived).doit()) != 0:
        raise ValueError("the displayed (beta/Omega)^3 does not reproduce the derived expression")
    where = ((latex(dl), r"\lambda'(y^{*})"), (latex(ddl), r"\lambda''(y^{*})"), (latex(drs), r"\rho'(1 - x^{*})"),
             (r"r_i", r"\sum_{m \ge j \ge i} (-1)^{i+j}\binom{j-1}{i-1}\binom{m-1}{j-1}\rho_m"
                      r"\,(\varepsilon^{*}\lambda_{*})^{j}"))
    return shown, where


def _S(name: str, **kw) -> sp.Symbol:
    return sp.Symbol(name, **kw)


def _fn(name: str):
    return sp.Function(name)


# ------------------------------------------------------------------------------------
# per-claim builders (each returns a list of entries)
# ------------------------------------------------------------------------------------

def _a1() -> list[Entry]:
    from .ensemble import ConceptText, Ensemble
    from .optimum import binomial_pair

    lamf, rhof = _fn("lambda"), _fn("rho")

    class _Generic:
        """An ensemble with undefined lambda, rho: the Ensemble methods applied symbolically."""

        lam = staticmethod(lamf)
        rho = staticmethod(rhof)
        y_of_x = Ensemble.y_of_x
        de_map = Ensemble.de_map
        eps_of_x = Ensemble.eps_of_x

    de = _Generic().de_map(EPS, X)
    curve = _Generic().eps_of_x(X)
    lam, rho, L, _ = binomial_pair()
    ct = ConceptText(_S("d_t", positive=True), _S("kappa", positive=True), EPS)
    return [
        entry("A1-de-map", "Density evolution on the BEC", sp.Eq(_S("x_ell1"), de.subs(X, _S("x_ell"))),
              "richardson2008", "derivations.ensemble.Ensemble.de_map"),
        entry("A1-fixed-point-curve", "Fixed points of DE (parametric form)", sp.Eq(_fn("eps")(X), curve),
              "richardson2008", "derivations.ensemble.Ensemble.eps_of_x"),
        entry("A1-concept-text-lambda", "Concept--text ensemble, variable side ($R$ concepts, $T$ texts)",
              sp.Eq(lamf(X), lam(X)), "nayak2024", "derivations.optimum.binomial_pair"),
        entry("A1-concept-text-rho", "Concept--text ensemble, check side (code length $R/\\varepsilon$)",
              sp.Eq(rhof(X), rho(X)), "nayak2024", "derivations.optimum.binomial_pair"),
        entry("A1-poisson-limit", "Large-$R$ limit of the concept--text ensemble: DE map",
              sp.Eq(_S("x_ell1"), ct.de_map(EPS, _S("x_ell"))), "nayak2024",
              "derivations.ensemble.ConceptText.de_map"),
    ]


def _a2() -> list[Entry]:
    from . import thresholds as th

    l, r = sp.symbols("l r", positive=True, integer=True)
    a, b = sp.symbols("a b", positive=True)
    x_star, eps_star = th.poisson_spinodal(a, b)
    from .degree import Regular
    from .ensemble import Ensemble

    stab = sp.limit(Ensemble(Regular(2), Regular(r)).eps_of_x(X), X, 0)
    return [
        entry("A2-kru-pbp", "BP critical point of $(l, r)$-regular codes: $p_{\\mathrm{BP}}(x) = 0$ (derived equal to the "
              "numerator of $\\varepsilon'(x)$)", sp.Eq(_fn("p_BP")(X), th.kru_bp_polynomial(l, r)), "kudekar2011",
              "derivations.thresholds.kru_bp_polynomial, prove_regular_bp_kru"),
        entry("A2-regular-36", "Derived polynomial of the $(3, 6)$-regular code, root {x_star} in $(0, 1)$",
              sp.Eq(th.regular_bp_polynomial(3, 6).as_expr(), 0), "kudekar2011",
              "derivations.thresholds.regular_bp_polynomial"),
        entry("A2-poisson-x", "Poisson$(a)$/Poisson$(b)$ spinodal: critical point", sp.Eq(_S("x_star"), x_star),
              "corless1996", "derivations.thresholds.poisson_spinodal"),
        entry("A2-poisson-eps", "Poisson$(a)$/Poisson$(b)$ spinodal: threshold", sp.Eq(_S("eps_star"), eps_star),
              "corless1996", "derivations.thresholds.poisson_spinodal"),
        entry("A2-stability-2r", "$(2, r)$-regular codes: stability-limited threshold",
              sp.Eq(_S("eps_BP"), stab), "richardson2008", "derivations.thresholds.stability_threshold"),
    ]


def _a3() -> list[Entry]:
    from . import optimum as op

    ex = op.existence_condition()
    return [
        entry("A3-kappa-star", "Jump of the learned fraction in {kappa} $= T/R$ (closed form)",
              sp.Eq(_S("kappa_star"), op.kappa_star()), "corless1996", "derivations.optimum.kappa_star"),
        entry("A3-fixed-point-kappa", "Fixed-point curve of the $u$-form DE, $v = d_t u$",
              sp.Eq(_S("kappa"), op.fixed_point_kappa()), "nayak2024", "derivations.optimum.fixed_point_kappa"),
        entry("A3-fold", "Fold condition", sp.Eq(op.fold_condition(), 0), "nayak2024",
              "derivations.optimum.fold_condition"),
        entry("A3-existence", "A jump exists iff this maximum of the fold function is positive ($d_t > e$)",
              sp.Gt(ex["max_value"], 0), "nayak2024", "derivations.optimum.existence_condition"),
    ]


def _scaling_generic():
    from . import amru as sc

    return sc.generic_formulas()


def _law_display():
    """P_B = Q(sqrt(n)(eps* - beta n^(-2/3) - eps)/alpha), checked equal to the derived erfc form."""
    from . import amru as sc

    n, e, es, al, be = sp.symbols("n eps eps_star alpha beta", positive=True)
    shown = sc.block_failure_display(n, e, es, al, be)
    derived = sc.block_failure(n, e, es, al, be)
    if sp.simplify(shown.doit().rewrite(sp.erfc) - derived) != 0:
        raise ValueError("the displayed scaling law does not reproduce the derived block-failure expression")
    return shown, derived


def _a4() -> list[Entry]:
    from . import amru as sc

    g = _scaling_generic()
    z = sp.symbols("z", positive=True)
    rhof = _fn("rho")
    law, derived = _law_display()
    a2_shown, a2_where = name_critical_values(g["alpha_squared"])
    b3_shown, b3_where = beta_display()
    return [
        entry("A4-block-failure", "Finite-length scaling law (block failure), with $Q(z) = \\tfrac12\\operatorname{erfc}(z/\\sqrt{2})$ the Gaussian tail",
              sp.Eq(_S("P_B"), derived), "amraoui2009", "derivations.amru.block_failure",
              display=sp.Eq(_S("P_B"), law, evaluate=False), as_built=True),
        entry("A4-alpha2", "Scaling parameter {alpha} at the critical point $(\\varepsilon^{*}, x^{*}, y^{*})$",
              sp.Eq(_S("alpha") ** 2, g["alpha_squared"]), "amraoui2009", "derivations.amru.alpha_squared",
              display=sp.Eq(_S("alpha") ** 2, a2_shown), split=True, where=a2_where),
        entry("A4-beta3", "Shift parameter $\\beta/\\Omega$ at the critical point",
              sp.Eq((_S("beta") / _S("Omega")) ** 3, g["beta_over_omega_cubed"]), "amraoui2009",
              "derivations.amru.beta_over_omega_cubed",
              display=sp.Eq(_S("beta_over_Omega") ** 3, b3_shown), where=b3_where),
        entry("A4-r2", "Coefficient {r_2} in closed form ($z = \\varepsilon^{*}\\lambda(y^{*})$)",
              sp.Eq(_S("r_2"), sc.r_coefficient(lambda t: rhof(t), 2, z)), "amraoui2009",
              "derivations.amru.r_coefficient"),
        entry("A4-r3", "Coefficient {r_3} in closed form", sp.Eq(_S("r_3"), sc.r_coefficient(lambda t: rhof(t), 3, z)),
              "amraoui2009", "derivations.amru.r_coefficient"),
    ]


def _a5() -> list[Entry]:
    from . import amru as sc

    Lf = _fn("L")
    eps, y = sp.symbols("eps_star y_star", positive=True)
    n, e, al, be = sp.symbols("n eps alpha beta", positive=True)
    nu = sc.nu_star(lambda t: Lf(t), eps, y)
    return [
        entry("A5-nu", "Erased fraction at the critical point", sp.Eq(_S("nu"), nu), "amraoui2009",
              "derivations.amru.nu_star"),
        entry("A5-bit-failure", "Waterfall bit failure of the concept--text (binomial) ensemble",
              sp.Eq(_S("P_b"), sc.bit_failure(n, e, eps, al, be, _S("nu"))), "nayak2024",
              "derivations.amru.bit_failure",
              display=sp.Eq(_S("P_b"), sp.Mul(_S("nu"), _law_display()[0], evaluate=False), evaluate=False),
              as_built=True),
    ]


def _a6() -> list[Entry]:
    from . import optimum as op

    red = op.objective_reduction()
    return [
        entry("A6-objective", "Large-{C_prime} objective ({kappa} $= T/R$, {kappa_hat} its optimum)", sp.Eq(_S("R_learned"), red["objective"]),
              "nayak2024", "derivations.optimum.objective_reduction"),
        entry("A6-R-star", "Compute-optimal number of concepts", sp.Eq(_S("R_star"), red["R_star"]),
              "nayak2024", "derivations.optimum.objective_reduction"),
        entry("A6-T-star", "Compute-optimal number of texts", sp.Eq(_S("T_star"), red["T_star"]),
              "nayak2024", "derivations.optimum.objective_reduction"),
        entry("A6-exponent", "Exponent $d\\log R^{*}/d\\log C'$", sp.Eq(_S("a_R"), red["exponent_R"]), "nayak2024",
              "derivations.optimum.objective_reduction"),
    ]


def _a7() -> list[Entry]:
    from . import optimum as op

    umap, diff = op.u_form_de()
    return [
        entry("A7-u-map", "Poisson-limit DE in $u = x/\\varepsilon$: {eps} cancels", sp.Eq(_S("u_ell1"), umap),
              "nayak2024", "derivations.optimum.u_form_de"),
        entry("A7-difference", "Difference from the {eps}-free map (derived)", sp.Eq(_S("Delta"), diff),
              "nayak2024", "derivations.optimum.u_form_de"),
    ]


def _a8() -> list[Entry]:
    from . import optimum as op

    fc = op.finite_c_correction()
    return [
        entry("A8-dkappa", "Leading finite-{C_prime} shift of the optimal {kappa}", sp.Eq(_S("Delta_kappa"), fc["dkappa"]),
              "amraoui2009", "derivations.optimum.finite_c_correction"),
        entry("A8-local-exponent", "Effective exponent $d\\log R^{*}/d\\log C'$ to first order",
              sp.Eq(_S("a_R"), fc["local_exponent"]), "nayak2024", "derivations.optimum.finite_c_correction"),
    ]


def _a9() -> list[Entry]:
    from . import optimum as op

    tau, vs = sp.symbols("tau varsigma", positive=True)
    return [
        entry("A9-tokens-per-parameter", "Tokens per parameter in the large-$C$ limit",
              sp.Eq(_S("D_star") / _S("N_star"), tau / vs * op.kappa_star()), "nayak2024",
              "derivations.optimum.kappa_star"),
    ]


def _a10() -> list[Entry]:
    from . import training as tr

    pe = _S("P_e")
    return [
        entry("A10-training-error", "Training (text) error, independence model",
              sp.Eq(pe, tr.training_error()), "nayak2024", "derivations.training.training_error"),
        entry("A10-series", "Small-{delta} series (derived)", sp.Eq(pe, tr.training_error_series(3)), "nayak2024",
              "derivations.training.training_error_series"),
        entry("A10-leading", "Large-$R$ leading term", sp.Eq(pe, tr.leading_training_error()), "nayak2024",
              "derivations.training.leading_training_error"),
        entry("A10-pinsker", "Excess-entropy lower bound (Pinsker)",
              sp.Ge(_S("D_KL"), tr.excess_entropy_bound(pe)), "nayak2024", "derivations.training.excess_entropy_bound"),
    ]


def _a11() -> list[Entry]:
    from . import training as tr

    c, d = sp.symbols("c d", positive=True)
    return [
        entry("A11-bottleneck-integral", "Bottleneck passage integral (derived by integration)",
              sp.Eq(_S("N_iter"), tr.bottleneck_integral()), "strogatz1994", "derivations.training.bottleneck_integral"),
        entry("A11-iterations", "DE iterations near the threshold, $d = \\varepsilon^{*} - \\varepsilon$, $c = c_1 c_2$",
              sp.Eq(_S("N_iter"), tr.bottleneck_iterations(c, d)), "strogatz1994",
              "derivations.training.bottleneck_iterations"),
    ]


def _a12() -> list[Entry]:
    from . import thresholds as th

    l, r = sp.symbols("l r", positive=True, integer=True)
    return [
        entry("A12-kru-pmap", "Maxwell (MAP) polynomial of $(l, r)$-regular codes (derived from the area theorem)",
              sp.Eq(_fn("p_MAP")(X), th.kru_map_polynomial(l, r)), "kudekar2011",
              "derivations.thresholds.kru_map_polynomial, prove_regular_map_kru"),
        entry("A12-regular-36", "Derived Maxwell polynomial of the $(3, 6)$-regular code",
              sp.Eq(th.regular_map_polynomial(3, 6).as_expr(), 0), "kudekar2011",
              "derivations.thresholds.regular_map_polynomial"),
    ]


def _b1() -> list[Entry]:
    from . import graphs as gr

    c = _S("c", positive=True)
    eqs = gr.giant_equations(gr.PoissonLaw(c), _S("u", nonnegative=True))
    G0, G1 = _fn("G0"), _fn("G1")
    u = _S("u", nonnegative=True)
    return [
        entry("B1-fixed-point", "Giant component: $u$ is the smallest root in $[0, 1]$", sp.Eq(u, G1(u)),
              "newman2001", "derivations.graphs.giant_equations"),
        entry("B1-size", "Giant fraction", sp.Eq(_S("S"), 1 - G0(u)), "newman2001",
              "derivations.graphs.giant_equations"),
        entry("B1-poisson", "Poisson$(c)$ law: fixed-point equation", eqs["fixed_point"], "newman2001",
              "derivations.graphs.giant_equations"),
        entry("B1-criterion-poisson", "Molloy--Reed criterion for Poisson$(c)$: $Q = \\sum_k k(k-2)p_k$",
              sp.Eq(_S("Q"), eqs["criterion"]), "molloy1995", "derivations.graphs.GraphLaw.criterion"),
    ]


def _b2() -> list[Entry]:
    from . import graphs as gr

    return [
        entry("B2-closed-form", "Erd\\H{o}s--R\\'enyi giant fraction, $c > 1$ (derived by solve)",
              sp.Eq(_S("S"), gr.erdos_renyi_closed_form()), "corless1996", "derivations.graphs.erdos_renyi_closed_form"),
        entry("B2-series", "Near-critical series at $c = 1 + \\delta$ (derived by reversion)",
              sp.Eq(_S("S"), gr.erdos_renyi_series(3)), "newman2001", "derivations.graphs.erdos_renyi_series"),
    ]


def _b3() -> list[Entry]:
    from . import graphs as gr

    a, b = sp.symbols("a b", positive=True)
    pr = gr.Projection(gr.PoissonLaw(a), gr.PoissonLaw(b))
    return [
        entry("B3-G0", "Actor projection of Poisson$(a)$ actors / Poisson$(b)$ groups: {G0}", sp.Eq(_fn("G0")(X), pr.G0(X)),
              "newman2001", "derivations.graphs.Projection.G0"),
        entry("B3-criterion", "Percolation criterion $f_1'(1)\\,g_1'(1) - 1 > 0$", sp.Gt(pr.criterion(), 0),
              "newman2001", "derivations.graphs.Projection.criterion"),
    ]


def _b4() -> list[Entry]:
    from . import skills as sk

    R, T, dt, M, p, eta, S = sp.symbols("R T d_t M p eta S", positive=True)
    b = sk.chernoff_bounds(M, p, eta)
    tail = _fn("P")(sp.Ge(_S("X"), eta, evaluate=False))
    return [
        entry("B4-cooccurrence", "Two concepts co-occur in some text", sp.Eq(_S("q"), sk.cooccurrence(R, T, dt)),
              "arora2023", "derivations.skills.cooccurrence"),
        entry("B4-pss", "Probability that a co-occurring pair supports a given skill pair (ordered pairs)",
              sp.Eq(_S("p_ss"), sk.p_ss(_S("q"), S)), "nayak2024", "derivations.skills.p_ss"),
        entry("B4-tail", "Exact binomial tail", sp.Eq(tail, sk.binomial_tail(M, p, eta)),
              "nayak2024", "derivations.skills.binomial_tail"),
        entry("B4-upper", "Chernoff upper bound ($\\eta > Mp$)", sp.Le(tail, b["above"][1]),
              "nayak2024", "derivations.skills.chernoff_bounds"),
        entry("B4-lower", "Method-of-types lower bound ($\\eta > Mp$)", sp.Ge(tail, b["above"][0]),
              "nayak2024", "derivations.skills.chernoff_bounds"),
    ]


def _b5() -> list[Entry]:
    from . import skills as sk

    R, dt, S, eta = sp.symbols("R d_t S eta", positive=True)
    return [
        entry("B5-emergence-T", "Texts at which $\\mathbb{E}[X_l] = \\eta_l$ (derived by solve)",
              sp.Eq(_S("T_l"), sk.emergence_T(R, dt, S, eta)), "nayak2024", "derivations.skills.emergence_T"),
        entry("B5-emergence-large-R", "Its large-$R$ limit", sp.Eq(_S("T_l"), sk.emergence_T_large_R(eta, S, dt)),
              "nayak2024", "derivations.skills.emergence_T_large_R"),
        entry("B5-giant", "Skill-graph giant fraction (mean degree $k_l = S_l p_l$)",
              sk.skill_giant_equation(_S("k_l", positive=True)), "newman2001", "derivations.skills.skill_giant_equation"),
    ]


def _b6() -> list[Entry]:
    from . import skills as sk

    g = sp.symbols("gamma_1:3", nonnegative=True)
    q = sp.symbols("q_1:3", positive=True)
    w = sp.symbols("w_1:4", positive=True)
    heights = sk.plateau_heights(w)
    return [
        entry("B6-accuracy", "Accuracy over two levels and tasks of $n = 2, 3$ skills (uniform $q(n)$)",
              sp.Eq(_S("Acc"), sk.accuracy(q, {2: sp.Rational(1, 2), 3: sp.Rational(1, 2)}, g)), "nayak2024",
              "derivations.skills.accuracy"),
        entry("B6-plateau-1", "First plateau height of a three-mode mixture", sp.Eq(_S("h_1"), heights[0]),
              "nayak2024", "derivations.skills.plateau_heights"),
        entry("B6-plateau-2", "Second plateau height", sp.Eq(_S("h_2"), heights[1]), "nayak2024",
              "derivations.skills.plateau_heights"),
    ]


def _b7() -> list[Entry]:
    from . import skills as sk

    tail, gp, sig = sp.symbols("P_tail gamma_pre sigma", positive=True)
    return [
        entry("B7-link", "Skill link probability with {sigma} prerequisites per skill",
              sp.Eq(_S("p_l"), sk.link_probability(tail, gp, sig)), "nayak2024", "derivations.skills.link_probability"),
    ]


def _b8() -> list[Entry]:
    from . import skills as sk

    S, eta, k = sp.symbols("S eta k", positive=True)
    lam = sp.Symbol("lambda_l", positive=True)
    return [
        entry("B8-poisson-tail", "Large-$M$ (Poisson) limit of the support tail at mean $\\lambda_l = \\mathbb{E}[X_l]$",
              sp.Eq(_fn("P")(sp.Ge(_S("X_l"), eta, evaluate=False)), sk.poisson_tail(lam, eta)), "nayak2024",
              "derivations.skills.poisson_tail"),
        entry("B8-location", "Emergence location: the skill graph reaches mean degree $k$ "
              "($k = k_{1/2}$ at the midpoint of the jump), solved by the inverse incomplete gamma function",
              sk.percolation_support_condition(S, eta, k, lam), "newman2001",
              "derivations.skills.percolation_support_condition"),
    ]


def _c1() -> list[Entry]:
    from . import chinchilla as ch

    f = ch.efficient_frontier()
    return [
        entry("C1-loss", "Chinchilla parametric loss", sp.Eq(_S("L"), ch.loss()), "hoffmann2022",
              "derivations.chinchilla.loss"),
        entry("C1-N-opt", "Compute-optimal parameters (derived by solving $dL/dN = 0$ under $C = 6ND$)",
              sp.Eq(_S("N_opt"), f["N_opt"]), "hoffmann2022", "derivations.chinchilla.efficient_frontier"),
        entry("C1-G", "Frontier constant", sp.Eq(_S("G"), f["G"]), "hoffmann2022",
              "derivations.chinchilla.efficient_frontier"),
        entry("C1-a", "Exponent of {N_opt}", sp.Eq(_S("a"), f["a_derived"]), "hoffmann2022",
              "derivations.chinchilla.efficient_frontier"),
        entry("C1-b", "Exponent of {D_opt}", sp.Eq(_S("b"), f["b_derived"]), "hoffmann2022",
              "derivations.chinchilla.efficient_frontier"),
    ]


def _r1() -> list[Entry]:
    from . import skills as sk

    g = _scaling_generic()
    ref_shown, ref_where = name_critical_values(g["alpha_squared_reference"])
    M, p, eta = sp.symbols("M p eta", positive=True)
    return [
        entry("R1-alpha-reference", "The reference's {alpha} (three sign errors; for comparison only)",
              sp.Eq(_S("alpha_ref") ** 2, g["alpha_squared_reference"]), "nayak2024",
              "derivations.amru.alpha_squared_reference",
              display=sp.Eq(_S("alpha_ref") ** 2, ref_shown), split=True, where=ref_where),
        entry("R1-chernoff-reference", "The reference's tail expression (KL in bits, exponential in nats)",
              sp.Eq(_S("P_ref"), sk.reference_chernoff(M, p, eta)["above"]), "nayak2024",
              "derivations.skills.reference_chernoff"),
    ]


_BUILDERS: dict[str, Callable[[], list[Entry]]] = {
    "A1": _a1, "A2": _a2, "A3": _a3, "A4": _a4, "A5": _a5, "A6": _a6, "A7": _a7, "A8": _a8,
    "A9": _a9, "A10": _a10, "A11": _a11, "A12": _a12, "B1": _b1, "B2": _b2, "B3": _b3, "B4": _b4,
    "B5": _b5, "B6": _b6, "B7": _b7, "C1": _c1, "B8": _b8, "R1": _r1,
}

from .catalog_beyond import BUILDERS_BEYOND, SOURCES_BEYOND  # noqa: E402 - claims D1-D3 (issue 10)

SOURCES.update(SOURCES_BEYOND)
_BUILDERS.update({cid: functools.partial(build, entry) for cid, build in BUILDERS_BEYOND.items()})


@functools.cache
def _build(claim_id: str) -> tuple[tuple[Entry, ...], str | None]:
    # no ImportError is caught: a missing derivation module is a packaging fault and must fail loudly
    return tuple(_BUILDERS[claim_id]()), None


def catalog(claim_id: str | None = None) -> dict[str, list[Entry]]:
    """Entries per claim id (all claims, or one).

    Raises
    ------
    ValueError
        For an unknown claim id.
    """
    if claim_id is not None:
        if claim_id not in _BUILDERS:
            raise ValueError(f"--claim: unknown claim id {claim_id!r}; known: {', '.join(CLAIM_IDS)}")
        ids = [claim_id]
    else:
        ids = list(CLAIM_IDS)
    return {cid: list(_build(cid)[0]) for cid in ids}


def missing(claim_id: str) -> str | None:
    """Why a claim has no catalogued formula (None when it has)."""
    return _build(claim_id)[1]


