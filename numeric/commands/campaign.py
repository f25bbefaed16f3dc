"""``infoscaling campaign``: resumable Monte Carlo campaigns over a grid of points.

Sub-commands
------------
``campaign run --store FILE (--ensemble SPEC | --law SPEC) --n N1,N2,... [--eps LIST|LO:HI:COUNT]
--trials K --seed S [--chunk C] [--workers W | --engine dask --workers W | --scheduler ADDRESS]``
    :func:`numeric.campaign.runner.run_campaign`; JSON ``{store, points,
    trials_done, trials_new, trials_reused, seconds, ...}``.  Re-running the
    same command resumes; a larger ``--trials`` extends.
``campaign report --store FILE [--figure FILE] [--confidence C]``
    :func:`numeric.campaign.report.campaign_report`; JSON ``points``: one row
    per grid point with ``ensemble``, ``n``, ``eps``, ``trials``,
    ``block_failure``, ``residual_erased_fraction``, ``law_block_failure``.
``campaign status --store FILE``
    :func:`numeric.campaign.report.campaign_status`; points, chunks done and
    pending, trials per point.

Everything heavy (NumPy, the simulators, SQLite, Dask, matplotlib) is imported
only when a sub-command runs.
"""

from __future__ import annotations

from ..cli import add_json_flag


def register(sub) -> None:
    p = sub.add_parser("campaign", help="resumable simulation campaigns (run, report, status)")
    p.set_defaults(func=_no_action)
    add_json_flag(p)
    ss = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))

    pr = ss.add_parser("run", help="run, resume or extend a campaign into a store")
    pr.add_argument("--store", required=True, help="SQLite file (created if missing)")
    what = pr.add_mutually_exclusive_group(required=True)
    what.add_argument("--ensemble", help="peeling campaign: ensemble string, e.g. regular:3/regular:6")
    what.add_argument("--law", help="giant-component campaign: degree law, e.g. poisson:2")
    pr.add_argument("--n", default=None, help="sizes N1,N2,... (1e5 style allowed)")
    pr.add_argument("--eps", default=None, help="erasure probabilities E1,E2,... or LO:HI:COUNT")
    pr.add_argument("--trials", required=True, help="trials per point (a larger value extends)")
    pr.add_argument("--seed", required=True, help="root seed of the campaign")
    pr.add_argument("--chunk", default=None, help="trials per chunk (default: about 0.5 s of work)")
    pr.add_argument("--workers", default=None, help="worker processes (default: all cores)")
    pr.add_argument("--engine", default=None, choices=("local", "serial", "dask"),
                    help="local processes (default), serial, or dask (a LocalCluster of --workers)")
    pr.add_argument("--scheduler", default=None, help="address of a running Dask scheduler, tcp://HOST:PORT")
    pr.add_argument("--retries", default="2", help="Dask retries of a chunk that raised (default 2)")
    pr.add_argument("--log-every", default="60", help="seconds between progress lines when stderr is not a terminal")
    add_json_flag(pr)
    pr.set_defaults(func=run)

    pp = ss.add_parser("report", help="estimates of every point, with the finite-length law")
    pp.add_argument("--store", required=True, help="an existing campaign store")
    pp.add_argument("--figure", default=None, help="write the finite-length plot (.png, .svg, .pdf)")
    pp.add_argument("--confidence", default="0.95", help="confidence level of the intervals")
    pp.add_argument("--spec", default=None, help="only the campaigns of this ensemble or law")
    pp.add_argument("--seed", default=None, help="only the campaigns of this root seed")
    add_json_flag(pp)
    pp.set_defaults(func=report)

    ps = ss.add_parser("status", help="points, chunks done and pending")
    ps.add_argument("--store", required=True, help="an existing campaign store")
    ps.add_argument("--spec", default=None, help="only the campaigns of this ensemble or law")
    ps.add_argument("--seed", default=None, help="only the campaigns of this root seed")
    add_json_flag(ps)
    ps.set_defaults(func=status)


def _no_action(args):
    from ..errors import input_error

    raise input_error("campaign", None, "an action: run, report or status")


def run(args) -> dict:
    """``campaign run``."""
    from .. import validate
    from ..campaign.runner import run_campaign

    retries = validate.integer(args.retries, "--retries", 0, 100)
    log_every = float(validate.number(args.log_every, "--log-every", lo=0))
    return run_campaign(args.store, ensemble=args.ensemble, law=args.law, n=args.n, eps=args.eps,
                        trials=args.trials, seed=args.seed, chunk=args.chunk, engine=args.engine,
                        workers=args.workers, scheduler=args.scheduler, retries=retries,
                        log_every=log_every or None)


def _seed(args):
    from .. import validate

    return validate.seed(args.seed)


def report(args):
    """``campaign report`` (one line per point without ``--json``)."""
    from ..campaign.report import campaign_report
    from ..cli import CommandResult

    data = campaign_report(args.store, confidence=args.confidence, figure=args.figure, spec=args.spec,
                           seed=_seed(args))
    return CommandResult(data, text=_report_text(data))


def _report_text(data: dict) -> str:
    lines = [f"store {data['store']} ({data['confidence']:g} intervals)"]
    for r in data["points"]:
        head = f"{r.get('ensemble') or r.get('law')} n={r['n']}"
        head += "" if r["eps"] is None else f" eps={r['eps']!r}"
        head += f" trials={r['trials']}" + ("" if r["complete"] else f"/{r['target_trials']}")
        if r["kind"] == "giant":
            est = r["S"]
            lines.append(head + ("" if est is None else
                                 f": S = {est['estimate']:.6g} [{est['ci'][0]:.6g}, {est['ci'][1]:.6g}]"))
            continue
        est = r["block_failure"]
        text = "" if est is None else f": P_B = {est['estimate']:.4g} [{est['ci'][0]:.4g}, {est['ci'][1]:.4g}]"
        if r["law_block_failure"] is not None:
            text += f", law {r['law_block_failure']:.4g}"
        lines.append(head + text)
    if data["figure"]:
        lines.append(f"figure: {data['figure']}")
    return "\n".join(lines)


def status(args):
    """``campaign status`` (a short table without ``--json``)."""
    from ..campaign.report import campaign_status
    from ..cli import CommandResult

    data = campaign_status(args.store, spec=args.spec, seed=_seed(args))
    return CommandResult(data, text=_status_text(data))


def _status_text(data: dict) -> str:
    lines = [f"store {data['store']}: {data['points']} points, {data['chunks_done']} chunks done, "
             f"{data['chunks_pending']} pending" + (" (complete)" if data["complete"] else "")]
    for c in data["campaigns"]:
        lines.append(f"{c['kind']} {c['spec']} seed {c['seed']}: {c['trials_done']} of "
                     f"{c['trials'] * len(c['points'])} trials, chunks {c['chunks_done']} done / "
                     f"{c['chunks_pending']} pending")
        for p in c["points"]:
            eps = "" if p["eps"] is None else f" eps={p['eps']!r}"
            lines.append(f"  n={p['n']}{eps}: {p['trials']}/{c['trials']} trials "
                         f"({p['chunks_done']} chunks of {p['chunk']}, {p['chunks_pending']} pending)")
    return "\n".join(lines)
