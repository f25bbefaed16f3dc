"""Claims A3-A11 and C1: finite-length scaling, the compute-optimal rule, training error, Chinchilla.

Statistical budget: as in :mod:`numeric.claims.decoding`, each simulated
comparison is made at confidence 1 - VERIFY_ALPHA / (comparisons of its
claim) (Bonferroni), so a claim is falsely refuted with probability at most
VERIFY_ALPHA when the theory holds.  The finite-length law is asymptotic:
comparisons add the documented model allowances of
:mod:`numeric.finite_length`.
"""

from __future__ import annotations

import functools
import math

import mpmath as mp
import numpy as np
import sympy as sp
from infoscaling.derivations import amru as dsc
from infoscaling.derivations import chinchilla as dch
from infoscaling.derivations import optimum as dop
from infoscaling.derivations import training as dtr
from infoscaling.derivations.ensemble import parse_ensemble
from infoscaling.derivations.notation import X

from ..errors import InputError
from ..evaluate import lambdify_mp
from ..precision import agree_digits
from ..stats import bonferroni, proportion
from . import VERIFY_ALPHA, profile_dps, register, timed


# --------------------------------------------------------------------------- A3
@register(
    "A3",
    r"\kappa^{*}(d_t) = -\frac{W_0(-1/d_t)}{d_t}\,e^{-1/W_0(-1/d_t)}\ \text{(jump of } u_\infty(\kappa)"
    r"\text{ for } d_t > e\text{, independent of } \varepsilon)",
)
def claim_a3(profile: str):
    from ..optimum import kappa_star_numeric, kappa_star_value

    ev = []

    def symbolic():
        umap, diff = dop.u_form_de()
        ks = dop.kappa_star()  # derivation asserts internally (fold condition, branch, substitution)
        ex = dop.existence_condition()
        ok = diff == 0 and dop.EPS0 not in umap.free_symbols and ex["threshold_dt"] == sp.E
        return ok, {"u_map": str(umap), "kappa_star": str(ks), "fold_v": str(dop.kappa_star_fold_v()),
                    "existence": f"{ex['max_value']} > 0  <=>  d_t > {ex['threshold_dt']}"}

    ev.append(timed("symbolic", "u = x/eps removes eps from DE; fold of kappa(v) = e^v log(d_t/v)/d_t "
                    "solved by Lambert W; folds exist iff d_t > e", symbolic))

    dps = profile_dps(profile)
    dts = [4, 6, 10] if profile == "quick" else [3, 4, 6, 10, 25, 100]

    def numeric():
        rows, ok = [], True
        for d in dts:
            cf = kappa_star_value(d, dps + 10)
            nm = kappa_star_numeric(d, dps + 10)
            with mp.workdps(dps + 10):
                dg = min(agree_digits(cf, nm["tangency"]), agree_digits(cf, nm["fold"]))
            # DE iterated on both sides of kappa*: above it u_oo collapses to the floor, below it stays up
            with mp.workdps(dps):
                u_lo = _iterate_u(d, cf * (1 - mp.mpf("1e-3")))
                u_hi = _iterate_u(d, cf * (1 + mp.mpf("1e-3")))
                v_up = -1 / mp.lambertw(-1 / mp.mpf(d), 0).real    # upper fold (the jump)
                v_low = -1 / mp.lambertw(-1 / mp.mpf(d), -1).real  # lower fold
            # below kappa*: on the upper branch (v > v_up); above: on the lower branch (v < v_low)
            side_ok = u_lo > v_up / d and u_hi < v_low / d
            ok = ok and dg >= 25 and side_ok
            rows.append({"dt": d, "kappa_star": mp.nstr(cf, 25), "digits_vs_root_finders": dg,
                         "u_inf_below": mp.nstr(u_lo, 6), "u_inf_above": mp.nstr(u_hi, 6)})
        # no fold for d_t < e: the derived fold-function maximum is negative at d_t = 2.5 and positive at
        # d_t = 3, and the code refuses kappa* at 2.5 instead of returning a number
        fmax = dop.existence_condition()["max_value"]
        below, above = float(fmax.subs(dop.DT, sp.Rational(5, 2))), float(fmax.subs(dop.DT, 3))
        try:
            kappa_star_value(sp.Rational(5, 2), dps)
            refused = False
        except InputError:
            refused = True
        ok = ok and below < 0 < above and refused
        return ok, {"dps": dps, "rows": rows, "fold_max_at_dt_2.5": below, "fold_max_at_dt_3": above,
                    "kappa_star_refused_at_dt_2.5": refused}

    ev.append(timed("numeric", "closed form vs tangency-system Newton and bracketed fold root (>= 25 "
                    "digits); DE iterated at kappa*(1 -/+ 1e-3) stays up / collapses", numeric))

    from ..peeling import peeling_trials

    R = 20_000 if profile == "quick" else 100_000
    trials = 12 if profile == "quick" else 40
    conf = bonferroni(VERIFY_ALPHA, 2)

    def simulated():
        ks = float(kappa_star_value(6, 20))
        rows, ok = [], True
        for i, (k, expect_fail) in enumerate(((ks - 0.6, True), (ks + 0.6, False))):
            T = round(k * R)
            t = peeling_trials(f"concept-text:dt=6,kappa={T}/{R},eps=1/2,R={R}", None, None, trials, 77 + i)
            frac = t.residual / R
            est = proportion(int((frac > 0.4).sum()), t.trials, conf)
            good = est.ci[0] > 0.5 if expect_fail else est.ci[1] < 0.5
            ok = ok and good
            rows.append({"kappa": T / R, "R": R, "unlearned_median": float(np.median(frac)),
                         "stuck_fraction": est.to_json(), "seed": 77 + i, "trials": trials})
        return ok, {"rows": rows, "kappa_star": ks}

    ev.append(timed("simulated", f"unlearned fraction of concept-text graphs (d_t = 6, R = {R}) jumps across "
                    "kappa* (most graphs stuck below, none above)", simulated))
    return ev


def _iterate_u(dt, kappa, max_iter=200_000):
    """Iterate u <- exp(-d_t kappa e^{-d_t u}) from u = 1 until it settles (current precision)."""
    u = mp.mpf(1)
    d = mp.mpf(dt)
    tol = mp.mpf(10) ** (-mp.mp.dps + 5)
    for _ in range(max_iter):
        un = mp.exp(-d * kappa * mp.exp(-d * u))
        if abs(un - u) <= tol * max(u, tol):
            return un
        u = un
    return u


# --------------------------------------------------------------------------- A4
@register(
    "A4",
    r"P_B \approx Q\!\left(\sqrt{n}\,(\varepsilon^{*}-\beta n^{-2/3}-\varepsilon)/\alpha\right),"
    r"\quad P_b \approx \nu^{*} P_B",
)
def claim_a4(profile: str):
    from ..amru import direct_scaling_params, scaling_params
    from ..finite_length import REGULAR_MODEL_ALLOWANCE, compare_with_law, regular_campaign

    ev = []
    ev.append(timed("symbolic", "closed form r_i = z^i rho^(i-1)(1-z)/(i-1)! equals the defining double sum "
                    "(symbolic coefficients, degree <= 7)",
                    lambda: (dsc.prove_r_identity(7), {"max_degree": 7, "orders": [2, 3]})))
    dps = profile_dps(profile)

    def numeric():
        p = scaling_params(parse_ensemble("regular:3/regular:6"), dps)
        lit = {"alpha": ("0.5604", p.alpha.value), "beta_over_omega": ("0.617", p.beta_over_omega.value),
               "threshold": ("0.4294", p.threshold.value)}
        ok = True
        rows = {}
        for k, (printed, v) in lit.items():
            digs = len(printed.split(".")[1])
            match = mp.nstr(v, digs, strip_zeros=False) == printed or f"{float(v):.{digs}f}" == printed
            ok = ok and match
            rows[k] = {"ours": mp.nstr(v, dps), "literature": printed, "match": match}
        # independent direct evaluation of the same formula
        cross = {}
        for spec in ("regular:3/regular:6", "poly:0,1/2,1/2/regular:6", "poisson:27/poisson:12"):
            e = parse_ensemble(spec)
            q = scaling_params(e, 20)
            d = direct_scaling_params(e, q.x, 30)
            with mp.workdps(30):
                dg = min(agree_digits(q.alpha.value, d["alpha"]),
                         agree_digits(q.beta_over_omega.value, d["beta_over_omega"]))
            cross[spec] = dg
            ok = ok and dg >= 18
        ref = float(p.alpha_reference.value)
        rows["alpha_reference_variant"] = ref
        return ok, {"dps": dps, "values": rows, "direct_vs_symbolic_digits": cross}

    ev.append(timed("numeric", "(3,6): alpha, beta/Omega, eps* match the literature's printed digits; "
                    "symbolic formula = direct mpmath evaluation", numeric))

    ns = (1024, 4096) if profile == "quick" else (1024, 2048, 4096, 8192)
    ks = (-1.0, 0.0, 1.0) if profile == "quick" else (-1.5, -0.75, 0.0, 0.75, 1.5)
    trials = 1500 if profile == "quick" else 6000
    conf = bonferroni(VERIFY_ALPHA, len(ns) * len(ks))

    def simulated():
        rows = regular_campaign(ns=ns, ks=ks, trials=trials, seed=4, confidence=conf)
        with_shift = compare_with_law(rows, REGULAR_MODEL_ALLOWANCE, "law_shift")
        no_shift = compare_with_law(rows, REGULAR_MODEL_ALLOWANCE, "law_noshift")
        better = with_shift["rms_error"] < no_shift["rms_error"]
        return with_shift["passed"] and better, {
            "with_shift": with_shift, "without_shift": no_shift, "shift_improves": better,
            "model_allowance": REGULAR_MODEL_ALLOWANCE, "confidence": conf, "trials": trials,
            "seed": 4, "ns": list(ns), "ks": list(ks)}

    ev.append(timed("simulated", "(3,6) block failure at n in {%s} within CI + %.2g of the shifted law; the "
                    "shift reduces the rms error" % (", ".join(map(str, ns)), REGULAR_MODEL_ALLOWANCE),
                    simulated, caveat="the law is asymptotic: agreement within a stated absolute "
                    f"allowance of {REGULAR_MODEL_ALLOWANCE} on P_B at n >= 1024 (Omega = 1)"))
    return ev


# --------------------------------------------------------------------------- A5
@register("A5", r"P_{\mathrm{waterfall}}(R,\kappa) \approx Q\!\left(\sqrt{n}(\varepsilon^{*}(R,\kappa)"
          r"-\beta n^{-2/3}-\varepsilon)/\alpha\right),\ n = R/\varepsilon")
def claim_a5(profile: str):
    from ..finite_length import WATERFALL_MODEL_ALLOWANCE, compare_with_law, concept_text_waterfall

    Rs = (500, 2000) if profile == "quick" else (500, 2000, 8000)
    kap = (4.3, 4.6, 4.9) if profile == "quick" else (4.0, 4.3, 4.6, 4.9, 5.2)
    trials = 300 if profile == "quick" else 2000
    conf = bonferroni(VERIFY_ALPHA, len(Rs) * len(kap))

    def simulated():
        rows = concept_text_waterfall(Rs=Rs, kappas=kap, trials=trials, seed=5, confidence=conf)
        cmp = compare_with_law(rows, WATERFALL_MODEL_ALLOWANCE, "law_shift")
        cmp0 = compare_with_law(rows, WATERFALL_MODEL_ALLOWANCE, "law_noshift")
        return cmp["passed"], {"with_shift": cmp, "without_shift_rms": cmp0["rms_error"],
                               "rows": [{k: r[k] for k in ("R", "kappa", "law_shift")} |
                                        {"sim": r["sim"]["estimate"]} for r in rows],
                               "allowance": WATERFALL_MODEL_ALLOWANCE, "confidence": conf,
                               "trials": trials, "seed": 5}

    return [timed("simulated", "concept-text waterfall failure (unlearned fraction nearer the upper fixed "
                  f"point) vs the law on the binomial ensemble, within CI + {WATERFALL_MODEL_ALLOWANCE}",
                  simulated,
                  caveat="the law locates the concept-text waterfall but is wider than the simulated one: "
                  "the embedding fixes the erased bits (no channel fluctuation), whereas the AMRU alpha "
                  f"includes it; agreement only within an absolute allowance of {WATERFALL_MODEL_ALLOWANCE}")]


# --------------------------------------------------------------------------- A6-A8 helpers
_SWEEP_CACHE: dict = {}


def _sweep(profile: str, eps=0.5):
    from ..optimum import sweep

    key = (profile, eps)
    if key not in _SWEEP_CACHE:
        grid = np.logspace(4, 20, 9 if profile == "quick" else 33)
        _SWEEP_CACHE[key] = (grid, sweep(6, eps, [float(c) for c in grid], 20))
    return _SWEEP_CACHE[key]


@register("A6", r"R^{*} \propto C'^{1/2},\ T^{*} \propto C'^{1/2}:\ "
          r"\max_R R\,f(C'/R^2) = \sqrt{C'/\hat\kappa}\,f(\hat\kappa)")
def claim_a6(profile: str):
    from ..optimum import Problem, float_optimum, kappa_star_value

    ev = []

    def symbolic():
        red = dop.objective_reduction()
        lim = dop.poisson_limit_of_binomial()
        ok = red["exponent_R"] == sp.Rational(1, 2) and red["exponent_T"] == sp.Rational(1, 2) \
            and lim == (0, 0) and dop.CP not in red["stationarity"].free_symbols
        return ok, {"objective": str(red["objective"]), "stationarity": str(red["stationarity"]),
                    "exponents": [str(red["exponent_R"]), str(red["exponent_T"])],
                    "poisson_limit_residuals": [str(v) for v in lim]}

    ev.append(timed("symbolic", "binomial -> Poisson pair as R -> oo at fixed kappa; objective "
                    "sqrt(C'/kappa) f(kappa) with C'-free stationarity; exponents 1/2", symbolic))

    def numeric():
        grid, res = _sweep(profile)
        ks = kappa_star_value(6, 30)
        asym = float(1 / mp.sqrt(ks))
        ratios = [float(r.R) / math.sqrt(c) for c, r in zip(grid, res)]
        interior = all(r.edge is None for r in res)
        digits = min(r.digits for r in res)
        gaps = [abs(x - asym) for x in ratios]
        tends = gaps[-1] < 1e-4 and all(b <= a for a, b in zip(gaps[len(gaps) // 2:], gaps[len(gaps) // 2 + 1:]))
        expo_last = float(res[-1].local_exponent)
        # for C' >= 1e6 the global optimum equals a local optimiser started at sqrt(C'/kappa*)
        loc_ok, loc_rows = True, []
        from scipy.optimize import minimize_scalar

        from ..optimum import objective_float
        for c, r in zip(grid, res):
            if c < 1e6:
                continue
            r0 = math.sqrt(c / float(ks))
            f = lambda s: -objective_float(np.exp(s), c, 6.0, 0.5)[0][0]  # noqa: E731,B023
            m = minimize_scalar(f, bounds=(math.log(0.8 * r0), math.log(1.05 * r0)), method="bounded",
                                options={"xatol": 1e-12})
            rel = abs(math.exp(m.x) - float(r.R)) / float(r.R)
            loc_ok = loc_ok and rel < 1e-6
            loc_rows.append({"C_prime": c, "local_vs_global_rel": rel})
        g100 = float_optimum(Problem.create(6.0, 0.5, 1e2))
        ok = interior and digits >= 20 and tends and abs(expo_last - 0.5) < 1e-3 and loc_ok
        return ok, {"C_prime": [float(c) for c in grid], "R_over_sqrt_C": ratios, "asymptote": asym,
                    "local_exponent_last": expo_last, "min_verified_digits": digits,
                    "all_interior": interior, "local_equals_global": loc_rows,
                    "note_C_1e2": f"at C' = 1e2 the optimum is on the physical edge R = d_t (p = 1): "
                                  f"{g100[2]}"}

    ev.append(timed("numeric", "global optimiser (no window) on a log grid of C' in [1e4, 1e20]: interior "
                    "optima with >= 20 verified digits, R*/sqrt(C') -> kappa*^(-1/2), exponent -> 1/2",
                    numeric, caveat="asymptotic: the exponent is 1/2 only in the limit; at C' = 1e2 the "
                    "optimum sits on the physical edge R = d_t"))
    return ev


@register("A7", r"\lim_{C'\to\infty} R^{*}/\sqrt{C'} = \kappa^{*}(d_t)^{-1/2}\ \text{for every } \varepsilon")
def claim_a7(profile: str):
    from ..optimum import finite_optimum, kappa_star_value

    ev = [timed("symbolic", "x = eps u: the DE map exp(-d_t kappa e^{-d_t u}) contains no eps",
                lambda: ((lambda m: (m[1] == 0 and dop.EPS0 not in m[0].free_symbols,
                                     {"u_map": str(m[0])}))(dop.u_form_de())))]

    def numeric():
        asym = float(1 / mp.sqrt(kappa_star_value(6, 30)))
        rows, ok = [], True
        for e in (0.3, 0.5, 0.7):
            g12 = float(finite_optimum(6, e, 1e12, 20, exponent=False).R) / 1e6 - asym
            g20 = float(finite_optimum(6, e, 1e20, 20, exponent=False).R) / 1e10 - asym
            ok = ok and abs(g20) < abs(g12) and abs(g20) < 2e-4
            rows.append({"eps": e, "gap_1e12": g12, "gap_1e20": g20})
        spread12 = max(r["gap_1e12"] for r in rows) - min(r["gap_1e12"] for r in rows)
        spread20 = max(r["gap_1e20"] for r in rows) - min(r["gap_1e20"] for r in rows)
        ok = ok and spread20 < spread12
        return ok, {"asymptote": asym, "rows": rows, "spread_1e12": spread12, "spread_1e20": spread20}

    ev.append(timed("numeric", "R*/sqrt(C') - kappa*^(-1/2) for eps in {0.3, 0.5, 0.7} shrinks from C' = 1e12 "
                    "to 1e20 and the eps-spread shrinks with it", numeric,
                    caveat="eps changes the finite-C' corrections, not the limit"))
    return ev


@register("A8", r"\frac{d\log R^{*}}{d\log C'} = \tfrac12 + \frac{\alpha(z^2-1)}{8\kappa^{*} g z\sqrt n}"
          r" + O(n^{-2/3}) \to \tfrac12")
def claim_a8(profile: str):
    from ..optimum import correction_prediction

    def symbolic():
        # what the derivation must satisfy, not merely "the exponent depends on C'":
        # (1) z solves the stationarity condition phi(z) = alpha / (2 kappa* c g sqrt n);
        # (2) the exponent is exactly 1/2 - (1/2) d log kappa / d log C' written as the stated leading
        #     terms: (e - 1/2)(kappa* + dkappa) = alpha (z^2 - 1)/(8 g z sqrt n) + beta/(6 g n^(2/3)),
        #     with n = sqrt(C'/kappa*)/eps (C' = n^2 eps^2 kappa*);
        # (3) e -> 1/2 as C' -> oo (sample constants) and e > 1/2 once z > 1 (beta = 0).
        fc = dop.finite_c_correction()
        sy = fc["symbols"]
        al, be, g, c, ks, n = (sy[k] for k in ("alpha", "beta", "g", "c", "kappa_star", "n"))
        z, expo, dk = fc["z"], fc["local_exponent"], fc["dkappa"]
        eps = next(v for v in expo.free_symbols if v.name == "eps")
        phi = sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi)
        stationary = sp.simplify(phi - al / (2 * ks * c * g * sp.sqrt(n))) == 0
        e_n = expo.subs(dop.CP, n**2 * eps**2 * ks)
        stated = al * (z**2 - 1) / (8 * g * z * sp.sqrt(n)) + be / (6 * g * n ** sp.Rational(2, 3))
        identity = sp.simplify((e_n - sp.Rational(1, 2)) * (ks + dk) - stated) == 0
        sample = {al: 1, be: 1, g: sp.Rational(1, 10), c: 1, ks: sp.Rational(9, 2), eps: sp.Rational(1, 2)}
        limit = sp.limit(expo.subs(sample), dop.CP, sp.oo)
        above = [float(expo.subs(sample).subs(be, 0).subs(dop.CP, sp.Integer(10) ** k) - sp.Rational(1, 2))
                 for k in (12, 20, 40)]
        ok = stationary and identity and limit == sp.Rational(1, 2) and all(v > 0 for v in above)
        ok = ok and all(b < a for a, b in zip(above, above[1:]))
        return ok, {"z": str(z), "dkappa": str(dk), "stationarity_holds": stationary,
                    "exponent_equals_stated_leading_terms": identity, "limit_C_to_infinity": str(limit),
                    "excess_over_half_at_1e12_1e20_1e40": above, "sample_constants": {str(k): str(v)
                                                                                     for k, v in sample.items()}}

    def numeric():
        grid, res = _sweep(profile)
        exps = [float(r.local_exponent) for r in res]
        practical = [e for c, e in zip(grid, exps) if 1e6 <= c <= 1e14]
        above = all(e > 0.5 for e in practical)
        late = [e for c, e in zip(grid, exps) if c >= 1e10]
        decreasing = all(b < a for a, b in zip(late, late[1:]))
        rows, ok_pred = [], True
        for c, r in zip(grid, res):
            if c < 1e10:
                continue
            pr = correction_prediction(6, 0.5, c)
            asym = float(1 / mp.sqrt(pr["kappa_star"]))
            num_gap = float(r.R) / math.sqrt(c) - asym
            pred_gap = float(pr["R_ratio"]) - asym
            rel = abs(pred_gap / num_gap - 1)
            ok_pred = ok_pred and rel < 0.01
            excess_num = float(r.local_exponent) - 0.5
            excess_pred = float(pr["local_exponent"]) - 0.5
            rows.append({"C_prime": float(c), "gap_numeric": num_gap, "gap_predicted": pred_gap,
                         "exponent_numeric": float(r.local_exponent),
                         "exponent_predicted": float(pr["local_exponent"]),
                         "excess_rel_err": abs(excess_pred / excess_num - 1),
                         "exponent_digits": r.exponent_digits})
        # the derived exponent is a leading-order law: its excess over 1/2 must approach the numeric one
        # (relative error shrinking with C', below 2% from C' = 1e14 on; it is ~8% at 1e10)
        errs = [row["excess_rel_err"] for row in rows]
        ok_expo = (all(b < a for a, b in zip(errs, errs[1:]))
                   and all(row["excess_rel_err"] < 0.02 for row in rows if row["C_prime"] >= 1e14))
        ok = above and decreasing and ok_pred and ok_expo and abs(exps[-1] - 0.5) < 1e-4
        return ok, {"C_prime": [float(c) for c in grid], "local_exponent": exps, "rows": rows,
                    "above_half_1e6_1e14": above, "decreasing_from_1e10": decreasing,
                    "predicted_exponent_converges": ok_expo}

    return [timed("symbolic", "leading correction derived from the scaling law: z solves phi(z) = "
                  "alpha/(2 kappa c g sqrt n); the exponent equals 1/2 + alpha(z^2-1)/(8 kappa g z sqrt n) "
                  "+ beta/(6 kappa g n^(2/3)) to first order; it is above 1/2 and tends to 1/2", symbolic),
            timed("numeric", "local exponent > 1/2 on 1e6..1e14, decreasing to 1/2; derived correction of "
                  "R*/sqrt(C') within 1% of the numeric gap for C' >= 1e10; derived exponent's excess over "
                  "1/2 within 2% of the numeric one for C' >= 1e14 (error shrinking with C')", numeric,
                  caveat="at C' < 1e5 the finite-size optimum is irregular (kink and edge optima) and the "
                  "local exponent can fall below 1/2")]


#: How near "near Chinchilla" is (A9), and why: Chinchilla's N = 70e9 and D = 1.4e12 are two-figure
#: roundings whose product misses the stated C = 5.76e23 by 2% (6 N D = 5.88e23); Hoffmann et al.'s own
#: projection for this compute (approach 1, their Table 3: 67e9 parameters, 1.5e12 tokens) differs from
#: the trained model by 4% and 7%; the calibration varsigma = 2e5, tau = 8e5 is given to one figure.
#: A correctly calibrated model therefore lands within about 10% of Chinchilla's N, D and tokens per
#: parameter, and no closer agreement can be asked for.
A9_NEAR = 0.10


@register("A9", r"N^{*} = \varsigma R^{*},\ D^{*} = \tau T^{*}\ \text{at } C = 5.76\cdot10^{23};\ "
          r"D^{*}/N^{*} \to (\tau/\varsigma)\kappa^{*}")
def claim_a9(profile: str):
    from ..chinchilla import CHINCHILLA_POINT
    from ..optimum import finite_optimum, kappa_star_value

    vs, tau = 2e5, 8e5

    def numeric():
        C = CHINCHILLA_POINT["C"]
        cp = C / (6 * vs * tau)
        r = finite_optimum(6, 0.5, cp, 20, exponent=False)
        N, D = vs * float(r.R), tau * float(r.T)
        tpp, tpp_chin = D / N, CHINCHILLA_POINT["D"] / CHINCHILLA_POINT["N"]
        rel = {"N": N / CHINCHILLA_POINT["N"] - 1, "D": D / CHINCHILLA_POINT["D"] - 1,
               "tokens_per_parameter": tpp / tpp_chin - 1}
        near = all(abs(v) <= A9_NEAR for v in rel.values())
        return near, {"C_prime": cp, "N_star": N, "D_star": D, "tokens_per_parameter": tpp,
                      "chinchilla": CHINCHILLA_POINT, "relative_offsets": rel, "tolerance": A9_NEAR,
                      "why_tolerance": "Chinchilla's N, D are two-figure roundings inconsistent with C by 2%; "
                                       "Hoffmann et al.'s own projection at this compute (67e9, 1.5e12) "
                                       "differs from them by 4% and 7%; the calibration varsigma, tau has "
                                       "one figure"}

    def limit():
        # tokens per parameter -> (tau/varsigma) kappa*: kappa* from an independent evaluation of the closed
        # form (v = -W_0(-1/d_t), kappa* = v e^(1/v) / d_t) and the optimiser's D*/N* approaching it
        with mp.workdps(40):
            v = -mp.lambertw(-mp.mpf(1) / 6, 0).real
            ks_direct = v * mp.exp(1 / v) / 6
            ks_code = kappa_star_value(6, 40)
            digits = agree_digits(ks_direct, ks_code)
        lim = tau / vs * float(ks_code)
        grid, res = _sweep(profile)
        rows = [{"C_prime": float(c), "tokens_per_parameter": tau * float(r.T) / (vs * float(r.R))}
                for c, r in zip(grid, res) if c >= 1e12]
        for row in rows:
            row["rel_to_limit"] = row["tokens_per_parameter"] / lim - 1
        gaps = [abs(row["rel_to_limit"]) for row in rows]
        ok = digits >= 30 and all(b < a for a, b in zip(gaps, gaps[1:])) and gaps[-1] < 1e-3
        return ok, {"kappa_star": mp.nstr(ks_code, 20), "kappa_star_direct_digits": digits,
                    "limit_tokens_per_parameter": lim, "rows": rows,
                    "criterion": "|D*/N* / limit - 1| decreasing with C' and < 1e-3 at the largest C'"}

    return [timed("numeric", f"compute-optimal N*, D* at C = 5.76e23 (varsigma = 2e5, tau = 8e5) within "
                  f"{A9_NEAR:.0%} of Chinchilla's 70e9 / 1.4e12 and its 20 tokens per parameter", numeric),
            timed("numeric", "tokens per parameter tend to (tau/varsigma) kappa* = 4 kappa* along the "
                  "compute-optimal path (kappa* checked against an independent Lambert-W evaluation)", limit)]


@register("A10", r"P_e = 1-(1-p\delta)^R - Rp\delta(1-p\delta)^{R-1} \approx \tfrac12 (d_t\delta)^2,\quad "
          r"\mathrm{KL} \ge \tfrac12 P_e^2")
def claim_a10(profile: str):
    from ..chinchilla import frontier_table

    def symbolic():
        dt_s, d = dop.DT, dtr.DELTA
        lead = dtr.leading_training_error()
        ok_lead = sp.simplify(lead - (dt_s * d) ** 2 / 2) == 0
        # P_e is the probability that at least two of a text's concept slots are unlearned,
        # Binomial(R, p delta) >= 2 with p = d_t/R: checked exactly against that tail built here
        exact = {}
        for R in (2, 3, 5, 8):
            q = dt_s / R * d
            tail = 1 - sum(sp.binomial(R, k) * q**k * (1 - q) ** (R - k) for k in (0, 1))
            exact[R] = sp.expand(dtr.training_error(d, R, dt_s) - tail) == 0
        series = dtr.training_error_series(3)
        ok_series = sp.simplify(series - dt_s**2 * d**2 * (dop.R - 1) / (2 * dop.R)) == 0
        ok = ok_lead and ok_series and all(exact.values())
        return ok, {"series": str(dtr.training_error_series(4)), "leading": str(lead),
                    "equals_binomial_tail_at_R": exact, "delta2_coefficient_is_(R-1)/(2R)_dt^2": ok_series}

    def numeric():
        grid, res = _sweep(profile)
        rows = []
        for c, r in zip(grid, res):
            if c < 1e8:
                continue
            with mp.workdps(40):
                delta = 1 - r.learned_fraction
                R = r.R
                pe = 1 - (1 - 6 * delta / R) ** R - 6 * delta * (1 - 6 * delta / R) ** (R - 1)
                bound = pe**2 / 2
                approx = (6 * delta) ** 2 / 2
            rows.append({"C_prime": float(c), "N": 2e5 * float(R), "D": 8e5 * float(r.T),
                         "delta": float(delta), "P_e": float(pe), "approx_ratio": float(pe / approx),
                         "bound": float(bound)})
        lx = np.log([r["N"] for r in rows])
        ly = np.log([r["bound"] for r in rows])
        slope, icpt = np.polyfit(lx, ly, 1)
        resid = float(np.max(np.abs(ly - (slope * lx + icpt))))
        ft = frontier_table(10)
        cmp = {}
        for name, cs in dch.CONSTANT_SETS.items():
            A, B = float(sp.N(cs["A"])), float(sp.N(cs["B"]))
            al, be = float(cs["alpha"]), float(cs["beta"])
            cmp[name] = [A / r["N"] ** al + B / r["D"] ** be for r in rows]
        below = all(r["bound"] < min(cmp[k][i] for k in cmp) for i, r in enumerate(rows))
        approx_ok = all(abs(r["approx_ratio"] - 1) < 0.05 for r in rows)
        ok = below and approx_ok and slope < 0
        return ok, {"rows": rows, "slope_log_bound_vs_log_N": float(slope), "max_fit_residual": resid,
                    "bound_below_all_chinchilla_fits": below,
                    "chinchilla_excess_loss_at_rows": cmp, "frontier_a": {k: v["a"] for k, v in ft.items()}}

    return [timed("symbolic", "series of the exact P_e in delta; the R -> oo leading term is (d_t delta)^2/2",
                  symbolic),
            timed("numeric", "along the compute-optimal path (C' >= 1e8): P_e ~ (d_t delta)^2/2 within 5%, the "
                  "bound P_e^2/2 decays as a power of N* and lies below the three Chinchilla excess losses",
                  numeric, caveat="the slope depends on the window of N*; the paper's -2.26 refers to its "
                  "own window and model (reported, not tested); the bound is far below (consistent but loose)")]


@register("A11", r"\#\text{iterations} \approx \frac{\pi}{\sqrt{c\,(\varepsilon^{*}-\varepsilon)}},\quad "
          r"c = -\tfrac12\,\partial_\varepsilon f\,\partial_x^2 f\big|_{(\varepsilon^{*},x^{*})}")
def claim_a11(profile: str):
    from ..amru import scaling_params
    from ..peeling import peeling_trials
    from ..stats import mean

    ens = parse_ensemble("regular:3/regular:6")

    @functools.cache  # pure; asked by the numeric and the simulated evidence
    def constant():
        p = scaling_params(ens, 20)
        c = lambdify_mp(X, dtr.bottleneck_constant(ens))
        with mp.workdps(30):
            return float(p.threshold.value), float(c(p.x))

    def symbolic():
        I = dtr.bottleneck_integral()
        c1, c2, d = sp.symbols("c1 c2 d", positive=True)
        return sp.simplify(I - sp.pi / sp.sqrt(c1 * c2 * d)) == 0, {"integral": str(I)}

    def numeric():
        es, c = constant()

        def count(eps, stop=1e-3):
            x, n = eps, 0
            while x > stop:
                x = eps * (1 - (1 - x) ** 5) ** 2
                n += 1
            return n

        rows, ok = [], True
        pairs = [(1e-5, 1e-6), (1e-6, 1e-7)]
        for d1, d2 in pairs:
            ratio = (count(es - d2) - count(es - d1)) / (math.pi / math.sqrt(c) * (d2**-0.5 - d1**-0.5))
            ok = ok and abs(ratio - 1) < 0.01
            rows.append({"deltas": [d1, d2], "iterations_difference_over_law": ratio})
        return ok, {"c": c, "eps_star": es, "rows": rows}

    trials = 10 if profile == "quick" else 40
    n = 100_000 if profile == "quick" else 400_000
    deltas = (0.02, 0.01, 0.005)
    conf = bonferroni(VERIFY_ALPHA, len(deltas))

    def simulated():
        es, c = constant()
        rows, ok = [], True
        for i, d in enumerate(deltas):
            t = peeling_trials("regular:3/regular:6", n, es - d, trials, 300 + i)
            est = mean(t.rounds.astype(float), conf)
            law = math.pi / math.sqrt(c * d)
            # the law counts the bottleneck passage only: allow the O(1) entry/exit rounds (<= 3)
            good = est.contains(law, 3.0)
            ok = ok and good
            rows.append({"delta": d, "rounds": est.to_json(), "law": law, "seed": 300 + i, "n": n})
        return ok, {"rows": rows, "allowance_rounds": 3.0}

    return [timed("symbolic", "bottleneck passage time int dxi/(c1 d + c2 xi^2) = pi/sqrt(c1 c2 d)", symbolic),
            timed("numeric", "(3,6): iterated DE counts at eps* - d: differences between d = 1e-5, 1e-6, 1e-7 "
                  "match pi/sqrt(c) (d^-1/2 differences) within 1%", numeric),
            timed("simulated", f"peeling rounds of (3,6) codes at n = {n} match pi/sqrt(c d) within CI + 3 "
                  "rounds", simulated,
                  caveat="asymptotic in eps* - eps -> 0 (entry and exit rounds are O(1))")]


@register("C1", r"N_{\mathrm{opt}} = G (C/6)^{\beta/(\alpha+\beta)},\ D_{\mathrm{opt}} = G^{-1}(C/6)^{\alpha/(\alpha+\beta)},"
          r"\ G = \left(\frac{\alpha A}{\beta B}\right)^{1/(\alpha+\beta)}")
def claim_c1(profile: str):
    from ..chinchilla import find_data, frontier_table, huber_refit, packaged_data

    ev = [timed("symbolic", "minimising E + A/N^alpha + B/D^beta under C = 6ND gives a, b, G",
                lambda: (lambda d: (all(v == 0 for v in d), {"differences": [str(v) for v in d]}))(
                    dch.prove_frontier()))]

    def numeric():
        t = frontier_table(12)
        a = {k: float(v["a"]) for k, v in t.items()}
        tpp = {k: float(v["tokens_per_parameter"]) for k, v in t.items()}
        ok = abs(a["printed"] - 14 / 31) < 1e-12 and 85 < tpp["printed"] < 100 and 0.5 < a["epoch"] < 0.52
        return ok, {"a": a, "tokens_per_parameter_at_5.76e23": tpp,
                    "note": "rounded printed constants give ~93 tokens/parameter (rounding artefact)"}

    ev.append(timed("numeric", "frontier exponents and tokens/parameter for the printed, unrounded and "
                    "Epoch constant sets", numeric))
    path = find_data()
    if path is None:
        # the data ship inside the package: a missing file is a packaging fault, not "pending"
        raise FileNotFoundError(f"the packaged Chinchilla data are missing ({packaged_data()})")

    def refit():
        # full profile: Epoch's 5400-point grid, every point evaluated, L-BFGS from the 64 best (all 5400
        # starts take ~25 min on a loaded 2-core machine, past the claim's budget; same optimum)
        r = huber_refit(path, grid="quick") if profile == "quick" else huber_refit(path, grid="full", polish=64)
        ok = abs(r["alpha"] - 0.3478) < 0.01 and abs(r["beta"] - 0.3658) < 0.01 and abs(r["a"] - 0.5) < 0.05
        return ok, r | {"theory_a": 0.5, "path": str(path)}

    ev.append(timed("numeric", "Huber refit (delta = 1e-3, log loss, L-BFGS from a grid, 5 highest-loss "
                    "points dropped) reproduces Epoch's exponents and gives a close to 1/2", refit))
    return ev
