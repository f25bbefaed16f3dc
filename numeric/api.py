"""The Python front door: one function per command, returning a result object.

``import infoscaling as isc`` exposes these functions (resolved lazily, see
:mod:`infoscaling`).  Each calls the *same* plain-argument function as its
command-line twin (``compute`` in :mod:`infoscaling.numeric.commands`), and
the result keeps the command's JSON object, passed through the CLI's own
encoder, so that ``result.to_dict()`` equals what ``infoscaling CMD ... --json``
prints for the same arguments (timing keys such as ``seconds`` aside).

A result object has

* ``to_dict()`` -- the command's JSON object (a fresh copy);
* attribute and item access to its keys (``r.threshold``, ``r["digits"]``);
* ``exit_code`` / ``ok`` -- the CLI's exit status (1: a check failed) and ``exit_code == 0``;
* a readable ``repr`` (the headline keys), ``_repr_markdown_`` (a table) and
  ``_repr_latex_`` for Jupyter, and ``latex()``: the result in the project's
  notation (:data:`infoscaling.derivations.notation.SYMBOL_NAMES`).

Bad arguments raise :class:`~infoscaling.numeric.errors.InputError` (a
``ValueError`` naming the argument, as the CLI's exit 2); a value that cannot be
verified raises :class:`~infoscaling.numeric.errors.VerificationError`.

Examples
--------
>>> r = threshold("regular:3/regular:6", dps=20)
>>> r
Threshold(ensemble='regular:3/regular:6', threshold='0.42943981441949183716', limited_by='tangency', sharp=True, digits=30)
>>> r.threshold, r["x"]
('0.42943981441949183716', '0.26057107290657621611')
>>> r.latex()
'\\\\varepsilon_{\\\\mathrm{BP}} = 0.42943981441949183716'
>>> giant("poisson:2", dps=15).S
'0.796812130020020'
"""

from __future__ import annotations

import copy
import json
import os
import re

__all__ = [
    "Result",
    "threshold",
    "scaling_params",
    "giant",
    "optimum",
    "sweep",
    "simulate_peeling",
    "simulate_giant",
    "verify",
    "claims",
    "crosscheck",
    "coupled",
    "design",
    "figures",
    "latex",
]


def _plain(data: dict) -> dict:
    """The JSON object exactly as the CLI prints it (its encoder: decimal strings, strict JSON)."""
    from .cli import dumps

    return json.loads(dumps(data))


def _sym(name: str) -> str:
    from infoscaling.derivations.notation import SYMBOL_NAMES

    return SYMBOL_NAMES[name]


def _short(value, width: int = 24):
    if isinstance(value, str) and len(value) > width:
        return value[: width - 3] + "..."
    return value


def _brief(value) -> str:
    """A value as shown by ``repr``: estimates as ``est [lo, hi]``, summaries as counts, long text cut."""
    if isinstance(value, dict) and "estimate" in value and "ci" in value:
        lo, hi = value["ci"]
        return f"{value['estimate']:.6g} [{lo:.6g}, {hi:.6g}]"
    if isinstance(value, dict) and isinstance(value.get("counts"), dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in value["counts"].items() if v) + "}"
    if isinstance(value, dict) and {"agree", "disagree"} <= value.keys():
        keys = ("agree", "disagree", "malformed", "unverified", "unchecked")
        return "{" + ", ".join(f"{k}: {value[k]}" for k in keys if k in value) + "}"
    return repr(_short(value, 40))


def _md_cell(value) -> str:
    if isinstance(value, (dict, list, bool)) or value is None:
        text = json.dumps(value)
        value = text if len(text) <= 60 else text[:57] + "..."
    return str(value).replace("|", r"\|").replace("\n", " ")


_NUMBER = re.compile(r"[-+]?[0-9.]+(e[-+]?[0-9]+)?(\\ldots)?")


def _md_value(key: str, value) -> str:
    """A markdown table cell; LaTeX-valued keys (``*_latex``) as inline math."""
    if key.endswith("_latex") and isinstance(value, str) and value:
        return "$" + value.replace("|", r"\vert ").replace("\n", " ") + "$"
    return _md_cell(value)


def _array(header: list[str], rows: list[list]) -> str:
    """A LaTeX ``array`` (renders in Jupyter's MathJax, unlike ``tabular``)."""
    def cell(v):
        if v is None:
            return r"\text{--}"
        if isinstance(v, str) and v.endswith("..."):
            v = v[:-3] + r"\ldots"
        if isinstance(v, str) and not _NUMBER.fullmatch(v):
            return r"\text{%s}" % v.replace("_", r"\_")
        return str(v)

    lines = [" & ".join(header) + r" \\ \hline"]
    lines += [" & ".join(cell(v) for v in row) + r" \\" for row in rows]
    return r"\begin{array}{%s}" % ("l" * len(header)) + "\n" + "\n".join(lines) + "\n" + r"\end{array}"


class Result:
    """A command's result (see the module notes).

    Parameters
    ----------
    data : dict
        The command's JSON object (it is normalised by the CLI's encoder).
    exit_code : int
        The CLI's exit status for this result (0, or 1 when a check failed).
    """

    #: Command name (as on the command line).
    command = "result"
    #: Keys shown by ``repr``.
    headline: tuple[str, ...] = ()
    #: Key holding a list of rows (``_repr_markdown_`` shows them as a table).
    rows_key: str | None = None

    def __init__(self, data: dict, exit_code: int = 0):
        self._data = _plain(data)
        self.exit_code = int(exit_code)

    # -- the data -----------------------------------------------------------------
    def to_dict(self) -> dict:
        """The command's JSON object (a copy): equal to ``infoscaling CMD ... --json``."""
        return copy.deepcopy(self._data)

    @property
    def ok(self) -> bool:
        """True when the CLI would exit 0 (no failed check)."""
        return self.exit_code == 0

    def keys(self):
        return self._data.keys()

    def __getitem__(self, key):
        return self._data[key]

    def __contains__(self, key) -> bool:
        return key in self._data

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(f"{type(self).__name__} has no key {name!r}; keys: "
                                 f"{', '.join(sorted(self._data))}") from None

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._data))

    def __eq__(self, other):
        if isinstance(other, Result):
            return type(self) is type(other) and self._data == other._data and self.exit_code == other.exit_code
        return NotImplemented

    __hash__ = None

    # -- rendering ----------------------------------------------------------------
    def __repr__(self) -> str:
        parts = [f"{k}={_brief(self._data[k])}" for k in self.headline if k in self._data]
        if self.rows_key and self.rows_key in self._data:
            parts.insert(0, f"{len(self._data[self.rows_key])} {self.rows_key}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def latex(self) -> str:
        """The result in the project's LaTeX notation (math mode, without delimiters)."""
        return _array(["\\text{key}", "\\text{value}"],
                      [[k, _md_cell(v)] for k, v in sorted(self._data.items()) if not isinstance(v, (dict, list))])

    def _repr_latex_(self) -> str:
        return "$$" + self.latex() + "$$"

    def _repr_markdown_(self) -> str:
        title = f"**infoscaling {self.command}**" + ("" if self.ok else f" (exit status {self.exit_code})")
        if self.rows_key and isinstance(self._data.get(self.rows_key), list) and self._data[self.rows_key]:
            rows = self._data[self.rows_key]
            cols = [c for c in self.row_columns(rows) if any(c in r for r in rows)]
            out = [title, "", "| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
            out += ["| " + " | ".join(_md_cell(r.get(c, "")) for c in cols) + " |" for r in rows]
            rest = {k: v for k, v in self._data.items() if k != self.rows_key}
            if rest:
                out += ["", "| key | value |", "|---|---|"]
                out += [f"| {k} | {_md_cell(v)} |" for k, v in sorted(rest.items())]
            return "\n".join(out)
        out = [title, "", "| key | value |", "|---|---|"]
        out += [f"| {k} | {_md_value(k, v)} |" for k, v in sorted(self._data.items())]
        return "\n".join(out)

    def row_columns(self, rows: list[dict]) -> list[str]:
        """Columns of the rows table (default: every key, in first-seen order)."""
        cols: list[str] = []
        for r in rows:
            cols += [k for k in r if k not in cols and not isinstance(r[k], (dict, list))]
        return cols


def _eq(pairs) -> str:
    return r",\quad ".join(f"{sym} = {val}" for sym, val in pairs if val is not None)


def _ci(est: dict) -> str:
    lo, hi = est["ci"]
    return r"%s\ [%s,\ %s]_{%s}" % (est["estimate"], lo, hi, est.get("confidence", ""))


class Threshold(Result):
    command = "threshold"
    headline = ("ensemble", "threshold", "limited_by", "sharp", "digits")

    def latex(self) -> str:
        name = "eps_MAP" if self._data.get("kind") == "map" else "eps_BP"
        value = self._data["threshold"]
        return _sym(name) + " = " + (value if value is not None else r"\text{none (no sharp threshold)}")


class ScalingParams(Result):
    command = "scaling-params"
    headline = ("ensemble", "alpha", "beta_over_omega", "nu", "threshold")

    def latex(self) -> str:
        d = self._data
        return _eq([(_sym("alpha"), d["alpha"]), (_sym("beta_over_Omega"), d["beta_over_omega"]),
                    (_sym("nu") + "^{*}", d["nu"]), (_sym("eps_star"), d["threshold"])])


class Giant(Result):
    command = "giant"
    headline = ("law", "S", "u", "supercritical", "digits")

    def latex(self) -> str:
        d = self._data
        return _eq([("S", d["S"]), ("u", d["u"]), (r"\sum_k k(k-2)p_k", d.get("criterion"))])


class Optimum(Result):
    command = "optimum"

    @property
    def headline(self):
        if "kappa_star" in self._data:
            return ("kappa_star", "R_over_sqrt_C", "T_over_sqrt_C", "digits")
        return ("C_prime", "R", "T", "kappa", "learned_fraction", "optimum_kind", "digits")

    def latex(self) -> str:
        d = self._data
        if "kappa_star" in d:
            return _eq([(_sym("kappa_star"), d["kappa_star"]), (_sym("R_star") + r"/\sqrt{C'}", d["R_over_sqrt_C"]),
                        (_sym("T_star") + r"/\sqrt{C'}", d["T_over_sqrt_C"])])
        return _eq([(_sym("R_star"), d["R"]), (_sym("T_star"), d["T"]), (_sym("kappa"), d["kappa"]),
                    (r"R_{\mathrm{learned}}/R", d.get("learned_fraction"))])


class Sweep(Result):
    command = "sweep"
    headline = ("dt", "eps", "dps", "model")
    rows_key = "rows"

    def row_columns(self, rows):
        return ["C_prime", "R", "T", "kappa", "learned_fraction", "local_exponent", "optimum_kind", "digits"]

    def latex(self) -> str:
        head = [_sym("C_prime"), _sym("R_star"), _sym("T_star"), _sym("kappa")]
        return _array(head, [[r["C_prime"], _short(r["R"], 14), _short(r["T"], 14), _short(r["kappa"], 14)]
                             for r in self._data["rows"]])


class SimulatePeeling(Result):
    command = "simulate peeling"
    headline = ("n", "eps", "trials", "seed", "block_failure")

    def latex(self) -> str:
        d = self._data
        return _eq([(_sym("P_B"), _ci(d["block_failure"])),
                    (r"\text{residual erased fraction}", _ci(d["residual_erased_fraction"]))])


class SimulateGiant(Result):
    command = "simulate giant"
    headline = ("law", "n", "trials", "seed", "S")

    def latex(self) -> str:
        return _eq([("S", _ci(self._data["S"]))])


class Verify(Result):
    command = "verify"
    headline = ("summary",)
    rows_key = "claims"

    def row_columns(self, rows):
        return ["id", "verdict", "seconds", "title"]

    def latex(self) -> str:
        return _array([r"\text{claim}", r"\text{verdict}"], [[c["id"], c["verdict"]] for c in self._data["claims"]])


class Claims(Result):
    command = "claims"
    headline = ()
    rows_key = "claims"

    def latex(self) -> str:
        return _array([r"\text{claim}", r"\text{statement}"],
                      [[c["id"], c.get("statement_latex") or c["title"]] for c in self._data["claims"]])


class Crosscheck(Result):
    command = "crosscheck"
    headline = ("summary",)
    rows_key = "rows"

    def row_columns(self, rows):
        return ["line", "quantity", "spec", "theirs", "ours", "rel_diff", "agree", "note", "error"]

    def latex(self) -> str:
        return _array([r"\text{line}", r"\text{quantity}", r"\text{agree}", r"\text{rel. diff.}"],
                      [[r["line"], r["quantity"], "error" if r.get("error") else ("yes" if r["agree"] else "no"),
                        None if r["rel_diff"] is None else f"{r['rel_diff']:.2e}"] for r in self._data["rows"]])


class Coupled(Result):
    command = "coupled"
    headline = ("ensemble", "L", "w", "threshold", "digits", "uncoupled_threshold", "map_threshold")

    def latex(self) -> str:
        d = self._data
        return _eq([(r"\varepsilon_{\mathrm{BP}}(L, w)", d.get("threshold")),
                    (_sym("eps_BP"), d.get("uncoupled_threshold")), (_sym("eps_MAP"), d.get("map_threshold")),
                    (r"\text{rate}", d.get("rate"))])


class Design(Result):
    command = "design"
    headline = ("check", "eps", "kind", "rate", "kappa", "threshold", "gap_to_capacity")

    def latex(self) -> str:
        d = self._data
        def term(k, c):
            e = int(k) - 1
            return f"{c}" if e == 0 else f"{c} x" if e == 1 else f"{c} x^{{{e}}}"

        lam = " + ".join(term(k, c) for k, c in sorted(d["lambda"].items(), key=lambda t: int(t[0])))
        return _eq([(r"\lambda(x)", lam), (r"\text{rate}", d.get("rate")), (_sym("kappa"), d.get("kappa")),
                    (_sym("eps_BP"), d.get("threshold"))])


class Figures(Result):
    command = "figures"
    headline = ("output_dir", "format", "quick")

    def __repr__(self) -> str:
        made = ", ".join(self._data.get("figures", {}))
        skipped = ", ".join(self._data.get("skipped", {}))
        return (f"Figures(output_dir={self._data.get('output_dir')!r}, made=[{made}]"
                + (f", skipped=[{skipped}]" if skipped else "") + ")")

    def _repr_markdown_(self) -> str:
        out = [f"**infoscaling figures** in `{self._data.get('output_dir')}`", ""]
        for name, v in self._data.get("figures", {}).items():
            out.append(f"- {v.get('title', name)}: `{v['image']}` (data `{v['csv']}`, {v['rows']} rows)")
        out += [f"- {name}: skipped ({why})" for name, why in self._data.get("skipped", {}).items()]
        return "\n".join(out)


class Latex(Result):
    command = "latex"
    headline = ("equations", "document")

    def latex(self) -> str:
        """The LaTeX text itself (formulas with their environments, or the whole document)."""
        return self._data.get("latex", "")

    def _repr_latex_(self) -> str:
        return self.latex()


# ------------------------------------------------------------------------------------
# the functions
# ------------------------------------------------------------------------------------

def _wrap(cls, out) -> Result:
    """A Result from what a command's ``compute`` returned (a dict, or a CommandResult)."""
    if isinstance(out, dict):
        return cls(out, 0)
    return cls(out.data, out.exit_code)


def threshold(ensemble: str, kind: str = "bp", dps=30) -> Threshold:
    """BP or MAP threshold of an ensemble (``infoscaling threshold``), with verified digits.

    Parameters
    ----------
    ensemble : str
        ``VAR/CHECK`` (``regular:3/regular:6``, ``poisson:27/poisson:12``...) or
        ``concept-text:dt=..,kappa=..,eps=..[,R=..]`` (CLI.md).
    kind : {'bp', 'map'}
    dps : int
        Significant digits to report (1..1000).

    Returns
    -------
    Threshold
        Keys of CLI.md: ``threshold`` (decimal string, or None without a sharp
        threshold), ``x``, ``y``, ``sharp``, ``limited_by``, ``digits``
        (verified), ``enclosure``, ``closed_form_latex``, ...

    Raises
    ------
    InputError
        Malformed ensemble, ``kind`` or ``dps`` (the message names the argument).
    VerificationError
        The digits could not be confirmed.

    Examples
    --------
    >>> threshold("regular:3/regular:6", dps=12).threshold
    '0.429439814419'
    """
    from .commands import threshold as cmd

    return _wrap(Threshold, cmd.compute(ensemble, kind=kind, dps=dps))


def scaling_params(ensemble: str, dps=30) -> ScalingParams:
    """AMRU finite-length scaling parameters alpha, beta/Omega, nu* (``infoscaling scaling-params``).

    Parameters
    ----------
    ensemble : str
        An ensemble with a tangency critical point (``regular:3/regular:6``...).
    dps : int
        Significant digits (1..1000).

    Returns
    -------
    ScalingParams
        ``alpha``, ``beta_over_omega`` (Omega = 1), ``nu``, ``threshold``, ``x``,
        ``y``, ``alpha_reference`` (the published notebook's sign-error variant), ...

    Examples
    --------
    >>> scaling_params("regular:3/regular:6", dps=8).alpha
    '0.56035474'
    """
    from .commands import scaling_params as cmd

    return _wrap(ScalingParams, cmd.compute(ensemble, dps=dps))


def giant(law: str, dps=30) -> Giant:
    """Giant component of a random graph with a node-perspective degree law (``infoscaling giant``).

    Parameters
    ----------
    law : str
        ``poisson:c``, ``node-poly:p0,p1,...``, ``geometric:a``, ``regular:d``,
        ``binomial:N,p``, ``powerlaw:tau[,kmin[,kmax]]``, ``projection:A/G`` (CLI.md).
    dps : int
        Significant digits (1..1000).

    Returns
    -------
    Giant
        ``S``, ``u``, ``supercritical``, ``criterion``, ``mean_component_size``, ``digits``, ...
    """
    from .commands import giant as cmd

    return _wrap(Giant, cmd.compute(law, dps=dps))


def optimum(dt, eps, compute=None, asymptotic: bool = False, dps=None, alpha_variant: str = "correct",
            shift: bool = True, model: str = "consistent", varsigma="2e5", tau="8e5") -> Optimum:
    """Compute-optimal R*, T* at C' = ``compute``, or the ``asymptotic`` kappa* (``infoscaling optimum``).

    Parameters
    ----------
    dt, eps : number or str
        Mean concepts per text d_t (> 0) and the auxiliary eps in (0, 1); exact
        strings (``"1/2"``) are kept exact.
    compute : number or str, optional
        C' = R T.  Exactly one of ``compute`` and ``asymptotic=True``.
    asymptotic : bool
        The C' -> oo limit (kappa*, R/sqrt(C'), T/sqrt(C')).
    dps : int, optional
        Significant digits (default 30 asymptotic, 20 finite).
    alpha_variant : {'correct', 'reference'}
    shift : bool
        ``False`` is ``--no-shift`` (drop the beta n^{-2/3} shift; comparison only).
    model : {'consistent', 'paper'}
    varsigma, tau : number or str
        Parameters per concept and tokens per text (N = varsigma R, D = tau T).

    Returns
    -------
    Optimum
        The keys of ``infoscaling optimum --json`` for the same arguments.

    Examples
    --------
    >>> optimum(6, "1/2", asymptotic=True, dps=10).kappa_star
    '4.532989620'
    """
    from .commands import optimum as cmd

    return _wrap(Optimum, cmd.compute_optimum(dt, eps, compute=compute, asymptotic=asymptotic, dps=dps,
                                              alpha_variant=alpha_variant, shift=shift, model=model,
                                              varsigma=varsigma, tau=tau))


def sweep(dt, eps, c_from, c_to, points, dps=None, alpha_variant: str = "correct", shift: bool = True,
          model: str = "consistent", varsigma="2e5", tau="8e5", exponent: bool = True) -> Sweep:
    """The compute-optimal path over a log grid of C' from ``c_from`` to ``c_to`` (``infoscaling sweep``)."""
    from .commands import optimum as cmd

    return _wrap(Sweep, cmd.compute_sweep(dt, eps, c_from, c_to, points, dps=dps, alpha_variant=alpha_variant,
                                          shift=shift, model=model, varsigma=varsigma, tau=tau,
                                          exponent=exponent))


def simulate_peeling(ensemble: str, n=None, eps=None, trials=None, seed=None, workers=None,
                     confidence="0.95") -> SimulatePeeling:
    """Peeling decoder on ``trials`` independent graphs (``infoscaling simulate peeling``).

    Without ``seed`` one is drawn from OS entropy and echoed as ``seed``.
    """
    from .commands import simulate as cmd

    return _wrap(SimulatePeeling, cmd.compute_peeling(ensemble, n=n, eps=eps, trials=trials, seed=seed,
                                                      workers=workers, confidence=confidence))


def simulate_giant(law: str, n=None, trials=None, seed=None, workers=None, confidence="0.95") -> SimulateGiant:
    """Giant component of ``trials`` random graphs of a degree law (``infoscaling simulate giant``)."""
    from .commands import simulate as cmd

    return _wrap(SimulateGiant, cmd.compute_giant(law, n=n, trials=trials, seed=seed, workers=workers,
                                                  confidence=confidence))


def _ids(claim_ids) -> str | None:
    if claim_ids is None or isinstance(claim_ids, str):
        return claim_ids
    return ",".join(str(c) for c in claim_ids)


def verify(claims=None, profile: str = "quick", workers=None, budget=None) -> Verify:
    """Verdicts with evidence for the claims (``infoscaling verify --json``).

    ``claims``: ids as a list or a comma-separated string (None: all).
    ``exit_code`` is 1 when a claim is refuted unexpectedly, raised, or timed out.
    """
    from .commands import verify as cmd

    return _wrap(Verify, cmd.compute(_ids(claims), profile, workers=workers, budget=budget, fmt="json"))


def claims() -> Claims:
    """The claim registry: ``{"claims": [{id, title, statement_latex, expect_refuted}, ...]}`` (nothing is run)."""
    from .claims import all_claims

    rows = [{"id": c.id, "title": c.title, "source": c.source, "statement_latex": c.statement_latex,
             "expect_refuted": c.expect_refuted, "pending_reason": c.pending_reason} for c in all_claims()]
    return Claims({"claims": rows})


def crosscheck(source, rtol="1e-9", dps="30", budget=None) -> Crosscheck:
    """Compare another implementation's numbers with this system's (``infoscaling crosscheck``).

    ``source`` is a file path (CSV or JSON; ``"-"`` reads standard input), or a
    row dict ``{quantity, spec, value, ...}`` or a list of them (then there is no ``file`` key).
    """
    if isinstance(source, dict):
        source = [source]
    if isinstance(source, (str, os.PathLike)):
        from .commands import crosscheck as cmd

        return _wrap(Crosscheck, cmd.compute(os.fspath(source), rtol=rtol, dps=dps, budget=budget))
    from .crosscheck import crosscheck_rows, failed

    data = crosscheck_rows(list(source), rtol, dps, budget)
    return Crosscheck(data, 1 if failed(data["summary"]) else 0)


def coupled(ensemble: str, L, w, dps="20", budget=None) -> Coupled:
    """Threshold of the spatially coupled (L, w) chain of an ensemble (``infoscaling coupled``)."""
    from .commands import coupled as cmd

    return _wrap(Coupled, cmd.compute(ensemble, L, w, dps=dps, budget=budget))


def design(check: str, eps, vmax, kind: str = "lp", dps="15") -> Design:
    """The variable degree law designed for a target eps (``infoscaling design``)."""
    from .commands import design as cmd

    return _wrap(Design, cmd.compute(check, eps, vmax, kind=kind, dps=dps))


def figures(output_dir="figures", format: str = "png", only=None, quick: bool = False, seed=None) -> Figures:
    """The paper's and the validation figures, each an image and a CSV (``infoscaling figures``).

    ``only``: figure names as a list or a comma-separated string (None: all).
    """
    from .commands import figures as cmd

    return _wrap(Figures, cmd.compute(os.fspath(output_dir), format, only=only, quick=quick, seed=seed))


def latex(claim=None, document: bool = False) -> Latex:
    """LaTeX of the derived formulas (``infoscaling latex``); ``.latex()`` is the text."""
    from .commands import latex as cmd

    return _wrap(Latex, cmd.compute(claim=claim, document=document))
