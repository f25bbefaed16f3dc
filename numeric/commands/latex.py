"""``infoscaling latex [--claim ID] [--document] [--output FILE]``: LaTeX of the derived formulas."""

from __future__ import annotations

from infoscaling.derivations.catalog import CLAIM_IDS, catalog

from ..cli import CommandResult, add_json_flag
from ..io import atomic_write, check_output_path
from ..latex_doc import claim_snippet, label_of
from ..latex_doc import document as standalone_document


def register(sub) -> None:
    p = sub.add_parser("latex", help="LaTeX of the derived formulas (or a standalone document)")
    p.add_argument("--claim", default=None, help=f"one claim id ({', '.join(CLAIM_IDS)}); default all")
    p.add_argument("--document", action="store_true", help="a standalone document that compiles with pdflatex")
    p.add_argument("--output", default=None, help="write the LaTeX to FILE (atomically)")
    add_json_flag(p)
    p.set_defaults(func=run)


def compute(claim=None, document=False, output=None) -> CommandResult:
    """``infoscaling latex`` as a function of plain arguments (shared with the Python front door)."""
    if output is not None:
        check_output_path(output, "--output")
    cat = catalog(claim)
    ids = list(cat)
    formulas = {cid: [e.to_json() | {"tex_label": label_of(e)} for e in entries] for cid, entries in cat.items()}
    if document:
        text = standalone_document(ids)
    else:
        text = "\n\n".join(claim_snippet(cid, entries) for cid, entries in cat.items())
    data = {"claims": formulas, "document": bool(document), "equations": sum(len(v) for v in cat.values()),
            "output": output}
    if output:
        atomic_write(output, text)
        shown = f"wrote {output} ({data['equations']} equations)"
    else:
        data["latex"] = text
        shown = text
    return CommandResult(data, 0, shown)


def run(args) -> CommandResult:
    return compute(args.claim, document=args.document, output=args.output)
