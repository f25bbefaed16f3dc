"""LaTeX export of the derived formulas: per-claim snippets and a standalone document.

Every formula comes from :mod:`derivations.catalog`, i.e. from SymPy objects
returned by the derivation functions and printed by the project's one printer
:func:`derivations.notation.latex`; titles are typeset with the same notation
table (:func:`derivations.notation.prose`).  This module only adds the
environment around them: numbered ``equation`` environments with
``\\label{eq:...}``, ``multline`` for formulas broken at their terms, a
"where" line for named intermediate quantities, one section per claim with its
title from CLAIMS.md, and a numbered bibliography of the papers named in
MODEL.md.  Citations are printed as their numbers directly, so a single pdflatex
run resolves them (no ``.aux`` round trip).  The document uses only ``amsmath``,
``amssymb``, ``graphicx`` and ``geometry`` (Debian's texlive-latex-base /
-recommended).

Examples
--------
>>> from infoscaling.derivations.catalog import catalog
>>> print(claim_snippet("A7", catalog("A7")["A7"]).splitlines()[2])
\\begin{equation}\\label{eq:A7-u-map}
"""

from __future__ import annotations

import re

from infoscaling.derivations.catalog import CLAIM_IDS, SOURCES, Entry, catalog, missing

#: Bibliography numbers, in the order of :data:`SOURCES` (fixed, so citations need no second run).
CITE_NUMBER = {key: i for i, key in enumerate(SOURCES, 1)}

__all__ = ["escape_text", "equation", "claim_snippet", "document", "label_of", "cite", "CITE_NUMBER"]

_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\^{}", "#": r"\#",
            "%": r"\%", "&": r"\&", "$": r"\$", "~": r"\~{}", "<": r"$<$", ">": r"$>$", "|": r"$|$"}


def escape_text(text: str) -> str:
    """Escape prose for LaTeX text mode.

    Examples
    --------
    >>> escape_text("d_t > e & 50%")
    'd\\\\_t $>$ e \\\\& 50\\\\%'
    """
    return "".join(_SPECIAL.get(ch, ch) for ch in text)


def label_of(entry: Entry) -> str:
    """The ``\\label`` key of an entry: ``eq:`` + its label (letters, digits, ``-`` only)."""
    return "eq:" + re.sub(r"[^A-Za-z0-9-]", "-", entry.label)


def cite(key: str) -> str:
    """The citation mark of a bibliography key, e.g. ``[3]``."""
    return "[%d]" % CITE_NUMBER[key]


def equation(entry: Entry, cite_source: bool = True, fit: bool = False) -> str:
    """One numbered, labelled display: ``equation``, or ``multline`` when the entry is broken into lines.

    With ``fit`` (the document) a one-line formula goes through the preamble's
    ``\\fitmath`` macro, which scales it down to the line width only when it is
    wider.  Named intermediate quantities follow as a "where" line.
    """
    if entry.lines:
        lines = [r"\begin{multline}\label{%s}" % label_of(entry), " \\\\\n".join(entry.lines),
                 r"\end{multline}"]
    else:
        body = r"\fitmath{" + entry.latex + "}" if fit else entry.latex
        lines = [r"\begin{equation}\label{%s}" % label_of(entry), body, r"\end{equation}"]
    if entry.where:
        defs = ", ".join(r"$%s = %s$" % (sym, definition) for sym, definition in entry.where)
        lines.append(r"\noindent where %s." % defs)
    if cite_source:
        lines.insert(0, r"\noindent %s %s." % (entry.title, cite(entry.source)))
    return "\n".join(lines)


def claim_snippet(claim_id: str, entries: list[Entry]) -> str:
    """The formulas of one claim as LaTeX (a comment line, then the equations)."""
    out = [f"% {claim_id}: {len(entries)} derived formula(s) (derivations.catalog)"]
    for e in entries:
        out.append(f"% {e.title} [{e.source}; {e.derived_by}]")
        out.append(equation(e, cite_source=False))
    return "\n".join(out)


def _claim_titles() -> dict[str, str]:
    """LaTeX titles of the claims (plain-text titles escaped where no LaTeX one exists)."""
    from .claims import CLAIM_TABLE, TITLE_LATEX

    return {cid: TITLE_LATEX.get(cid) or escape_text(title) for cid, (_, title) in CLAIM_TABLE.items()}


def document(claim_ids=None) -> str:
    """A standalone LaTeX document with every derivation of the catalogue.

    Parameters
    ----------
    claim_ids : iterable of str, optional
        Claims to include (default: all of CLAIMS.md).

    Returns
    -------
    str
        The document source; it compiles with ``pdflatex``.
    """
    ids = list(CLAIM_IDS) if claim_ids is None else list(claim_ids)
    titles = _claim_titles()
    cat = {}
    for cid in ids:
        cat.update(catalog(cid))
    used = []
    parts = [
        r"\documentclass[11pt]{article}",
        r"\usepackage[utf8]{inputenc}",
        r"\usepackage{amsmath,amssymb,graphicx}",
        r"\usepackage[margin=2.2cm]{geometry}",
        r"\newsavebox{\eqbox}",
        r"\newcommand{\fitmath}[1]{\sbox{\eqbox}{$\displaystyle #1$}%" "\n"
        r"  \ifdim\wd\eqbox>\linewidth\resizebox{\linewidth}{!}{\usebox{\eqbox}}\else\usebox{\eqbox}\fi}",
        r"\title{infoscaling: derived formulas}",
        r"\author{Generated by \texttt{infoscaling latex --document}}",
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
        r"\noindent Every equation below is a SymPy object returned by the project's derivation functions "
        r"(\texttt{derivations/}) and printed by its one \LaTeX{} printer; where a formula is shown in the "
        r"paper's form (the scaling law with the Gaussian tail $Q$, $\alpha^2$ and $(\beta/\Omega)^3$ with "
        r"named values at the critical point), that form was checked equal to the derived object when the "
        r"document was generated.  The claims are those of CLAIMS.md, decided by \texttt{infoscaling verify}.",
    ]
    for cid in ids:
        parts.append(r"\section*{Claim %s}" % escape_text(cid))
        parts.append(r"\addcontentsline{toc}{section}{%s}" % escape_text(cid))
        parts.append(r"\noindent\emph{%s}\par\medskip" % titles.get(cid, ""))
        entries = cat.get(cid, [])
        if not entries:
            why = missing(cid) or "no derived formula catalogued for this claim"
            parts.append(r"\noindent\textit{%s.}" % escape_text(why))
        for e in entries:
            parts.append(equation(e, fit=True))
            if e.source not in used:
                used.append(e.source)
    parts.append(r"\begin{thebibliography}{99}")
    for key in SOURCES:  # every paper named in MODEL.md, cited or not; numbers fixed by CITE_NUMBER
        parts.append(r"\bibitem[%d]{%s} %s" % (CITE_NUMBER[key], key, escape_text(SOURCES[key])))
    parts.append(r"\end{thebibliography}")
    parts.append(r"\end{document}")
    return "\n\n".join(parts) + "\n"
