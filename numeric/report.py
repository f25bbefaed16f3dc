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
        verdict = r.verdict + (" (expected)" if r.verdict == "refuted" and r.expect_refuted else "")
        lines.append(f"{r.id:<4} {verdict:<22} {r.seconds:7.2f}  {_short(r.title, 64)}")
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


#: Detail keys shown inline in the Markdown report (precision and sampling).
_INLINE_KEYS = ("dps", "digits", "seed", "seeds", "trials", "confidence", "n", "R")
#: Longest JSON block of details in the Markdown report (characters).
MD_DETAILS_CHARS = 4000


def _inline(details: dict) -> str:
    parts = []
    for k in _INLINE_KEYS:
        if k in details and isinstance(details[k], (int, float, str)) and not isinstance(details[k], bool):
            parts.append(f"{k} = {details[k]}")
    return ", ".join(parts)


def _passed_word(p) -> str:
    return {True: "passed", False: "**failed**", None: "undecided"}[p]


def to_markdown(results: list[ClaimResult], profile: str) -> str:
    """A Markdown supplement: summary table, then per claim its statement, verdict and evidence.

    Each piece of evidence is a numbered item (kind, what was computed, outcome, time, precision or
    sampling inline) with its full details in a collapsible JSON block.
    """
    s = summary(results)
    out = ["# infoscaling: verification of the claims", "",
           f"Profile: `{profile}`. Verdicts are computed from the evidence listed below, never written by hand.",
           "", "| id | source | verdict | seconds | claim |", "|---|---|---|---:|---|"]
    for r in results:
        out.append(f"| {r.id} | {r.source} | **{r.verdict}** | {r.seconds:.2f} | {_md_escape(r.title)} |")
    out += ["", "Summary: " + ", ".join(f"{k}: {s['counts'][k]}" for k in VERDICTS), ""]
    for r in results:
        out += [f"## {r.id}: {r.verdict}", "", str(r.title).replace("\n", " "), ""]
        if r.statement_latex:
            out += ["$$", r.statement_latex, "$$", ""]
        if r.reason and r.verdict != "confirmed":
            label = "Caveat" if r.verdict == "confirmed-with-caveat" else "Reason"
            out += [f"*{label}:* {r.reason}", ""]
        for i, e in enumerate(r.evidence, 1):
            det = {k: v for k, v in e.details.items() if k != "traceback"}
            inline = _inline(det)
            out.append(f"{i}. **{e.kind}**: {e.description.strip()} — {_passed_word(e.passed)} "
                       f"({e.seconds:.3f} s{'; ' + inline if inline else ''})")
            if e.caveat:
                out.append(f"   *Caveat:* {e.caveat}")
            if det:
                text = json.dumps(det, indent=1, default=str, sort_keys=True)
                if len(text) > MD_DETAILS_CHARS:
                    text = text[:MD_DETAILS_CHARS] + "\n... (truncated; see the JSON report)"
                out += ["", "   <details><summary>details</summary>", "", "   ```json"]
                out += ["   " + line for line in text.splitlines()]
                out += ["   ```", "", "   </details>", ""]
        out.append("")
    return "\n".join(out)
