"""Chinchilla's efficient frontier (Hoffmann et al. 2022), derived with SymPy (MODEL.md section 5).

The parametric loss L(N, D) = E + A/N^alpha + B/D^beta is minimised under the
compute constraint C = 6 N D.  Substituting D = C/(6N) and solving
dL/dN = 0 gives

    N_opt = G (C/6)^a,  D_opt = G^{-1} (C/6)^b,
    G = (alpha A / (beta B))^{1/(alpha+beta)},  a = beta/(alpha+beta),  b = alpha/(alpha+beta),

which :func:`efficient_frontier` derives and :func:`prove_frontier` checks
against the closed form.  :data:`CONSTANT_SETS` holds the three constant sets
of MODEL.md section 5 as exact numbers (decimal inputs become rationals; the
unrounded set keeps E, A, B as exponentials of the TeX-source logs).

References
----------
J. Hoffmann et al., "Training compute-optimal large language models",
arXiv:2203.15556 (2022), eq. (4), Table 2 and appendix D.2.
T. Besiroglu et al., "Chinchilla scaling: a replication attempt",
arXiv:2404.10102 (2024).

Examples
--------
>>> f = efficient_frontier()
>>> f["a"], f["b"]
(beta/(alpha + beta), alpha/(alpha + beta))
"""

from __future__ import annotations

import functools

import sympy as sp

__all__ = [
    "N", "D", "C", "E", "A", "B", "ALPHA", "BETA",
    "loss",
    "efficient_frontier",
    "prove_frontier",
    "CONSTANT_SETS",
    "frontier_values",
]

N, D, C = sp.symbols("N D C", positive=True)
E, A, B = sp.symbols("E A B", positive=True)
ALPHA, BETA = sp.symbols("alpha beta", positive=True)

#: The three constant sets of MODEL.md section 5 (exact).
CONSTANT_SETS: dict[str, dict[str, sp.Expr]] = {
    "printed": {"E": sp.Rational("1.69"), "A": sp.Rational("406.4"), "B": sp.Rational("410.7"),
                "alpha": sp.Rational("0.34"), "beta": sp.Rational("0.28")},
    "unrounded": {"E": sp.exp(sp.Rational("0.5267228")), "A": sp.exp(sp.Rational("6.0073404")),
                  "B": sp.exp(sp.Rational("6.0179186")),
                  "alpha": sp.Rational("0.33917084"), "beta": sp.Rational("0.2849083")},
    "epoch": {"E": sp.Rational("1.8172"), "A": sp.Rational("482.01"), "B": sp.Rational("2085.43"),
              "alpha": sp.Rational("0.3478"), "beta": sp.Rational("0.3658")},
}


def loss(n=N, d=D) -> sp.Expr:
    """L(N, D) = E + A/N^alpha + B/D^beta."""
    return E + A / n**ALPHA + B / d**BETA


def efficient_frontier() -> dict[str, sp.Expr]:
    """Minimise L(N, C/(6N)) over N (derived once, cached; see :func:`_efficient_frontier`)."""
    return dict(_efficient_frontier())


@functools.lru_cache(maxsize=1)
def _efficient_frontier() -> dict[str, sp.Expr]:
    """Minimise L(N, C/(6N)) over N (derived by solving dL/dN = 0).

    Returns
    -------
    dict
        ``N_opt``, ``D_opt`` (functions of C), ``G``, ``a``, ``b``, and
        ``second_derivative_sign`` (positive: a minimum).
    """
    Lc = loss(N, C / (6 * N))
    sols = sp.solve(sp.diff(Lc, N), N)
    if len(sols) != 1:  # pragma: no cover - sympy behaviour guard
        raise ArithmeticError(f"unexpected stationary points {sols}")
    n_opt = sp.powsimp(sp.simplify(sols[0]), force=True)
    d_opt = sp.simplify(C / (6 * n_opt))
    G = (ALPHA * A / (BETA * B)) ** (1 / (ALPHA + BETA))
    a = BETA / (ALPHA + BETA)
    b = ALPHA / (ALPHA + BETA)
    # exponent a: d log N_opt / d log C, derived from the solution
    lc = sp.Symbol("ell", real=True)
    a_derived = sp.simplify(sp.diff(sp.expand_log(sp.log(n_opt.subs(C, sp.exp(lc))), force=True), lc))
    b_derived = sp.simplify(sp.diff(sp.expand_log(sp.log(d_opt.subs(C, sp.exp(lc))), force=True), lc))
    second = sp.diff(Lc, N, 2)
    return {"N_opt": n_opt, "D_opt": d_opt, "G": G, "a": a, "b": b,
            "a_derived": a_derived, "b_derived": b_derived,
            "second_derivative": second}


def prove_frontier() -> tuple[sp.Expr, sp.Expr, sp.Expr, sp.Expr]:
    """Differences (derived - closed form) for N_opt, D_opt, a and b; all simplify to 0.

    Examples
    --------
    >>> prove_frontier()
    (0, 0, 0, 0)
    """
    f = efficient_frontier()
    n_closed = f["G"] * (C / 6) ** f["a"]
    d_closed = (C / 6) ** f["b"] / f["G"]

    def z(e):
        return sp.simplify(sp.expand_log(sp.log(e), force=True))

    dn = sp.simplify(z(f["N_opt"]) - z(n_closed))
    dd = sp.simplify(z(f["D_opt"]) - z(d_closed))
    return (dn, dd, sp.simplify(f["a_derived"] - f["a"]), sp.simplify(f["b_derived"] - f["b"]))


def frontier_values(name: str) -> dict[str, sp.Expr]:
    """Exact a, b, G of a constant set (``printed``, ``unrounded`` or ``epoch``).

    Examples
    --------
    >>> frontier_values("printed")["a"]
    14/31
    """
    if name not in CONSTANT_SETS:
        raise ValueError(f"constant set must be one of {', '.join(CONSTANT_SETS)}, got {name!r}")
    return dict(_frontier_values(name))


@functools.lru_cache(maxsize=8)
def _frontier_values(name: str) -> dict[str, sp.Expr]:
    """:func:`frontier_values` computed once per constant set (the substitution takes ~0.2 s)."""
    cs = CONSTANT_SETS[name]
    sub = {E: cs["E"], A: cs["A"], B: cs["B"], ALPHA: cs["alpha"], BETA: cs["beta"]}
    f = efficient_frontier()
    return {k: f[k].subs(sub) for k in ("a", "b", "G")} | {"constants": cs}
