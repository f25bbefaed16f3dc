"""CLI contract of scaling-params, optimum and sweep (CLI.md): in-process and one subprocess run."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest
from infoscaling.numeric.cli import main


def _run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_scaling_params_json(capsys):
    code, out, err = _run(capsys, ["scaling-params", "regular:3/regular:6", "--dps", "12", "--json"])
    assert code == 0
    d = json.loads(out)
    for k in ("alpha", "beta_over_omega", "nu", "threshold", "x", "y", "dps"):
        assert k in d
    assert d["alpha"].startswith("0.56035473921") and d["beta_over_omega"].startswith("0.6169487")
    assert d["threshold"].startswith("0.42943981441") and d["dps"] == 12
    assert len(d["alpha"].replace("0.", "", 1)) == 12
    # certified: every printed high-precision key has an enclosure whose ends round to it
    from decimal import Decimal, localcontext

    keys = {"alpha", "beta_over_omega", "nu", "alpha_reference", "threshold", "x", "y"}
    assert set(d["enclosures"]) == keys == set(d["certified_by"])
    with localcontext() as ctx:
        ctx.prec = 200
        for k in keys:
            lo, hi = (Decimal(v) for v in d["enclosures"][k])
            val = Decimal(d[k])
            half = Decimal(10) ** (val.adjusted() - 12 + 1) / 2
            assert lo <= hi and abs(val - lo) <= half and abs(hi - val) <= half, k


def test_optimum_asymptotic_json(capsys):
    code, out, _ = _run(capsys, ["optimum", "--dt", "6", "--eps", "0.5", "--asymptotic", "--dps", "25",
                                 "--json"])
    assert code == 0
    d = json.loads(out)
    for k in ("kappa_star", "R_over_sqrt_C", "T_over_sqrt_C", "closed_form_latex", "dps"):
        assert k in d
    assert d["kappa_star"].startswith("4.532989619860748774198") and d["dps"] == 25


def test_optimum_compute_json(capsys):
    code, out, _ = _run(capsys, ["optimum", "--dt", "6", "--eps", "0.5", "--compute", "1e9", "--json"])
    assert code == 0
    d = json.loads(out)
    for k in ("R", "T", "kappa", "learned_fraction", "threshold", "alpha", "dps"):
        assert k in d
    assert d["interior"] and d["digits"] >= 20
    assert abs(float(d["R"]) * float(d["T"]) / 1e9 - 1) < 1e-15


def test_sweep_json_and_csv(capsys, tmp_path):
    f = tmp_path / "sweep.csv"
    code, out, err = _run(capsys, ["sweep", "--dt", "6", "--eps", "0.5", "--from", "1e6", "--to", "1e12",
                                   "--points", "3", "--output", str(f), "--format", "csv", "--json"])
    assert code == 0
    d = json.loads(out)
    assert len(d["rows"]) == 3
    for row in d["rows"]:
        for k in ("R", "T", "kappa", "learned_fraction", "threshold", "alpha", "dps", "C_prime", "N", "D",
                  "C", "local_exponent"):
            assert k in row
        assert abs(float(row["N"]) / (2e5 * float(row["R"])) - 1) < 1e-15
        assert abs(float(row["C"]) / (6 * float(row["N"]) * float(row["D"])) - 1) < 1e-15
    rows = list(csv.DictReader(f.open()))
    assert [r["C_prime"] for r in rows] == [r["C_prime"] for r in d["rows"]]
    # json file output
    g = tmp_path / "sweep.json"
    assert main(["sweep", "--dt", "6", "--eps", "0.5", "--from", "1e8", "--to", "1e8", "--points", "1",
                 "--output", str(g), "--no-exponent", "--json"]) == 0
    capsys.readouterr()
    assert json.loads(g.read_text())["rows"][0]["local_exponent"] is None


@pytest.mark.parametrize("argv, word", [
    (["optimum", "--dt", "0", "--eps", "0.5", "--compute", "1e6"], "dt"),
    (["optimum", "--dt", "6", "--eps", "1.2", "--compute", "1e6"], "eps"),
    (["optimum", "--dt", "6", "--eps", "0.5", "--compute", "5"], "too small"),
    (["optimum", "--dt", "6", "--eps", "0.5", "--compute", "1e6", "--dps", "100000"], "dps"),
    (["optimum", "--dt", "2", "--eps", "0.5", "--asymptotic"], "exceed e"),
    (["optimum", "--dt", "6", "--eps", "0.5"], "required"),
    (["scaling-params", "regular:2/regular:6"], "scaling law"),
    (["scaling-params", "nonsense"], "ensemble"),
    (["sweep", "--dt", "6", "--eps", "0.5", "--from", "1e8", "--to", "1e6", "--points", "3"], "--to"),
    (["sweep", "--dt", "6", "--eps", "0.5", "--from", "1e6", "--to", "1e8", "--points", "0"], "--points"),
])
def test_bad_input_exit_2_one_line(capsys, argv, word):
    code, out, err = _run(capsys, argv + ["--json"])
    assert code == 2 and out == ""
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and word.lower() in lines[0].lower() and "Traceback" not in err


def test_subprocess_scaling_params():
    p = subprocess.run([sys.executable, "-m", "infoscaling", "scaling-params", "regular:3/regular:6", "--dps",
                        "8", "--json"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["alpha"] == "0.56035474" and d["beta_over_omega"] == "0.61694870"
    q = subprocess.run([sys.executable, "-m", "infoscaling", "optimum", "--dt", "-1", "--eps", "0.5",
                        "--asymptotic", "--json"], capture_output=True, text=True, timeout=120)
    assert q.returncode == 2 and q.stdout == "" and len(q.stderr.strip().splitlines()) == 1


def test_scaling_params_large_exact_binomial(capsys):
    """The CLI.md example with exact binomial sides (constants with > 4300 digits) evaluates."""
    from infoscaling.numeric.cli import main as cli_main

    code = cli_main(["scaling-params", "binomial:5000,0.006/binomial:2000,0.006", "--dps", "15", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert 0.5 < float(data["alpha"]) < 0.7 and data["threshold"] is not None


def test_scaling_params_at_the_maximum_precision(capsys):
    """--dps at its documented maximum works (the critical point used to be asked for dps + 5 digits,
    beyond the limit, and the command refused its own maximum as bad input)."""
    from infoscaling.numeric.precision import MAX_DPS

    code, out, err = _run(capsys, ["scaling-params", "regular:3/regular:6", "--dps", str(MAX_DPS), "--json"])
    assert code == 0, err
    d = json.loads(out)
    assert d["digits"] >= MAX_DPS and d["alpha"].startswith("0.560354739214426236047")
