"""The ``infoscaling`` command line (contract: shared/spec/CLI.md).

Each command lives in a module of :mod:`numeric.commands` that defines
``register(subparsers)``; the parser it adds sets ``func`` to a callable
``run(args)`` returning a dict (or a :class:`CommandResult`).  This module owns
the conventions common to all commands:

* ``--json`` prints exactly one JSON object on stdout with sorted keys;
  otherwise a readable rendering;
* logs and progress go to stderr;
* exit 0 on success, 1 when a check failed (verify, crosscheck), 2 on bad
  input with one line on stderr naming the argument (never a traceback).
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import sys
from dataclasses import dataclass

__all__ = ["main", "CommandResult", "build_parser", "COMMAND_MODULES", "json_default"]

#: Command modules, in help order.  A module that is not present yet is skipped.
COMMAND_MODULES = [
    "numeric.commands.threshold",
    "numeric.commands.scaling",
    "numeric.commands.giant",
    "numeric.commands.optimum",
    "numeric.commands.simulate",
    "numeric.commands.verify",
    "numeric.commands.latex",
    "numeric.commands.figures",
    "numeric.commands.crosscheck",
]


@dataclass
class CommandResult:
    """What a command returns when it needs more than a dict.

    ``data`` is the JSON object; ``exit_code`` 0 or 1; ``text`` an optional
    human rendering used without ``--json``.
    """

    data: dict
    exit_code: int = 0
    text: str | None = None


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors and exit status 2."""

    def error(self, message):  # noqa: D401 - argparse hook
        raise _UsageError(message)


def json_default(obj):
    """JSON encoder hook: mpmath numbers become decimal strings, numpy scalars numbers."""
    try:
        import mpmath as mp

        if isinstance(obj, mp.mpf):
            return mp.nstr(obj, mp.mp.dps)
    except ImportError:  # pragma: no cover
        pass
    try:
        import numpy as np

        if isinstance(obj, np.integer):
            return int(obj)
        if isinstance(obj, np.floating):
            return float(obj)
        if isinstance(obj, np.bool_):
            return bool(obj)
        if isinstance(obj, np.ndarray):
            return obj.tolist()
    except ImportError:  # pragma: no cover
        pass
    if hasattr(obj, "to_json"):
        return obj.to_json()
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    raise TypeError(f"cannot encode {type(obj).__name__} as JSON")


def _clean(obj):
    """Replace non-finite floats by None so the output is strict JSON."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    return obj


def dumps(data: dict) -> str:
    """The project's JSON rendering (sorted keys, strict JSON)."""
    return json.dumps(_clean(json.loads(json.dumps(data, default=json_default))), sort_keys=True, indent=2, allow_nan=False)


def _render_text(data: dict, indent: int = 0) -> str:
    pad = " " * indent
    lines = []
    for key in sorted(data):
        val = data[key]
        if isinstance(val, dict):
            lines.append(f"{pad}{key}:")
            lines.append(_render_text(val, indent + 2))
        else:
            if isinstance(val, (list, tuple)) and len(val) > 12:
                val = f"[{len(val)} items; use --json]"
            lines.append(f"{pad}{key}: {val}")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every available command registered."""
    parser = _Parser(
        prog="infoscaling",
        description="Derive, evaluate and verify the information theory of language-model scaling.",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"infoscaling {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        mod.register(sub)
    return parser


def add_json_flag(p: argparse.ArgumentParser) -> None:
    """Add the ``--json`` switch every command takes."""
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "command", None):
            parser.print_help(sys.stderr)
            return 2
        result = args.func(args)
    except _UsageError as exc:
        print(f"infoscaling: error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        msg = " ".join(str(exc).split())
        print(f"infoscaling: error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("infoscaling: interrupted", file=sys.stderr)
        return 130
    if not isinstance(result, CommandResult):
        result = CommandResult(result)
    if getattr(args, "json", False):
        sys.stdout.write(dumps(result.data) + "\n")
    else:
        sys.stdout.write((result.text if result.text is not None else _render_text(json.loads(dumps(result.data)))) + "\n")
    sys.stdout.flush()
    return result.exit_code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
