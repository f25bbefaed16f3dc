"""``infoscaling latex [--claim ID] [--document] [--output FILE]``: LaTeX of the derived formulas."""

from __future__ import annotations

from infoscaling.derivations.catalog import CLAIM_IDS, catalog

from ..cli import CommandResult, add_json_flag
from ..io import atomic_write, check_output_path
from ..latex_doc import claim_snippet, document, label_of


def register(sub) -> None:
    p = sub.add_parser("latex", help="LaTeX of the derived formulas (or a standalone document)")
    p.add_argument("--claim", default=None, help=f"one claim id ({', '.join(CLAIM_IDS)}); default all")
    p.add_argument("--document", action="store_true", help="a standalone document that compiles with pdflatex")
    p.add_argument("--output", default=None, help="write the LaTeX to FILE (atomically)")
    add_json_flag(p)
    p.set_defaults(func=run)


def run(args) -> CommandResult:
    if args.output is not None:
        check_output_path(args.output, "--output")
    cat = catalog(args.claim)
    ids = list(cat)
    formulas = {cid: [e.to_json() | {"tex_label": label_of(e)} for e in entries] for cid, entries in cat.items()}
    if args.document:
        text = document(ids)
    else:
        text = "\n\n".join(claim_snippet(cid, entries) for cid, entries in cat.items())
    data = {"claims": formulas, "document": bool(args.document), "equations": sum(len(v) for v in cat.values()),
            "output": args.output}
    if args.output:
        atomic_write(args.output, text)
        shown = f"wrote {args.output} ({data['equations']} equations)"
    else:
        data["latex"] = text
        shown = text
    return CommandResult(data, 0, shown)
