"""``infoscaling design --check SPEC --eps E --vmax V [--kind lp|heavy-tail]``: degree-distribution design.

JSON keys (CLI.md, second round): ``lambda`` (degree -> edge fraction),
``concept_fractions`` (node perspective), ``rate``, ``kappa`` ((1 - rate)/eps,
texts per concept when the check side is the concept-text device
Poisson(d_t/eps)), ``gap_to_capacity``, ``threshold`` (the verified BP
threshold of the designed pair, never the LP's grid), ``ensemble`` (accepted
by ``threshold`` and ``simulate peeling``), ``rate_upper_bound`` and
``discretisation_gap`` (the LP relaxation bound and its distance to the design).
"""

from __future__ import annotations

from ..cli import add_json_flag


def register(sub) -> None:
    p = sub.add_parser("design", help="design the variable degree law (LP or heavy-tail) for a target eps",
                       description="Maximise the rate (minimise texts per concept) over variable laws with "
                       "degrees 2..vmax subject to the DE condition at eps; the design's threshold is "
                       "verified with the threshold solver.")
    p.add_argument("--check", required=True, help="check side, e.g. poisson:12 (concept-text with d_t = "
                                                   "eps*12) or regular:6")
    p.add_argument("--eps", required=True, help="target erasure probability in (0, 1)")
    p.add_argument("--vmax", required=True, help="maximum variable degree (2..200)")
    p.add_argument("--kind", default="lp", help="lp (default) or heavy-tail")
    p.add_argument("--dps", default="15", help="verified digits of the threshold")
    add_json_flag(p)
    p.set_defaults(func=run)


def compute(check, eps, vmax, kind="lp", dps="15") -> dict:
    """``infoscaling design`` as a function of plain arguments (shared with the Python front door)."""
    from ..design import design
    from ..errors import input_error
    from ..precision import check_dps

    if kind not in ("lp", "heavy-tail"):
        raise input_error("--kind", kind, "lp or heavy-tail")
    dps = check_dps(dps, "--dps")
    return design(check, eps, vmax, kind=kind, dps=dps).to_json()


def run(args) -> dict:
    return compute(args.check, args.eps, args.vmax, kind=args.kind, dps=args.dps)
