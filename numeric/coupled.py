"""Coupled chains: density evolution, certified thresholds, potential thresholds, rates.

The coupled DE of :mod:`infoscaling.derivations.coupling` is iterated by a
compiled kernel (float64) on the 2L + 1 chain positions.  The threshold is
found by bisection on the channel parameter (``eps``) or, for concept-text
chains, on the texts per concept ``kappa``; every bisection decision is
*certified*, so the reported bracket is certain and ``digits`` is honest:

* **success** (the chain learns down to the lowest fixed point): DE is
  monotone, so iterating the *inflated* map (1 + eta) F, eta = 1e-10 (far above
  the float64 evaluation error of F) gives an upper bound of the exact iterates.
  Once its largest entry is below x_mid, the smallest unstable fixed point of
  the *uncoupled* recursion, the uncoupled recursion started there (which
  dominates every position of the chain) can only go down to the low fixed
  point: success.
* **failure**: iterating the *deflated* map (1 - eta) F to float convergence
  gives z with F(z) >= z / (1 - eta) componentwise; F(z) >= z is re-checked in
  mpmath at 30 digits.  Every exact iterate from x0 = eps stays >= z, so the
  limit keeps an entry >= max z >= x_mid: failure.
* **undecided**: the work budget of the whole bisection ran out -- near the
  threshold the learning wave crawls (its speed vanishes at the threshold) --
  and the bisection stops there.

The certified bracket is reported as ``enclosure``; ``digits`` is the number of
significant digits on which its two ends agree (the project's convention,
:func:`numeric.precision.agree_digits`) and the printed threshold is the
bracket's midpoint with that many digits (so its last digit may be off by one;
the enclosure is certain).

Examples
--------
>>> r = coupled_threshold("regular:3/regular:6", L=8, w=3, budget_work=2e7)
>>> r.lo < r.hi and r.digits >= 3, r.limited_by.split(" (")[0]
(True, 'iteration budget')
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import mpmath as mp
import numba
import numpy as np
import sympy as sp
from infoscaling.derivations.degree import Binomial, DegreeSide, FiniteSupport, Poisson, Regular
from infoscaling.derivations.ensemble import ConceptText, Ensemble, parse_ensemble

from .errors import InputError, LimitError, VerificationError, input_error
from .precision import agree_digits, check_dps, directed, fmt

__all__ = [
    "ETA",
    "MAX_WORK",
    "SideCode",
    "side_code",
    "check_chain",
    "check_message",
    "coupled_iterate",
    "coupled_threshold",
    "CoupledThreshold",
    "potential_threshold",
    "kappa_potential_threshold",
    "coupled_report",
    "PotentialThreshold",
]

#: How a coupled-chain bracket is certified (the ``certified_by`` text of the CLI).
CERTIFIED_BY = ("bisection with certified decisions: learning by the inflated chain iteration (1 + 1e-10) F "
                "falling below the uncoupled unstable fixed point; failure by a super-solution F(z) >= z "
                "checked in mpmath")
#: Relative inflation / deflation of the DE map in certified runs (>> float64 error of F).
ETA = 1e-10
#: Largest total work (position x window x iteration budget) accepted: the cost model.
MAX_WORK = 4e9
#: Default work budget of a whole bisection (position x window x iteration operations).
DEFAULT_DECISION_WORK = 1.2e9  # total over the bisection: ~3 s on an idle core


# ----------------------------------------------------------------------------- sides
@dataclass(frozen=True)
class SideCode:
    """A degree law as the compiled kernel sees it.

    ``kind`` 0: polynomial sum_i c_i x^i (``par`` = coefficients);
    1: exp(m (x - 1)) (``par`` = [m]); 2: (1 - p + p x)^e (``par`` = [e, p]).
    ``exact`` holds the same parameters as exact SymPy numbers (for mpmath checks).
    """

    kind: int
    par: np.ndarray
    exact: tuple

    def mp_params(self) -> list:
        """The exact parameters as mpf at the current precision."""
        return [mp.mpf(c.p) / c.q if getattr(c, "is_Rational", False) else mp.mpf(c) for c in self.exact]

    def mp(self, x, q=None):
        """Edge GF at ``x`` in mpmath (exact parameters ``q = mp_params()``, current precision)."""
        q = self.mp_params() if q is None else q
        if self.kind == 0:
            acc = mp.mpf(0)
            for c in reversed(q):
                acc = acc * x + c
            return acc
        if self.kind == 1:
            return mp.exp(q[0] * (x - 1))
        return (1 - q[1] + q[1] * x) ** q[0]


def side_code(side: DegreeSide) -> SideCode:
    """Compile a degree law of :mod:`derivations.degree` for the chain kernel."""
    if isinstance(side, Regular):
        d = int(side.d)
        coeffs = [sp.Integer(0)] * (d - 1) + [sp.Integer(1)]
        return SideCode(0, np.array([float(c) for c in coeffs]), tuple(coeffs))
    if isinstance(side, FiniteSupport):
        return SideCode(0, np.array([float(c) for c in side.coeffs]), tuple(side.coeffs))
    if isinstance(side, Poisson):
        return SideCode(1, np.array([float(side.m)]), (side.m,))
    if isinstance(side, Binomial):
        return SideCode(2, np.array([float(side.N - 1), float(side.p)]), (side.N - 1, side.p))
    raise InputError(f"ENSEMBLE: unsupported degree law {side!r}", "ENSEMBLE")  # pragma: no cover


def poisson_code(m: float) -> SideCode:
    """Poisson law with a float mean (exact binary value), for kappa bisection."""
    m = float(m)
    return SideCode(1, np.array([m]), (sp.Rational(m),))


# ----------------------------------------------------------------------------- kernels
@numba.njit(cache=True)
def _gf(kind, par, x):  # pragma: no cover - compiled
    if kind == 0:
        acc = 0.0
        for i in range(par.size - 1, -1, -1):
            acc = acc * x + par[i]
        return acc
    if kind == 1:
        return math.exp(par[0] * (x - 1.0))
    return (1.0 - par[1] + par[1] * x) ** par[0]


@numba.njit(cache=True)
def _one_minus_gf_one_minus(kind, par, s):  # pragma: no cover - compiled
    """1 - gf(1 - s) (gf(1) = 1); the cancellation-free form for small s.

    For s >= 1e-4 the direct form loses at most ~1e-12 relative, far below ETA.
    """
    if s >= 1e-4:
        return 1.0 - _gf(kind, par, 1.0 - s)
    if kind == 0:
        acc = 0.0
        ls = math.log1p(-s)
        for i in range(1, par.size):
            if par[i] != 0.0:
                acc += par[i] * (-math.expm1(i * ls))
        return acc
    if kind == 1:
        return -math.expm1(-par[0] * s)
    return -math.expm1(par[0] * math.log1p(-par[1] * s))


@numba.njit(cache=True)
def _monomial_power(kind, par):  # pragma: no cover - compiled
    """k when the law is x^k (kind 0, one coefficient, equal to 1, at index k), else -1."""
    if kind != 0:
        return -1
    k = -1
    for i in range(par.size):
        if par[i] != 0.0:
            if k >= 0 or par[i] != 1.0:
                return -1
            k = i
    return k


@numba.njit(cache=True, inline="always")
def _power(x, k):  # pragma: no cover - compiled
    """x^k by k multiplications: bit for bit _gf's Horner sum for the law x^k (its other
    steps add exact zeros)."""
    acc = 1.0
    for _ in range(k):
        acc = acc * x
    return acc


@numba.njit(cache=True, inline="always")
def _law(kind, par, k, x):  # pragma: no cover - compiled
    """_gf, through _power for a monomial law (k >= 0, from _monomial_power)."""
    if k >= 0:
        return _power(x, k)
    return _gf(kind, par, x)


@numba.njit(cache=True)
def _check_messages(kind, par, k, s, y):  # pragma: no cover - compiled
    """y[j] = _one_minus_gf_one_minus(kind, par, s[j]) for all j.

    A monomial law (k >= 0) is evaluated with the same operations, so the same
    bits: 1 - (1 - s)^k by multiplications in a branch-free pass (which the
    compiler vectorises), then -expm1(k log1p(-s)) where s < 1e-4.
    """
    if k < 0:
        for j in range(s.size):
            y[j] = _one_minus_gf_one_minus(kind, par, s[j])
        return
    for j in range(s.size):
        y[j] = 1.0 - _power(1.0 - s[j], k)
    for j in range(s.size):
        if s[j] < 1e-4:
            y[j] = 0.0 if k == 0 else 0.0 + (-math.expm1(k * math.log1p(-s[j])))


@numba.njit(cache=True)
def _chain_run(eps, w, lk, lp, rk, rp, x, scale, max_iter, stop_level, tol):  # pragma: no cover
    """Iterate the coupled DE in place.  Returns (status, iterations, max entry).

    status 1: max entry < stop_level (success); 2: converged (largest change <= tol
    times the largest entry); 0: budget exhausted.  Window sums are recomputed
    from scratch (no running sums: they would accumulate rounding).  Regular
    sides (x^k) are evaluated by k multiplications, bit for bit the general
    Horner evaluation (about 1.4x faster on (3,6) chains).
    """
    n = x.size
    nc = n + w - 1
    y = np.empty(nc)
    sw = np.empty(nc)
    mx = 0.0
    inv_w = 1.0 / w
    c = scale * eps
    kl = _monomial_power(lk, lp)
    kr = _monomial_power(rk, rp)
    for it in range(max_iter):
        for j in range(nc):
            s = 0.0
            lo = j - w + 1
            if lo < 0:
                lo = 0
            hi = j
            if hi > n - 1:
                hi = n - 1
            for i in range(lo, hi + 1):
                s += x[i]
            sw[j] = s * inv_w
        _check_messages(rk, rp, kr, sw, y)
        change = 0.0
        mx = 0.0
        for i in range(n):
            t = 0.0
            for j in range(i, i + w):
                t += y[j]
            v = c * _law(lk, lp, kl, t * inv_w)
            d = abs(v - x[i])
            if d > change:
                change = d
            x[i] = v
            if v > mx:
                mx = v
        if mx < stop_level:
            return 1, it + 1, mx
        if change <= tol * mx:
            return 2, it + 1, mx
    return 0, max_iter, mx


@numba.njit(cache=True)
def _scalar_g(eps, lk, lp, rk, rp, s):  # pragma: no cover - compiled
    return eps * _gf(lk, lp, _one_minus_gf_one_minus(rk, rp, s)) - s


@numba.njit(cache=True)
def _omgo_grid(kind, par, xs):  # pragma: no cover - compiled
    out = np.empty(xs.size)
    for i in range(xs.size):
        out[i] = _one_minus_gf_one_minus(kind, par, xs[i])
    return out


def check_message(code: SideCode, xs) -> np.ndarray:
    """y = 1 - gf(1 - x) of a side on an array of x (float64, cancellation-free near 0)."""
    return _omgo_grid(code.kind, code.par, np.ascontiguousarray(xs, dtype=np.float64))


@numba.njit(cache=True)
def _scalar_g_grid(eps, lk, lp, rk, rp, grid):  # pragma: no cover - compiled
    out = np.empty(grid.size)
    for i in range(grid.size):
        out[i] = _scalar_g(eps, lk, lp, rk, rp, grid[i])
    return out


def _levels(eps, lam: SideCode, rho: SideCode, ceiling: float) -> tuple[float, float]:
    """Certification levels of the uncoupled recursion at this parameter (float64).

    Returns ``(success_level, failure_level)``.  A chain state whose largest entry
    is below ``success_level`` certifies learning: the uncoupled map has
    f(s) < s on (x_low, success_level], so the dominating uncoupled recursion only
    goes down to the low fixed point x_low (``inf``: no unstable fixed point below
    eps, every start learns; ``0``: the low branch does not exist here).  A limit
    with an entry >= ``failure_level`` is not on the low branch.  ``ceiling``
    separates the low branch from the high one (the lower fold; ``inf`` when the
    recursion has the fixed point 0).
    """
    top = eps * (1 + 2 * ETA)
    grid = np.unique(np.concatenate([np.geomspace(1e-14 * top, 0.02 * top, 1200),
                                     np.linspace(0.02 * top, top, 4000)]))
    vals = _scalar_g_grid(eps, lam.kind, lam.par, rho.kind, rho.par, grid)
    neg = np.nonzero(vals < 0)[0]
    if neg.size == 0:  # f(s) > s up to eps: one fixed point, at the top
        return 0.0, min(ceiling, top)
    if ceiling == math.inf and vals[0] > 0:  # lambda(0) = 0 but x = 0 unstable (beyond stability)
        return 0.0, float(grid[0])
    k0 = neg[0]
    if grid[k0] >= ceiling:  # the only stable point below is on the high branch
        return 0.0, ceiling
    pos = np.nonzero(vals[k0:] >= 0)[0]
    if pos.size == 0:
        return math.inf, math.inf
    k1 = k0 + pos[0]
    a, b = grid[k1 - 1], grid[k1]
    for _ in range(80):  # bisection of the sign change (g(a) < 0 <= g(b))
        c = 0.5 * (a + b)
        if c <= a or c >= b:
            break
        if _scalar_g(eps, lam.kind, lam.par, rho.kind, rho.par, c) < 0:
            a = c
        else:
            b = c
    return a * (1 - 1e-9), b * (1 + 1e-9)


# ----------------------------------------------------------------------------- chain
def check_chain(L, w) -> tuple[int, int]:
    """Validate chain length L (>= 1) and window w (>= 1) against the cost model.

    Raises
    ------
    InputError
        L or w not an integer >= 1 (names ``--L`` / ``--w``).
    LimitError
        When a single wave crossing, 100 (2L+1) iterations of (2L+w) w work,
        exceeds :data:`MAX_WORK`.
    """
    from decimal import Decimal  # formats any integer (a float conversion overflows past 1e308)

    from . import validate

    L = validate.integer(L, "--L", 1)
    w = validate.integer(w, "--w", 1)
    if w > 2 * L + 1:
        raise input_error("--w", w, f"an integer in [1, 2L+1] = [1, {2 * L + 1}]")
    work = (2 * L + w) * w * 100 * (2 * L + 1)
    if work > MAX_WORK:
        raise input_error("--L", L, f"a chain whose wave crossing costs <= {MAX_WORK:.0e} operations "
                          f"((2L+w) w 100 (2L+1) = {Decimal(work):.2e} here)", LimitError)
    return L, w


def coupled_iterate(ensemble, eps, L: int, w: int, iterations: int, *, snapshots=()):
    """Plain coupled DE from x0 = eps for ``iterations`` steps (for figures and tests).

    Returns ``(x, {t: profile})`` with profiles recorded at the steps in ``snapshots``.
    """
    ens = parse_ensemble(ensemble) if isinstance(ensemble, str) else ensemble
    L, w = check_chain(L, w)
    lam, rho = side_code(ens.var), side_code(ens.check)
    x = np.full(2 * L + 1, float(eps))
    snaps, done = {}, 0
    for t in sorted(set(int(s) for s in snapshots) | {int(iterations)}):
        if t > done:
            _chain_run(float(eps), w, lam.kind, lam.par, rho.kind, rho.par, x, 1.0, t - done, -1.0, -1.0)
            done = t
        snaps[t] = x.copy()
    return x, snaps


@dataclass
class _Problem:
    """A one-parameter family of chains; ``sides(theta)`` -> (eps, lam, rho)."""

    L: int
    w: int
    sides: object
    ceiling: object  # theta -> level separating the low branch from the high one (inf: none)


def _F_mp(eps, lam: SideCode, rho: SideCode, z, w):
    """The coupled DE map in mpmath (current precision), for certificates."""
    n = len(z)
    ql, qr = lam.mp_params(), rho.mp_params()
    y = []
    for j in range(n + w - 1):
        s = mp.fsum(z[j - k] for k in range(w) if 0 <= j - k < n) / w
        y.append(1 - rho.mp(1 - s, qr))
    return [eps * lam.mp(mp.fsum(y[i + j] for j in range(w)) / w, ql) for i in range(n)]


def _decide(prob: _Problem, theta: float, max_iter: int, stats: dict) -> str:
    eps, lam, rho = prob.sides(theta)
    level, fail_level = _levels(eps, lam, rho, prob.ceiling(theta))
    if level == math.inf:
        return "success"
    n = 2 * prob.L + 1
    x = np.full(n, eps * (1 + ETA))
    status, its, mx = _chain_run(eps, prob.w, lam.kind, lam.par, rho.kind, rho.par, x, 1 + ETA,
                                 max_iter, level if level > 0 else -1.0, 1e-15)
    stats["iterations"] += int(its)
    if status == 1:
        return "success"
    if status == 0:
        return "undecided"
    # candidate failure: deflated fixed point, then an mpmath super-solution check
    status, its, mx = _chain_run(eps, prob.w, lam.kind, lam.par, rho.kind, rho.par, x, 1 - ETA,
                                 max_iter, -1.0, 1e-15)
    stats["iterations"] += int(its)
    if status != 2 or mx < fail_level:
        return "undecided"
    with mp.workdps(30):
        z = [mp.mpf(float(v)) for v in x]
        fz = _F_mp(mp.mpf(eps), lam, rho, z, prob.w)
        ok = all(f >= v for f, v in zip(fz, z))
    stats["certificates"] += 1
    return "failure" if ok else "undecided"


@dataclass
class CoupledThreshold:
    """Certified bracket [lo, hi] of a coupled-chain threshold.

    ``lo`` is certified to learn and ``hi`` to fail (for ``kappa`` the other way
    round: ``hi`` learns, ``lo`` fails).  ``text`` has ``digits`` significant
    digits, all certain (both bracket ends round to it).
    """

    parameter: str
    L: int
    w: int
    lo: float
    hi: float
    digits: int
    text: str | None
    limited_by: str
    iterations: int
    certificates: int
    seconds: float
    decisions: list = field(default_factory=list)

    @property
    def mid(self) -> float:
        return 0.5 * (self.lo + self.hi)

    def to_json(self) -> dict:
        return {"value": self.text, "digits": self.digits,
                "bracket": [directed(self.lo, 17, up=False), directed(self.hi, 17, up=True)],
                "limited_by": self.limited_by, "iterations": self.iterations,
                "certificates": self.certificates, "seconds": self.seconds}


def _common_digits(lo: float, hi: float, cap: int) -> tuple[int, str | None]:
    """Digits on which the bracket ends agree (the project's convention, precision.agree_digits),
    and the midpoint printed with that many significant digits."""
    with mp.workdps(40):
        d = min(agree_digits(mp.mpf(lo), mp.mpf(hi)), cap, 16)
        if d <= 0:
            return 0, None
        return d, fmt((mp.mpf(lo) + mp.mpf(hi)) / 2, d)


def _bisect(prob: _Problem, a: float, b: float, budget_work: float, max_digits: int, parameter: str,
            max_seconds: float | None = None) -> CoupledThreshold:
    """Bisection between a (easy side) and b (hard side) with certified decisions.

    ``budget_work`` is the total work of all decisions (each one may use what the
    previous ones left); the decision that runs out of it is ``undecided`` and ends
    the bisection.
    """
    t0 = time.perf_counter()
    work_per_iter = (2 * prob.L + prob.w) * prob.w * 2
    total = max(20_000, int(budget_work / work_per_iter))
    stats = {"iterations": 0, "certificates": 0}

    def decide(theta):
        left = max(1000, total - stats["iterations"])
        return _decide(prob, theta, left, stats)

    decisions = []
    da = decide(a)
    if da != "success":
        raise VerificationError(f"coupled chain: the easy end {parameter} = {a!r} did not certify "
                                f"learning ({da})")
    db = decide(b)
    decisions += [(a, da), (b, db)]
    if db == "success":
        lo = hi = b
        limited = "range: learns at the hard end of the search range"
    elif db != "failure":
        raise VerificationError(f"coupled chain: the hard end {parameter} = {b!r} did not certify "
                                f"failure ({db})")
    else:
        limited = "bisection"
        easy, hard = a, b
        while True:
            width = abs(hard - easy)
            if width <= 4e-16 * max(abs(easy), abs(hard)):
                limited = "float64"
                break
            if _common_digits(min(easy, hard), max(easy, hard), 17)[0] >= max_digits:
                limited = "requested digits"
                break
            if max_seconds is not None and time.perf_counter() - t0 > max_seconds:
                limited = "time"
                break
            if stats["iterations"] >= total:
                limited = "iteration budget (the learning wave is slow near the threshold)"
                break
            m = 0.5 * (easy + hard)
            dm = decide(m)
            decisions.append((m, dm))
            if dm == "success":
                easy = m
            elif dm == "failure":
                hard = m
            else:
                limited = "iteration budget (the learning wave is slow near the threshold)"
                break
        lo, hi = min(easy, hard), max(easy, hard)
    digits, text = _common_digits(lo, hi, max_digits)
    if lo == hi:  # no threshold inside the search range
        digits, text = None, None
    return CoupledThreshold(parameter, prob.L, prob.w, lo, hi, digits, text, limited, stats["iterations"],
                            stats["certificates"], time.perf_counter() - t0, decisions)


def _eps_problem(ens: Ensemble, L, w) -> _Problem:
    lam, rho = side_code(ens.var), side_code(ens.check)
    ceiling = math.inf
    if ens.has_low_degree_variables:
        from .evaluate import critical_brackets

        maxima = [b for a, b, kind in critical_brackets(ens) if kind == "max"]
        if maxima:
            ceiling = float(maxima[0])
    return _Problem(L, w, lambda th: (float(th), lam, rho), lambda th: ceiling)


def _kappa_problem(dt, eps, L, w) -> _Problem:
    dtf, epsf = float(dt), float(eps)
    rho = poisson_code(dtf / epsf)
    with mp.workdps(20):
        v_lo = -1 / mp.lambertw(-1 / mp.mpf(dtf), -1).real
        v_hi = -1 / mp.lambertw(-1 / mp.mpf(dtf), 0).real
    ceiling = epsf * float(v_lo + v_hi) / (2 * dtf)  # between the two folds, in x = eps u units
    return _Problem(L, w, lambda th: (epsf, poisson_code(dtf * float(th)), rho), lambda th: ceiling)


def coupled_threshold(ensemble, L: int, w: int, *, parameter: str = "eps", dps: int = 8,
                      budget_work: float = DEFAULT_DECISION_WORK, max_seconds: float | None = None,
                      bracket: tuple | None = None) -> CoupledThreshold:
    """Certified threshold of the coupled chain of ``ensemble`` (module notes).

    Parameters
    ----------
    ensemble : str or Ensemble
        Any ensemble string of CLI.md; ``concept-text`` uses its Poisson limit.
    L, w : int
        Chain half-length (2L + 1 positions) and coupling window.
    parameter : {"eps", "kappa"}
        Bisection on the channel erasure probability, or (concept-text only) on
        the texts per concept kappa at the ensemble's d_t (eps cancels).
    dps : int
        Digits wanted (the bisection stops earlier when a decision runs out of budget).
    budget_work : float
        Work budget of one decision (position x window operations).
    bracket : (float, float), optional
        Starting bracket (easy end, hard end); by default from the uncoupled threshold.

    Returns
    -------
    CoupledThreshold
    """
    ens = parse_ensemble(ensemble) if isinstance(ensemble, str) else ensemble
    L, w = check_chain(L, w)
    dps = check_dps(dps, "--dps")
    if parameter == "eps":
        prob = _eps_problem(ens, L, w)
        if bracket is None:
            from .thresholds import bp_threshold

            unc = bp_threshold(ens, dps=15)
            if not unc.sharp:
                raise VerificationError("coupled chain: the uncoupled ensemble has no sharp threshold "
                                        "(eps(x) monotone), so neither has the chain")
            bracket = (float(unc.value) * (1 - 1e-9), 1.0 - 1e-12)
    elif parameter == "kappa":
        if not isinstance(ens, ConceptText):
            raise input_error("ENSEMBLE", ens.spec(), "a concept-text:... ensemble for the kappa threshold")
        if not ens.dt > sp.E:
            raise input_error("ENSEMBLE", ens.spec(), "d_t > e for a sharp transition in kappa")
        prob = _kappa_problem(ens.dt, ens.eps, L, w)
        if bracket is None:
            from .optimum import kappa_star_value

            with mp.workdps(30):
                ks = float(kappa_star_value(ens.dt, 25))
            bracket = (ks * (1 + 1e-9), min(0.25, ks / 4))
    else:
        raise input_error("parameter", parameter, "'eps' or 'kappa'")
    return _bisect(prob, bracket[0], bracket[1], budget_work, dps, parameter, max_seconds)


# ----------------------------------------------------------------------------- potential
def _root(f, a, b):
    """Bracketed root (numeric.roots.illinois; an unbracketed root is a VerificationError)."""
    from .roots import illinois

    return illinois(f, a, b)


def _equal_potential(theta, U, high, low):
    """Parameter value where the high and low stable fixed points have equal potential.

    ``theta(x)``: the fixed-point curve (parameter as a function of the fixed point);
    ``U(x, th)``: the potential; ``high = (a, b)``: bracket of the high fixed point
    (H changes sign on it); ``low``: ``None`` when the low fixed point is 0 with
    U = 0, else ``(c, d)`` on which theta is monotone and the low root lies.
    Returns (theta*, x_high, x_low), or None when H keeps its sign on ``high``.
    """
    def x_low(th):
        if low is None:
            return mp.mpf(0)
        c, d = low
        fd = theta(d) - th
        for _ in range(60):  # the low root can be tiny (about e^{-d_t kappa}): move c down
            if (theta(c) - th > 0) != (fd > 0):
                break
            c = c * c
        return _root(lambda x: theta(x) - th, c, d)

    def H(xh):
        th = theta(xh)
        xl = x_low(th)
        return U(xh, th) - (U(xl, th) if low is not None else 0)

    ha, hb = H(high[0]), H(high[1])
    if not (ha > 0 > hb):  # the potentials do not cross on the bistable range
        return None
    xh = _root(H, high[0], high[1])
    th = theta(xh)
    return th, xh, x_low(th)


def _fold(f, a, b):
    return _root(f, mp.mpf(a), mp.mpf(b))


@dataclass
class PotentialThreshold:
    """Verified potential (Maxwell) threshold: value, digits, fixed points at it."""

    parameter: str
    value: mp.mpf | None
    text: str | None
    digits: int | None
    x_high: mp.mpf | None
    x_low: mp.mpf | None
    dps: int
    note: str | None = None

    def to_json(self) -> dict:
        with mp.workdps(self.dps + 10):
            return {"value": self.text, "digits": self.digits,
                    "x_high": None if self.x_high is None else fmt(self.x_high, self.dps),
                    "x_low": None if self.x_low is None else fmt(self.x_low, self.dps),
                    "note": self.note}


def _verified_pair(compute, dps, parameter):
    lo, hi = dps + 10, 2 * dps + 10
    with mp.workdps(lo):
        r1 = compute()
    with mp.workdps(hi):
        r2 = compute()
        if r1 is None or r2 is None:
            return None
        digits = min(agree_digits(r1[0], r2[0]), hi)
        if digits < dps:
            raise VerificationError(f"potential threshold ({parameter}): only {digits} digits verified")
        return PotentialThreshold(parameter, r2[0], fmt(r2[0], dps), digits, r2[1], r2[2], dps)


def potential_threshold(ensemble, dps: int = 30) -> PotentialThreshold:
    """Potential (Maxwell) threshold in eps of the scalar recursion of ``ensemble``.

    For lambda(0) = 0 it solves U(x_h; eps(x_h)) = 0 = U(0) on the high branch
    (above the BP critical point); with degree-0/1 variables it equates the
    potentials of the high and low stable fixed points on the bistable range
    between the two folds of eps(x).  ``value`` is None (with a note) when the
    recursion has no bistable range or the potentials never cross below eps = 1.
    """
    from infoscaling.derivations.coupling import potential
    from infoscaling.derivations.notation import EPS, X

    from .evaluate import compile_ensemble, critical_brackets, lambdify_mp
    from .thresholds import bp_threshold

    ens = parse_ensemble(ensemble) if isinstance(ensemble, str) else ensemble
    dps = check_dps(dps, "--dps")
    ce = compile_ensemble(ens)
    Uf = lambdify_mp((X, EPS), potential(ens, X, EPS))
    brackets = critical_brackets(ens)
    if not ce.low_degree:
        bp = bp_threshold(ens, dps=max(dps, 20))
        if bp.limited_by == "stability":
            with mp.workdps(dps + 10):
                text = fmt(bp.value, dps)
            return PotentialThreshold("eps", bp.value, text, bp.digits, None, None, dps,
                                      note="BP threshold limited by stability: the potential "
                                           "threshold is the same value")
        xbp = bp.x

        def compute():
            a = mp.mpf(xbp)
            return _equal_potential(ce.eps_of_x, Uf, (a, mp.mpf(1)), None)
    else:
        kinds = [k for _, _, k in brackets]
        if "max" not in kinds or "min" not in kinds[kinds.index("max"):]:
            return PotentialThreshold("eps", None, None, None, None, None, dps,
                                      note="no bistable range (eps(x) has no fold pair): no potential threshold")
        i = kinds.index("max")
        amax, bmax = brackets[i][0], brackets[i][1]
        j = i + kinds[i:].index("min")
        amin, bmin = brackets[j][0], brackets[j][1]

        def compute():
            xa = _fold(ce.deps_dx, amax, bmax)
            xb = _fold(ce.deps_dx, amin, bmin)
            top = ce.eps_of_x(xa)
            one = mp.mpf(1)
            xe = one if ce.eps_of_x(one) <= top else _root(lambda x: ce.eps_of_x(x) - top, xb, one)
            return _equal_potential(ce.eps_of_x, Uf, (xb, xe), (mp.mpf(10) ** (-mp.mp.dps // 2), xa))

    r = _verified_pair(compute, dps, "eps")
    if r is None:
        return PotentialThreshold("eps", None, None, None, None, None, dps,
                                  note="the high fixed point keeps the larger potential on the whole "
                                       "bistable range up to eps = 1: no potential threshold in (0, 1)")
    return r


def kappa_potential_threshold(dt, dps: int = 30) -> PotentialThreshold:
    """Potential threshold in kappa of the concept-text u-form (Poisson limit; eps cancels).

    Fixed-point curve kappa(u) = -log(u) e^{d_t u} / d_t; its folds are
    u = -1/(d_t W_k(-1/d_t)) (k = -1: lower, k = 0: upper, the jump kappa*).
    Needs d_t > e (otherwise there is no bistable range).

    Examples
    --------
    >>> kappa_potential_threshold(6, dps=12).text   # exactly 1: derivations.coupling.kappa_one_symmetry
    '1.00000000000'
    """
    from infoscaling.derivations.coupling import KAPPA, U, potential_u_form
    from infoscaling.derivations.degree import exact

    from .evaluate import lambdify_mp

    d = exact(dt, "--dt")
    if not d > sp.E:
        raise input_error("--dt", dt, "a number > e = 2.718... (otherwise no sharp transition in kappa)")
    dps = check_dps(dps, "--dps")
    Uf = lambdify_mp((U, KAPPA), potential_u_form(d, KAPPA, U))

    def compute():
        dm = mp.mpf(d.p) / d.q if d.is_Rational else mp.mpf(sp.N(d, mp.mp.dps + 5))

        def kappa_of(u):
            return -mp.log(u) * mp.exp(dm * u) / dm

        u1 = -1 / (dm * mp.lambertw(-1 / dm, -1).real)
        u0 = -1 / (dm * mp.lambertw(-1 / dm, 0).real)
        k1 = kappa_of(u1)
        ue = _root(lambda u: kappa_of(u) - k1, u0, mp.mpf(1))
        ue -= (ue - u0) * mp.mpf(10) ** (-6)  # the low root merges with the fold at ue itself
        return _equal_potential(kappa_of, Uf, (u0, ue), (mp.mpf(10) ** (-mp.mp.dps // 2), u1))

    r = _verified_pair(compute, dps, "kappa")
    if r is None:
        return PotentialThreshold("kappa", None, None, None, None, None, dps,
                                  note="the potentials do not cross on the computed bistable range")
    r.parameter = "kappa"
    return r


def coupled_report(ensemble, L, w, dps: int = 20, budget_work: float = DEFAULT_DECISION_WORK) -> dict:
    """Everything ``infoscaling coupled`` prints (CLI.md, second round).

    Keys: ``threshold`` (coupled BP threshold in eps, certified digits only),
    ``digits``, ``enclosure`` (certified bracket), ``limited_by``,
    ``uncoupled_threshold``, ``map_threshold`` (area theorem; null for ensembles
    with degree-0/1 variables), ``potential_threshold``, ``rate``,
    ``uncoupled_rate``, ``rate_loss``; for ``concept-text`` also
    ``kappa_threshold`` (+ ``kappa_digits``, ``kappa_enclosure``),
    ``kappa_potential_threshold`` (= 1 exactly), ``kappa_star`` (uncoupled jump)
    and ``texts_per_concept`` (kappa_threshold with the chain's boundary texts).
    """
    from infoscaling.derivations.coupling import rate_by_count

    from .thresholds import bp_threshold, map_threshold

    ens = parse_ensemble(ensemble) if isinstance(ensemble, str) else ensemble
    L, w = check_chain(L, w)
    dps = check_dps(dps, "--dps")
    t0 = time.perf_counter()
    out: dict = {"ensemble": ens.spec(), "L": L, "w": w, "dps": dps}
    unc = bp_threshold(ens, dps=dps)
    out["uncoupled_threshold"] = unc.text
    notes = []
    if unc.sharp:
        ct = coupled_threshold(ens, L, w, parameter="eps", dps=min(dps, 15), budget_work=budget_work)
        out.update(threshold=ct.text, digits=ct.digits, limited_by=ct.limited_by,
                   enclosure=ct.to_json()["bracket"], iterations=ct.iterations,
                   certificates=ct.certificates)
        if ct.text is None:
            notes.append(f"the chain learns at every eps up to {ct.hi!r}: no threshold below 1")
            out["enclosure"] = None
    else:
        out.update(threshold=None, digits=None, limited_by="none", enclosure=None)
        notes.append("the uncoupled ensemble has no sharp threshold, so the chain has none either")
    if ens.has_low_degree_variables or sp.simplify(ens.rho(sp.Integer(0))) != 0:
        out["map_threshold"] = None
        notes.append("map_threshold: the area-theorem MAP threshold needs lambda(0) = rho(0) = 0")
    elif unc.limited_by == "stability":
        out["map_threshold"] = unc.text
        notes.append("the BP threshold is the stability bound (no jump): MAP = BP; coupling cannot pass it")
    else:
        out["map_threshold"] = map_threshold(ens, dps).text
    if unc.sharp:
        pt = potential_threshold(ens, dps)
        out["potential_threshold"] = pt.text
        if pt.note:
            notes.append("potential_threshold: " + pt.note)
    else:
        out["potential_threshold"] = None
    r = rate_by_count(ens, L, w)
    r0 = ens.design_rate()
    with mp.workdps(dps + 10):
        out["rate"] = fmt(mp.mpf(sp.N(r, dps + 10)), dps)
        out["uncoupled_rate"] = fmt(mp.mpf(sp.N(r0, dps + 10)), dps)
        out["rate_loss"] = fmt(mp.mpf(sp.N(r0 - r, dps + 10)), dps)
    if isinstance(ens, ConceptText):
        from .optimum import kappa_star_value

        notes.append("rate is the rate of the embedding code of length R/eps (1 - kappa eps; negative "
                     "when there are more texts than code bits)")
        d = ens.dt
        if d > sp.E:
            kt = coupled_threshold(ens, L, w, parameter="kappa", dps=min(dps, 15), budget_work=budget_work)
            kp = kappa_potential_threshold(d, dps)
            with mp.workdps(dps + 10):
                ks = kappa_star_value(d, dps + 10)
                S = (1 - r) / (1 - r0)  # boundary-text overhead, S / (2L + 1)
                out.update(kappa_threshold=kt.text, kappa_digits=kt.digits,
                           kappa_enclosure=kt.to_json()["bracket"], kappa_limited_by=kt.limited_by,
                           kappa_potential_threshold=kp.text, kappa_star=fmt(ks, dps),
                           texts_per_concept=fmt(mp.mpf(kt.hi) * mp.mpf(sp.N(S, dps + 10)), min(dps, 15)))
            if ens.R is not None:
                notes.append("kappa_threshold uses the Poisson (R -> oo) limit of the concept-text ensemble")
        else:
            out.update(kappa_threshold=None, kappa_potential_threshold=None, kappa_star=None,
                       texts_per_concept=None)
            notes.append("d_t <= e: no sharp transition in kappa")
    enc, how = {}, {}
    if out.get("enclosure"):
        enc["threshold"] = out["enclosure"]
        how["threshold"] = CERTIFIED_BY
    if out.get("kappa_enclosure") and out.get("kappa_threshold"):
        enc["kappa_threshold"] = out["kappa_enclosure"]
        how["kappa_threshold"] = CERTIFIED_BY
    uj = unc.to_json()
    if (uj.get("enclosures") or {}).get("threshold"):
        enc["uncoupled_threshold"] = uj["enclosures"]["threshold"]
        how["uncoupled_threshold"] = (uj.get("certified_by") or {}).get("threshold")
    out["enclosures"], out["certified_by"] = enc, how
    out["note"] = "; ".join(notes) if notes else None
    out["seconds"] = time.perf_counter() - t0
    return out
