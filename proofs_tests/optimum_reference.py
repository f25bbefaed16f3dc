"""Frozen answers of the compute-optimal optimiser (issue 12: "equal to the previous implementation's").

``python -m proofs_tests.optimum_reference`` (from the repository root)
recomputes every case of :data:`CASES` with the current code and writes
``proofs_tests/data/optimum_reference.json``.  The table was first written by
the optimiser as it stood before the ``numeric/optimum`` package split (commit
7d5c5f8); ``proofs_tests/test_optimum_reference.py`` compares today's answers
with it.  A case the old code got wrong (an error, or a wrong answer) carries
``old_status`` ``"error"``/``"wrong"`` and a ``why``: for those the table
records what the old code did, and the test checks the documented correction
instead of equality.
"""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

import numpy as np

TABLE = Path(__file__).parent / "data" / "optimum_reference.json"

#: Keys compared with the frozen table (finite C').
FINITE_KEYS = ("R", "T", "kappa", "learned_fraction", "threshold", "alpha", "beta_over_omega", "nu",
               "optimum_kind")
#: Keys compared with the frozen table (asymptotic).
ASYMPTOTIC_KEYS = ("kappa_star", "R_over_sqrt_C", "T_over_sqrt_C", "fold_v")


def _sweep_grid():
    return [float(c) for c in np.logspace(2, 20, 200)]


def cases() -> list[dict]:
    """Every frozen case: finite optima (both models), asymptotic optima, other d_t/eps, variants."""
    out = []
    for model in ("consistent", "paper"):
        for cp in _sweep_grid():
            out.append({"kind": "finite", "dt": "6", "eps": "0.5", "c_prime": cp, "dps": 20, "model": model,
                        "alpha_variant": "correct", "shift": True, "group": "sweep"})
    for dt in ("3", "4", "6", "10", "8.5", "25"):
        out.append({"kind": "asymptotic", "dt": dt, "eps": "0.5", "dps": 30})
    out.append({"kind": "asymptotic", "dt": "6", "eps": "0.5", "dps": 60})
    for dt, eps in (("4", "0.3"), ("10", "0.7"), ("3", "0.5"), ("2", "0.5"), ("2.5", "0.4")):
        for cp in (1e3, 1e6, 1e10, 1e16):
            for model in ("consistent", "paper"):
                out.append({"kind": "finite", "dt": dt, "eps": eps, "c_prime": cp, "dps": 20, "model": model,
                            "alpha_variant": "correct", "shift": True, "group": "other"})
    for cp in (1e8, 1e12):
        for variant, shift in (("reference", True), ("correct", False), ("reference", False)):
            out.append({"kind": "finite", "dt": "6", "eps": "0.5", "c_prime": cp, "dps": 20,
                        "model": "consistent", "alpha_variant": variant, "shift": shift, "group": "variant"})
    for cp in (1e25, 1e32, 1e40, 1e50, 1e60):
        for model in ("consistent", "paper"):
            out.append({"kind": "finite", "dt": "6", "eps": "0.5", "c_prime": cp, "dps": 20, "model": model,
                        "alpha_variant": "correct", "shift": True, "group": "large"})
    for dps in (10, 15, 30, 50):
        out.append({"kind": "finite", "dt": "6", "eps": "0.5", "c_prime": 1e10, "dps": dps,
                    "model": "consistent", "alpha_variant": "correct", "shift": True, "group": "dps"})
    return out


def case_id(c: dict) -> str:
    if c["kind"] == "asymptotic":
        return f"asym-dt{c['dt']}-dps{c['dps']}"
    return (f"{c['model']}-dt{c['dt']}-eps{c['eps']}-C{c['c_prime']!r}-dps{c['dps']}"
            f"-{c['alpha_variant']}{'' if c['shift'] else '-noshift'}")


class _Timeout(Exception):
    pass


def compute(c: dict, seconds: int = 120) -> dict:
    """Run one case with the current code: the compared keys, or ``{"error": ...}``."""
    from infoscaling.numeric import optimum as opt

    def alarm(*_):
        raise _Timeout

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        if c["kind"] == "asymptotic":
            a = opt.asymptotic_optimum(c["dt"], c["eps"], c["dps"])
            return {k: a[k] for k in ASYMPTOTIC_KEYS}
        r = opt.finite_optimum(c["dt"], c["eps"], c["c_prime"], c["dps"], alpha_variant=c["alpha_variant"],
                               shift=c["shift"], model=c["model"], exponent=False)
        js = r.to_json()
        return {k: js[k] for k in FINITE_KEYS} | {"digits": js["digits"]}
    except _Timeout:
        return {"error": f"timeout after {seconds} s"}
    except Exception as exc:  # noqa: BLE001 - the table records what the code did, bugs included
        return {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"}
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def main(argv=None) -> int:
    rows = []
    for i, c in enumerate(cases()):
        res = compute(c)
        rows.append({"id": case_id(c), "case": c, "result": res})
        if "error" in res:
            print(f"{i}: {case_id(c)}: {res['error']}", file=sys.stderr)
    TABLE.write_text(json.dumps({"rows": rows}, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(rows)} rows to {TABLE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
