"""``infoscaling threshold ENSEMBLE [--kind bp|map] [--dps N]``."""

from __future__ import annotations

from infoscaling.derivations.ensemble import parse_ensemble

from ..cli import add_json_flag
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


def run(args) -> dict:
    dps = check_dps(args.dps, "--dps")
    ens = parse_ensemble(args.ensemble)
    out = threshold(ens, args.kind, dps).to_json()
    out["ensemble"] = ens.spec()
    return out
