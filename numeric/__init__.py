"""infoscaling.numeric: evaluation, simulation, claims, reports and the CLI.

Imports :mod:`derivations` (exact SymPy objects) and never the reverse.
"""

__version__ = "0.1.0"
