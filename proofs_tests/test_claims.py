"""Every registry claim runs its quick evidence; the verify JSON contract; the Markdown report.

The whole quick registry is computed once per module (``quick_results``) and
its work must fit the 2-minute budget of ``infoscaling verify --profile quick``
(asserted in :func:`test_quick_registry_within_budget` on CPU time, this process
and its workers: wall time on a shared machine measures the machine's load).
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from infoscaling.numeric import claims as reg
from infoscaling.numeric.claims import (
    CLAIM_TABLE,
    FAILED_VERDICTS,
    VERDICTS,
    Claim,
    Evidence,
    all_claims,
    run_claim,
)
from infoscaling.numeric.cli import main
from infoscaling.numeric.report import to_json, to_markdown, to_text

#: The documented budget of the quick profile of all claims together (seconds).
QUICK_BUDGET = 120.0
EVIDENCE_KEYS = {"kind", "description", "passed", "details", "caveat", "seconds"}
CLAIM_KEYS = {"id", "title", "verdict", "evidence", "seconds"}

CLAIMS = all_claims()


@pytest.fixture(scope="module")
def quick_results():
    import resource

    from infoscaling.numeric.claims.runner import run_claims

    def cpu():
        own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime

    c0, t0 = cpu(), time.perf_counter()
    results = {r.id: r for r in run_claims(CLAIMS, "quick", workers=os.cpu_count() or 1)}
    return results, cpu() - c0, time.perf_counter() - t0


def test_registry_covers_claims_md():
    assert [c.id for c in CLAIMS][: len(CLAIM_TABLE)] == list(CLAIM_TABLE)


def test_quick_registry_within_budget(quick_results):
    _, cpu_seconds, wall = quick_results
    assert cpu_seconds < QUICK_BUDGET, f"quick profile of all claims took {cpu_seconds:.0f} s CPU ({wall:.0f} s wall)"


@pytest.mark.parametrize("claim_id", [c.id for c in CLAIMS])
def test_claim_quick_evidence(quick_results, claim_id):
    results = quick_results[0]
    r = results[claim_id]
    assert r.verdict in VERDICTS and r.verdict not in FAILED_VERDICTS, (claim_id, r.reason)
    if r.verdict == "pending" and not r.evidence:
        pytest.skip(f"{claim_id} pending: {r.reason}")
    crashed = [e.description for e in r.evidence if e.description.startswith("evidence computation raised")]
    assert not crashed, crashed
    assert not (r.verdict == "refuted" and not r.expect_refuted), f"{claim_id} refuted: {r.reason}"
    for e in r.evidence:
        assert e.kind in ("symbolic", "numeric", "simulated")
        assert e.description and e.seconds >= 0 and e.passed in (True, False, None)
        assert EVIDENCE_KEYS <= e.to_json().keys()
        json.dumps(e.to_json(), default=str)
        if e.kind == "simulated":  # says with which seed and how many trials
            text = json.dumps(e.details, default=str)
            assert "seed" in text and "trials" in text, (claim_id, e.description)
    # the verdict is the one computed from the evidence
    assert (r.verdict, r.reason) == reg.decide(r.evidence)


def test_verify_json_contract(quick_results):
    results = quick_results[0]
    ordered = [results[c.id] for c in CLAIMS]
    data = json.loads(json.dumps(to_json(ordered, "quick"), default=str))
    assert {"claims", "summary"} <= data.keys()
    assert [c["id"] for c in data["claims"]] == list(CLAIM_TABLE)
    for c in data["claims"]:
        assert CLAIM_KEYS <= c.keys()
        assert c["verdict"] in VERDICTS and isinstance(c["seconds"], (int, float))
        for e in c["evidence"]:
            assert EVIDENCE_KEYS <= e.keys()
    s = data["summary"]
    assert all(s[v] == sum(c["verdict"] == v for c in data["claims"]) for v in VERDICTS)
    assert s["total"] == len(CLAIM_TABLE) == sum(s[v] for v in VERDICTS)


def test_markdown_report_has_every_claim(quick_results):
    results = quick_results[0]
    ordered = [results[c.id] for c in CLAIMS]
    md = to_markdown(ordered, "quick")
    assert md.startswith("# infoscaling")
    for r in ordered:
        assert f"| {r.id} | {r.source} | **{r.verdict}** |" in md
        assert f"## {r.id}: {r.verdict}" in md
        for e in r.evidence:
            assert e.description.strip()[:40] in md
    # table rows stay single-line (titles with '|' are escaped)
    table = [line for line in md.splitlines() if line.startswith("| ") and "**" in line]
    assert len(table) == len(ordered)
    assert md.count("```json") == md.count("</details>")
    text = to_text(ordered)
    assert all(f"{r.id:<4} {r.verdict}" in text for r in ordered)


def test_verify_cli_in_process_and_subprocess(capsys):
    assert main(["verify", "--claims", "A9,R1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [c["id"] for c in data["claims"]] == ["A9", "R1"]
    assert data["claims"][1]["verdict"] == "confirmed"
    proc = subprocess.run([sys.executable, "-m", "infoscaling", "verify", "--claims", "A7", "--format", "markdown"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "## A7: " in proc.stdout and "verify: A7" in proc.stderr


def test_unexpected_refutation_exits_1(monkeypatch, capsys):
    def refuting(profile):
        return [Evidence("numeric", "a planted failing check", False, {"dps": 15})]

    monkeypatch.setitem(reg._REGISTRY, "A9", Claim("A9", "t", "paper", "", refuting))
    assert main(["verify", "--claims", "A9", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["claims"][0]["verdict"] == "refuted" and data["summary"]["unexpected_refuted"] == ["A9"]
    monkeypatch.setitem(reg._REGISTRY, "A9", Claim("A9", "t", "paper", "", refuting, expect_refuted=True))
    assert main(["verify", "--claims", "A9", "--json"]) == 0


def test_crash_is_an_error_verdict():
    def crashing(profile):
        raise RuntimeError("boom")

    r = run_claim(Claim("A9", "t", "paper", "", crashing), "quick")
    assert r.verdict == "error" and "boom" in r.reason
    assert r.evidence[0].description.startswith("evidence computation raised")
    assert "traceback" in r.evidence[0].details


# --- error and timeout verdicts, budgets, workers, output formats -------------------------------

TESTS_DIR = Path(__file__).resolve().parent


@pytest.fixture
def broken(monkeypatch):
    """Register the test-only claims of ``broken_claims`` for one test (the registry is restored after)."""
    monkeypatch.setattr(reg, "_REGISTRY", dict(reg._REGISTRY))
    monkeypatch.syspath_prepend(str(TESTS_DIR))
    mod = importlib.import_module("broken_claims")
    importlib.reload(mod)  # registers into the patched registry
    return mod


def _strip_seconds(obj):
    if isinstance(obj, dict):
        return {k: _strip_seconds(v) for k, v in obj.items() if k != "seconds"}
    if isinstance(obj, list):
        return [_strip_seconds(v) for v in obj]
    return obj


@pytest.mark.parametrize("workers", ["1", "2"])
def test_error_and_timeout_verdicts_exit_1(broken, capsys, workers):
    t0 = time.perf_counter()
    code = main(["verify", "--claims", "X-OK,X-ERROR,X-SLEEP", "--budget", "1.5", "--workers", workers, "--json"])
    assert time.perf_counter() - t0 < 12  # the sleeping claim (20 s) was stopped at its budget
    out = capsys.readouterr().out
    data = json.loads(out)
    verdicts = {c["id"]: c["verdict"] for c in data["claims"]}
    assert verdicts == {"X-OK": "confirmed", "X-ERROR": "error", "X-SLEEP": "timeout"}
    assert code == 1
    s = data["summary"]
    assert s["errors"] == ["X-ERROR"] and s["timeouts"] == ["X-SLEEP"] and s["failed"] == ["X-ERROR", "X-SLEEP"]
    assert s["error"] == 1 and s["timeout"] == 1 and s["confirmed"] == 1
    bad = {c["id"]: c for c in data["claims"]}
    assert "planted failure" in bad["X-ERROR"]["reason"] and "1.5 s" in bad["X-SLEEP"]["reason"]
    # a control: the good claim alone exits 0
    assert main(["verify", "--claims", "X-OK", "--workers", workers, "--json"]) == 0


def test_budget_default_is_per_profile(broken, monkeypatch, capsys):
    monkeypatch.setitem(reg.BUDGETS, "quick", 1.0)
    t0 = time.perf_counter()
    assert main(["verify", "--claims", "X-SLEEP", "--workers", "1", "--json"]) == 1
    assert time.perf_counter() - t0 < 12
    assert json.loads(capsys.readouterr().out)["claims"][0]["verdict"] == "timeout"


def test_error_and_timeout_in_subprocess(tmp_path):
    env = dict(os.environ, INFOSCALING_EXTRA_CLAIMS="broken_claims",
               PYTHONPATH=os.pathsep.join([str(TESTS_DIR), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, "-m", "infoscaling", "verify", "--claims", "X-ERROR,X-SLEEP,X-OK",
                           "--budget", "2", "--workers", "2"],
                          capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    rows = {line.split()[0]: line.split()[1] for line in proc.stdout.splitlines() if line.startswith("X-")}
    assert rows == {"X-ERROR": "error", "X-SLEEP": "timeout", "X-OK": "confirmed"}
    assert "FAILED: X-ERROR (error), X-SLEEP (timeout)" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_parallel_output_equals_serial(capsys):
    runs = {}
    for w in ("1", "2"):
        assert main(["verify", "--claims", "A9,A7,A11", "--workers", w, "--json"]) == 0
        runs[w] = _strip_seconds(json.loads(capsys.readouterr().out))
    assert [c["id"] for c in runs["2"]["claims"]] == ["A7", "A9", "A11"]  # table order, not finishing order
    assert runs["1"] == runs["2"]


def test_parallel_results_in_table_order(broken, capsys):
    """X-SLOW finishes after X-OK, but the report keeps the order of the claims given."""
    assert main(["verify", "--claims", "X-OK,X-SLOW", "--workers", "2", "--json"]) == 0
    assert [c["id"] for c in json.loads(capsys.readouterr().out)["claims"]] == ["X-SLOW", "X-OK"]


def test_budget_interrupt_cannot_be_swallowed(broken, capsys):
    t0 = time.perf_counter()
    assert main(["verify", "--claims", "X-SWALLOW", "--workers", "1", "--budget", "1.5", "--json"]) == 1
    assert time.perf_counter() - t0 < 12  # stopped at its budget, not after the 20 s loop
    assert json.loads(capsys.readouterr().out)["claims"][0]["verdict"] == "timeout"


def test_claims_may_start_their_own_workers(broken, capsys):
    """A claim run in a verify worker can itself use a process pool (the workers are not daemons)."""
    assert main(["verify", "--claims", "X-POOL,X-OK", "--workers", "2", "--json"]) == 0
    assert [c["verdict"] for c in json.loads(capsys.readouterr().out)["claims"]] == ["confirmed"] * 2


def test_dead_worker_is_an_error_verdict(broken, capsys):
    assert main(["verify", "--claims", "X-OK,X-DIE", "--workers", "2", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    die = data["claims"][1]
    assert die["verdict"] == "error" and "exited (status 3)" in die["reason"]
    assert data["summary"]["failed"] == ["X-DIE"]


def test_format_json_prints_the_object(capsys):
    assert main(["verify", "--claims", "A9", "--format", "json", "--workers", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["claims"][0]["id"] == "A9" and data["profile"] == "quick"


def test_text_format_is_a_table(broken, capsys):
    assert main(["verify", "--claims", "X-OK,X-ERROR", "--workers", "1"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["id", "verdict", "secs", "claim"]
    row = next(i for i, line in enumerate(lines) if line.startswith("X-ERROR"))
    assert lines[row].split()[1] == "error" and "whose evidence raises" in lines[row]
    assert lines[row + 1].lstrip().startswith("reason: evidence computation raised RuntimeError")
    assert lines[-1] == "FAILED: X-ERROR (error)"
    assert not any("[" in line and "items" in line for line in lines)  # not a data dump


def test_verify_options_are_validated(capsys):
    for argv, option in [(["--workers", "0"], "--workers"), (["--workers", "x"], "--workers"),
                         (["--budget", "nan"], "--budget"), (["--budget", "-1"], "--budget"),
                         (["--budget", "1e999"], "--budget"), (["--claims", "Z9"], "--claims"),
                         (["--output", ""], "--output"), (["--output", "/dev/full"], "--output")]:
        full = ["verify", *argv] + ([] if "--claims" in argv else ["--claims", "A9"])
        assert main(full) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and option in err, (argv, err)


def test_missing_claim_module_fails_loudly(monkeypatch):
    monkeypatch.setattr(reg, "CLAIM_MODULES", [*reg.CLAIM_MODULES, "infoscaling.numeric.claims.no_such_module"])
    with pytest.raises(ModuleNotFoundError):
        reg.all_claims()
    monkeypatch.setenv("INFOSCALING_EXTRA_CLAIMS", "no_such_claims_plugin")
    monkeypatch.setattr(reg, "CLAIM_MODULES", list(reg.CLAIM_MODULES[:-1]))
    with pytest.raises(ModuleNotFoundError):
        reg.all_claims()


def test_extra_claim_ids_need_a_title():
    with pytest.raises(KeyError):
        reg.register("A99", "")


def test_in_process_budget_keeps_the_callers_timer(broken, capsys):
    """A caller's own SIGALRM timer survives a serial verify (handler and remaining time restored)."""
    import signal

    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *a: fired.append(time.perf_counter()))
    try:
        signal.setitimer(signal.ITIMER_REAL, 3.0)
        t0 = time.perf_counter()
        assert main(["verify", "--claims", "X-OK", "--workers", "1", "--json"]) == 0
        while not fired and time.perf_counter() - t0 < 10:
            time.sleep(0.05)
        assert fired and 2.0 < fired[0] - t0 < 6.0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_timeout_kills_the_claims_subprocesses(broken, monkeypatch, tmp_path, capsys):
    pidfile = tmp_path / "child.pid"
    monkeypatch.setenv("INFOSCALING_TEST_PIDFILE", str(pidfile))
    assert main(["verify", "--claims", "X-HANG-CHILD,X-OK", "--workers", "2", "--budget", "2", "--json"]) == 1
    verdicts = {c["id"]: c["verdict"] for c in json.loads(capsys.readouterr().out)["claims"]}
    assert verdicts == {"X-HANG-CHILD": "timeout", "X-OK": "confirmed"}
    pid = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        try:  # reap it if it became our zombie child
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        time.sleep(0.1)
    else:
        pytest.fail(f"the claim's own subprocess {pid} survived the timeout")


def _quick_claim(cid):
    return Claim(cid, f"toy {cid}", "test", "", lambda p: [Evidence("numeric", "1 = 1", True)])


def test_scheduling_follows_recorded_times(tmp_path, monkeypatch):
    """Claims start longest-first by the times recorded on this machine, whatever the table says."""
    from infoscaling.numeric.claims import runner

    monkeypatch.setenv("INFOSCALING_CACHE_DIR", str(tmp_path))
    claims = [_quick_claim(c) for c in ("T1", "T2", "T3", "T4")]
    for times, expected in (({"T1": 1.0, "T2": 9.0, "T3": 5.0, "T4": 3.0}, ["T2", "T3", "T4", "T1"]),
                            ({"T1": 9.0, "T2": 1.0, "T3": 3.0, "T4": 5.0}, ["T1", "T4", "T3", "T2"])):
        (tmp_path / runner.TIMES_FILE).write_text(json.dumps({"version": runner.TIMES_VERSION, "quick": times}))
        started: list[str] = []
        results = runner.run_claims(claims, "quick", workers=2, on_start=lambda c, log=started: log.append(c.id))
        assert started == expected
        assert [r.id for r in results] == ["T1", "T2", "T3", "T4"]  # the report keeps the order given
    # this run's own times replace the hints (toy claims take far less than a second)
    stored = json.loads((tmp_path / runner.TIMES_FILE).read_text())["quick"]
    assert set(stored) == {"T1", "T2", "T3", "T4"} and all(0 <= v < 1 for v in stored.values())


def test_recorded_times_skip_failed_claims(broken, tmp_path, monkeypatch, capsys):
    """An error or timeout says nothing about a claim's run time: only finished claims are recorded."""
    from infoscaling.numeric.claims import runner

    monkeypatch.setenv("INFOSCALING_CACHE_DIR", str(tmp_path))
    assert main(["verify", "--claims", "X-OK,X-ERROR,X-SLEEP", "--budget", "1.5", "--workers", "2", "--json"]) == 1
    capsys.readouterr()
    assert set(runner.recorded_seconds("quick")) == {"X-OK"}
    assert runner.recorded_seconds("full") == {}


@pytest.mark.parametrize("content", ["not json", "[1, 2]", '{"version": 99, "quick": {"T1": 5}}',
                                     '{"version": 1, "quick": {"T1": "slow", "T2": -1, "T3": NaN, "T4": true}}'])
def test_malformed_times_file_is_ignored(tmp_path, monkeypatch, content):
    from infoscaling.numeric.claims import runner

    monkeypatch.setenv("INFOSCALING_CACHE_DIR", str(tmp_path))
    (tmp_path / runner.TIMES_FILE).write_text(content)
    assert runner.recorded_seconds("quick") == {}
    results = runner.run_claims([_quick_claim("T1"), _quick_claim("T2")], "quick", workers=2)
    assert [r.verdict for r in results] == ["confirmed", "confirmed"]
    assert set(runner.recorded_seconds("quick")) == {"T1", "T2"}  # replaced by a valid record


def test_no_times_recorded_when_caching_is_disabled(tmp_path, monkeypatch):
    from infoscaling.numeric.claims import runner

    monkeypatch.setenv("INFOSCALING_CACHE_DIR", "")
    monkeypatch.chdir(tmp_path)
    runner.run_claims([_quick_claim("T1")], "quick", workers=1)
    assert runner.recorded_seconds("quick") == {} and list(tmp_path.iterdir()) == []


def _workers_claim(cid):
    from infoscaling.numeric.executor import default_workers

    return Claim(cid, f"toy {cid}", "test", "",
                 lambda p: [Evidence("numeric", "default workers", True, {"workers": default_workers()})])


def test_claims_in_parallel_workers_run_their_simulations_serially(monkeypatch):
    """With W claim workers busy, a claim's own simulations get no second pool (2W processes on W cores);
    run serially in-process, a claim's simulations may use every core."""
    from infoscaling.numeric.claims import runner
    from infoscaling.numeric.executor import WORKERS_ENV, usable_cpus

    monkeypatch.delenv(WORKERS_ENV, raising=False)
    claims = [_workers_claim("W1"), _workers_claim("W2")]
    parallel = runner.run_claims(claims, "quick", workers=2)
    assert [r.evidence[0].details["workers"] for r in parallel] == [1, 1]
    serial = runner.run_claims(claims, "quick", workers=1)
    assert [r.evidence[0].details["workers"] for r in serial] == [usable_cpus()] * 2
    assert WORKERS_ENV not in os.environ  # the parent's environment is untouched


def test_default_workers_variable_is_validated(monkeypatch):
    from infoscaling.numeric.errors import InputError
    from infoscaling.numeric.executor import WORKERS_ENV, default_workers

    monkeypatch.setenv(WORKERS_ENV, "3")
    assert default_workers() == 3
    for bad in ("0", "-1", "two", "1.5", "99999"):
        monkeypatch.setenv(WORKERS_ENV, bad)
        with pytest.raises(InputError, match=WORKERS_ENV):
            default_workers()


def test_command_line_keeps_blas_to_one_thread(monkeypatch, capsys):
    """The CLI fixes OpenBLAS to one thread (its spinning threads cost C1's refit 28x the CPU) unless the
    user chose a number."""
    from infoscaling.numeric.cli import BLAS_THREAD_VARIABLES

    for name in BLAS_THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    assert main(["--version"]) == 0
    assert all(os.environ[name] == "1" for name in BLAS_THREAD_VARIABLES)
    for name in BLAS_THREAD_VARIABLES:
        monkeypatch.setenv(name, "4")
    assert main(["--version"]) == 0
    assert all(os.environ[name] == "4" for name in BLAS_THREAD_VARIABLES)
    capsys.readouterr()
