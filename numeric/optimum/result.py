"""The finite-C' optimum as a result object with the CLI's JSON keys."""

from __future__ import annotations

import time
from dataclasses import dataclass

import mpmath as mp

from ..precision import fmt
from .problem import Problem

__all__ = ["OptimumResult", "make_result"]


@dataclass
class OptimumResult:
    """Finite-C' optimum (CLI keys via :meth:`to_json`)."""

    c_prime: float
    dt: float
    eps: float
    R: mp.mpf
    T: mp.mpf
    kappa: mp.mpf
    learned_fraction: mp.mpf
    threshold: mp.mpf | None
    alpha: mp.mpf | None
    beta: mp.mpf | None
    nu: mp.mpf | None
    local_exponent: mp.mpf | None
    dps: int
    digits: int
    exponent_digits: int | None
    edge: str | None
    both_sides_checked: bool
    alpha_variant: str
    shift: bool
    seconds: float
    float_R: float
    kind: str = "stationary"
    #: ``{"R", "T", "threshold"}`` -> :class:`numeric.certify.Certified` (stationary optima), else None
    certified: dict | None = None
    #: the secant's final dH/dR (a warm start for the next point of a sweep), or None
    mp_slope: object = None

    def to_json(self, varsigma=2e5, tau=8e5) -> dict:
        with mp.workdps(self.dps + 20):
            d = self.dps
            N = mp.mpf(varsigma) * self.R
            D = mp.mpf(tau) * self.T
            out = {
                "C_prime": fmt(self.c_prime, 17) if self.c_prime else None,
                "R": fmt(self.R, d),
                "T": fmt(self.T, d),
                "kappa": fmt(self.kappa, d),
                "learned_fraction": fmt(self.learned_fraction, d),
                "threshold": None if self.threshold is None else fmt(self.threshold, d),
                "alpha": None if self.alpha is None else fmt(self.alpha, d),
                "beta_over_omega": None if self.beta is None or self.beta == 0 else fmt(self.beta, d),
                "nu": None if self.nu is None else fmt(self.nu, d),
                "R_over_sqrt_C": fmt(self.R / mp.sqrt(self.c_prime), d),
                "T_over_sqrt_C": fmt(self.T / mp.sqrt(self.c_prime), d),
                "N": fmt(N, d),
                "D": fmt(D, d),
                "C": fmt(6 * N * D, d),
                "local_exponent": None if self.local_exponent is None
                else fmt(self.local_exponent, max(1, min(d, self.exponent_digits or 1))),
                "local_exponent_digits": self.exponent_digits,
                "dps": d,
                "digits": self.digits,
                "on_boundary": self.edge,
                "optimum_kind": self.kind if self.edge is None else "boundary",
                "interior": self.edge is None,
                "both_sides_checked": self.both_sides_checked,
                "alpha_variant": self.alpha_variant,
                "shift": self.shift,
                "seconds": round(self.seconds, 4),
            }
            if self.certified:
                # the printed digits are those the enclosures certify
                for key, c in self.certified.items():
                    out[key] = c.text
                out["enclosures"] = {key: list(c.enclosure) for key, c in self.certified.items()}
                out["certified_by"] = {key: c.method for key, c in self.certified.items()}
                for key in ("R", "T", "threshold"):
                    if key not in self.certified and out[key] is not None:
                        out["certified_by"][key] = "not certified (verified by recomputation at two precisions)"
            else:
                out["enclosures"] = {}
                out["certified_by"] = (f"not certified: {out['optimum_kind']} optimum (digits verified by "
                                       f"recomputation at two precisions)")
            return out


def make_result(pb: Problem, R, d: dict, *, dps: int, digits: int, exponent=None, exponent_digits=None,
                edge=None, both_sides=False, t0: float, float_R: float, kind: str = "stationary"):
    """An :class:`OptimumResult` from the optimum R and the objective's details ``d`` there."""
    with mp.workdps(2 * dps + 12):
        T = mp.mpf(pb.cp) / R
        return OptimumResult(pb.cp, pb.dt, pb.eps, R, T, T / R, d["value"] / R, d["threshold"], d["alpha"],
                             d["beta"], d["nu"], exponent, dps, digits, exponent_digits, edge, both_sides,
                             pb.variant, pb.shift, time.perf_counter() - t0, float_R, kind)
