"""The compute-optimal problem as one frozen, validated object.

A :class:`Problem` holds the parameters (d_t, eps, C', the alpha variant, the
beta shift, the model of the unlearned fraction) and gives access to the
compiled functions; it is validated once, when it is built by
:meth:`Problem.create`, and every stage of the optimiser takes it instead of
a list of positional parameters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from ..errors import InputError

__all__ = ["Problem", "check_problem", "MAX_C_PRIME", "MODELS", "VARIANTS"]

#: Admissible compute range (float64 pre-solve needs C' well inside the double range).
MAX_C_PRIME = 1e60
#: Models of the unlearned fraction (see :mod:`numeric.optimum`).
MODELS = ("consistent", "paper")
#: AMRU alpha variants.
VARIANTS = ("correct", "reference")


def _exact(value, name):
    from infoscaling.derivations.degree import exact

    try:
        return exact(value, name)
    except ValueError as exc:
        raise InputError(str(exc), name) from None


def check_problem(dt, eps, c_prime=None):
    """Validate (d_t, eps, C') and return floats; InputError naming the argument.

    Examples
    --------
    >>> check_problem(6, 0.5, 100)
    (6.0, 0.5, 100.0)
    """
    import numpy as np

    dt_e, eps_e = _exact(dt, "dt"), _exact(eps, "eps")
    if not dt_e > 0:
        raise InputError(f"dt must be > 0, got {dt}", "dt")
    if not (0 < eps_e < 1):
        raise InputError(f"eps must be in (0, 1), got {eps}", "eps")
    dtf, epsf = float(dt_e), float(eps_e)
    if dtf > 1e6:
        raise InputError(f"dt must be <= 1e6, got {dt}", "dt")
    if c_prime is None:
        return dtf, epsf
    if isinstance(c_prime, (np.floating, np.integer)):
        c_prime = float(c_prime)
    cp = c_prime if isinstance(c_prime, float) else float(_exact(c_prime, "compute"))
    if not math.isfinite(cp) or cp <= 0:
        raise InputError(f"compute C' must be a positive number, got {c_prime}", "compute")
    if cp < 4 * dtf:
        raise InputError(f"compute C' = {c_prime} is too small: C' = R T needs R >= dt (p = dt/R <= 1) "
                         f"and T >= 1 text, i.e. C' >= dt (here at least {4 * dtf:g} so that R has room)",
                         "compute")
    if cp > MAX_C_PRIME:
        raise InputError(f"compute C' must be <= {MAX_C_PRIME:g}, got {c_prime}", "compute")
    return dtf, epsf, cp


@dataclass(frozen=True)
class Problem:
    """One compute-optimal problem: parameters (validated) and the compiled functions.

    Attributes
    ----------
    dt, eps : float
        Mean text degree d_t and the embedding's auxiliary eps.
    cp : float or None
        Compute C' = R T (None for problems that only need d_t and eps).
    variant : {'correct', 'reference'}
        AMRU alpha, or the published reference's sign-error variant.
    shift : bool
        Whether the law includes the beta n^{-2/3} shift.
    model : {'consistent', 'paper'}
        Model of the unlearned fraction delta (module :mod:`numeric.optimum`).

    Examples
    --------
    >>> pb = Problem.create(6, "0.5", 1e6)
    >>> pb.cp, pb.model, pb.at(1e8).cp
    (1000000.0, 'consistent', 100000000.0)
    """

    dt: float
    eps: float
    cp: float | None
    variant: str = "correct"
    shift: bool = True
    model: str = "consistent"

    @classmethod
    def create(cls, dt, eps, c_prime=None, *, alpha_variant: str = "correct", shift: bool = True,
               model: str = "consistent") -> Problem:
        """Validate everything once; InputError naming the argument."""
        if alpha_variant not in VARIANTS:
            raise InputError(f"alpha_variant must be 'correct' or 'reference', got {alpha_variant!r}",
                             "alpha_variant")
        if model not in MODELS:
            raise InputError(f"model must be 'consistent' or 'paper', got {model!r}", "model")
        vals = check_problem(dt, eps, c_prime)
        cp = vals[2] if c_prime is not None else None
        return cls(vals[0], vals[1], cp, alpha_variant, bool(shift), model)

    def at(self, c_prime) -> Problem:
        """The same problem at another compute C' (validated)."""
        return replace(self, cp=check_problem(self.dt, self.eps, c_prime)[2])

    def with_model(self, model: str) -> Problem:
        """The same problem under another model of delta."""
        if model not in MODELS:
            raise InputError(f"model must be 'consistent' or 'paper', got {model!r}", "model")
        return replace(self, model=model)

    @property
    def mf(self) -> dict:
        """mpmath functions of (x, R, T, d_t, eps) (:func:`numeric.optimum.compiled.compiled`)."""
        from .compiled import compiled

        return compiled(self.variant)[0]

    @property
    def nf(self) -> dict:
        """numpy functions of (x, R, T, d_t, eps)."""
        from .compiled import compiled

        return compiled(self.variant)[1]

    def mpv(self):
        """(C', d_t, eps) as mpmath numbers at the current precision."""
        import mpmath as mp

        return mp.mpf(self.cp), mp.mpf(self.dt), mp.mpf(self.eps)
