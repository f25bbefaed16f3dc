"""The optimiser over its whole domain (issue 8): both models, C' up to 1e60, --dps 10..MAX_OPT_DPS.

Each test here failed before the fix named in its docstring.
"""

from __future__ import annotations

import json
import math

import mpmath as mp
import pytest
from infoscaling.numeric.cli import main
from infoscaling.numeric.optimum import MAX_OPT_DPS, Problem, finite_optimum, kappa_star_value
from infoscaling.numeric.optimum.objective import classify, value
from infoscaling.numeric.optimum.refine import fold_point


@pytest.mark.parametrize("cp", [1e4, 1e6, 1e8, 1e10, 1e12, 1e14])
def test_paper_model_global_optimum_is_the_spurious_fold(cp):
    """Was: every cell pruned by the bound R_learned <= T (which the paper's objective breaks at
    its spurious optimum), best None, TypeError; now the global optimum is reported as the fold
    where the jump appears (d_t kappa -> e in the Poisson limit)."""
    r = finite_optimum(6, 0.5, cp, 20, model="paper", exponent=False)
    js = r.to_json()
    assert js["optimum_kind"] == "spurious_fold" and r.digits >= 20 and r.both_sides_checked
    # d_t kappa = e  <=>  R = sqrt(C' d_t / e) (Poisson limit; finite-R corrections O(1/R))
    assert abs(float(r.R) / math.sqrt(cp * 6 / math.e) - 1) < 5.0 / math.sqrt(cp) ** 0.5
    # it beats the consistent model's (physical) optimum under the paper's objective
    assert float(r.learned_fraction * r.R) > float(finite_optimum(6, 0.5, cp, 10, exponent=False).R) * 0.9


def test_fold_is_a_fold_and_the_value_is_the_one_sided_limit():
    pb = Problem.create(6, "0.5", 1e10, model="paper")
    r = finite_optimum(6, 0.5, 1e10, 20, model="paper", exponent=False)
    with mp.workdps(60):
        cp, dt, eps = pb.mpv()
        Rb, xb = fold_point(pb, r.R * (1 - mp.mpf("1e-6")), mp.mpf(r.threshold) * 0 + mp.mpf("0.0836"))
        d1, d2 = pb.mf["newton"](xb, Rb, cp / Rb, dt, eps)
        assert abs(d1) < mp.mpf(10) ** -50 and abs(d2) < mp.mpf(10) ** -40
        assert abs(Rb / r.R - 1) < mp.mpf(10) ** -19
        # the objective rises towards the fold and its values approach the reported one
        vals = []
        for k in (8, 12, 16):
            R = Rb * (1 - mp.mpf(10) ** -k)
            xi = xb + (mp.mpf("0.0836") - xb) * mp.sqrt(mp.mpf(10) ** -k / mp.mpf("1e-6"))
            br = classify(pb, R, xi)
            assert br.sharp
            vals.append(value(pb, R, br) / R)
        lim = r.learned_fraction
        gaps = [lim - v for v in vals]
        assert gaps[0] > gaps[1] > gaps[2] > 0 and gaps[2] < mp.mpf("1e-6")


@pytest.mark.parametrize("cp", [1e32, 1e40, 1e50, 1e60])
def test_large_compute_consistent(cp):
    """Was: 'the two precisions found different kinds of optimum' for every C' >= 1e32 (the kink
    test used a fixed cutoff 1e-7 eps that misfires once eps* - eps < 5e-8)."""
    r = finite_optimum(6, 0.5, cp, 20, exponent=False)
    assert r.kind == "stationary" and r.digits >= 20 and r.edge is None
    gap = float(r.R) / math.sqrt(cp) - float(1 / mp.sqrt(kappa_star_value(6, 30)))
    assert -1e-6 < gap < 0


@pytest.mark.parametrize("cp", [24, 30, 1e32, 1e40, 1e60])
def test_extreme_compute_paper(cp):
    """Was: 'could not be bracketed' at the smallest legal C' (the fold lies beyond the float
    stage's Poisson-limit sharpness test: undamped 2x2 Newton diverged from there) and at C' >= 1e32."""
    r = finite_optimum(6, 0.5, cp, 20, model="paper", exponent=False)
    assert r.to_json()["optimum_kind"] == "spurious_fold" and r.digits >= 20


@pytest.mark.parametrize("model", ["consistent", "paper"])
@pytest.mark.parametrize("dps", [10, 15, MAX_OPT_DPS // 2])
def test_cli_dps_range(model, dps, capsys):
    """Was: --dps 10 -> TypeError traceback (exit 3) in the paper model."""
    rc = main(["optimum", "--dt", "6", "--eps", "0.5", "--compute", "1e6", "--dps", str(dps), "--model", model,
               "--json"])
    out = capsys.readouterr()
    assert rc == 0, out.err
    js = json.loads(out.out)
    assert js["dps"] == dps and js["digits"] >= dps and len(js["R"].replace(".", "").lstrip("0")) >= dps


def test_cli_dps_limit_documented(capsys):
    rc = main(["optimum", "--dt", "6", "--eps", "0.5", "--compute", "1e6", "--dps", str(MAX_OPT_DPS + 1)])
    assert rc == 2 and "--dps" in capsys.readouterr().err
    assert main(["optimum", "--help"]) == 0
    assert f"1..{MAX_OPT_DPS} for a finite" in " ".join(capsys.readouterr().out.split())


def test_cli_verification_failure_is_exit_1(monkeypatch, capsys):
    """A solver that cannot verify its answer is exit 1 with one line, not 'bad input' (exit 2)."""
    from infoscaling.numeric import optimum
    from infoscaling.numeric.errors import VerificationError

    def fail(*a, **k):
        raise VerificationError("optimum R*: only 3 digits verified (asked for 20)")

    monkeypatch.setattr(optimum, "finite_optimum", fail)
    import infoscaling.numeric.commands.optimum as cmd

    monkeypatch.setattr(cmd, "finite_optimum", fail)
    rc = main(["optimum", "--dt", "6", "--eps", "0.5", "--compute", "1e6"])
    err = capsys.readouterr().err
    assert rc == 1 and len(err.strip().splitlines()) == 1 and "verif" in err


def test_unknown_model_cli(capsys):
    rc = main(["optimum", "--dt", "6", "--eps", "0.5", "--compute", "1e6", "--model", "papr"])
    assert rc == 2 and "--model" in capsys.readouterr().err


def test_sweep_points_limit_from_cost_model(capsys):
    """Was: --points 100000 accepted (hours of work); now a LimitError naming --points, before work."""
    import time

    t = time.perf_counter()
    rc = main(["sweep", "--dt", "6", "--eps", "0.5", "--from", "1e4", "--to", "1e6", "--points", "100000"])
    err = capsys.readouterr().err
    assert rc == 2 and "--points" in err and time.perf_counter() - t < 5
    rc = main(["sweep", "--dt", "6", "--eps", "0.5", "--from", "1e4", "--to", "1e6", "--points", "0"])
    assert rc == 2 and "--points" in capsys.readouterr().err


@pytest.mark.parametrize("cp, dps", [(1e32, 10), (1e40, 10), (1e60, 10), (1e60, 15)])
def test_low_dps_at_huge_compute(cp, dps):
    """Was: TypeError (exit 3) -- at dps + 12 working digits the binomial formulas keep only
    ~dps + 12 - log10(R) digits, the float curvature seed ruined the secant (R* = 1e24 at
    C' = 1e32); and at C' = 1e60, dps = 10 the enclosure could not be separated from the kink."""
    r = finite_optimum(6, 0.5, cp, dps)
    js = r.to_json()
    assert r.kind == "stationary" and r.digits >= dps
    assert set(js["enclosures"]) in ({"R", "T", "threshold"}, {"R", "T", "threshold", "local_exponent"})
    assert abs(float(r.R) / math.sqrt(cp) - float(1 / mp.sqrt(kappa_star_value(6, 30)))) < 1e-6


def test_batched_sweep_equals_single_points():
    """The sweep's float stage runs for all points at once and warm-starts the secant; the
    answers are those of independent single-point solves."""
    from infoscaling.numeric.optimum import sweep

    cps = [24.0, 1e3, 3.7e5, 1e9, 2e14, 1e20]
    for model in ("consistent", "paper"):
        rows = sweep(6, "0.5", cps, 20, exponent=False, model=model)
        for cp, r in zip(cps, rows):
            one = finite_optimum(6, "0.5", cp, 20, exponent=False, model=model).to_json()
            js = r.to_json()
            assert (js["R"], js["T"], js["threshold"], js["optimum_kind"]) == \
                (one["R"], one["T"], one["threshold"], one["optimum_kind"]), (model, cp)


def test_fold_without_shift_answers():
    """Was: ZeroDivisionError (exit 3) -- the paper model's spurious fold without the beta shift
    evaluated beta/Omega, which divides by eps''(x) = 0 there; the law without the shift does
    not need it."""
    r = finite_optimum(11.74, 0.514, 587471.7148112651, 5, model="paper", shift=False, exponent=False)
    assert r.to_json()["optimum_kind"] == "spurious_fold" and r.digits >= 5


def test_large_dt_never_an_internal_error():
    """Was: TypeError (exit 3) -- the fold search's Newton iteration stepped to R < d_t (p > 1),
    where the generating functions are complex; the both-sides check stepped below d_t; the
    sign-change certificate failed on a formula without x* (AttributeError).  Now an answer or a
    VerificationError (exit 1)."""
    from infoscaling.numeric.errors import VerificationError

    for dt, eps, cp, dps, kw in ((20.39, 0.633, 587680451.8477191, 10, {}), (19.49, 0.36, 7833.737946869597, 10, {}),
                                 (19.61, 0.184, 700.1086656453417, 5, {"shift": False})):
        try:
            r = finite_optimum(dt, eps, cp, dps, exponent=False, **kw)
        except VerificationError:
            continue
        assert r.digits >= dps
