"""mpmath evaluation of ensembles and density-evolution fixed points.

:func:`compile_ensemble` lambdifies the exact SymPy generating functions of an
ensemble once (``modules="mpmath"`` keeps rationals exact: they are evaluated
at the working precision of each call).  :func:`largest_fixed_point` finds the
DE limit reached from x0 = eps by *bracketing* the largest root of
f(eps, x) - x, never by iterating DE a fixed number of times (biased by
about 9/N^2 near a threshold).

Examples
--------
>>> from infoscaling.derivations.ensemble import parse_ensemble
>>> e = parse_ensemble("regular:3/regular:6")
>>> x = largest_fixed_point(e, "0.45", dps=20)
>>> fmt(x, 15)
'0.355443307748107'
>>> largest_fixed_point(e, "0.40", dps=20)
mpf('0.0')
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import mpmath as mp

from .precision import VerificationError, check_dps, fmt, verified
from .roots import illinois

if TYPE_CHECKING:  # pragma: no cover
    from infoscaling.derivations.ensemble import Ensemble


class _LazyModule:
    """Import a heavy module on first attribute access (SymPy, NumPy: the threshold command's
    start-up must not pay for them when the derived code is already stored)."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr):
        return getattr(importlib.import_module(self._name), attr)


sp = _LazyModule("sympy")
np = _LazyModule("numpy")


def _X():
    from infoscaling.derivations.notation import X

    return X

__all__ = [
    "CompiledEnsemble",
    "compile_ensemble",
    "check_eps",
    "largest_fixed_point",
    "residual_fraction",
    "de_iterate",
    "critical_brackets",
    "lambdify_mp",
    "local_minima",
    "fmt",
]


def lambdify_mp(args, expr, modules="mpmath"):
    """``sympy.lambdify`` for exact expressions that may hold huge rationals.

    Exact binomial ensembles evaluate constants such as (1 - p)^(N - 1) to
    rationals with tens of thousands of digits; Python's guard on int/str
    conversion (4300 digits) would stop the code generation.  The guard is
    lifted only while the function is generated and compiled.
    """
    import sys

    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        return sp.lambdify(args, expr, modules=modules)
    finally:
        sys.set_int_max_str_digits(old)


# ---------------------------------------------------------------------------
# compile once per *family*: derive with symbolic parameters, bind numbers late
# ---------------------------------------------------------------------------

#: Families derived with symbolic parameters (their compiled code is independent of the sizes).
GENERIC_FAMILIES = ("regular", "poisson", "binomial")


def _side_params(side) -> tuple:
    """Exact parameters of a side: a SymPy degree law or a :class:`derivations.specs.Side` (no SymPy)."""
    fam = side.family
    if hasattr(side, "params"):  # derivations.specs.Side
        return tuple(side.params)
    if fam == "regular":
        return (side.d,)
    if fam == "poisson":
        return (side.m,)
    if fam == "binomial":
        return (side.N, side.p)
    return ()


def _side_key(side):
    return side.family if side.family in GENERIC_FAMILIES else side


def _side_twin(side, tag: str):
    """``(symbolic side, parameter symbols)`` of one degree law (SymPy).

    Regular, Poisson and binomial laws are derived with symbolic parameters
    (so the derivation and the compiled code do not depend on the size of a
    degree or of a binomial exponent: ``(1 - p + p x)^(N - 1)`` stays a power
    with a symbolic exponent instead of an exact rational with millions of
    digits); finite-support laws stay concrete.
    """
    from infoscaling.derivations.degree import Binomial, Poisson, Regular

    if side.family == "regular":
        d = sp.Symbol(f"d_{tag}", positive=True, integer=True)
        return Regular(d), (d,)
    if side.family == "poisson":
        m = sp.Symbol(f"m_{tag}", positive=True)
        return Poisson(m), (m,)
    if side.family == "binomial":
        n, p = sp.Symbol(f"N_{tag}", positive=True), sp.Symbol(f"p_{tag}", positive=True)
        return Binomial(n, p), (n, p)
    if hasattr(side, "params"):  # a parsed side of a concrete family: its exact SymPy law
        from infoscaling.derivations.ensemble import side_from_spec

        return side_from_spec(side), ()
    return side, ()


def family_key(ens):
    """Cache key of the compiled code of ``ens`` (an Ensemble or a parsed ensemble string)."""
    return (_side_key(ens.var), _side_key(ens.check))


def exact_family_text(key) -> str | None:
    """Canonical text of a family key that names every coefficient exactly, or None.

    Generic families are their names; an explicit-coefficient (``poly``) side is
    ``poly:p/q,p/q,...`` with each coefficient as a reduced fraction, the same for a
    SymPy :class:`~derivations.degree.FiniteSupport` and a parsed
    :class:`~derivations.specs.Side`.  A side with an irrational or symbolic
    coefficient (or of another concrete family) has no exact text: its code is not
    stored.

    Examples
    --------
    >>> from infoscaling.derivations.ensemble import parse_ensemble
    >>> exact_family_text(family_key(parse_ensemble("poly:0,1/2,1/2/regular:6")))
    'poly:0/1,1/2,1/2|regular'
    """
    parts = []
    for side in key:
        if isinstance(side, str):
            parts.append(side)
            continue
        if side.family != "poly":
            return None
        coeffs = side.params if hasattr(side, "params") else side.coeffs
        try:
            fr = [_fraction(c) for c in coeffs]
        except (TypeError, ValueError):  # an irrational or symbolic coefficient
            return None
        parts.append("poly:" + ",".join(f"{q.numerator}/{q.denominator}" for q in fr))
    return "|".join(parts)


def family_params(ens) -> tuple:
    """Exact parameter values of ``ens`` in the order of :func:`family_function`'s symbols."""
    v, c = family_key(ens)
    return (_side_params(ens.var) if isinstance(v, str) else ()) + \
        (_side_params(ens.check) if isinstance(c, str) else ())


# ---------------------------------------------------------------------------
# the derived-code store: generated source kept on disk, reloaded without SymPy
# ---------------------------------------------------------------------------

_SOURCES = ("derivations/degree.py", "derivations/ensemble.py", "derivations/amru.py",
            "derivations/thresholds.py", "derivations/notation.py", "numeric/evaluate.py",
            "numeric/certify.py", "numeric/thresholds.py", "numeric/amru.py")


@functools.lru_cache(maxsize=1)
def store_dir() -> Path | None:
    """Folder of the derived-code store, or None when disabled (``INFOSCALING_CACHE_DIR=""``).

    ``$INFOSCALING_CACHE_DIR`` or ``$XDG_CACHE_HOME/infoscaling`` (``~/.cache/infoscaling``),
    in a sub-folder named by a hash of the derivation and code-generation sources: any
    change to a derivation makes a fresh store, so stored code is always what the current
    derivations give (like numba's ``cache=True``).
    """
    from .io import cache_base

    base = cache_base()
    if base is None:
        return None
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for rel in _SOURCES:
        f = root / rel
        h.update(rel.encode())
        h.update(f.read_bytes() if f.exists() else b"?")
    return base / f"derived-{h.hexdigest()[:16]}"


def _digest(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def store_read(name: str) -> dict | None:
    """A stored JSON document (None when absent, unreadable, damaged or the store is disabled).

    Each document is stored with the SHA-256 of its canonical JSON; a document
    whose digest does not match (a damaged or hand-edited file: its code would
    be executed and its numbers certified) counts as absent, so the code is
    derived again and the file rewritten.
    """
    d = store_dir()
    if d is None:
        return None
    try:
        doc = json.loads((d / name).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("body"), dict) or doc.get("sha256") != _digest(doc["body"]):
        return None
    return doc["body"]


def store_write(name: str, doc: dict) -> None:
    """Store a JSON document atomically; a store that cannot be written is skipped (it is a cache)."""
    d = store_dir()
    if d is None:
        return
    try:
        d.mkdir(parents=True, exist_ok=True)
        tmp = d / f".{name}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps({"sha256": _digest(doc), "body": doc}, sort_keys=True))
        os.replace(tmp, d / name)
    except OSError:
        pass


def _py_source(args, expr, backend: str) -> str:
    """Python source of ``expr`` for mpmath or numpy (SymPy's printers, fully qualified names)."""
    if backend == "mpmath":
        from sympy.printing.pycode import MpmathPrinter as P
    else:
        from sympy.printing.numpy import NumPyPrinter as P
    import sys

    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)  # exact constants may have more digits than the guard allows
    try:
        body = P({"fully_qualified_modules": True}).doprint(expr)
    finally:
        sys.set_int_max_str_digits(old)
    return f"def _f({', '.join(str(a) for a in args)}):\n    return {body}\n"


def _from_source(src: str, backend: str, consts=()):
    if backend == "arb":
        from .certify import arb_from_source

        return arb_from_source(src, consts)
    import sys

    ns = {"mpmath": mp} if backend == "mpmath" else {"numpy": importlib.import_module("numpy")}
    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        exec(compile(src, f"<derived {backend}>", "exec"), ns)  # noqa: S102 - printed from SymPy
    finally:
        sys.set_int_max_str_digits(old)
    return ns["_f"]


class _Family:
    """Compiled functions of a family pair (mpmath, numpy, arb), from the store or derived here.

    Derivation (SymPy) happens only for code not in the store: the family's
    *symbolic twin* (:func:`_side_twin`) goes through the ensemble's own
    methods, and the printed source is stored for the next process.
    """

    def __init__(self, ens):
        self.ens = ens
        self.key = family_key(ens)
        self.generic = all(isinstance(k, str) for k in self.key)
        self.compiled: dict = {}
        self.exprs: dict = {}
        self._twin = None
        self._doc = None
        # explicit-coefficient families are stored under a digest of their exact text, which the
        # document repeats and is compared on reading (so no two families can share stored code)
        self._exact = None if self.generic else exact_family_text(self.key)
        if self.generic:
            self._store_name = "family-" + "-".join(self.key) + ".json"
        elif self._exact is not None:
            self._store_name = "family-x" + hashlib.sha256(self._exact.encode()).hexdigest()[:32] + ".json"
        else:
            self._store_name = None

    def twin(self):
        if self._twin is None:
            from infoscaling.derivations.ensemble import Ensemble

            v, vs = _side_twin(self.ens.var, "v")
            c, cs = _side_twin(self.ens.check, "c")
            self._twin = (Ensemble(v, c), vs + cs)
        return self._twin

    def expr(self, name: str, builder):
        if name not in self.exprs:
            # a symbolic exponent differentiates to e b^e b'/b: powsimp folds b^e/b
            # into b^(e-1), so nothing is divided by a base that vanishes (x = 1)
            self.exprs[name] = sp.powsimp(builder(self.twin()[0]))
        return self.exprs[name]

    def _stored(self) -> dict:
        if self._doc is None:
            doc = (store_read(self._store_name) if self._store_name else None) or {}
            if self._exact is not None:
                if doc.get("family") != self._exact:
                    doc = {}  # another family's code under this name (or none): derive
                doc["family"] = self._exact
            self._doc = doc
        return self._doc

    def function(self, name: str, builder, backend: str):
        key = (name, backend)
        if key in self.compiled:
            return self.compiled[key]
        entry = self._stored().get(f"{name}|{backend}")
        if entry is not None:
            fn = _from_source(entry["src"], backend, entry.get("consts", ()))
        else:
            expr = self.expr(name, builder)
            twin, syms = self.twin()
            args = (_X(),) + syms
            if backend == "arb":
                from .certify import arb_lambdify

                fn = arb_lambdify(args, expr)
                entry = {"src": fn.source, "consts": fn.consts}
            elif self._store_name is not None:
                entry = {"src": _py_source(args, expr, backend)}
                fn = _from_source(entry["src"], backend)
            else:
                fn = lambdify_mp(args, expr, modules=backend)
            if self._store_name is not None:
                self._stored()[f"{name}|{backend}"] = entry
                store_write(self._store_name, self._doc)
        self.compiled[key] = fn
        return fn


_FAMILIES: dict = {}


def _family_of(ens) -> _Family:
    key = family_key(ens)
    fam = _FAMILIES.get(key)
    if fam is None:
        if len(_FAMILIES) > 128:
            _FAMILIES.clear()
        fam = _FAMILIES[key] = _Family(ens)
    return fam


def precision_guard(ens: Ensemble) -> int:
    """Extra working digits for large parameters: about 2 log10 of the largest degree / exponent.

    ``1 - (1 - x)^(r - 1)`` and ``(1 - p + p x)^(N - 1)`` lose about
    ``log10(N)`` digits to cancellation, once in y and once in eps(x).
    """
    big = 1
    for p in family_params(ens):
        q = _fraction(p)
        big = max(big, abs(q.numerator) // q.denominator)
    return 2 * len(str(big))


def _fraction(q):
    """An exact parameter (int, Fraction or SymPy rational) as a Fraction."""
    from fractions import Fraction

    if hasattr(q, "p") and hasattr(q, "q"):
        return Fraction(int(q.p), int(q.q))
    return Fraction(q)


def _mpf_exact(q):
    try:
        f = _fraction(q)
    except (TypeError, ValueError):  # an irrational SymPy number
        return mp.mpf(sp.N(q, mp.mp.dps + 10))
    return mp.mpf(f.numerator) / f.denominator


class _Bound:
    """A compiled family function of (x, *params) with this ensemble's parameters bound.

    Parameters are converted from their exact values at the precision in force
    at each call (mpmath, Arb) or once (numpy floats).
    """

    __slots__ = ("_make", "_f", "params", "backend", "_prec", "_vals")

    def __init__(self, make, params, backend):
        self._make, self._f, self.params, self.backend = make, None, tuple(params), backend
        self._prec, self._vals = None, ()
        if backend == "numpy":
            self._vals = tuple(float(p) for p in self.params)

    def _values(self):
        if self.backend == "numpy" or not self.params:
            return self._vals
        if self.backend == "arb":
            from flint import ctx

            from .certify import arb_of

            prec = ctx.prec
            if prec != self._prec:
                self._vals, self._prec = tuple(arb_of(_fraction(p)) for p in self.params), prec
            return self._vals
        prec = mp.mp.prec
        if prec != self._prec:
            self._vals, self._prec = tuple(_mpf_exact(p) for p in self.params), prec
        return self._vals

    @property
    def f(self):
        """The compiled function of (x, *params) (compiled or loaded on first use)."""
        if self._f is None:
            self._f = self._make()
        return self._f

    def __call__(self, x):
        return self.f(x, *self._values())


def family_function(ens: Ensemble, name: str, builder, backend: str = "mpmath"):
    """Callable of x for ``builder(ensemble)`` (a SymPy expression in X), compiled once per family.

    Parameters
    ----------
    ens : Ensemble
    name : str
        Unique name of the quantity (the cache key together with the family).
    builder : callable
        ``Ensemble -> sympy.Expr`` in :data:`derivations.notation.X`; it is
        called on the family's *symbolic twin*, so it must use only the
        ensemble's methods (lam, rho, L, L1, eps_of_x, ...).
    backend : {"mpmath", "numpy", "arb"}

    Examples
    --------
    >>> from infoscaling.derivations.ensemble import parse_ensemble
    >>> from infoscaling.derivations.notation import X
    >>> f = family_function(parse_ensemble("regular:3/regular:6"), "eps_of_x", lambda e: e.eps_of_x(X))
    >>> with mp.workdps(20):
    ...     print(f(mp.mpf("0.26")))
    0.42944075409748011667
    """
    fam = _family_of(ens)
    return _Bound(lambda: fam.function(name, builder, backend), family_params(ens), backend)


#: Quantities of every ensemble (SymPy builders on the symbolic twin).
BUILDERS = {
    "lam": lambda e: e.lam(_X()),
    "rho": lambda e: e.rho(_X()),
    "L": lambda e: e.L(_X()),
    "dlam": lambda e: sp.diff(e.lam(_X()), _X()),
    "ddlam": lambda e: sp.diff(e.lam(_X()), _X(), 2),
    "drho": lambda e: sp.diff(e.rho(_X()), _X()),
    "y": lambda e: e.y_of_x(_X()),
    "eps_of_x": lambda e: e.eps_of_x(_X()),
    "deps_dx": lambda e: e.deps_dx(_X()),
    "d2eps_dx2": lambda e: sp.diff(e.deps_dx(_X()), _X()),
}


def ball_function(ens: Ensemble, name: str):
    """Arb (ball) version of one of :data:`BUILDERS` for ``ens`` (compiled once per family)."""
    return family_function(ens, name, BUILDERS[name], "arb")


@dataclass(frozen=True)
class CompiledEnsemble:
    """Numeric callables of an ensemble (mpmath at the caller's precision; ``*_f`` float64).

    Built from code compiled once per family (:func:`family_function`), so a
    threshold, its scaling parameters and the DE fixed points share one
    compilation, and large degrees cost no more than small ones.
    """

    ensemble: Ensemble
    lam: object
    rho: object
    L: object
    dlam: object
    ddlam: object
    drho: object
    eps_of_x: object
    deps_dx: object
    lam_f: object
    rho_f: object
    L_f: object
    low_degree: bool

    def de_map(self, eps, x):
        """f(eps, x) = eps * lambda(1 - rho(1 - x)) at the current precision."""
        return eps * self.lam(1 - self.rho(1 - x))

    def y(self, x):
        return 1 - self.rho(1 - x)

    def ball(self, name: str):
        """Arb version of ``name`` (``eps_of_x``, ``deps_dx``, ``d2eps_dx2``, ``lam``, ``rho``, ``L``, ``y``...)."""
        return ball_function(self.ensemble, name)


def low_degree_variables(ens: Ensemble) -> bool:
    """True when lambda(0) > 0, decided by a ball evaluation (exact SymPy only if the ball touches 0).

    SymPy's exact ``lambda(0)`` of a binomial law is a rational with about
    N log10(1/(1-p)) digits; the ball decides without forming it.
    """
    from .certify import workprec

    with workprec(128):
        v = ball_function(ens, "lam")(_arb_zero())
    if v.is_zero():
        return False
    if v > 0:
        return True
    if not hasattr(ens, "has_low_degree_variables"):  # pragma: no cover - a parsed string: derive it
        from infoscaling.derivations.ensemble import ensemble_from_spec

        ens = ensemble_from_spec(ens)
    return ens.has_low_degree_variables  # pragma: no cover - ball straddles 0 (cannot happen for these laws)


def _arb_zero():
    from flint import arb

    return arb(0)


@functools.lru_cache(maxsize=256)
def compile_ensemble(ens: Ensemble) -> CompiledEnsemble:
    """Numeric callables of ``ens`` (cached per ensemble; code compiled once per family)."""
    def mpf(name):
        return family_function(ens, name, BUILDERS[name], "mpmath")

    def npf(name):
        return family_function(ens, name, BUILDERS[name], "numpy")

    # each function is compiled (or loaded from the store) on its first use
    return CompiledEnsemble(
        ensemble=ens,
        lam=mpf("lam"),
        rho=mpf("rho"),
        L=mpf("L"),
        dlam=mpf("dlam"),
        ddlam=mpf("ddlam"),
        drho=mpf("drho"),
        eps_of_x=mpf("eps_of_x"),
        deps_dx=mpf("deps_dx"),
        lam_f=npf("lam"),
        rho_f=npf("rho"),
        L_f=npf("L"),
        low_degree=low_degree_variables(ens),
    )


def check_eps(eps, name: str = "eps") -> mp.mpf:
    """Validate an erasure probability in (0, 1) and return it as an exact-as-possible mpf.

    Strings are parsed at the current precision (``"0.1"`` is 0.1 to all digits).
    """
    if isinstance(eps, mp.mpf):
        val = eps
    else:
        from infoscaling.derivations.degree import exact

        try:
            q = exact(eps, name, allow_symbol=False)
        except ValueError:
            raise ValueError(f"{name} must be a number in (0, 1), got {eps!r}") from None
        val = mp.mpf(q.p) / q.q if q.is_Rational else mp.mpf(sp.N(q, mp.mp.dps + 5))
    if not mp.isfinite(val) or not (0 < val < 1):
        raise ValueError(f"{name} must be in (0, 1), got {eps!r}")
    return val


#: Working digits of the critical-point scan and its smallest x (cancellation in
#: 1 - rho(1 - x) loses about log10(1/x) digits, so the scan stops well above 10^-SCAN_DPS).
SCAN_DPS = 60
SCAN_XMIN_EXP = 20
#: Arb precision (bits) of the scan's sign balls, about SCAN_DPS digits (an undecided ball falls back to mpmath).
SCAN_BALL_PREC = 216


def _scan_grid():
    """The scan grid at SCAN_DPS digits (built once: the same mpf values every time)."""
    with mp.workdps(SCAN_DPS):
        return _scan_grid_cached()


@functools.lru_cache(maxsize=1)
def _scan_grid_cached() -> tuple:
    lin = [mp.mpf(k) / 800 for k in range(1, 801)]
    geo = [mp.mpf(10) ** (-mp.mpf(k) / 10) for k in range(29, 10 * SCAN_XMIN_EXP + 1)]
    return tuple(sorted(set(geo + lin)))


@functools.lru_cache(maxsize=1)
def _scan_grid_balls() -> tuple:
    """The scan grid as exact Arb balls (each mpf converted exactly)."""
    from .certify import arb_of

    return tuple(arb_of(x) for x in _scan_grid())


def _scan_values(ce: CompiledEnsemble, grid) -> list:
    """eps'(x) on the scan grid: its sign from an Arb ball where the ball decides it (a few times
    cheaper than mpmath), else the mpmath value at SCAN_DPS digits.

    A ball that excludes 0 has the sign of the exact eps'(x), so the brackets are those of the
    mpmath scan wherever its SCAN_DPS-digit value has the right sign (everywhere but within
    rounding of a zero, where the ball is undecided and mpmath is used as before).
    """
    from .certify import workprec

    deps_b = ce.ball("deps_dx")
    vals = []
    with workprec(SCAN_BALL_PREC):
        for x, xb in zip(grid, _scan_grid_balls()):
            b = deps_b(xb)
            if b > 0:
                vals.append(1)
            elif b < 0:
                vals.append(-1)
            else:
                vals.append(ce.deps_dx(x))
    return vals


@functools.lru_cache(maxsize=256)
def critical_brackets(ens: Ensemble) -> tuple:
    """Brackets (a, b, kind) of the sign changes of eps'(x) on (0, 1]; kind 'min' or 'max'.

    Found by a sign scan of eps'(x) at SCAN_DPS digits on a grid that is linear
    (step 1/800) on (0, 1] and geometric (10 points a decade) down to 10^-20
    (signs from Arb balls where they decide, see :func:`_scan_values`).
    """
    ce = compile_ensemble(ens)
    out = []
    with mp.workdps(SCAN_DPS):
        grid = _scan_grid()
        vals = _scan_values(ce, grid)
        for (a, fa), (b, fb) in zip(zip(grid, vals), zip(grid[1:], vals[1:])):
            if fa < 0 <= fb:
                out.append((a, b, "min"))
            elif fa > 0 >= fb:
                out.append((a, b, "max"))
    return tuple(out)


@functools.lru_cache(maxsize=256)
def local_minima(ens: Ensemble) -> tuple:
    """Local minima of eps(x) in (0, 1], refined to SCAN_DPS digits (cached)."""
    ce = compile_ensemble(ens)
    out = []
    with mp.workdps(SCAN_DPS):
        for a, b, kind in critical_brackets(ens):
            if kind == "min":
                out.append(illinois(ce.deps_dx, a, b))
    return tuple(out)


def _grid(top) -> list:
    """Descending scan grid on (0, top]: linear near the top, geometric towards 0."""
    lin = [top * mp.mpf(k) / 600 for k in range(600, 0, -1)]
    geo = [top * f for f in _geo_factors(mp.mp.prec)]
    return lin + geo


@functools.lru_cache(maxsize=16)
def _geo_factors(prec: int) -> tuple:
    """10^(-k/8), k = 21..479, at ``prec`` bits (the powers of :func:`_grid`, computed once per precision)."""
    with mp.workprec(prec):
        return tuple(mp.mpf(10) ** (-mp.mpf(k) / 8) for k in range(int(8 * 2.5) + 1, 8 * 60))


def _largest_root(ens: Ensemble, eps) -> mp.mpf:
    """Largest root of g(x) = f(eps, x) - x in [0, eps] at the current precision."""
    ce = compile_ensemble(ens)

    def g(x):
        return ce.de_map(eps, x) - x

    # the narrow region where eps(x) dips below eps next to a local minimum of
    # eps(x) would fall between grid points just above a jump: add those minima
    extra = [+xm for xm in local_minima(ens) if xm < eps]
    grid = sorted(set(_grid(eps)) | set(extra), reverse=True)
    prev = eps
    gprev = g(prev)
    if gprev == 0:
        return prev
    for x in grid:
        if x >= prev:
            continue
        gx = g(x)
        if gx >= 0:
            if gx == 0:
                return x
            return illinois(g, x, prev, gx, gprev)
        prev, gprev = x, gx
    # nothing non-negative above eps*1e-60: for lambda(0) = 0 the fixed point is 0
    if not ce.low_degree:
        return mp.mpf(0)
    lo = mp.mpf(0)
    if g(lo) < 0:  # pragma: no cover - impossible: g(0) = eps lambda(0) > 0
        raise VerificationError("no bracket for the DE fixed point")
    return illinois(g, lo, prev)


def largest_fixed_point(ens: Ensemble, eps, dps: int = 30) -> mp.mpf:
    """DE limit x_inf from x0 = eps: the largest fixed point of f(eps, .) in [0, eps].

    Parameters
    ----------
    ens : Ensemble
    eps : str, number or sympy number
        Channel erasure probability in (0, 1).
    dps : int
        Digits to return, verified by recomputation at higher precision.

    Returns
    -------
    mpmath.mpf
        The fixed point (0 when DE converges to zero).

    Raises
    ------
    ValueError
        For eps outside (0, 1) or invalid dps.
    """
    dps = check_dps(dps)

    def compute():
        return _largest_root(ens, check_eps(eps))

    return verified(compute, dps).value


def residual_fraction(ens: Ensemble, eps, dps: int = 30) -> mp.mpf:
    """Post-decoding erased fraction eps * L(y_inf) predicted by DE."""
    dps = check_dps(dps)
    ce = compile_ensemble(ens)

    def compute():
        e = check_eps(eps)
        x = _largest_root(ens, e)
        return e * ce.L(ce.y(x))

    return verified(compute, dps).value


def de_iterate(ens: Ensemble, eps, tol=None, max_iter: int = 10**7, dps: int = 30):
    """Iterate DE from x0 = eps until the step is below ``tol``.

    Returns ``(x, iterations)``.  For *counting* iterations (training time,
    claim A11); the fixed point itself should come from :func:`largest_fixed_point`.
    """
    dps = check_dps(dps)
    with mp.workdps(dps + 10):
        e = check_eps(eps)
        tol = mp.mpf(10) ** (-dps) if tol is None else mp.mpf(tol)
        ce = compile_ensemble(ens)
        x = e
        for it in range(1, max_iter + 1):
            nx = ce.de_map(e, x)
            if abs(nx - x) < tol:
                return nx, it
            x = nx
    raise VerificationError(f"DE did not converge in {max_iter} iterations")
