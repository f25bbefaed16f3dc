"""The optimiser's compiled functions: one lambdify per alpha variant, mpmath and numpy.

The expressions come from :func:`derivations.optimum.stable_binomial_system`
(binomial generating functions in log1p form); the keys are those of that
function plus three combined evaluations that share common subexpressions:
``newton`` (eps', eps''), ``resid2`` (DE residual and its x-derivative) and
``law`` (eps(x), alpha^2, beta^3, nu).  Every function takes (x, R, T, d_t, eps).
"""

from __future__ import annotations

import functools

__all__ = ["compiled", "ARGS"]

#: Argument order of every compiled function.
ARGS = ("x", "R", "T", "d_t", "eps")


@functools.lru_cache(maxsize=4)
def compiled(variant: str):
    """``(mpmath_functions, numpy_functions)`` for alpha ``variant`` ('correct' or 'reference')."""
    import mpmath as mp
    import numpy as np
    import sympy as sp
    from infoscaling.derivations import optimum as dop

    exprs = dop.stable_binomial_system(variant)
    args = (dop._X, dop.R, dop.T, dop.DT, dop.EPS0)
    combined = {"newton": ("deps", "ddeps"), "resid2": ("de_residual", "dde_residual"),
                "law": ("eps_of_x", "alpha2", "beta3", "nu")}
    out = []
    for mods in ([{"Log1p": mp.log1p}, "mpmath"], [{"Log1p": np.log1p}, "numpy"]):
        fns = {k: sp.lambdify(args, v, modules=mods, cse=True) for k, v in exprs.items()}
        for name, keys in combined.items():
            fns[name] = sp.lambdify(args, [exprs[k] for k in keys], modules=mods, cse=True)
        out.append(fns)
    return tuple(out)
