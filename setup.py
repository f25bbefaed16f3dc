"""Package discovery for the ``infoscaling`` namespace (metadata lives in pyproject.toml).

The repository keeps its prescribed layout (``derivations/``, ``numeric/`` at the
top level); they install as ``infoscaling.derivations`` and ``infoscaling.numeric``.
Sub-packages are found, not listed by hand.
"""

from setuptools import find_packages, setup

_ROOTS = {"derivations": "derivations", "numeric": "numeric"}

packages = ["infoscaling"]
package_dir = {"infoscaling": "infoscaling"}
for name, folder in _ROOTS.items():
    package_dir[f"infoscaling.{name}"] = folder
    packages.append(f"infoscaling.{name}")
    packages += [f"infoscaling.{name}.{sub}" for sub in find_packages(where=folder)]

setup(packages=packages, package_dir=package_dir)
