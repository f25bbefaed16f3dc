"""The project's error taxonomy: one place that says what kind of failure a failure is.

Three kinds, and nothing else (a bug is never turned into a normal-looking result):

* :class:`InputError` -- the caller asked for something outside the documented
  domain (ε outside (0, 1), a malformed ensemble string, a size beyond the cost
  limit, NaN, a bad output path).  A :class:`ValueError` subclass, so library
  users can catch it the usual way.  The message names the argument.  CLI: exit 2.
* :class:`VerificationError` -- the input was fine but a result could not be
  established: a solver did not converge, a value could not be confirmed by
  recomputation at a higher precision, an enclosure did not certify.  CLI: exit 1
  with a one-line reason.  Deliberately *not* a ValueError: bad input and an
  unverified answer must never be confused.
* anything else is an internal error (a bug): CLI exit 3 with one line and the
  advice to report it; the traceback only with ``--debug``.

:func:`input_error` builds a message that names the argument and what is allowed;
:func:`classify` maps an exception to its exit status.

Examples
--------
>>> err = input_error("--eps", 1.5, "a number in (0, 1)")
>>> isinstance(err, ValueError), str(err)
(True, '--eps: got 1.5; allowed: a number in (0, 1)')
>>> classify(err), classify(VerificationError("no convergence")), classify(KeyError("x"))
(2, 1, 3)
"""

from __future__ import annotations

__all__ = [
    "InfoscalingError",
    "InputError",
    "VerificationError",
    "LimitError",
    "input_error",
    "classify",
    "EXIT_OK",
    "EXIT_CHECK_FAILED",
    "EXIT_BAD_INPUT",
    "EXIT_INTERNAL",
]

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


class InfoscalingError(Exception):
    """Base of the project's own errors."""


class InputError(InfoscalingError, ValueError):
    """Bad input: outside the documented domain.  Names the argument.  Exit 2.

    Parameters
    ----------
    message : str
        The whole message (use :func:`input_error` to build a uniform one).
    argument : str, optional
        The offending argument (``"--eps"``, ``"ENSEMBLE"``, ``"n"``...).
    """

    def __init__(self, message: str, argument: str | None = None):
        super().__init__(message)
        self.argument = argument


class LimitError(InputError):
    """Input inside the mathematical domain but beyond the cost model's limits (time or memory)."""


class VerificationError(InfoscalingError):
    """A result could not be established or verified (non-convergence, digits not confirmed).  Exit 1."""


def _show(value) -> str:
    s = repr(value) if isinstance(value, str) else str(value)
    return s if len(s) <= 80 else s[:77] + "..."


def input_error(argument: str, value, allowed: str, cls: type[InputError] = InputError) -> InputError:
    """An :class:`InputError` whose message names ``argument``, the value given and what is allowed."""
    return cls(f"{argument}: got {_show(value)}; allowed: {allowed}", argument)


def classify(exc: BaseException) -> int:
    """Exit status for an exception escaping a command (see the module docstring)."""
    if isinstance(exc, VerificationError):
        return EXIT_CHECK_FAILED
    if isinstance(exc, ValueError):
        # InputError, and plain ValueErrors raised by our own validation; a solver's
        # ValueError must be converted to VerificationError where it is raised.
        return EXIT_BAD_INPUT
    return EXIT_INTERNAL
