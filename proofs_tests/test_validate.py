"""numeric.validate: exact parsing, consistent refusals, named arguments; stats quantiles."""

from __future__ import annotations

import math
import time
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from infoscaling.numeric import validate
from infoscaling.numeric.errors import InputError, LimitError

NON_FINITE = ["nan", "NaN", "inf", "-inf", "Infinity", "1e999", "-1e999", float("nan"), float("inf")]


@pytest.mark.parametrize("text, value", [
    ("9007199254740993", 9007199254740993),  # 2**53 + 1: never through a float
    ("1e6", 10**6), ("1E6", 10**6), ("2.0", 2), ("1.5e3", 1500), (" 42 ", 42), ("1_000", 1000),
    ("+7", 7), (np.int64(5), 5), (12.0, 12), (Fraction(8, 1), 8), (Decimal("3"), 3),
    ("1" + "0" * 40, 10**40),
])
def test_integers_are_exact(text, value):
    got = validate.integer(text, "--x")
    assert got == value and type(got) is int


@pytest.mark.parametrize("bad", ["1.5", "1e-3", "abc", "", "0x10", "1/2", True, None, 2.5, Fraction(1, 2),
                                 *NON_FINITE])
def test_non_integers_are_refused_naming_the_argument(bad):
    with pytest.raises(InputError) as info:
        validate.integer(bad, "--trials")
    assert str(info.value).startswith("--trials: got") and info.value.argument == "--trials"


def test_long_integer_strings_name_the_argument():
    """4301+ digits: our message naming --dps, never Python's int-conversion message."""
    for flag, fn in (("--dps", validate.dps), ("--seed", validate.seed), ("--n", lambda v, a: validate.integer(v, a, 1))):
        with pytest.raises(InputError) as info:
            fn("9" * 5000, flag)
        msg = str(info.value)
        assert msg.startswith(f"{flag}: got") and "Exceeds the limit" not in msg and "int_max_str_digits" not in msg
    with pytest.raises(LimitError, match=r"--dps: .*in \[1, 1000\]"):
        validate.dps("9" * 5000)


@pytest.mark.parametrize("bad", NON_FINITE)
def test_non_finite_refused_alike_everywhere(bad):
    """NaN, infinities and 1e999 get the same refusal from every number-taking validator."""
    for fn, arg in ((lambda v: validate.number(v, "--x"), "--x"),
                    (lambda v: validate.probability(v, "--eps"), "--eps"),
                    (lambda v: validate.confidence(v), "--confidence"),
                    (lambda v: validate.integer(v, "--n"), "--n")):
        with pytest.raises(InputError) as info:
            fn(bad)
        assert info.value.argument == arg and "got" in str(info.value)


def test_huge_exponents_return_at_once():
    for text in ("1e-999999999", "1e999999999", "1/1e-999999999"):
        t0 = time.perf_counter()
        with pytest.raises(InputError):
            validate.number(text, "--x")
        with pytest.raises(InputError):
            validate.integer(text, "--x")
        assert time.perf_counter() - t0 < 0.5


def test_probabilities_are_exact():
    assert validate.probability("0.42") == Fraction(21, 50)
    assert validate.probability("1/3") == Fraction(1, 3)
    assert validate.probability(0.5) == Fraction(1, 2)
    for bad in ("0", "1", "-0.1", "1.5", "1e-400", "1/0", "abc"):
        with pytest.raises(InputError, match="^--eps: got"):
            validate.probability(bad)


def test_confidence_range():
    assert validate.confidence("0.95") == 0.95
    for bad in ("0.4", "1", "1.5", "-0.5", "0.9999999999999"):
        with pytest.raises(InputError, match="^--confidence: got"):
            validate.confidence(bad)


def test_seed_workers_trials():
    assert validate.seed(None) is None and validate.seed("0") == 0
    assert validate.seed(str(2**256 - 1)) == 2**256 - 1
    with pytest.raises(InputError, match="^--seed"):
        validate.seed(str(2**256))
    with pytest.raises(InputError, match="^--seed"):
        validate.seed("-1")
    assert validate.workers(None) is None and validate.workers("2") == 2
    with pytest.raises(LimitError, match="^--workers"):
        validate.workers("65")
    assert validate.trials("1e7") == 10**7
    with pytest.raises(LimitError, match="^--trials"):
        validate.trials(str(10**7 + 1))


def test_sweep_points_cost_model():
    assert validate.sweep_points("200", 20) == 200
    with pytest.raises(LimitError, match=r"^--points: got '100000'.*at most 1800 s"):
        validate.sweep_points("100000", 20)
    # four times the digits: about sixteen times the cost per point
    top20 = int(validate.SWEEP_SECONDS / validate.SWEEP_POINT_SECONDS)
    assert validate.sweep_points(str(top20 // 16), 80) == top20 // 16
    with pytest.raises(LimitError):
        validate.sweep_points(str(top20 // 16 + 1), 80)


def test_memory_and_work_budgets():
    validate.memory(validate.GRAPH_BYTES, "--n", "g")
    with pytest.raises(LimitError, match="^--n: g would need"):
        validate.memory(validate.GRAPH_BYTES + 1, "--n", "g")
    with pytest.raises(LimitError, match="^--workers: 8 workers"):
        validate.memory(2 * 2**30, "--n", "g", 8)
    validate.simulation_work(10, validate.SIM_WORK / 10 - validate.TRIAL_OVERHEAD)
    with pytest.raises(LimitError, match="^--trials: got 11"):
        validate.simulation_work(11, validate.SIM_WORK / 10 - validate.TRIAL_OVERHEAD)


@given(st.integers(min_value=0, max_value=10**60))
def test_integer_round_trip_property(k):
    assert validate.integer(str(k), "--x") == k
    assert validate.integer(f"{k}.000", "--x") == k


@given(st.fractions(min_value=Fraction(-10**9), max_value=Fraction(10**9)))
def test_fraction_strings_round_trip(q):
    assert validate.number(f"{q.numerator}/{q.denominator}", "--x") == q


# -- the quantiles of numeric.stats (scipy.special) against scipy.stats --------------------
def test_quantiles_match_scipy_stats():
    from infoscaling.numeric.stats import beta_quantile, t_quantile
    from scipy import stats as st_

    for q in (1e-6, 0.0025, 0.025, 0.5, 0.975, 0.999995):
        for a, b in ((1, 1), (1, 100), (3, 98), (50, 51), (1000, 3)):
            assert math.isclose(beta_quantile(q, a, b), st_.beta.ppf(q, a, b), rel_tol=1e-9, abs_tol=1e-300)
        for df in (1, 2, 5, 30, 10_000):
            assert math.isclose(t_quantile(q, df), st_.t.ppf(q, df), rel_tol=1e-9, abs_tol=1e-12)


def test_clopper_pearson_coverage_edges():
    """Closed forms at the edges: k = 0 gives [0, 1 - (a/2)^(1/n)], k = n gives [(a/2)^(1/n), 1]."""
    from infoscaling.numeric.stats import proportion

    e = proportion(0, 50, 0.9)
    assert e.ci[0] == 0 and math.isclose(e.ci[1], 1 - 0.05 ** (1 / 50), rel_tol=1e-12)
    e = proportion(50, 50, 0.9)
    assert e.ci[1] == 1 and math.isclose(e.ci[0], 0.05 ** (1 / 50), rel_tol=1e-12)


_ODD = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789eE+-./_ naifINF", max_size=30),
    st.sampled_from(["1e999", "1e-999999999", "9" * 5000, "\ud800", "\x00", "١٢٣", "0x1p3", "1/0", "--1"]),
)


@given(_ODD)
def test_validators_only_raise_input_errors(text):
    """Any text: every validator returns or raises InputError naming its argument, fast."""
    for fn in (lambda v: validate.integer(v, "--a"), lambda v: validate.number(v, "--a"),
               lambda v: validate.probability(v, "--a"), lambda v: validate.confidence(v, "--a"),
               lambda v: validate.dps(v, "--a"), lambda v: validate.seed(v, "--a"),
               lambda v: validate.trials(v, "--a"), lambda v: validate.workers(v, "--a"),
               lambda v: validate.sweep_points(v, 20, "--a")):
        t0 = time.perf_counter()
        try:
            fn(text)
        except InputError as exc:
            assert exc.argument == "--a" and str(exc).startswith("--a")
        assert time.perf_counter() - t0 < 0.5


@given(st.one_of(_ODD, st.text(alphabet="regularpoisbnm:/,.=0123456789-ektxdape", max_size=40)))
def test_spec_parsers_only_raise_spec_errors(text):
    from infoscaling.derivations.specs import SpecError, parse_ensemble_spec, parse_law_spec

    for fn in (parse_ensemble_spec, parse_law_spec):
        t0 = time.perf_counter()
        try:
            fn(text)
        except SpecError as exc:
            assert str(exc)
        assert time.perf_counter() - t0 < 0.5
