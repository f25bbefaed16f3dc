"""The paper's figures and the project's validation figures (matplotlib, Agg backend).

Every figure is computed from the project's own APIs, never from stored or
made-up numbers, and its underlying numbers are written as CSV beside the
image (same stem, ``.csv``).  Files are written atomically.  A figure whose
upstream API is not available is *skipped* with the reason.

Figures
-------
``compute_optimal``
    N* = varsigma R* and D* = tau T* against C = 6 N D along the global
    compute-optimal path of MODEL.md 4 (d_t = 6, eps = 0.5, C' = 1e2..1e20,
    200 points), the large-C asymptotes N = varsigma sqrt(C'/kappa*),
    D = tau sqrt(C' kappa*), Chinchilla (70B, 1.4T at 5.76e23 FLOPs), and the
    Hoffmann-form frontier N_opt = G (C/6)^a of the Epoch AI refit.
``excess_entropy``
    The Pinsker lower bound P_e^2/2 on the excess entropy along the path
    against N*, beside the excess loss A/N^alpha + B/D^beta of the three
    Chinchilla constant sets (MODEL.md 1.6 and 5).
``emergence``
    Unimodal skill levels: the task accuracy of single levels (sharp jumps)
    and the total accuracy (one smooth rise) against N*, with the level
    distribution q(l) (MODEL.md 2.3).
``plateaus``
    Multimodal skill levels: the accuracy against N* with the plateau heights
    predicted by the cumulative mixture weights, and q(l).
``finite_length``
    Validation: simulated block failure of the (3,6)-regular ensemble
    (peeling decoder, Clopper-Pearson intervals) against the AMRU law with
    and without the beta shift, n = 1024..8192.
``giant``
    Validation: simulated giant fraction of G(n, c/n) (t intervals) against
    S(c) = 1 + W_0(-c e^{-c})/c, and of the 3-regular / projection laws.
``de_curves``
    Validation: DE fixed-point curves eps(x) of several ensembles with their
    BP thresholds marked (tangency, stability limit, jump; none when eps(x)
    is monotone).

Examples
--------
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     out = make_figures(d, only=["de_curves"], quick=True)
>>> sorted(out["figures"]), out["skipped"]
(['de_curves'], {})
"""

from __future__ import annotations

import csv
import io
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import mpmath as mp
import numpy as np

from .io import atomic_write, check_output_dir, staged_dir

__all__ = ["FIGURES", "FORMATS", "FigureData", "make_figures", "figure_data", "write_csv_text"]

FORMATS = ("png", "svg", "pdf")

#: Paper calibration (MODEL.md 1.5 / 4).
VARSIGMA, TAU, DT, EPS = 2e5, 8e5, 6, 0.5
CHINCHILLA = {"N": 70e9, "D": 1.4e12, "C": 5.76e23}


@dataclass
class FigureData:
    """The numbers of one figure (long CSV format) and the matplotlib figure drawn from them."""

    name: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    fig: object = None
    meta: dict = field(default_factory=dict)


def write_csv_text(columns, rows) -> str:
    """CSV text with full float precision (``repr``).

    Examples
    --------
    >>> write_csv_text(["a", "b"], [[1, 0.1], ["x,y", None]])
    'a,b\\r\\n1,0.1\\r\\n"x,y",\\r\\n'
    """
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(columns)
    for r in rows:
        w.writerow(["" if v is None else (repr(float(v)) if isinstance(v, (float, np.floating)) else v)
                    for v in r])
    return buf.getvalue()


def _figure(nrows=1, ncols=1, size=(7.0, 4.8)):
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=110, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, axes


def _path(quick: bool):
    from .optimum import compute_optimal_path

    n = 60 if quick else 200
    cp = np.geomspace(1e2, 1e20, n)
    R, T = compute_optimal_path(DT, EPS, cp)
    return cp, np.asarray(R), np.asarray(T)


def _kappa_star() -> float:
    from .optimum import kappa_star_value

    with mp.workdps(30):
        return float(kappa_star_value(DT, 30))


# ------------------------------------------------------------------------------------
# paper figures
# ------------------------------------------------------------------------------------

def fig_compute_optimal(quick: bool = False, seed: int = 0) -> FigureData:
    from .chinchilla import frontier_table

    cp, R, T = _path(quick)
    ks = _kappa_star()
    C = 6 * VARSIGMA * TAU * cp
    N, D = VARSIGMA * R, TAU * T
    Na, Da = VARSIGMA * np.sqrt(cp / ks), TAU * np.sqrt(cp * ks)
    ft = frontier_table(12)
    ep = ft["epoch"]
    a, b, G = float(ep["a"]), float(ep["b"]), float(ep["G"])
    Nh, Dh = G * (C / 6) ** a, (C / 6) ** b / G
    fd = FigureData("compute_optimal", "Compute-optimal N* and D* vs C",
                    ["C_prime", "C", "N_star", "D_star", "N_asymptote", "D_asymptote", "N_epoch_frontier",
                     "D_epoch_frontier"])
    fd.rows = [[cp[i], C[i], N[i], D[i], Na[i], Da[i], Nh[i], Dh[i]] for i in range(len(cp))]
    fig, ax = _figure()
    ax = ax[0][0]
    ax.loglog(C, N, color="C0", lw=2, label=r"$N^* = \varsigma R^*$ (this model)")
    ax.loglog(C, D, color="C1", lw=2, label=r"$D^* = \tau T^*$ (this model)")
    ax.loglog(C, Na, color="C0", ls=":", lw=1.2, label=r"asymptote $\varsigma\sqrt{C'/\kappa^*}$")
    ax.loglog(C, Da, color="C1", ls=":", lw=1.2, label=r"asymptote $\tau\sqrt{C'\kappa^*}$")
    ax.loglog(C, Nh, color="0.5", ls="--", lw=1, label=f"Epoch refit frontier $N_{{opt}}$ (a = {a:.3f})")
    ax.loglog(C, Dh, color="0.5", ls="-.", lw=1, label=f"Epoch refit frontier $D_{{opt}}$ (b = {b:.3f})")
    ax.plot([CHINCHILLA["C"]], [CHINCHILLA["N"]], "o", color="C0", ms=8, mec="k", label="Chinchilla N = 70B")
    ax.plot([CHINCHILLA["C"]], [CHINCHILLA["D"]], "s", color="C1", ms=8, mec="k", label="Chinchilla D = 1.4T")
    ax.set_xlabel("training compute C = 6ND (FLOPs)")
    ax.set_ylabel("parameters N* / tokens D*")
    ax.set_title(rf"Compute-optimal sizes ($d_t$ = {DT}, $\varepsilon$ = {EPS}, $\varsigma$ = 2e5, $\tau$ = 8e5)",
                 fontsize=10)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=7.5, loc="upper left")
    fd.fig = fig
    fd.meta = {"kappa_star": ks, "points": len(cp)}
    return fd


def _path_deltas(cp, R):
    from .optimum import objective

    out = []
    with mp.workdps(20):
        for c, r in zip(cp, R):
            d = objective(float(r), float(c), DT, EPS, details=True)
            out.append(float(d["delta"]) if d.get("delta") is not None else float(1 - d["value"] / r))
    return np.asarray(out)


def fig_excess_entropy(quick: bool = False, seed: int = 0) -> FigureData:
    import sympy as sp
    from infoscaling.derivations import chinchilla as dch

    cp, R, T = _path(quick)
    keep = cp >= 1e6
    cp, R, T = cp[keep], R[keep], T[keep]
    delta = _path_deltas(cp, R)
    p = DT / R
    with np.errstate(all="ignore"):
        pe = -np.expm1(R * np.log1p(-p * delta)) - R * p * delta * np.exp((R - 1) * np.log1p(-p * delta))
    bound = pe**2 / 2
    N, D = VARSIGMA * R, TAU * T
    fits = {}
    for name, cs in dch.CONSTANT_SETS.items():
        A, B = float(sp.N(cs["A"])), float(sp.N(cs["B"]))
        al, be = float(cs["alpha"]), float(cs["beta"])
        fits[name] = A / N**al + B / D**be
    slope = float(np.polyfit(np.log(N), np.log(bound), 1)[0])
    fd = FigureData("excess_entropy", "Excess-entropy bound vs N*",
                    ["C_prime", "N_star", "D_star", "delta", "P_e", "bound_half_Pe2",
                     "excess_printed", "excess_unrounded", "excess_epoch"])
    fd.rows = [[cp[i], N[i], D[i], delta[i], pe[i], bound[i], fits["printed"][i], fits["unrounded"][i],
                fits["epoch"][i]] for i in range(len(cp))]
    fig, ax = _figure()
    ax = ax[0][0]
    ax.loglog(N, bound, color="C3", lw=2, label=rf"lower bound $P_e^2/2$ (fitted slope {slope:.2f})")
    styles = {"printed": ("C0", "--"), "unrounded": ("C2", ":"), "epoch": ("C4", "-.")}
    labels = {"printed": "Hoffmann et al. (printed)", "unrounded": "Hoffmann et al. (unrounded)",
              "epoch": "Epoch AI refit"}
    for name, y in fits.items():
        c, ls = styles[name]
        ax.loglog(N, y, color=c, ls=ls, lw=1.5, label=rf"{labels[name]}: $A/N^\alpha + B/D^\beta$")
    ax.set_xlabel("compute-optimal parameters N*")
    ax.set_ylabel("excess loss (nats per token)")
    ax.set_title("Excess-entropy lower bound along the compute-optimal path vs Chinchilla fits", fontsize=10)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8)
    fd.fig = fig
    fd.meta = {"slope": slope}
    return fd


def _skills_curves(levels: str, quick: bool):
    from . import skills

    cp, R, T = _path(quick)
    st = skills.SkillSettings(levels=levels)
    ac = skills.accuracy_curve(R, T, st)
    return cp, R, T, st, ac


def fig_emergence(quick: bool = False, seed: int = 0) -> FigureData:
    cp, R, T, st, ac = _skills_curves("unimodal", quick)
    N = VARSIGMA * R
    show = [20, 40, 50, 60, 80]
    fd = FigureData("emergence", "Emergence with a unimodal skill-level distribution",
                    ["series", "level", "C_prime", "N_star", "value"])
    for i in range(len(cp)):
        fd.rows.append(["accuracy", "", cp[i], N[i], ac["accuracy"][i]])
        for l in show:
            fd.rows.append(["level_task_accuracy", l, cp[i], N[i], ac["per_level"][l - 1][i]])
    for l in range(1, st.L + 1):
        fd.rows.append(["q_level", l, "", "", st.q_levels[l - 1]])
    fig, axes = _figure(1, 2, size=(10.0, 4.4))
    ax, bx = axes[0]
    for j, l in enumerate(show):
        ax.semilogx(N, ac["per_level"][l - 1], color=f"C{j}", lw=1.2, ls="--",
                    label=rf"tasks of level $l$ = {l} only ($\eta_l$ = {int(st.eta[l - 1])})")
    ax.semilogx(N, ac["accuracy"], color="k", lw=2.2, label="accuracy (unimodal $q(l)$)")
    ax.set_xlabel("compute-optimal parameters N*")
    ax.set_ylabel(r"accuracy  $\sum_n q(n)\,\gamma_l^n$")
    ax.set_ylim(-0.03, 1.03)
    ax.set_title("Emergence: single levels jump, total accuracy rises once", fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
    bx.bar(np.arange(1, st.L + 1), st.q_levels, color="0.4", width=0.9)
    bx.set_xlabel("skill level $l$")
    bx.set_ylabel("$q(l)$")
    bx.set_title("skill-level distribution: Bin(100, 0.5)", fontsize=10)
    bx.grid(True, alpha=0.3)
    fd.fig = fig
    return fd


def fig_plateaus(quick: bool = False, seed: int = 0) -> FigureData:
    import sympy as sp
    from infoscaling.derivations import skills as dsk

    from . import skills

    cp, R, T, st, ac = _skills_curves("multimodal", quick)
    N = VARSIGMA * R
    heights = [float(h) for h in dsk.plateau_heights([w for w, _ in dsk.PAPER["multimodal"]])]
    found = skills.find_plateaus(cp, ac["accuracy"])
    fd = FigureData("plateaus", "Plateaus with a multimodal skill-level distribution",
                    ["series", "level", "C_prime", "N_star", "value"])
    for i in range(len(cp)):
        fd.rows.append(["accuracy", "", cp[i], N[i], ac["accuracy"][i]])
    for h in heights:
        fd.rows.append(["predicted_plateau", "", "", "", h])
    for l in range(1, st.L + 1):
        fd.rows.append(["q_level", l, "", "", st.q_levels[l - 1]])
    fig, axes = _figure(1, 2, size=(10.0, 4.4))
    ax, bx = axes[0]
    ax.semilogx(N, ac["accuracy"], color="k", lw=2.2, label="accuracy (multimodal $q(l)$)")
    for j, h in enumerate(heights):
        ax.axhline(h, color="C3", ls="--", lw=1, label="predicted plateaus (cumulative weights)" if j == 0 else None)
        ax.text(N[0], h + 0.015, f"{h:g}", color="C3", fontsize=8)
    first = True
    for p in found:
        if 0.05 < p["height"] < 0.95:
            ax.plot([VARSIGMA * np.interp(p["log10_C"], np.log10(cp), R)], [p["height"]], "o", color="C0", ms=5,
                    label="slope minima found on the curve" if first else None)
            first = False
    ax.set_xlabel("compute-optimal parameters N*")
    ax.set_ylabel("accuracy")
    ax.set_ylim(-0.03, 1.03)
    ax.set_title("Plateaus at the cumulative mixture weights", fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    bx.bar(np.arange(1, st.L + 1), st.q_levels, color="0.4", width=0.9)
    comps = ", ".join(f"{float(w):g} Bin(100, {float(p):g})" for w, p in dsk.PAPER["multimodal"])
    bx.set_xlabel("skill level $l$")
    bx.set_ylabel("$q(l)$")
    bx.set_title(f"skill-level distribution:\n{comps}", fontsize=9)
    bx.grid(True, alpha=0.3)
    fd.fig = fig
    fd.meta = {"predicted_heights": heights, "found_plateaus": found, "weights": [str(sp.nsimplify(w))
                                                                               for w, _ in dsk.PAPER["multimodal"]]}
    return fd


# ------------------------------------------------------------------------------------
# validation figures
# ------------------------------------------------------------------------------------

def fig_finite_length(quick: bool = False, seed: int = 2026) -> FigureData:
    from infoscaling.derivations.ensemble import parse_ensemble

    from .amru import block_failure_law, scaling_params
    from .finite_length import regular_campaign
    from .reference import block_failure as reference_block_failure

    ns = (1024, 4096) if quick else (1024, 2048, 4096, 8192)
    ks = (-1.5, -0.75, 0.0, 0.75, 1.5) if quick else (-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0)
    trials = 150 if quick else 1000
    rows = regular_campaign(ns=ns, ks=ks, trials=trials, seed=seed, workers=1)
    p = scaling_params(parse_ensemble("regular:3/regular:6"), 15)
    es, al, bo = float(p.threshold.value), float(p.alpha.value), float(p.beta_over_omega.value)
    fd = FigureData("finite_length", "Simulated vs predicted block failure, (3,6)-regular",
                    ["series", "n", "eps", "P_B", "ci_lo", "ci_hi", "trials", "seed"])
    fig, ax = _figure()
    ax = ax[0][0]
    for j, n in enumerate(ns):
        sel = [r for r in rows if r["n"] == n]
        e = np.array([r["eps"] for r in sel])
        y = np.array([r["sim"]["estimate"] for r in sel])
        lo = np.array([r["sim"]["ci"][0] for r in sel])
        hi = np.array([r["sim"]["ci"][1] for r in sel])
        ax.errorbar(e, y, yerr=[y - lo, hi - y], fmt="o", color=f"C{j}", ms=4, capsize=2,
                    label=f"simulated n = {n} ({trials} graphs/point)")
        grid = np.linspace(e.min() - 0.005, e.max() + 0.005, 120)
        with mp.workdps(20):
            law = [float(block_failure_law(n, g, es, al, bo)) for g in grid]
            law0 = [reference_block_failure(n, g, es, al) for g in grid]
        ax.plot(grid, law, color=f"C{j}", lw=1.5)
        ax.plot(grid, law0, color=f"C{j}", lw=1, ls=":")
        for r in sel:
            fd.rows.append(["simulated", n, r["eps"], r["sim"]["estimate"], r["sim"]["ci"][0], r["sim"]["ci"][1],
                            r["trials"], r["seed"]])
        for g, v, v0 in zip(grid, law, law0):
            fd.rows.append(["law_shift", n, g, v, "", "", "", ""])
            fd.rows.append(["law_noshift", n, g, v0, "", "", "", ""])
    ax.axvline(es, color="0.3", lw=0.8, ls="--")
    ax.text(es, 0.02, r" $\varepsilon^*$", color="0.3")
    ax.plot([], [], color="0.3", lw=1.5, label=r"law $Q(\sqrt{n}(\varepsilon^*-\beta n^{-2/3}-\varepsilon)/\alpha)$")
    ax.plot([], [], color="0.3", lw=1, ls=":", label=r"law without the $\beta$ shift")
    ax.set_xlabel(r"erasure probability $\varepsilon$")
    ax.set_ylabel("block failure probability $P_B$")
    ax.set_title(rf"Finite-length scaling, (3,6)-regular: $\alpha$ = {al:.4f}, $\beta/\Omega$ = {bo:.4f} "
                 r"($\Omega$ = 1)", fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7.5, loc="upper left")
    fd.fig = fig
    fd.meta = {"seed": seed, "trials": trials}
    return fd


def fig_giant(quick: bool = False, seed: int = 2027) -> FigureData:
    from .giant import erdos_renyi_S, giant
    from .graphsim import simulate_giant
    from .rng import seed_int, spawn_seeds

    n = 20_000 if quick else 200_000
    trials = 5 if quick else 20
    cs = [0.5, 0.8, 1.2, 1.5, 2.0, 2.5, 3.0] if quick else [0.4, 0.6, 0.8, 0.9, 1.1, 1.2, 1.4, 1.6, 1.8, 2.0,
                                                             2.5, 3.0, 3.5]
    extra = ["regular:3", "projection:poisson:2/poisson:1", "geometric:1/2"]
    seeds = spawn_seeds(seed, len(cs) + len(extra))
    fd = FigureData("giant", "Simulated vs predicted giant component",
                    ["series", "law", "c", "S", "ci_lo", "ci_hi", "n", "trials", "seed"])
    grid = np.linspace(0.0, max(cs) + 0.2, 200)
    with mp.workdps(20):
        theory = [float(erdos_renyi_S(c)) if c > 0 else 0.0 for c in grid]
    for c, S in zip(grid, theory):
        fd.rows.append(["theory", "poisson", c, S, "", "", "", "", ""])
    sims = []
    for c, sq in zip(cs, seeds):
        r = simulate_giant(f"poisson:{c}", n, trials, seed=seed_int(sq), workers=1)
        sims.append((c, r))
        fd.rows.append(["simulated", "poisson", c, r["S"]["estimate"], r["S"]["ci"][0], r["S"]["ci"][1], n, trials,
                        r["seed"]])
    others = []
    for law, sq in zip(extra, seeds[len(cs):]):
        r = simulate_giant(law, n, trials, seed=seed_int(sq), workers=1)
        th = float(giant(law, 15).S.value)
        others.append((law, r, th))
        fd.rows.append(["simulated", law, "", r["S"]["estimate"], r["S"]["ci"][0], r["S"]["ci"][1], n, trials,
                        r["seed"]])
        fd.rows.append(["theory", law, "", th, "", "", "", "", ""])
    fig, axes = _figure(1, 2, size=(10.0, 4.4))
    ax, bx = axes[0]
    ax.plot(grid, theory, color="k", lw=1.8, label=r"$S(c) = 1 + W_0(-c e^{-c})/c$")
    y = np.array([r["S"]["estimate"] for _, r in sims])
    lo = np.array([r["S"]["ci"][0] for _, r in sims])
    hi = np.array([r["S"]["ci"][1] for _, r in sims])
    ax.errorbar(cs, y, yerr=[y - lo, hi - y], fmt="o", color="C3", ms=5, capsize=3,
                label=f"simulated G(n, c/n), n = {n:,}, {trials} graphs")
    ax.set_xlabel("mean degree $c$")
    ax.set_ylabel("giant-component fraction $S$")
    ax.set_title("Erdos-Renyi giant component", fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    xs = np.arange(len(others))
    bx.bar(xs - 0.18, [t for _, _, t in others], width=0.36, color="0.6", label="theory $1 - G_0(u)$")
    ys = np.array([r["S"]["estimate"] for _, r, _ in others])
    los = np.array([r["S"]["ci"][0] for _, r, _ in others])
    his = np.array([r["S"]["ci"][1] for _, r, _ in others])
    bx.bar(xs + 0.18, ys, width=0.36, color="C3", alpha=0.8, yerr=[ys - los, his - ys], capsize=3,
           label="simulated (configuration model)")
    bx.set_xticks(xs, [law for law, _, _ in others], fontsize=8)
    bx.set_ylabel("giant-component fraction $S$")
    bx.set_ylim(0, 1.1)
    bx.set_title("Other degree laws", fontsize=10)
    bx.legend(fontsize=8, loc="upper right")
    bx.grid(True, axis="y", alpha=0.3)
    fd.fig = fig
    fd.meta = {"seed": seed, "n": n, "trials": trials}
    return fd


DE_ENSEMBLES = (
    ("regular:3/regular:6", "(3,6)-regular: tangency"),
    ("regular:2/regular:6", "(2,6)-regular: stability limit"),
    ("poisson:30/poisson:12", "Poisson(30)/Poisson(12) (concept-text $\\kappa$=5): jump"),
    ("poisson:2.4/poisson:12", "Poisson(2.4)/Poisson(12): monotone, no threshold"),
)


def fig_de_curves(quick: bool = False, seed: int = 0) -> FigureData:
    from infoscaling.derivations.ensemble import parse_ensemble

    from .evaluate import compile_ensemble
    from .thresholds import bp_threshold

    xs = np.unique(np.concatenate([np.geomspace(1e-16, 1, 160 if quick else 480),
                                   np.linspace(0.002, 1, 150 if quick else 500)]))
    fd = FigureData("de_curves", "DE fixed-point curves with thresholds",
                    ["series", "ensemble", "x", "eps_of_x", "threshold", "limited_by"])
    fig, axes = _figure(1, 2, size=(11.0, 4.6))
    ax, bx = axes[0]
    marks = {}
    for j, (spec, label) in enumerate(DE_ENSEMBLES):
        ens = parse_ensemble(spec)
        ce = compile_ensemble(ens)
        with mp.workdps(30):
            ys = np.array([float(ce.eps_of_x(mp.mpf(float(x)))) for x in xs])
        th = bp_threshold(ens, 15)
        for x, y in zip(xs, ys):
            fd.rows.append(["curve", spec, x, y, "", ""])
        tv = None if th.value is None else float(th.value)
        fd.rows.append(["threshold", spec, None if th.x is None else float(th.x), tv, tv, th.limited_by])
        marks[spec] = tv
        lin = xs >= 0.002
        ax.plot(xs[lin], ys[lin], color=f"C{j}", lw=1.8, label=label)
        bx.semilogx(xs, ys, color=f"C{j}", lw=1.8)
        if tv is not None:
            xm = float(th.x) if th.x is not None else 0.0
            for axis, xpos in ((ax, xm), (bx, xm if xm > 0 else xs[0])):
                axis.plot([xpos], [tv], "o" if th.limited_by == "tangency" else "<", color=f"C{j}", ms=8, mec="k",
                          zorder=5)
                axis.axhline(tv, color=f"C{j}", lw=0.8, ls=":")
            ax.annotate(rf"$\varepsilon_{{BP}}$ = {tv:.4f} ({th.limited_by})", (xm, tv), textcoords="offset points",
                        xytext=(8, -14), fontsize=8, color=f"C{j}")
    ax.set_xlabel("variable-to-check erasure probability $x$")
    ax.set_ylabel(r"$\varepsilon(x) = x / \lambda(1-\rho(1-x))$")
    ax.set_ylim(0, 1.0)
    ax.set_xlim(0, 1)
    ax.set_title("Fixed-point curves of DE; markers: BP thresholds", fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    bx.set_xlabel("$x$ (log scale)")
    bx.set_ylabel(r"$\varepsilon(x)$")
    bx.set_ylim(0, 1.0)
    bx.set_xlim(xs[0], 1)
    bx.set_title("Same curves near x = 0: error-floor branch of the Poisson pairs", fontsize=10)
    bx.grid(True, which="major", alpha=0.3)
    fd.fig = fig
    fd.meta = marks
    return fd


#: name -> builder(quick, seed) -> FigureData
FIGURES: dict[str, Callable[..., FigureData]] = {
    "compute_optimal": fig_compute_optimal,
    "excess_entropy": fig_excess_entropy,
    "emergence": fig_emergence,
    "plateaus": fig_plateaus,
    "finite_length": fig_finite_length,
    "giant": fig_giant,
    "de_curves": fig_de_curves,
}

import functools  # noqa: E402

from .figures_beyond import BEYOND_FIGURES  # noqa: E402 - issue 10 figures (curriculum, data mix)

FIGURES.update({name: functools.partial(build, FigureData, _figure) for name, build in BEYOND_FIGURES.items()})


def figure_data(name: str, quick: bool = False, seed: int | None = None) -> FigureData:
    """Compute one figure (data and matplotlib figure) without writing files."""
    if name not in FIGURES:
        raise ValueError(f"--only: unknown figure {name!r}; known: {', '.join(FIGURES)}")
    kw = {"quick": quick}
    if seed is not None:
        kw["seed"] = seed
    return FIGURES[name](**kw)


def make_figures(output_dir, fmt: str = "png", only=None, quick: bool = False, seed: int | None = None) -> dict:
    """Compute and write the figures (image + CSV per figure, atomically).

    Parameters
    ----------
    output_dir : path
        Folder: an existing writable one or a new name in one (checked before any work,
        :func:`~infoscaling.numeric.io.check_output_dir`).  The figures are written into a
        staging folder beside it and moved into place when all are finished, so a failed or
        killed run leaves no figures behind.
    fmt : {"png", "svg", "pdf"}
    only : list of str, optional
        Names from :data:`FIGURES`.
    quick : bool
        Smaller simulations and coarser grids (for tests and previews).
    seed : int, optional
        Root seed of the simulated figures (each has a fixed default).

    Returns
    -------
    dict
        ``figures``: ``{name: {image, csv, rows, seconds, title, meta}}``;
        ``skipped``: ``{name: reason}`` for figures whose upstream API is missing.
    """
    if fmt not in FORMATS:
        raise ValueError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    names = list(FIGURES) if not only else list(only)
    unknown = [n for n in names if n not in FIGURES]
    if unknown:
        raise ValueError(f"--only: unknown figure(s) {', '.join(unknown)}; known: {', '.join(FIGURES)}")
    out_dir = check_output_dir(output_dir, "--output-dir")  # before any work
    done, skipped = {}, {}
    with staged_dir(out_dir) as stage:  # the finished set is moved into place at the end
        for name in names:
            t0 = time.perf_counter()
            try:
                fd = figure_data(name, quick, seed)
            except ImportError as exc:  # an upstream module or function not delivered yet
                skipped[name] = f"upstream API not available: {exc}"
                continue
            buf = io.BytesIO()
            meta = {"pdf": {"CreationDate": None}, "svg": {"Date": None}, "png": {}}[fmt]
            fd.fig.savefig(buf, format=fmt, metadata=meta)
            atomic_write(stage / f"{name}.{fmt}", buf.getvalue())
            atomic_write(stage / f"{name}.csv", write_csv_text(fd.columns, fd.rows))
            done[name] = {"image": str(out_dir / f"{name}.{fmt}"), "csv": str(out_dir / f"{name}.csv"),
                          "rows": len(fd.rows), "title": fd.title,
                          "seconds": round(time.perf_counter() - t0, 3), "meta": _jsonable(fd.meta)}
    return {"figures": done, "skipped": skipped, "output_dir": str(out_dir), "format": fmt, "quick": quick}


def _jsonable(obj):
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (np.floating, float)):
        return float(obj) if math.isfinite(float(obj)) else None
    if isinstance(obj, np.integer):
        return int(obj)
    return obj
