"""``infoscaling optimum`` and ``infoscaling sweep``: the compute-optimal concept-text graph (CLI.md).

* ``optimum --dt D --eps E --asymptotic`` -> ``kappa_star``, ``R_over_sqrt_C``,
  ``T_over_sqrt_C``, ``closed_form_latex``, ``dps``;
* ``optimum --dt D --eps E --compute C`` -> ``R``, ``T``, ``kappa``,
  ``learned_fraction``, ``threshold``, ``alpha``, ``dps`` (and more);
* ``sweep --dt D --eps E --from C1 --to C2 --points K`` -> ``rows``, one per
  compute value on a log grid, with the optimum keys plus ``C_prime``, ``N``,
  ``D``, ``C`` and ``local_exponent``.
"""

from __future__ import annotations

import csv
import io
import math
import sys

import numpy as np

from .. import validate
from ..cli import CommandResult, add_json_flag, dumps
from ..errors import input_error
from ..io import atomic_write, check_output_path
from ..optimum import MAX_OPT_DPS, asymptotic_optimum, check_problem, finite_optimum, sweep
from ..precision import VerificationError, check_dps
from ..progress import progress_bar

__all__ = ["register", "run_optimum", "run_sweep", "compute_optimum", "compute_sweep", "SWEEP_COLUMNS"]

#: Column order of the CSV output of ``sweep``.
SWEEP_COLUMNS = ["C_prime", "R", "T", "kappa", "learned_fraction", "threshold", "alpha", "N", "D", "C",
                 "local_exponent", "R_over_sqrt_C", "T_over_sqrt_C", "optimum_kind", "digits", "dps"]


def _float_arg(text, name):
    try:
        v = float(text)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {text!r}") from None
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {text!r}")
    return v


def _common(p):
    p.add_argument("--dt", required=True, help="mean number of concepts per text d_t (> 0)")
    p.add_argument("--eps", required=True, help="auxiliary embedding eps in (0, 1)")
    p.add_argument("--dps", default=None,
                   help=f"significant digits (default 30 asymptotic, 20 finite; 1..{MAX_OPT_DPS} for a finite "
                        f"C', every point being solved at dps + 12 and 2 dps + 12 digits)")
    p.add_argument("--alpha-variant", default="correct", choices=("correct", "reference"),
                   help="AMRU alpha, or the published reference's sign-error variant (comparison)")
    p.add_argument("--no-shift", action="store_true", help="drop the beta n^(-2/3) shift of the law")
    p.add_argument("--model", default="consistent", choices=("consistent", "paper"),
                   help="unlearned fraction when eps* < eps: upper DE fixed point (consistent) or the "
                        "paper's nu*/eps (its global optimum is then the spurious one near d_t kappa = e, "
                        "where the jump appears: optimum_kind 'spurious_fold')")
    p.add_argument("--varsigma", default="2e5", help="parameters per concept (N = varsigma R)")
    p.add_argument("--tau", default="8e5", help="tokens per text (D = tau T)")


def register(sub) -> None:
    p = sub.add_parser("optimum", help="compute-optimal R*, T* (finite C' or the asymptotic kappa*)")
    _common(p)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--compute", default=None, help="compute C' = R T in graph units")
    g.add_argument("--asymptotic", action="store_true", help="the C' -> oo limit (kappa*)")
    p.add_argument("--intervention", default="none",
                   help="none|curriculum|design|both (with --asymptotic; numeric/interventions.py)")
    p.add_argument("--vmax", default="50", help="largest concept degree of the design interventions")
    add_json_flag(p)
    p.set_defaults(func=run_optimum)

    s = sub.add_parser("sweep", help="compute-optimal path over a log grid of C'")
    _common(s)
    s.add_argument("--from", dest="c_from", required=True, help="smallest C'")
    s.add_argument("--to", dest="c_to", required=True, help="largest C'")
    s.add_argument("--points", required=True, help="number of grid points (at most 1800 s of work: 36000 at "
                                                   "20 digits, fewer at higher --dps)")
    s.add_argument("--output", default=None, help="write the rows to FILE (atomically)")
    s.add_argument("--format", default="json", choices=("csv", "json"), help="format of --output")
    s.add_argument("--no-exponent", action="store_true", help="skip the local exponent (faster)")
    add_json_flag(s)
    s.set_defaults(func=run_sweep)


def _units(varsigma, tau):
    vs = _float_arg(varsigma, "--varsigma")
    tau = _float_arg(tau, "--tau")
    if vs <= 0 or tau <= 0:
        raise ValueError("--varsigma and --tau must be > 0")
    return vs, tau


def _dps(dps, default):
    return check_dps(dps if dps is not None else default, "--dps")


def _choices(alpha_variant, model):
    if alpha_variant not in ("correct", "reference"):
        raise input_error("--alpha-variant", alpha_variant, "correct or reference")
    if model not in ("consistent", "paper"):
        raise input_error("--model", model, "consistent or paper")


def compute_optimum(dt, eps, compute=None, asymptotic=False, dps=None, alpha_variant="correct", shift=True,
                    model="consistent", varsigma="2e5", tau="8e5", intervention="none", vmax=50) -> dict:
    """``infoscaling optimum`` as a function of plain arguments: the command's JSON object.

    Exactly one of ``compute`` (C') and ``asymptotic=True``.  ``shift=False`` is
    ``--no-shift``.  Shared with the Python front door (``infoscaling.optimum``).
    """
    if (compute is None) == (not asymptotic):
        raise input_error("--compute", compute, "exactly one of --compute C or --asymptotic")
    _choices(alpha_variant, model)
    vs, tau = _units(varsigma, tau)
    check_problem(dt, eps)
    if intervention != "none":  # issue 10: the asymptotic rule under an intervention
        from ..interventions import intervention_optimum

        if not asymptotic:
            raise input_error("--intervention", intervention, "none with --compute (no finite-length law "
                              "for coupled chains or LP designs in this model); use --asymptotic")
        return intervention_optimum(dt, intervention, dps=_dps(dps, 30), vmax=vmax, varsigma=vs, tau=tau,
                                    eps=eps)
    if asymptotic:
        dps = _dps(dps, 30)
        out = asymptotic_optimum(dt, eps, dps)
        with_units = float(out["kappa_star"]) * tau / vs
        out["tokens_per_parameter"] = with_units
        out["note"] = ("eps cancels from the Poisson-limit DE (u = x/eps); tokens per parameter "
                       "= (tau/varsigma) kappa*")
        return out
    dps = _dps(dps, 20)
    if dps > MAX_OPT_DPS:
        raise ValueError(f"--dps must be <= {MAX_OPT_DPS} for the optimiser, got {dps}")
    cp = _float_arg(compute, "--compute")
    check_problem(dt, eps, cp)
    try:
        r = finite_optimum(dt, eps, cp, dps, alpha_variant=alpha_variant, shift=shift, model=model)
    except VerificationError as exc:  # not bad input: exit 1 with the reason
        raise VerificationError(f"--compute {compute}: numerical verification failed ({exc})") from None
    return r.to_json(vs, tau)


def run_optimum(args) -> dict:
    return compute_optimum(args.dt, args.eps, compute=args.compute, asymptotic=args.asymptotic, dps=args.dps,
                           alpha_variant=args.alpha_variant, shift=not args.no_shift, model=args.model,
                           varsigma=args.varsigma, tau=args.tau, intervention=args.intervention, vmax=args.vmax)


def compute_sweep(dt, eps, c_from, c_to, points, dps=None, alpha_variant="correct", shift=True,
                  model="consistent", varsigma="2e5", tau="8e5", exponent=True) -> dict:
    """``infoscaling sweep`` (without ``--output``) as a function of plain arguments: the command's JSON object.

    ``exponent=False`` is ``--no-exponent``.  Shared with the Python front door
    (``infoscaling.sweep``).
    """
    _choices(alpha_variant, model)
    vs, tau = _units(varsigma, tau)
    dps = _dps(dps, 20)
    if dps > MAX_OPT_DPS:
        raise ValueError(f"--dps must be <= {MAX_OPT_DPS} for the optimiser, got {dps}")
    c1, c2 = _float_arg(c_from, "--from"), _float_arg(c_to, "--to")
    k = validate.sweep_points(points, dps)  # exact integer; LimitError beyond the sweep's time budget
    if not c2 >= c1:
        raise ValueError(f"--to must be >= --from, got {c1} .. {c2}")
    check_problem(dt, eps, c1)
    check_problem(dt, eps, c2)
    grid = np.logspace(math.log10(c1), math.log10(c2), k) if k > 1 else np.array([c1])
    rows = []
    with progress_bar(k, "sweep") as update:
        # float stage vectorised across all points, then each point refined and certified with
        # the previous point's secant slope as warm start (numeric.optimum.sweep)
        try:
            results = sweep(dt, eps, [float(cp) for cp in grid], dps, alpha_variant=alpha_variant, shift=shift,
                            exponent=exponent, model=model, progress=update)
        except VerificationError as exc:  # not bad input: exit 1 with the reason
            raise VerificationError(f"sweep: numerical verification failed ({exc})") from None
        for cp, r in zip(grid, results):
            row = r.to_json(vs, tau)
            row["C_prime"] = repr(float(cp))
            rows.append(row)
    return {"rows": rows, "dt": str(dt), "eps": str(eps), "points": k, "dps": dps,
            "varsigma": vs, "tau": tau, "alpha_variant": alpha_variant,
            "shift": shift, "model": model}


def run_sweep(args) -> CommandResult:
    if args.output is not None:  # checked before the sweep runs (numeric.io)
        check_output_path(args.output, "--output")
    data = compute_sweep(args.dt, args.eps, args.c_from, args.c_to, args.points, dps=args.dps,
                         alpha_variant=args.alpha_variant, shift=not args.no_shift, model=args.model,
                         varsigma=args.varsigma, tau=args.tau, exponent=not args.no_exponent)
    rows = data["rows"]
    if args.output:
        if args.format == "csv":
            buf = io.StringIO()
            w = csv.DictWriter(buf, fieldnames=SWEEP_COLUMNS, extrasaction="ignore", lineterminator="\n")
            w.writeheader()
            for row in rows:
                w.writerow(row)
            atomic_write(args.output, buf.getvalue())
        else:
            atomic_write(args.output, dumps(data) + "\n")
        data["output"] = str(args.output)
        print(f"sweep: wrote {len(rows)} rows to {args.output}", file=sys.stderr)
    text = None
    if not args.json:
        text = "\n".join(f"C'={r['C_prime']}  R*={r['R']}  T*={r['T']}  exponent={r['local_exponent']}"
                         for r in rows)
    return CommandResult(data, 0, text)


