"""Campaign grids: parsing ``--n`` / ``--eps`` and the points they define.

A campaign is one simulation (``peeling`` of an ensemble, or ``giant`` of a
degree law), one root seed and a grid of points: every ``n`` of ``--n``
crossed with every ``eps`` of ``--eps`` (peeling), or every ``n`` (giant).

* ``--n N1,N2,...``: integers >= 1 (``1e5`` style allowed); duplicates are
  dropped and the list sorted.
* ``--eps`` is a list ``E1,E2,...`` (decimals or fractions such as ``1/2``)
  or a range ``LO:HI:COUNT`` (``COUNT`` equally spaced values from ``LO`` to
  ``HI`` inclusive, computed exactly and then rounded to the nearest double).
  Values must lie in (0, 1).  For ``concept-text:`` ensembles the string
  fixes eps: ``--eps`` may be omitted (and, when the string gives ``R``,
  ``--n`` too).  For ``--law`` campaigns ``--eps`` is refused.

Every point is validated by the simulator's own planner (so a point that
``simulate`` would refuse is refused here, naming the argument), before
anything is written to the store.

Examples
--------
>>> parse_n_list("1e3,500,1000")
[500, 1000]
>>> parse_eps("0.4:0.5:3")
[0.4, 0.45, 0.5]
>>> parse_eps("1/2,0.25")
[0.25, 0.5]
>>> g = build_grid(ensemble="regular:3/regular:6", n="1000,2000", eps="0.4,0.42")
>>> [p.key() for p in g.points][:2]
['peeling|regular:3/regular:6|1000|0.4', 'peeling|regular:3/regular:6|1000|0.42']
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction

from ..errors import InputError, input_error

__all__ = ["Point", "Grid", "parse_n_list", "parse_eps", "build_grid", "MAX_POINTS"]

#: Largest grid accepted (points per campaign).
MAX_POINTS = 10_000


@dataclass(frozen=True)
class Point:
    """One grid point: ``kind`` (``peeling`` | ``giant``), canonical ``spec``, ``n``, ``eps``."""

    kind: str
    spec: str
    n: int
    eps: float | None

    def key(self) -> str:
        """Canonical text naming the point (it enters the point seed)."""
        e = "" if self.eps is None else repr(float(self.eps))
        return f"{self.kind}|{self.spec}|{self.n}|{e}"

    @property
    def eps_text(self) -> str:
        """``eps`` as stored (``''`` for giant points)."""
        return "" if self.eps is None else repr(float(self.eps))

    def plan(self):
        """The simulator's plan of this point (peeling only)."""
        from ..peeling import plan_peeling

        return plan_peeling(self.spec, self.n, self.eps)


@dataclass(frozen=True)
class Grid:
    """The points of a campaign and its definition (as stored)."""

    kind: str
    spec: str
    ns: tuple
    eps: tuple  # empty for giant
    points: tuple

    def definition(self) -> str:
        """Canonical JSON of the grid (what a re-run must match)."""
        return json.dumps({"kind": self.kind, "spec": self.spec, "n": list(self.ns),
                           "eps": [repr(e) for e in self.eps]}, sort_keys=True)


def _int(text: str, argument: str, lo: int) -> int:
    from .. import validate

    return validate.integer(text.strip(), argument, lo)


def parse_n_list(text, argument: str = "--n", lo: int = 1) -> list[int]:
    """Sorted distinct sizes of ``N1,N2,...``."""
    if isinstance(text, (list, tuple)):
        text = ",".join(str(t) for t in text)
    if not isinstance(text, str) or not text.strip():
        raise input_error(argument, text, "a comma-separated list of sizes, e.g. 1000,10000")
    return sorted({_int(t, argument, lo) for t in text.split(",")})


def _fraction(text: str, argument: str) -> Fraction:
    from .. import validate

    return validate.probability(text.strip(), argument)


def parse_eps(text, argument: str = "--eps") -> list[float]:
    """Sorted distinct erasure probabilities of ``E1,E2,...`` or ``LO:HI:COUNT``."""
    if isinstance(text, (list, tuple)):
        text = ",".join(str(t) for t in text)
    if not isinstance(text, str) or not text.strip():
        raise input_error(argument, text, "a list E1,E2,... or a range LO:HI:COUNT")
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise input_error(argument, text, "a range LO:HI:COUNT, e.g. 0.40:0.46:7")
        lo, hi = _fraction(parts[0], argument), _fraction(parts[1], argument)
        count = _int(parts[2], argument, 1)
        if count > MAX_POINTS:
            raise input_error(argument, text, f"at most {MAX_POINTS} values")
        if count == 1 and lo != hi:
            raise input_error(argument, text, "COUNT >= 2 when LO != HI")
        if hi < lo:
            raise input_error(argument, text, "LO <= HI")
        values = [lo] if count == 1 else [lo + (hi - lo) * k / (count - 1) for k in range(count)]
    else:
        values = [_fraction(t, argument) for t in text.split(",")]
    return sorted({float(v) for v in values})


def _concept_text(spec: str) -> bool:
    return spec.strip().startswith("concept-text:")


def build_grid(ensemble: str | None = None, law: str | None = None, n=None, eps=None) -> Grid:
    """Validate a campaign request and list its points.

    Exactly one of ``ensemble`` (peeling) and ``law`` (giant) is given.

    Raises
    ------
    InputError
        Naming ``--ensemble``, ``--law``, ``--n`` or ``--eps``.
    """
    if (ensemble is None) == (law is None):
        raise input_error("--ensemble", ensemble, "exactly one of --ensemble SPEC and --law SPEC")
    if law is not None:
        from infoscaling.derivations.graphs import parse_law

        from ..graphsim import MAX_NODES

        if eps is not None:
            raise input_error("--eps", eps, "nothing: a --law campaign has no erasure probability")
        try:
            spec = parse_law(law).spec()
        except ValueError as exc:
            raise input_error("--law", law, f"a degree law of CLI.md ({exc})") from None
        ns = parse_n_list(n, lo=2)
        if ns[-1] > MAX_NODES:
            raise input_error("--n", n, f"sizes in [2, {MAX_NODES}]")
        points = tuple(Point("giant", spec, k, None) for k in ns)
        return Grid("giant", spec, tuple(ns), (), points)

    from infoscaling.derivations.ensemble import parse_ensemble

    from ..peeling import plan_peeling

    try:
        spec = parse_ensemble(ensemble).spec()
    except ValueError as exc:
        raise input_error("--ensemble", ensemble, f"an ensemble string of CLI.md ({exc})") from None
    if _concept_text(spec):
        first = plan_peeling(spec, None if n is None else parse_n_list(n)[0], None)
        ct_eps = first.eps
        if eps is not None and parse_eps(eps) != [ct_eps]:
            raise input_error("--eps", eps, f"{ct_eps!r} (fixed by {spec}) or nothing")
        epss = [ct_eps]
        ns = parse_n_list(n) if n is not None else [int(round(first.n_code))]
    else:
        if n is None:
            raise input_error("--n", n, "a comma-separated list of sizes")
        if eps is None:
            raise input_error("--eps", eps, "a list E1,E2,... or a range LO:HI:COUNT")
        ns, epss = parse_n_list(n), parse_eps(eps)
    if len(ns) * len(epss) > MAX_POINTS:
        raise input_error("--eps", eps, f"a grid of at most {MAX_POINTS} points")
    points = []
    for k in ns:
        for e in epss:
            try:
                plan_peeling(spec, k, None if _concept_text(spec) else e)
            except InputError:
                raise
            except ValueError as exc:
                raise InputError(f"--n/--eps: point n={k}, eps={e!r}: {exc}", "--n") from None
            points.append(Point("peeling", spec, k, e))
    return Grid("peeling", spec, tuple(ns), tuple(epss), tuple(points))
