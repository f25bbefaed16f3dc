"""Claims B1-B8: giant components, skill graphs, emergence and plateaus.

Each claim computes symbolic, numeric and (where applicable) simulated
evidence; the verdict follows from the evidence (numeric.claims.decide).
Simulated comparisons use Student-t intervals over independent graphs at a
Bonferroni-corrected level (family-wise 1e-3 per claim), with the explicit
``n^(-1/3)`` allowance of :func:`numeric.graphsim.critical_allowance` only
for points inside or next to the critical window (stated per point).
"""

from __future__ import annotations

import functools

import mpmath as mp
import numpy as np
import sympy as sp
from infoscaling.derivations import graphs as dg
from infoscaling.derivations import skills as dsk

from ..stats import bonferroni
from . import VERIFY_ALPHA, Evidence, register, timed


def _conf(k: int) -> float:
    return bonferroni(VERIFY_ALPHA, k)


# ------------------------------------------------------------------------------------
# shared helpers
# ------------------------------------------------------------------------------------

def _sim_points(points, n, trials, seed, label):
    """Simulate each (law, theory S, allowance) and compare within the CI (+ allowance)."""
    from ..graphsim import simulate_giant

    conf = _conf(len(points))
    rows, ok = [], True
    for i, (law, theory, allowance) in enumerate(points):
        r = simulate_giant(law, n, trials, seed + i, workers=1, confidence=conf)
        lo, hi = r["S"]["ci"]
        inside = lo - allowance <= theory <= hi + allowance
        ok &= inside
        rows.append({"law": law, "theory_S": theory, "estimate": r["S"]["estimate"], "ci": [lo, hi],
                     "allowance": allowance, "inside": inside, "seed": seed + i})
    return ok, {"n": n, "trials": trials, "confidence": conf, "points": rows, "what": label}


@functools.lru_cache(maxsize=1)
def _er_series3() -> sp.Expr:
    """The derived cubic Erdos-Renyi series (SymPy reversion, ~1 s), shared by B2's symbolic and numeric
    evidence; an immutable expression, so one derivation serves both."""
    return dg.erdos_renyi_series(3)


def _theory_S(law: str, dps: int = 20) -> float:
    from ..giant import giant

    return float(giant(law, dps).S.value)


# ------------------------------------------------------------------------------------
# B1
# ------------------------------------------------------------------------------------

@register("B1", r"\exists\,\text{giant} \iff \sum_k k(k-2)p_k > 0,\quad S = 1 - G_0(u),\ u = G_1(u)")
def b1(profile: str) -> list[Evidence]:
    ev = []

    def symbolic():
        c, a, p = sp.symbols("c a p", positive=True)
        d = sp.Symbol("d", integer=True, positive=True)
        x = sp.Symbol("x")
        laws = {"poisson": dg.PoissonLaw(c), "geometric": dg.GeometricLaw(a),
                "binomial(10,p)": dg.BinomialLaw(10, p), "regular": dg.RegularLaw(d),
                "poly(1/4,1/4,1/4,1/4)": dg.parse_law("poly:1/4,1/4,1/4,1/4")}
        res = {}
        for name, law in laws.items():
            g0 = law.G0(x)
            g1_def = sp.diff(g0, x) / sp.diff(g0, x).subs(x, 1)
            same_g1 = sp.simplify(law.G1(x) - g1_def) == 0
            crit_vs_branch = sp.simplify(law.criterion() - law.mean() * (law.G1_prime_at_1() - 1)) == 0
            g1p = sp.simplify(sp.diff(law.G1(x), x).subs(x, 1) - law.G1_prime_at_1()) == 0
            res[name] = {"G1 = G0'/G0'(1)": same_g1, "criterion = G0'(1)(G1'(1)-1)": crit_vs_branch,
                         "G1'(1) consistent": g1p, "criterion": str(law.criterion())}
        ok = all(all(v for k, v in r.items() if k != "criterion") for r in res.values())
        return ok, {"laws": res}

    ev.append(timed("symbolic", "G1 = G0'/G0'(1) and sum k(k-2)p_k = G0'(1)(G1'(1) - 1), so the "
                    "criterion's sign is that of G1'(1) - 1 (five families, symbolic parameters)", symbolic))

    def exact_cases():
        from ..giant import giant

        cases = ["poly:0,1/4,1/4,1/2", "poly:1/3,1/3,0,1/3", "poly:0,1/3,1/3,0,1/3",
                 "poly:1/10,1/5,1/5,1/2", "regular:3", "poly:0,1/2,1/2", "regular:2"]
        rows, ok = [], True
        for spec in cases:
            law = dg.parse_law(spec)
            u, S = dg.exact_giant(law)
            r = giant(law, 30)
            with mp.workdps(40):
                du = abs(mp.mpf(str(sp.N(u, 45))) - r.u.value)
                dS = abs(mp.mpf(str(sp.N(S, 45))) - r.S.value)
                good = du < mp.mpf(10) ** -29 and dS < mp.mpf(10) ** -29
            ok &= bool(good)
            rows.append({"law": spec, "u_exact": str(u), "S_exact": str(S), "S_numeric": r.S.text,
                         "digits": r.digits, "agree_30_digits": bool(good)})
        return ok, {"cases": rows, "dps": 30}

    ev.append(timed("numeric", "exact algebraic u, S of finite-support laws (rational where possible) "
                    "equal the bracketed numeric root to 30 digits; subcritical/critical give S = 0 exactly",
                    exact_cases))

    def subcritical_exact():
        from ..giant import giant

        specs = ["poisson:1", "poisson:1/2", "regular:2", "regular:1", "geometric:1/3", "geometric:1/4",
                 "powerlaw:7/2", "projection:poisson:1/poisson:1"]
        rows = {s: giant(s, 20).to_json() for s in specs}
        ok = all(r["S"] == "0" and r["u"] == "1" and not r["supercritical"] for r in rows.values())
        return ok, {"results": {k: {kk: v[kk] for kk in ("S", "u", "criterion", "mean_component_size")}
                                for k, v in rows.items()}}

    ev.append(timed("numeric", "S = 0 and u = 1 exactly at and below the transition (no root search)",
                    subcritical_exact))

    n = 100_000 if profile == "quick" else 1_000_000
    trials = 6 if profile == "quick" else 30
    laws = ["regular:3", "geometric:1/2", "binomial:10,1/5", "poly:0,1/3,1/3,0,1/3", "powerlaw:5/2,1,100",
            "poly:1/5,1/5,1/5,1/5,1/5"]

    def simulated():
        pts = [(law, _theory_S(law), 0.0) for law in laws]
        return _sim_points(pts, n, trials, 101, "configuration model, largest component fraction")

    ev.append(timed("simulated", f"configuration-model graphs (n = {n}): S within the t interval over "
                    "independent graphs for six laws away from criticality", simulated))

    def mean_size():
        from ..giant import giant
        from ..graphsim import simulate_giant

        specs = ["poisson:1/2", "geometric:1/4", "poly:1/2,1/4,1/4"]
        conf = _conf(len(specs))
        rows, ok = [], True
        for i, s in enumerate(specs):
            th = float(giant(s, 20).mean_component_size.value)
            r = simulate_giant(s, n, trials, 201 + i, workers=1, confidence=conf)
            lo, hi = r["mean_component_size"]["ci"]
            # finite-size bias of the mean component size is O(1/n) relative: allowance 20/n * th
            allow = 20.0 / n * th
            inside = lo - allow <= th <= hi + allow
            ok &= inside
            rows.append({"law": s, "theory": th, "estimate": r["mean_component_size"]["estimate"],
                         "ci": [lo, hi], "inside": inside, "seed": 201 + i})
        return ok, {"n": n, "trials": trials, "confidence": conf, "points": rows}

    ev.append(timed("simulated", "subcritical mean component size 1 + G0'(1)/(1 - G1'(1)) vs the "
                    "simulated mean size of a random vertex's component", mean_size))
    return ev


# ------------------------------------------------------------------------------------
# B2
# ------------------------------------------------------------------------------------

@register("B2", r"S(c) = 1 + \frac{W_0(-c e^{-c})}{c}\ (c>1),\quad S(1+\delta) = 2\delta - \tfrac{8}{3}\delta^2 + O(\delta^3)")
def b2(profile: str) -> list[Evidence]:
    ev = []

    def symbolic():
        c = sp.Symbol("c", positive=True)
        expr = dg.erdos_renyi_closed_form(c)
        W = sp.Symbol("W")
        z = -c * sp.exp(-c)
        S_W = expr.subs(sp.LambertW(z), W)
        resid = sp.expand(1 - sp.exp(-c * S_W) - S_W, power_exp=True).subs(sp.exp(-W), W / z)
        solves = sp.simplify(resid) == 0
        series = _er_series3()
        d = sp.Symbol("delta")
        coeffs = [series.coeff(d, k) for k in (1, 2, 3)]
        ok = solves and coeffs[0] == 2 and coeffs[1] == sp.Rational(-8, 3)
        return ok, {"closed_form": str(expr), "solves_fixed_point": solves, "series": str(series),
                    "coefficients": [str(v) for v in coeffs]}

    ev.append(timed("symbolic", "SymPy solves S = 1 - exp(-cS) with Lambert W; substituting "
                    "W e^W = -c e^-c gives zero; series by reversion 2 delta - 8/3 delta^2 + 28/9 delta^3",
                    symbolic))

    def numeric():
        from ..giant import erdos_renyi_S, giant

        r = giant("poisson:2", 18)
        rows = {}
        ok = r.S.text == "0.796812130020020046"
        with mp.workdps(50):
            for cc in ("1.5", "2", "3", "5"):
                lw = erdos_renyi_S(mp.mpf(cc))
                br = giant(f"poisson:{cc}", 40).S.value
                agree = abs(lw - br) < mp.mpf(10) ** -39
                ok &= bool(agree)
                rows[cc] = {"lambert": mp.nstr(lw, 40), "bracketed": mp.nstr(br, 40), "agree_40": bool(agree)}
            ser = _er_series3()
            d = sp.Symbol("delta")
            errs = {}
            for dd in ("1e-2", "1e-3"):
                exactS = erdos_renyi_S(1 + mp.mpf(dd))
                approx = mp.mpf(str(sp.N(ser.subs(d, sp.Rational(dd)), 50)))
                errs[dd] = float(abs(exactS - approx) / mp.mpf(dd) ** 4)
            ok &= all(v < 10 for v in errs.values())  # next coefficient is -464/135 = -3.44
        return ok, {"S(2)": r.S.text, "literature": "0.796812130020020046", "digits": r.digits,
                    "lambert_vs_bracketed": rows, "series_error_over_delta4": errs}

    ev.append(timed("numeric", "S(2) = 0.796812130020020046 (18 digits); Lambert W = bracketed root to 40 "
                    "digits; the cubic series error is O(delta^4)", numeric))

    n = 100_000 if profile == "quick" else 1_000_000
    trials = 6 if profile == "quick" else 30

    def simulated():
        from ..graphsim import critical_allowance, subcritical_allowance

        pts = [("poisson:2", _theory_S("poisson:2"), 0.0), ("poisson:3/2", _theory_S("poisson:3/2"), 0.0),
               ("poisson:1/2", 0.0, subcritical_allowance(n, 0.5)),
               ("poisson:11/10", _theory_S("poisson:11/10"), critical_allowance(n))]
        return _sim_points(pts, n, trials, 301, "G(n, c/(n-1)); c = 1.1 gets the n^(-1/3) critical allowance, "
                                                "c = 1/2 the O(log n / n) subcritical one")

    ev.append(timed("simulated", f"G(n, c/n) with n = {n}: S within the interval at c = 1.5, 2 and 0.5; "
                    "at c = 1.1 within the interval plus the 4 n^(-1/3) critical-window allowance",
                    simulated))
    return ev


# ------------------------------------------------------------------------------------
# B3
# ------------------------------------------------------------------------------------

@register("B3", r"G_0(x) = f_0(g_1(x)),\ G_1(x) = f_1(g_1(x)),\ \text{percolates} \iff f_1'(1)\,g_1'(1) > 1")
def b3(profile: str) -> list[Evidence]:
    ev = []

    def symbolic():
        mf, mg = sp.symbols("mu_f mu_g", positive=True)
        x = sp.Symbol("x")
        pr = dg.Projection(dg.PoissonLaw(mf), dg.PoissonLaw(mg))
        crit = sp.simplify(pr.criterion() - (mf * mg - 1)) == 0
        g1p = sp.simplify(sp.diff(pr.G1(x), x).subs(x, 1) - mf * mg) == 0
        # bipartite message passing: a = f1(b), b = g1(a)  =>  a = f1(g1(a)) = G1(a)
        a = sp.Symbol("a")
        f, g = dg.PoissonLaw(mf), dg.PoissonLaw(mg)
        mp_eq = sp.simplify(f.G1(g.G1(a)) - pr.G1(a)) == 0
        # the projection is clustered: G0'/G0'(1) differs from the composed G1
        differs = sp.simplify(sp.diff(pr.G0(x), x) / sp.diff(pr.G0(x), x).subs(x, 1) - pr.G1(x)) != 0
        pr2 = dg.parse_law("projection:poisson:2/poly:0,0,1")
        er = sp.simplify(pr2.G1(x) - dg.PoissonLaw(2).G1(x)) == 0
        return crit and g1p and mp_eq and differs and er, {
            "criterion": str(pr.criterion()), "G1'(1) = mu_f mu_g": g1p,
            "message_passing_fixed_point": mp_eq, "G0'/G0'(1) != composed G1 (clustering)": differs,
            "groups of two reduce to the actor graph": er}

    ev.append(timed("symbolic", "composed GFs: G1'(1) = f1'(1) g1'(1) (Poisson/Poisson: mu_f mu_g), "
                    "u = f1(g1(u)) from bipartite message passing; G1 is not G0'/G0'(1) (clustering)",
                    symbolic))

    def numeric():
        from ..giant import giant

        rows = {s: giant(s, 20).to_json() for s in
                ("projection:poisson:2/poisson:1", "projection:poisson:1/2/poisson:1",
                 "projection:poisson:1/poisson:1", "projection:poisson:2/poly:0,0,1", "poisson:2",
                 "projection:regular:2/regular:3")}
        ok = (rows["projection:poisson:2/poly:0,0,1"]["S"] == rows["poisson:2"]["S"]
              and rows["projection:poisson:1/2/poisson:1"]["S"] == "0"
              and rows["projection:poisson:1/poisson:1"]["S"] == "0"
              and rows["projection:poisson:2/poisson:1"]["supercritical"]
              and rows["projection:regular:2/regular:3"]["supercritical"])
        return ok, {k: {kk: v[kk] for kk in ("S", "u", "criterion", "supercritical")} for k, v in rows.items()}

    ev.append(timed("numeric", "projected giant at 20 digits; criterion <= 0 gives S = 0; groups of size 2 "
                    "reproduce Erdos-Renyi", numeric))

    n = 100_000 if profile == "quick" else 1_000_000
    trials = 6 if profile == "quick" else 30

    def simulated():
        from ..graphsim import subcritical_allowance

        laws = ["projection:poisson:2/poisson:1", "projection:regular:2/regular:3",
                "projection:geometric:1/2/poisson:2"]
        pts = [(law, _theory_S(law), 0.0) for law in laws]
        pts.append(("projection:poisson:1/2/poisson:1", 0.0, subcritical_allowance(n, 0.5)))
        return _sim_points(pts, n, trials, 401, "bipartite configuration model, actors in the largest component")

    ev.append(timed("simulated", f"bipartite actor/group graphs (n = {n} actors): projected giant within "
                    "the interval over independent graphs", simulated))
    return ev


# ------------------------------------------------------------------------------------
# B4
# ------------------------------------------------------------------------------------

def _sample_tail_params(count: int, seed: int):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        M = int(10 ** rng.uniform(1, 19))
        lam = 10 ** rng.uniform(-2, 3.5)
        lam = min(lam, 0.5 * M)
        p = lam / M
        z = rng.uniform(-10, 10)
        eta = int(max(1, min(M, round(lam + z * np.sqrt(lam + 1)))))
        out.append((M, p, eta))
    return out


@register("B4", r"(2M)^{-1/2} e^{-M D(\eta/M\|p_{ss})} \le P(X \ge \eta) \le e^{-M D(\eta/M\|p_{ss})},\ "
                r"p_{ss} = \frac{1-(1-p^2)^T}{S_l^2}")
def b4(profile: str) -> list[Evidence]:
    from ..skills import chernoff_bounds, reference_bound, tail_betainc, tail_exact

    ev = []

    def symbolic():
        rows = {}
        ok = True
        for M, p, eta in [(5, sp.Rational(1, 2), 2), (12, sp.Rational(1, 7), 4), (20, sp.Rational(3, 10), 1)]:
            beta = dsk.binomial_tail(M, p, eta).rewrite(sp.Integral).doit()
            summ = dsk.binomial_tail_sum(M, p, eta)
            same = sp.simplify(beta - summ) == 0
            ok &= same
            rows[f"M={M},p={p},eta={eta}"] = {"tail": str(summ), "beta_equals_sum": same}
        R, T, dt, S = sp.symbols("R T d_t S", positive=True)
        pss = dsk.p_ss(dsk.cooccurrence(R, T, dt), S)
        return ok, {"exact_cases": rows, "p_ss": str(pss),
                    "bounds_above": [str(e) for e in dsk.chernoff_bounds(*sp.symbols("M p eta"))["above"]]}

    ev.append(timed("symbolic", "P(X >= eta) = I_p(eta, M - eta + 1) equals the binomial sum exactly; "
                    "p_ss = (1 - (1 - p^2)^T)/S_l^2 (ordered pairs with self-pairs, the paper's count)",
                    symbolic))

    count = 60 if profile == "quick" else 600
    params = _sample_tail_params(count, 2024)

    @functools.cache
    def exact_and_bounds():
        """``(exact tail, lower, upper)`` at 30 digits per sample, shared by the two checks below."""
        with mp.workdps(30):
            return [(tail_exact(M, mp.mpf(p), eta), *chernoff_bounds(M, mp.mpf(p), eta)) for M, p, eta in params]

    def bracket():
        bad, worst, rows = [], None, 0
        with mp.workdps(30):
            for (M, p, eta), (ex, lo, hi) in zip(params, exact_and_bounds(), strict=True):
                rows += 1
                slack = mp.mpf(10) ** -25 * ex  # the bounds are attained exactly at eta = 1 and eta = M
                if not (lo - slack <= ex <= hi + slack):
                    bad.append({"M": M, "p": p, "eta": eta, "exact": mp.nstr(ex, 10),
                                "lo": mp.nstr(lo, 10), "hi": mp.nstr(hi, 10)})
                if ex > 0 and hi > 0:
                    ratio = float(hi / ex)
                    worst = ratio if worst is None else max(worst, ratio)
            cross = []
            for (M, p, eta), (a, _, _) in zip(params[:10], exact_and_bounds(), strict=False):
                if M <= 10**7:
                    b = tail_betainc(M, mp.mpf(p), eta)
                    cross.append(float(abs(a - b) / max(abs(a), mp.mpf(10) ** -300)))
        ok = not bad and all(v < 1e-25 for v in cross)
        return ok, {"samples": rows, "violations": bad[:5], "seed": 2024, "dps": 30,
                    "max_upper_over_exact": worst, "sum_vs_mpmath_betainc_rel_err": cross}

    ev.append(timed("numeric", f"exact tail (mpmath, 30 digits) lies between the two bounds at {count} "
                    "sampled (M, p, eta), M up to 1e19, both sides of the mean", bracket))

    def reference():
        viol, jump = [], None
        with mp.workdps(30):
            for (M, p, eta), (ex, lo, hi) in zip(params, exact_and_bounds(), strict=True):
                ref = reference_bound(M, mp.mpf(p), eta)
                if not (lo <= ref <= hi) or (eta > M * p and ref < ex):
                    viol.append({"M": M, "p": p, "eta": eta, "exact": mp.nstr(ex, 8), "reference": mp.nstr(ref, 8)})
            M, p = 10**6, mp.mpf(100) / 10**6
            jump = float(reference_bound(M, p, 101) - reference_bound(M, p, 99))
        ok = len(viol) > 0
        return ok, {"violations": len(viol), "samples": len(params), "examples": viol[:3],
                    "jump_across_mean_eta_99_to_101": jump}

    ev.append(timed("numeric", "the reference's expression (KL in log base 2, exponentiated base e) falls "
                    "outside the bounds / below the exact tail for sampled parameters, and jumps at the mean",
                    reference))

    def simulated():
        # theory from the functions the emergence curves use (pair_probabilities, level_link_probabilities,
        # level_gammas), not the simulator's own: a bug in the curves' model must show here
        from ..skills import (
            SkillSettings,
            level_gammas,
            level_link_probabilities,
            pair_probabilities,
            simulate_skill_level,
        )

        trials = 8 if profile == "quick" else 40
        pts = [(2000, 300, 100, 3), (2000, 1200, 100, 3), (1500, 400, 60, 2)]
        conf = _conf(2 * len(pts))
        rows, ok = [], True
        for i, (R, T, S, eta) in enumerate(pts):
            settings = SkillSettings(S=S, dt=6.0, prerequisite="none")
            level = int(np.nonzero(settings.eta == eta)[0][0])  # a level of the curves with this eta
            Ra, Ta = np.array([float(R)]), np.array([float(T)])
            _, q_curve, _ = pair_probabilities(Ra, Ta, settings)
            p_curve = float(level_link_probabilities(Ra, Ta, settings)[level, 0])
            g_curve = float(level_gammas(Ra, Ta, settings)[level, 0])
            r = simulate_skill_level(R, T, 6, S, eta, trials, seed=501 + i, confidence=conf)
            e, q = r["edge_density"], r["cooccurrence"]
            in_e = e["ci"][0] <= p_curve <= e["ci"][1]
            in_q = q["ci"][0] <= float(q_curve[0]) <= q["ci"][1]
            ok &= in_e and in_q
            rows.append({"R": R, "T": T, "S": S, "eta": eta, "curve_level": level + 1,
                         "edge_density": e["estimate"], "ci": e["ci"], "p_l_curves": p_curve,
                         "cooccurrence": q["estimate"], "q_ci": q["ci"], "q_curves": float(q_curve[0]),
                         "gamma": r["gamma"]["estimate"], "gamma_curves": g_curve,
                         "inside": [in_e, in_q], "seed": 501 + i})
        return ok, {"trials": trials, "confidence": conf, "points": rows,
                    "theory": "numeric.skills.pair_probabilities / level_link_probabilities (the accuracy "
                              "curves' formulas)"}

    ev.append(timed("simulated", "sampled concept-text graphs: co-occurrence frequency and skill-link "
                    "density match the accuracy curves' q and P(X >= eta) within the interval", simulated))
    return ev


# ------------------------------------------------------------------------------------
# B5-B7: curves along the compute path
# ------------------------------------------------------------------------------------

C_GRID = np.logspace(2, 20, 200)


@functools.lru_cache(maxsize=4)
def _path(profile: str):
    """(R, T, info) on the paper's 200-point grid (compute-optimal when numeric.optimum works)."""
    from ..skills import compute_path

    return compute_path(C_GRID)


@functools.lru_cache(maxsize=2)
def _emergence(profile: str):
    """Per-level emergence table along the path (no prerequisites), shared by B5 and B8."""
    from ..skills import SkillSettings, emergence_table

    R, T, info = _path(profile)
    return emergence_table(C_GRID, R, T, SkillSettings(prerequisite="none")), info


def _paper_location(profile: str):
    tab, info = _emergence(profile)
    offs = [(r["level"], r["eta"], r["offset_grid_steps"]) for r in tab]
    within = [l for l, _, o in offs if o is not None and abs(o) <= 1]
    return len(within) == len(offs), {
        "levels_within_one_step": len(within), "levels": len(offs),
        "offset_grid_steps_by_level": {l: None if o is None else round(o, 2) for l, _, o in offs[::11] + offs[-1:]},
        "grid_step_decades_C": float(np.diff(np.log10(C_GRID))[0]),
        "note": "offset < 0: emergence (50% of the task accuracy) happens before E[X_l] = eta_l, because "
                "S_l P(X_l >= eta_l) ~ 1 already makes the skill graph percolate", **info}


# Expected refutation (a finding of this project, not an input): emergence along the compute-optimal
# path is sharp, but the paper's location E[X_l] = eta_l lags the real 50% point by up to ~47 grid steps
# at low levels.  B5 holds only that location check, so its refutation has exactly one cause; the
# sharpness of emergence, the derivation of the closed form and the corrected location
# S_l P(X_l >= eta_l) = k_1/2 are claim B8 (confirmed), where a new failure changes the verdict.
@register("B5", r"\mathbb{E}[X_l] = \eta_l \iff T = \frac{\log(1 - \eta_l S_l^2/M)}{\log(1 - d_t^2/R^2)} "
                r"\approx \frac{2\eta_l S_l^2}{d_t^2}", expect_refuted=True)
def b5(profile: str) -> list[Evidence]:
    return [timed("numeric", "the paper's closed-form location E[X_l] = eta_l is within one grid step of the "
                  "located 50% point, for every level", lambda: _paper_location(profile))]


@register("B8", r"S_l\,P(X_l \ge \eta_l) = k_{1/2}:\ \lambda_l = P^{-1}(\eta_l, k_{1/2}/S_l),\quad "
                r"T = \frac{\log(1 - \lambda_l S_l^2/M)}{\log(1 - d_t^2/R^2)},\quad "
                r"\textstyle\sum_n q(n)\,\gamma_{\mathrm{ER}}(k_{1/2})^n = \tfrac12")
def b8(profile: str) -> list[Evidence]:
    ev = []

    def symbolic():
        R, dt, S, eta = sp.symbols("R d_t S eta", positive=True)
        Te = dsk.emergence_T(R, dt, S, eta)
        back = sp.simplify(dsk.expected_support(R, Te, dt, S) - eta) == 0
        lim = dsk.emergence_T_large_R(eta, S, dt)
        ok = back and sp.simplify(lim - 2 * eta * S**2 / dt**2) == 0
        return ok, {"T_emergence": str(Te), "large_R_limit": str(lim), "substitutes_back": back}

    ev.append(timed("symbolic", "E[X_l] = m solved exactly for T (used with m = eta_l by the paper and "
                    "m = lambda_l here) and its large-R limit 2 m S^2/d_t^2", symbolic))

    tab, info = _emergence(profile)

    def refined():
        offs = [(r["level"], r["offset_refined_grid_steps"], r["support_at_midpoint"]) for r in tab]
        ok = all(o is not None and abs(o) <= 1 for _, o, _ in offs)
        return ok, {"max_abs_offset_grid_steps": max(abs(o) for _, o, _ in offs if o is not None),
                    "support_at_midpoint_by_level": {l: round(lam, 4) for l, _, lam in offs[::11] + offs[-1:]},
                    "formula": "E[X_l] = lam_l with S_l P(eta_l, lam_l) = k_1/2 (inverse regularised "
                               "incomplete gamma), k_1/2 = 2.2319 where sum_n q(n) gamma(k)^n = 1/2; "
                               "T from the same closed form as E[X_l] = eta_l with eta_l -> lam_l", **info}

    ev.append(timed("numeric", "derived location S_l P(X_l >= eta_l) = k_1/2 (Poisson limit, inverse "
                    "incomplete gamma) is within one grid step of the located 50% point for every level",
                    refined))

    def not_paper():
        within, details = _paper_location(profile)
        return not within, details

    ev.append(timed("numeric", "the paper's location E[X_l] = eta_l misses the located 50% point by more "
                    "than one grid step at some levels (claim B5)", not_paper))

    def narrow():
        widths = [r["width_decades_N"] for r in tab]
        ok = all(w is not None and w < 0.5 for w in widths)
        return ok, {"max_width_decades_N": max(w for w in widths if w is not None),
                    "median_width": float(np.median([w for w in widths if w is not None])),
                    "criterion": "10%-90% rise of sum_n q(n) gamma_l^n within 0.5 decade of N* = 2e5 R*",
                    **info}

    ev.append(timed("numeric", "emergence is sharp: each level's task accuracy rises from 10% to 90% within "
                    "half a decade of N* along the compute path (paper settings, no prerequisites)", narrow))

    def simulated():
        from ..skills import simulate_skill_level

        trials = 8 if profile == "quick" else 40
        Ts = [150, 300, 600, 1200]
        conf = _conf(len(Ts))
        rows = []
        for i, Tv in enumerate(Ts):
            r = simulate_skill_level(2000, Tv, 6, 100, 3, trials, seed=601 + i, confidence=conf)
            rows.append({"T": Tv, "gamma": r["gamma"]["estimate"], "ci": r["gamma"]["ci"],
                         "gamma_theory": r["gamma_theory"], "k": 100 * r["edge_density_theory"],
                         "seed": 601 + i})
        # compare where the ER limit applies (k >= 2: away from the S^(-1/3) critical window)
        checked = [rw for rw in rows if rw["k"] >= 2]
        # allowance 1/S: the largest-component fraction of S vertices moves in steps of 1/S
        ok = all(rw["ci"][0] - 1 / 100 <= rw["gamma_theory"] <= rw["ci"][1] + 1 / 100 for rw in checked)
        ok &= rows[0]["gamma"] < 0.1 and rows[-1]["gamma"] > 0.9
        return ok, {"R": 2000, "S": 100, "eta": 3, "trials": trials, "confidence": conf, "points": rows,
                    "note": "jump from gamma < 0.1 to > 0.9 within a factor 8 in T; CI checks where k >= 2, "
                            "with a 1/S granularity allowance"}

    ev.append(timed("simulated", "sampled skill graphs at reduced size (R = 2000, S = 100, eta = 3): the "
                    "giant jumps from ~0 to ~1 and matches the ER prediction where k >= 2", simulated))
    return ev


@register("B6", r"\text{plateaus at } \sum_{j\le i} w_j,\ i = 1..m-1")
def b6(profile: str) -> list[Evidence]:
    from ..skills import SkillSettings, accuracy_curve, find_plateaus

    ev = []

    def symbolic():
        w = [c[0] for c in dsk.PAPER["multimodal"]]
        h = dsk.plateau_heights(w)
        return h == [sp.Rational(2, 5), sp.Rational(4, 5)], {"weights": [str(v) for v in w],
                                                              "heights": [str(v) for v in h]}

    ev.append(timed("symbolic", "plateau heights are the cumulative mixture weights 2/5, 4/5 "
                    "(m - 1 = 2 plateaus for m = 3 modes)", symbolic))
    R, T, info = _path(profile)
    FLAT = 1e-3

    def numeric():
        rows, ok = {}, True
        for pre in ("fixed", "hierarchical"):
            multi = accuracy_curve(R, T, SkillSettings(levels="multimodal", prerequisite=pre))["accuracy"]
            uni = accuracy_curve(R, T, SkillSettings(levels="unimodal", prerequisite=pre))["accuracy"]
            pm = find_plateaus(C_GRID, multi)
            pu = find_plateaus(C_GRID, uni)
            flat_m = [p for p in pm if p["slope"] < FLAT]
            flat_u = [p for p in pu if p["slope"] < FLAT]
            heights = [p["height"] for p in flat_m]
            good = (len(flat_m) == 2 and abs(heights[0] - 0.4) < 1e-3 and abs(heights[1] - 0.8) < 1e-3
                    and len(flat_u) == 0 and bool(np.all(np.diff(uni) >= -1e-12)))
            ok &= good
            rows[pre] = {"multimodal_plateaus": flat_m, "unimodal_plateaus": flat_u,
                         "non_flat_shoulders": [p for p in pm if p["slope"] >= FLAT],
                         "unimodal_monotone": bool(np.all(np.diff(uni) >= -1e-12)),
                         "final_accuracy": [float(multi[-1]), float(uni[-1])]}
        return ok, {"by_prerequisite": rows, "plateau_definition":
                    f"interior local minimum of dAcc/dlog10 C' below {FLAT} per decade", **info}

    ev.append(timed("numeric", "paper settings: the multimodal accuracy has exactly 2 plateaus, at 0.4 and "
                    "0.8 within 1e-3; the unimodal one rises once with none", numeric))
    return ev


@register("B7", r"p_l = P(X_l \ge \eta_l)\,\gamma_{l-1}^{2\sigma_l}")
def b7(profile: str) -> list[Evidence]:
    from ..skills import SkillSettings, emergence_table

    R, T, info = _path(profile)
    step = float(np.diff(np.log10(C_GRID))[0])
    tol = 0.01 * step  # interpolation tolerance: 1% of a grid step
    meaningful = 0.1 * step  # a delay counts when it exceeds 10% of a grid step

    def compare():
        flat = emergence_table(C_GRID, R, T, SkillSettings(prerequisite="none"))
        hier = emergence_table(C_GRID, R, T, SkillSettings(prerequisite="hierarchical"))
        delays, sharpen, affected = {}, {}, []
        ok = True
        for a, b in zip(flat, hier, strict=True):
            l = a["level"]
            d = b["log10_C_50"] - a["log10_C_50"]
            w = b["width_decades_N"] - a["width_decades_N"]
            ok &= d >= -tol and w <= tol
            if d > meaningful:
                affected.append(l)
            delays[l], sharpen[l] = d, w
        ok &= len(affected) > 0 and all(sharpen[l] < 0 for l in affected)
        return ok, {"levels_delayed": affected, "max_delay_decades_C": max(delays.values()),
                    "max_narrowing_decades_N": -min(sharpen.values()),
                    "tolerance_decades": tol, "delay_counted_above_decades": meaningful, "sample": {l: [round(delays[l], 4), round(sharpen[l], 4)]
                                                         for l in (2, 5, 12, 20, 30, 40, 60, 100)},
                    **info}

    res = timed("numeric", "hierarchical prerequisites (level l-1) versus none: no level emerges earlier "
                "or more gradually, and every delayed level also emerges more sharply", compare)
    delayed = res.details.get("levels_delayed", [])
    if res.passed and delayed:
        res.caveat = (f"the effect is confined to levels {min(delayed)}-{max(delayed)} at the paper's settings; "
                      "higher levels emerge after their prerequisite has saturated (eta_l grows "
                      "geometrically), so for them the prerequisite changes nothing")
    ev = [res]

    def fixed():
        flat = emergence_table(C_GRID, R, T, SkillSettings(prerequisite="none"))
        fx = emergence_table(C_GRID, R, T, SkillSettings(prerequisite="fixed"))
        d = {a["level"]: b["log10_C_50"] - a["log10_C_50"] for a, b in zip(flat, fx, strict=True)}
        ok = all(v >= -tol for v in d.values()) and all(abs(d[l]) <= tol for l in range(1, 12))
        return ok, {"delay_by_level": {l: round(v, 4) for l, v in d.items() if abs(v) > tol},
                    "note": "the paper's fixed prerequisite (level 11) only delays levels 12+ that would "
                            "otherwise emerge before level 11 saturates"}

    ev.append(timed("numeric", "the paper's fixed prerequisite (level 11 for levels >= 12) never advances "
                    "emergence and leaves levels 1-11 unchanged", fixed))
    return ev
