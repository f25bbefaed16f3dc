"""Catalogue entries of claims D1-D3 (issue 10), registered in :mod:`derivations.catalog`.

Every formula is an object returned by :mod:`derivations.coupling` or
:mod:`derivations.design`; :mod:`derivations.catalog` imports this module and
registers :data:`BUILDERS_BEYOND` and :data:`SOURCES_BEYOND`, passing its
``entry`` constructor to each builder (so this module never imports the
catalogue: no import cycle).
"""

from __future__ import annotations

import sympy as sp

__all__ = ["BUILDERS_BEYOND", "SOURCES_BEYOND"]

SOURCES_BEYOND = {
    "yedla2014": "A. Yedla, Y.-Y. Jian, P. S. Nguyen and H. D. Pfister, A simple proof of Maxwell saturation "
                 "for coupled scalar recursions, IEEE Trans. Inf. Theory 60(11), 6943--6965 (2014).",
    "shokrollahi1999": "M. A. Shokrollahi, New sequences of linear time erasure codes approaching the channel "
                       "capacity, Proc. AAECC-13, LNCS 1719, 65--76 (1999).",
    "luby2001": "M. Luby, M. Mitzenmacher, M. A. Shokrollahi and D. Spielman, Efficient erasure correcting "
                "codes, IEEE Trans. Inf. Theory 47(2), 569--584 (2001).",
}


def _d1(entry):
    from .coupling import coupled_de, kru_rate, potential
    from .degree import Regular
    from .ensemble import Ensemble
    from .notation import X

    l, r, L, w = sp.symbols("l r L w", positive=True, integer=True)
    de, _ = coupled_de(Ensemble(Regular(3), Regular(6)), 2)
    return [
        entry("D1-kru-rate", "Design rate of the coupled $(l, r, L, w)$ chain (derived by counting checks)",
              sp.Eq(sp.Symbol("R_Lw"), kru_rate(l, r, L, w)), "kudekar2011",
              "derivations.coupling.rate_by_count, prove_kru_rate"),
        entry("D1-coupled-de-36", "Coupled DE of one position, $(3, 6)$ chain, $w = 2$",
              sp.Eq(sp.Symbol("x_ell1"), de), "kudekar2011", "derivations.coupling.coupled_de"),
        entry("D1-potential-regular", "Potential function of the $(l, r)$-regular recursion",
              sp.Eq(sp.Function("U")(X), potential(Ensemble(Regular(l), Regular(r)))), "yedla2014",
              "derivations.coupling.potential"),
    ]


def _d2(entry):
    from .coupling import U, potential_u_form, symmetric_potential

    return [
        entry("D2-u-form-potential", "Potential of the concept--text recursion in $u$ with parameter {kappa}",
              sp.Eq(sp.Function("U")(U), potential_u_form()), "yedla2014",
              "derivations.coupling.potential_u_form"),
        entry("D2-symmetric-potential", "At {kappa} = 1 on the fixed points $u = e^{-d_t s}$, $s = e^{-d_t u}$: "
              "symmetric in $(u, s)$, so the potential threshold is {kappa} = 1",
              sp.Eq(sp.Symbol("U_fp"), symmetric_potential()), "yedla2014",
              "derivations.coupling.symmetric_potential, kappa_one_symmetry"),
    ]


def _d3(entry):
    from .design import (
        DT,
        U,
        heavy_tail_rate,
        potential_constraint_rhs,
        startup_bound,
        u_constraint_row,
    )

    i = sp.Symbol("i", integer=True, positive=True)
    vmax = sp.Symbol("v_max", integer=True, positive=True)
    lam = sp.IndexedBase("lambda")
    D = sp.Symbol("D", positive=True, integer=True)
    g = 1 - sp.exp(-DT * U)
    return [
        entry("D3-u-constraint", "Design constraint on the graph peeling sees (the device {eps} cancels)",
              sp.Le(sp.Sum(lam[i] * u_constraint_row(i), (i, 2, vmax)), U), "richardson2008",
              "derivations.design.u_constraint_row, device_cancels"),
        entry("D3-startup-bound", "Start-up bound: the smallest possible $\\lambda'(1)$ of a designed concept law with Poisson($d_t$) texts",
              sp.Eq(sp.Symbol("lambda_min"), startup_bound()), "richardson2008",
              "derivations.design.startup_bound"),
        entry("D3-heavy-tail-rate", "Rate of Shokrollahi's heavy-tail / Poisson pair",
              sp.Eq(sp.Symbol("r_D"), heavy_tail_rate(D)), "shokrollahi1999", "derivations.design.heavy_tail_rate"),
        entry("D3-potential-constraint", "Curriculum plus design: the potential constraint (linear in {lambda})",
              sp.Le(sp.Sum(lam[i] * g**i / i, (i, 2, vmax)), potential_constraint_rhs()), "yedla2014",
              "derivations.design.potential_constraint_row, potential_constraint_rhs"),
    ]


BUILDERS_BEYOND = {"D1": _d1, "D2": _d2, "D3": _d3}
