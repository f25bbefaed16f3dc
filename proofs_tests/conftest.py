"""Shared test configuration: Hypothesis profiles, precision reset, statistical budget.

Statistical design
------------------
Every simulation test compares estimates with theory through confidence
intervals over independent graph instances.  The whole default test tier has
a **family-wise false-alarm budget of FAMILY_ALPHA = 1e-3**: each statistical
test module declares how many comparisons it makes and uses
``per_comparison_confidence(k)`` (Bonferroni over the ``STAT_COMPARISONS``
comparisons of the suite), so a reseeded run of the whole suite passes with
probability at least 1 - 1e-3 when the theory is right.  Near critical points
finite-size bias is not noise: tests there add an explicit, documented
allowance (e.g. the n^(-1/3) critical window of random graphs, or the AMRU
n^(-2/3) shift of thresholds) instead of widening intervals.
"""

from __future__ import annotations

import importlib.abc
import os
import sys

import mpmath
import pytest
from hypothesis import HealthCheck, settings


class _NoBareLayoutPackages(importlib.abc.MetaPathFinder):
    """Refuse ``import numeric`` / ``import derivations``: the folders install as
    ``infoscaling.numeric`` / ``infoscaling.derivations`` only.  With the repository
    root on ``sys.path`` (``python -m pytest``) a bare import would silently load a
    second copy of the code; this makes such a slip fail loudly in the tests."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname in ("numeric", "derivations") or fullname.startswith(("numeric.", "derivations.")):
            raise ImportError(f"import infoscaling.{fullname}, not the bare layout folder {fullname!r}")
        return None


sys.meta_path.insert(0, _NoBareLayoutPackages())

#: Family-wise false-alarm probability of the statistical tests in the default tier.
FAMILY_ALPHA = 1e-3
#: Upper bound on the number of CI comparisons made by the default tier (Bonferroni).
STAT_COMPARISONS = 200

settings.register_profile("default", deadline=None, max_examples=25,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", deadline=None, max_examples=25, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", deadline=None, max_examples=500,
                          suppress_health_check=[HealthCheck.too_slow])
if os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])
elif os.environ.get("CI", "").lower() == "true":
    settings.load_profile("ci")
else:
    settings.load_profile("default")


def per_comparison_confidence() -> float:
    """Confidence level of one CI comparison under the suite's family-wise budget."""
    return 1.0 - FAMILY_ALPHA / STAT_COMPARISONS


@pytest.fixture(autouse=True)
def _reset_precision():
    """Every test starts and ends at mpmath's default precision."""
    mpmath.mp.dps = 15
    yield
    assert mpmath.mp.dps == 15, "a test or library call leaked a global mpmath precision change"
    mpmath.mp.dps = 15
