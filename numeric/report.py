"""Claims report rendering: terminal table, JSON object, Markdown supplement."""

from __future__ import annotations

import json
import textwrap

from .claims import FAILED_VERDICTS, VERDICTS, ClaimResult

__all__ = ["summary", "to_json", "to_text", "to_markdown"]

#: Width of the text table.
TEXT_WIDTH = 100


def summary(results: list[ClaimResult]) -> dict:
    """Counts by verdict, the claims refuted unexpectedly, those in error or past their budget.

    ``failed`` lists every claim that makes ``verify`` exit 1: unexpected refutations,
    ``error`` and ``timeout`` verdicts.
    """
    counts = {v: 0 for v in VERDICTS}
    for r in results:
        counts[r.verdict] += 1
    unexpected = [r.id for r in results if r.verdict == "refuted" and not r.expect_refuted]
    errors = [r.id for r in results if r.verdict == "error"]
    timeouts = [r.id for r in results if r.verdict == "timeout"]
    failed = [r.id for r in results if r.id in unexpected or r.verdict in FAILED_VERDICTS]
    return {"counts": counts, "total": len(results), "unexpected_refuted": unexpected,
            "errors": errors, "timeouts": timeouts, "failed": failed, **counts}


def to_json(results: list[ClaimResult], profile: str) -> dict:
    """The JSON object of ``verify`` (``claims`` in order, ``summary``, ``profile``)."""
    return {"claims": [r.to_json() for r in results], "summary": summary(results), "profile": profile}


def to_text(results: list[ClaimResult], width: int = TEXT_WIDTH) -> str:
    """A table for the terminal: id, verdict, seconds, title; the reason wrapped below the row.

    Examples
    --------
    >>> from infoscaling.numeric.claims import ClaimResult
    >>> r = ClaimResult("A1", "A short title.", "paper", "error", [], 0.5, "evidence raised KeyError")
    >>> print(to_text([r]))  # doctest: +NORMALIZE_WHITESPACE
    id   verdict                secs  claim
    ...
    A1   error                  0.50  A short title.
                                      reason: evidence raised KeyError
    ...
    error: 1
    FAILED: A1 (error)
    """
    head = f"{'id':<4} {'verdict':<21} {'secs':>6}  "
    pad = " " * len(head)
    lines = [head + "claim", "-" * width]
    for r in results:
        verdict = r.verdict + (" (expected)" if r.verdict == "refuted" and r.expect_refuted else "")
        title = textwrap.wrap(" ".join(str(r.title).split()), width - len(head)) or [""]
        lines.append(f"{r.id:<4} {verdict:<21} {r.seconds:6.2f}  {title[0]}")
        lines += [pad + t for t in title[1:]]
        if r.verdict != "confirmed" and r.reason:
            label = "caveat" if r.verdict == "confirmed-with-caveat" else "reason"
            lines += textwrap.wrap(" ".join(str(r.reason).split()), width, initial_indent=pad + f"{label}: ",
                                   subsequent_indent=pad + "  ", max_lines=6, placeholder=" [...]")
    s = summary(results)
    lines.append("-" * width)
    lines.append(", ".join(f"{k}: {s['counts'][k]}" for k in VERDICTS if s["counts"][k]))
    verdict_of = {r.id: r.verdict for r in results}
    if s["failed"]:
        lines.append("FAILED: " + ", ".join(f"{i} ({'unexpectedly refuted' if verdict_of[i] == 'refuted' else verdict_of[i]})"
                                           for i in s["failed"]))
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
    if s["failed"]:
        out += ["**Failed:** " + ", ".join(s["failed"]) + " (unexpectedly refuted, error or timeout)", ""]
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
