"""Input limits from cost models (issue 8): refused before work starts, exit 2 naming the argument.

Every case below hung, exhausted memory or printed a traceback before the
limits existed; now each answers within seconds with one line on stderr that
names the argument and the limit.  Large-but-legal inputs are accepted.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from infoscaling.numeric.cli import main

REFUSED = [
    # (argv, argument named, words of the limit)
    (["simulate", "giant", "poisson:1e6", "--n", "1e6", "--trials", "1"], "--n", "GiB per graph"),
    (["simulate", "giant", "regular:20000", "--n", "1e7", "--trials", "1"], "--n", "GiB per graph"),
    (["simulate", "giant", "poisson:200", "--n", "1e7", "--trials", "1"], "--n", "GiB per graph"),
    (["simulate", "peeling", "regular:3/regular:6", "--n", "1e5", "--eps", "0.4", "--trials", "1e7"],
     "--trials", "work budget"),
    (["simulate", "peeling", "regular:3/regular:6", "--n", "1e6", "--eps", "0.4", "--trials", "100",
      "--workers", "64"], "--workers", "for all workers"),
    (["simulate", "peeling", "regular:100000/regular:200000", "--n", "1e6", "--eps", "0.4", "--trials", "1"],
     "--n", "GiB per graph"),
    (["simulate", "peeling", "concept-text:dt=6,kappa=5,eps=0.5,R=1e9", "--trials", "1"],
     "ENSEMBLE", "GiB per graph"),
    (["simulate", "peeling", "concept-text:dt=6,kappa=5,eps=0.5,R=1e7", "--trials", "1"],
     "ENSEMBLE", "GiB per graph"),
    (["simulate", "giant", "poisson:2", "--n", "1e9", "--trials", "1"], "--n", "largest simulated graph"),
    (["simulate", "peeling", "regular:3/regular:6", "--n", "1" + "0" * 5000, "--eps", "0.4", "--trials", "1"],
     "--n", "at most 4300 digits"),
    (["threshold", "regular:3/regular:6", "--dps", "9" * 5000], "--dps", "[1, 1000]"),
    (["threshold", "regular:3/regular:6", "--dps", "1001"], "--dps", "[1, 1000]"),
    (["threshold", "regular:3/poly:" + ",".join(["1/40"] * 40)], "ENSEMBLE", "limited to 24"),
    (["threshold", "regular:3/regular:1e16"], "ENSEMBLE", "documented limit"),
    (["sweep", "--dt", "6", "--eps", "0.5", "--from", "1e2", "--to", "1e20", "--points", "100000"],
     "--points", "at most 1800 s"),
    (["scaling-params", "regular:3/poly:" + ",".join(["1/12"] * 12)], "ENSEMBLE", "limited to 8"),
    (["giant", "regular:30000"], "law", "documented limit"),
    (["simulate", "giant", "powerlaw:1000,1000", "--n", "1e3", "--trials", "2"], "LAW", "give kmax"),
    (["giant", "powerlaw:2.5,1,20000"], "law", "limited to 5000"),
]


@pytest.mark.parametrize("argv, argument, words", REFUSED, ids=[" ".join(a[:3])[:40] for a, _, _ in REFUSED])
def test_beyond_the_cost_model_is_refused_at_once(capsys, argv, argument, words):
    t0 = time.perf_counter()
    code = main(argv + ["--json"])
    out, err = capsys.readouterr()
    assert time.perf_counter() - t0 < 10.0
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"error: {argument}" in err and words in err, err


def test_refusal_as_a_whole_process():
    """The 4.7 GB / 7.8 GB cases of issue 8, as a user runs them: exit 2, one line, no traceback."""
    proc = subprocess.run([sys.executable, "-m", "infoscaling", "simulate", "giant", "poisson:200", "--n", "1e7",
                           "--trials", "1", "--json"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("infoscaling: error: --n: one graph of poisson:200 with n = 10000000 "
                                  "would need about 60.1 GiB")


@pytest.mark.parametrize("argv", [
    ["threshold", "regular:300/regular:600", "--dps", "20"],
    ["threshold", "concept-text:dt=6,kappa=5,eps=0.5,R=1e7", "--dps", "20"],
])
def test_large_but_legal_is_accepted(capsys, argv):
    """Large degrees and R are inside the limits and must work (they took > 120 s or hung before)."""
    code = main(argv + ["--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert '"threshold": "0.' in out


def test_limits_do_not_refuse_ordinary_simulations(capsys):
    code = main(["simulate", "peeling", "regular:3/regular:6", "--n", "1e4", "--eps", "0.4", "--trials", "3",
                 "--seed", "1", "--workers", "1", "--json"])
    assert code == 0
    code = main(["simulate", "giant", "poisson:1.5", "--n", "1e4", "--trials", "2", "--seed", "1",
                 "--workers", "1", "--json"])
    assert code == 0
    capsys.readouterr()
