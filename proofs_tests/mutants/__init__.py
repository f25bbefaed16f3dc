"""Planted-bug catalogue and its runner (``python -m proofs_tests.mutants [--json]``).

Each entry of ``catalogue/*.toml`` is a realistic bug planted *alone* in a
temporary copy of the repository; the runner (:mod:`.runner`) runs the named
tests and/or claims on the mutated copy and counts the mutant killed when one of
them fails.  The catalogue format is in ``catalogue/README.md``; the default
test tier validates it statically (``proofs_tests/test_mutants.py``), the deep
tier runs it.
"""

from .catalogue import CATALOGUE_DIR, Mutant, load, validate

__all__ = ["CATALOGUE_DIR", "Mutant", "load", "validate"]
