"""Start-up and verify wall times as whole processes (issue 12).

* start-up: ``infoscaling --help``, ``--version`` and ``infoscaling COMMAND --help``
  for every command of the CLI table, each run ``--repeat`` times in a fresh
  process; reports the median and the range, and the modules ``-X importtime``
  charges most for the command's import;
* verify (``--verify``): ``infoscaling verify --profile P --workers W`` for
  W = 1 (serial, in-process) and the number of CPUs, ``--verify-repeat`` runs
  each, median wall time, and whether the verdicts agree.

Usage::

    python benchmarks/bench_startup.py [--repeat 5] [--verify quick,full] [--verify-repeat 3] [--json]

Timings depend on the machine's load; the report states the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from infoscaling.numeric.cli import COMMANDS

PY = [sys.executable, "-m", "infoscaling"]


def wall(argv: list[str], env=None) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, env=env)
    return time.perf_counter() - t0, proc


def startup(repeat: int) -> dict:
    cases = {"--help": ["--help"], "--version": ["--version"]}
    cases.update({f"{name} --help": [name, "--help"] for name, _, _ in COMMANDS})
    out = {}
    for label, argv in cases.items():
        times = []
        for _ in range(repeat):
            t, proc = wall(PY + argv)
            if proc.returncode != 0:
                raise SystemExit(f"{label}: exit {proc.returncode}: {proc.stderr.strip()[-300:]}")
            times.append(t)
        out[label] = {"median_s": round(statistics.median(times), 3), "min_s": round(min(times), 3),
                      "max_s": round(max(times), 3), "top_imports": top_imports(argv)}
    return out


def top_imports(argv: list[str], k: int = 3) -> list[str]:
    """The ``k`` top-level imports with the largest cumulative -X importtime (microseconds)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "infoscaling", *argv],
                          capture_output=True, text=True)
    rows = []
    for line in proc.stderr.splitlines():
        parts = line[len("import time:"):].split("|") if line.startswith("import time:") else []
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        if parts[2].startswith("  "):  # nested import (indented by its depth)
            continue
        rows.append((int(parts[1]), parts[2].strip()))
    rows.sort(reverse=True)
    return [f"{name} {us / 1e3:.0f} ms" for us, name in rows[:k]]


def verify_times(profiles: list[str], repeat: int) -> dict:
    out = {}
    cpus = os.cpu_count() or 1
    for profile in profiles:
        runs = {}
        for w in sorted({1, cpus}):
            times, verdicts = [], None
            for _ in range(repeat):
                t, proc = wall(PY + ["verify", "--profile", profile, "--workers", str(w), "--json"])
                if proc.returncode not in (0, 1):
                    raise SystemExit(f"verify {profile} --workers {w}: exit {proc.returncode}: {proc.stderr[-300:]}")
                data = json.loads(proc.stdout)
                v = [(c["id"], c["verdict"]) for c in data["claims"]]
                if verdicts is not None and v != verdicts:
                    print(f"note: verdicts changed between runs of {profile} --workers {w}", file=sys.stderr)
                verdicts = v
                times.append(t)
            runs[w] = {"median_s": round(statistics.median(times), 2), "runs_s": [round(t, 2) for t in times],
                       "verdicts": verdicts}
        same = len({json.dumps(r["verdicts"]) for r in runs.values()}) == 1
        out[profile] = {f"workers={w}": {k: v for k, v in r.items() if k != "verdicts"} for w, r in runs.items()}
        out[profile]["same_verdicts"] = same
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--verify", default="", help="comma-separated profiles to time (quick,full); empty: none")
    ap.add_argument("--verify-repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    report = {"load_average": os.getloadavg(), "cpus": os.cpu_count(), "startup": startup(a.repeat)}
    if a.verify:
        report["verify"] = verify_times([p for p in a.verify.split(",") if p], a.verify_repeat)
    if a.json:
        print(json.dumps(report, indent=2))
        return
    print(f"load average {report['load_average']}, {report['cpus']} CPUs")
    for label, r in report["startup"].items():
        print(f"{label:<26} median {r['median_s']:.3f} s  [{r['min_s']:.3f}, {r['max_s']:.3f}]  "
              f"top imports: {', '.join(r['top_imports'])}")
    for profile, r in report.get("verify", {}).items():
        print(f"verify {profile}: " + "; ".join(f"{k} median {v['median_s']} s {v['runs_s']}"
                                               for k, v in r.items() if k.startswith("workers"))
              + f"; same verdicts: {r['same_verdicts']}")


if __name__ == "__main__":
    main()
