"""Cross-check another implementation's numbers against this system's.

Two entry points:

* :func:`crosscheck_rows` (behind ``infoscaling crosscheck FILE``; reading in
  :func:`read_file` / :func:`read_table`) takes rows ``quantity,spec,value``
  plus optional parameter columns (``eps``, ``dt``, ``compute``, ``kind``,
  ``M``, ``p``, ``eta``, ...) from CSV (read with the :mod:`csv` module:
  ensemble strings contain commas and are quoted) or from a JSON list of
  objects, recomputes every quantity at high precision and reports, per row,
  ``{line, quantity, spec, theirs, ours, rel_diff, agree, note}``.
  When a row disagrees, the ``note`` names the known cause that explains it
  (MODEL.md section 6), found by recomputing the quantity *the way the faulty
  implementation does* (:mod:`infoscaling.numeric.reference`, the one emulation
  of the published notebook) and comparing again:

  - ``threshold restricted to x >= 0.1``: the reference's threshold search
    over [0.1, 1] only (hides the error floor; an artefact threshold when
    there is no jump);
  - ``alpha computed with sign variant``: the reference's alpha with three
    sign errors (:func:`derivations.amru.alpha_squared_reference`);
  - ``beta shift dropped``: a beta/Omega of 0, or an optimum computed without
    the n^{-2/3} shift of the scaling law;
  - ``optimum on the search-window edge`` / ``optimum restricted to the search
    window``: the optimum over R in [0.2, 0.6] sqrt(C') only;
  - ``Chernoff bound base mismatch`` (quantity ``tail``): KL divergence in
    log base 2 exponentiated in base e;
  - ``trivial root u = 1`` (quantity ``giant``): the fixed point u = 1 of
    u = G_1(u) instead of the smallest root;
  - ``lower fold (W_{-1})`` (quantity ``kappa_star``): the wrong Lambert branch;
  - ``float64/float128 precision``: a relative difference of about 1e-19..1e-15
    is binary floating-point rounding, not a modelling difference.

* :func:`find_disagreement`: for another implementation's *callable*, let
  Hypothesis search the parameter space for the largest relative disagreement
  (guided by :func:`hypothesis.target`), shrink the first failing case to a
  minimal one and report it.

Modules (one job each)
----------------------
* :mod:`.reading` -- the file: size, encoding, CSV / JSON, per-record limits;
* :mod:`.quantities` -- the table of quantities: parameters, our value, diagnoses;
* :mod:`.engine` -- the comparison of one row, the summary, the file entry point;
* :mod:`.search` -- :func:`find_disagreement`, the Hypothesis search of a callable.

Quantities: one table
---------------------
Every quantity is one :class:`Quantity` entry of :data:`QUANTITY_TABLE`: how
to read its parameters from a row (checked against the same domains and cost
limits as the commands: :mod:`infoscaling.derivations.specs` for ensemble and
law strings, the optimiser's problem domain, :mod:`infoscaling.numeric.validate`),
how to compute this system's value, and how to explain a disagreement.  The
comparison itself (:func:`_compare`) is the same for all.

========================  ==================================================
``threshold``             ``spec`` = ensemble (CLI.md); optional ``kind`` bp|map
``alpha``                 ``spec`` = ensemble; AMRU alpha at the BP critical point
``beta_over_omega``       ``spec`` = ensemble
``nu``                    ``spec`` = ensemble; nu* = eps* L(y*)
``giant``                 ``spec`` = degree law (``poisson:2``...); the giant fraction S
``kappa_star``            ``dt`` (column, or ``dt=..`` / concept-text ``spec``)
``optimum_R``             ``dt``, ``eps``, ``compute`` (C' = R T), from columns or a
                          concept-text / ``dt=..,eps=..`` spec
``tail``                  ``M``, ``p``, ``eta``: P(X >= eta), X ~ Bin(M, p) (extra)
========================  ==================================================

Input limits
------------
A file of at most :data:`MAX_FILE_BYTES` bytes (UTF-8, with or without a
byte-order mark, or UTF-16 with one), at most :data:`MAX_ROWS` rows,
:data:`MAX_COLUMNS` columns and :data:`MAX_FIELD` characters per field; JSON
nested at most as deep as Python's decoder allows.  Values are finite numbers
within the float range (``nan``, ``inf`` and ``1e999`` are malformed alike) or
``none``/``null``.  A file beyond these is refused (exit 2, naming FILE); a row
beyond them is reported as malformed with its line number, the other rows go on.

Examples
--------
>>> rows = [{"quantity": "alpha", "spec": "regular:3/regular:6", "value": "0.9385"},
...         {"quantity": "threshold", "spec": "regular:3/regular:6", "value": "0.4294398144"}]
>>> out = crosscheck_rows(rows, rtol=1e-6, dps=20)
>>> [(r["line"], r["agree"], r["note"]) for r in out["rows"]]
[(1, False, 'alpha computed with sign variant (reference alpha = 0.93853238...)'), (2, True, None)]
"""

from __future__ import annotations

from .engine import (
    DEFAULT_BUDGET,
    DIAG_RTOL,
    MAX_BUDGET,
    PRECISION_BAND,
    check_budget,
    crosscheck_file,
    crosscheck_rows,
    failed,
)
from .quantities import (
    EXTRA_QUANTITIES,
    OPT_DIGITS,
    QUANTITIES,
    QUANTITY_TABLE,
    WINDOW,
    Quantity,
    RowError,
    our_value,
    restricted_threshold,
)
from .reading import MAX_COLUMNS, MAX_FIELD, MAX_FILE_BYTES, MAX_ROWS, read_file, read_table
from .search import Disagreement, default_strategy, find_disagreement

__all__ = [
    "QUANTITIES",
    "EXTRA_QUANTITIES",
    "QUANTITY_TABLE",
    "Quantity",
    "RowError",
    "WINDOW",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "MAX_COLUMNS",
    "MAX_FIELD",
    "DIAG_RTOL",
    "PRECISION_BAND",
    "DEFAULT_BUDGET",
    "MAX_BUDGET",
    "check_budget",
    "failed",
    "OPT_DIGITS",
    "read_file",
    "read_table",
    "crosscheck_rows",
    "crosscheck_file",
    "our_value",
    "restricted_threshold",
    "Disagreement",
    "default_strategy",
    "find_disagreement",
]
