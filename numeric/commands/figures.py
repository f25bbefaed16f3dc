"""``infoscaling figures [--output-dir DIR] [--format png|svg|pdf] [--only NAME,...]``."""

from __future__ import annotations

from ..cli import CommandResult, add_json_flag
from ..figures import FIGURES, FORMATS, make_figures


def register(sub) -> None:
    p = sub.add_parser("figures", help="the paper's figures and the validation figures (image + CSV each)")
    p.add_argument("--output-dir", default="figures", help="folder for the images and CSV files (default figures)")
    p.add_argument("--format", default="png", choices=FORMATS)
    p.add_argument("--only", default=None, help=f"comma-separated subset of: {', '.join(FIGURES)}")
    p.add_argument("--quick", action="store_true", help="smaller simulations and coarser grids (a preview)")
    p.add_argument("--seed", default=None, help="root seed of the simulated figures (default: fixed per figure)")
    add_json_flag(p)
    p.set_defaults(func=run)


def compute(output_dir="figures", fmt="png", only=None, quick=False, seed=None) -> CommandResult:
    """``infoscaling figures`` as a function of plain arguments (shared with the Python front door).

    ``only`` is the ``--only`` text (comma-separated names) or a list of names.
    """
    if only is not None:
        only = [s.strip() for s in (only.split(",") if isinstance(only, str) else only) if s.strip()]
        if not only:
            raise ValueError("--only: give at least one figure name")
    if fmt not in FORMATS:
        raise ValueError(f"--format: got {fmt!r}; allowed: {', '.join(FORMATS)}")
    from ..validate import seed as check_seed

    seed = check_seed(seed, "--seed")
    data = make_figures(output_dir, fmt, only, quick, seed)
    lines = [f"{name}: {v['image']} + {v['csv']} ({v['rows']} rows, {v['seconds']} s)"
             for name, v in data["figures"].items()]
    lines += [f"{name}: skipped ({why})" for name, why in data["skipped"].items()]
    return CommandResult(data, 0, "\n".join(lines))


def run(args) -> CommandResult:
    return compute(args.output_dir, args.format, only=args.only, quick=args.quick, seed=args.seed)
