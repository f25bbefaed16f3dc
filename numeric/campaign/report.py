"""``campaign report`` and ``campaign status``: what a store holds, and what it estimates.

The report recomputes every estimate from the stored per-trial rows with the
simulators' own summary code (:func:`numeric.peeling.summarize_trials`; for
giant points the Student-t means of ``simulate giant``), over the trials
``0 .. T-1`` stored contiguously for each point.  By the seed scheme of
:mod:`~infoscaling.numeric.campaign.seeds`, a point's row therefore equals
``simulate peeling SPEC --n N --eps E --trials T --seed P`` with ``P`` the
row's ``seed``.

``law_block_failure`` is the AMRU finite-length law with the beta shift
(MODEL.md 1.4; :func:`numeric.amru.block_failure_law` with the verified
:func:`numeric.amru.scaling_params` of the ensemble) for ensembles with a
tangency (interior) BP critical point; None, with ``law_note`` saying why,
where the law does not apply (no sharp threshold, a stability-limited
threshold, concept-text points).  Giant rows carry ``law_S``, the verified
large-n giant fraction of the law (:func:`numeric.giant.giant`).

The figure (``--figure FILE``, png/svg/pdf; matplotlib imported only then) is
the finite-length plot: for every peeling campaign, the simulated block
failure with its confidence intervals against eps, one colour per n, and the
law as a curve of the same colour.  Written atomically.
"""

from __future__ import annotations

import json

import numpy as np

from ..errors import input_error
from .store import Store

__all__ = ["campaign_report", "campaign_status", "law_for", "FIGURE_FORMATS"]

#: File suffixes accepted by ``--figure``.
FIGURE_FORMATS = ("png", "svg", "pdf")
_LAW_DPS = 15


def _law_params(spec: str, cache: dict):
    """``(params, note)``: verified scaling parameters of ``spec``, or None and why the law does not apply."""
    if spec in cache:
        return cache[spec]
    from infoscaling.derivations.ensemble import ConceptText, parse_ensemble

    from ..amru import scaling_params

    ens = parse_ensemble(spec)
    if isinstance(ens, ConceptText):
        out = (None, "concept-text points: the law is evaluated on the binomial ensemble by "
                     "numeric.finite_length.concept_text_waterfall, not here")
    else:
        try:
            out = (scaling_params(ens, dps=_LAW_DPS), None)
        except ValueError as exc:  # documented: no sharp / no tangency threshold
            out = (None, f"the finite-length law does not apply: {exc}")
    cache[spec] = out
    return out


def _giant_S(spec: str, cache: dict) -> float:
    """The n -> infinity giant fraction S of a degree law (verified, :func:`numeric.giant.giant`)."""
    key = ("giant", spec)
    if key not in cache:
        from ..giant import giant

        cache[key] = float(giant(spec, dps=_LAW_DPS).S.value)
    return cache[key]


def law_for(spec: str, n: int, eps: float, cache: dict | None = None):
    """``(law_block_failure or None, note or None)`` at one point (AMRU law with the shift)."""
    import mpmath as mp

    from ..amru import block_failure_law

    params, note = _law_params(spec, {} if cache is None else cache)
    if params is None:
        return None, note
    with mp.workdps(_LAW_DPS + 5):
        value = block_failure_law(n, mp.mpf(eps), params.threshold.value, params.alpha.value,
                                  params.beta_over_omega.value)
        return float(value), None


def _select(db: Store, spec: str | None, seed: int | None) -> list[dict]:
    camps = db.campaigns()
    if spec is not None:
        camps = [c for c in camps if c["spec"] == spec or c["spec"] == _canonical(spec, c["kind"])]
    if seed is not None:
        camps = [c for c in camps if c["seed"] == seed]
    return camps


def _canonical(spec: str, kind: str) -> str:
    try:
        if kind == "giant":
            from infoscaling.derivations.graphs import parse_law

            return parse_law(spec).spec()
        from infoscaling.derivations.ensemble import parse_ensemble

        return parse_ensemble(spec).spec()
    except ValueError:
        return spec


def campaign_status(store, spec: str | None = None, seed: int | None = None) -> dict:
    """``campaign status``: campaigns, points, chunks done and pending, trials per point.

    Returns
    -------
    dict
        ``store``, ``campaigns`` (each ``{kind, spec, seed, trials, points: [...],
        chunks_done, chunks_pending, trials_done, complete}``), ``points``
        (total), ``chunks_done``, ``chunks_pending``, ``complete``.
    """
    from .seeds import chunk_ranges

    with Store(store) as db:
        out = []
        for c in _select(db, spec, seed):
            rows, done_c, pend_c, done_t = [], 0, 0, 0
            for p in db.points(c["id"]):
                need = chunk_ranges(c["trials"], p.chunk)
                full = sum(1 for idx, lo, hi in need if p.chunks.get(idx, (0, 0))[1] >= hi - lo)
                trials = min(_contiguous(p), c["trials"])
                rows.append({"n": p.n, "eps": p.eps_value, "seed": p.point_seed, "chunk": p.chunk,
                             "trials": trials, "chunks_done": full, "chunks_pending": len(need) - full})
                done_c += full
                pend_c += len(need) - full
                done_t += trials
            out.append({"kind": c["kind"], "spec": c["spec"], "seed": c["seed"], "trials": c["trials"],
                        "grid": json.loads(c["grid"]), "created": c["created"], "points": rows,
                        "chunks_done": done_c, "chunks_pending": pend_c, "trials_done": done_t,
                        "complete": pend_c == 0})
    return {"store": str(store), "campaigns": out, "points": sum(len(c["points"]) for c in out),
            "chunks_done": sum(c["chunks_done"] for c in out),
            "chunks_pending": sum(c["chunks_pending"] for c in out),
            "complete": all(c["complete"] for c in out)}


def _contiguous(p) -> int:
    """Trials stored contiguously from trial 0."""
    t = 0
    for idx in sorted(p.chunks):
        start, count = p.chunks[idx]
        if start != t:
            break
        t += count
        if count < p.chunk:
            break
    return t


def campaign_report(store, confidence: float = 0.95, figure=None, spec: str | None = None,
                    seed: int | None = None) -> dict:
    """``campaign report``: one row per point with the estimates and the law.

    Parameters
    ----------
    store : str or Path
        An existing campaign store (opened for reading only).
    confidence : float
        Level of the intervals.
    figure : str or Path, optional
        Write the finite-length plot there (``.png``, ``.svg`` or ``.pdf``).
    spec, seed : optional
        Restrict to the campaigns of this ensemble/law and root seed.

    Returns
    -------
    dict
        ``store``, ``confidence``, ``points``: rows ``{kind, ensemble | law, n,
        eps, trials, target_trials, complete, seed, campaign_seed,
        block_failure, residual_erased_fraction, rounds, law_block_failure,
        law_note}`` for peeling (``S``, ``mean_component_size`` for giant),
        and ``figure`` (the path written, or None).
    """
    from .. import validate

    conf = validate.confidence(confidence)
    fig_path = _check_figure(figure)
    rows = []
    cache: dict = {}
    with Store(store) as db:
        for c in _select(db, spec, seed):
            for p in db.points(c["id"]):
                data = db.trial_rows(p, c["kind"], limit=c["trials"])
                rows.append(_row(c, p, data, conf, cache))
    written = None
    if fig_path is not None:
        written = str(_figure(rows, fig_path, cache))
    return {"store": str(store), "confidence": conf, "points": rows, "figure": written}


def _row(c: dict, p, data: np.ndarray, conf: float, cache: dict) -> dict:
    from .. import stats

    base = {"kind": c["kind"], "n": p.n, "eps": p.eps_value, "trials": int(data.shape[0]),
            "target_trials": c["trials"], "complete": data.shape[0] >= c["trials"],
            "seed": p.point_seed, "campaign_seed": c["seed"]}
    if c["kind"] == "giant":
        base["law"] = c["spec"]
        if data.shape[0] == 0:
            base.update(S=None, mean_component_size=None, law_S=_giant_S(c["spec"], cache))
            return base
        # contiguous copies: the same summation order as simulate giant's lists
        base["S"] = stats.mean(np.ascontiguousarray(data[:, 0]), conf, bounds=(0.0, 1.0)).to_json()
        base["mean_component_size"] = stats.mean(np.ascontiguousarray(data[:, 1]), conf).to_json()
        base["law_S"] = _giant_S(c["spec"], cache)
        return base
    from ..peeling import PeelingTrials, plan_peeling, summarize_trials

    base["ensemble"] = c["spec"]
    law, note = law_for(c["spec"], p.n, p.eps_value, cache)
    base["law_block_failure"], base["law_note"] = law, note
    if data.shape[0] == 0:
        base.update(block_failure=None, residual_erased_fraction=None, rounds=None)
        return base
    plan = plan_peeling(c["spec"], p.n, p.eps_value)
    res = PeelingTrials(plan, p.point_seed, data[:, 0], data[:, 1], data[:, 2], data[:, 3], 0.0)
    summary = summarize_trials(res, conf)
    for key in ("block_failure", "residual_erased_fraction", "rounds", "edges_mean", "n_checks",
                "R", "T", "unlearned_fraction"):
        if key in summary:
            base[key] = summary[key]
    return base


def _check_figure(figure):
    if figure is None:
        return None
    from pathlib import Path

    from ..io import check_output_path

    fmt = Path(figure).suffix.lower().lstrip(".")
    if fmt not in FIGURE_FORMATS:
        raise input_error("--figure", str(figure), "a file name ending in " + ", ".join("." + f for f in FIGURE_FORMATS))
    # the same destination rules as every other output option (no device nodes, a writable folder, ...)
    return check_output_path(figure, "--figure")


def _figure(rows: list[dict], path, cache: dict):
    """The finite-length plot of the report's peeling rows (simulated with CIs vs the law)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..io import atomic_write

    peel = [r for r in rows if r["kind"] == "peeling" and r["block_failure"] is not None]
    groups: dict = {}
    for r in peel:
        groups.setdefault((r["ensemble"], r["campaign_seed"]), {}).setdefault(r["n"], []).append(r)
    fig, axes = plt.subplots(1, max(1, len(groups)), figsize=(6.4 * max(1, len(groups)), 4.8), squeeze=False)
    for ax, ((spec, cseed), by_n) in zip(axes[0], sorted(groups.items())):
        colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
        for k, (n, pts) in enumerate(sorted(by_n.items())):
            col = colours[k % len(colours)]
            pts = sorted(pts, key=lambda r: r["eps"])
            x = np.array([r["eps"] for r in pts])
            y = np.array([r["block_failure"]["estimate"] for r in pts])
            lo = np.array([r["block_failure"]["ci"][0] for r in pts])
            hi = np.array([r["block_failure"]["ci"][1] for r in pts])
            ax.errorbar(x, y, yerr=[y - lo, hi - y], fmt="o", ms=4, capsize=2, color=col,
                        label=f"n = {n} (simulated, {pts[0]['trials']} trials/point)")
            if pts[0]["law_block_failure"] is not None and len(x) > 0:
                xs = np.linspace(x.min(), x.max(), 200) if x.max() > x.min() else x
                ys = [law_for(spec, n, float(e), cache)[0] for e in xs]
                ax.plot(xs, ys, "-", color=col, lw=1, label=f"n = {n} (AMRU law)")
        ax.set_xlabel("erasure probability eps")
        ax.set_ylabel("block failure probability P_B")
        conf = next(iter(by_n.values()))[0]["block_failure"]["confidence"]
        ax.set_title(f"{spec} (seed {cseed}); {conf:.0%} Clopper-Pearson intervals", fontsize=9)
        if any(r["block_failure"]["estimate"] > 0 for pts in by_n.values() for r in pts):
            ax.set_yscale("log")
        ax.legend(fontsize=7)
    if not groups:
        axes[0][0].text(0.5, 0.5, "no peeling points with trials in this store", ha="center")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format=path.suffix.lower().lstrip("."))
    plt.close(fig)
    return atomic_write(path, buf.getvalue())
