"""CLI contract of ``infoscaling giant`` and ``infoscaling simulate giant`` (CLI.md).

One statistical comparison (simulate giant), at the suite's per-comparison level.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest
from conftest import per_comparison_confidence
from infoscaling.numeric.cli import main
from infoscaling.numeric.commands.simulate import add_giant_arguments, run_giant

CONTRACT_KEYS = {"S", "u", "supercritical", "criterion", "mean_component_size", "dps"}


def _run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_giant_json_contract(capsys):
    code, out, err = _run(capsys, ["giant", "poisson:2", "--dps", "18", "--json"])
    assert code == 0
    data = json.loads(out)
    assert CONTRACT_KEYS <= data.keys()
    assert data["S"] == "0.796812130020020046"
    assert data["u"] == "0.203187869979979954"
    assert data["supercritical"] is True and data["criterion"] == "2"
    assert data["mean_component_size"] is None and data["dps"] == 18 and data["digits"] >= 18
    assert list(data) == sorted(data)


@pytest.mark.parametrize("law,dps", [("poisson:2", 18), ("projection:poisson:2/poisson:1", 25),
                                     ("powerlaw:5/2,1,100", 20), ("poisson:1.001", 30)])
def test_giant_enclosures_certify_printed_digits(capsys, law, dps):
    """S and u come with enclosures whose ends both round to the printed text (issue 12)."""
    from decimal import Decimal, localcontext

    code, out, _ = _run(capsys, ["giant", law, "--dps", str(dps), "--json"])
    assert code == 0
    data = json.loads(out)
    assert {"S", "u"} <= set(data["enclosures"]) and {"S", "u"} <= set(data["certified_by"])
    with localcontext() as ctx:
        ctx.prec = 200
        for key in ("S", "u"):
            lo, hi = (Decimal(v) for v in data["enclosures"][key])
            val = Decimal(data[key])
            half = Decimal(10) ** (val.adjusted() - dps + 1) / 2
            assert lo <= hi and abs(val - lo) <= half and abs(hi - val) <= half, key


def test_giant_pure_power_law_says_not_certified(capsys):
    code, out, _ = _run(capsys, ["giant", "powerlaw:5/2", "--dps", "12", "--json"])
    data = json.loads(out)
    assert code == 0 and data["enclosures"] == {}
    assert data["certified_by"]["S"].startswith("not certified")


def test_giant_subcritical_has_mean_component_size(capsys):
    code, out, _ = _run(capsys, ["giant", "poisson:1/2", "--dps", "12", "--json"])
    data = json.loads(out)
    assert code == 0 and data["S"] == "0" and data["u"] == "1" and data["supercritical"] is False
    assert data["mean_component_size"] == "2.00000000000"
    assert data["criterion"] == "-0.250000000000"


def test_giant_projection_and_power_law(capsys):
    code, out, _ = _run(capsys, ["giant", "projection:poisson:2/poisson:1", "--json"])
    data = json.loads(out)
    assert code == 0 and data["criterion"] == "1" and data["supercritical"]
    code, out, _ = _run(capsys, ["giant", "powerlaw:2.5", "--dps", "10", "--json"])
    data = json.loads(out)
    assert code == 0 and data["criterion"] == "inf" and data["supercritical"]


def test_giant_text_output(capsys):
    code, out, _ = _run(capsys, ["giant", "regular:3"])
    assert code == 0 and "S: 1" in out and "u: 0" in out


@pytest.mark.parametrize("argv,needle", [
    (["giant", "poly:1/2,1/3", "--json"], "sum to 1"),
    (["giant", "poly:1/2,-1/2,1", "--json"], "p1 must be >= 0"),
    (["giant", "powerlaw:2", "--json"], "infinite mean"),
    (["giant", "poisson:-1", "--json"], "c must be >= 0"),
    (["giant", "poisson:2", "--dps", "0", "--json"], "--dps"),
    (["giant", "poisson:2", "--dps", "ten", "--json"], "--dps"),
    (["giant", "--json"], "law"),
])
def test_giant_bad_input_exit_2(capsys, argv, needle):
    code, out, err = _run(capsys, argv)
    assert code == 2 and out == ""
    assert needle in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_giant_subprocess():
    proc = subprocess.run([sys.executable, "-m", "infoscaling", "giant", "geometric:1/2", "--dps", "20", "--json"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["S"] == "0.38196601125010515180"      # (3 - sqrt 5)/2 at 20 digits
    bad = subprocess.run([sys.executable, "-m", "infoscaling", "giant", "geometric:2", "--json"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "geometric a" in bad.stderr and bad.stdout == ""


def _sim_args(argv):
    p = argparse.ArgumentParser()
    add_giant_arguments(p)
    p.add_argument("--json", action="store_true")
    # --n and --trials are required (simulate's one rule); defaults here unless the case sets them
    argv = list(argv) + [a for flag, v in (("--n", "1000"), ("--trials", "2")) if flag not in argv
                         for a in (flag, v)]
    return p.parse_args(argv)


def test_run_giant_hook_keys_and_interval():
    args = _sim_args(["poisson:2", "--n", "1e5", "--trials", "6", "--seed", "3",
                      "--confidence", str(per_comparison_confidence())])
    data = run_giant(args)
    assert {"S", "trials", "seed", "n", "seconds"} <= data.keys()
    assert set(data["S"]) >= {"estimate", "ci", "confidence"}
    assert data["seed"] == 3 and data["n"] == 100_000 and data["trials"] == 6
    assert data["S"]["ci"][0] <= 0.796812130020020046 <= data["S"]["ci"][1]


@pytest.mark.parametrize("argv,needle", [
    (["poisson:2", "--n", "1.5"], "--n"),
    (["poisson:2", "--n", "1"], "--n"),
    (["poisson:2", "--trials", "0"], "--trials"),
    (["poisson:2", "--seed", "-4"], "--seed"),
    (["poisson:2", "--confidence", "1.5"], "--confidence"),
    (["poly:1,1"], "sum to 1"),
])
def test_run_giant_bad_input(argv, needle):
    with pytest.raises(ValueError, match=needle):
        run_giant(_sim_args(argv))


def test_simulate_giant_cli_in_process(capsys):
    code, out, err = _run(capsys, ["simulate", "giant", "regular:3", "--n", "2000", "--trials", "3",
                                   "--seed", "5", "--json"])
    if code == 2 and "not available" in err:
        pytest.fail("simulate giant is not wired to numeric.graphsim")
    assert code == 0, err
    data = json.loads(out)
    assert data["seed"] == 5 and data["trials"] == 3 and data["S"]["estimate"] > 0.95
    code, out, err = _run(capsys, ["simulate", "giant", "regular:3", "--n", "abc", "--trials", "2", "--json"])
    assert code == 2 and "--n" in err
