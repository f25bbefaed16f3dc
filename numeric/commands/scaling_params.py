"""``infoscaling scaling-params ENSEMBLE [--dps N]``: AMRU alpha, beta/Omega, nu* (CLI.md)."""

from __future__ import annotations

from infoscaling.derivations.ensemble import parse_ensemble

from ..cli import add_json_flag
from ..precision import VerificationError, check_dps
from ..amru import scaling_params


def register(sub) -> None:
    p = sub.add_parser("scaling-params",
                       help="finite-length scaling parameters alpha, beta/Omega, nu* at the critical point")
    p.add_argument("ensemble", help="e.g. regular:3/regular:6, concept-text:dt=6,kappa=5,eps=0.5")
    p.add_argument("--dps", default="30", help="significant digits to report (1..1000)")
    add_json_flag(p)
    p.set_defaults(func=run)


def run(args) -> dict:
    dps = check_dps(args.dps, "--dps")
    ens = parse_ensemble(args.ensemble)
    try:
        out = scaling_params(ens, dps).to_json()
    except VerificationError as exc:
        raise ValueError(f"ensemble {args.ensemble}: numerical verification failed ({exc})") from None
    out["ensemble"] = ens.spec()
    out["omega"] = "1"
    out["note"] = ("beta_over_omega is beta/Omega; Omega has no agreed printed value (Omega = 1 is the "
                   "working choice). alpha_reference is the published notebook's sign-error variant.")
    return out
