"""The compute-optimal concept-text graph: asymptotic kappa* and the finite-C' optimum.

Model (MODEL.md 1.5, :mod:`derivations.optimum`)
------------------------------------------------
With C' = R T fixed, choose R (and T = C'/R) to maximise the number of learned
concepts R_learned(R) = R (1 - delta(R)) on the finite-R binomial concept-text
ensemble lambda = (1-p+px)^(T-1), rho = (1-p+px)^(R/eps-1), p = d_t/R:

* when the ensemble has a sharp threshold (the DE fixed point jumps: eps(x)
  has an upper local minimum eps*), the AMRU law gives the waterfall failure
  probability P_B = Q(sqrt(n)(eps* - beta n^{-2/3} - eps)/alpha), n = R/eps
  (``alpha_variant='reference'`` uses the published notebook's sign-error
  alpha, ``shift=False`` drops beta, both for comparison only);
* when it has none (eps(x) monotone, small kappa) the law does not apply and
  delta is the DE residual L(y_oo) of the (unique) DE fixed point.

What delta is, exactly (``model``):

* ``model='paper'``: delta = nu* P_B / eps, nu* = eps* L(y*) (the paper's
  P_b / eps).  Where eps* < eps this still uses the critical-point erasure
  nu*, which is far below the real stuck fraction, and the objective gets a
  spurious maximum at d_t kappa = e (where the jump first appears; MODEL.md
  section 6 item 4).  Kept for comparison.
* ``model='consistent'`` (default): a failed decoding stops on the upper DE
  fixed point, a successful one on the lower (error-floor) fixed point:
  delta = P_B s/eps + (1 - P_B) L(y_low), with s = nu* when eps <= eps* and
  s = eps L(y_up(eps)) when eps > eps* (continuous at eps = eps*), and
  L(y_low) the unlearned fraction on the smallest DE fixed point (when no
  lower fixed point exists, delta = s/eps).  At the compute-optimal point of
  the paper's settings the floor is ~1e-12 and the two models agree there;
  they differ away from it (small d_t, small C').

The objective is continuous but may have kinks (eps*(R) = eps) or jumps (a
fixed point appears or disappears); :func:`finite_optimum` reports the kind
of optimum found: ``stationary``, ``kink``, ``jump`` or ``boundary`` (R = d_t,
where p -> 1, at C' ~ 1e2).

Modules (one job each, around one frozen :class:`Problem`)
----------------------------------------------------------
* :mod:`.problem` -- the validated problem object (parameters + compiled functions);
* :mod:`.compiled` -- the lambdified derived expressions (mpmath and numpy);
* :mod:`.asymptotic` -- kappa* and the C' -> oo optimum, the derived first correction;
* :mod:`.objective` -- the objective in mpmath: branches, value, complex-step derivative;
* :mod:`.float_stage` -- the vectorised float64 objective and the global scan;
* :mod:`.ball` -- the high-precision stage in ball arithmetic: refinement and certification
  in one step (Newton with Arb power series, interval Newton), certified local exponents;
* :mod:`.refine` -- the mpmath route: stationary / kink / fold / jump solve, local exponents
  (the fallback, and the tests' independent cross-check);
* :mod:`.result` -- the result object and its JSON keys;
* :mod:`.solve` -- :func:`finite_optimum` and :func:`sweep`.

Numerics
--------
The binomial generating functions are written as exp(k log1p(p(x-1))) (SymPy
function :class:`derivations.optimum.Log1p`, lambdified to ``numpy.log1p`` / ``mpmath.log1p``),
so neither float64 nor mpmath loses digits to 1 - p + p x when p ~ 1e-10.

:func:`finite_optimum` is a *global* optimiser over every admissible R in
[d_t, C'] (p <= 1, at least one text): a float64 scan of the objective on a
log grid (vectorised Newton for the critical point of every R), refinement of
every grid local maximum by vectorised zooms and a parabolic vertex (cells
that cannot beat the best grid value, since R_learned <= min(R, T), are
skipped), choice of the best.  The float stage runs for all points of a
sweep together.  Then the high-precision stage (:mod:`.ball`) refines a
stationary optimum by Newton's method on dR_learned/dR whose derivatives are
the coefficients of Arb power series (the implicit roots x*, x_u, x_l are
series too) and certifies it by one interval Newton step (dR_learned/dR
decreasing on the enclosure: a strict maximum); a kink eps*(R) = eps is
refined and certified the same way, its one-sided slopes checked; the local
exponent comes from implicit differentiation and is certified over the
enclosure.  Where that stage cannot certify (a fold, C' >~ 1e32, any failed
step) the mpmath route (:mod:`.refine`) takes over: a secant iteration on the
complex-step derivative (bracketed fallbacks), the result recomputed at a
second precision and reported with the digits that agree, the objective
checked on both sides, a sign-change certificate.  An optimum on the edge of
the admissible range is flagged.

Examples
--------
>>> a = asymptotic_optimum(6, 0.5, dps=20)
>>> a["kappa_star"], a["R_over_sqrt_C"]
('4.5329896198607487742', '0.46968602424855477214')
"""

from __future__ import annotations

from .asymptotic import (
    asymptotic_optimum,
    correction_prediction,
    kappa_star_numeric,
    kappa_star_value,
)
from .compiled import compiled
from .float_stage import compute_optimal_path, float_optimum, objective_float, objective_float_at
from .objective import objective, objective_at
from .problem import MAX_C_PRIME, MODELS, VARIANTS, Problem, check_problem
from .result import OptimumResult
from .solve import MAX_OPT_DPS, finite_optimum, solve, sweep

__all__ = [
    "MAX_OPT_DPS",
    "MAX_C_PRIME",
    "MODELS",
    "VARIANTS",
    "Problem",
    "check_problem",
    "compiled",
    "asymptotic_optimum",
    "kappa_star_value",
    "kappa_star_numeric",
    "OptimumResult",
    "objective",
    "objective_at",
    "objective_float",
    "objective_float_at",
    "float_optimum",
    "finite_optimum",
    "solve",
    "sweep",
    "compute_optimal_path",
    "correction_prediction",
]
