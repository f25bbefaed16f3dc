"""Finite-length scaling parameters at the critical point, verified digits (MODEL.md 1.4).

:func:`scaling_params` evaluates the AMRU alpha, beta/Omega and nu* = eps* L(y*)
of :mod:`derivations.amru` at the BP critical point from
:func:`numeric.thresholds.bp_threshold`.  The SymPy expressions are compiled
once per ensemble *family* (symbolic degrees, :func:`numeric.evaluate.family_function`)
for mpmath and for Arb.  Every printed digit is certified: the critical point
is enclosed by an interval Newton step (:func:`numeric.thresholds.critical_ball`)
and the formulas are evaluated over that ball in ball arithmetic; the mpmath
values must lie inside the enclosures (``enclosures`` / ``certified_by`` in
the JSON).

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

from dataclasses import dataclass

import mpmath as mp
import sympy as sp
from infoscaling.derivations import amru as dsc
from infoscaling.derivations.degree import FiniteSupport, Regular
from infoscaling.derivations.ensemble import Ensemble

from . import certify as cz
from .evaluate import compile_ensemble, family_function, precision_guard
from .precision import VerificationError, Verified, check_dps, fmt
from .thresholds import bp_threshold, critical_ball

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
    certified: dict | None = None

    def to_json(self) -> dict:
        """CLI keys of ``infoscaling scaling-params`` (plus ``enclosures`` and ``certified_by``)."""
        certs = self.certified or {}
        with mp.workdps(self.dps + 20):
            return {
                "alpha": self.alpha.text,
                "beta_over_omega": self.beta_over_omega.text,
                "nu": self.nu.text,
                "alpha_reference": self.alpha_reference.text,
                "threshold": self.threshold.text,
                "x": certs["x"].text if "x" in certs else fmt(self.x, self.dps),
                "y": certs["y"].text if "y" in certs else fmt(self.y, self.dps),
                "dps": self.dps,
                "digits": min(self.alpha.digits, self.beta_over_omega.digits, self.nu.digits),
                "enclosures": {k: list(c.enclosure) for k, c in certs.items()},
                "certified_by": {k: c.method for k, c in certs.items()},
            }


#: The AMRU quantities on the fixed-point curve, as SymPy builders (derivations.amru).
FORMULAS = {
    "alpha2": dsc.alpha_squared_of_x,
    "alpha2_reference": dsc.alpha_squared_reference_of_x,
    "beta3": dsc.beta_over_omega_cubed_of_x,
    "nu": dsc.nu_of_x,
}


def compiled_formulas(ens: Ensemble, backend: str = "mpmath") -> dict:
    """Callables of x for alpha^2, reference alpha^2, (beta/Omega)^3, nu on the fixed-point curve.

    Compiled once per ensemble family (:func:`numeric.evaluate.family_function`);
    ``backend="arb"`` gives the ball versions.
    """
    return {k: family_function(ens, "amru_" + k, b, backend) for k, b in FORMULAS.items()}


def _signed_cbrt(v):
    return mp.cbrt(v) if v >= 0 else -mp.cbrt(-v)


def _ball_cbrt(b):
    if b > 0:
        return b.root(3)
    if b < 0:
        return -((-b).root(3))
    raise VerificationError("(beta/Omega)^3: its sign is not certified at the critical point")


def _evaluate(f: dict, x) -> dict:
    a2 = f["alpha2"](x)
    if a2 <= 0:
        raise ValueError("alpha^2 is not positive at the critical point: the scaling law does not apply")
    ar2 = f["alpha2_reference"](x)
    return {"alpha": mp.sqrt(a2), "beta_over_omega": _signed_cbrt(f["beta3"](x)),
            "nu": f["nu"](x), "alpha_reference": mp.sqrt(ar2) if ar2 > 0 else mp.nan}


_METHOD = ("arb: the AMRU formula (derivations.amru) evaluated in ball arithmetic over the ball X that "
           "interval Newton on eps'(x) proves to hold the critical point")


def scaling_params(ens: Ensemble, dps: int = 30) -> ScalingParams:
    """AMRU alpha, beta/Omega and nu* of ``ens`` at its BP critical point, every digit certified.

    Parameters
    ----------
    ens : Ensemble
    dps : int
        Significant digits to report (each certified by a ball enclosure).

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
        When an enclosure cannot fix ``dps`` digits, or an mpmath value falls
        outside its enclosure.

    Notes
    -----
    The critical point comes from ``bp_threshold(ens, dps)``; the mpmath
    values (evaluated at dps + 15 digits plus a guard for large degrees) are
    the independent cross-check of the enclosures.
    """
    dps = check_dps(dps)
    th = bp_threshold(ens, dps)  # a starting point: interval Newton re-encloses x* at the working precision
    if th.value is None or not th.sharp:
        raise ValueError(f"ensemble {ens.spec()}: no sharp BP threshold, the scaling law does not apply")
    if th.limited_by != "tangency":
        raise ValueError(f"ensemble {ens.spec()}: threshold is limited by {th.limited_by} (x* = 0); "
                         "the scaling law needs a tangency (interior) critical point")
    f = compiled_formulas(ens)
    with mp.workdps(dps + 15 + precision_guard(ens)):
        v1 = _evaluate(f, +th.x)
    fb = compiled_formulas(ens, "arb")
    ce = compile_ensemble(ens)
    eps_b, y_b = ce.ball("eps_of_x"), ce.ball("y")
    with_ref = not mp.isnan(v1["alpha_reference"])

    def compute():
        Xb = critical_ball(ens, th.x)
        a2 = fb["alpha2"](Xb)
        if not a2 > 0:
            raise VerificationError("alpha^2: positivity not certified at the critical point")
        out = {"alpha": a2.sqrt(), "beta_over_omega": _ball_cbrt(fb["beta3"](Xb)), "nu": fb["nu"](Xb),
               "threshold": eps_b(Xb), "x": Xb, "y": y_b(Xb)}
        if with_ref:
            out["alpha_reference"] = fb["alpha2_reference"](Xb).sqrt()
        return out

    methods = {k: _METHOD for k in ("alpha", "beta_over_omega", "nu", "alpha_reference")}
    methods.update({"threshold": "interval Newton on eps'(x); arb encloses eps(X)",
                    "x": "interval Newton on eps'(x)", "y": "arb: y(X) over the certified ball X"})
    certs = cz.certify_many(compute, dps, methods, name="scaling parameters")
    for k in ("alpha", "beta_over_omega", "nu") + (("alpha_reference",) if with_ref else ()):
        cz.cross_check(k, certs[k], v1[k], dps)
    with mp.workdps(2 * dps + 20):
        out = {k: Verified(c.value, c.text, c.digits, dps) for k, c in certs.items()}
        if not with_ref:
            out["alpha_reference"] = Verified(mp.nan, "nan", 0, dps)
        return ScalingParams(out["alpha"], out["beta_over_omega"], out["nu"], out["alpha_reference"],
                             out["threshold"], certs["x"].value, certs["y"].value, dps, certs)


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


