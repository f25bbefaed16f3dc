"""Apply each planted bug alone to a temporary copy of the repository and run its checks.

Isolation
---------
The working tree is never modified.  Each mutant gets a fresh copy of the
repository's source files (tracked and untracked-but-not-ignored, as ``git
ls-files`` lists them; a plain walk when git is unavailable).  The package is
installed *editable* from the original tree, and setuptools' editable finder
maps ``infoscaling.numeric`` / ``infoscaling.derivations`` to the original
folders, so putting the copy on ``PYTHONPATH`` is not enough by itself: the
copy's own ``infoscaling/`` package would be found, but its sub-packages would
not, and the finder would fall back to the original tree.  The runner therefore
adds ``infoscaling/numeric -> ../numeric`` and ``infoscaling/derivations ->
../derivations`` symlinks inside the copy and puts the copy first on
``PYTHONPATH``: every import path (``python -m pytest`` with the copy as working
directory, ``python -m infoscaling`` subprocesses, any working directory)
resolves to the mutated files.  Each mutant run first checks where the three
packages were imported from, and :func:`canary` plants a known marker and
checks that both pytest and a plain interpreter see it.

Verdicts
--------
A mutant is ``killed`` when at least one of its checks fails: a test fails or
errors (pytest exit 1/2/3), or a named claim stops holding (a claim holds when
its verdict is confirmed / confirmed-with-caveat, or refuted for a claim
registered as expected-refuted) or ``verify`` exits non-zero.  ``survived``:
every check passed.  ``stale``: the ``find`` text no longer occurs exactly
``count`` times.  ``timeout``: the checks ran past the mutant's budget without
failing first (not counted as a kill: a slow machine must not make a survivor
look caught).  ``invalid``: a check could not run (unknown node id, nothing
collected, unparseable verify output) or every check already fails on the
clean tree (the baseline).

Checks that fail on the clean tree are dropped from every mutant's run (and
reported), so a broken test cannot make a survivor look killed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .catalogue import Mutant, mutate_text

__all__ = ["CheckResult", "MutantResult", "RunReport", "source_files", "make_copy", "run_mutant",
           "run_catalogue", "canary", "baseline", "DEFAULT_TIMEOUT"]

#: Default time budget of one mutant's checks, in seconds.
DEFAULT_TIMEOUT = 900.0
_SKIP_DIRS = {".git", ".venv", ".ci-venv", "__pycache__", ".pytest_cache", ".hypothesis", ".ruff_cache",
              "build", "dist", "out"}
_PYTEST = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", "--strict-markers",
           "--no-header", "-rfE"]


@dataclass
class CheckResult:
    """Outcome of one check: ``status`` in {passed, failed, invalid, timeout}."""

    kind: str  # "tests" | "claims" | "isolation"
    status: str
    seconds: float
    detail: str = ""

    def to_json(self) -> dict:
        return {"kind": self.kind, "status": self.status, "seconds": round(self.seconds, 2),
                "detail": self.detail}


@dataclass
class MutantResult:
    """Outcome of one mutant: ``status`` in {killed, survived, stale, timeout, invalid}."""

    mutant: Mutant
    status: str
    seconds: float
    checks: list[CheckResult] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    reason: str = ""

    def to_json(self) -> dict:
        m = self.mutant
        return {"name": m.name, "area": m.area, "file": m.file, "status": self.status,
                "seconds": round(self.seconds, 2), "tests": list(m.tests), "claims": list(m.claims),
                "why": m.why, "reason": self.reason, "dropped_checks": self.dropped,
                "checks": [c.to_json() for c in self.checks]}


@dataclass
class RunReport:
    """All mutant results of one run, plus the baseline's dropped checks."""

    results: list[MutantResult]
    seconds: float
    baseline_failures: list[str] = field(default_factory=list)

    def names(self, status: str) -> list[str]:
        return [r.mutant.name for r in self.results if r.status == status]

    @property
    def ok(self) -> bool:
        return all(r.status == "killed" for r in self.results) and bool(self.results)

    def to_json(self) -> dict:
        killed = len(self.names("killed"))
        return {
            "mutants": len(self.results),
            "killed": killed,
            "survived": self.names("survived"),
            "stale": self.names("stale"),
            "timeout": self.names("timeout"),
            "invalid": self.names("invalid"),
            "kill_rate": round(killed / len(self.results), 4) if self.results else None,
            "seconds": round(self.seconds, 1),
            "baseline_failures": self.baseline_failures,
            "details": [r.to_json() for r in self.results],
        }


# ----------------------------------------------------------------------------- copies
def source_files(root: Path) -> list[str]:
    """Relative paths of the repository's source files (tracked + untracked, not ignored)."""
    root = Path(root)
    try:
        out = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=root,
                             capture_output=True, check=True, timeout=60).stdout
        files = [f for f in out.decode("utf-8", "surrogateescape").split("\0") if f]
        return [f for f in files if (root / f).is_file() and not set(Path(f).parts) & _SKIP_DIRS]
    except (OSError, subprocess.SubprocessError):
        files = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS and not d.endswith(".egg-info")]
            for name in filenames:
                if not name.endswith((".pyc", ".tmp")):
                    files.append(str(Path(dirpath, name).relative_to(root)))
        return files


def make_copy(root: Path, files: list[str] | None, dest: Path) -> Path:
    """Copy ``files`` from ``root`` into ``dest`` and link the layout folders into ``infoscaling/``.

    ``files=None`` copies a whole snapshot folder made earlier by this function
    (symlinks kept).  A listed file that vanished meanwhile (another engineer
    moved it) is skipped: the copy is the tree as it is now.
    """
    root, dest = Path(root), Path(dest)
    if files is None:
        shutil.copytree(root, dest, symlinks=True)
        return dest
    for rel in files:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copy2(root / rel, target)
        except FileNotFoundError:
            continue
    pkg = dest / "infoscaling"
    pkg.mkdir(exist_ok=True)
    for name in ("numeric", "derivations"):
        link = pkg / name
        if not link.exists():
            link.symlink_to(Path("..") / name, target_is_directory=True)
    return dest


def _env(copy: Path, scratch: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(copy)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env["HYPOTHESIS_PROFILE"] = "ci"  # derandomised: a mutant run is reproducible
    env["MPLBACKEND"] = "Agg"
    env["NUMBA_CACHE_DIR"] = str(scratch / "numba-cache")
    env["TMPDIR"] = str(scratch)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    return env


def _communicate(cmd: list[str], cwd: Path, env: dict, timeout: float, merge: bool):
    """Run ``cmd`` in its own process group; (returncode or None on time-out, (stdout, stderr), seconds).

    The whole group is killed afterwards (on time-out, and also after a normal end: a planted
    bug can leave processes of the check behind, e.g. with a signal handler disabled).
    """
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT if merge else subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=max(timeout, 1.0))
        rc = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # this process group only: the check we started
        out, err = proc.communicate()
        rc = None
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    text = (out.decode("utf-8", "replace"), (err or b"").decode("utf-8", "replace"))
    return rc, text, time.monotonic() - t0


def _run(cmd: list[str], cwd: Path, env: dict, timeout: float) -> tuple[int | None, str, float]:
    """Run ``cmd``; (returncode or None on time-out, merged output, seconds)."""
    rc, (out, _), secs = _communicate(cmd, cwd, env, timeout, merge=True)
    return rc, out, secs


def _tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


_PROBE = (
    "import os, sys, infoscaling, infoscaling.numeric as n, infoscaling.derivations as d\n"
    "root = os.path.realpath(sys.argv[1])\n"
    "bad = [m.__name__ + ' from ' + os.path.realpath(m.__file__) for m in (infoscaling, n, d)\n"
    "       if not os.path.realpath(m.__file__).startswith(root + os.sep)]\n"
    "print('; '.join(bad) or 'ok')\n"
    "sys.exit(1 if bad else 0)\n"
)


def _isolation(copy: Path, env: dict, cwd: Path) -> CheckResult:
    """Where ``infoscaling``, ``.numeric`` and ``.derivations`` are imported from (must be the copy)."""
    rc, out, secs = _run([sys.executable, "-c", _PROBE, str(copy)], cwd, env, 120)
    if rc == 0:
        return CheckResult("isolation", "passed", secs)
    return CheckResult("isolation", "invalid", secs, "the copy is not what runs: " + _tail(out, 5))


# ----------------------------------------------------------------------------- checks
def run_tests(copy: Path, env: dict, nodes, timeout: float, *, stop_first: bool = True,
              junit: Path | None = None) -> CheckResult:
    """Run pytest on ``nodes`` inside the copy.  Exit 1/2/3 = failed (killed); 4/5 = invalid."""
    cmd = [sys.executable, *_PYTEST] + (["-x"] if stop_first else []) + (
        [f"--junitxml={junit}"] if junit else []) + list(nodes)
    rc, out, secs = _run(cmd, copy, env, timeout)
    if rc is None:
        return CheckResult("tests", "timeout", secs, _tail(out))
    status = {0: "passed", 1: "failed", 2: "failed", 3: "failed"}.get(rc, "invalid")
    return CheckResult("tests", status, secs, f"pytest exit {rc}\n" + _tail(out))


def claim_holds(claim: dict) -> bool:
    """A claim holds when confirmed (with or without caveat), or refuted as expected."""
    if claim.get("expect_refuted"):
        return claim.get("verdict") == "refuted"
    return claim.get("verdict") in ("confirmed", "confirmed-with-caveat")


def run_claims(copy: Path, env: dict, claims, timeout: float, profile: str = "quick") -> CheckResult:
    """``infoscaling verify --claims ...`` in the copy; failed if verify exits non-zero or a claim stops holding."""
    # verify's own per-claim budget is set to this mutant's remaining budget: on a loaded machine a slow
    # claim must end as a runner time-out (not a kill), never as verify's 'timeout' verdict
    cmd = [sys.executable, "-m", "infoscaling", "verify", "--claims", ",".join(claims), "--profile", profile,
           "--budget", str(int(max(timeout, 1.0))), "--json"]
    rc, out, secs = _run_split(cmd, copy, env, timeout)
    if rc is None:
        return CheckResult("claims", "timeout", secs, _tail(out[1]))
    stdout, stderr = out
    try:
        data = json.loads(stdout)
        verdicts = {c["id"]: c for c in data["claims"]}
    except (ValueError, KeyError, TypeError):
        if rc != 0:
            return CheckResult("claims", "failed", secs, f"verify exit {rc} without a report\n" + _tail(stderr))
        return CheckResult("claims", "invalid", secs, "verify printed no JSON report\n" + _tail(stdout + stderr))
    timed_out = [c for c in claims if c in verdicts and verdicts[c].get("verdict") == "timeout"]
    if timed_out:
        return CheckResult("claims", "timeout", secs, f"verify stopped {', '.join(timed_out)} at its budget")
    missing = [c for c in claims if c not in verdicts]
    broken = [f"{c}: {verdicts[c].get('verdict')}" for c in claims if c in verdicts and not claim_holds(verdicts[c])]
    summary = ", ".join(f"{c}: {verdicts[c].get('verdict')}" for c in claims if c in verdicts)
    if rc != 0 or broken or missing:
        why = "; ".join(filter(None, [f"verify exit {rc}" if rc else "", ", ".join(broken),
                                      f"missing from report: {', '.join(missing)}" if missing else ""]))
        return CheckResult("claims", "failed", secs, why)
    return CheckResult("claims", "passed", secs, summary)


def _run_split(cmd, cwd, env, timeout):
    """Like :func:`_run` but keeps stdout and stderr apart (verify's JSON is on stdout)."""
    return _communicate(cmd, cwd, env, timeout, merge=False)


# ----------------------------------------------------------------------------- one mutant
def run_mutant(mutant: Mutant, root: Path, files: list[str] | None, *, timeout: float | None = None,
               profile: str = "quick", drop_tests=(), drop_claims=(), keep: bool = False,
               all_checks: bool = False) -> MutantResult:
    """Apply ``mutant`` alone to a fresh copy of ``root`` and run its checks.

    Checks run in order (tests, then claims) and stop at the first failure unless
    ``all_checks`` (then every check runs, to show which of them catch the mutant).
    """
    t0 = time.monotonic()
    budget = mutant.timeout or timeout or DEFAULT_TIMEOUT
    src = Path(root) / mutant.file
    try:
        mutated = mutate_text(src.read_text(encoding="utf-8"), mutant)
    except (OSError, LookupError) as exc:
        return MutantResult(mutant, "stale", time.monotonic() - t0, reason=str(exc))
    tests = [t for t in mutant.tests if t not in drop_tests]
    claims = [c for c in mutant.claims if c not in drop_claims]
    dropped = [t for t in mutant.tests if t in drop_tests] + [c for c in mutant.claims if c in drop_claims]
    if not (tests or claims):
        return MutantResult(mutant, "invalid", time.monotonic() - t0, dropped=dropped,
                            reason="every check of this mutant already fails on the clean tree")
    scratch = Path(tempfile.mkdtemp(prefix=f"infoscaling-mutant-{mutant.name}-"))
    try:
        copy = make_copy(root, files, scratch / "repo")
        (copy / mutant.file).write_text(mutated, encoding="utf-8")
        env = _env(copy, scratch)
        checks = [_isolation(copy, env, scratch)]
        if checks[0].status != "passed":
            return MutantResult(mutant, "invalid", time.monotonic() - t0, checks, dropped, checks[0].detail)
        for kind, items in (("tests", tests), ("claims", claims)):
            if not items:
                continue
            left = budget - (time.monotonic() - t0)
            if left <= 0:
                checks.append(CheckResult(kind, "timeout", 0.0, "budget spent before this check started"))
                break
            res = (run_tests(copy, env, items, left, stop_first=not all_checks) if kind == "tests"
                   else run_claims(copy, env, items, left, profile))
            checks.append(res)
            if res.status == "failed" and not all_checks:
                break
            if res.status in ("timeout", "invalid"):
                break
        caught = [c.kind for c in checks[1:] if c.status == "failed"]
        if caught:
            return MutantResult(mutant, "killed", time.monotonic() - t0, checks, dropped,
                                "caught by " + " and ".join(caught))
        statuses = {c.status for c in checks[1:]}
        status = "invalid" if "invalid" in statuses else "timeout" if "timeout" in statuses else "survived"
        reason = {"survived": "every check passed on the mutant", "timeout": f"checks ran past {budget:.0f} s",
                  "invalid": "a check could not run"}[status]
        return MutantResult(mutant, status, time.monotonic() - t0, checks, dropped, reason)
    finally:
        if keep:
            print(f"mutants: kept {scratch}", file=sys.stderr)
        else:
            shutil.rmtree(scratch, ignore_errors=True)


# ----------------------------------------------------------------------------- canary and baseline
_CANARY_TEST = (
    "import infoscaling.numeric\n\n\n"
    "def test_probe():\n"
    "    assert not hasattr(infoscaling.numeric, 'MUTANT_CANARY'), 'the planted canary is visible'\n"
)


def canary(root: Path, files: list[str] | None, timeout: float = 300) -> tuple[bool, str]:
    """Plant a marker in the copy's ``numeric/__init__.py``; pytest and a plain interpreter must both see it.

    Returns
    -------
    (ok, detail)
        ``ok`` is True when both probes detected the planted marker (the copy is what runs).
    """
    scratch = Path(tempfile.mkdtemp(prefix="infoscaling-mutant-canary-"))
    try:
        copy = make_copy(root, files, scratch / "repo")
        init = copy / "numeric" / "__init__.py"
        init.write_text(init.read_text(encoding="utf-8") + "\nMUTANT_CANARY = True\n", encoding="utf-8")
        probe = copy / "proofs_tests" / "test_mutant_canary_probe.py"
        probe.write_text(_CANARY_TEST, encoding="utf-8")
        env = _env(copy, scratch)
        res = run_tests(copy, env, [str(probe.relative_to(copy))], timeout)
        rc, out, _ = _run([sys.executable, "-c", "import infoscaling.numeric as n; "
                           "raise SystemExit(0 if getattr(n, 'MUTANT_CANARY', False) else 1)"],
                          scratch, env, 120)
        ok = res.status == "failed" and rc == 0
        detail = f"pytest probe: {res.status} (must fail); interpreter probe exit {rc} (must be 0)"
        return ok, detail
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _junit_failures(path: Path) -> list[tuple[str, str]]:
    """(classname, name) of every failed/errored test case of a JUnit XML report."""
    try:
        tree = ET.parse(path)
    except (OSError, ET.ParseError):
        return []
    out = []
    for case in tree.iter("testcase"):
        if any(child.tag in ("failure", "error") for child in case):
            out.append((case.get("classname", ""), case.get("name", "")))
    return out


def _node_failed(node: str, failures: list[tuple[str, str]]) -> bool:
    """Whether pytest node id ``node`` (file, function or parametrised case) is among ``failures``."""
    path, _, rest = node.partition("::")
    module = (path[:-3] if path.endswith(".py") else path).replace("/", ".")
    parts = [p for p in rest.split("::") if p]
    for classname, name in failures:
        if not classname:  # a collection error: the test case is named after the module
            if name == module:
                return True
            continue
        if classname != module and not classname.startswith(module + "."):
            continue
        if not parts:
            return True
        want = parts[-1]
        same = name == want if "[" in want else name.split("[", 1)[0] == want
        if classname == ".".join([module] + parts[:-1]) and same:
            return True
    return False


def baseline(mutants: list[Mutant], root: Path, files: list[str] | None, *, timeout: float = 3600,
             profile: str = "quick") -> tuple[set[str], set[str], list[str]]:
    """Run every check once on a clean copy: (failing test nodes, failing claims, notes)."""
    nodes = sorted({t for m in mutants for t in m.tests})
    claims = sorted({c for m in mutants for c in m.claims})
    scratch = Path(tempfile.mkdtemp(prefix="infoscaling-mutant-baseline-"))
    bad_tests, bad_claims, notes = set(), set(), []
    try:
        copy = make_copy(root, files, scratch / "repo")
        env = _env(copy, scratch)
        with ThreadPoolExecutor(2) as pool:
            fut_t = pool.submit(run_tests, copy, env, nodes, timeout, stop_first=False,
                                junit=scratch / "junit.xml") if nodes else None
            fut_c = pool.submit(_claims_baseline, copy, env, claims, timeout, profile) if claims else None
            if fut_t is not None:
                res = fut_t.result()
                if res.status != "passed":
                    failures = _junit_failures(scratch / "junit.xml")
                    bad_tests = {n for n in nodes if _node_failed(n, failures)}
                    if res.status in ("timeout", "invalid") or not bad_tests:
                        notes.append(f"baseline tests {res.status}: " + res.detail[-500:])
            if fut_c is not None:
                bad_claims, more = fut_c.result()
                notes += more
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return bad_tests, bad_claims, notes


def _claims_baseline(copy, env, claims, timeout, profile):
    cmd = [sys.executable, "-m", "infoscaling", "verify", "--claims", ",".join(claims), "--profile", profile,
           "--budget", str(int(timeout)), "--json"]
    rc, (stdout, stderr), _ = _run_split(cmd, copy, env, timeout)
    try:
        verdicts = {c["id"]: c for c in json.loads(stdout)["claims"]}
    except (ValueError, KeyError, TypeError):
        return set(claims), [f"baseline verify (exit {rc}) printed no report: " + _tail(stderr, 5)]
    bad = {c for c in claims if c not in verdicts or not claim_holds(verdicts[c])}
    return bad, [f"baseline claim {c} does not hold on the clean tree: {verdicts.get(c, {}).get('verdict')}"
                 for c in sorted(bad)]


# ----------------------------------------------------------------------------- the whole catalogue
def run_catalogue(mutants: list[Mutant], root: Path, *, workers: int = 2, timeout: float | None = None,
                  profile: str = "quick", use_baseline: bool = True, keep: bool = False,
                  all_checks: bool = False, progress=None) -> RunReport:
    """Run every mutant (``workers`` at a time) after the canary and the clean-tree baseline."""
    t0 = time.monotonic()
    root = Path(root).resolve()
    # one snapshot of the tree for the whole run: every mutant, the canary and the baseline see the same
    # files even while other engineers keep editing the working tree
    holder = Path(tempfile.mkdtemp(prefix="infoscaling-mutant-snapshot-"))
    try:
        snap = make_copy(root, source_files(root), holder / "repo")
        ok, detail = canary(snap, None)
        if not ok:
            raise RuntimeError(f"mutants: isolation canary failed, the mutated copy is not what runs ({detail})")
        bad_tests, bad_claims, notes = (baseline(mutants, snap, None, profile=profile) if use_baseline
                                        else (set(), set(), []))
        failures = sorted(bad_tests | bad_claims) + notes
        if progress and failures:
            for line in failures:
                progress(f"baseline: {line}")

        def one(m):
            r = run_mutant(m, snap, None, timeout=timeout, profile=profile, drop_tests=bad_tests,
                           drop_claims=bad_claims, keep=keep, all_checks=all_checks)
            if progress:
                progress(f"{r.status:<8} {m.area}:{m.name} ({r.seconds:.0f} s) {r.reason}")
            return r

        with ThreadPoolExecutor(max(1, workers)) as pool:
            results = list(pool.map(one, mutants))
    finally:
        shutil.rmtree(holder, ignore_errors=True)
    return RunReport(results, time.monotonic() - t0, failures)
