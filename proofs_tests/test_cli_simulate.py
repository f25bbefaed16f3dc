"""``infoscaling simulate peeling`` / ``simulate giant``: CLI contract (CLI.md), in-process and subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from infoscaling.numeric.cli import main

PEELING_KEYS = {"block_failure", "residual_erased_fraction", "rounds", "trials", "seed", "n", "eps",
                "seconds"}


def run_json(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_peeling_json(capsys):
    code, out, err = run_json(capsys, ["simulate", "peeling", "regular:3/regular:6", "--n", "2000",
                                       "--eps", "0.3", "--trials", "5", "--seed", "7", "--json"])
    assert code == 0
    data = json.loads(out)
    assert PEELING_KEYS <= set(data)
    for key in ("block_failure", "residual_erased_fraction"):
        est = data[key]
        assert {"estimate", "ci", "confidence"} <= set(est)
        assert len(est["ci"]) == 2 and est["confidence"] == 0.95
    assert set(data["rounds"]) == {"mean", "max"}
    assert (data["trials"], data["seed"], data["n"], data["eps"]) == (5, 7, 2000, 0.3)
    assert data["block_failure"]["estimate"] == 0.0  # far below eps_BP = 0.4294
    assert out.count("\n") > 1 and list(json.loads(out)) == sorted(data)


def test_peeling_same_result_as_api_and_any_worker_count(capsys):
    from infoscaling.numeric.peeling import simulate_peeling

    argv = ["simulate", "peeling", "regular:3/regular:6", "--n", "1e3", "--eps", "0.44",
            "--trials", "6", "--seed", "11", "--confidence", "0.9", "--json"]
    _, out1, _ = run_json(capsys, argv + ["--workers", "1"])
    _, out2, _ = run_json(capsys, argv + ["--workers", "2"])
    a, b = json.loads(out1), json.loads(out2)
    api = simulate_peeling("regular:3/regular:6", 1000, 0.44, 6, 11, workers=1, confidence=0.9)
    for key in ("block_failure", "residual_erased_fraction", "rounds"):
        assert a[key] == b[key] == json.loads(json.dumps(api[key]))


def test_concept_text_without_eps_and_n(capsys):
    code, out, _ = run_json(capsys, ["simulate", "peeling", "concept-text:dt=6,kappa=6,eps=0.5,R=500",
                                     "--trials", "3", "--seed", "1", "--json"])
    assert code == 0
    data = json.loads(out)
    assert (data["R"], data["T"], data["n"], data["eps"]) == (500, 3000, 1000, 0.5)
    assert "unlearned_fraction" in data


@pytest.mark.parametrize("extra, name", [
    (["--n", "0"], "--n"),
    (["--n", "1e12"], "--n"),
    (["--n", "abc"], "--n"),
    (["--eps", "1.5"], "--eps"),
    (["--eps", "nan"], "--eps"),
    (["--trials", "0"], "--trials"),
    (["--trials", "2.5"], "--trials"),
    (["--seed", "-1"], "--seed"),
    (["--workers", "0"], "--workers"),
    (["--confidence", "2"], "--confidence"),
])
def test_bad_input_exit_2_one_line(capsys, extra, name):
    argv = {"--n": "100", "--eps": "0.4", "--trials": "2", "--seed": "1"}
    for flag, val in zip(extra[::2], extra[1::2], strict=True):
        argv[flag] = val
    flat = ["simulate", "peeling", "regular:3/regular:6", "--json"]
    for flag, val in argv.items():
        flat += [flag, val]
    code, out, err = run_json(capsys, flat)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert name in err


@pytest.mark.parametrize("argv, name", [
    (["simulate", "peeling", "regular:3/bogus:6", "--n", "10", "--eps", "0.4", "--trials", "1",
      "--seed", "1"], "ENSEMBLE"),
    (["simulate", "peeling", "regular:3/regular:6", "--n", "10", "--trials", "1", "--seed", "1"], "--eps"),
    (["simulate", "peeling", "regular:3/regular:6", "--eps", "0.3", "--trials", "1", "--seed", "1"], "--n"),
    (["simulate", "peeling", "regular:3/regular:6", "--n", "10", "--eps", "0.3", "--seed", "1"], "--trials"),
    (["simulate", "peeling", "concept-text:dt=6,kappa=5,eps=0.5", "--n", "100", "--eps", "0.3",
      "--trials", "1", "--seed", "1"], "--eps"),
    (["simulate", "giant", "poisson:2", "--n", "100", "--seed", "1"], "--trials"),
    (["simulate", "giant", "poisson:2", "--trials", "2", "--seed", "1"], "--n"),
    (["simulate"], "simulate"),
])
def test_bad_command_lines(capsys, argv, name):
    code, out, err = run_json(capsys, argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and name in err


def test_giant_runs_through_graphsim(capsys):
    code, out, _ = run_json(capsys, ["simulate", "giant", "poisson:2", "--n", "300", "--trials", "3",
                                     "--seed", "1", "--json"])
    assert code == 0
    data = json.loads(out)
    assert {"S", "trials", "seed", "n", "seconds"} <= set(data)


def test_missing_simulator_module_fails_loudly(monkeypatch, capsys):
    """A packaging mistake (graphsim absent) is an internal error (exit 3), not a vanished command."""
    import builtins

    real_import = builtins.__import__

    def fake_import(name, globals=None, locals=None, fromlist=(), level=0):
        if name == "graphsim" or name.endswith(".graphsim"):
            raise ModuleNotFoundError("No module named 'infoscaling.numeric.graphsim'",
                                      name="infoscaling.numeric.graphsim")
        return real_import(name, globals, locals, fromlist, level)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    code, out, err = run_json(capsys, ["simulate", "giant", "poisson:2", "--n", "30", "--trials", "2",
                                       "--seed", "1"])
    assert code == 3 and out == "" and "graphsim" in err


def test_subprocess():
    proc = subprocess.run(
        [sys.executable, "-m", "infoscaling", "simulate", "peeling", "poisson:3/poisson:6", "--n", "500",
         "--eps", "0.2", "--trials", "3", "--seed", "2", "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert PEELING_KEYS <= set(data) and data["seed"] == 2
    # no progress bar when stderr is not a terminal; at most the first-run compile note
    assert [ln for ln in proc.stderr.splitlines() if not ln.startswith("infoscaling: note: compiling")] == []
    bad = subprocess.run(
        [sys.executable, "-m", "infoscaling", "simulate", "peeling", "poisson:3/poisson:6", "--n", "-3",
         "--eps", "0.2", "--trials", "3", "--seed", "2", "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and "--n: got '-3'" in bad.stderr


def test_giant_seed_drives_the_graphs():
    """simulate giant: trial i is giant_trial(law, n, spawn_seeds(seed, trials)[i]); seeds matter."""
    from infoscaling.derivations.specs import parse_law_spec
    from infoscaling.numeric.graphsim import giant_trial, simulate_giant
    from infoscaling.numeric.rng import spawn_seeds

    a = simulate_giant("poisson:1.5", 400, 4, seed=77, workers=1)
    law = parse_law_spec("poisson:1.5")
    fractions = [giant_trial((law, 400, s))[0] for s in spawn_seeds(77, 4)]
    assert a["S"]["estimate"] == sum(fractions) / 4
    b = simulate_giant("poisson:1.5", 400, 4, seed=78, workers=1)
    assert a["S"]["estimate"] != b["S"]["estimate"]


def test_simulate_without_seed_draws_and_echoes_one(capsys):
    code, out, err = run_json(capsys, ["simulate", "giant", "regular:3", "--n", "200", "--trials", "2",
                                       "--json"])
    assert code == 0
    seed = json.loads(out)["seed"]
    assert err.strip() == f"infoscaling: note: no --seed given; drew seed {seed} (pass --seed to repeat)"
    code, out, err = run_json(capsys, ["simulate", "peeling", "regular:3/regular:6", "--n", "300", "--eps",
                                       "0.3", "--trials", "2", "--seed", "9007199254740993", "--json"])
    assert code == 0 and err == "" and json.loads(out)["seed"] == 9007199254740993


def test_first_run_compile_note(tmp_path, monkeypatch):
    """A kernel without a valid on-disk cache gets one stderr line; once cached, none."""
    import importlib
    import io

    from infoscaling.numeric.jit import is_cached, note_if_compiling

    (tmp_path / "kern_mod.py").write_text(
        "import numba\n\n@numba.njit(cache=True)\ndef twice(x):\n    return 2 * x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    mod = importlib.import_module("kern_mod")
    err = io.StringIO()
    assert not is_cached(mod.twice)
    assert note_if_compiling([mod.twice], "test", stream=err)
    assert err.getvalue() == "infoscaling: note: compiling the test kernels (first run only; cached on disk " \
                             "for later runs)\n"
    assert mod.twice(21) == 42
    assert is_cached(mod.twice)
    assert not note_if_compiling([mod.twice], "test", stream=io.StringIO())


@pytest.mark.parametrize("argv", [
    ["simulate", "peeling", "regular:3/regular:6", "--n", "1000", "--eps", "0.4", "--trials", "2", "--seed", "1"],
    ["simulate", "peeling", "poly:0,1/2,1/2/poisson:6", "--n", "1000", "--eps", "0.3", "--trials", "2", "--seed", "1"],
    ["simulate", "giant", "projection:node-poly:0,1/2,1/2/poisson:2", "--n", "1000", "--trials", "2", "--seed", "1"],
])
def test_simulate_path_imports_no_sympy_scipy_stats_matplotlib(argv):
    """Issue 12: the simulators start without SymPy, scipy.stats or matplotlib (python -X importtime)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "infoscaling", *argv, "--json"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    modules = {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines()
               if line.startswith("import time:") and "|" in line}
    simulator = "infoscaling.numeric.peeling" if argv[1] == "peeling" else "infoscaling.numeric.graphsim"
    assert simulator in modules  # the parse really saw the simulator's imports
    heavy = {m for m in modules if m.split(".")[0] in ("sympy", "matplotlib") or m.startswith("scipy.stats")}
    assert not heavy, sorted(heavy)[:10]


def test_powerlaw_cutoff_far_from_zero_is_sampled_from_its_own_range():
    """powerlaw:tau,kmin,kmax with kmin = 1e6: the table covers [kmin, kmax] only (not 1e6 zeros)."""
    import numpy as np
    from infoscaling.numeric.graphsim import sample_degrees

    deg = sample_degrees("powerlaw:3,1000000,1000003", 20_000, np.random.default_rng(3))
    assert deg.min() >= 1_000_000 and deg.max() <= 1_000_003
    # p_k ~ k^-3 over four nearly equal k: each within 1% of a quarter
    counts = np.bincount(deg - 1_000_000, minlength=4)
    assert np.all(np.abs(counts / 20_000 - 0.25) < 0.02), counts
