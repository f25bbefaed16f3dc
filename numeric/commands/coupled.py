"""``infoscaling coupled ENSEMBLE --L L --w W [--dps N]``: spatially coupled chains (curriculum).

JSON keys (CLI.md, second round): ``threshold`` (coupled BP threshold in eps,
certified digits only), ``digits``, ``enclosure``, ``limited_by``,
``uncoupled_threshold``, ``map_threshold``, ``potential_threshold``, ``rate``,
``rate_loss``; for ``concept-text:`` ensembles also ``kappa_threshold`` and its
``kappa_digits`` / ``kappa_enclosure``, ``kappa_potential_threshold``,
``kappa_star`` and ``texts_per_concept``.
"""

from __future__ import annotations

from ..cli import add_json_flag


def register(sub) -> None:
    p = sub.add_parser("coupled", help="threshold of a spatially coupled chain (curriculum), certified digits",
                       description="Coupled (L, w) chain of an ensemble: certified BP threshold by "
                       "iterating the chain, uncoupled / MAP / potential thresholds, design rate; "
                       "for concept-text also the threshold in kappa.")
    p.add_argument("ensemble", help="e.g. regular:3/regular:6 or concept-text:dt=6,kappa=5,eps=0.5")
    p.add_argument("--L", required=True, help="chain half-length: 2L+1 positions (integer >= 1)")
    p.add_argument("--w", required=True, help="coupling window (integer >= 1)")
    p.add_argument("--dps", default="20", help="significant digits of the closed-form values (1..1000)")
    p.add_argument("--budget", default=None,
                   help="work budget of the chain bisection (default 1.2e9 ~ a few seconds)")
    add_json_flag(p)
    p.set_defaults(func=run)


def compute(ensemble, L, w, dps="20", budget=None) -> dict:
    """``infoscaling coupled`` as a function of plain arguments (shared with the Python front door)."""
    from infoscaling.derivations.ensemble import parse_ensemble

    from ..coupled import DEFAULT_DECISION_WORK, check_chain, coupled_report
    from ..errors import input_error
    from ..precision import check_dps

    L, w = check_chain(L, w)
    dps = check_dps(dps, "--dps")
    work = DEFAULT_DECISION_WORK
    if budget is not None:
        try:
            work = float(budget)
        except ValueError:
            raise input_error("--budget", budget, "a number in [1e6, 1e12]") from None
        if not 1e6 <= work <= 1e12:
            raise input_error("--budget", budget, "a number in [1e6, 1e12]")
    try:
        ens = parse_ensemble(ensemble)
    except ValueError as exc:
        raise input_error("ENSEMBLE", ensemble, str(exc)) from None
    return coupled_report(ens, L, w, dps, work)


def run(args) -> dict:
    return compute(args.ensemble, args.L, args.w, dps=args.dps, budget=args.budget)
