"""``infoscaling threshold ENSEMBLE [--kind bp|map] [--dps N]``."""

from __future__ import annotations

from ..cli import add_json_flag
from ..errors import input_error
from ..precision import check_dps
from ..thresholds import threshold


def register(sub) -> None:
    p = sub.add_parser("threshold", help="BP or MAP threshold of an ensemble, verified digits")
    p.add_argument("ensemble", help="e.g. regular:3/regular:6, poisson:27/poisson:12, "
                                    "concept-text:dt=6,kappa=5,eps=0.5[,R=1000]")
    p.add_argument("--kind", default="bp", choices=("bp", "map"))
    p.add_argument("--dps", default="30", help="significant digits to report (1..1000)")
    add_json_flag(p)
    p.set_defaults(func=run)


def compute(ensemble, kind="bp", dps=30) -> dict:
    """``infoscaling threshold`` as a function of plain arguments: the command's JSON object.

    The Python front door (``infoscaling.threshold``) calls this too, so its
    ``to_dict()`` is the CLI's JSON by construction.
    """
    from infoscaling.derivations.specs import parse_ensemble_spec

    dps = check_dps(dps, "--dps")
    if kind not in ("bp", "map"):
        raise input_error("--kind", kind, "bp or map")
    spec = parse_ensemble_spec(ensemble)  # no SymPy: stored derived forms are used when present
    if kind == "bp":
        if spec.var.family == "poly" or spec.check.family == "poly":
            from infoscaling.derivations.ensemble import ensemble_from_spec

            spec = ensemble_from_spec(spec)  # the exact-term limit of polynomial sides applies
        out = threshold(spec, kind, dps).to_json()
    else:
        from infoscaling.derivations.ensemble import ensemble_from_spec

        out = threshold(ensemble_from_spec(spec), kind, dps).to_json()
    out["ensemble"] = spec.spec()
    return out


def run(args) -> dict:
    return compute(args.ensemble, kind=args.kind, dps=args.dps)
