"""The project's one result type for simulated estimates, and its intervals.

A simulated quantity is an :class:`Estimate`: point estimate, confidence
interval over *independent trials* (graph instances, never nodes inside one),
confidence level, and the trial count.  Proportions use the Clopper-Pearson
interval (exact, conservative); means use Student's t.  Family-wise budgets
are split by Bonferroni with :func:`bonferroni`.

The quantiles come from ``scipy.special`` (``betaincinv`` for the beta
quantile of Clopper-Pearson, ``stdtrit`` for Student's t), imported when first
needed: ``scipy.stats`` costs about half a second of start-up and is never
imported on the simulators' path.  Confidence levels are checked by
:func:`infoscaling.numeric.validate.confidence`.

References
----------
C. J. Clopper and E. S. Pearson, Biometrika 26 (1934) 404-413.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from . import validate

__all__ = ["Estimate", "proportion", "mean", "bonferroni", "beta_quantile", "t_quantile"]


@dataclass(frozen=True)
class Estimate:
    """A simulated estimate with a confidence interval over independent trials."""

    estimate: float
    ci: tuple[float, float]
    confidence: float
    trials: int
    method: str

    def to_json(self) -> dict:
        """``{estimate, ci: [lo, hi], confidence, trials, method}``."""
        d = asdict(self)
        d["ci"] = [float(self.ci[0]), float(self.ci[1])]
        d["estimate"] = float(self.estimate)
        return d

    def contains(self, value: float, allowance: float = 0.0) -> bool:
        """True when ``value`` lies in the interval widened by ``allowance`` on each side."""
        return self.ci[0] - allowance <= value <= self.ci[1] + allowance


def _check_conf(confidence) -> float:
    return validate.confidence(confidence, "confidence")


def beta_quantile(q: float, a: float, b: float) -> float:
    """Quantile ``q`` of the Beta(a, b) law (``scipy.special.betaincinv``).

    Examples
    --------
    >>> round(beta_quantile(0.975, 1, 100), 6)  # 1 - 0.025**(1/100)
    0.036217
    """
    from scipy.special import betaincinv

    return float(betaincinv(a, b, q))


def t_quantile(q: float, df: int) -> float:
    """Quantile ``q`` of Student's t law with ``df`` degrees of freedom (``scipy.special.stdtrit``).

    Examples
    --------
    >>> round(t_quantile(0.975, 2), 6)
    4.302653
    """
    from scipy.special import stdtrit

    return float(stdtrit(df, q))


def proportion(successes: int, trials: int, confidence: float = 0.95) -> Estimate:
    """Clopper-Pearson interval for a binomial proportion.

    Examples
    --------
    >>> e = proportion(0, 100)
    >>> e.estimate, e.ci[0], round(e.ci[1], 4)
    (0.0, 0.0, 0.0362)
    """
    confidence = _check_conf(confidence)
    if trials <= 0:
        raise ValueError(f"trials must be >= 1, got {trials}")
    if not 0 <= successes <= trials:
        raise ValueError(f"successes must be in [0, trials], got {successes}")
    a = 1.0 - confidence
    # at the edges the beta quantiles have closed forms: Beta(1, n) and Beta(n, 1)
    if successes == 0:
        lo, hi = 0.0, -math.expm1(math.log(a / 2) / trials)
    elif successes == trials:
        lo, hi = math.exp(math.log(a / 2) / trials), 1.0
    else:
        lo = beta_quantile(a / 2, successes, trials - successes + 1)
        hi = beta_quantile(1 - a / 2, successes + 1, trials - successes)
    return Estimate(successes / trials, (lo, hi), confidence, int(trials), "clopper-pearson")


def mean(values, confidence: float = 0.95, bounds: tuple[float, float] | None = None) -> Estimate:
    """Student-t interval for the mean of independent trial values.

    With one trial (or zero spread) the interval collapses to the point.
    ``bounds`` (e.g. ``(0, 1)`` for fractions) clips the interval to the range
    the mean can take; clipping never lowers coverage.

    Examples
    --------
    >>> e = mean([1.0, 2.0, 3.0])
    >>> e.estimate, [round(v, 4) for v in e.ci]
    (2.0, [-0.4841, 4.4841])
    >>> [round(v, 4) for v in mean([0.0, 0.0, 1e-4], bounds=(0, 1)).ci]
    [0.0, 0.0002]
    """
    confidence = _check_conf(confidence)
    v = np.asarray(values, dtype=float)
    if v.size == 0:
        raise ValueError("mean needs at least one trial value")
    if not np.all(np.isfinite(v)):
        raise ValueError("trial values must be finite")
    m = float(v.mean())
    if v.size == 1:
        return Estimate(m, (m, m), confidence, 1, "student-t")
    se = float(v.std(ddof=1)) / math.sqrt(v.size)
    h = 0.0 if se == 0 else t_quantile(0.5 + confidence / 2, v.size - 1) * se
    lo, hi = m - h, m + h
    if bounds is not None:
        lo, hi = max(lo, float(bounds[0])), min(hi, float(bounds[1]))
    return Estimate(m, (lo, hi), confidence, int(v.size), "student-t")


def bonferroni(family_alpha: float, comparisons: int) -> float:
    """Per-comparison confidence level for a family-wise false-alarm budget.

    Examples
    --------
    >>> bonferroni(0.01, 10)
    0.999
    """
    if not (0 < family_alpha < 1):
        raise ValueError(f"family_alpha must be in (0, 1), got {family_alpha}")
    if comparisons < 1:
        raise ValueError(f"comparisons must be >= 1, got {comparisons}")
    return 1.0 - family_alpha / comparisons
