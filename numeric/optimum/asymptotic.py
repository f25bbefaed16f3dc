"""The C' -> oo optimum: kappa*(d_t) (closed form and two independent routes) and its first correction."""

from __future__ import annotations

import functools

import mpmath as mp

from ..errors import InputError, VerificationError
from ..precision import agree_digits, check_dps, fmt
from ..roots import illinois
from .problem import check_problem

__all__ = ["kappa_star_value", "kappa_star_numeric", "asymptotic_optimum", "certified_asymptotic",
           "correction_prediction", "cbrt"]


def _dt_exact(dt):
    from infoscaling.derivations.degree import exact

    try:
        return exact(dt, "dt")
    except ValueError as exc:
        raise InputError(str(exc), "dt") from None


def _sharp_dt(dt):
    """d_t as an exact SymPy number, InputError unless d_t > e."""
    import sympy as sp

    d = _dt_exact(dt)
    if not d > sp.E:
        raise InputError(f"dt must exceed e = 2.718... for a sharp transition in kappa, got {dt}", "dt")
    return d


def _mp_of(d, dps):
    import sympy as sp

    return mp.mpf(sp.N(d, dps))


def cbrt(v):
    """Real cube root (odd extension), also for complex-step arguments."""
    return v ** (mp.mpf(1) / 3) if (isinstance(v, mp.mpc) or v >= 0) else -((-v) ** (mp.mpf(1) / 3))


def kappa_star_value(dt, dps: int = 30) -> mp.mpf:
    """kappa*(d_t) from the derived closed form, at ``dps`` working digits (d_t > e)."""
    d = _sharp_dt(dt)
    with mp.workdps(dps):
        W = mp.lambertw(-1 / _mp_of(d, dps + 10), 0).real
        return -W * mp.exp(-1 / W) / _mp_of(d, dps + 10)


def kappa_star_numeric(dt, dps: int = 30) -> dict:
    """kappa* by two routes that do not use Lambert W (for cross-checks).

    * ``tangency``: mpmath's multidimensional Newton on the tangency system
      (fixed point and map slope 1, :func:`derivations.optimum.kappa_star_tangency_system`);
    * ``fold``: the bracketed root of the fold condition v log(d_t/v) = 1 on
      (1, d_t) (the upper fold), then kappa(v).

    Returns ``{"tangency": mpf, "fold": mpf, "v": mpf}``.
    """
    import sympy as sp
    from infoscaling.derivations import optimum as dop

    d = _sharp_dt(dt)
    F1, F2 = dop.kappa_star_tangency_system(d)
    f1 = sp.lambdify((dop.V, dop.KAPPA), F1, "mpmath")
    f2 = sp.lambdify((dop.V, dop.KAPPA), F2, "mpmath")
    kfun = sp.lambdify(dop.V, dop.fixed_point_kappa(d), "mpmath")
    fold = sp.lambdify(dop.V, dop.fold_condition().subs(dop.DT, d), "mpmath")
    with mp.workdps(dps + 10):
        df = _mp_of(d, dps + 20)
        tol = mp.mpf(10) ** (-(dps + 4))
        # bracketed root of the fold condition on (1, d_t): g(1) = log d_t - 1 > 0 > g(d_t) = -1
        v = root_on(fold, mp.mpf(1), df)
        k_fold = kfun(v)
        # Newton on the 2x2 tangency system from a rough start (1% off)
        v0 = mp.mpf(float(v)) * (1 + mp.mpf("0.01"))
        k0 = kfun(v0)
        try:
            sol = mp.findroot([f1, f2], (v0, k0), tol=tol**2, verify=False, maxsteps=200)
        except (ValueError, ZeroDivisionError) as exc:
            raise VerificationError(f"tangency system: Newton failed ({exc})") from None
        res = max(abs(f1(sol[0], sol[1])), abs(f2(sol[0], sol[1])))
        if res > tol:
            raise VerificationError(f"tangency system: residual {mp.nstr(res, 5)} after Newton")
        return {"tangency": sol[1], "fold": k_fold, "v": v}


def root_on(f, a, b):
    """Root of f on [a, b] with f(a) > 0 >= f(b): :func:`numeric.roots.illinois` with an
    absolute floor 10^-dps (b - a) for roots near 0 (the error-floor fixed points)."""
    a, b = mp.mpf(a), mp.mpf(b)
    fa, fb = f(a), f(b)
    if fa <= 0:
        return a
    if fb > 0:
        raise VerificationError("DE fixed point not bracketed")
    tol = mp.mpf(10) ** (-mp.mp.dps + 4)
    return illinois(f, a, b, fa, fb, rtol=tol, atol=tol * mp.mpf(10) ** (-mp.mp.dps) * (b - a))


def asymptotic_optimum(dt, eps, dps: int = 30) -> dict:
    """kappa*, R*/sqrt(C') = kappa*^(-1/2), T*/sqrt(C') = kappa*^(1/2), verified digits.

    ``eps`` is validated but does not enter (it cancels, see
    :func:`derivations.optimum.u_form_de`).

    Raises
    ------
    InputError
        d_t <= e (no sharp transition), eps outside (0, 1), bad ``dps``.
    """
    from infoscaling.derivations import optimum as dop
    from infoscaling.derivations.degree import exact
    from infoscaling.derivations.notation import latex

    dps = check_dps(dps)
    check_problem(dt, eps)
    d = _sharp_dt(dt)
    lo, hi = dps + 10, 2 * dps + 10
    k1, k2 = kappa_star_value(d, lo), kappa_star_value(d, hi)
    with mp.workdps(hi):
        digits = min(agree_digits(k1, k2), hi)
        if digits < dps:
            raise VerificationError(f"kappa*: only {digits} digits verified")
        cf = dop.kappa_star(dop.DT)
        cert = certified_asymptotic(d, dps)
        return {
            "kappa_star": cert["kappa_star"].text,
            "R_over_sqrt_C": cert["R_over_sqrt_C"].text,
            "T_over_sqrt_C": cert["T_over_sqrt_C"].text,
            "tokens_per_concept": cert["kappa_star"].text,
            "enclosures": {k: list(c.enclosure) for k, c in cert.items()},
            "certified_by": {k: c.method for k, c in cert.items()},
            "fold_v": fmt(-1 / mp.lambertw(-1 / _mp_of(d, hi + 5), 0).real, dps),
            "closed_form_latex": r"\kappa^{*} = " + latex(cf),
            "dps": dps,
            "digits": digits,
            "dt": str(d),
            "eps": str(exact(eps, "eps")),
        }


def certified_asymptotic(dt, dps: int) -> dict:
    """Ball-arithmetic enclosures of kappa*, R*/sqrt(C') = kappa*^(-1/2) and T*/sqrt(C') = kappa*^(1/2).

    kappa* from the Lambert-W closed form (:func:`numeric.certify.kappa_star`); the two
    ratios by Arb's square root of that ball.  Each value is a
    :class:`numeric.certify.Certified` whose text carries exactly the ``dps`` digits its
    enclosure fixes (VerificationError otherwise).
    """
    from fractions import Fraction

    from .. import certify as cf

    d = _sharp_dt(dt)
    k = cf.kappa_star(Fraction(int(d.p), int(d.q)), dps + 4)
    out = {"kappa_star": cf.certified_from_ball(k.ball, dps, k.method)}
    with cf.workprec(cf.bits_for(2 * dps + 20)):
        root = k.ball.sqrt()
        out["R_over_sqrt_C"] = cf.certified_from_ball(1 / root, dps, "arb: 1/sqrt of the kappa* ball")
        out["T_over_sqrt_C"] = cf.certified_from_ball(root, dps, "arb: sqrt of the kappa* ball")
    return out


def correction_prediction(dt, eps, c_prime, dps: int = 30) -> dict:
    """The derived leading finite-C' correction (derivations.optimum.finite_c_correction), evaluated.

    Uses the Poisson-limit alpha, beta/Omega, nu* at kappa* (ensemble
    Poisson(d_t kappa*)/Poisson(d_t/eps)) and g = eps*/(kappa* u*).

    Returns ``{"R_ratio", "local_exponent", "dkappa", "z"}`` (mpf).
    """
    import sympy as sp
    from infoscaling.derivations import optimum as dop
    from infoscaling.derivations.degree import Poisson, exact
    from infoscaling.derivations.ensemble import Ensemble

    from ..amru import compiled_formulas

    dtf, epsf, cp = check_problem(dt, eps, c_prime)
    fc = _finite_c_correction()
    s = fc["symbols"]
    with mp.workdps(dps + 10):
        ks = kappa_star_value(exact(dt, "dt"), dps + 10)
        d = _mp_of(exact(dt, "dt"), dps + 20)
        e0 = _mp_of(exact(eps, "eps"), dps + 20)
        v = -1 / mp.lambertw(-1 / d, 0).real
        x = e0 * v / d
        ks_rat = sp.Rational(str(mp.nstr(ks, dps + 8)))
        ens = Ensemble(Poisson(exact(dt, "dt") * ks_rat), Poisson(exact(dt, "dt") / exact(eps, "eps")))
        f = compiled_formulas(ens)
        al = mp.sqrt(f["alpha2"](x))
        be = cbrt(f["beta3"](x))
        nu = f["nu"](x)
        g = e0 / (ks * v)
        sub = {s["alpha"]: al, s["beta"]: be, s["g"]: g, s["c"]: nu / e0, s["kappa_star"]: ks}
        le_fn = sp.lambdify((dop.CP, dop.EPS0, *sub.keys()), fc["local_exponent"], "mpmath")
        n_val = mp.sqrt(mp.mpf(cp) / ks) / e0
        dk = sp.lambdify((s["n"], *sub.keys()), fc["dkappa"], "mpmath")(n_val, *sub.values())
        z = sp.lambdify((s["n"], *sub.keys()), fc["z"], "mpmath")(n_val, *sub.values())
        rr = sp.lambdify((s["n"], *sub.keys()), fc["R_ratio"], "mpmath")(n_val, *sub.values())
        le = le_fn(mp.mpf(cp), e0, *sub.values())
        return {"R_ratio": rr, "local_exponent": le, "dkappa": dk, "z": z, "kappa_star": ks,
                "alpha": al, "beta_over_omega": be, "nu": nu, "g": g}


@functools.lru_cache(maxsize=1)
def _finite_c_correction():
    from infoscaling.derivations import optimum as dop

    return dop.finite_c_correction()
