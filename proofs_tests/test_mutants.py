"""The planted-bug catalogue: validated statically in the default tier, run in the deep tier.

The default tier checks that the catalogue is well formed against the current
tree (names unique, every ``find`` text present exactly ``count`` times, every
test node and claim id existing) and that the runner's machinery is sound
(mutation, node matching, the isolation canary).  Running every mutant takes
many minutes on two cores: that is the ``deep`` test at the end.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # plain ``pytest`` (not ``python -m pytest``) leaves the root off sys.path
    sys.path.insert(0, str(ROOT))
cat = importlib.import_module("proofs_tests.mutants.catalogue")
runner = importlib.import_module("proofs_tests.mutants.runner")
#: The issue asks for at least 25 realistic mutants across the areas.
MIN_MUTANTS = 25


def test_catalogue_is_valid_against_the_tree():
    mutants = cat.load()
    problems = cat.validate(mutants, ROOT)
    assert not problems, "\n".join(problems)


def test_catalogue_size_and_areas():
    mutants = cat.load()
    assert len(mutants) >= MIN_MUTANTS, f"only {len(mutants)} mutants in the catalogue"
    files = {m.file.split("/")[0] for m in mutants}
    assert {"numeric", "derivations"} <= files


def test_validate_reports_each_kind_of_problem(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("x = 1\nx = 1\n")
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "test_a.py").write_text("def test_ok():\n    pass\n\nclass TestK:\n    def test_m(self):\n        pass\n")
    good = cat.Mutant("ok-one", "pkg/a.py", "x = 1", "x = 2", 2, ("t/test_a.py::test_ok",
                      "t/test_a.py::TestK::test_m[3]"), (), "why")
    assert cat.validate([good], tmp_path, claim_ids=["A1"]) == []
    bad = [
        cat.Mutant("Bad_Name", "pkg/a.py", "x = 1", "x = 2", 2, ("t/test_a.py",), (), "w"),
        cat.Mutant("stale-one", "pkg/a.py", "x = 1", "x = 2", 1, ("t/test_a.py",), (), "w"),
        cat.Mutant("no-check", "pkg/a.py", "x = 1", "x = 2", 2, (), (), "w"),
        cat.Mutant("same", "pkg/a.py", "x = 1", "x = 1", 2, ("t/test_a.py",), (), "w"),
        cat.Mutant("missing-test", "pkg/a.py", "x = 1", "x = 2", 2, ("t/test_a.py::test_nope",), (), "w"),
        cat.Mutant("missing-file", "pkg/b.py", "x", "y", 1, ("t/test_b.py",), ("Z9",), "w"),
        cat.Mutant("ok-one", "pkg/a.py", "x = 1", "x = 3", 2, ("t/test_a.py",), (), "w"),
    ]
    problems = "\n".join(cat.validate([good, *bad], tmp_path, claim_ids=["A1"]))
    for needle in ("kebab-case", "stale", "no tests and no claims", "nothing is planted", "no test 'test_nope'",
                   "pkg/b.py does not exist", "test file t/test_b.py", "unknown claim id Z9", "duplicate name"):
        assert needle in problems


def test_load_rejects_malformed_files(tmp_path):
    (tmp_path / "x.toml").write_text('[[mutant]]\nname = "a"\nfile = "f"\nfind = "a"\nreplace = "b"\nbogus = 1\n')
    with pytest.raises(cat.CatalogueError, match="unknown key"):
        cat.load(tmp_path)
    (tmp_path / "x.toml").write_text('[[mutant]]\nname = "a"\nfile = "f"\nfind = "a"\nreplace = "b"\ncount = 0\n')
    with pytest.raises(cat.CatalogueError, match="count"):
        cat.load(tmp_path)


def test_mutate_text_replaces_exactly_count_occurrences():
    m = cat.Mutant("m", "f.py", "a + b", "a - b", 2, ("t",), (), "w")
    assert cat.mutate_text("a + b; a + b", m) == "a - b; a - b"
    with pytest.raises(LookupError, match="occurs 1 time"):
        cat.mutate_text("a + b", m)


def test_junit_failures_map_back_to_node_ids():
    fails = [("proofs_tests.test_x", "test_a[3-6]"), ("proofs_tests.test_y.TestK", "test_m"),
             ("", "proofs_tests.test_z")]
    assert runner._node_failed("proofs_tests/test_x.py::test_a", fails)
    assert not runner._node_failed("proofs_tests/test_x.py::test_ab", fails)
    assert runner._node_failed("proofs_tests/test_x.py", fails)
    assert runner._node_failed("proofs_tests/test_y.py::TestK::test_m", fails)
    assert not runner._node_failed("proofs_tests/test_y.py::test_m", fails)
    assert runner._node_failed("proofs_tests/test_z.py::test_anything", fails)  # collection error of the file
    assert not runner._node_failed("proofs_tests/test_w.py::test_a", fails)


def test_claim_holds_respects_expected_refutations():
    assert runner.claim_holds({"verdict": "confirmed"})
    assert runner.claim_holds({"verdict": "confirmed-with-caveat"})
    assert not runner.claim_holds({"verdict": "pending"})
    assert not runner.claim_holds({"verdict": "error"})
    assert runner.claim_holds({"verdict": "refuted", "expect_refuted": True})
    assert not runner.claim_holds({"verdict": "confirmed", "expect_refuted": True})


_TOY = {
    "infoscaling/__init__.py": "",
    "infoscaling/__main__.py": (
        "import json, sys\n"
        "from infoscaling.numeric import calc\n"
        "ids = sys.argv[sys.argv.index('--claims') + 1].split(',')\n"
        "v = 'confirmed' if calc.add(2, 2) == 4 else 'refuted'\n"
        "v = v if calc.mul(2, 3) == 6 else 'timeout'\n"
        "print(json.dumps({'claims': [{'id': i, 'verdict': v, 'expect_refuted': False} for i in ids]}))\n"
        "sys.exit(0 if v == 'confirmed' else 1)\n"),
    "numeric/__init__.py": "",
    "numeric/calc.py": ("def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a * b\n\n\n"
                        "def sub(a, b):\n    return a - b\n"),
    "derivations/__init__.py": "",
    "tests/test_calc.py": ("from infoscaling.numeric import calc\n\n\n"
                           "def test_add():\n    assert calc.add(2, 3) == 5\n"),
}


def test_runner_verdicts_on_a_toy_repository(tmp_path):
    """End to end on a tiny repository: killed by a test or a claim, survived, stale, invalid, timeout."""
    root = tmp_path / "toy"
    for rel, text in _TOY.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    files = runner.source_files(root)
    add, mul = ("return a + b", "return a - b"), ("return a * b", "return a ** b")
    cases = {
        "killed": cat.Mutant("t1", "numeric/calc.py", *add, 1, ("tests/test_calc.py::test_add",), (), "w"),
        "survived": cat.Mutant("t2", "numeric/calc.py", *mul, 1, ("tests/test_calc.py::test_add",), (), "w"),
        "stale": cat.Mutant("t3", "numeric/calc.py", "return a / b", "x", 1, ("tests/test_calc.py",), (), "w"),
        "invalid": cat.Mutant("t4", "numeric/calc.py", *add, 1, ("tests/test_calc.py::test_nope",), (), "w"),
    }
    claim_cases = {
        "killed": cat.Mutant("c1", "numeric/calc.py", *add, 1, (), ("X1",), "w"),
        "survived": cat.Mutant("c2", "numeric/calc.py", "return a - b", "return b - a", 1, (), ("X1",), "w"),
        # verify's 'timeout' verdict is a time-out of the check, never a kill
        "timeout": cat.Mutant("c3", "numeric/calc.py", *mul, 1, (), ("X1",), "w"),
    }
    for want, m in [*cases.items(), *claim_cases.items()]:
        r = runner.run_mutant(m, root, files, timeout=120)
        assert r.status == want, (m.name, r.status, r.reason, [c.to_json() for c in r.checks])
    # the working tree itself is never touched
    assert (root / "numeric/calc.py").read_text() == _TOY["numeric/calc.py"]
    # a check already failing without the mutant is dropped; with nothing left the mutant is invalid
    r = runner.run_mutant(cases["killed"], root, files, timeout=120, drop_tests={"tests/test_calc.py::test_add"})
    assert r.status == "invalid" and r.dropped == ["tests/test_calc.py::test_add"]


def test_copy_is_what_runs():
    """The isolation canary: a marker planted in the copy is seen by pytest and by a plain interpreter."""
    files = runner.source_files(ROOT)
    assert "numeric/__init__.py" in files and not any("__pycache__" in f for f in files)
    ok, detail = runner.canary(ROOT, files, timeout=240)
    assert ok, detail


@pytest.mark.deep
def test_every_planted_bug_is_caught():
    """Deep tier: run the whole catalogue (each mutant alone on a copy); 100% must be killed."""
    proc = subprocess.run([sys.executable, "-m", "proofs_tests.mutants", "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=4 * 3600)
    assert proc.stdout.strip(), f"no report (exit {proc.returncode}): {proc.stderr[-2000:]}"
    data = json.loads(proc.stdout)
    assert proc.returncode == 0, (data["survived"], data["stale"], data["timeout"], data["invalid"])
    assert data["killed"] == data["mutants"] >= MIN_MUTANTS
