"""Every docstring example of the installed ``infoscaling`` packages runs as a doctest.

The modules are imported under their installed names (``infoscaling.numeric.…``),
so the examples exercise exactly what a user imports.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import infoscaling

_SKIP = {"infoscaling.__main__", "infoscaling.numeric.__main__"}


def _modules() -> list[str]:
    names = ["infoscaling"]
    for pkg in ("infoscaling.derivations", "infoscaling.numeric"):
        mod = importlib.import_module(pkg)
        names.append(pkg)
        names += [m.name for m in pkgutil.walk_packages(mod.__path__, prefix=pkg + ".")]
    return [n for n in names if n not in _SKIP]


@pytest.mark.parametrize("name", _modules())
def test_doctests(name):
    mod = importlib.import_module(name)
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    res = doctest.testmod(mod, optionflags=flags, verbose=False, report=False)
    assert res.failed == 0, f"{res.failed} of {res.attempted} doctest examples failed in {name}"


def test_namespace_is_whole():
    assert infoscaling.__version__
    assert len(_modules()) > 20
