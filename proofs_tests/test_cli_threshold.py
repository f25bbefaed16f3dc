"""The threshold command: in-process and as a real subprocess, JSON contract, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pytest
from infoscaling.numeric.cli import main

KEYS = {"threshold", "x", "y", "sharp", "limited_by", "dps", "digits", "enclosure", "closed_form_latex"}


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_threshold_json_contract(capsys):
    code, out, err = run(capsys, "threshold", "regular:3/regular:6", "--dps", "25", "--json")
    assert code == 0
    data = json.loads(out)
    assert KEYS <= data.keys()
    assert data["threshold"] == "0.4294398144194918371556095"
    assert data["digits"] >= 25 and data["dps"] == 25
    assert data["sharp"] is True and data["limited_by"] == "tangency"
    lo, hi = data["enclosure"]
    # the independent direct minimisation at twice the precision lies inside the printed enclosure
    from infoscaling.derivations.ensemble import parse_ensemble
    from infoscaling.numeric.certify import contains
    from infoscaling.numeric.claims.decoding import direct_bp_threshold

    assert contains((lo, hi), direct_bp_threshold(parse_ensemble("regular:3/regular:6"), 50))
    assert data["enclosures"]["threshold"] == [lo, hi]
    assert set(data["enclosures"]) == {"threshold", "x", "y"} == set(data["certified_by"])
    assert "interval Newton" in data["certified_by"]["threshold"]
    assert "x^{*}" in data["closed_form_latex"]
    assert list(data) == sorted(data)  # sorted keys


def _digits_consistent(text: str, enclosure, digits: int, dps: int) -> None:
    """Both ends of the enclosure round to the printed text, and its width fits the claimed digits."""
    lo, hi = (Decimal(v) for v in enclosure)
    val = Decimal(text)
    ulp_printed = Decimal(10) ** (val.adjusted() - dps + 1)
    assert abs(lo - val) <= ulp_printed / 2 and abs(hi - val) <= ulp_printed / 2
    assert hi - lo <= Decimal(10) ** (val.adjusted() - digits + 1), (
        f"enclosure width {hi - lo} does not support the {digits} digits reported")


@pytest.mark.parametrize("argv", [
    ["regular:3/regular:6", "--dps", "36"],
    ["regular:3/regular:6", "--kind", "map", "--dps", "30"],
    ["poisson:27/poisson:12", "--dps", "40"],
    ["concept-text:dt=6,kappa=5,eps=0.5,R=1000", "--dps", "25"],
])
def test_printed_digits_are_those_the_enclosure_certifies(capsys, argv):
    """Issue 8's survivor: the digit check bypassed made the CLI claim 55 digits; each claimed digit is
    now backed by the enclosure's width, and every printed key (threshold, x, y) is covered."""
    code, out, _ = run(capsys, "threshold", *argv, "--json")
    assert code == 0
    data = json.loads(out)
    dps = data["dps"]
    _digits_consistent(data["threshold"], data["enclosures"]["threshold"], data["digits"], dps)
    for key in ("x", "y"):
        _digits_consistent(data[key], data["enclosures"][key], dps, dps)


@pytest.mark.parametrize("spec", ["regular:300/regular:600", "regular:100000/regular:200000",
                                  "concept-text:dt=6,kappa=5,eps=0.5,R=10000000"])
def test_large_degrees_are_fast(capsys, spec):
    """Issue 8: these took > 120 s or 4.7 GB; the family-compiled code makes them as cheap as (3,6)."""
    import time

    t0 = time.perf_counter()
    code, out, _ = run(capsys, "threshold", spec, "--dps", "30", "--json")
    assert code == 0 and time.perf_counter() - t0 < 30
    data = json.loads(out)
    _digits_consistent(data["threshold"], data["enclosures"]["threshold"], data["digits"], 30)


def test_threshold_no_sharp(capsys):
    code, out, _ = run(capsys, "threshold", "poisson:2/poisson:12", "--json")
    data = json.loads(out)
    assert code == 0 and data["threshold"] is None and data["sharp"] is False
    assert data["limited_by"] == "none" and data["enclosure"] is None


def test_threshold_map(capsys):
    code, out, _ = run(capsys, "threshold", "regular:3/regular:6", "--kind", "map", "--dps", "22", "--json")
    data = json.loads(out)
    assert code == 0 and data["threshold"] == "0.4881508841915662005814"


def test_threshold_concept_text(capsys):
    code, out, _ = run(capsys, "threshold", "concept-text:dt=6,kappa=5,eps=0.5,R=1000", "--json")
    data = json.loads(out)
    assert code == 0 and data["sharp"] and data["x"] is not None


@pytest.mark.parametrize("argv,needle", [
    (["threshold", "regular:3/regular:x"], "check side"),
    (["threshold", "regular:3/regular:6", "--dps", "0"], "--dps"),
    (["threshold", "regular:3/regular:6", "--dps", "abc"], "--dps"),
    (["threshold", "regular:3/regular:6", "--dps", "100000"], "--dps"),
    (["threshold", "regular:3/regular:6", "--kind", "ml"], "--kind"),
    (["threshold", "poisson:27/poisson:12", "--kind", "map"], "MAP"),
    (["threshold", "concept-text:dt=6,kappa=5,eps=1.2"], "eps"),
    (["threshold"], "ensemble"),
    (["verify", "--claims", "Z9"], "--claims"),
])
def test_bad_input_one_line_exit_2(capsys, argv, needle):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in err


def test_subprocess_and_module_entry_point():
    proc = subprocess.run([sys.executable, "-m", "infoscaling", "threshold", "regular:2/regular:6", "--json"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["threshold"].startswith("0.2000")
    bad = subprocess.run([sys.executable, "-m", "infoscaling", "threshold", "nonsense"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_verify_json_keys(capsys):
    code, out, _ = run(capsys, "verify", "--claims", "A12", "--json")
    data = json.loads(out)
    assert code == 0
    assert set(data) >= {"claims", "summary"}
    claim = data["claims"][0]
    assert set(claim) >= {"id", "title", "verdict", "evidence", "seconds"}
    assert claim["id"] == "A12" and claim["verdict"] == "confirmed"
    assert data["summary"]["confirmed"] == 1


def test_verify_markdown_output_file(tmp_path, capsys):
    target = tmp_path / "report.md"
    code, out, _ = run(capsys, "verify", "--claims", "A12", "--format", "markdown", "--output", str(target))
    assert code == 0
    text = target.read_text()
    assert text.startswith("# infoscaling") and "| A12 |" in text and "## A12: confirmed" in text
    assert not list(tmp_path.glob("*.tmp"))


def test_failed_output_leaves_no_file(tmp_path, capsys):
    target = tmp_path / "missing-dir" / "report.json"
    code, _, err = run(capsys, "verify", "--claims", "A12", "--json", "--output", str(target))
    assert code == 2 and "output folder" in err
    assert not target.exists()


def test_second_run_uses_stored_derivations_without_sympy(tmp_path):
    """Issue 12: the derived code and closed form are stored after the first run; a second process
    answers without importing SymPy, with the same JSON (start-up target: <= 0.8 s as a process)."""
    import os

    env = dict(os.environ, INFOSCALING_CACHE_DIR=str(tmp_path))
    probe = ("import sys, json; from infoscaling.numeric.cli import main; "
             "code = main(['threshold', 'regular:3/regular:6', '--json']); "
             "print('SYMPY' if 'sympy' in sys.modules else 'NOSYMPY', file=sys.stderr); sys.exit(code)")
    first = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=300)
    second = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=300)
    assert first.returncode == 0 and second.returncode == 0
    assert "NOSYMPY" in second.stderr.splitlines()[-1]
    assert json.loads(first.stdout) == json.loads(second.stdout)
    no_store = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300,
                              env=dict(os.environ, INFOSCALING_CACHE_DIR=""))
    assert json.loads(no_store.stdout) == json.loads(second.stdout)
