"""``infoscaling giant LAW [--dps N]``: giant component of a random graph (CLI.md).

JSON keys: ``S``, ``u``, ``supercritical``, ``criterion`` (``sum k(k-2) p_k``,
or ``f_1'(1) g_1'(1) - 1`` for ``projection:...``; ``"inf"`` for infinite
variance), ``mean_component_size`` (null at and above the transition),
``dps``, ``digits`` (verified digits of S and u), ``digits_detail``, ``law``.
"""

from __future__ import annotations

from ..cli import add_json_flag
from ..precision import check_dps


def register(sub) -> None:
    p = sub.add_parser(
        "giant",
        help="giant-component size, fixed point u, Molloy-Reed criterion, mean component size",
        description="Giant component of a random graph with a node-perspective degree law: "
        "poisson:c, poly:p0,p1,..., geometric:a, regular:d, binomial:N,p, "
        "powerlaw:tau[,kmin[,kmax]], projection:ACTORLAW/GROUPLAW.",
    )
    p.add_argument("law", help="degree law, e.g. poisson:2 or projection:poisson:2/poisson:1")
    p.add_argument("--dps", default=30, type=str, help="significant digits to report (verified)")
    add_json_flag(p)
    p.set_defaults(func=run)


def compute(law, dps=30) -> dict:
    """``infoscaling giant`` as a function of plain arguments: the command's JSON object.

    Shared with the Python front door (``infoscaling.giant``).
    """
    from ..giant import giant

    dps = check_dps(dps, "--dps")
    return giant(law, dps).to_json()  # a VerificationError propagates: exit 1, not "bad input"


def run(args) -> dict:
    return compute(args.law, dps=args.dps)
