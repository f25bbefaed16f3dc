"""A wheel built from this checkout works anywhere: installed into a new virtual
environment and run from an unrelated folder, ``infoscaling verify --claims C1``
confirms (the Chinchilla data ship inside the package) and the bare layout
folders are not importable.  Deep tier: it builds a wheel and installs the
dependencies into a fresh environment (minutes, and a package index or cache).
"""

from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.deep
def test_wheel_in_a_new_environment_confirms_c1(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w", str(dist)],
                   check=True, cwd=tmp_path, timeout=600)
    wheels = list(dist.glob("infoscaling-*.whl"))
    assert len(wheels) == 1
    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    py = env / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheels[0])], check=True, timeout=1800)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = subprocess.run([str(env / "bin" / "infoscaling"), "verify", "--claims", "C1", "--json"],
                          cwd=elsewhere, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = json.loads(proc.stdout)
    assert [(c["id"], c["verdict"]) for c in data["claims"]] == [("C1", "confirmed")]
    bare = subprocess.run([str(py), "-c", "import numeric"], cwd=elsewhere, capture_output=True, text=True)
    assert bare.returncode != 0 and "No module named 'numeric'" in bare.stderr
    front = subprocess.run([str(py), "-c", "import infoscaling as isc; print(isc.threshold('regular:3/regular:6').threshold)"],
                           cwd=elsewhere, capture_output=True, text=True, timeout=300)
    assert front.returncode == 0 and front.stdout.startswith("0.42943981441949"), front.stderr[-2000:]
