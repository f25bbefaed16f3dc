"""Certified digits of the finite-C' optimum: ball arithmetic (Arb) on the derived expressions.

A stationary optimum R* is a root of H(R) = dR_learned/dR.  It is certified
the standard way for a root: H is enclosed rigorously at two points
R_lo = R*(1 - delta) and R_hi = R*(1 + delta) around the computed optimum, and
H(R_lo) > 0 > H(R_hi) proves (intermediate value theorem; H is continuous on
one branch of the objective) a stationary point in [R_lo, R_hi] -- the
enclosure of R*.  H is the total derivative

    H = dF/dR + dF/dx* dx*/dR + dF/dx_l dx_l/dR + dF/dx_u dx_u/dR,

where F is the objective's formula on the optimum's branch and x* (critical
point of eps(x)), x_l, x_u (lower / upper DE fixed points) are implicit
functions of R: each is enclosed by an interval Newton step
(:func:`numeric.certify.interval_newton`), its R-derivative is
-(d_R g)/(d_x g) for its defining equation g, and every partial derivative is
the first coefficient of an Arb power series (``arb_series``: automatic
differentiation with rigorous error bounds).  T* = C'/R* follows from the
enclosure of R*; the threshold eps*(R*) is eps(x*) with x* certified by
interval Newton for every R in the enclosure.  The expressions are those of
:func:`derivations.optimum.stable_binomial_system`, compiled once to Arb
(:func:`numeric.certify.arb_lambdify`), with log1p written log(1 + z).
"""

from __future__ import annotations

import functools
import types

import mpmath as mp

from ..errors import VerificationError

__all__ = ["arb_functions", "certify_stationary", "CERTIFIED_BY"]

_KEYS = ("eps_of_x", "deps", "ddeps", "alpha2", "beta3", "nu", "de_residual", "dde_residual", "unlearned")

#: ``certified_by`` of a certified stationary optimum.
CERTIFIED_BY = {
    "R": "arb: sign change of dR_learned/dR (total derivative by Arb power series, implicit roots by "
         "interval Newton) at both ends of the enclosure",
    "T": "arb: C'/R over the enclosure of R",
    "threshold": "arb: eps(x*) with x* certified by interval Newton over the enclosure of R",
}


def _series_aware_A():
    """``A`` of the generated code: balls and power series pass through, numbers become balls
    (flint's types looked up once: ``A`` runs for every constant of every evaluation)."""
    from flint import arb, arb_series

    kinds = (arb, arb_series)

    def A(v):
        return v if isinstance(v, kinds) else arb(v)

    return A


@functools.lru_cache(maxsize=4)
def arb_functions(variant: str) -> dict:
    """The optimiser's expressions as functions of Arb balls or Arb power series (x, R, T, d_t, eps).

    The generated source is kept in the derived-code store (:func:`numeric.evaluate.store_read`,
    a document named by a hash of the derivation and of this module), so that a new process
    reloads it without SymPy; otherwise it is derived and compiled here, and stored.
    """
    from .. import certify as cf
    from ..evaluate import store_read, store_write

    name = _store_name(variant)
    doc = store_read(name) or {}
    if set(doc) != set(_KEYS) | set(_COMBINED):
        doc = _derive_sources(variant)
        store_write(name, doc)
    A = _series_aware_A()
    out = {}
    for k, entry in doc.items():
        fn = cf.arb_from_source(entry["src"], entry["consts"])
        glob = dict(fn.__globals__, A=A)  # let power series through the generated code
        out[k] = types.FunctionType(fn.__code__, glob)
    return out


def _store_name(variant: str) -> str:
    """Store document of the Arb sources: named by the derivation's and this module's contents
    (the store folder itself is named by the code generator's)."""
    import hashlib
    from pathlib import Path

    here = Path(__file__).resolve()
    h = hashlib.sha256(variant.encode())
    for f in (here.parent.parent.parent / "derivations" / "optimum.py", here):
        h.update(f.read_bytes() if f.exists() else b"?")
    return f"optimum-arb-{h.hexdigest()[:16]}.json"


def _derive_sources(variant: str) -> dict:
    """Source and exact constants of every Arb function (SymPy: derivation and code generation)."""
    import sympy as sp
    from infoscaling.derivations import optimum as dop

    from .. import certify as cf

    ex = {k: v.replace(dop.Log1p, lambda z: sp.log(1 + z))
          for k, v in dop.stable_binomial_system(variant).items()}
    args = (dop._X, dop.R, dop.T, dop.DT, dop.EPS0)
    doc = {}
    for k in list(_KEYS) + list(_COMBINED):
        keys = _COMBINED.get(k, k)
        fn = cf.arb_lambdify(args, ex[k] if isinstance(keys, str) else [ex[j] for j in keys])
        doc[k] = {"src": fn.source, "consts": fn.consts}
    return doc


#: Combined evaluations sharing their common subexpressions (one call, a tuple of values).
_COMBINED = {"newton": ("deps", "ddeps"), "resid2": ("de_residual", "dde_residual"),
             "law": ("eps_of_x", "alpha2", "beta3", "nu")}


def _const(v):
    from flint import arb_series

    return v.coeffs()[0] if isinstance(v, arb_series) else v


def _cbrt(v):
    from flint import arb

    c = _const(v)
    third = arb(1) / 3
    if c > 0:
        return v**third
    if c < 0:
        return -((-v) ** third)
    raise VerificationError("beta^3 cannot be bounded away from 0 (cube root not certified)")


def _series(v):
    from flint import arb_series

    return arb_series([v, 1], prec=2)


def _d(v):
    """First coefficient of a length-2 series (the derivative); 0 for a ball (a formula that does
    not depend on the variable, e.g. on x* when decoding stops on the upper fixed point)."""
    from flint import arb_series

    if not isinstance(v, arb_series):
        return v * 0
    c = v.coeffs()
    return c[1] if len(c) > 1 else c[0] * 0


class _Ctx:
    """Arb constants and functions of one problem (at the precision in force)."""

    def __init__(self, pb, br):
        from flint import arb

        self.f = arb_functions(pb.variant)
        self.cp, self.dt, self.eps = arb(pb.cp), arb(pb.dt), arb(pb.eps)
        self.shift, self.br = pb.shift, br

    def args(self, x, R, T=None):
        return (x, R, self.cp / R if T is None else T, self.dt, self.eps)

    def objective(self, R, x, xu, xl, T=None, parts=False):
        """The objective's formula on the branch (:func:`numeric.optimum.objective.value`), in Arb.

        ``T`` defaults to C'/R (a ball or series enclosing it may be passed instead); with
        ``parts`` a dict of the law's parts (``value``, ``threshold``, ``alpha``, ``beta``, ``nu``).
        """
        from flint import arb

        f, eps = self.f, self.eps
        es, a2, b3, nu = f["law"](*self.args(x, R, T))
        al = a2.sqrt()
        n = R / eps
        be = None
        if self.shift:
            be = _cbrt(b3)
            z = n.sqrt() * (es - be * n ** (arb(-2) / 3) - eps) / al
        else:
            z = n.sqrt() * (es - eps) / al
        pbk = (z / arb(2).sqrt()).erfc() / 2
        stuck = eps * f["unlearned"](*self.args(xu, R, T)) if self.br.worse else nu
        delta = stuck * pbk / eps
        if xl is not None:
            delta = delta + (1 - pbk) * f["unlearned"](*self.args(xl, R, T))
        elif self.br.worse:
            delta = stuck / eps
        if parts:
            return {"value": R * (1 - delta), "threshold": es, "alpha": al, "beta": be, "nu": nu}
        return R * (1 - delta)

    def root(self, name, dname, guess, R):
        """Enclosure of the root of f[name](., R) near ``guess``, for every R in the ball ``R``.

        Midpoint Newton steps from the mpmath root, then the interval Newton test
        N = m - f(m)/f'(X) strictly inside X = m +/- r (r from the residual, widened by 16 until
        it passes): a unique root in X, enclosed by N.
        """
        from flint import arb, ctx

        f = self.f
        g = lambda t: f[name](*self.args(t, R))  # noqa: E731
        dg = lambda t: f[dname](*self.args(t, R))  # noqa: E731
        Rm = R.mid()
        m = arb(mp.nstr(guess, mp.mp.dps + 5)).mid()
        for _ in range(6):
            fm, dm = f[name](*self.args(m, Rm)), f[dname](*self.args(m, Rm))
            if not (fm.is_finite() and dm.is_finite()) or dm.contains(0):
                break
            m = (m - fm / dm).mid()
        fm = g(m)
        rad = max((4 * (abs(fm) / abs(dg(m))).upper()).mid(), (abs(m) * arb(2) ** (10 - ctx.prec)).mid())
        for _ in range(16):
            X = m + arb(0, rad)
            N = m - fm / dg(X)
            if N.is_finite() and X.contains_interior(N):
                return N
            rad = rad * 16
        raise VerificationError(f"interval Newton could not certify the root of {name}")

    def slope(self, R, guesses):
        """Enclosure of H(R) = dR_learned/dR at the ball R (branch from the mp solution)."""
        f = self.f
        roots = {"x": self.root("deps", "ddeps", guesses["x"], R)}
        eqs = {"x": ("deps", "ddeps")}
        if self.br.worse:
            roots["xu"] = self.root("de_residual", "dde_residual", guesses["xu"], R)
            eqs["xu"] = ("de_residual", "dde_residual")
        if self.br.xl is not None:
            roots["xl"] = self.root("de_residual", "dde_residual", guesses["xl"], R)
            eqs["xl"] = ("de_residual", "dde_residual")

        def F(R_, **kw):
            v = dict(roots, **kw)
            return self.objective(R_, v["x"], v.get("xu"), v.get("xl"))

        H = _d(F(_series(R)))
        for k, X in roots.items():
            g, dg = eqs[k]
            dgdR = _d(f[g](*self.args(X, _series(R))))
            dXdR = -dgdR / f[dg](*self.args(X, R))
            H = H + _d(F(R, **{k: _series(X)})) * dXdR
        return H


def _enclosure_ends(R, dps: int, rel: int) -> tuple[str, str]:
    """Decimal texts of R (1 -/+ 10^-(dps + rel)): the ends of a candidate enclosure of the optimum."""
    with mp.workdps(2 * dps + 20):
        half = mp.mpf(10) ** (-(dps + rel))
        return mp.nstr(R * (1 - half), 2 * dps + 20), mp.nstr(R * (1 + half), 2 * dps + 20)


def _enclosure_bits(R, dps: int) -> int:
    """Arb precision for the ends: log(1 + p (x - 1)) with p = d_t/R loses about log10(R) digits to
    cancellation, which the working precision carries on top of 2 dps + 25 digits."""
    from .. import certify as cf

    return cf.bits_for(2 * dps + 20 + int(mp.log10(mp.mpf(R))) + 5)


def certify_stationary(pb, R, br, dps: int) -> dict:
    """Certified R*, T*, threshold of a stationary optimum (mpmath solution ``R`` on branch ``br``).

    Returns ``{"R": Certified, "T": Certified, "threshold": Certified}``; VerificationError when the
    sign change cannot be certified (then no digit is claimed beyond the recomputation check).
    """

    from .. import certify as cf

    guesses = {"x": br.x, "xu": br.xu, "xl": br.xl}
    for rel in (4, 8, 12):
        lo_text, hi_text = _enclosure_ends(R, dps, rel)
        with cf.workprec(_enclosure_bits(R, dps)):
            c = _Ctx(pb, br)
            lo, hi = cf.arb_of(lo_text), cf.arb_of(hi_text)
            with mp.workdps(2 * dps + 20):
                h_lo, h_hi = c.slope(lo, guesses), c.slope(hi, guesses)
            if not (h_lo > 0 and h_hi < 0):
                continue
            Rb = lo.union(hi)
            if cf.certified_digits(Rb, dps + 2) < dps:
                continue
            Tb = c.cp / Rb
            with mp.workdps(2 * dps + 20):
                X = c.root("deps", "ddeps", br.x, Rb)
            es = c.f["eps_of_x"](*c.args(X, Rb))
            # one formula over the whole enclosure: the side of the threshold (worse or not) is
            # certified for every R in it (the fixed points the formula uses were enclosed at both
            # ends by interval Newton inside the slopes)
            if pb.model == "consistent" and not ((es < c.eps) if br.worse else (es > c.eps)):
                continue  # the enclosure may cross the kink eps*(R) = eps: try a narrower one
            return {"R": cf.certified_from_ball(Rb, dps, CERTIFIED_BY["R"]),
                    "T": cf.certified_from_ball(Tb, dps, CERTIFIED_BY["T"]),
                    "threshold": cf.certified_from_ball(es, dps, CERTIFIED_BY["threshold"])}
    raise VerificationError(f"the sign change of dR_learned/dR around R* = {mp.nstr(R, 12)} could not be "
                            f"certified in ball arithmetic")


def certify_kink(pb, R, br, dps: int) -> dict:
    """Certified R*, T*, threshold of a kink optimum: the root of G(R) = eps*(R) - eps.

    G is enclosed at R*(1 -/+ delta) with x* certified by interval Newton; G(lo) > 0 > G(hi)
    proves the kink inside.  The threshold there is eps itself (eps*(R*) = eps), enclosed by
    eps(x*) over the enclosure of R.
    """
    from .. import certify as cf

    for rel in (4, 8):
        lo_text, hi_text = _enclosure_ends(R, dps, rel)
        with cf.workprec(_enclosure_bits(R, dps)):
            c = _Ctx(pb, br)
            lo, hi = cf.arb_of(lo_text), cf.arb_of(hi_text)

            def gap(Rv, c=c):  # bound now: used within this iteration only
                with mp.workdps(2 * dps + 20):
                    X = c.root("deps", "ddeps", br.x, Rv)
                return c.f["eps_of_x"](*c.args(X, Rv)) - c.eps

            if not (gap(lo) > 0 and gap(hi) < 0):
                continue
            Rb = lo.union(hi)
            if cf.certified_digits(Rb, dps + 2) < dps:
                continue
            with mp.workdps(2 * dps + 20):
                X = c.root("deps", "ddeps", br.x, Rb)
            es = c.f["eps_of_x"](*c.args(X, Rb))
            how = "arb: sign change of eps*(R) - eps (x* by interval Newton) at both ends of the enclosure"
            return {"R": cf.certified_from_ball(Rb, dps, how),
                    "T": cf.certified_from_ball(c.cp / Rb, dps, CERTIFIED_BY["T"]),
                    "threshold": cf.certified_from_ball(es, dps, CERTIFIED_BY["threshold"])}
    raise VerificationError(f"the kink eps*(R) = eps near R = {mp.nstr(R, 12)} could not be certified")


def certify_edge(pb, R, dps: int) -> dict:
    """R and T of an optimum on the edge of [d_t, C'] (R = d_t or C' exactly): exact balls."""
    from flint import arb

    from .. import certify as cf

    with cf.workprec(cf.bits_for(dps + 20)):
        Rb = arb(pb.dt) if R == pb.dt else arb(pb.cp)
        how = "exact: the optimum is an end of the admissible range [d_t, C']"
        return {"R": cf.certified_from_ball(Rb, dps, how),
                "T": cf.certified_from_ball(arb(pb.cp) / Rb, dps, "arb: C'/R with R exact")}
