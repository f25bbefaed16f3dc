"""The planted-bug catalogue: loading and static validation.

Every ``catalogue/*.toml`` file holds ``[[mutant]]`` tables (format in
``catalogue/README.md``).  :func:`load` reads them all; :func:`validate` checks
a catalogue against a source tree without running anything: names unique and
kebab-case, every ``find`` text present exactly ``count`` times in its file,
``replace`` different from ``find``, at least one check per mutant, every test
node id naming an existing file and test function, every claim id known.
"""

from __future__ import annotations

import ast
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Mutant", "CATALOGUE_DIR", "load", "validate", "occurrences", "mutate_text"]

#: The folder holding the area files (``core.toml``, ``samplers.toml``, ...).
CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"

_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_KEYS = {"name", "file", "find", "replace", "count", "tests", "claims", "why", "timeout"}


@dataclass(frozen=True)
class Mutant:
    """One planted bug: replace ``find`` (``count`` occurrences) by ``replace`` in ``file``.

    Attributes
    ----------
    name : str
        Unique kebab-case name.
    file : str
        Path from the repository root (POSIX separators).
    find, replace : str
        Exact text and its replacement.
    count : int
        Number of occurrences of ``find`` in ``file`` (all are replaced).
    tests : tuple of str
        Pytest node ids (or files) that must fail on the mutant.
    claims : tuple of str
        Claim ids that must stop holding on the mutant (``infoscaling verify``).
    why : str
        The realistic bug this plants.
    timeout : float or None
        Time budget of this mutant's checks in seconds (None: the runner's default).
    area : str
        The catalogue file it comes from (without ``.toml``).
    """

    name: str
    file: str
    find: str
    replace: str
    count: int = 1
    tests: tuple[str, ...] = ()
    claims: tuple[str, ...] = ()
    why: str = ""
    timeout: float | None = None
    area: str = field(default="", compare=False)


class CatalogueError(ValueError):
    """A malformed catalogue file (unknown key, wrong type, missing field)."""


def _mutant(entry: dict, area: str, where: str) -> Mutant:
    unknown = set(entry) - _KEYS
    if unknown:
        raise CatalogueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    for key in ("name", "file", "find", "replace"):
        if not isinstance(entry.get(key), str):
            raise CatalogueError(f"{where}: '{key}' must be a string")
    tests, claims = entry.get("tests", []), entry.get("claims", [])
    if not (isinstance(tests, list) and all(isinstance(t, str) for t in tests)):
        raise CatalogueError(f"{where}: 'tests' must be a list of strings")
    if not (isinstance(claims, list) and all(isinstance(c, str) for c in claims)):
        raise CatalogueError(f"{where}: 'claims' must be a list of strings")
    count = entry.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise CatalogueError(f"{where}: 'count' must be an integer >= 1")
    timeout = entry.get("timeout")
    if timeout is not None and (not isinstance(timeout, (int, float)) or timeout <= 0):
        raise CatalogueError(f"{where}: 'timeout' must be a positive number of seconds")
    return Mutant(entry["name"], entry["file"], entry["find"], entry["replace"], count, tuple(tests),
                  tuple(claims), entry.get("why", ""), None if timeout is None else float(timeout), area)


def load(directory: Path | str = CATALOGUE_DIR) -> list[Mutant]:
    """Every mutant of every ``*.toml`` file in ``directory``, files in name order.

    Raises
    ------
    CatalogueError
        A file that is not valid TOML or an entry with unknown keys or wrong types.
    """
    out = []
    for path in sorted(Path(directory).glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise CatalogueError(f"{path.name}: not valid TOML: {exc}") from None
        entries = data.get("mutant", [])
        if set(data) - {"mutant"} or not isinstance(entries, list):
            raise CatalogueError(f"{path.name}: only [[mutant]] tables are allowed")
        for i, entry in enumerate(entries):
            out.append(_mutant(entry, path.stem, f"{path.name} mutant #{i + 1}"))
    return out


def occurrences(text: str, find: str) -> int:
    """Non-overlapping occurrences of ``find`` in ``text`` (as ``str.replace`` counts them)."""
    return text.count(find)


def mutate_text(text: str, mutant: Mutant) -> str:
    """Apply ``mutant`` to the text of its file.

    Raises
    ------
    LookupError
        When ``find`` does not occur exactly ``count`` times (a stale entry).
    """
    n = occurrences(text, mutant.find)
    if n != mutant.count:
        raise LookupError(f"{mutant.name}: 'find' occurs {n} time(s) in {mutant.file}, expected {mutant.count}")
    return text.replace(mutant.find, mutant.replace)


def _test_exists(root: Path, node: str) -> str | None:
    """None when ``node`` names an existing test file / function, else the problem."""
    path, _, rest = node.partition("::")
    file = root / path
    if not file.is_file():
        return f"test file {path} does not exist"
    if not rest:
        return None
    parts = [p.split("[", 1)[0] for p in rest.split("::")]
    try:
        tree = ast.parse(file.read_text(encoding="utf-8"))
    except SyntaxError as exc:
        return f"{path} does not parse: {exc}"
    scope = tree.body
    for name in parts:
        found = [n for n in scope if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                 and n.name == name]
        if not found:
            return f"{node}: no test {name!r} in {path}"
        scope = getattr(found[0], "body", [])
    return None


def validate(mutants: list[Mutant], root: Path | str, claim_ids=None) -> list[str]:
    """Static problems of a catalogue against the source tree at ``root`` (empty list: valid).

    Parameters
    ----------
    mutants : list of Mutant
    root : path
        Repository root whose files the mutants name.
    claim_ids : iterable of str, optional
        Known claim ids (default: the registry's CLAIM_TABLE).
    """
    root = Path(root)
    if claim_ids is None:
        from infoscaling.numeric.claims import CLAIM_TABLE

        claim_ids = CLAIM_TABLE
    claim_ids = set(claim_ids)
    problems, seen = [], set()
    for m in mutants:
        tag = f"{m.area}.toml:{m.name}"
        if not _NAME.match(m.name):
            problems.append(f"{tag}: name is not kebab-case")
        if m.name in seen:
            problems.append(f"{tag}: duplicate name")
        seen.add(m.name)
        if m.find == m.replace:
            problems.append(f"{tag}: replace equals find (nothing is planted)")
        if not (m.tests or m.claims):
            problems.append(f"{tag}: no tests and no claims to catch it")
        if not m.why.strip():
            problems.append(f"{tag}: 'why' is empty")
        src = root / m.file
        if not src.is_file():
            problems.append(f"{tag}: file {m.file} does not exist")
        else:
            n = occurrences(src.read_text(encoding="utf-8"), m.find)
            if n != m.count:
                problems.append(f"{tag}: stale: 'find' occurs {n} time(s) in {m.file}, expected {m.count}")
        for node in m.tests:
            issue = _test_exists(root, node)
            if issue:
                problems.append(f"{tag}: {issue}")
        for cid in m.claims:
            if cid not in claim_ids:
                problems.append(f"{tag}: unknown claim id {cid}")
    return problems
