"""``infoscaling crosscheck FILE [--rtol R] [--dps N]``: compare another implementation's numbers.

FILE is CSV (header with at least ``quantity,spec,value``; quoted specs may
contain commas) or a JSON list of row objects; ``-`` reads standard input.
Exit status: 0 when every row agrees, 1 when a row disagrees or is malformed
(malformed rows are reported with their line number; the other rows are still
checked), 2 when FILE cannot be read at all.
"""

from __future__ import annotations

from ..cli import CommandResult, add_json_flag
from ..crosscheck import crosscheck_file


def register(sub) -> None:
    p = sub.add_parser("crosscheck", help="compare another implementation's numbers with this system's")
    p.add_argument("file", metavar="FILE", help="CSV or JSON list with quantity,spec,value[,eps,dt,compute,...]; "
                                                "- reads stdin")
    p.add_argument("--rtol", default="1e-9", help="relative tolerance for agreement (default 1e-9)")
    p.add_argument("--dps", default="30", help="digits of our recomputation (default 30)")
    add_json_flag(p)
    p.set_defaults(func=run)


def _text(data: dict) -> str:
    lines = [f"{'line':>5}  {'quantity':<16} {'agree':<6} {'rel_diff':>9}  spec / note"]
    for r in data["rows"]:
        agree = "ERROR" if "error" in r else ("yes" if r["agree"] else "NO")
        rd = "" if r["rel_diff"] is None else f"{r['rel_diff']:.2e}"
        lines.append(f"{r['line']:>5}  {str(r['quantity']):<16} {agree:<6} {rd:>9}  {r['spec']}")
        lines.append(f"{'':>5}  theirs {r['theirs']}  ours {r['ours']}")
        if r.get("error"):
            lines.append(f"{'':>5}  error: {r['error']}")
        if r["note"]:
            lines.append(f"{'':>5}  note: {r['note']}")
    s = data["summary"]
    lines.append(f"{s['rows']} rows: {s['agree']} agree, {s['disagree']} disagree, {s['malformed']} malformed "
                 f"(rtol {s['rtol']:g}, {s['dps']} digits)")
    return "\n".join(lines)


def run(args) -> CommandResult:
    try:
        rtol = float(args.rtol)
    except ValueError:
        raise ValueError(f"--rtol must be a number, got {args.rtol!r}") from None
    from ..precision import check_dps

    dps = check_dps(args.dps, "--dps")
    data = crosscheck_file(args.file, rtol, dps)
    s = data["summary"]
    code = 1 if (s["disagree"] or s["malformed"]) else 0
    return CommandResult(data, code, _text(data))
