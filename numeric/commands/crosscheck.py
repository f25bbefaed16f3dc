"""``infoscaling crosscheck FILE [--rtol R] [--dps N]``: compare another implementation's numbers.

FILE is CSV (header with at least ``quantity,spec,value``; quoted specs may
contain commas) or a JSON list of row objects; ``-`` reads standard input.
Exit status: 0 when every row agrees, 1 when a row disagrees, is malformed,
our value could not be verified or the time budget left it unchecked (such rows are reported with their line number;
the other rows are still checked), 2 when FILE cannot be read at all, is beyond
the input limits (:mod:`infoscaling.numeric.crosscheck`), or an option is bad.
"""

from __future__ import annotations

from ..cli import CommandResult, add_json_flag


def register(sub) -> None:
    from ..crosscheck import MAX_COLUMNS, MAX_FIELD, MAX_FILE_BYTES, MAX_ROWS

    p = sub.add_parser(
        "crosscheck", help="compare another implementation's numbers with this system's",
        description="Compare another implementation's numbers with this system's. Input limits: at most "
                    f"{MAX_FILE_BYTES // 2**20} MiB, {MAX_ROWS} rows, {MAX_COLUMNS} columns, {MAX_FIELD} "
                    "characters per field; UTF-8 (a byte-order mark is fine) or UTF-16 with a byte-order mark. "
                    "Row parameters have the domains and cost limits of the commands computing them.")
    p.add_argument("file", metavar="FILE", help="CSV or JSON list with quantity,spec,value[,eps,dt,compute,...]; "
                                                "- reads stdin")
    p.add_argument("--rtol", default="1e-9", help="relative tolerance for agreement, a number >= 0 (default 1e-9)")
    p.add_argument("--dps", default="30", help="digits of our recomputation, 1..1000 (default 30)")
    p.add_argument("--budget", default=None, metavar="SECONDS",
                   help="wall-time budget for all rows; rows left when it is spent are reported as not checked "
                        "(exit 1) (default 3600, at most 1e6)")
    add_json_flag(p)
    p.set_defaults(func=run)


def _text(data: dict) -> str:
    lines = [f"{'line':>5}  {'quantity':<16} {'agree':<6} {'rel_diff':>9}  spec / note"]
    for r in data["rows"]:
        agree = "SKIP" if r.get("unchecked") else "ERROR" if "error" in r else ("yes" if r["agree"] else "NO")
        rd = "" if r["rel_diff"] is None else f"{r['rel_diff']:.2e}"
        lines.append(f"{r['line']:>5}  {str(r['quantity']):<16} {agree:<6} {rd:>9}  {r['spec']}")
        lines.append(f"{'':>5}  theirs {r['theirs']}  ours {r['ours']}")
        if r.get("error"):
            lines.append(f"{'':>5}  error: {r['error']}")
        if r["note"]:
            lines.append(f"{'':>5}  note: {r['note']}")
    s = data["summary"]
    lines.append(f"{s['rows']} rows: {s['agree']} agree, {s['disagree']} disagree, {s['malformed']} malformed, "
                 f"{s['unverified']} unverified, {s['unchecked']} not checked "
                 f"(rtol {s['rtol']:g}, {s['dps']} digits)")
    return "\n".join(lines)


def compute(file, rtol="1e-9", dps="30", budget=None) -> CommandResult:
    """``infoscaling crosscheck`` as a function of plain arguments (the data, exit status and text).

    Shared with the Python front door (``infoscaling.crosscheck``).
    """
    from ..crosscheck import crosscheck_file, failed

    data = crosscheck_file(file, rtol, dps, budget)
    return CommandResult(data, 1 if failed(data["summary"]) else 0, _text(data))


def run(args) -> CommandResult:
    return compute(args.file, rtol=args.rtol, dps=args.dps, budget=args.budget)
