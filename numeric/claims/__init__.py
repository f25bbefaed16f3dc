"""The claim registry behind ``infoscaling verify`` (shared/spec/CLAIMS.md).

A :class:`Claim` has a stable id, a title, a LaTeX statement, and a function
``evidence(profile)`` that *computes* a list of :class:`Evidence`.  The
verdict is derived from the evidence by :func:`decide`, never written by hand:

* any evidence that failed (``passed is False``) -> ``refuted``;
* any evidence undecided (``passed is None``) -> ``pending``;
* all passed, some with a caveat -> ``confirmed-with-caveat``;
* all passed -> ``confirmed``;
* a claim whose evidence function says it does not apply -> ``not-applicable``.

Two verdicts are not computed from evidence, because there is none to decide
from; they are set by :func:`run_claim` and the runner
(:mod:`infoscaling.numeric.claims.runner`):

* ``error`` -- the evidence computation raised (the exception is kept as the
  reason and a short traceback in the evidence details);
* ``timeout`` -- the claim ran past its time budget (:data:`BUDGETS`).

Either makes ``infoscaling verify`` exit 1, as an unexpected refutation does.

Claim modules (``numeric.claims.decoding`` ...) call :func:`register`; they are
listed in :data:`CLAIM_MODULES` and a module that cannot be imported is an
error, never a silently missing claim (adding a module is a one-line change
there).  Rows of CLAIMS.md that no module registers are reported ``pending``
with the reason.  Claims outside CLAIMS.md (plugins, tests) can be registered
with an explicit title, and modules holding them named in the environment
variable ``INFOSCALING_EXTRA_CLAIMS`` (comma-separated module names).
"""

from __future__ import annotations

import importlib
import os
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = [
    "Evidence",
    "Claim",
    "ClaimResult",
    "ClaimTimeout",
    "register",
    "all_claims",
    "run_claim",
    "decide",
    "CLAIM_TABLE",
    "TITLE_LATEX",
    "VERDICTS",
    "PROFILES",
    "BUDGETS",
    "EXPECTED_SECONDS",
    "FAILED_VERDICTS",
    "VERIFY_ALPHA",
    "profile_dps",
    "timed",
]

#: Per-claim family-wise false-alarm probability of simulated evidence in ``verify``:
#: each simulated comparison of a claim is made at confidence
#: ``bonferroni(VERIFY_ALPHA, comparisons of that claim)``.
VERIFY_ALPHA = 1e-3

VERDICTS = ("confirmed", "confirmed-with-caveat", "refuted", "pending", "not-applicable", "error", "timeout")
#: Verdicts that make ``verify`` exit 1 whatever the registry expects.
FAILED_VERDICTS = ("error", "timeout")
PROFILES = ("quick", "full")

#: Default time budget of one claim (seconds of wall time) per profile; ``verify --budget`` overrides it.
#: About ten times the slowest claim's time on a loaded 2-core machine: a claim past it is a hang.
BUDGETS = {"quick": 120.0, "full": 600.0}

#: Rough wall time of each claim per profile (seconds, 2-core machine), used only to
#: start the longest claims first when they run in parallel; the report order is the table
#: order.  Times recorded by earlier runs on this machine take precedence
#: (:func:`~infoscaling.numeric.claims.runner.recorded_seconds`).  Claims missing here are
#: scheduled as if they took the profile's ``"*"`` entry.
EXPECTED_SECONDS = {
    "quick": {
        "*": 1.0,
        "B6": 7.4, "B5": 5.2, "B4": 4.2, "A4": 3.4, "C1": 2.4, "D1": 2.3, "D3": 2.3, "A8": 2.2,
        "B8": 2.1, "B7": 2.1, "A5": 2.1, "B1": 1.6, "R1": 1.5, "D2": 1.5, "A12": 1.4, "A10": 1.4,
        "A3": 1.3, "B2": 1.2, "A1": 0.9, "B3": 0.8, "A2": 0.7, "A11": 0.4, "A7": 0.4, "A6": 0.3,
        "A9": 0.05,
    },
    "full": {
        "*": 5.0,
        "B1": 216.0, "B3": 188.0, "A5": 120.0, "D1": 47.0, "A11": 28.0, "A4": 25.0, "B2": 21.0,
        "A3": 15.0, "D2": 14.0, "A1": 10.0, "A10": 9.6, "D3": 9.3, "A6": 6.9, "A12": 6.8, "C1": 6.1,
        "B4": 6.0, "B7": 5.8, "B5": 5.8, "B8": 5.5, "A8": 4.0, "R1": 3.0, "A2": 2.5, "B6": 2.0,
        "A7": 1.6, "A9": 0.2,
    },
}

#: Every row of CLAIMS.md: id -> (source, title).
CLAIM_TABLE: dict[str, tuple[str, str]] = {
    "A1": ("paper", "Peeling on the concept-text graph is BP decoding on the BEC; density evolution predicts the unlearned fraction for large R."),
    "A2": ("paper", "The learning threshold is the tangency / spinodal of the DE fixed-point curve; for ensembles with lambda(0)=0 it is inf eps(x)."),
    "A3": ("beyond", "For the concept-text ensemble a sharp learning transition in kappa = T/R exists iff d_t > e; its location kappa*(d_t) has a Lambert-W closed form independent of eps."),
    "A4": ("paper", "Finite-length scaling: P_B ~ Q(sqrt(n)(eps* - beta n^(-2/3) - eps)/alpha) with the AMRU alpha and beta/Omega."),
    "A5": ("beyond", "The scaling law also describes the waterfall failure of the concept-text (binomial, error-floor) ensemble."),
    "A6": ("paper", "Compute-optimal sizes scale as R* ~ C'^(1/2), T* ~ C'^(1/2) (N*, D* ~ C^(1/2))."),
    "A7": ("beyond", "The limit is independent of the auxiliary eps; eps only shifts finite-C' corrections."),
    "A8": ("beyond", "The effective exponent d log R*/d log C' exceeds 1/2 at practical compute and tends to 1/2; leading correction derived."),
    "A9": ("paper", "With varsigma = 2e5, tau = 8e5 the compute-optimal curve passes near Chinchilla (70B, 1.4T at 5.76e23); tokens per parameter -> (tau/varsigma) kappa*."),
    "A10": ("paper", "Training error P_e = 1 - (1-p delta)^R - R p delta (1-p delta)^(R-1) ~ (d_t delta)^2/2; excess entropy >= P_e^2/2 and the bound decays as a power of N*."),
    "A11": ("beyond", "Near the threshold, the number of DE iterations (training time) grows like pi/sqrt(c (eps* - eps)) with c from the local expansion."),
    "A12": ("beyond", "The MAP (Maxwell) threshold of regular codes follows the area theorem."),
    "B1": ("paper", "A random graph has a giant component iff sum k(k-2) p_k > 0; its size is S = 1 - G_0(u), u = G_1(u)."),
    "B2": ("paper", "Erdos-Renyi: S(c) = 1 + W_0(-c e^(-c))/c for c > 1, 0 for c <= 1; S ~ 2(c-1) near 1."),
    "B3": ("beyond", "The actor projection of a bipartite graph percolates iff f_1'(1) g_1'(1) > 1, with size from the composed GFs."),
    "B4": ("paper", "Skill-graph edge probability from co-occurring concept pairs; the Chernoff/method-of-types expressions bracket the exact binomial tail."),
    "B5": ("paper", "Emergence: the accuracy gamma_l^n of a single-level task jumps from ~0 to ~1 within a narrow range of N* along the compute-optimal path; its location is predicted in closed form."),
    "B6": ("paper", "A unimodal skill-level distribution gives one smooth emergence; a multimodal one gives plateaus at the cumulative mixture weights, one fewer than the number of modes."),
    "B7": ("beyond", "Prerequisite structure (hierarchy of skills) delays and sharpens emergence of higher levels."),
    "C1": ("paper", "Chinchilla frontier closed forms: a = beta/(alpha+beta), b = alpha/(alpha+beta), G formula; values for three constant sets; refit on the Epoch data."),
    "B8": ("beyond", "The emergence location of a single-level task is where S_l P(X_l >= eta_l) reaches a fixed constant (inverse incomplete gamma), not where E[X_l] = eta_l."),
    "D1": ("beyond", "Curriculum as spatial coupling: ordering texts along a chain (window w, length L) raises the learning threshold from the BP (spinodal) value to the MAP/potential threshold as L, w grow, at a rate loss O(w/L)."),
    "D2": ("beyond", "Under a curriculum the compute-optimal texts-per-concept kappa* and tokens per parameter fall, by an amount derived in closed form or to verified digits."),
    "D3": ("beyond", "A designed concept-frequency law (LP, heavy-tail/Zipf-like) needs fewer texts per concept than the paper's random ensemble at the same d_t; its distance to the floor kappa = 1 is stated as a function of d_t and the maximum degree."),
    "R1": ("beyond", "The published reference implementation's alpha, threshold search and optimum window differ from the correct quantities (MODEL.md section 6)."),
}

#: The claim titles in LaTeX (for the document exported by ``infoscaling latex``).
TITLE_LATEX: dict[str, str] = {
    "A1": r"Peeling on the concept--text graph is BP decoding on the BEC; density evolution predicts the unlearned fraction for large $R$.",
    "A2": r"The learning threshold is the tangency / spinodal of the DE fixed-point curve; for ensembles with $\lambda(0)=0$ it is $\inf_x \varepsilon(x)$.",
    "A3": r"For the concept--text ensemble a sharp learning transition in $\kappa = T/R$ exists iff $d_t > e$; its location $\kappa^*(d_t)$ has a Lambert-$W$ closed form independent of $\varepsilon$.",
    "A4": r"Finite-length scaling: $P_B \approx Q\big(\sqrt{n}\,(\varepsilon^* - \beta n^{-2/3} - \varepsilon)/\alpha\big)$ with the AMRU $\alpha$ and $\beta/\Omega$.",
    "A5": r"The scaling law also describes the waterfall failure of the concept--text (binomial, error-floor) ensemble.",
    "A6": r"Compute-optimal sizes scale as $R^* \propto C'^{1/2}$, $T^* \propto C'^{1/2}$ ($N^*, D^* \propto C^{1/2}$).",
    "A7": r"The limit is independent of the auxiliary $\varepsilon$; $\varepsilon$ only shifts finite-$C'$ corrections.",
    "A8": r"The effective exponent $d\log R^*/d\log C'$ exceeds $1/2$ at practical compute and tends to $1/2$; leading correction derived.",
    "A9": r"With $\varsigma = 2\cdot 10^5$, $\tau = 8\cdot 10^5$ the compute-optimal curve passes near Chinchilla (70B, 1.4T at $5.76\cdot 10^{23}$); tokens per parameter $\to (\tau/\varsigma)\kappa^*$.",
    "A10": r"Training error $P_e = 1 - (1-p\delta)^R - Rp\delta(1-p\delta)^{R-1} \approx (d_t\delta)^2/2$; excess entropy $\ge \tfrac12 P_e^2$ and the bound decays as a power of $N^*$.",
    "A11": r"Near the threshold, the number of DE iterations (training time) grows like $\pi/\sqrt{c\,(\varepsilon^* - \varepsilon)}$ with $c$ from the local expansion.",
    "A12": r"The MAP (Maxwell) threshold of regular codes follows the area theorem.",
    "B1": r"A random graph has a giant component iff $\sum_k k(k-2)p_k > 0$; its size is $S = 1 - G_0(u)$, $u = G_1(u)$.",
    "B2": r"Erd\H{o}s--R\'enyi: $S(c) = 1 + W_0(-c e^{-c})/c$ for $c > 1$, $0$ for $c \le 1$; $S \approx 2(c-1)$ near 1.",
    "B3": r"The actor projection of a bipartite graph percolates iff $f_1'(1)\,g_1'(1) > 1$, with size from the composed generating functions.",
    "B4": r"Skill-graph edge probability from co-occurring concept pairs; the Chernoff / method-of-types expressions bracket the exact binomial tail.",
    "B5": r"Emergence: the accuracy $\gamma_l^n$ of a single-level task jumps from $\approx 0$ to $\approx 1$ within a narrow range of $N^*$ along the compute-optimal path; its location is predicted in closed form.",
    "B6": r"A unimodal skill-level distribution gives one smooth emergence; a multimodal one gives plateaus at the cumulative mixture weights, one fewer than the number of modes.",
    "B7": r"Prerequisite structure (hierarchy of skills) delays and sharpens emergence of higher levels.",
    "C1": r"Chinchilla frontier closed forms: $a = \beta/(\alpha+\beta)$, $b = \alpha/(\alpha+\beta)$, $G$; values for three constant sets; refit on the Epoch data.",
    "B8": r"The emergence location of a single-level task is where $S_l\,P(X_l \ge \eta_l)$ reaches a fixed constant (inverse incomplete gamma), not where $\mathbb{E}[X_l] = \eta_l$.",
    "D1": r"Curriculum as spatial coupling: ordering texts along a chain (window $w$, length $L$) raises the learning threshold from the BP (spinodal) value to the MAP/potential threshold as $L, w$ grow, at a rate loss $O(w/L)$.",
    "D2": r"Under a curriculum the compute-optimal texts-per-concept $\kappa^*$ and tokens per parameter fall, by an amount derived in closed form or to verified digits.",
    "D3": r"A designed concept-frequency law (LP, heavy-tail/Zipf-like) needs fewer texts per concept than the paper's random ensemble at the same $d_t$; its distance to the floor $\kappa = 1$ is stated as a function of $d_t$ and the maximum degree.",
    "R1": r"The published reference implementation's $\alpha$, threshold search and optimum window differ from the correct quantities (MODEL.md section 6).",
}

#: Modules that register claims.  Every one must import: a missing module is a packaging
#: fault and raises (its claims must not silently become "pending").  One line per module.
CLAIM_MODULES = [
    "infoscaling.numeric.claims.decoding",
    "infoscaling.numeric.claims.compute_optimal",
    "infoscaling.numeric.claims.graphs",
    "infoscaling.numeric.claims.reference",
    "infoscaling.numeric.claims.curriculum",
]


@dataclass
class Evidence:
    """One computed piece of evidence for a claim.

    Attributes
    ----------
    kind : {"symbolic", "numeric", "simulated"}
    description : str
        What was computed (and against what).
    passed : bool or None
        True/False when decided, None when the code cannot decide it.
    details : dict
        Values, precision (``dps``, ``digits``), ``seed``, ``trials``, intervals...
    caveat : str or None
        Set when the evidence holds only asymptotically or in a regime.
    seconds : float
        Wall time spent computing it.
    """

    kind: str
    description: str
    passed: bool | None
    details: dict = field(default_factory=dict)
    caveat: str | None = None
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "description": self.description,
            "passed": self.passed,
            "details": self.details,
            "caveat": self.caveat,
            "seconds": round(self.seconds, 4),
        }


class NotApplicable(Exception):
    """Raised by an evidence function when the claim does not apply."""


@dataclass
class Claim:
    """A registered claim: ``evidence(profile)`` yields Evidence objects."""

    id: str
    title: str
    source: str
    statement_latex: str
    evidence: Callable[[str], list[Evidence]] | None
    expect_refuted: bool = False
    pending_reason: str | None = None


@dataclass
class ClaimResult:
    id: str
    title: str
    source: str
    verdict: str
    evidence: list[Evidence]
    seconds: float
    reason: str | None = None
    expect_refuted: bool = False
    statement_latex: str = ""

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "verdict": self.verdict,
            "evidence": [e.to_json() for e in self.evidence],
            "seconds": round(self.seconds, 3),
            "reason": self.reason,
            "expect_refuted": self.expect_refuted,
            "statement_latex": self.statement_latex,
        }


_REGISTRY: dict[str, Claim] = {}


class ClaimTimeout(BaseException):
    """Raised inside an in-process claim when its budget runs out (a BaseException, so that no
    ``except Exception`` in evidence code can swallow it)."""


def register(claim_id: str, statement_latex: str, *, expect_refuted: bool = False,
             title: str | None = None, source: str = "beyond"):
    """Decorator registering ``fn(profile) -> list[Evidence]`` as claim ``claim_id``.

    A claim of CLAIMS.md takes its title and source from :data:`CLAIM_TABLE`; any other id
    needs an explicit ``title`` (a misspelt id of the table is thus an error, not a new claim).
    """
    if claim_id in CLAIM_TABLE:
        source, title = CLAIM_TABLE[claim_id]
    elif title is None:
        raise KeyError(f"unknown claim id {claim_id} (not in CLAIMS.md; give title= for an extra claim)")

    def deco(fn):
        _REGISTRY[claim_id] = Claim(claim_id, title, source, statement_latex, fn, expect_refuted)
        return fn

    return deco


def claim_modules() -> list[str]:
    """:data:`CLAIM_MODULES` plus the modules named in ``INFOSCALING_EXTRA_CLAIMS``."""
    extra = [m.strip() for m in os.environ.get("INFOSCALING_EXTRA_CLAIMS", "").split(",") if m.strip()]
    return CLAIM_MODULES + [m for m in extra if m not in CLAIM_MODULES]


def _load() -> None:
    """Import every claim module; an import failure propagates (never a silently missing claim)."""
    for name in claim_modules():
        importlib.import_module(name)


def all_claims() -> list[Claim]:
    """Every claim of CLAIMS.md in table order (undelivered ones as pending stubs), then extra claims."""
    _load()
    out = []
    for cid, (source, title) in CLAIM_TABLE.items():
        if cid in _REGISTRY:
            out.append(_REGISTRY[cid])
        else:
            out.append(Claim(cid, title, source, "", None,
                             pending_reason="no evidence implemented yet for this claim"))
    out += [c for cid, c in _REGISTRY.items() if cid not in CLAIM_TABLE]
    return out


def decide(evidence: list[Evidence]) -> tuple[str, str | None]:
    """Verdict and reason computed from the evidence (see module docstring)."""
    if not evidence:
        return "pending", "no evidence was produced"
    failed = [e for e in evidence if e.passed is False]
    if failed:
        return "refuted", "; ".join(e.description for e in failed)
    undecided = [e for e in evidence if e.passed is None]
    if undecided:
        return "pending", "; ".join(e.description for e in undecided)
    caveats = [e.caveat for e in evidence if e.caveat]
    if caveats:
        return "confirmed-with-caveat", "; ".join(caveats)
    return "confirmed", None


def run_claim(claim: Claim, profile: str = "quick") -> ClaimResult:
    """Compute a claim's evidence and verdict in this process.

    An exception raised by the evidence gives the verdict ``error`` with the exception as the
    reason (and a short traceback in the details); nothing is swallowed into another verdict.
    :class:`ClaimTimeout` (and KeyboardInterrupt) propagate to the caller.
    """
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {', '.join(PROFILES)}, got {profile!r}")
    t0 = time.perf_counter()
    if claim.evidence is None:
        return ClaimResult(claim.id, claim.title, claim.source, "pending", [], 0.0,
                           claim.pending_reason, claim.expect_refuted, claim.statement_latex)
    try:
        ev = list(claim.evidence(profile))
        verdict, reason = decide(ev)
    except NotApplicable as exc:
        ev, verdict, reason = [], "not-applicable", str(exc)
    except Exception as exc:  # reported as the verdict "error": verify then exits 1
        ev, verdict, reason = error_outcome(exc)
    return ClaimResult(claim.id, claim.title, claim.source, verdict, ev,
                       time.perf_counter() - t0, reason, claim.expect_refuted, claim.statement_latex)


def error_outcome(exc: BaseException) -> tuple[list[Evidence], str, str]:
    """Evidence, verdict ``error`` and reason for an exception raised by a claim's evidence."""
    msg = " ".join(str(exc).split())
    tb = traceback.format_exc(limit=-4)
    ev = [Evidence("numeric", f"evidence computation raised {type(exc).__name__}: {msg}", None,
                   {"traceback": tb})]
    return ev, "error", f"evidence computation raised {type(exc).__name__}: {msg}"


def profile_dps(profile: str) -> int:
    """Working digits of numeric evidence: 30 in the quick profile, 60 in the full one."""
    return 30 if profile == "quick" else 60


def timed(kind: str, description: str, fn: Callable[[], tuple], caveat: str | None = None) -> Evidence:
    """Run ``fn() -> (passed, details)`` and wrap it as timed Evidence."""
    t0 = time.perf_counter()
    passed, details = fn()
    return Evidence(kind, description, passed, details, caveat, time.perf_counter() - t0)
