"""Benchmark: the ``coupled`` and ``design`` commands (issue 10), whole processes.

* ``infoscaling coupled regular:3/regular:6 --L 64 --w 3`` to its stated
  (certified) digits, with the default work budget;
* ``infoscaling design --check poisson:6 --eps 0.5 --vmax 20`` and ``--vmax 50``
  (concept-text device, d_t = 3) and ``--check poisson:12 --vmax 50`` (d_t = 6).

Prints one JSON object: wall and CPU seconds of each command (median of
``--repeat`` runs; CPU time is what the 2-core machine's load does not
inflate), and what the command reported (digits, kappa).

Usage: python benchmarks/bench_coupled.py [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

CASES = [
    ["coupled", "regular:3/regular:6", "--L", "64", "--w", "3", "--json"],
    ["design", "--check", "poisson:6", "--eps", "0.5", "--vmax", "20", "--json"],
    ["design", "--check", "poisson:6", "--eps", "0.5", "--vmax", "50", "--json"],
    ["design", "--check", "poisson:12", "--eps", "0.5", "--vmax", "50", "--json"],
]


def _run(argv):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "infoscaling", *argv], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, json.loads(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    rows = []
    for argv in CASES:
        walls, cpus, data = [], [], None
        for _ in range(args.repeat):
            w, c, data = _run(argv)
            walls.append(w)
            cpus.append(c)
        row = {"command": " ".join(argv[:-1]), "wall_seconds": statistics.median(walls),
               "cpu_seconds": statistics.median(cpus)}
        if argv[0] == "coupled":
            row.update(threshold=data["threshold"], digits=data["digits"], enclosure=data["enclosure"],
                       map_threshold=data["map_threshold"][:12], iterations=data["iterations"])
        else:
            row.update(kappa=data["kappa"], threshold=data["threshold"], vmax=data["vmax"],
                       discretisation_gap=data["discretisation_gap"])
        rows.append(row)
    print(json.dumps({"benchmark": "coupled-and-design", "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
