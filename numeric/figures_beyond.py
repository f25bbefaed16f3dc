"""Figures of issue 10 (curriculum and data mix), registered in :data:`numeric.figures.FIGURES`.

* ``coupled_wave``: the coupled DE profile of a (3,6) chain as a travelling
  learning wave (profiles at several iterations);
* ``coupled_thresholds``: certified coupled thresholds vs L for several w,
  approaching the MAP line (brackets as error bars);
* ``designed_lambda``: concept-frequency laws found by the LP next to the Zipf
  law 1/(k(k-1)) of the heavy-tail family (the LP follows it at degrees 2-3 and
  then puts its remaining mass on a few high degrees);
* ``tokens_per_parameter``: kappa and tokens per parameter under each intervention
  against the floor kappa = 1.

Each builder takes ``(FigureData, figure_factory, quick, seed)`` and returns a
:class:`numeric.figures.FigureData` (long-format CSV rows and the matplotlib
figure); output handling is :mod:`numeric.figures`'.
"""

from __future__ import annotations

import numpy as np

# numeric.figures registers these builders and passes them its FigureData class and
# its figure factory (``make``, ``figure``), so this module never imports it (no cycle).

__all__ = ["BEYOND_FIGURES", "fig_coupled_wave", "fig_coupled_thresholds", "fig_designed_lambda",
           "fig_tokens_per_parameter"]

R36 = "regular:3/regular:6"


def fig_coupled_wave(FigureData, _figure, quick: bool = False, seed: int = 0):
    from .coupled import coupled_iterate

    L, w, eps = 32, 3, 0.47
    snaps = (0, 50, 150, 300, 450, 600) if not quick else (0, 100, 300, 500)
    _, prof = coupled_iterate(R36, eps, L, w, max(snaps), snapshots=snaps)
    fd = FigureData("coupled_wave", "Coupled DE profile: the learning wave",
                    ["iteration", "position", "x"])
    fig, axes = _figure(1, 1)
    ax = axes[0][0]
    pos = np.arange(-L, L + 1)
    for j, t in enumerate(sorted(prof)):
        for p, v in zip(pos, prof[t]):
            fd.rows.append([t, int(p), float(v)])
        ax.plot(pos, prof[t], color=f"C{j}", lw=1.6, label=f"iteration {t}")
    ax.set_xlabel("position i in the chain")
    ax.set_ylabel("erasure probability $x_i$")
    ax.set_title(rf"(3,6) chain, L = {L}, w = {w}, $\varepsilon$ = {eps}: learning starts at the known ends "
                 "and travels inward", fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fd.fig = fig
    fd.meta = {"L": L, "w": w, "eps": eps}
    return fd


def fig_coupled_thresholds(FigureData, _figure, quick: bool = False, seed: int = 0):
    from infoscaling.derivations.ensemble import parse_ensemble

    from .coupled import coupled_threshold
    from .thresholds import bp_threshold, map_threshold

    Ls = (1, 2, 4, 8) if quick else (1, 2, 4, 8, 16, 32)
    ws = (2, 3) if quick else (2, 3, 4)
    ens = parse_ensemble(R36)
    eps_map = float(map_threshold(ens, 15).value)
    eps_bp = float(bp_threshold(ens, 15).value)
    fd = FigureData("coupled_thresholds", "Coupled thresholds vs L", ["w", "L", "lo", "hi", "map", "bp"])
    fig, axes = _figure(1, 1)
    ax = axes[0][0]
    for j, w in enumerate(ws):
        xs, mids, errs = [], [], []
        for L in Ls:
            if w > 2 * L + 1:
                continue
            r = coupled_threshold(R36, L, w, dps=6, budget_work=1e8 if quick else 4e8)
            fd.rows.append([w, L, r.lo, r.hi, eps_map, eps_bp])
            xs.append(L)
            mids.append(r.mid)
            errs.append((r.hi - r.lo) / 2)
        ax.errorbar(xs, mids, yerr=errs, marker="o", color=f"C{j}", label=f"w = {w}", capsize=3)
    ax.axhline(eps_map, color="k", lw=1, ls="--", label=rf"MAP {eps_map:.5f}")
    ax.axhline(eps_bp, color="gray", lw=1, ls=":", label=rf"uncoupled BP {eps_bp:.5f}")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("chain half-length L (2L+1 positions)")
    ax.set_ylabel(r"coupled BP threshold $\varepsilon_{\mathrm{BP}}(L, w)$")
    ax.set_title("(3,6) chains: certified thresholds approach MAP from above", fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fd.fig = fig
    fd.meta = {"map": eps_map, "bp": eps_bp}
    return fd


def fig_designed_lambda(FigureData, _figure, quick: bool = False, seed: int = 0):
    from .design import design_u_form

    cases = ((4, 20),) if quick else ((4, 20), (6, 50))
    fd = FigureData("designed_lambda", "Designed concept-frequency laws vs Zipf",
                    ["series", "dt", "vmax", "degree", "concept_fraction"])
    fig, axes = _figure(1, 1)
    ax = axes[0][0]
    for j, (d, v) in enumerate(cases):
        r = design_u_form(d, v)
        nf = r.node_fractions()
        ks = sorted(nf)
        for k in ks:
            fd.rows.append(["lp", d, v, k, nf[k]])
        ax.plot(ks, [nf[k] for k in ks], "o", color=f"C{j}", ms=7,
                label=rf"LP, $d_t$ = {d}, vmax = {v}: $\kappa$ = {r.kappa:.4f}")
    k = np.arange(2, 61)
    zipf = 1 / (k * (k - 1.0))
    zipf /= zipf.sum()
    for kk, z in zip(k, zipf):
        fd.rows.append(["zipf", "", "", int(kk), float(z)])
    ax.plot(k, zipf, "-", color="k", lw=1, label=r"Zipf $\propto 1/(k(k-1))$ (heavy-tail family)")
    from matplotlib.ticker import NullFormatter

    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("texts a concept appears in (degree k)")
    ax.set_ylabel("fraction of concepts")
    ax.set_title("LP optimum: a Zipf-like head (degrees 2-3) plus spikes at high degree", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fd.fig = fig
    return fd


def fig_tokens_per_parameter(FigureData, _figure, quick: bool = False, seed: int = 0):
    from .interventions import INTERVENTIONS, intervention_optimum

    dts = (4, 6) if quick else (4, 6, 8)
    fd = FigureData("tokens_per_parameter", "Tokens per parameter under interventions",
                    ["dt", "intervention", "kappa", "tokens_per_parameter", "unlearned_fraction"])
    fig, axes = _figure(1, 1)
    ax = axes[0][0]
    width = 0.2
    for j, iv in enumerate(INTERVENTIONS):
        vals = []
        for d in dts:
            r = intervention_optimum(d, iv, dps=12, vmax=50)
            kap = None if r["kappa_star"] is None else float(r["kappa_star"])
            fd.rows.append([d, iv, kap, r["tokens_per_parameter"], r["unlearned_fraction"]])
            vals.append(np.nan if r["tokens_per_parameter"] is None else r["tokens_per_parameter"])
        ax.bar(np.arange(len(dts)) + (j - 1.5) * width, vals, width, color=f"C{j}", label=iv)
    ax.axhline(4.0, color="k", ls="--", lw=1, label=r"floor $\kappa$ = 1 (4 tokens/parameter)")
    ax.set_xticks(np.arange(len(dts)), [f"$d_t$ = {d}" for d in dts])
    ax.set_yscale("log")
    ax.set_ylabel("tokens per parameter at the compute optimum")
    ax.set_title("Curriculum, designed data mix, both, vs random texts (paper's calibration)", fontsize=10)
    ax.grid(True, axis="y", which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fd.fig = fig
    return fd


#: name -> builder(FigureData, figure_factory, quick, seed) -> FigureData
BEYOND_FIGURES = {
    "coupled_wave": fig_coupled_wave,
    "coupled_thresholds": fig_coupled_thresholds,
    "designed_lambda": fig_designed_lambda,
    "tokens_per_parameter": fig_tokens_per_parameter,
}
