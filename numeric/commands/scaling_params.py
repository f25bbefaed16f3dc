"""``infoscaling scaling-params ENSEMBLE [--dps N]``: AMRU alpha, beta/Omega, nu* (CLI.md)."""

from __future__ import annotations

from infoscaling.derivations.ensemble import parse_ensemble

from .. import validate
from ..amru import scaling_params
from ..cli import add_json_flag
from ..precision import check_dps


def register(sub) -> None:
    p = sub.add_parser("scaling-params",
                       help="finite-length scaling parameters alpha, beta/Omega, nu* at the critical point")
    p.add_argument("ensemble", help="e.g. regular:3/regular:6, concept-text:dt=6,kappa=5,eps=0.5")
    p.add_argument("--dps", default="30", help="significant digits to report (1..1000)")
    add_json_flag(p)
    p.set_defaults(func=run)


def compute(ensemble, dps=30) -> dict:
    """``infoscaling scaling-params`` as a function of plain arguments: the command's JSON object.

    Shared with the Python front door (``infoscaling.scaling_params``).
    """
    dps = check_dps(dps, "--dps")
    validate.poly_terms(ensemble, validate.SCALING_PARAMS_TERMS, what="scaling-params")
    ens = parse_ensemble(ensemble)
    out = scaling_params(ens, dps).to_json()  # a VerificationError propagates: exit 1, not "bad input"
    out["ensemble"] = ens.spec()
    out["omega"] = "1"
    out["note"] = ("beta_over_omega is beta/Omega; Omega has no agreed printed value (Omega = 1 is the "
                   "working choice). alpha_reference is the published notebook's sign-error variant.")
    return out


def run(args) -> dict:
    return compute(args.ensemble, dps=args.dps)
