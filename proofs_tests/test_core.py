"""Core conventions: precision helpers, intervals, seeds, executor, atomic writes, verdict logic."""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from infoscaling.numeric.claims import Evidence, decide
from infoscaling.numeric.executor import ProcessEngine, SerialEngine, get_engine, run_tasks
from infoscaling.numeric.io import atomic_write
from infoscaling.numeric.precision import (
    VerificationError,
    agree_digits,
    check_dps,
    directed,
    fmt,
    verified,
)
from infoscaling.numeric.rng import resolve, root_sequence, spawn_seeds
from infoscaling.numeric.stats import bonferroni, mean, proportion


@given(st.fractions(min_value=-10**6, max_value=10**6).filter(lambda q: q != 0), st.integers(1, 60))
def test_directed_rounding_encloses(q, digits):
    with mp.workdps(digits + 30):
        v = mp.mpf(q.numerator) / q.denominator
        lo, hi = mp.mpf(directed(v, digits, up=False)), mp.mpf(directed(v, digits, up=True))
        assert lo <= v <= hi


def test_verified_refuses_unconfirmed_digits():
    calls = []

    def unstable():
        calls.append(mp.mp.dps)
        return mp.mpf(1) / 3 + mp.mpf(10) ** (-12) * len(calls)  # depends on the call: not converged

    with pytest.raises(VerificationError):
        verified(unstable, 20)
    v = verified(lambda: mp.e, 40)
    assert v.digits >= 40 and v.text.startswith("2.71828182845904523536")
    with mp.workdps(60):
        assert v.text == fmt(mp.e, 40)


def test_agree_digits():
    assert agree_digits(mp.mpf("1.2345"), mp.mpf("1.2346")) == 4
    assert agree_digits(2, 2) >= 15


@pytest.mark.parametrize("bad", [0, -1, 1001, "x", 2.5, None, True])
def test_check_dps_rejects(bad):
    with pytest.raises(ValueError, match="dps"):
        check_dps(bad)


def test_proportion_and_mean_intervals():
    e = proportion(5, 10, 0.95)
    assert e.ci[0] < 0.5 < e.ci[1] and e.trials == 10 and e.method == "clopper-pearson"
    # Clopper-Pearson is exact: coverage >= nominal for a small case, computed exactly
    from scipy.stats import binom

    n, p = 20, 0.3
    cover = sum(binom.pmf(k, n, p) for k in range(n + 1)
                if proportion(k, n, 0.9).contains(p))
    assert cover >= 0.9
    # published reference values, not recomputed by the code under test: Clopper-Pearson 5/10 at 95%
    # is [0.1871, 0.8129]; 3/20 at 90% is [0.0422, 0.3437] (asymmetric: catches swapped Beta parameters
    # or a one-sided level)
    assert e.ci == pytest.approx((0.187086028, 0.812913972), abs=1e-8)
    assert proportion(3, 20, 0.9).ci == pytest.approx((0.0421694, 0.3436638), abs=1e-7)
    # Student t: mean of 1, 2, 3 is 2 +- t(0.975; 2 df) * s/sqrt(3) with s = 1 (ddof 1): 2 +- 2.4841377
    t3 = mean([1.0, 2.0, 3.0], 0.95)
    assert t3.estimate == 2.0 and t3.ci == pytest.approx((2 - 2.4841377, 2 + 2.4841377), abs=1e-7)
    m = mean([1.0, 1.0, 1.0])
    assert m.ci == (1.0, 1.0)
    with pytest.raises(ValueError):
        mean([])
    with pytest.raises(ValueError):
        mean([1.0, math.nan])
    with pytest.raises(ValueError, match="confidence"):
        proportion(1, 2, 1.5)
    assert bonferroni(0.01, 10) == pytest.approx(0.999)


def test_seeds_are_reproducible_and_independent():
    a = [s.generate_state(2).tolist() for s in spawn_seeds(7, 3)]
    b = [s.generate_state(2).tolist() for s in spawn_seeds(7, 3)]
    assert a == b and len({tuple(x) for x in a}) == 3
    g = resolve(5)
    assert isinstance(g, np.random.Generator)
    assert resolve(g) is g
    for bad in (-1, "7", 1.5, True):
        with pytest.raises(ValueError, match="seed"):
            root_sequence(bad)


def _square(x):
    return x * x


def test_executor_order_independent_of_engine():
    tasks = list(range(20))
    serial = run_tasks(_square, tasks, SerialEngine())
    pooled = run_tasks(_square, tasks, ProcessEngine(2))
    assert serial == pooled == [t * t for t in tasks]
    assert isinstance(get_engine(1), SerialEngine)
    with pytest.raises(ValueError, match="workers"):
        get_engine(0)


def test_atomic_write(tmp_path):
    p = atomic_write(tmp_path / "a.txt", "hello")
    assert p.read_text() == "hello"
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    assert (p.stat().st_mode & 0o777) == (plain.stat().st_mode & 0o777)
    plain.unlink()
    with pytest.raises(ValueError, match="output folder"):
        atomic_write(tmp_path / "nope" / "a.txt", "x")

    # a failure during writing leaves neither the target nor a temporary file
    with pytest.raises(TypeError):
        atomic_write(tmp_path / "b.txt", 12345)  # not str/bytes
    assert not (tmp_path / "b.txt").exists()
    assert [f.name for f in tmp_path.iterdir()] == ["a.txt"]


def test_verdicts_are_computed():
    ok = Evidence("numeric", "a", True)
    bad = Evidence("numeric", "b", False)
    undecided = Evidence("simulated", "c", None)
    cav = Evidence("numeric", "d", True, caveat="asymptotic only")
    assert decide([ok])[0] == "confirmed"
    assert decide([ok, bad])[0] == "refuted"
    assert decide([ok, undecided])[0] == "pending"
    assert decide([ok, cav])[0] == "confirmed-with-caveat"
    assert decide([])[0] == "pending"
