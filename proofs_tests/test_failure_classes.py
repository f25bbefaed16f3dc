"""The CLI's failure classes as real processes, and the command table behind lazy start-up.

Exit 0 success; 1 a check failed or a value could not be verified (one line on stderr); 2 bad
input (one line naming the argument); 3 internal error (one line, the traceback only with
``--debug``).  ``--help`` and ``--version`` import no command module.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
import time

import pytest
from infoscaling.numeric import cli

#: Whole-process start-up budget of ``--help`` / ``--version`` (seconds; issue 12 asks 0.3 s on an idle
#: machine; the median of several runs is compared, with head-room for a loaded shared machine).
STARTUP_BUDGET = 0.6


def _run(*argv, code: str | None = None, timeout=300, **kw):
    cmd = [sys.executable, "-c", code, *argv] if code else [sys.executable, "-m", "infoscaling", *argv]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)


def _one_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


#: Runs the CLI in a fresh process with ``threshold.run`` replaced by a function raising ``sys.argv[1]``
#: (an exception class of the taxonomy or a builtin); the rest of argv is the command line.
RAISER = """
import sys
import infoscaling.numeric.commands.threshold as t
from infoscaling.numeric import errors
from infoscaling.numeric.cli import main
kind = sys.argv[1]
exc = getattr(errors, kind, None) or getattr(__builtins__, kind)
def boom(args):
    raise exc("planted " + kind + " inside the command")
t.run = boom  # register() binds func=run when the CLI calls it, after this line
raise SystemExit(main(sys.argv[2:]))
"""


def test_exit_2_bad_input_names_the_argument():
    proc = _run("threshold", "regular:3/regular:6", "--dps", "abc")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "--dps" in _one_line(proc.stderr)
    proc = _run("threshold", "regular:3/regular:6", "--no-such-option")
    assert proc.returncode == 2 and "--no-such-option" in _one_line(proc.stderr)


def test_exit_1_check_failed(tmp_path):
    f = tmp_path / "theirs.csv"
    f.write_text("quantity,spec,value\nthreshold,regular:3/regular:6,0.5\n")
    proc = _run("crosscheck", str(f), "--json")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("debug", [False, True])
def test_exit_1_verification_error_is_one_line(debug):
    proc = _run("VerificationError", "threshold", "regular:3/regular:6", *(["--debug"] if debug else []), code=RAISER)
    assert proc.returncode == 1, proc.stderr
    first = proc.stderr.splitlines()[0]
    assert first == "infoscaling: check failed: planted VerificationError inside the command"
    if not debug:
        _one_line(proc.stderr)


def test_solver_value_error_is_not_bad_input():
    """A plain ValueError (e.g. from a solver) is still exit 2 by the taxonomy; VerificationError is never 2."""
    proc = _run("InputError", "threshold", "regular:3/regular:6", code=RAISER)
    assert proc.returncode == 2 and "planted InputError" in _one_line(proc.stderr)


@pytest.mark.parametrize("kind", ["KeyError", "ZeroDivisionError", "RecursionError"])
def test_exit_3_internal_error(kind):
    proc = _run(kind, "threshold", "regular:3/regular:6", code=RAISER)
    assert proc.returncode == 3, proc.stderr
    line = _one_line(proc.stderr)
    assert line.startswith(f"infoscaling: internal error: {kind}") and "--debug" in line
    proc = _run(kind, "--debug", "threshold", "regular:3/regular:6", code=RAISER)
    assert proc.returncode == 3 and "Traceback (most recent call last)" in proc.stderr
    assert f"{kind}: " in proc.stderr.splitlines()[-1]


def test_help_and_version_import_no_command_module():
    code = ("import sys; from infoscaling.numeric.cli import main; rc = main(sys.argv[1:]); "
            "mods = [m for m in sys.modules if m.startswith('infoscaling.numeric.commands.') "
            "or m in ('sympy', 'scipy', 'numpy', 'mpmath', 'matplotlib')]; print(mods, file=sys.stderr); "
            "raise SystemExit(rc)")
    for argv in (["--help"], ["--version"], []):
        proc = _run(*argv, code=code)
        assert proc.returncode == (2 if not argv else 0)
        assert proc.stderr.splitlines()[-1] == "[]", (argv, proc.stderr)
    proc = _run("--help", code=code)
    for name, _, _ in cli.COMMANDS:  # every command listed, none imported
        assert f"    {name}" in proc.stdout
    proc = _run("verify", "--help", code=code)
    assert "--budget" in proc.stdout and "'infoscaling.numeric.commands.verify'" in proc.stderr
    assert "'infoscaling.numeric.commands.threshold'" not in proc.stderr


def test_startup_time_of_help_and_version():
    for flag in ("--help", "--version"):
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "infoscaling", flag], capture_output=True, timeout=60)
            times.append(time.perf_counter() - t0)
            assert proc.returncode == 0
        median = sorted(times)[2]
        assert median < STARTUP_BUDGET, (flag, times)


def test_command_table_matches_the_modules():
    """Every listed command exists in its module with the table's help line, and nothing is unlisted."""
    registered = {}
    for module in cli.COMMAND_MODULES:
        p = argparse.ArgumentParser()
        sub = p.add_subparsers()
        importlib.import_module(module).register(sub)
        for action in sub._choices_actions:
            registered[action.dest] = (module, action.help)
    table = {name: (f"infoscaling.numeric.commands.{mod}", help_) for name, mod, help_ in cli.COMMANDS}
    assert registered == table
    full = cli.build_parser(full=True)
    assert set(full._subparsers._group_actions[0].choices) == set(table)


def test_missing_command_module_is_loud(monkeypatch, capsys):
    monkeypatch.setattr(cli, "COMMANDS", [*cli.COMMANDS, ("ghost", "no_such_command", "a command whose module is missing")])
    with pytest.raises(ModuleNotFoundError):
        cli.build_parser(full=True)
    assert cli.main(["ghost"]) == 3
    assert "ModuleNotFoundError" in capsys.readouterr().err


# --- library-level conversions: bad data is InputError, non-convergence is VerificationError -----

def test_chinchilla_bad_data_is_input_error(tmp_path):
    from infoscaling.numeric import chinchilla as nch
    from infoscaling.numeric.errors import InputError

    bad = tmp_path / "latin1.csv"
    bad.write_bytes("Model Size,Training FLOP,loss\n1e9,1e20,2.5\xe9\n".encode("latin-1"))
    for content in (None, b"Model Size,Training FLOP,loss\n1e9,nan,2.5\n", b"a,b\n1,2\n"):
        if content is not None:
            bad.write_bytes(content)
        with pytest.raises(InputError, match="latin1.csv"):
            nch.load_data(bad, drop_highest=0)


def test_chinchilla_refit_without_convergence_is_verification_error(monkeypatch):
    from infoscaling.numeric import chinchilla as nch
    from infoscaling.numeric.errors import VerificationError

    class Failed:  # every start stopped without convergence, at a finite point
        success, fun, message = False, 1.0, "ABNORMAL_TERMINATION_IN_LNSRCH"
        x = [5.0, 5.0, 0.5, 0.3, 0.3]

    class Diverged(Failed):  # reported as converged, but not finite
        success, fun, x = True, float("nan"), [float("nan")] * 5

    for result in (Failed, Diverged):
        monkeypatch.setattr(nch.sopt, "minimize", lambda *a, r=result, **k: r())
        with pytest.raises(VerificationError, match="did not converge"):
            nch.huber_refit(grid="quick")


def test_skills_path_failure_is_not_hidden(monkeypatch):
    import numpy as np
    from infoscaling.numeric import optimum, skills
    from infoscaling.numeric.errors import VerificationError

    monkeypatch.setattr(optimum, "compute_optimal_path", lambda dt, eps, grid, **k: (np.full(len(grid), np.nan),) * 2)
    with pytest.raises(VerificationError):
        skills.compute_path([1e8, 1e12])

    def broken(dt, eps, grid, **k):
        raise ZeroDivisionError("a bug in the optimiser")

    monkeypatch.setattr(optimum, "compute_optimal_path", broken)
    with pytest.raises(ZeroDivisionError):  # a bug stays a bug (CLI exit 3), no silent fallback path
        skills.compute_path([1e8])


def test_half_accuracy_degree_is_bracketed_root():
    import mpmath as mp
    from infoscaling.numeric import skills

    k = skills.half_accuracy_degree()
    ns = skills.SkillSettings().n_values
    with mp.workdps(30):
        g = 1 + mp.lambertw(-k * mp.exp(-k), 0).real / k
        assert abs(mp.fsum(g**n for n in ns) / len(ns) - mp.mpf(1) / 2) < 1e-14
