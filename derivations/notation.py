"""The project's one LaTeX printer.

Every formula the project exports (``infoscaling latex``, the claims report,
``closed_form_latex`` keys of the CLI) goes through :func:`latex`, so that the
notation of MODEL.md is fixed in one place: ``eps`` prints as
:math:`\\varepsilon`, ``lambda``/``rho`` as the edge-perspective generating
functions, ``G0``/``G1`` as :math:`G_0, G_1`, the Lambert branches as
:math:`W_0, W_{-1}`.

Examples
--------
>>> import sympy as sp
>>> from infoscaling.derivations.notation import latex, EPS, X
>>> latex(EPS * X**2)
'\\\\varepsilon x^{2}'
>>> a = sp.Symbol("a", positive=True)
>>> latex(sp.LambertW(-1/a, -1))
'W_{-1}\\\\left(- \\\\frac{1}{a}\\\\right)'
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.latex import LatexPrinter

__all__ = [
    "latex",
    "X",
    "Y",
    "U",
    "Z",
    "EPS",
    "SYMBOL_NAMES",
    "prose",
]

#: The notation table: every symbol name the derivations use -> its typeset form.
#: The printer (:func:`latex`) and the prose (:func:`prose`) both read it, so a
#: symbol is spelled the same in formulas, titles and the document's text.
SYMBOL_NAMES: dict[str, str] = {
    # channel, density evolution, thresholds
    "eps": r"\varepsilon",
    "epsilon": r"\varepsilon",
    "eps_star": r"\varepsilon^{*}",
    "eps_BP": r"\varepsilon_{\mathrm{BP}}",
    "eps_MAP": r"\varepsilon_{\mathrm{MAP}}",
    "x_star": r"x^{*}",
    "y_star": r"y^{*}",
    "xbar": r"\bar{x}",
    "x_ell": r"x_{\ell}",
    "x_ell1": r"x_{\ell+1}",
    "u_ell": r"u_{\ell}",
    "u_ell1": r"u_{\ell+1}",
    "p_BP": r"p_{\mathrm{BP}}",
    "p_MAP": r"p_{\mathrm{MAP}}",
    "lam": r"\lambda",
    "lambda": r"\lambda",
    "rho": r"\rho",
    "L1": r"{L'(1)}",
    "L'(1)": r"{L'(1)}",
    # named values of the generating functions at the critical point (AMRU formulas)
    "lam_s": r"\lambda_{*}",
    "dlam_s": r"{\lambda'_{*}}",
    "ddlam_s": r"{\lambda''_{*}}",
    "lam_ss": r"\hat{\lambda}",
    "dlam_ss": r"{\hat{\lambda}'}",
    "rho_s": r"\rho_{*}",
    "drho_s": r"{\rho'_{*}}",
    "ddrho_s": r"{\rho''_{*}}",
    "rho_ss": r"\hat{\rho}",
    "drho_ss": r"{\hat{\rho}'}",
    # finite-length scaling
    "alpha": r"\alpha",
    "alpha_ref": r"\alpha_{\mathrm{ref}}",
    "beta": r"\beta",
    "Omega": r"\Omega",
    "beta_over_Omega": r"(\beta/\Omega)",
    "nu": r"\nu",
    "P_B": r"P_{\mathrm{B}}",
    "P_b": r"P_{\mathrm{b}}",
    "r_2": r"r_{2}",
    "r_3": r"r_{3}",
    # compute-optimal problem
    "kappa": r"\kappa",
    "kappa_star": r"\kappa^{*}",
    "kappa_hat": r"\hat{\kappa}",
    "Delta_kappa": r"\Delta\kappa",
    "Delta": r"\Delta",
    "d_t": r"d_t",
    "dt": r"d_t",
    "C_prime": r"C'",
    "R_learned": r"R_{\mathrm{learned}}",
    "R_star": r"R^{*}",
    "T_star": r"T^{*}",
    "N_star": r"N^{*}",
    "D_star": r"D^{*}",
    "a_R": r"a_{R}",
    "varsigma": r"\varsigma",
    "tau": r"\tau",
    "delta": r"\delta",
    # training error
    "P_e": r"P_{e}",
    "D_KL": r"D_{\mathrm{KL}}",
    "N_iter": r"N_{\mathrm{iter}}",
    # random graphs, skills
    "G0": r"G_0",
    "G1": r"G_1",
    "gamma": r"\gamma",
    "gamma_pre": r"\gamma_{\mathrm{pre}}",
    "eta": r"\eta",
    "sigma": r"\sigma",
    "p_ss": r"p_{\mathrm{ss}}",
    "P_tail": r"P_{\mathrm{tail}}",
    "P_ref": r"P_{\mathrm{ref}}",
    "k_l": r"k_{l}",
    "p_l": r"p_{l}",
    "T_l": r"T_{l}",
    "Acc": r"\mathrm{Acc}",
    # Chinchilla
    "N_opt": r"N_{\mathrm{opt}}",
    "D_opt": r"D_{\mathrm{opt}}",
}


def prose(text: str) -> str:
    r"""Typeset prose: ``{name}`` becomes ``$<notation of name>$``; everything else is LaTeX text as given.

    The titles of the document are written as LaTeX text with the symbol names
    of :data:`SYMBOL_NAMES` in braces, so text and formulas share one notation.
    A brace group right after a letter (``\H{o}``) or inside ``$...$`` is left alone.

    Examples
    --------
    >>> prose("Jump of the learned fraction in {kappa} $= T/R$ (Erd\\H{o}s, {eps_star})")
    'Jump of the learned fraction in $\\kappa$ $= T/R$ (Erd\\H{o}s, $\\varepsilon^{*}$)'
    """
    import re

    out = []
    for i, chunk in enumerate(re.split(r"(\$[^$]*\$)", text)):
        if i % 2:  # inline math given as such
            out.append(chunk)
            continue
        out.append(re.sub(r"(?<![A-Za-z\\])\{([A-Za-z_][A-Za-z0-9_']*)\}", _notation_of, chunk))
    return "".join(out)


def _notation_of(match) -> str:
    name = match.group(1)
    if name not in SYMBOL_NAMES:
        raise KeyError(f"prose: symbol {name!r} is not in the notation table")
    return "$" + SYMBOL_NAMES[name] + "$"


#: Variable-to-check erasure probability (density evolution state).
X = sp.Symbol("x", nonnegative=True)
#: Check-to-variable erasure probability.
Y = sp.Symbol("y", nonnegative=True)
#: Scaled DE state u = x / eps of the concept-text ensemble, or GF argument.
U = sp.Symbol("u", nonnegative=True)
#: Generic auxiliary variable (z = 1 - x in the regular-code derivations).
Z = sp.Symbol("z", nonnegative=True)
#: Channel erasure probability.
EPS = sp.Symbol("eps", positive=True)


class _ProjectPrinter(LatexPrinter):
    """SymPy's LaTeX printer with the project's symbol and function names."""

    def _print_Symbol(self, expr, style="plain"):  # noqa: D401 - sympy hook
        name = expr.name
        if name in SYMBOL_NAMES:
            return SYMBOL_NAMES[name]
        return super()._print_Symbol(expr, style=style)

    def _print_LambertW(self, expr, exp=None):
        arg = self._print(expr.args[0])
        branch = expr.args[1] if len(expr.args) > 1 else sp.Integer(0)
        tex = r"W_{%s}\left(%s\right)" % (self._print(branch), arg)
        if exp is not None:
            tex = r"%s^{%s}" % (tex, exp)
        return tex

    def _print_Subs(self, expr):
        """f^(k) evaluated at a point prints as f'(a), f''(a), f^{(k)}(a) (the paper's notation)."""
        from sympy.core.function import AppliedUndef

        inner = expr.expr
        if (isinstance(inner, sp.Derivative) and isinstance(inner.expr, AppliedUndef)
                and len(expr.variables) == 1 and inner.expr.args == expr.variables
                and all(v == expr.variables[0] for v in inner.variables)):
            k = inner.derivative_count
            name = SYMBOL_NAMES.get(inner.expr.func.__name__, inner.expr.func.__name__)
            mark = "'" * k if k <= 3 else "^{(%d)}" % k
            return r"%s%s\left(%s\right)" % (name, mark, self._print(expr.point[0]))
        return super()._print_Subs(expr)

    def _print_Function(self, expr, exp=None):
        name = expr.func.__name__
        if name in SYMBOL_NAMES:
            args = ", ".join(self._print(a) for a in expr.args)
            tex = r"%s\left(%s\right)" % (SYMBOL_NAMES[name], args)
            if exp is not None:
                tex = r"%s^{%s}" % (tex, exp)
            return tex
        return super()._print_Function(expr, exp=exp)


_PRINTER = _ProjectPrinter({"mul_symbol": None})
_PRINTER_AS_BUILT = _ProjectPrinter({"mul_symbol": None, "order": "none", "fold_frac_powers": True})


def latex(expr, as_built: bool = False) -> str:
    """Return the project's LaTeX for a SymPy expression (or equation).

    Parameters
    ----------
    expr : sympy.Basic or number
        The expression to print.
    as_built : bool
        Keep the order of terms as the expression was built (for displays built
        unevaluated in the reading order of the paper) instead of SymPy's order.

    Returns
    -------
    str
        LaTeX source, without surrounding math delimiters.
    """
    return (_PRINTER_AS_BUILT if as_built else _PRINTER).doprint(sp.sympify(expr))
