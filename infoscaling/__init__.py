"""infoscaling: derive, evaluate and verify the information theory of language-model scaling.

The distribution installs one namespace:

* :mod:`infoscaling.derivations` -- exact SymPy objects (the folder ``derivations/``);
* :mod:`infoscaling.numeric` -- evaluation, simulators, claims, reports, the CLI
  (the folder ``numeric/``).

The front door
--------------
``import infoscaling as isc`` gives one function per command of the CLI, each
returning a result object (:mod:`infoscaling.numeric.api`) whose
``to_dict()`` equals the command's ``--json`` output, with a readable
``repr``, ``latex()`` and Jupyter renderings:

================================  ===========================================
``isc.threshold(ens, dps=30)``    BP / MAP threshold, verified digits
``isc.scaling_params(ens)``       AMRU alpha, beta/Omega, nu*
``isc.giant(law)``                giant component S, u, criterion
``isc.optimum(dt, eps, ...)``     compute-optimal R*, T* (or kappa*)
``isc.sweep(dt, eps, ...)``       the compute-optimal path over C'
``isc.simulate_peeling(...)``     peeling decoder Monte Carlo
``isc.simulate_giant(...)``       random-graph giant component Monte Carlo
``isc.verify(claims=...)``        verdicts with evidence
``isc.claims()``                  the claim registry
``isc.crosscheck(file_or_rows)``  another implementation's numbers vs ours
``isc.coupled(ens, L, w)``        spatially coupled chain (curriculum) threshold
``isc.design(check, eps, vmax)``  designed variable degree law for a target eps
``isc.figures(output_dir, ...)``  the paper's and the validation figures (image + CSV)
``isc.latex(claim=...)``          LaTeX of the derived formulas
================================  ===========================================

The functions are resolved on first use, so ``import infoscaling`` stays light
(no SymPy, SciPy or Numba until a computation needs them).

Examples
--------
>>> import infoscaling as isc
>>> r = isc.threshold("regular:3/regular:6", dps=20)
>>> r.threshold, r.digits >= 20
('0.42943981441949183716', True)
>>> r.to_dict()["limited_by"]
'tangency'
>>> isc.scaling_params("regular:3/regular:6", dps=10).alpha
'0.5603547392'
>>> g = isc.giant("poisson:2", dps=12)
>>> g
Giant(law='poisson:2', S='0.796812130020', u='0.203187869980', supercritical=True, digits=...)
>>> print(g.latex())
S = 0.796812130020,\\quad u = 0.203187869980,\\quad \\sum_k k(k-2)p_k = 2
>>> isc.optimum(6, "1/2", asymptotic=True, dps=15).kappa_star
'4.53298961986075'
>>> isc.threshold("regular:3/regular:6", kind="exact")
Traceback (most recent call last):
...
infoscaling.numeric.errors.InputError: --kind: got 'exact'; allowed: bp or map
"""

from __future__ import annotations

import importlib

__version__ = "0.2.0"

#: Front-door names and the module that defines each (imported on first use).
_LAZY = {name: "infoscaling.numeric.api" for name in (
    "threshold", "scaling_params", "giant", "optimum", "sweep", "simulate_peeling", "simulate_giant",
    "verify", "claims", "crosscheck", "coupled", "design", "figures", "latex", "Result",
)}
_LAZY.update({"InputError": "infoscaling.numeric.errors", "LimitError": "infoscaling.numeric.errors",
              "VerificationError": "infoscaling.numeric.errors"})

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'infoscaling' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value   # later look-ups skip this hook
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
