"""Claims D1, D2, D3: curriculum as spatial coupling, the compute-optimal rule under a
curriculum, and data mixes as degree-distribution design (issue 10).

Simulated comparisons are made at confidence ``bonferroni(VERIFY_ALPHA, comparisons of
the claim)``.  Coupled chains have strong finite-size effects; the simulated
evidence compares well inside the regimes (threshold - 0.02 and + 0.01) and says so.
"""

from __future__ import annotations

import math

import mpmath as mp
import sympy as sp

from ..stats import bonferroni
from . import VERIFY_ALPHA, profile_dps, register, timed

R36 = "regular:3/regular:6"


# --------------------------------------------------------------------------- D1
@register(
    "D1",
    r"x_i^{(\ell+1)} = \varepsilon_i\,\lambda\!\Big(\tfrac1w\sum_{j=0}^{w-1}\big[1-\rho\big(1-\tfrac1w"
    r"\sum_{k=0}^{w-1}x_{i+j-k}^{(\ell)}\big)\big]\Big),\quad "
    r"\varepsilon_{\mathrm{BP}}(L,w)\to\varepsilon_{\mathrm{MAP}},\quad "
    r"R(l,r,L,w) = 1-\tfrac lr-\tfrac lr\,\tfrac{w+1-2\sum_{i=0}^{w}(i/w)^r}{2L+1}",
)
def claim_d1(profile: str):
    from infoscaling.derivations import coupling as dc
    from infoscaling.derivations.ensemble import parse_ensemble

    from ..coupled import coupled_threshold, potential_threshold
    from ..coupled_sim import simulate_coupled
    from ..peeling import simulate_peeling
    from ..thresholds import map_threshold

    dps = profile_dps(profile)
    ev = []

    def symbolic():
        rate = {f"({l},{r},w={w})": str(dc.prove_kru_rate(l, r, w)) for l, r, w in ((3, 6, 3), (4, 8, 3), (3, 6, 5))}
        stat = {s: str(dc.potential_stationarity(parse_ensemble(s))) for s in (R36, "poisson:30/poisson:12")}
        ok = all(v == "0" for v in rate.values()) and all(v == "0" for v in stat.values())
        return ok, {"rate_count_minus_kru": rate, "potential_stationarity": stat}

    ev.append(timed("symbolic", "design rate of the chain by counting = KRU closed form (symbolic L); "
                    "fixed points are the stationary points of the potential", symbolic))

    Ls = (2, 4, 8) if profile == "quick" else (2, 4, 8, 16, 64)
    budget = 1.5e8 if profile == "quick" else 1.2e9

    def numeric():
        rows, ok = [], True
        eps_map = map_threshold(parse_ensemble(R36), dps)
        pot = potential_threshold(R36, dps)
        with mp.workdps(dps + 10):
            two_routes = abs(mp.mpf(pot.text) - mp.mpf(eps_map.text)) < mp.mpf(10) ** (-dps + 1)
        m = float(eps_map.value)
        prev = None
        for L in Ls:
            r = coupled_threshold(R36, L, 3, dps=6, budget_work=budget)
            rows.append({"L": L, "w": 3, "bracket": [r.lo, r.hi], "threshold": r.text, "digits": r.digits,
                         "above_map": r.lo > m})
            if prev is not None:
                ok = ok and (r.mid < prev.mid)
            prev = r
        last = prev
        near = abs(last.mid - m) + (last.hi - last.lo) / 2 < (1e-4 if Ls[-1] >= 64 else 2e-3)
        ok = ok and two_routes and near and rows[0]["above_map"]
        return ok, {"rows": rows, "map_threshold": eps_map.text, "potential_threshold": pot.text,
                    "potential_equals_area_theorem": two_routes,
                    "last_within": 1e-4 if Ls[-1] >= 64 else 2e-3}

    ev.append(timed("numeric", f"(3,6) chains at w = 3: certified thresholds fall towards MAP with L "
                    f"({', '.join(map(str, Ls))}); potential threshold = area-theorem MAP threshold", numeric,
                    caveat="at finite w the L -> oo limit is the w-limited saturated threshold ((3,6), w = 3: "
                           "L = 16 already within 2e-6 of MAP; (4,8), w = 3: 2.8e-5 below it); the chain pays "
                           "a rate loss O(w/L)"))

    M = 5000
    trials = 6 if profile == "quick" else 30
    conf = bonferroni(VERIFY_ALPHA, 4)

    def simulated():
        thr = coupled_threshold(R36, 16, 3, dps=4, budget_work=budget)
        below = simulate_coupled(R36, 16, 3, M, thr.lo - 0.02, trials=trials, seed=2026, confidence=conf)
        above = simulate_coupled(R36, 16, 3, M, thr.hi + 0.01, trials=trials, seed=2027, confidence=conf)
        unc = [simulate_peeling(R36, n=33 * M, eps=e, trials=trials, seed=2028 + k, workers=1,
                                confidence=conf)["block_failure"]
               for k, e in enumerate((thr.lo - 0.02, thr.hi + 0.01))]
        if trials < 20:  # too few graphs for a decisive interval at this confidence: compare estimates
            ok = (below["block_failure"]["estimate"] <= 0.1 and above["block_failure"]["estimate"] >= 0.9
                  and all(u["estimate"] >= 0.9 for u in unc))
        else:
            ok = (below["block_failure"]["ci"][1] < 0.5 and above["block_failure"]["ci"][0] > 0.5
                  and all(u["ci"][0] > 0.5 for u in unc))
        return ok, {"threshold_bracket": [thr.lo, thr.hi], "M": M, "L": 16, "w": 3, "trials": trials,
                    "coupled_below": below["block_failure"], "coupled_above": above["block_failure"],
                    "uncoupled_below": unc[0], "uncoupled_above": unc[1], "seeds": [2026, 2027, 2028, 2029],
                    "confidence": conf}

    ev.append(timed("simulated", f"sampled (3,6,L=16,w=3) chains with M = {M} variables per position decode at "
                    "threshold - 0.02 and fail at + 0.01; the uncoupled code fails at both", simulated,
                    caveat="strong finite-size effects: at threshold - 0.01, 36% of chains with M = 5000 fail, none of 50 at M >= 7000 "
                           "(README)"))
    return ev


# --------------------------------------------------------------------------- D2
@register(
    "D2",
    r"\kappa^{*}_{\mathrm{curriculum}} = 1\ \ (\forall d_t > e),\qquad "
    r"U(u_{\mathrm{low}};1) = U(u_{\mathrm{high}};1)\ \text{since}\ (u,s)\mapsto(s,u),\ "
    r"u = e^{-d_t s},\ s = e^{-d_t u}",
)
def claim_d2(profile: str):
    from infoscaling.derivations.coupling import kappa_one_symmetry

    from ..coupled import kappa_potential_threshold
    from ..interventions import curriculum_chain, intervention_optimum

    dps = profile_dps(profile)
    ev = []

    def symbolic():
        d = kappa_one_symmetry()
        return d == (0, 0, 0), {"U_on_fixed_points_minus_symmetric_form": str(d[0]),
                                "symmetric_form_minus_mirror": str(d[1]), "pair_equations_swap": str(d[2])}

    ev.append(timed("symbolic", "at kappa = 1 the u-form fixed points come in mirror pairs (u, s) <-> (s, u) "
                    "with equal potential: the potential threshold is kappa = 1", symbolic))

    dts = (6,) if profile == "quick" else (4, 6, 8)

    def numeric():
        rows, ok = [], True
        for d in dts:
            kp = kappa_potential_threshold(d, dps)
            none = intervention_optimum(d, "none", dps=min(dps, 30))
            cur = intervention_optimum(d, "curriculum", dps=min(dps, 30))
            with mp.workdps(dps + 10):
                one = abs(mp.mpf(kp.text) - 1) < mp.mpf(10) ** (-dps + 2)
            falls = float(none["kappa_star"]) > float(cur["kappa_star"])
            floor_ok = (1 - cur["unlearned_fraction"]) <= (1 - math.exp(-d)) + 1e-15
            ok = ok and one and falls and floor_ok and cur["edge_derivative"] < 0
            rows.append({"dt": d, "kappa_potential": kp.text, "digits": kp.digits,
                         "kappa_star_none": none["kappa_star"], "tokens_none": none["tokens_per_parameter"],
                         "kappa_curriculum": cur["kappa_star"], "tokens_curriculum": cur["tokens_per_parameter"],
                         "unlearned_at_kappa_1": cur["unlearned_fraction"]})
        return ok, {"rows": rows, "dps": dps}

    ev.append(timed("numeric", f"potential threshold in kappa = 1 to verified digits for d_t = {dts}; "
                    "kappa* falls from the random-text jump (4.533 at d_t = 6, 18.1 tokens/parameter) to 1 "
                    "(4 tokens/parameter)", numeric,
                    caveat="kappa = 1 is the limit L, w -> oo; at kappa = 1 the concepts in no text stay "
                           "unlearned (0.27% at d_t = 6, 2.8% at d_t = 4); finite chains pay boundary texts; "
                           "no finite-C' optimum with a curriculum (no finite-length law for coupled chains "
                           "in this model)"))

    Lc = 8 if profile == "quick" else 16

    def chain():
        c = curriculum_chain(6, Lc, 3, budget_work=1.5e8 if profile == "quick" else None)
        ok = 1.0 < c["bracket"][0] and c["bracket"][1] < 1.01 and c["texts_per_concept"] > c["bracket"][1]
        return ok, c

    ev.append(timed("numeric", f"a finite concept-text chain (d_t = 6, L = {Lc}, w = 3): certified kappa threshold "
                    "just above 1, texts per concept including the boundary texts", chain))
    return ev


# --------------------------------------------------------------------------- D3
@register(
    "D3",
    r"\max \sum_i \tfrac{\lambda_i}{i}\ \text{s.t.}\ \lambda(1-e^{-d_t u})\le u\ (0<u\le 1),\quad "
    r"\kappa = \frac{L'(1)}{d_t} = \frac{1-r}{\varepsilon},\quad "
    r"v_{\max} \ge 1 + \frac{e^{d_t-1}}{d_t}",
)
def claim_d3(profile: str):
    from infoscaling.derivations import design as dd

    from ..design import design_u_form
    from ..optimum import kappa_star_value
    from ..peeling import simulate_peeling

    ev = []

    def symbolic():
        cancel = all(dd.device_cancels(i) == 0 for i in (2, 3, 5, 10))
        sb = sp.simplify(dd.startup_bound() - sp.exp(dd.DT - 1) / dd.DT) == 0
        from infoscaling.derivations.notation import EPS

        ht = sp.simplify(dd.heavy_tail_rate(dd.D) - (1 - EPS * (dd.D + 1) / dd.D)) == 0
        return cancel and sb and ht, {"device_cancels": cancel, "startup_bound": str(dd.startup_bound()),
                                      "heavy_tail_rate": str(dd.heavy_tail_rate(dd.D))}

    ev.append(timed("symbolic", "the device's known concepts drop out of the LP constraint; start-up bound "
                    "vmax >= 1 + e^(d_t-1)/d_t; heavy-tail rate 1 - eps (D+1)/D -> 1 - eps", symbolic))

    cases = ((4, 20),) if profile == "quick" else ((4, 20), (4, 50), (6, 30), (6, 50))
    designs = {}

    def numeric():
        rows, ok = [], True
        for d, v in cases:
            r = designs[(d, v)] = design_u_form(d, v)
            ks = float(kappa_star_value(d, 20))
            good = r.threshold_value >= float(r.eps) and 1 < r.kappa < ks and r.rate <= r.rate_upper_bound
            ok = ok and good
            rows.append({"dt": d, "vmax": v, "kappa": r.kappa, "kappa_star_random": ks,
                         "distance_to_floor": r.kappa - 1, "threshold": r.threshold_text,
                         "discretisation_gap": r.to_json()["discretisation_gap"], "lambda": r.lam})
        need8 = math.ceil(1 + float(dd.startup_bound(8)))
        return ok, {"rows": rows, "dt8_needs_vmax": need8}

    ev.append(timed("numeric", "LP designs with verified thresholds need fewer texts per concept than random "
                    "texts (kappa vs kappa*): distance to the floor kappa = 1 by d_t and vmax", numeric,
                    caveat="with random texts of mean d_t a design must contain concepts of degree >= "
                           "1 + e^(d_t-1)/d_t (26 at d_t = 6, 139 at d_t = 8): the start-up problem; "
                           "the LP optimum follows the Zipf law 1/(k(k-1)) only at degrees 2-3 and puts the "
                           "rest on a few high degrees (spikes up to vmax); the heavy-tail family reaches the floor only with vmax ~ e^(d_t - 0.58)"))

    Ds = (2, 5, 10, 20) if profile == "quick" else (2, 5, 10, 20, 50, 100)

    def heavy_tail():
        from infoscaling.derivations.notation import X

        eps = sp.Rational(1, 2)
        rows, ok, prev = [], True, None
        for Dv in Ds:
            ens = dd.heavy_tail_pair(Dv, eps)
            gap = (1 - eps) - ens.design_rate()
            f = sp.lambdify(X, ens.eps_of_x(X), "mpmath")
            with mp.workdps(80):  # eps(x) >= eps on a fine grid (1 - rho(1 - x) cancels near 0)
                xs = [mp.mpf(10) ** (-k / mp.mpf(4)) for k in range(1, 48)] + [mp.mpf(k) / 200 for k in range(1, 201)]
                low = min(f(x) for x in xs)
                above = low >= mp.mpf(1) / 2 - mp.mpf(10) ** -60  # mpmath on both sides (80 digits)
            good = gap == eps / Dv and above and (prev is None or gap < prev)
            ok = ok and bool(good)
            prev = gap
            rows.append({"D": Dv, "vmax": Dv + 1, "gap_to_capacity": str(gap), "min_eps_of_x": mp.nstr(low, 12),
                         "kappa_at_dt_H(D)": float(dd.heavy_tail_kappa(Dv, sp.harmonic(Dv)))})
        return ok, {"rows": rows, "eps": "1/2"}

    ev.append(timed("numeric", f"heavy-tail / Poisson family (alpha = H(D)/eps): gap to capacity eps/D -> 0 as the "
                    f"maximum degree D+1 grows (D = {Ds}); threshold eps (stability; eps(x) >= eps checked)",
                    heavy_tail, caveat="reaching the floor this way needs texts of mean d_t = H(D) ~ log D: the "
                                       "family trades the maximum degree against d_t"))

    conf = bonferroni(VERIFY_ALPHA, 2)

    def simulated():
        r = designs.get((4, 20)) or design_u_form(4, 20)
        trials = 10 if profile == "quick" else 30
        ok_ = simulate_peeling(r.ensemble, n=20000, eps=0.45, trials=trials, seed=77, workers=1, confidence=conf)
        bad = simulate_peeling(r.ensemble, n=20000, eps=0.56, trials=trials, seed=78, workers=1, confidence=conf)
        good = (ok_["residual_erased_fraction"]["ci"][1] < 1e-3
                and bad["residual_erased_fraction"]["ci"][0] > 0.05)
        return good, {"ensemble": r.ensemble, "kappa": r.kappa, "below": ok_["residual_erased_fraction"],
                      "above": bad["residual_erased_fraction"], "n": 20000, "seeds": [77, 78],
                      "trials": trials, "confidence": conf}

    ev.append(timed("simulated", "the designed ensemble (d_t = 4, vmax = 20) learns below its design point and "
                    "not above it (device code, n = 20000)", simulated))
    return ev
