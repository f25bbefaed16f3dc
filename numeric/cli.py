"""The ``infoscaling`` command line (contract: shared/spec/CLI.md).

Each command lives in a module of :mod:`numeric.commands` that defines
``register(subparsers)``; the parser it adds sets ``func`` to a callable
``run(args)`` returning a dict (or a :class:`CommandResult`).  This module owns
the conventions common to all commands:

* ``--json`` prints exactly one JSON object on stdout with sorted keys;
  otherwise a readable rendering;
* logs and progress go to stderr;
* exit 0 on success; 1 when a check failed or a value could not be verified
  (:class:`~infoscaling.numeric.errors.VerificationError`, one line on stderr);
  2 on bad input (:class:`~infoscaling.numeric.errors.InputError` or any
  ``ValueError`` from validation, one line naming the argument); 3 on an
  internal error (one line and the advice to report it; the traceback only with
  ``--debug``).  Never a traceback otherwise.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import sys
from dataclasses import dataclass

__all__ = ["main", "CommandResult", "build_parser", "COMMAND_MODULES", "json_default"]

#: Package of the command modules.
_COMMANDS_PKG = "infoscaling.numeric.commands"

#: Every command, in help order: (name, module in ``numeric/commands/``, one-line help).
#: ``--help`` is built from this table alone; a command's module is imported only when the
#: command is chosen (start-up time is a feature).  Adding a command is one line here; its
#: module's ``register(subparsers)`` must add a parser of the same name with the same help
#: (checked by proofs_tests/test_failure_classes.py).  A listed module that cannot be imported
#: is an error: a command never silently disappears.
COMMANDS: list[tuple[str, str, str]] = [
    ("threshold", "threshold", "BP or MAP threshold of an ensemble, verified digits"),
    ("scaling-params", "scaling_params", "finite-length scaling parameters alpha, beta/Omega, nu* at the critical point"),
    ("giant", "giant", "giant-component size, fixed point u, Molloy-Reed criterion, mean component size"),
    ("optimum", "optimum", "compute-optimal R*, T* (finite C' or the asymptotic kappa*)"),
    ("sweep", "optimum", "compute-optimal path over a log grid of C'"),
    ("simulate", "simulate", "Monte Carlo simulation (peeling decoder, giant component)"),
    ("verify", "verify", "report a verdict with evidence for every claim"),
    ("latex", "latex", "LaTeX of the derived formulas (or a standalone document)"),
    ("figures", "figures", "the paper's figures and the validation figures (image + CSV each)"),
    ("crosscheck", "crosscheck", "compare another implementation's numbers with this system's"),
    ("campaign", "campaign", "resumable simulation campaigns (run, report, status)"),
    ("coupled", "coupled", "threshold of a spatially coupled chain (curriculum), certified digits"),
    ("design", "design", "design the variable degree law (LP or heavy-tail) for a target eps"),
]

#: The command modules (full names), in help order.
COMMAND_MODULES = list(dict.fromkeys(f"{_COMMANDS_PKG}.{mod}" for _, mod, _ in COMMANDS))


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


def chosen_command(argv: list[str]) -> str | None:
    """The command named on a command line (its first word that is not an option)."""
    return next((a for a in argv if not a.startswith("-")), None)


def build_parser(command: str | None = None, *, full: bool = False) -> argparse.ArgumentParser:
    """The argument parser.

    Parameters
    ----------
    command : str, optional
        The chosen command: only its module is imported and registered; the others are
        listed from :data:`COMMANDS` (name and help).
    full : bool
        Import and register every command module (for tests and documentation).
    """
    parser = _Parser(
        prog="infoscaling",
        description="Derive, evaluate and verify the information theory of language-model scaling.",
        epilog="exit status: 0 success; 1 a check failed or a value could not be verified; "
               "2 bad input (the message names the argument); 3 internal error (--debug shows the traceback)",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"infoscaling {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="print the traceback of an internal error (exit 3)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    load = {mod for name, mod, _ in COMMANDS if full or name == command}
    for mod in dict.fromkeys(mod for _, mod, _ in COMMANDS):
        if mod in load:
            importlib.import_module(f"{_COMMANDS_PKG}.{mod}").register(sub)
    for name, _, help_ in COMMANDS:
        if name not in sub.choices:  # listed, not loaded: a placeholder carrying the help line
            sub.add_parser(name, help=help_, add_help=False)
    order = {name: i for i, (name, _, _) in enumerate(COMMANDS)}
    sub._choices_actions.sort(key=lambda a: order.get(a.dest, len(order)))  # help in table order
    return parser


def add_json_flag(p: argparse.ArgumentParser) -> None:
    """Add the ``--json`` switch every command takes."""
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")


def _one_line(exc: BaseException, limit: int = 400) -> str:
    msg = " ".join(str(exc).split()) or type(exc).__name__
    return msg if len(msg) <= limit else msg[: limit - 3] + "..."


#: BLAS thread settings the command line fixes to 1 unless the user set them.
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS",)


def limit_blas_threads() -> None:
    """One BLAS thread per process unless the user chose otherwise (before NumPy is imported).

    The tool's linear algebra is small (fits, LPs, a few hundred unknowns), so
    OpenBLAS's extra threads only spin, on the cores the tool's own worker
    processes use: claim C1's refit took 28x the CPU with them.
    """
    for name in BLAS_THREAD_VARIABLES:
        os.environ.setdefault(name, "1")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0, 1, 2, 3; 130 on Ctrl-C)."""
    from .errors import EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_INTERNAL, classify

    argv = sys.argv[1:] if argv is None else list(argv)
    limit_blas_threads()
    debug = "--debug" in argv  # accepted anywhere on the line
    argv = [a for a in argv if a != "--debug"]
    try:
        parser = build_parser(chosen_command(argv))
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # --help, --version: argparse printed them
            return exc.code if isinstance(exc.code, int) else 0
        if not getattr(args, "func", None):
            names = ", ".join(name for name, _, _ in COMMANDS)
            print(f"infoscaling: error: COMMAND: give one of {names} (infoscaling --help describes them)",
                  file=sys.stderr)
            return EXIT_BAD_INPUT
        result = args.func(args)
        if not isinstance(result, CommandResult):
            result = CommandResult(result)
        if getattr(args, "json", False):
            out = dumps(result.data) + "\n"
        else:
            out = (result.text if result.text is not None else _render_text(json.loads(dumps(result.data)))) + "\n"
    except _UsageError as exc:
        print(f"infoscaling: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("infoscaling: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the taxonomy decides the exit status; nothing is swallowed
        code = classify(exc)
        if code == EXIT_INTERNAL:
            return _internal(exc, debug)
        kind = "error" if code == EXIT_BAD_INPUT else "check failed"
        print(f"infoscaling: {kind}: {_one_line(exc)}", file=sys.stderr)
        if debug:
            import traceback

            traceback.print_exc()
        return code if code in (EXIT_BAD_INPUT, EXIT_CHECK_FAILED) else EXIT_INTERNAL

    sys.stdout.write(out)
    sys.stdout.flush()
    return result.exit_code


def _internal(exc: BaseException, debug: bool) -> int:
    """One line for an internal error (a bug); the traceback only with ``--debug``."""
    from .errors import EXIT_INTERNAL

    print(f"infoscaling: internal error: {type(exc).__name__}: {_one_line(exc, 300)} "
          f"(this is a bug; please report it with the command line; --debug shows the traceback)",
          file=sys.stderr)
    if debug:
        import traceback

        traceback.print_exc()
    return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
