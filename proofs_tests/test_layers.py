"""Import layers of the package, checked statically (AST of every module) and at run time.

* ``derivations`` never imports ``numeric`` (SymPy objects know nothing of evaluation);
* nothing outside ``numeric/commands/`` and ``numeric/cli.py`` imports :mod:`argparse`
  (the library is usable without the command line), and no library module imports the
  command line (the front door ``numeric/api.py`` calls the commands' ``compute()``, deferred);
* no import cycles among the package's modules at import time;
* ``import infoscaling`` imports none of SymPy, SciPy, Numba (the front door is lazy).

Cycles are checked twice.  :func:`test_no_import_cycles` ``[import-time]`` follows the
imports that run when a module is imported (module-level statements, including
``if``/``try`` blocks there; ``if TYPE_CHECKING:`` blocks excluded): such a
cycle can fail at import time with a half-initialised module.
``[with-deferred]`` adds the imports inside
functions (deferred to keep start-up light, STYLE.md): they cannot fail that
way, but a cycle through them still means two modules that depend on each
other, i.e. one job split over two rooms.  Imports by name string
(``importlib``) are not seen.  The rules about ``derivations`` and
``argparse`` count every import, function-level ones included.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Source folders and the package each installs as (setup.py's mapping).
FOLDERS = {"infoscaling": "infoscaling", "derivations": "infoscaling.derivations", "numeric": "infoscaling.numeric"}


@dataclass(frozen=True)
class Import:
    module: str        # the importing module
    target: str        # the imported module (absolute)
    line: int
    top_level: bool    # runs when the importing module is imported


def _module_name(path: Path) -> tuple[str, bool]:
    rel = path.relative_to(ROOT)
    package = FOLDERS[rel.parts[0]]
    parts = list(rel.with_suffix("").parts[1:])
    is_pkg = parts[-1:] == ["__init__"] if parts else True
    if is_pkg and parts:
        parts = parts[:-1]
    return ".".join([package, *parts]), is_pkg


def _sources() -> dict[str, tuple[Path, bool]]:
    out = {}
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            name, is_pkg = _module_name(path)
            out[name] = (path, is_pkg)
    return out


SOURCES = _sources()


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or \
        (isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")


def _imports(name: str) -> list[Import]:
    path, is_pkg = SOURCES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if is_pkg else name.rpartition(".")[0]
    found: list[Import] = []

    def resolve(node: ast.ImportFrom) -> str:
        if node.level == 0:
            return node.module or ""
        base = package.split(".")
        if node.level > 1:
            base = base[: len(base) - (node.level - 1)]
        return ".".join(base + ([node.module] if node.module else []))

    def visit(node, top: bool):
        if isinstance(node, ast.If) and _is_type_checking(node):
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(name, alias.name, node.lineno, top))
        elif isinstance(node, ast.ImportFrom):
            mod = resolve(node)
            for alias in node.names:
                sub = f"{mod}.{alias.name}"
                found.append(Import(name, sub if sub in SOURCES else mod, node.lineno, top))
        inner = top and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    for stmt in tree.body:
        visit(stmt, True)
    return found


ALL_IMPORTS = {name: _imports(name) for name in SOURCES}


def _where(imp: Import) -> str:
    return f"{SOURCES[imp.module][0].relative_to(ROOT)}:{imp.line} imports {imp.target}"


def test_the_scan_sees_the_package():
    assert "infoscaling.numeric.cli" in SOURCES and "infoscaling.derivations.ensemble" in SOURCES
    assert any(i.target == "argparse" for i in ALL_IMPORTS["infoscaling.numeric.cli"])


def test_derivations_never_import_numeric():
    bad = [_where(i) for name, imps in ALL_IMPORTS.items() if name.startswith("infoscaling.derivations")
           for i in imps if i.target == "infoscaling.numeric" or i.target.startswith("infoscaling.numeric.")
           or i.target.split(".")[0] == "numeric"]
    assert not bad, "derivations must not import numeric:\n" + "\n".join(bad)


def _cli_layer(name: str) -> bool:
    return name == "infoscaling.numeric.cli" or name.startswith("infoscaling.numeric.commands")


def test_argparse_only_in_the_command_line_layer():
    bad = [_where(i) for name, imps in ALL_IMPORTS.items() if not _cli_layer(name)
           for i in imps if i.target == "argparse" or i.target.startswith("argparse.")]
    assert not bad, "argparse outside numeric/commands/ and numeric/cli.py:\n" + "\n".join(bad)


#: The only library module that may call into the command line: the front door calls each command's compute().
_FRONT_DOOR = "infoscaling.numeric.api"


def test_library_never_imports_the_command_line():
    """CLI code lives in numeric/commands/ and cli.py; the library does not depend on it (the front door,
    numeric/api.py, calls the commands' plain-argument compute() functions, deferred)."""
    def cli_module(target: str) -> bool:
        return _cli_layer(target) or target in ("infoscaling.__main__", "infoscaling.numeric.__main__")

    bad = [_where(i) for name, imps in ALL_IMPORTS.items()
           if not cli_module(name) and name != _FRONT_DOOR
           for i in imps if cli_module(i.target)]
    assert not bad, "library modules importing the command line:\n" + "\n".join(bad)
    assert all(not i.top_level for i in ALL_IMPORTS[_FRONT_DOOR] if cli_module(i.target)), \
        "the front door imports the command line only inside its functions (import infoscaling stays light)"


def _graph(top_level_only: bool = True) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in SOURCES}
    for name, imps in ALL_IMPORTS.items():
        for i in imps:
            if (i.top_level or not top_level_only) and i.target in SOURCES and i.target != name:
                graph[name].add(i.target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


def test_cycle_finder_finds_a_planted_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize("top_level_only", [True, False], ids=["import-time", "with-deferred"])
def test_no_import_cycles(top_level_only):
    graph = _graph(top_level_only)
    cycles = _cycles(graph)
    detail = []
    for comp in cycles:
        edges = [f"  {a} -> {b}" for a in comp for b in sorted(graph[a]) if b in comp]
        detail.append("cycle among " + ", ".join(comp) + ":\n" + "\n".join(edges))
    assert not cycles, "\n".join(detail)


@pytest.mark.parametrize("heavy", ["sympy", "scipy", "numba"])
def test_import_infoscaling_is_light(heavy):
    code = f"import sys, infoscaling\nprint({heavy!r} in sys.modules)\n"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd="/")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False", f"import infoscaling imported {heavy}"
