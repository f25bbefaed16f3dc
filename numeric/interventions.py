"""The compute-optimal rule under an intervention: none, curriculum, design, both.

In every case the asymptotic objective is sqrt(C'/kappa) (1 - delta(kappa))
(MODEL.md 1.5), maximised at the smallest kappa at which learning succeeds
(the jump of the unlearned fraction): R*/sqrt(C') = kappa^(-1/2),
T*/sqrt(C') = kappa^(1/2), tokens per parameter (tau/varsigma) kappa.

* ``none``: the paper's random texts and concepts; kappa* = the jump of the
  Poisson u-form, Lambert-W closed form (:func:`numeric.optimum.kappa_star_value`).
* ``curriculum``: the texts ordered along a coupled chain (L, w -> oo); the
  jump moves to the potential threshold, which is exactly kappa = 1 for every
  d_t > e (:func:`derivations.coupling.kappa_one_symmetry`, verified
  numerically by :func:`numeric.coupled.kappa_potential_threshold`).  A finite
  chain pays for its boundary texts; :func:`curriculum_chain` gives the
  certified threshold of an (L, w) chain and its texts per concept.
* ``design``: random texts (Poisson(d_t) concepts each) but a designed
  concept-frequency law with degrees 2..vmax (the LP, verified threshold):
  kappa = L'(1)/d_t; no error floor (every concept is in >= 2 texts).  Needs
  vmax >= 1 + e^{d_t-1}/d_t (start-up bound) -- otherwise ``None``.
* ``both``: a designed law on a coupled chain: the LP with the potential
  constraint (threshold saturation, L, w -> oo).

The optimum sits at the jump, not above it, when the error floor falls slower
than the sqrt(kappa) cost: checked by the sign of d/dkappa [kappa^(-1/2)(1 - delta)]
just above the jump (``edge_derivative``, negative = optimum at the jump).
"""

from __future__ import annotations

import math

import mpmath as mp
import sympy as sp
from infoscaling.derivations.degree import exact

from .errors import input_error
from .precision import check_dps, fmt

__all__ = ["INTERVENTIONS", "intervention_optimum", "curriculum_chain", "intervention_table"]

INTERVENTIONS = ("none", "curriculum", "design", "both")


def _check_dt(dt):
    try:
        d = exact(dt, "--dt", allow_symbol=False)
    except ValueError:
        raise input_error("--dt", dt, "a number > e") from None
    if not d > sp.E:
        raise input_error("--dt", dt, "a number > e = 2.718... (a sharp transition in kappa)")
    return d


def _floor(dm, kappa):
    """Low fixed point u of u = exp(-d kappa e^{-d u}) (the unlearned fraction), and du/dkappa.

    Iterating the map from u = 0 increases monotonically to the *smallest* fixed
    point; near it the map's slope d^2 kappa u e^{-d u} is small, so it converges fast.
    """
    from .errors import VerificationError

    u = mp.mpf(0)
    tol = mp.mpf(10) ** (-mp.mp.dps + 5)
    for _ in range(100_000):
        nu = mp.exp(-dm * kappa * mp.exp(-dm * u))
        if abs(nu - u) <= tol * nu:
            u = nu
            break
        u = nu
    else:  # pragma: no cover - only next to the lower fold
        raise VerificationError("error floor: the low fixed point iteration did not converge")
    du = -dm * mp.exp(-dm * u) * u / (1 - dm**2 * kappa * u * mp.exp(-dm * u))
    return u, du


def _edge(dm, kappa, delta, ddelta):
    return -(1 - delta) / (2 * kappa ** mp.mpf(1.5)) - ddelta / mp.sqrt(kappa)


def intervention_optimum(dt, intervention: str = "none", *, dps: int = 20, vmax: int = 50,
                         varsigma: float = 2e5, tau: float = 8e5, eps=None) -> dict:
    """kappa, R/sqrt(C'), T/sqrt(C'), tokens per parameter under an intervention (asymptotic).

    Returns a dict with ``kappa_star`` (decimal string, verified digits for
    none/curriculum; float for the LP designs), ``R_over_sqrt_C``,
    ``T_over_sqrt_C``, ``tokens_per_parameter``, ``unlearned_fraction`` (the
    error floor at the optimum), ``edge_derivative``, ``intervention``,
    ``dt`` and ``note``; ``kappa_star`` is None (with the reason) when the
    intervention cannot reach learning (design below the start-up bound).
    """
    if intervention not in INTERVENTIONS:
        raise input_error("--intervention", intervention, "none, curriculum, design or both")
    d = _check_dt(dt)
    dps = check_dps(dps, "--dps")
    out = {"intervention": intervention, "dt": str(d), "dps": dps,
           "eps": None if eps is None else str(eps)}  # echoed only: eps cancels in every case
    note = None
    kappa = None
    delta = mp.mpf(0)
    edge = None
    with mp.workdps(dps + 15):
        dm = mp.mpf(d.p) / d.q if d.is_Rational else mp.mpf(sp.N(d, dps + 20))
        if intervention == "none":
            from .optimum import asymptotic_optimum

            a = asymptotic_optimum(d, "1/2", dps)
            kappa = mp.mpf(a["kappa_star"])
            out["digits"] = a["digits"]
            delta, dd = _floor(dm, kappa)
            edge = _edge(dm, kappa, delta, dd)
            note = "the paper's random texts: the jump of the Poisson u-form (Lambert-W closed form)"
        elif intervention == "curriculum":
            from .coupled import kappa_potential_threshold

            kp = kappa_potential_threshold(d, dps)
            kappa = mp.mpf(kp.text)
            out["digits"] = kp.digits
            delta, dd = _floor(dm, kappa * (1 + mp.mpf(10) ** (-dps - 5)))
            edge = _edge(dm, kappa, delta, dd)
            note = ("spatially coupled chain, L, w -> oo: the potential threshold kappa = 1 exactly "
                    "(mirror symmetry of the u-form at kappa = 1); finite chains pay boundary texts")
        elif intervention == "design":
            from .design import design_u_form
            from .errors import InputError

            try:
                r = design_u_form(d, vmax)
            except InputError as exc:
                if exc.argument != "--eps":
                    raise
                out.update(kappa_star=None, R_over_sqrt_C=None, T_over_sqrt_C=None, tokens_per_parameter=None,
                           unlearned_fraction=None, edge_derivative=None, vmax=vmax,
                           note=f"no concept law with degrees 2..{vmax} learns with Poisson({d}) texts: {exc}")
                return out
            from infoscaling.derivations.degree import FiniteSupport

            kq = FiniteSupport(r.coeffs).mean_degree() / d  # exact: L'(1)/d_t of the rational law
            kappa = mp.mpf(kq.p) / kq.q
            out.update(vmax=vmax, lambda_=r.lam, threshold=r.threshold_text, ensemble=r.ensemble,
                       discretisation_gap=r.to_json()["discretisation_gap"])
            note = (f"designed concept law (LP, degrees 2..{vmax}, verified threshold) with Poisson({d}) "
                    "texts; kappa = L'(1)/d_t; no error floor")
        else:
            from .design import potential_design

            r = potential_design(d, vmax)
            kq = r["kappa_exact"]
            kappa = mp.mpf(kq.p) / kq.q
            out.update(vmax=vmax, lambda_=r["lambda"], min_potential=r["min_potential"])
            note = (f"designed concept law (potential LP, degrees 2..{vmax}) on a coupled chain, L, w -> oo "
                    "(threshold saturation); no error floor")
        out["kappa_star"] = fmt(kappa, dps)  # designs: exact L'(1)/d_t of the designed rational law
        out["R_over_sqrt_C"] = fmt(1 / mp.sqrt(kappa), min(dps, 15))
        out["T_over_sqrt_C"] = fmt(mp.sqrt(kappa), min(dps, 15))
        out["tokens_per_parameter"] = float(kappa) * tau / varsigma
        out["unlearned_fraction"] = float(delta)
        out["edge_derivative"] = None if edge is None else float(edge)
        out["note"] = note
    if "lambda_" in out:
        out["lambda"] = {str(k): v for k, v in out.pop("lambda_").items()}
    return out


def curriculum_chain(dt, L: int, w: int, *, eps="1/2", budget_work: float | None = None) -> dict:
    """Certified kappa threshold of a finite (L, w) concept-text chain and its texts per concept.

    ``texts_per_concept`` counts the chain's boundary texts (kappa S/(2L+1),
    :func:`derivations.coupling.texts_per_concept`), using the *upper* end of
    the certified bracket.
    """
    from infoscaling.derivations.coupling import rate_by_count
    from infoscaling.derivations.ensemble import ConceptText

    from .coupled import DEFAULT_DECISION_WORK, coupled_threshold

    d = _check_dt(dt)
    ens = ConceptText(d, 1, eps)
    r = coupled_threshold(ens, L, w, parameter="kappa", dps=8,
                          budget_work=budget_work or DEFAULT_DECISION_WORK)
    S = (1 - rate_by_count(ens, L, w)) / (1 - ens.design_rate())  # S / (2L + 1)
    return {"dt": str(d), "L": r.L, "w": r.w, "kappa_threshold": r.text, "digits": r.digits,
            "bracket": [r.lo, r.hi], "texts_per_concept": r.hi * float(S), "overhead": float(S),
            "limited_by": r.limited_by, "seconds": r.seconds}


def intervention_table(dts=(4, 6, 8), vmax: int = 50, chain=(64, 3), dps: int = 12) -> list[dict]:
    """Rows of the README table: kappa and tokens per parameter per intervention, against kappa = 1."""
    rows = []
    for d in dts:
        row = {"dt": d}
        for iv in INTERVENTIONS:
            r = intervention_optimum(d, iv, dps=dps, vmax=vmax)
            row[iv] = {"kappa": None if r["kappa_star"] is None else float(r["kappa_star"]),
                       "tokens_per_parameter": r["tokens_per_parameter"],
                       "unlearned_fraction": r["unlearned_fraction"]}
        if chain:
            c = curriculum_chain(d, chain[0], chain[1])
            row["chain"] = {"L": chain[0], "w": chain[1], "kappa": c["kappa_threshold"],
                            "texts_per_concept": c["texts_per_concept"],
                            "tokens_per_parameter": c["texts_per_concept"] * 4.0}
        rows.append(row)
    return rows


def _isfinite(v) -> bool:  # pragma: no cover - helper for renderers
    return v is not None and math.isfinite(v)
