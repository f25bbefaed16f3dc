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
]

#: Symbol names and the LaTeX the project prints for them.
SYMBOL_NAMES: dict[str, str] = {
    "eps": r"\varepsilon",
    "epsilon": r"\varepsilon",
    "eps_star": r"\varepsilon^{*}",
    "eps_BP": r"\varepsilon_{\mathrm{BP}}",
    "eps_MAP": r"\varepsilon_{\mathrm{MAP}}",
    "x_star": r"x^{*}",
    "y_star": r"y^{*}",
    "xbar": r"\bar{x}",
    "kappa": r"\kappa",
    "kappa_star": r"\kappa^{*}",
    "d_t": r"d_t",
    "dt": r"d_t",
    "G0": r"G_0",
    "G1": r"G_1",
    "lam": r"\lambda",
    "lambda": r"\lambda",
    "rho": r"\rho",
    "alpha": r"\alpha",
    "beta": r"\beta",
    "Omega": r"\Omega",
    "nu": r"\nu",
    "delta": r"\delta",
    "gamma": r"\gamma",
    "eta": r"\eta",
    "sigma": r"\sigma",
    "tau": r"\tau",
    "varsigma": r"\varsigma",
    "C_prime": r"C'",
}

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


def latex(expr) -> str:
    """Return the project's LaTeX for a SymPy expression (or equation).

    Parameters
    ----------
    expr : sympy.Basic or number
        The expression to print.

    Returns
    -------
    str
        LaTeX source, without surrounding math delimiters.
    """
    return _PRINTER.doprint(sp.sympify(expr))
