"""infoscaling: derive, evaluate and verify the information theory of language-model scaling.

The distribution installs one namespace:

* :mod:`infoscaling.derivations` -- exact SymPy objects (the folder ``derivations/``);
* :mod:`infoscaling.numeric` -- evaluation, simulators, claims, reports, the CLI
  (the folder ``numeric/``).
"""

__version__ = "0.2.0"
