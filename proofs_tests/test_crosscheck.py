"""crosscheck: planted faults of each known kind are diagnosed; malformed lines; exit codes; stdin;
the Hypothesis search finds a planted sign error."""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys

import mpmath as mp
import pytest
from infoscaling.derivations.ensemble import parse_ensemble
from infoscaling.numeric import crosscheck as cc
from infoscaling.numeric import reference as ref
from infoscaling.numeric.cli import main

CT_BELOW = "concept-text:dt=6,kappa=5,eps=0.1,R=1000"   # critical point x* = 0.0835 < 0.1
CT_NOJUMP = "concept-text:dt=6,kappa=0.4,eps=0.5,R=1000"  # eps(x) monotone: no threshold


def _csv(rows, header=("quantity", "spec", "value", "dt", "eps", "compute", "M", "p", "eta")) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    for r in rows:
        w.writerow([r.get(h, "") for h in header])
    return buf.getvalue()


@pytest.fixture(scope="module")
def planted():
    """Rows as a faulty implementation (numeric.reference, the emulation claim R1 uses) would write them."""
    from infoscaling.numeric.amru import scaling_params
    from infoscaling.numeric.optimum import finite_optimum

    p36 = scaling_params(parse_ensemble("regular:3/regular:6"), 20)
    fe = ref.FloatEnsemble(parse_ensemble("regular:3/regular:6"))
    with mp.workdps(30):
        noshift = finite_optimum(6, "1/2", 1e6, 10, shift=False, exponent=False).R
        W = mp.lambertw(-1 / mp.mpf(6), -1).real
        lower_kappa = -W * mp.exp(-1 / W) / 6
    rows = [
        # line 2: agrees (float64 rounding of the right value)
        {"quantity": "threshold", "spec": "regular:3/regular:6", "value": repr(float(p36.threshold.value))},
        # 3, 4: threshold search restricted to x >= 0.1
        {"quantity": "threshold", "spec": CT_BELOW, "value": repr(ref.threshold(parse_ensemble(CT_BELOW))["eps"])},
        {"quantity": "threshold", "spec": CT_NOJUMP,
         "value": repr(ref.threshold(parse_ensemble(CT_NOJUMP))["eps"])},
        # 5: alpha with the three sign errors
        {"quantity": "alpha", "spec": "regular:3/regular:6",
         "value": repr(ref.alpha(fe, float(p36.x), float(p36.threshold.value)))},
        # 6: beta shift dropped
        {"quantity": "beta_over_omega", "spec": "regular:3/regular:6", "value": "0"},
        # 7: optimum on the window edge (C' = 1e4)
        {"quantity": "optimum_R", "spec": "dt=6,eps=0.5", "compute": "1e4",
         "value": repr(ref.window_optimum(1e4)[0])},
        # 8: optimum without the beta shift
        {"quantity": "optimum_R", "spec": "concept-text:dt=6,kappa=1,eps=0.5", "compute": "1e6",
         "value": mp.nstr(noshift, 12)},
        # 9: base-mismatched Chernoff tail (the R1 re-implementation)
        {"quantity": "tail", "spec": "", "M": "2000", "p": "0.01", "eta": "30",
         "value": repr(ref.chernoff_tail(2000, 0.01, 30))},
        # 10: trivial root of u = G1(u)
        {"quantity": "giant", "spec": "poisson:2", "value": "0"},
        # 11: wrong Lambert branch for kappa*
        {"quantity": "kappa_star", "spec": "", "dt": "6", "value": mp.nstr(lower_kappa, 15)},
    ]
    return rows


EXPECTED_NOTES = {
    2: "float64/float128 precision",
    3: "threshold restricted to x >= 0.1",
    4: "threshold restricted to x >= 0.1",
    5: "alpha computed with sign variant",
    6: "beta shift dropped",
    7: "optimum on the search-window edge",
    8: "beta shift dropped",
    9: "Chernoff bound base mismatch",
    10: "trivial root u = 1",
    11: "lower fold",
}


def test_each_known_fault_is_diagnosed(planted, tmp_path, capsys):
    f = tmp_path / "theirs.csv"
    f.write_text(_csv(planted))
    code = main(["crosscheck", str(f), "--dps", "20", "--rtol", "1e-9", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1  # some rows disagree
    rows = {r["line"]: r for r in data["rows"]}
    assert set(rows) == set(EXPECTED_NOTES)
    for line, note in EXPECTED_NOTES.items():
        r = rows[line]
        assert "error" not in r, r
        assert r["note"] is not None and r["note"].startswith(note), (line, r)
        assert {"line", "quantity", "spec", "theirs", "ours", "rel_diff", "agree", "note"} <= r.keys()
    assert rows[2]["agree"] is True and all(rows[k]["agree"] is False for k in rows if k != 2)
    assert "artefact" in rows[4]["note"] and rows[4]["ours"] is None          # no sharp threshold here
    assert "below 0.1" in rows[3]["note"]
    s = data["summary"]
    assert (s["rows"], s["agree"], s["disagree"], s["malformed"]) == (10, 1, 9, 0)


def test_agreeing_file_exits_zero_and_json_input(tmp_path, capsys):
    from infoscaling.numeric.thresholds import bp_threshold

    th = bp_threshold(parse_ensemble("binomial:5000,0.006/binomial:2000,0.006"), 25).text
    rows = [{"quantity": "threshold", "spec": "binomial:5000,0.006/binomial:2000,0.006", "value": th},
            {"quantity": "giant", "spec": "poisson:2", "value": "0.7968121300200200461615209"}]
    f = tmp_path / "ok.json"
    f.write_text(json.dumps(rows))
    assert main(["crosscheck", str(f), "--dps", "25", "--rtol", "1e-20", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["line"] for r in data["rows"]] == [1, 2] and all(r["agree"] for r in data["rows"])


def test_malformed_rows_reported_with_line_numbers(tmp_path, capsys):
    text = ("quantity,spec,value\n"
            "threshold,regular:3/regular:6,0.4294398144194918\n"   # 2 ok
            "bogus,regular:3/regular:6,1\n"                         # 3 unknown quantity
            "threshold,foo:3/regular:6,0.4\n"                       # 4 unknown ensemble
            "alpha,regular:3/regular:6,abc\n"                       # 5 non-numeric value
            "threshold,regular:3/regular:6\n"                       # 6 missing column
            "\n"
            'giant,"poisson:2",0.79681213002002\n')                 # 8 ok, after a blank line
    f = tmp_path / "bad.csv"
    f.write_text(text)
    code = main(["crosscheck", str(f), "--rtol", "1e-12", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    rows = {r["line"]: r for r in data["rows"]}
    assert set(rows) == {2, 3, 4, 5, 6, 8}
    assert rows[2]["agree"] and rows[8]["agree"]
    assert "unknown quantity" in rows[3]["error"]
    assert "unknown ensemble" in rows[4]["error"]
    assert "not a number" in rows[5]["error"]
    assert "missing" in rows[6]["error"]
    assert all(rows[k]["agree"] is None for k in (3, 4, 5, 6))
    assert data["summary"]["malformed"] == 4


@pytest.mark.parametrize("content,needle", [
    (None, "cannot read"),
    ("a,b,c\n1,2,3\n", "header"),
    ("[1, 2", "invalid JSON"),
    ("", "empty"),
])
def test_unreadable_files_exit_2(tmp_path, capsys, content, needle):
    f = tmp_path / "x.csv"
    if content is not None:
        f.write_text(content)
    assert main(["crosscheck", str(f)]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_bad_options_exit_2(tmp_path, capsys):
    f = tmp_path / "x.csv"
    f.write_text("quantity,spec,value\ngiant,poisson:2,0.79\n")
    assert main(["crosscheck", str(f), "--rtol", "abc"]) == 2
    assert main(["crosscheck", str(f), "--dps", "0"]) == 2
    assert "--dps" in capsys.readouterr().err


def test_stdin_subprocess():
    text = 'quantity,spec,value\nalpha,"regular:3/regular:6",0.93853238409554\nkappa_star,dt=6,4.5329896198607\n'
    proc = subprocess.run([sys.executable, "-m", "infoscaling", "crosscheck", "-", "--rtol", "1e-10", "--json"],
                          input=text, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    a, k = data["rows"]
    assert a["note"].startswith("alpha computed with sign variant") and not a["agree"]
    assert k["agree"] is True and k["rel_diff"] < 1e-12
    assert data["file"] == "-"


def test_find_disagreement_planted_sign_error_giant():
    def theirs(c):
        w = mp.lambertw(-c * mp.exp(-c)).real
        return 1 - w / c if c > 1 else 0.0        # planted: + became -

    d = cc.find_disagreement(theirs, "giant", adapter=lambda p: (p["c"],), max_examples=25, dps=20)
    assert d.found
    assert d.minimal["params"]["c"] == pytest.approx(1.1)   # shrunk to the smallest supercritical c
    assert d.minimal["rel_diff"] > 1 and d.worst["rel_diff"] >= d.minimal["rel_diff"]


def test_find_disagreement_planted_sign_error_alpha():
    from infoscaling.numeric.amru import direct_scaling_params
    from infoscaling.numeric.thresholds import bp_threshold

    def theirs(l, r):   # the reference's alpha: three terms with the wrong sign
        ens = parse_ensemble(f"regular:{l}/regular:{r}")
        return direct_scaling_params(ens, bp_threshold(ens, 20).x, 20)["alpha_reference"]

    d = cc.find_disagreement(theirs, "alpha", adapter=lambda p: (p["l"], p["r"]), max_examples=8, dps=15)
    assert d.found and d.minimal["params"]["spec"] == "regular:3/regular:4"
    assert d.minimal["rel_diff"] > 0.05


def test_find_disagreement_none_when_correct():
    def theirs(dt):
        w = mp.lambertw(-1 / mp.mpf(dt)).real
        return -w * mp.exp(-1 / w) / dt

    d = cc.find_disagreement(theirs, "kappa_star", max_examples=15, rtol=1e-9, dps=20)
    assert not d.found and d.minimal is None and d.worst["rel_diff"] < 1e-12 and d.examples >= 10
    assert math.isfinite(d.worst["rel_diff"])
