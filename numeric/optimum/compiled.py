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
    """``(mpmath_functions, numpy_functions)`` for alpha ``variant`` ('correct' or 'reference').

    The lambdified source is kept in the derived-code store (:func:`numeric.evaluate.store_read`,
    a document named by a hash of the derivation, of this module and of SymPy's version), so
    that a new process reloads it without deriving anything; otherwise it is derived here.
    """
    import mpmath as mp
    import numpy as np

    from ..evaluate import store_read, store_write

    name = _store_name(variant)
    doc = store_read(name) or {}
    if set(doc) != {"mpmath", "numpy"}:
        doc = _derive_sources(variant)
        store_write(name, doc)
    out = []
    for backend, module, log1p in (("mpmath", mp, mp.log1p), ("numpy", np, np.log1p)):
        ns = dict(vars(module), Log1p=log1p)
        fns = {}
        for k, src in doc[backend].items():
            scope = dict(ns)
            exec(compile(src, f"<optimum {backend} {k}>", "exec"), scope)  # noqa: S102 - lambdify's source
            fns[k] = scope["_lambdifygenerated"]
        out.append(fns)
    return tuple(out)


_COMBINED = {"newton": ("deps", "ddeps"), "resid2": ("de_residual", "dde_residual"),
             "law": ("eps_of_x", "alpha2", "beta3", "nu")}


def _store_name(variant: str) -> str:
    import hashlib
    from importlib.metadata import version
    from pathlib import Path

    here = Path(__file__).resolve()
    h = hashlib.sha256(f"{variant}|sympy {version('sympy')}".encode())
    for f in (here.parent.parent.parent / "derivations" / "optimum.py", here):
        h.update(f.read_bytes() if f.exists() else b"?")
    return f"optimum-lambdify-{h.hexdigest()[:16]}.json"


def _derive_sources(variant: str) -> dict:
    """lambdify's source of every function, per backend (SymPy: derivation and printing)."""
    import inspect

    import mpmath as mp
    import numpy as np
    import sympy as sp
    from infoscaling.derivations import optimum as dop

    exprs = dop.stable_binomial_system(variant)
    args = (dop._X, dop.R, dop.T, dop.DT, dop.EPS0)
    doc = {}
    for backend, mods in (("mpmath", [{"Log1p": mp.log1p}, "mpmath"]), ("numpy", [{"Log1p": np.log1p}, "numpy"])):
        fns = {k: sp.lambdify(args, v, modules=mods, cse=True) for k, v in exprs.items()}
        for name, keys in _COMBINED.items():
            fns[name] = sp.lambdify(args, [exprs[k] for k in keys], modules=mods, cse=True)
        doc[backend] = {k: inspect.getsource(f) for k, f in fns.items()}
    return doc
