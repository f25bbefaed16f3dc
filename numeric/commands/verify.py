"""``infoscaling verify``: decide every claim of CLAIMS.md from computed evidence.

Exit status 0 when every claim has a verdict from its evidence and none is refuted
unexpectedly; 1 when a claim is refuted that the registry does not expect to be,
or its evidence raised (``error``), or it ran past its budget (``timeout``).
"""

from __future__ import annotations

import math
import sys

from ..cli import CommandResult, add_json_flag, dumps
from ..errors import input_error
from ..io import atomic_write, check_output_path

#: Most worker processes ``--workers`` accepts.
MAX_WORKERS = 64
FORMATS = ("text", "json", "markdown")


def register(sub) -> None:
    from ..claims import BUDGETS, PROFILES

    p = sub.add_parser("verify", help="report a verdict with evidence for every claim")
    p.add_argument("--claims", default=None, help="comma-separated claim ids (default: all)")
    p.add_argument("--profile", default="quick", choices=PROFILES)
    p.add_argument("--format", default="text", choices=FORMATS,
                   help="text: a table on stdout; json: the JSON object; markdown: a report")
    p.add_argument("--output", default=None, help="write the report to FILE (atomically) instead of stdout")
    p.add_argument("--workers", default=None,
                   help="claims run at once in worker processes (default: the number of CPUs; "
                        "1 runs them one after another in this process)")
    p.add_argument("--budget", default=None, metavar="SECONDS",
                   help="wall-time budget of one claim; past it the claim is stopped and its verdict is "
                        "'timeout' (default: %s)" % ", ".join(f"{k} {v:g} s" for k, v in BUDGETS.items()))
    add_json_flag(p)
    p.set_defaults(func=run)


def select(ids: str | None):
    """The claims named by ``--claims`` (all when None), in table order."""
    from ..claims import all_claims

    claims = all_claims()
    if ids is None:
        return claims
    known = [c.id for c in claims]
    wanted = [s.strip() for s in ids.split(",") if s.strip()]
    unknown = [w for w in wanted if w not in known]
    if unknown or not wanted:
        raise input_error("--claims", ids, f"comma-separated claim ids among {', '.join(known)}")
    return [c for c in claims if c.id in wanted]


def parse_workers(text) -> int:
    """``--workers``: an integer in [1, MAX_WORKERS] (None: the number of CPUs)."""
    if text is None:
        from ..executor import usable_cpus

        return max(1, min(usable_cpus(), MAX_WORKERS))
    s = str(text).strip()
    if not s.isascii() or not s.isdigit() or len(s) > 4 or not 1 <= int(s) <= MAX_WORKERS:
        raise input_error("--workers", text, f"an integer from 1 to {MAX_WORKERS}")
    return int(s)


def parse_budget(text) -> float | None:
    """``--budget``: seconds, a finite number in (0, 1e6] (None: the profile's default)."""
    if text is None:
        return None
    try:
        v = float(str(text).strip())
    except ValueError:
        v = math.nan
    if not (math.isfinite(v) and 0 < v <= 1e6):
        raise input_error("--budget", text, "a number of seconds in (0, 1e6]")
    return v


def compute(claims=None, profile="quick", workers=None, budget=None, fmt="text", output=None) -> CommandResult:
    """``infoscaling verify`` as a function of plain arguments: the JSON object, exit status and rendering.

    ``claims`` is the ``--claims`` text (comma-separated ids; None: all), ``fmt``
    the ``--format`` (``json`` is also what ``--json`` selects).  Shared with the
    Python front door (``infoscaling.verify``).
    """
    from ..claims import PROFILES
    from ..claims.runner import run_claims
    from ..report import summary, to_json, to_markdown, to_text

    if profile not in PROFILES:
        raise input_error("--profile", profile, " or ".join(PROFILES))
    if fmt not in FORMATS:
        raise input_error("--format", fmt, " or ".join(FORMATS))
    workers = parse_workers(workers)
    budget = parse_budget(budget)
    if output is not None:
        check_output_path(output, "--output")
    claims = select(claims)

    def started(c):
        print(f"verify: {c.id} ...", file=sys.stderr, flush=True)

    def finished(c, r):
        print(f"verify: {c.id} {r.verdict} ({r.seconds:.1f} s)", file=sys.stderr, flush=True)

    results = run_claims(claims, profile, workers=workers, budget=budget,
                         on_start=started, on_done=finished)
    data = to_json(results, profile)
    text = {"json": lambda: dumps(data), "text": lambda: to_text(results),
            "markdown": lambda: to_markdown(results, profile)}[fmt]()
    code = 1 if summary(results)["failed"] else 0
    if output is not None:
        atomic_write(output, text + "\n")
        data["output"] = str(output)
        print(f"verify: wrote the {fmt} report to {output}", file=sys.stderr)
        text = to_text(results) if fmt != "json" else dumps(data)
    return CommandResult(data, code, text)


def run(args) -> CommandResult:
    return compute(args.claims, args.profile, workers=args.workers, budget=args.budget,
                   fmt="json" if args.json else args.format, output=args.output)
