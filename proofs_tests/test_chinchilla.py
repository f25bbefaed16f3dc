"""Chinchilla frontier (MODEL.md section 5): derivation, the three constant sets, the Huber refit."""

from __future__ import annotations

import mpmath as mp
import pytest
import sympy as sp
from infoscaling.derivations import chinchilla as dch
from infoscaling.numeric import chinchilla as nch


def test_frontier_derivation_matches_closed_form():
    assert dch.prove_frontier() == (0, 0, 0, 0)
    f = dch.efficient_frontier()
    assert sp.simplify(f["a"] + f["b"] - 1) == 0
    # the stationary point is a minimum: L'' > 0 there for sample constants
    sub = {dch.E: 1, dch.A: 400, dch.B: 400, dch.ALPHA: sp.Rational(1, 3), dch.BETA: sp.Rational(1, 4),
           dch.C: 10**20}
    n_opt = f["N_opt"].subs(sub)
    assert sp.N(f["second_derivative"].subs(sub).subs(dch.N, n_opt)) > 0


def test_constant_sets_exact():
    cs = dch.CONSTANT_SETS
    assert cs["printed"]["alpha"] == sp.Rational(17, 50) and cs["printed"]["A"] == sp.Rational(2032, 5)
    assert cs["unrounded"]["E"] == sp.exp(sp.Rational("0.5267228"))
    assert cs["epoch"]["B"] == sp.Rational("2085.43")
    assert dch.frontier_values("printed")["a"] == sp.Rational(14, 31)
    with pytest.raises(ValueError, match="constant set"):
        dch.frontier_values("nope")


def test_frontier_table_values():
    t = nch.frontier_table(15)
    assert t["printed"]["a"].startswith("0.45161290322")
    # rounded constants: ~93 tokens per parameter at Chinchilla's compute (MODEL.md 5)
    assert 92 < float(t["printed"]["tokens_per_parameter"]) < 94
    assert 0.51 < float(t["epoch"]["a"]) < 0.52
    with mp.workdps(30):
        G = mp.mpf(t["printed"]["G"])
        ref = (mp.mpf("0.34") * mp.mpf("406.4") / (mp.mpf("0.28") * mp.mpf("410.7"))) ** (1 / mp.mpf("0.62"))
        assert abs(G / ref - 1) < mp.mpf("1e-14")
    # N_opt * D_opt * 6 = C
    for v in t.values():
        assert abs(6 * float(v["N_opt"]) * float(v["D_opt"]) / 5.76e23 - 1) < 1e-12


def test_data_discovery_and_refit(monkeypatch, tmp_path):
    path = nch.find_data()
    assert path is not None and path == nch.packaged_data(), "the Epoch data must ship inside the package"
    N, D, L = nch.load_data(path)
    N0, _, L0 = nch.load_data(path, drop_highest=0)
    assert len(N0) == 245 and len(N) == 240 and L.max() <= sorted(L0)[-6]
    r = nch.huber_refit(path, grid="quick")
    # Epoch AI's published refit: alpha = 0.3478, beta = 0.3658, E = 1.8172
    assert abs(r["alpha"] - 0.3478) < 0.005 and abs(r["beta"] - 0.3658) < 0.005
    assert abs(r["E"] - 1.8172) < 0.01
    assert abs(r["a"] - 0.5) < 0.03
    # env var wins over the packaged copy; a folder without the file -> None -> clear error
    monkeypatch.setenv("INFOSCALING_SHARED", str(path.parents[2]))
    assert nch.find_data() == path
    monkeypatch.setenv("INFOSCALING_SHARED", str(tmp_path))
    assert nch.find_data() is None
    monkeypatch.delenv("INFOSCALING_SHARED")
    with pytest.raises(ValueError, match="not found"):
        nch.load_data(tmp_path / "missing.csv")


def test_huber_gradient_matches_finite_differences():
    import numpy as np

    rng = np.random.default_rng(3)
    logN = rng.uniform(18, 24, 30)
    logD = rng.uniform(20, 27, 30)
    logL = rng.uniform(0.6, 1.4, 30)
    th = np.array([6.0, 6.5, 0.5, 0.34, 0.3])
    f0, g = nch.huber_objective(th, logN, logD, logL, delta=0.05)
    for i in range(5):
        e = np.zeros(5)
        e[i] = 1e-6
        fd = (nch.huber_objective(th + e, logN, logD, logL, 0.05)[0]
              - nch.huber_objective(th - e, logN, logD, logL, 0.05)[0]) / 2e-6
        assert abs(fd - g[i]) < 1e-5 * max(1, abs(g[i]))


def test_refit_grid_validation():
    with pytest.raises(ValueError, match="grid"):
        nch.huber_refit(grid="huge")
    for bad in (0, -3, True, 2.5):
        with pytest.raises(ValueError, match="polish"):
            nch.huber_refit(grid="quick", polish=bad)


def test_screened_refit_starts_from_the_best_grid_points():
    """``polish=k`` evaluates every grid point and runs L-BFGS only from the k lowest-objective ones."""
    import itertools

    import numpy as np
    import scipy.optimize as sopt

    N, D, L = nch.load_data(None)
    lN, lD, lL = np.log(N), np.log(D), np.log(L)
    grid = list(itertools.product([5, 20], [5, 20], [0, 1], [0.5, 1], [0.5]))
    vals = [nch.huber_objective(np.array(p, dtype=float), lN, lD, lL, 1e-3)[0] for p in grid]
    best = sopt.minimize(nch.huber_objective, np.array(grid[int(np.argmin(vals))], dtype=float),
                         args=(lN, lD, lL, 1e-3), jac=True, method="L-BFGS-B")
    r = nch.huber_refit(grid="quick", polish=1)
    assert r["starts"] == 1 and r["screened"] == len(grid) == 16
    assert r["objective"] == pytest.approx(best.fun, rel=1e-12)


@pytest.mark.deep
def test_full_grid_screened_refit_reaches_epoch():
    """Epoch's 5400-point grid screened to 64 starts (the full verify profile) reaches their published fit."""
    r = nch.huber_refit(grid="full", polish=64)
    assert r["screened"] == 5400 and r["starts"] == 64
    assert abs(r["alpha"] - 0.3478) < 0.005 and abs(r["beta"] - 0.3658) < 0.005 and abs(r["E"] - 1.8172) < 0.01
