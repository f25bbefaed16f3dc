"""Finite-length scaling parameters at the critical point, verified digits (MODEL.md 1.4).

:func:`scaling_params` evaluates the AMRU alpha, beta/Omega and nu* = eps* L(y*)
of :mod:`derivations.amru` at the BP critical point from
:func:`numeric.thresholds.bp_threshold`.  The SymPy expressions are lambdified
once per ensemble (``modules="mpmath"``); digits are verified by evaluating
at two working precisions with a critical point verified to more digits than
requested.

:func:`direct_scaling_params` is an independent route to the same numbers: it
evaluates the formula of MODEL.md 1.4 directly with mpmath, using the
ensemble's compiled generating functions and mpmath's numerical derivatives,
and the *defining sum* of r_i for polynomial rho.  The property tests compare
the two.

Examples
--------
>>> from infoscaling.derivations.ensemble import parse_ensemble
>>> p = scaling_params(parse_ensemble("regular:3/regular:6"), dps=10)
>>> p.alpha.text, p.beta_over_omega.text, p.threshold.text
('0.5603547392', '0.6169487040', '0.4294398144')
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import mpmath as mp
import sympy as sp
from infoscaling.derivations import amru as dsc
from infoscaling.derivations.degree import FiniteSupport, Regular
from infoscaling.derivations.ensemble import Ensemble
from infoscaling.derivations.notation import X

from .evaluate import compile_ensemble, lambdify_mp
from .precision import VerificationError, Verified, agree_digits, check_dps, fmt
from .thresholds import bp_threshold

__all__ = [
    "ScalingParams",
    "compiled_formulas",
    "scaling_params",
    "direct_scaling_params",
    "block_failure_law",
]


@dataclass(frozen=True)
class ScalingParams:
    """alpha, beta/Omega, nu*, the threshold and the critical point (verified)."""

    alpha: Verified
    beta_over_omega: Verified
    nu: Verified
    alpha_reference: Verified
    threshold: Verified
    x: mp.mpf
    y: mp.mpf
    dps: int

    def to_json(self) -> dict:
        """CLI keys of ``infoscaling scaling-params``."""
        with mp.workdps(self.dps + 20):
            return {
                "alpha": self.alpha.text,
                "beta_over_omega": self.beta_over_omega.text,
                "nu": self.nu.text,
                "alpha_reference": self.alpha_reference.text,
                "threshold": self.threshold.text,
                "x": fmt(self.x, self.dps),
                "y": fmt(self.y, self.dps),
                "dps": self.dps,
                "digits": min(self.alpha.digits, self.beta_over_omega.digits, self.nu.digits),
            }


@functools.lru_cache(maxsize=128)
def compiled_formulas(ens: Ensemble) -> dict:
    """mpmath callables of x for alpha^2, reference alpha^2, (beta/Omega)^3, nu on the fixed-point curve."""
    exprs = {
        "alpha2": dsc.alpha_squared_of_x(ens),
        "alpha2_reference": dsc.alpha_squared_reference_of_x(ens),
        "beta3": dsc.beta_over_omega_cubed_of_x(ens),
        "nu": dsc.nu_of_x(ens),
    }
    return {k: lambdify_mp(X, v) for k, v in exprs.items()}


def _signed_cbrt(v):
    return mp.cbrt(v) if v >= 0 else -mp.cbrt(-v)


def _evaluate(f: dict, x) -> dict:
    a2 = f["alpha2"](x)
    if a2 <= 0:
        raise ValueError("alpha^2 is not positive at the critical point: the scaling law does not apply")
    ar2 = f["alpha2_reference"](x)
    return {"alpha": mp.sqrt(a2), "beta_over_omega": _signed_cbrt(f["beta3"](x)),
            "nu": f["nu"](x), "alpha_reference": mp.sqrt(ar2) if ar2 > 0 else mp.nan}


def scaling_params(ens: Ensemble, dps: int = 30) -> ScalingParams:
    """AMRU alpha, beta/Omega and nu* of ``ens`` at its BP critical point.

    Parameters
    ----------
    ens : Ensemble
    dps : int
        Significant digits to report (1..1000); every digit is verified.

    Returns
    -------
    ScalingParams

    Raises
    ------
    ValueError
        When the ensemble has no sharp threshold, or a stability-limited one
        (x* = 0: the tangency expansion behind the law does not exist), or
        ``dps`` is out of range.
    VerificationError
        When fewer than ``dps`` digits agree between the two precisions.

    Notes
    -----
    The critical point comes from ``bp_threshold(ens, dps + 5)`` (verified to
    dps + 5 digits); the formulas are evaluated at dps + 15 and 2 dps + 25
    working digits.
    """
    dps = check_dps(dps)
    th = bp_threshold(ens, dps + 5)
    if th.value is None or not th.sharp:
        raise ValueError(f"ensemble {ens.spec()}: no sharp BP threshold, the scaling law does not apply")
    if th.limited_by != "tangency":
        raise ValueError(f"ensemble {ens.spec()}: threshold is limited by {th.limited_by} (x* = 0); "
                         "the scaling law needs a tangency (interior) critical point")
    f = compiled_formulas(ens)
    w1, w2 = dps + 15, 2 * dps + 25
    with mp.workdps(w1):
        v1 = _evaluate(f, +th.x)
    with mp.workdps(w2):
        v2 = _evaluate(f, th.x)
        out = {}
        for k in v2:
            if k == "alpha_reference" and mp.isnan(v2[k]):
                out[k] = Verified(v2[k], "nan", 0, dps)
                continue
            d = min(agree_digits(v1[k], v2[k]), th.digits or 0, w2)
            if d < dps:
                raise VerificationError(f"{k}: only {d} digits verified (asked for {dps})")
            out[k] = Verified(v2[k], fmt(v2[k], dps), d, dps)
        thr = Verified(th.value, fmt(th.value, dps), th.digits, dps)
        return ScalingParams(out["alpha"], out["beta_over_omega"], out["nu"], out["alpha_reference"],
                             thr, th.x, th.y, dps)


def _poly_coeffs(side) -> list | None:
    if isinstance(side, Regular):
        d = int(side.d)
        return [sp.Integer(0)] * (d - 1) + [sp.Integer(1)]
    if isinstance(side, FiniteSupport):
        return list(side.coeffs)
    return None


def direct_scaling_params(ens: Ensemble, x, dps: int = 30) -> dict:
    """Evaluate MODEL.md 1.4 directly with mpmath at a critical point ``x`` (independent route).

    Uses the compiled lambda, rho, L of :func:`numeric.evaluate.compile_ensemble`,
    mpmath numerical derivatives for rho' and lambda'', and the defining
    double sum of r_i when rho is a polynomial.

    Returns
    -------
    dict
        ``alpha``, ``alpha_reference``, ``beta_over_omega``, ``nu`` (mpf at ``dps`` working digits).
    """
    ce = compile_ensemble(ens)
    coeffs = _poly_coeffs(ens.check)
    with mp.workdps(dps + 10):
        x = mp.mpf(x)
        lam, rho, L = ce.lam, ce.rho, ce.L
        L1 = mp.mpf(sp.N(ens.L1, dps + 20))
        xb = 1 - x
        y = 1 - rho(xb)
        eps = x / lam(y)

        def d(f, t, k=1):
            return mp.diff(f, t, k)

        rp = lambda t: d(rho, t)  # noqa: E731
        lp = lambda t: d(lam, t)  # noqa: E731
        t1 = [rho(xb) ** 2, -rho(xb**2), rp(xb) * (1 - 2 * x * rho(xb)), -(xb**2) * rp(xb**2)]
        t2 = [eps**2 * lam(y) ** 2, -(eps**2) * lam(y**2), -(y**2) * eps**2 * lp(y**2)]
        den1 = L1 * lam(y) ** 2 * rp(xb) ** 2
        den2 = L1 * lam(y) ** 2
        a2 = mp.fsum(t1) / den1 + mp.fsum(t2) / den2
        ar2 = (t1[0] + t1[1] + t1[2] - t1[3]) / den1 + (t2[0] - t2[1] - t2[2]) / den2
        z = eps * lam(y)
        if coeffs is not None:
            cm = [mp.mpf(sp.N(c, dps + 20)) for c in coeffs]

            def r(i):
                return mp.fsum((-1) ** (i + j) * mp.binomial(j - 1, i - 1) * mp.binomial(m - 1, j - 1)
                               * cm[m - 1] * z**j
                               for m in range(1, len(cm) + 1) for j in range(i, m + 1))
        else:
            def r(i):
                return z**i * d(rho, 1 - z, i - 1) / mp.factorial(i - 1)
        r2, r3 = r(2), r(3)
        l1, l2 = lp(y), d(lam, y, 2)
        num = eps**4 * r2**2 * (eps * l1**2 * r2 - x * (l2 * r2 + l1 * x)) ** 2
        den = L1**2 * rp(xb) ** 3 * x**10 * (2 * eps * l1**2 * r3 - l2 * r2 * x)
        b3 = num / den
        return {"alpha": mp.sqrt(a2), "alpha_reference": mp.sqrt(ar2) if ar2 > 0 else mp.nan,
                "beta_over_omega": _signed_cbrt(b3), "nu": eps * L(y), "eps": eps}


def block_failure_law(n, eps, eps_star, alpha, beta_over_omega, omega=1, shift: bool = True):
    """P_B(n, eps) = Q(sqrt(n)(eps* - beta n^{-2/3} - eps)/alpha) at the current precision.

    ``beta = omega * beta_over_omega`` (Omega = 1 is the working choice);
    ``shift=False`` drops the n^{-2/3} term.

    Examples
    --------
    >>> float(block_failure_law(1000, 0.4294398, 0.4294398, 0.56, 0.617, shift=False))
    0.5
    """
    n = mp.mpf(n)
    beta = mp.mpf(omega) * mp.mpf(beta_over_omega) if shift else 0
    z = mp.sqrt(n) * (mp.mpf(eps_star) - beta * n ** (-mp.mpf(2) / 3) - mp.mpf(eps)) / mp.mpf(alpha)
    return mp.erfc(z / mp.sqrt(2)) / 2


