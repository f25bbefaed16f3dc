"""Skill graphs, accuracy, emergence and plateaus, derived exactly (MODEL.md 2.2-2.3).

The model (Arora & Goyal; Nayak & Varshney, section on emergence):

* two concepts co-occur in some text with probability
  ``q = 1 - (1 - p^2)^T``, ``p = d_t / R``;
* each of the ``M = C(R, 2)`` concept pairs that co-occur supports one
  skill pair of level ``l`` chosen uniformly, so the number of supporting
  pairs of a given skill pair is ``X_l ~ Bin(M, p_ss)`` with
  ``p_ss = q / S_l^2`` (``pairs="ordered"``: ordered pairs including
  self-pairs, as in the paper) or ``q / C(S_l, 2)`` (``pairs="unordered"``);
* a skill pair is linked when ``X_l >= eta_l`` and its ``sigma_l``
  prerequisites on both sides are available: ``p_l = P(X_l >= eta_l)
  gamma_pre^(2 sigma_l)``; the level-``l`` skill graph is G(S_l, p_l) and its
  giant fraction ``gamma_l`` solves ``gamma = 1 - exp(-k_l gamma)``,
  ``k_l = S_l p_l``;
* a task of level ``l`` needing ``n`` skills succeeds with ``gamma_l^n``;
  ``Acc = sum_l q(l) sum_n q(n) gamma_l^n``.

Everything here is exact SymPy; :mod:`numeric.skills` evaluates it.

Examples
--------
>>> R, T, dt = sp.symbols("R T d_t", positive=True)
>>> cooccurrence(R, T, dt)
1 - (1 - d_t**2/R**2)**T
>>> emergence_T_large_R(sp.Symbol("eta"), sp.Symbol("S"), dt)
2*S**2*eta/d_t**2
"""

from __future__ import annotations

import sympy as sp

__all__ = [
    "PAIRS",
    "cooccurrence",
    "pair_count",
    "p_ss",
    "binomial_tail",
    "binomial_tail_sum",
    "kl_divergence",
    "chernoff_bounds",
    "reference_chernoff",
    "prerequisite_factor",
    "link_probability",
    "mean_skill_degree",
    "skill_giant_equation",
    "task_success",
    "accuracy",
    "expected_support",
    "emergence_T",
    "emergence_T_large_R",
    "plateau_heights",
    "poisson_tail",
    "percolation_support_condition",
    "paper_eta",
    "paper_sigma",
    "paper_level_weights",
    "PAPER",
]

PAIRS = ("ordered", "unordered")

#: Paper settings of MODEL.md 2.3 (exact).
PAPER = {
    "L": 100,
    "S_l": 1000,
    "n_values": tuple(range(2, 8)),
    "unimodal": ((1, sp.Rational(1, 2)),),
    "multimodal": ((sp.Rational(2, 5), sp.Rational(1, 5)), (sp.Rational(2, 5), sp.Rational(3, 5)),
                   (sp.Rational(1, 5), sp.Rational(19, 20))),
    "binomial_trials": 100,
    "fixed_prerequisite_level": 11,
    "dt": 6,
    "eps": sp.Rational(1, 2),
}


def cooccurrence(R, T, dt):
    """Probability that two given concepts share at least one of ``T`` texts: ``1 - (1 - p^2)^T``."""
    p = dt / R
    return 1 - (1 - p**2) ** T


def pair_count(R):
    """Number of concept pairs ``M = C(R, 2) = R (R - 1) / 2``."""
    R = sp.sympify(R)
    return R * (R - 1) / 2


def p_ss(q, S, pairs: str = "ordered"):
    """Probability that a given concept pair supports a given skill pair.

    ``pairs="ordered"``: ``q / S^2`` (the paper: ordered skill pairs, self-pairs
    included); ``"unordered"``: ``q / C(S, 2)`` (distinct unordered pairs).

    Examples
    --------
    >>> p_ss(sp.Symbol("q"), 10), p_ss(sp.Symbol("q"), 10, "unordered")
    (q/100, q/45)
    """
    if pairs not in PAIRS:
        raise ValueError(f"pairs must be one of {PAIRS}, got {pairs!r}")
    S = sp.sympify(S)
    if pairs == "ordered":
        return q / S**2
    return q / (S * (S - 1) / 2)


def binomial_tail(M, p, eta):
    """``P(X >= eta)`` for ``X ~ Bin(M, p)`` as a regularised incomplete beta.

    ``P(X >= eta) = I_p(eta, M - eta + 1)`` for ``1 <= eta <= M``; 1 for ``eta <= 0``.

    Examples
    --------
    >>> binomial_tail(5, sp.Rational(1, 2), 2)
    betainc_regularized(2, 4, 0, 1/2)
    >>> sp.nsimplify(binomial_tail(5, sp.Rational(1, 2), 2).rewrite(sp.Integral).doit())
    13/16
    """
    eta = sp.sympify(eta)
    if eta.is_number and eta <= 0:
        return sp.Integer(1)
    return sp.betainc_regularized(eta, M - eta + 1, 0, p)


def binomial_tail_sum(M, p, eta):
    """``P(X >= eta)`` as the explicit sum (for checking the beta form on small M).

    Examples
    --------
    >>> binomial_tail_sum(5, sp.Rational(1, 2), 2)
    13/16
    """
    k = sp.Symbol("k", integer=True)
    return sp.summation(sp.binomial(M, k) * p**k * (1 - p) ** (M - k), (k, eta, M))


def kl_divergence(a, b, base=sp.E):
    """Binary KL divergence ``D(a || b)`` in the given log base (natural by default).

    Examples
    --------
    >>> a, b = sp.symbols("a b", positive=True)
    >>> kl_divergence(a, b)
    a*log(a/b) + (1 - a)*log((1 - a)/(1 - b))
    """
    d = a * sp.log(a / b) + (1 - a) * sp.log((1 - a) / (1 - b))
    if base != sp.E:
        d = d / sp.log(base)
    return d


def chernoff_bounds(M, p, eta) -> dict:
    """Chernoff / method-of-types bounds on ``P(X >= eta)``, ``X ~ Bin(M, p)``.

    Above the mean (``eta >= M p``), with ``D = D(eta/M || p)``:
    ``(2M)^(-1/2) e^(-M D) <= P(X >= eta) <= e^(-M D)``: the upper one is
    Chernoff's, the lower one is ``P(X = eta)`` bounded with
    ``C(M, k) >= (8 k (M - k) / M)^(-1/2) e^(M H(k/M))`` (Ash / method of types).
    Below the mean (``eta < M p``) the mirrored bounds hold for the
    complement ``P(X <= eta - 1)`` with ``D' = D((eta - 1)/M || p)``:
    ``1 - e^(-M D') <= P(X >= eta) <= 1 - (2M)^(-1/2) e^(-M D')``.

    Returns
    -------
    dict
        ``above``: ``(lower, upper)``; ``below``: ``(lower, upper)``.
    """
    D_up = kl_divergence(eta / M, p)
    D_dn = kl_divergence((eta - 1) / M, p)
    c = 1 / sp.sqrt(2 * M)
    return {
        "above": (c * sp.exp(-M * D_up), sp.exp(-M * D_up)),
        "below": (1 - sp.exp(-M * D_dn), 1 - c * sp.exp(-M * D_dn)),
    }


def reference_chernoff(M, p, eta) -> dict:
    """The published reference's tail "bound": KL in log base 2, exponentiated base e.

    ``exp(-M D_2(eta/M || p))`` above the mean and ``1 - exp(-M D_2(eta/M || p))``
    below it (MODEL.md 6, item 6): since ``D_2 = D / ln 2 > D`` the "upper
    bound" falls below the exact tail, and the two sides jump at the mean.
    """
    D2 = kl_divergence(eta / M, p, base=2)
    return {"above": sp.exp(-M * D2), "below": 1 - sp.exp(-M * D2)}


def prerequisite_factor(gamma_pre, sigma):
    """``gamma_pre^(2 sigma)``: both skills' ``sigma`` prerequisites must be in the giant."""
    return gamma_pre ** (2 * sigma)


def link_probability(tail, gamma_pre, sigma):
    """``p_l = P(X_l >= eta_l) gamma_pre^(2 sigma_l)``."""
    return tail * prerequisite_factor(gamma_pre, sigma)


def mean_skill_degree(S, p_l):
    """``k_l = S_l p_l``, the mean degree of the level's skill graph G(S_l, p_l)."""
    return S * p_l


def skill_giant_equation(k, gamma=None):
    """``gamma = 1 - exp(-k gamma)`` (Erdos-Renyi giant of the skill graph)."""
    gamma = sp.Symbol("gamma", nonnegative=True) if gamma is None else gamma
    return sp.Eq(gamma, 1 - sp.exp(-k * gamma))


def task_success(gamma, n):
    """A task needing ``n`` skills of a level succeeds with ``gamma^n``."""
    return gamma**n


def accuracy(level_weights, n_weights, gammas):
    """``Acc = sum_l q(l) sum_n q(n) gamma_l^n`` for explicit weights.

    Parameters
    ----------
    level_weights : sequence
        ``q(l)`` for ``l = 1..L``.
    n_weights : dict
        ``{n: q(n)}``.
    gammas : sequence
        ``gamma_l`` (symbols or numbers).

    Examples
    --------
    >>> g = sp.symbols("g1 g2")
    >>> accuracy([sp.Rational(1, 2)] * 2, {2: 1}, g)
    g1**2/2 + g2**2/2
    """
    return sp.Add(*[ql * sp.Add(*[qn * gl**n for n, qn in n_weights.items()])
                    for ql, gl in zip(level_weights, gammas, strict=True)])


def expected_support(R, T, dt, S, pairs: str = "ordered"):
    """``E[X_l] = M p_ss`` as a function of ``(R, T)``."""
    return pair_count(R) * p_ss(cooccurrence(R, T, dt), S, pairs)


def emergence_T(R, dt, S, eta, pairs: str = "ordered"):
    """Texts ``T`` at which ``E[X_l] = eta_l`` for ``R`` concepts, solved exactly with SymPy.

    ``T = log(1 - eta S^2 / M) / log(1 - d_t^2 / R^2)`` (ordered pairs; ``C(S, 2)``
    replaces ``S^2`` for unordered).  Defined when ``eta S^2 < M``.

    Examples
    --------
    >>> R, dt, S, eta = sp.symbols("R d_t S eta", positive=True)
    >>> emergence_T(R, dt, S, eta)
    log((R**2 - R - 2*S**2*eta)/(R*(R - 1)))/log((R**2 - d_t**2)/R**2)
    """
    # E[X] = M p_ss(q) is linear in w = (1 - p^2)^T: solve for w, then for T.
    T = sp.Symbol("T", positive=True)
    w = sp.Symbol("w", positive=True)
    p = dt / R
    target = expected_support(R, T, dt, S, pairs).subs((1 - p**2) ** T, w)
    sols_w = sp.solve(sp.Eq(target, eta), w)
    if len(sols_w) != 1:  # pragma: no cover - SymPy-version dependent
        raise ArithmeticError(f"unexpected solutions for (1 - p^2)^T: {sols_w}")
    sols = sp.solve(sp.Eq((1 - p**2) ** T, sols_w[0]), T)
    if len(sols) != 1:  # pragma: no cover - SymPy-version dependent
        raise ArithmeticError(f"unexpected solutions for the emergence T: {sols}")
    return sols[0]


def emergence_T_large_R(eta, S, dt, pairs: str = "ordered"):
    """Large-``R`` limit of :func:`emergence_T`: ``2 eta S^2 / d_t^2`` (ordered pairs), by ``limit``."""
    R = sp.Symbol("R", positive=True)
    Sp, etap, dtp = (sp.Symbol(n, positive=True) for n in ("S_", "eta_", "dt_"))
    lim = sp.limit(emergence_T(R, dtp, Sp, etap, pairs), R, sp.oo)
    return sp.simplify(lim.subs({Sp: S, etap: eta, dtp: dt}))


def poisson_tail(lam, eta):
    """Large-``M`` (Poisson) limit of ``P(X >= eta)`` at mean ``lam``: ``P(eta, lam)``.

    The regularised lower incomplete gamma ``gamma(eta, lam) / Gamma(eta)``.

    Examples
    --------
    >>> sp.simplify(poisson_tail(sp.Symbol("lam", positive=True), 1))
    1 - exp(-lam)
    """
    return sp.lowergamma(eta, lam) / sp.gamma(eta)


def percolation_support_condition(S, eta, k, lam=None):
    """Where a level emerges: the mean support ``lam = E[X_l]`` with ``S_l P(X_l >= eta_l) = k``.

    With ``k = 1`` this is the percolation threshold of the skill graph
    G(S_l, p_l); with ``k = k_{1/2}`` (where the task accuracy
    ``sum_n q(n) gamma(k)^n`` is 1/2) it is the midpoint of the jump.  In the
    Poisson limit the solution is ``lam = P^{-1}(eta, k/S)`` (inverse
    regularised incomplete gamma) and the texts follow from
    :func:`emergence_T` with ``eta`` replaced by ``lam``.  ``E[X_l] = eta_l``
    is its large-``eta`` limit (the tail is 1/2 near the mean), so it marks
    saturation rather than onset for small ``eta``.
    """
    lam = sp.Symbol("lambda", positive=True) if lam is None else lam
    return sp.Eq(poisson_tail(lam, eta), k / S)


def plateau_heights(weights) -> list:
    """Plateau heights of a mixture with well-separated components: cumulative weights.

    Components are given in order of increasing level; the last cumulative
    weight (1) is saturation, so there are ``len(weights) - 1`` plateaus.

    Examples
    --------
    >>> plateau_heights([sp.Rational(2, 5), sp.Rational(2, 5), sp.Rational(1, 5)])
    [2/5, 4/5]
    """
    out, acc = [], sp.Integer(0)
    for w in list(weights)[:-1]:
        acc += sp.sympify(w)
        out.append(acc)
    return out


def paper_eta(l, L=100):
    """``eta_l = round(exp(7 l / L))`` (exact integer; ties cannot occur).

    Examples
    --------
    >>> [paper_eta(l) for l in (1, 11, 50, 100)]
    [1, 2, 33, 1097]
    """
    v = sp.exp(sp.Rational(7 * l, L))
    return int(sp.floor(v + sp.Rational(1, 2)))


def paper_sigma(l):
    """``sigma_l = round(log2 l)`` (exact integer).

    Examples
    --------
    >>> [paper_sigma(l) for l in (1, 2, 3, 11, 12, 100)]
    [0, 1, 2, 3, 4, 7]
    """
    if l < 1:
        raise ValueError(f"level must be >= 1, got {l}")
    return int(sp.floor(sp.log(l, 2) + sp.Rational(1, 2)))


def paper_level_weights(kind: str = "unimodal", L: int = 100) -> list:
    """``q(l)`` for ``l = 1..L``: the pmf of Bin(100, .) (or a mixture) at ``l``, exact.

    ``unimodal``: Bin(100, 1/2); ``multimodal``: 0.4 Bin(100, 0.2) +
    0.4 Bin(100, 0.6) + 0.2 Bin(100, 0.95).  The mass at ``l = 0`` (below
    ``1e-9``) is left out, as in the paper.
    """
    if kind not in ("unimodal", "multimodal"):
        raise ValueError(f"level distribution must be 'unimodal' or 'multimodal', got {kind!r}")
    comps = PAPER[kind]
    N = PAPER["binomial_trials"]
    return [sp.Add(*[w * sp.binomial(N, l) * p**l * (1 - p) ** (N - l) for w, p in comps])
            for l in range(1, L + 1)]
