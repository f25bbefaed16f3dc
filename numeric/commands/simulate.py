"""``infoscaling simulate``: Monte Carlo simulators (peeling decoder, giant component).

Sub-commands
------------
``simulate peeling ENSEMBLE --n N --eps E --trials K [--seed S] [--workers W] [--confidence C]``
    :func:`numeric.peeling.simulate_peeling`; JSON keys ``block_failure``,
    ``residual_erased_fraction`` (``{estimate, ci, confidence, ...}``),
    ``rounds`` ``{mean, max}``, ``trials``, ``seed``, ``n``, ``eps``,
    ``seconds`` (CLI.md).  For ``concept-text`` ensembles ``--eps`` may be
    omitted (the string fixes it) and, when the string gives ``R``, so may
    ``--n``.
``simulate giant LAW --n N --trials K [--seed S] [--workers W] [--confidence C]``
    :func:`numeric.graphsim.simulate_giant` (imported when the command runs;
    a missing module is an error, never a silently absent command).

Both simulators follow one rule: ``--n`` and ``--trials`` are required (except
``--n`` for a concept-text ensemble that gives ``R``); ``--seed`` is optional
-- without it a seed is drawn from OS entropy, echoed as ``seed`` in the JSON
and named in a one-line note on stderr, so every run can be repeated; trials
are limited by :data:`numeric.validate.MAX_TRIALS` and by the work and memory
budgets of :mod:`numeric.validate` (LimitError, exit 2, naming the argument).
"""

from __future__ import annotations

import sys

from .. import validate
from ..cli import add_json_flag
from ..errors import InputError
from ..progress import progress_bar

_SEED_HELP = ("root seed, an integer in [0, 2**256) (default: drawn from OS entropy and echoed as "
              "'seed' in the output and on stderr)")
_TRIALS_HELP = ("number of independent graphs, 1..1e7, with trials x (edges + nodes + 1000) <= 1.8e10 "
                "(about one hour on 2 cores)")
_WORKERS_HELP = "worker processes, 1..64 (default: automatic; 1 = in-process); results do not depend on it"


def register(sub) -> None:
    p = sub.add_parser("simulate", help="Monte Carlo simulation (peeling decoder, giant component)")
    p.set_defaults(func=_no_simulation)
    add_json_flag(p)
    ss = p.add_subparsers(dest="simulation", metavar="SIMULATION", parser_class=type(p))

    pp = ss.add_parser("peeling", help="peeling decoder on random graphs of an ensemble")
    pp.add_argument("ensemble", metavar="ENSEMBLE", help="e.g. regular:3/regular:6 or concept-text:dt=6,kappa=5,eps=0.5")
    pp.add_argument("--n", default=None, help="number of variable nodes (code length); one graph may use at "
                                              "most 4 GiB (40 B per edge and per node)")
    pp.add_argument("--eps", default=None, help="erasure probability in (0, 1)")
    pp.add_argument("--trials", required=True, help=_TRIALS_HELP)
    pp.add_argument("--seed", default=None, help=_SEED_HELP)
    pp.add_argument("--workers", default=None, help=_WORKERS_HELP)
    pp.add_argument("--confidence", default="0.95", help="confidence level of the intervals (default 0.95)")
    add_json_flag(pp)
    pp.set_defaults(func=run_peeling)

    pg = ss.add_parser("giant", help="giant component of random graphs of a degree law")
    add_giant_arguments(pg)
    add_json_flag(pg)
    pg.set_defaults(func=run_giant)


def _no_simulation(args):
    raise ValueError("simulate: choose a simulation: peeling or giant")


def compute_peeling(ensemble, n=None, eps=None, trials=None, seed=None, workers=None, confidence="0.95") -> dict:
    """``infoscaling simulate peeling`` as a function of plain arguments: the command's JSON object.

    Shared with the Python front door (``infoscaling.simulate_peeling``).
    """
    from .. import peeling

    trials = validate.trials(trials)
    seed = validate.seed(seed)
    workers = validate.workers(workers)
    conf = validate.confidence(confidence)
    if eps is None and not ensemble.strip().startswith("concept-text:"):
        raise InputError("--eps: required (--eps E, 0 < E < 1)", "--eps")
    if n is None and not ensemble.strip().startswith("concept-text:"):
        raise InputError("--n: required (--n N, number of variable nodes)", "--n")
    plan = peeling.plan_peeling(ensemble, n, eps)
    with progress_bar(trials, "simulate peeling") as update:
        out = peeling.simulate_peeling(plan, None, None, trials, seed, workers=workers,
                                       confidence=conf, progress=update)
    _note_seed(seed, out)
    return out


def run_peeling(args) -> dict:
    """Run ``simulate peeling`` (arguments checked by :mod:`numeric.validate` and :func:`numeric.peeling.plan_peeling`)."""
    return compute_peeling(args.ensemble, n=args.n, eps=args.eps, trials=args.trials, seed=args.seed,
                           workers=args.workers, confidence=args.confidence)


def add_giant_arguments(parser) -> None:
    """Arguments of ``infoscaling simulate giant`` (the caller adds ``--json``)."""
    parser.add_argument("law", metavar="LAW",
                        help="node-perspective degree law, e.g. poisson:2, regular:3, node-poly:0,1/2,1/2, "
                             "projection:poisson:2/poisson:1")
    parser.add_argument("--n", required=True, help="vertices (actors) per graph, 2..1e8; one graph may use at most "
                                                   "4 GiB (32 B per stub, 48 B per vertex)")
    parser.add_argument("--trials", required=True, help=_TRIALS_HELP)
    parser.add_argument("--seed", default=None, help=_SEED_HELP)
    parser.add_argument("--workers", default=None, help=_WORKERS_HELP)
    parser.add_argument("--confidence", default="0.95", help="confidence level of the intervals (default 0.95)")


def compute_giant(law, n=None, trials=None, seed=None, workers=None, confidence="0.95") -> dict:
    """``infoscaling simulate giant`` as a function of plain arguments: the command's JSON object.

    Shared with the Python front door (``infoscaling.simulate_giant``).
    """
    from ..graphsim import simulate_giant

    n = validate.integer(n, "--n", 2)
    trials = validate.trials(trials)
    seed = validate.seed(seed)
    workers = validate.workers(workers)
    conf = validate.confidence(confidence)
    out = simulate_giant(law, n, trials, seed, workers, conf)
    _note_seed(seed, out)
    return out


def run_giant(args) -> dict:
    """Run ``simulate giant`` (arguments checked by :mod:`numeric.validate` and :func:`numeric.graphsim.simulate_giant`)."""
    return compute_giant(args.law, n=args.n, trials=args.trials, seed=getattr(args, "seed", None),
                         workers=getattr(args, "workers", None),
                         confidence=getattr(args, "confidence", "0.95"))


def _note_seed(seed, out: dict) -> None:
    """One stderr line naming the seed drawn when none was given (the JSON echoes it too)."""
    if seed is None:
        print(f"infoscaling: note: no --seed given; drew seed {out['seed']} (pass --seed to repeat)",
              file=sys.stderr)
