"""infoscaling.numeric: evaluation, simulation, claims, reports and the CLI.

Imports :mod:`derivations` (exact SymPy objects) and never the reverse.
"""

from infoscaling import __version__  # noqa: F401  (one version for the distribution)
