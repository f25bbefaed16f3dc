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
    :func:`numeric.graphsim.simulate_giant` (imported when the command runs;
    a missing module is an error, never a silently absent command).
"""

from __future__ import annotations

import math

from ..cli import add_json_flag
from ..progress import progress_bar


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
    add_giant_arguments(pg)
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


def add_giant_arguments(parser) -> None:
    """Arguments of ``infoscaling simulate giant`` (the caller adds ``--json``)."""
    parser.add_argument("law", help="degree law, e.g. poisson:2, regular:3, projection:poisson:2/poisson:1")
    parser.add_argument("--n", type=str, default="100000", help="vertices (actors) per graph")
    parser.add_argument("--trials", type=str, default="20", help="independent graphs")
    parser.add_argument("--seed", type=str, default=None, help="root seed (echoed in the output)")
    parser.add_argument("--workers", type=str, default="1", help="processes (results do not depend on it)")
    parser.add_argument("--confidence", type=str, default="0.95", help="confidence level of the intervals")


def _int_arg(value, name, lo, hi, allow_none=False):
    if value is None and allow_none:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        v = int(value)
    else:
        try:
            f = float(str(value))
        except ValueError:
            raise ValueError(f"{name} must be an integer, got {value!r}") from None
        if not math.isfinite(f) or f != int(f):
            raise ValueError(f"{name} must be an integer, got {value!r}")
        v = int(f)
    if not lo <= v <= hi:
        raise ValueError(f"{name} must be in [{lo}, {hi}], got {v}")
    return v


def run_giant(args) -> dict:
    """Run ``simulate giant`` from parsed arguments (law, n, trials, seed, workers, confidence)."""
    from ..graphsim import MAX_NODES, simulate_giant

    n = _int_arg(args.n, "--n", 2, MAX_NODES)
    trials = _int_arg(args.trials, "--trials", 1, 10**6)
    seed = _int_arg(getattr(args, "seed", None), "--seed", 0, 2**63 - 1, allow_none=True)
    workers = _int_arg(getattr(args, "workers", 1), "--workers", 1, 1024, allow_none=True)
    try:
        conf = float(getattr(args, "confidence", 0.95))
    except (TypeError, ValueError):
        raise ValueError(f"--confidence must be a number in (0, 1), got {args.confidence!r}") from None
    if not 0 < conf < 1:
        raise ValueError(f"--confidence must be in (0, 1), got {conf}")
    return simulate_giant(args.law, n, trials, seed, workers, conf)
