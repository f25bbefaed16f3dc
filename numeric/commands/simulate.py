"""``infoscaling simulate``: Monte Carlo simulators (peeling decoder, giant component).

Sub-commands
------------
``simulate peeling ENSEMBLE --n N --eps E --trials K --seed S [--workers W] [--confidence C]``
    :func:`numeric.peeling.simulate_peeling`; JSON keys ``block_failure``,
    ``residual_erased_fraction`` (``{estimate, ci, confidence, ...}``),
    ``rounds`` ``{mean, max}``, ``trials``, ``seed``, ``n``, ``eps``,
    ``seconds`` (CLI.md).  For ``concept-text`` ensembles ``--eps`` may be
    omitted (the string fixes it) and, when the string gives ``R``, so may
    ``--n``.
``simulate giant LAW --n N --trials K --seed S``
    Delegates to :mod:`numeric.graphsim` (``add_giant_arguments`` /
    ``run_giant``), imported lazily.
"""

from __future__ import annotations

import importlib

from ..cli import add_json_flag
from ..progress import progress_bar

_GRAPHSIM = "infoscaling.numeric.graphsim"


def _graphsim():
    """The giant-component simulator module, or None while it does not exist."""
    try:
        return importlib.import_module(_GRAPHSIM)
    except ModuleNotFoundError as exc:
        if exc.name == _GRAPHSIM:
            return None
        raise


def register(sub) -> None:
    p = sub.add_parser("simulate", help="Monte Carlo simulation (peeling decoder, giant component)")
    p.set_defaults(func=_no_simulation)
    add_json_flag(p)
    ss = p.add_subparsers(dest="simulation", metavar="SIMULATION", parser_class=type(p))

    pp = ss.add_parser("peeling", help="peeling decoder on random graphs of an ensemble")
    pp.add_argument("ensemble", metavar="ENSEMBLE", help="e.g. regular:3/regular:6 or concept-text:dt=6,kappa=5,eps=0.5")
    pp.add_argument("--n", default=None, help="number of variable nodes (code length)")
    pp.add_argument("--eps", default=None, help="erasure probability in (0, 1)")
    pp.add_argument("--trials", required=True, help="number of independent graphs (1..1e7)")
    pp.add_argument("--seed", required=True, help="root seed (non-negative integer)")
    pp.add_argument("--workers", default=None, help="worker processes (default: automatic; 1 = in-process)")
    pp.add_argument("--confidence", default="0.95", help="confidence level of the intervals (default 0.95)")
    add_json_flag(pp)
    pp.set_defaults(func=run_peeling)

    pg = ss.add_parser("giant", help="giant component of random graphs of a degree law")
    mod = _graphsim()
    if mod is not None and hasattr(mod, "add_giant_arguments"):
        mod.add_giant_arguments(pg)
    else:
        pg.add_argument("law", metavar="LAW")
        pg.add_argument("--n", default=None)
        pg.add_argument("--trials", default=None)
        pg.add_argument("--seed", default=None)
        pg.add_argument("--workers", default=None)
        pg.add_argument("--confidence", default="0.95")
    if not any(a.dest == "json" for a in pg._actions):
        add_json_flag(pg)
    pg.set_defaults(func=run_giant)


def _no_simulation(args):
    raise ValueError("simulate: choose a simulation: peeling or giant")


def run_peeling(args) -> dict:
    """Run ``simulate peeling`` (validation in :func:`numeric.peeling.plan_peeling`)."""
    from .. import peeling

    trials = peeling.check_int(args.trials, "trials", 1, peeling.MAX_TRIALS)
    seed = peeling.check_int(args.seed, "seed", 0)
    workers = None if args.workers is None else peeling.check_int(args.workers, "workers", 1, 4096)
    try:
        conf = float(args.confidence)
    except ValueError:
        raise ValueError(f"confidence must be a number in (0, 1), got {args.confidence!r}") from None
    if args.eps is None and not args.ensemble.strip().startswith("concept-text:"):
        raise ValueError("eps: required (--eps E, 0 < E < 1)")
    if args.n is None and not args.ensemble.strip().startswith("concept-text:"):
        raise ValueError("n: required (--n N, number of variable nodes)")
    plan = peeling.plan_peeling(args.ensemble, args.n, args.eps)
    with progress_bar(trials, "simulate peeling") as update:
        return peeling.simulate_peeling(plan, None, None, trials, seed, workers=workers,
                                        confidence=conf, progress=update)


def run_giant(args) -> dict:
    """Run ``simulate giant`` through :mod:`numeric.graphsim`."""
    mod = _graphsim()
    if mod is None or not hasattr(mod, "run_giant"):
        raise ValueError("simulate giant: not available yet")
    return mod.run_giant(args)
