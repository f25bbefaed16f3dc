"""Figures: regenerated data compared with directly computed values; files exist; CLI; skipping."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import mpmath as mp
import numpy as np
import pytest
from infoscaling.derivations.ensemble import parse_ensemble
from infoscaling.numeric import figures
from infoscaling.numeric.cli import main


def _read(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def de_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("figs")
    out = figures.make_figures(d, "png", ["de_curves", "compute_optimal"], quick=True)
    return d, out


def test_files_exist_and_are_nonempty(de_dir):
    d, out = de_dir
    assert out["skipped"] == {}
    for name in ("de_curves", "compute_optimal"):
        info = out["figures"][name]
        png = d / f"{name}.png"
        assert png.stat().st_size > 10_000 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert info["image"] == str(png) and info["csv"] == str(d / f"{name}.csv")
        assert len(_read(d / f"{name}.csv")) == info["rows"] > 0
    assert not list(d.glob(".*.tmp"))  # atomic writes leave no temporary files


def test_de_curve_csv_matches_direct_evaluation(de_dir):
    from infoscaling.numeric.evaluate import compile_ensemble
    from infoscaling.numeric.thresholds import bp_threshold

    d, _ = de_dir
    rows = _read(d / "de_curves.csv")
    for spec, _label in figures.DE_ENSEMBLES:
        ce = compile_ensemble(parse_ensemble(spec))
        curve = [r for r in rows if r["series"] == "curve" and r["ensemble"] == spec]
        assert len(curve) > 100
        for r in curve[:: max(1, len(curve) // 25)]:
            with mp.workdps(40):
                direct = float(ce.eps_of_x(mp.mpf(r["x"])))
            assert float(r["eps_of_x"]) == pytest.approx(direct, rel=1e-12, abs=1e-300)
        (th,) = [r for r in rows if r["series"] == "threshold" and r["ensemble"] == spec]
        ref = bp_threshold(parse_ensemble(spec), 15)
        if ref.value is None:
            assert th["threshold"] == "" and th["limited_by"] == "none"
        else:
            assert float(th["threshold"]) == pytest.approx(float(ref.value), rel=1e-14)
            assert th["limited_by"] == ref.limited_by
    # the (3,6) threshold is the literature value
    (t36,) = [r for r in rows if r["series"] == "threshold" and r["ensemble"] == "regular:3/regular:6"]
    assert float(t36["threshold"]) == pytest.approx(0.4294398144, abs=1e-10)


def test_compute_optimal_csv_matches_the_optimiser(de_dir):
    from infoscaling.numeric.optimum import compute_optimal_path, kappa_star_value

    d, _ = de_dir
    rows = _read(d / "compute_optimal.csv")
    cp = np.array([float(r["C_prime"]) for r in rows])
    assert cp[0] == pytest.approx(1e2) and cp[-1] == pytest.approx(1e20)
    pick = [0, len(rows) // 2, len(rows) - 1]
    R, T = compute_optimal_path(6, 0.5, cp[pick])
    with mp.workdps(30):
        ks = float(kappa_star_value(6, 30))
    for j, i in enumerate(pick):
        r = rows[i]
        assert float(r["N_star"]) == pytest.approx(2e5 * R[j], rel=1e-12)
        assert float(r["D_star"]) == pytest.approx(8e5 * T[j], rel=1e-12)
        assert float(r["C"]) == pytest.approx(6 * float(r["N_star"]) * float(r["D_star"]), rel=1e-9)
        assert float(r["N_asymptote"]) == pytest.approx(2e5 * np.sqrt(cp[i] / ks), rel=1e-12)
    # N* and D* approach the sqrt(C') asymptote at large compute
    last = rows[-1]
    assert float(last["N_star"]) / float(last["N_asymptote"]) == pytest.approx(1, abs=0.1)


def test_skipped_when_upstream_missing(tmp_path, monkeypatch):
    def missing(**_):
        raise ImportError("cannot import name 'nothing' from 'numeric.nowhere'")

    monkeypatch.setitem(figures.FIGURES, "giant", missing)
    out = figures.make_figures(tmp_path, "svg", ["giant", "de_curves"], quick=True)
    assert "giant" in out["skipped"] and "numeric.nowhere" in out["skipped"]["giant"]
    assert list(out["figures"]) == ["de_curves"]
    assert (tmp_path / "de_curves.svg").read_text().lstrip().startswith(("<?xml", "<svg"))
    assert not (tmp_path / "giant.svg").exists()


def test_cli_in_process_and_errors(tmp_path, capsys):
    code = main(["figures", "--output-dir", str(tmp_path), "--only", "de_curves", "--format", "pdf", "--quick",
                 "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["format"] == "pdf" and data["skipped"] == {}
    assert (tmp_path / "de_curves.pdf").read_bytes()[:4] == b"%PDF"
    assert main(["figures", "--only", "nosuch", "--output-dir", str(tmp_path)]) == 2
    assert "--only" in capsys.readouterr().err
    assert main(["figures", "--format", "gif"]) == 2


def test_cli_subprocess(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "infoscaling", "figures", "--output-dir", str(tmp_path), "--only",
                           "de_curves", "--quick", "--json"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data["figures"]) == {"de_curves"} and (tmp_path / "de_curves.csv").stat().st_size > 0
