"""``infoscaling verify``: decide every claim of CLAIMS.md from computed evidence."""

from __future__ import annotations

import sys

from ..claims import CLAIM_TABLE, PROFILES, all_claims, run_claim
from ..cli import CommandResult, add_json_flag, dumps
from ..io import atomic_write
from ..report import summary, to_json, to_markdown, to_text


def register(sub) -> None:
    p = sub.add_parser("verify", help="report a verdict with evidence for every claim")
    p.add_argument("--claims", default=None, help="comma-separated claim ids (default: all)")
    p.add_argument("--profile", default="quick", choices=PROFILES)
    p.add_argument("--format", default="text", choices=("text", "json", "markdown"))
    p.add_argument("--output", default=None, help="write the report to FILE (atomically)")
    add_json_flag(p)
    p.set_defaults(func=run)


def select(ids: str | None):
    claims = all_claims()
    if ids is None:
        return claims
    wanted = [s.strip() for s in ids.split(",") if s.strip()]
    unknown = [w for w in wanted if w not in CLAIM_TABLE]
    if unknown or not wanted:
        raise ValueError(f"--claims: unknown claim id(s) {', '.join(unknown) or '(empty)'}; "
                         f"known: {', '.join(CLAIM_TABLE)}")
    return [c for c in claims if c.id in wanted]


def run(args) -> CommandResult:
    claims = select(args.claims)
    results = []
    for c in claims:
        print(f"verify: {c.id} ...", file=sys.stderr, flush=True)
        r = run_claim(c, args.profile)
        print(f"verify: {c.id} {r.verdict} ({r.seconds:.1f} s)", file=sys.stderr, flush=True)
        results.append(r)
    data = to_json(results, args.profile)
    fmt = "json" if args.json else args.format
    text = {"json": None, "text": to_text(results), "markdown": to_markdown(results, args.profile)}[fmt]
    if args.output:
        atomic_write(args.output, (dumps(data) if fmt == "json" else text) + "\n")
    code = 1 if summary(results)["unexpected_refuted"] else 0
    return CommandResult(data, code, text if fmt != "json" else None)
