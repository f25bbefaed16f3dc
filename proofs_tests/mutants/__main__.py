"""``python -m proofs_tests.mutants [--json] [--only NAMES] [--area AREAS] ...`` from the repository root.

Prints one line per mutant on stderr as they finish and the kill rate on stdout
(or, with ``--json``, one JSON object: ``mutants``, ``killed``, ``survived``,
``stale``, ``timeout``, ``invalid``, ``kill_rate``, ``seconds``, ``details``).
Exit status: 0 when every mutant is killed; 1 when any survived, is stale,
timed out or could not be checked; 2 for a malformed catalogue or bad
arguments; 3 when the isolation canary fails (the copy is not what runs).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .catalogue import CATALOGUE_DIR, CatalogueError, load, validate
from .runner import DEFAULT_TIMEOUT, run_catalogue


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m proofs_tests.mutants",
                                description="Run the planted-bug catalogue: each mutant alone, on a temporary copy.")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.add_argument("--only", default=None, help="comma-separated mutant names")
    p.add_argument("--area", default=None, help="comma-separated catalogue files (without .toml)")
    p.add_argument("--workers", type=int, default=2, help="mutants run in parallel (default 2)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help=f"seconds per mutant unless its entry sets one (default {DEFAULT_TIMEOUT:.0f})")
    p.add_argument("--profile", default="quick", choices=("quick", "full"), help="verify profile for claims")
    p.add_argument("--no-baseline", action="store_true",
                   help="skip the clean-tree run that drops checks already failing without a mutant")
    p.add_argument("--all-checks", action="store_true",
                   help="run every check of a mutant instead of stopping at the first that catches it")
    p.add_argument("--keep", action="store_true", help="keep the temporary copies (for debugging)")
    p.add_argument("--list", action="store_true", help="list the mutants and exit")
    p.add_argument("--root", default=".", help="repository root (default: the current folder)")
    return p


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    root = Path(args.root).resolve()
    if args.workers < 1 or args.timeout <= 0:
        print("mutants: --workers must be >= 1 and --timeout > 0", file=sys.stderr)
        return 2
    try:
        mutants = load(CATALOGUE_DIR)
    except CatalogueError as exc:
        print(f"mutants: malformed catalogue: {exc}", file=sys.stderr)
        return 2
    if args.area:
        areas = {a.strip() for a in args.area.split(",") if a.strip()}
        unknown = areas - {m.area for m in mutants}
        if unknown:
            print(f"mutants: --area: no catalogue file {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        mutants = [m for m in mutants if m.area in areas]
    if args.only:
        names = {n.strip() for n in args.only.split(",") if n.strip()}
        unknown = names - {m.name for m in mutants}
        if unknown:
            print(f"mutants: --only: unknown mutant(s) {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        mutants = [m for m in mutants if m.name in names]
    if args.list:
        for m in mutants:
            print(f"{m.area}:{m.name}  {m.file}  {m.why}")
        return 0
    problems = [p for p in validate(mutants, root) if "stale" not in p]
    if problems:
        print("mutants: malformed catalogue:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 2
    try:
        report = run_catalogue(mutants, root, workers=args.workers, timeout=args.timeout, profile=args.profile,
                               use_baseline=not args.no_baseline, keep=args.keep,
                               all_checks=args.all_checks,
                               progress=lambda line: print(f"mutants: {line}", file=sys.stderr, flush=True))
    except RuntimeError as exc:
        print(str(exc), file=sys.stderr)
        return 3
    data = report.to_json()
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        rate = 100.0 * data["killed"] / data["mutants"] if data["mutants"] else 0.0
        print(f"kill rate: {data['killed']}/{data['mutants']} ({rate:.1f}%) in {data['seconds']:.0f} s")
        for key in ("survived", "stale", "timeout", "invalid"):
            if data[key]:
                print(f"{key}: {', '.join(data[key])}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
