"""Claims report rendering: terminal table, JSON object, Markdown supplement."""

from __future__ import annotations

import json

from .claims import VERDICTS, ClaimResult

__all__ = ["summary", "to_json", "to_text", "to_markdown"]


def summary(results: list[ClaimResult]) -> dict:
    """Counts by verdict, plus unexpected refutations."""
    counts = {v: 0 for v in VERDICTS}
    for r in results:
        counts[r.verdict] += 1
    unexpected = [r.id for r in results if r.verdict == "refuted" and not r.expect_refuted]
    return {"counts": counts, "total": len(results), "unexpected_refuted": unexpected,
            **counts}


def to_json(results: list[ClaimResult], profile: str) -> dict:
    return {"claims": [r.to_json() for r in results], "summary": summary(results), "profile": profile}


def _short(v, n=60) -> str:
    s = v if isinstance(v, str) else json.dumps(v, default=str)
    return s if len(s) <= n else s[: n - 1] + "…"


def to_text(results: list[ClaimResult]) -> str:
    lines = [f"{'id':<4} {'verdict':<22} {'secs':>7}  title", "-" * 100]
    for r in results:
        lines.append(f"{r.id:<4} {r.verdict:<22} {r.seconds:7.2f}  {_short(r.title, 64)}")
        if r.verdict != "confirmed" and r.reason:
            lines.append(f"{'':<4} {'':<22} {'':>7}  ↳ {_short(r.reason, 90)}")
    s = summary(results)
    lines.append("-" * 100)
    lines.append(", ".join(f"{k}: {s['counts'][k]}" for k in VERDICTS))
    if s["unexpected_refuted"]:
        lines.append("UNEXPECTED REFUTATIONS: " + ", ".join(s["unexpected_refuted"]))
    return "\n".join(lines)


def _md_escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(results: list[ClaimResult], profile: str) -> str:
    s = summary(results)
    out = ["# infoscaling: verification of the claims", "",
           f"Profile: `{profile}`. Verdicts are computed from the evidence listed below.", "",
           "| id | source | verdict | seconds | claim |", "|---|---|---|---:|---|"]
    for r in results:
        out.append(f"| {r.id} | {r.source} | **{r.verdict}** | {r.seconds:.2f} | {_md_escape(r.title)} |")
    out += ["", "Summary: " + ", ".join(f"{k}: {s['counts'][k]}" for k in VERDICTS), ""]
    for r in results:
        out += [f"## {r.id}: {r.verdict}", "", _md_escape(r.title), ""]
        if r.statement_latex:
            out += ["$$", r.statement_latex, "$$", ""]
        if r.reason and r.verdict != "confirmed":
            out += [f"*Reason:* {_md_escape(r.reason)}", ""]
        if r.evidence:
            out += ["| kind | evidence | passed | seconds | details |", "|---|---|---|---:|---|"]
            for e in r.evidence:
                det = {k: v for k, v in e.details.items() if k != "traceback"}
                out.append(f"| {e.kind} | {_md_escape(e.description)} | {e.passed} | {e.seconds:.3f} | "
                           f"{_md_escape(_short(det, 300))} |")
            out.append("")
    return "\n".join(out)
