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
    assert rows[5]["error"].startswith("value:") and "a finite number" in rows[5]["error"]
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


# ------------------------------------------------------------------------------------
# hardened input (issue 8): each case below failed before (traceback, huge memory,
# a bare codec message, a BOM read as a missing column, 1e999 judged "NO" while
# inf was malformed, absurd parameters computed, --dps not named)
# ------------------------------------------------------------------------------------

GOOD_ROW = 'giant,"poisson:2",0.79681213002002\n'
HEADER = "quantity,spec,value\n"


def _one_line_error(capsys, *needles):
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    for n in needles:
        assert n in err, err
    return err


def test_huge_line_refused_before_reading_it_all(tmp_path):
    """A 50 MB line: exit 2 naming FILE and the limit, with bounded memory (was _csv.Error and 492 MB)."""
    f = tmp_path / "huge.csv"
    with open(f, "w") as fh:
        fh.write(HEADER + "threshold,regular:3/regular:6,0." + "1" * 50_000_000 + "\n")
    # peak memory of this process image: VmHWM (ru_maxrss would carry the forking pytest's peak over exec)
    code = ("import re, sys\nfrom infoscaling.numeric.cli import main\n"
            f"c = main(['crosscheck', {str(f)!r}])\n"
            "hwm = re.search(r'VmHWM:\\s*(\\d+) kB', open('/proc/self/status').read()).group(1)\n"
            "print(c, hwm)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    status, maxrss_kb = proc.stdout.split()
    assert status == "2", proc.stderr
    assert "FILE" in proc.stderr and "MiB" in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert int(maxrss_kb) < 300_000, f"peak memory {int(maxrss_kb) / 1024:.0f} MiB"


def test_long_fields_are_malformed_rows(tmp_path, capsys):
    """Fields beyond the csv module's limit and beyond MAX_FIELD: those rows only, with their lines."""
    f = tmp_path / "long.csv"
    f.write_text(HEADER + GOOD_ROW + 'threshold,"regular:3/regular:6",0.' + "1" * 200_000 + "\n"
                 + "threshold,regular:3/regular:6," + "2" * (cc.MAX_FIELD + 1) + "\n" + GOOD_ROW)
    code = main(["crosscheck", str(f), "--json"])
    data = json.loads(capsys.readouterr().out)
    rows = {r["line"]: r for r in data["rows"]}
    assert code == 1 and set(rows) == {2, 3, 4, 5}
    assert rows[2]["agree"] and rows[5]["agree"]
    assert "CSV record" in rows[3]["error"] and "longer than" in rows[4]["error"]
    assert data["summary"]["malformed"] == 2


def test_deeply_nested_json_exit_2(tmp_path, capsys):
    f = tmp_path / "deep.json"
    f.write_text("[" * 200_000 + "]" * 200_000)
    assert main(["crosscheck", str(f)]) == 2
    _one_line_error(capsys, "FILE", "nested too deeply")


def test_nested_json_value_is_a_malformed_row(tmp_path, capsys):
    f = tmp_path / "nested.json"
    f.write_text(json.dumps([{"quantity": "giant", "spec": "poisson:2", "value": [[0.79]]},
                             {"quantity": "giant", "spec": "poisson:2", "value": "0.79681213002002"}]))
    assert main(["crosscheck", str(f), "--json"]) == 1
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert "expected a string or a number" in rows[0]["error"] and rows[1]["agree"] is True


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_bom_files_are_read(tmp_path, capsys, encoding):
    """A UTF-8 BOM (was read as 'missing quantity') and UTF-16 with its BOM (was a bare codec message)."""
    f = tmp_path / "bom.csv"
    f.write_bytes((HEADER + GOOD_ROW).encode(encoding))
    assert main(["crosscheck", str(f), "--json"]) == 0, capsys.readouterr().err
    assert json.loads(capsys.readouterr().out)["rows"][0]["agree"] is True


def test_latin1_file_names_file(tmp_path, capsys):
    f = tmp_path / "latin1.csv"
    f.write_bytes((HEADER + 'giant,"poisson:2",0.79681213002002\ngiant,"poisson:2 caf\u00e9",1\n').encode("latin-1"))
    assert main(["crosscheck", str(f)]) == 2
    _one_line_error(capsys, "FILE", "UTF-8", "latin1.csv")


def test_inf_and_1e999_are_malformed_alike(tmp_path, capsys):
    values = ["inf", "1e999", "-1e999", "nan", "Infinity"]
    f = tmp_path / "inf.csv"
    f.write_text(HEADER + "".join(f"giant,poisson:2,{v}\n" for v in values))
    assert main(["crosscheck", str(f), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [r["agree"] for r in data["rows"]] == [None] * len(values)
    assert all(r["error"].startswith("value:") and "finite number" in r["error"] for r in data["rows"])
    assert data["summary"]["malformed"] == len(values) and data["summary"]["disagree"] == 0
    g = tmp_path / "inf.json"   # JSON: 1e999 parses to float inf
    g.write_text('[{"quantity": "giant", "spec": "poisson:2", "value": 1e999}]')
    assert main(["crosscheck", str(g), "--json"]) == 1
    row = json.loads(capsys.readouterr().out)["rows"][0]
    assert row["agree"] is None and "finite number" in row["error"]


def test_absurd_parameters_refused_before_computing(tmp_path, capsys):
    """dt = 1e308 was computed into a number with a 308-digit exponent; now each row names its parameter."""
    import time

    f = tmp_path / "absurd.csv"
    f.write_text("quantity,spec,value,compute,M,p,eta\n"
                 "kappa_star,dt=1e308,1,,,,\n"
                 'optimum_R,"dt=6,eps=0.5",1,1e308,,,\n'
                 'optimum_R,"dt=1e308,eps=0.5",1,1e6,,,\n'
                 "tail,,1,,1" + "0" * 40 + ",0.5,3\n"
                 "tail,,1,,1" + "0" * 5000 + ",0.5,3\n")
    t0 = time.perf_counter()
    assert main(["crosscheck", str(f), "--json"]) == 1
    assert time.perf_counter() - t0 < 30
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert all(r["agree"] is None for r in rows), rows
    errors = [r["error"] for r in rows]
    assert "dt" in errors[0] and "compute" in errors[1] and "dt" in errors[2]
    assert all("M" in e for e in errors[3:])


def test_dps_with_thousands_of_digits_names_dps(tmp_path, capsys):
    f = tmp_path / "x.csv"
    f.write_text(HEADER + GOOD_ROW)
    assert main(["crosscheck", str(f), "--dps", "1" * 5000]) == 2
    _one_line_error(capsys, "--dps")
    assert main(["crosscheck", str(f), "--rtol", "1e999"]) == 2
    _one_line_error(capsys, "--rtol")


def test_too_many_rows_exit_2(tmp_path, capsys):
    f = tmp_path / "many.csv"
    f.write_text(HEADER + "x,y,1\n" * (cc.MAX_ROWS + 1))
    assert main(["crosscheck", str(f)]) == 2
    _one_line_error(capsys, "FILE", f"more than {cc.MAX_ROWS} rows")


def test_quantity_table_is_the_dispatch():
    """Every quantity of CLI.md has one table entry (parse, ours, diagnose); tail is the extra one."""
    assert cc.QUANTITIES == ("threshold", "alpha", "beta_over_omega", "nu", "giant", "kappa_star", "optimum_R")
    assert cc.EXTRA_QUANTITIES == ("tail",)
    for name, q in cc.QUANTITY_TABLE.items():
        assert q.name == name and callable(q.parse) and callable(q.ours) and callable(q.diagnose)
    with pytest.raises(cc.RowError, match="unknown quantity"):
        cc.our_value("bogus", {"spec": "poisson:2"})


def test_rel_diff_never_divides_by_zero():
    from infoscaling.numeric.reference import rel_diff

    assert rel_diff(0, 0) == 0.0 and rel_diff("1e-30", 0) == 1.0 and rel_diff(0, 2) == 1.0
    assert rel_diff(mp.mpf(3), mp.mpf(2)) == 0.5


def test_reference_emulation_is_model_md_section_6():
    """The one emulation of the published notebook has MODEL.md 6's cut, window, sign errors and tail."""
    from infoscaling.numeric.skills import chernoff_bounds
    from infoscaling.numeric.thresholds import bp_threshold

    assert (ref.X_CUT, ref.WINDOW, ref.TOL) == (0.1, (0.2, 0.6), 1e-16)
    ens = parse_ensemble("regular:3/regular:6")
    r = ref.threshold(ens)
    ours = bp_threshold(ens, 20)
    assert not r["on_cut"] and ref.rel_diff(r["eps"], ours.value) < 1e-9      # x* = 0.26 > 0.1: the cut is harmless
    assert abs(ref.alpha(r["fe"], r["x"], r["eps"]) - 0.9385) < 1e-4            # MODEL.md 6 item 2
    assert ref.block_failure(1000, 0.4, 0.4, 0.5) == 0.5                          # Q(0): no beta shift
    assert ref.training_error_small_delta("1e-3", 6) == pytest.approx(3.6e-5, rel=1e-12)
    R, edge = ref.window_optimum(1e4)                                             # C' <~ 1.5e4: on the edge
    assert edge == "upper" and R == pytest.approx(0.6 * 100, rel=1e-6)
    with mp.workdps(30):
        lo, _ = chernoff_bounds(2000, mp.mpf("0.01"), 15)
    assert ref.chernoff_tail(2000, 0.01, 15) < float(lo)                         # below the derived bracket
    assert ref.chernoff_tail(2000, 0.01, 21) - ref.chernoff_tail(2000, 0.01, 19) > 0.9   # jumps up at the mean


def test_a_value_given_to_few_digits_is_explained_only_by_a_cause_that_rounds_to_it(tmp_path, capsys):
    """'0.5' for the (3,6) threshold (0.4294...) was 'explained' by the x >= 0.1 search (tolerance 100 %)."""
    f = tmp_path / "few.csv"
    f.write_text(HEADER + "threshold,regular:3/regular:6,0.5\nalpha,regular:3/regular:6,0.9385\n")
    assert main(["crosscheck", str(f), "--json"]) == 1
    th, al = json.loads(capsys.readouterr().out)["rows"]
    assert th["agree"] is False and th["note"] is None
    assert al["note"].startswith("alpha computed with sign variant")     # 0.93853... rounds to 0.9385


def test_json_numbers_are_read_as_their_text(tmp_path, capsys):
    """A 5000-digit JSON integer raised Python's int-conversion error (exit 2, FILE not named); long JSON
    decimals were rounded to a float.  Now numbers keep their text, like CSV fields."""
    f = tmp_path / "numbers.json"
    f.write_text('[{"quantity": "giant", "spec": "poisson:2", "value": ' + "1" * 5000 + "},"
                 ' {"quantity": "giant", "spec": "poisson:2", "value": 0.796812130020020046161520937938}]')
    assert main(["crosscheck", str(f), "--json", "--rtol", "1e-25"]) == 1
    big, exact = json.loads(capsys.readouterr().out)["rows"]
    assert big["agree"] is None and big["error"].startswith("value:")
    assert exact["agree"] is True and exact["rel_diff"] < 1e-25    # a float would differ by ~1e-17


def test_repeated_keys_and_columns_are_refused(tmp_path, capsys):
    """A repeated JSON key or CSV column silently kept the last value; which one was meant is unknown."""
    f = tmp_path / "dup.json"
    f.write_text('[{"quantity": "giant", "spec": "poisson:2", "value": "0.7968", "value": "0.5"}]')
    assert main(["crosscheck", str(f), "--json"]) == 1
    assert "given more than once" in json.loads(capsys.readouterr().out)["rows"][0]["error"]
    g = tmp_path / "dup.csv"
    g.write_text("quantity,spec,value,value\ngiant,poisson:2,0.7968,0.5\n")
    assert main(["crosscheck", str(g)]) == 2
    _one_line_error(capsys, "FILE", "more than once")


def test_stdin_without_a_byte_buffer(monkeypatch):
    """In a notebook sys.stdin may be text-only (no .buffer): '-' still reads it (was AttributeError)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(HEADER + GOOD_ROW))
    out = cc.crosscheck_file("-", "1e-9", 20)
    assert out["file"] == "-" and out["rows"][0]["agree"] is True


def test_time_budget_reports_remaining_rows_as_not_checked(tmp_path, capsys):
    """A wall-time budget for the whole file bounds its run time; rows left are 'not checked', never agreement."""
    f = tmp_path / "budget.csv"
    f.write_text(HEADER + GOOD_ROW * 3)
    assert main(["crosscheck", str(f), "--budget", "1e-9", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert all(r["agree"] is None and r["error"].startswith("not checked") for r in data["rows"])
    s = data["summary"]
    assert (s["unchecked"], s["agree"], s["malformed"], s["budget"]) == (3, 0, 0, 1e-9)
    assert main(["crosscheck", str(f), "--json"]) == 0          # the default budget checks them all
    assert json.loads(capsys.readouterr().out)["summary"]["unchecked"] == 0
    for bad in ("0", "-1", "inf", "1e7", "abc"):
        assert main(["crosscheck", str(f), "--budget", bad]) == 2
        _one_line_error(capsys, "--budget")
