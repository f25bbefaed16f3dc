"""The Python front door (``import infoscaling as isc``): ``to_dict()`` equals the CLI's JSON for every
command (in-process CLI, same arguments), result objects render, bad input raises InputError naming the
argument, and importing the package stays light."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from infoscaling.numeric.cli import main
from infoscaling.numeric.errors import InputError

import infoscaling as isc

#: Keys that measure time: they differ between two runs of the same computation.
TIMING_KEYS = {"seconds", "edges_per_second"}


def _drop_timing(obj):
    if isinstance(obj, dict):
        return {k: _drop_timing(v) for k, v in obj.items() if k not in TIMING_KEYS}
    if isinstance(obj, list):
        return [_drop_timing(v) for v in obj]
    return obj


def _cli_json(capsys, argv) -> tuple[dict, int]:
    capsys.readouterr()
    code = main([*argv, "--json"])
    out = capsys.readouterr().out
    return json.loads(out), code


CASES = [
    ("threshold", lambda: isc.threshold("regular:3/regular:6", dps=25),
     ["threshold", "regular:3/regular:6", "--dps", "25"]),
    ("threshold map", lambda: isc.threshold("regular:3/regular:6", kind="map", dps=15),
     ["threshold", "regular:3/regular:6", "--kind", "map", "--dps", "15"]),
    ("scaling-params", lambda: isc.scaling_params("regular:3/regular:6", dps=15),
     ["scaling-params", "regular:3/regular:6", "--dps", "15"]),
    ("giant", lambda: isc.giant("poisson:2", dps=20), ["giant", "poisson:2", "--dps", "20"]),
    ("optimum asymptotic", lambda: isc.optimum(6, "1/2", asymptotic=True, dps=20),
     ["optimum", "--dt", "6", "--eps", "1/2", "--asymptotic", "--dps", "20"]),
    ("optimum finite", lambda: isc.optimum(6, 0.5, compute="1e6", shift=False, alpha_variant="reference"),
     ["optimum", "--dt", "6", "--eps", "0.5", "--compute", "1e6", "--no-shift", "--alpha-variant", "reference"]),
    ("sweep", lambda: isc.sweep(6, 0.5, "1e4", "1e6", 3, exponent=False),
     ["sweep", "--dt", "6", "--eps", "0.5", "--from", "1e4", "--to", "1e6", "--points", "3", "--no-exponent"]),
    ("simulate peeling", lambda: isc.simulate_peeling("regular:3/regular:6", n=200, eps=0.4, trials=20, seed=7,
                                                      workers=1),
     ["simulate", "peeling", "regular:3/regular:6", "--n", "200", "--eps", "0.4", "--trials", "20", "--seed", "7",
      "--workers", "1"]),
    ("simulate giant", lambda: isc.simulate_giant("poisson:2", n=500, trials=5, seed=3, workers=1),
     ["simulate", "giant", "poisson:2", "--n", "500", "--trials", "5", "--seed", "3", "--workers", "1"]),
    ("verify", lambda: isc.verify(["A9"], workers=1), ["verify", "--claims", "A9", "--workers", "1"]),
    ("latex", lambda: isc.latex(claim="A2"), ["latex", "--claim", "A2"]),
    ("coupled", lambda: isc.coupled("regular:3/regular:6", 3, 2, dps=10, budget="2e6"),
     ["coupled", "regular:3/regular:6", "--L", "3", "--w", "2", "--dps", "10", "--budget", "2e6"]),
    ("design", lambda: isc.design("regular:6", "0.4", 6), ["design", "--check", "regular:6", "--eps", "0.4",
                                                            "--vmax", "6"]),
]


@pytest.mark.parametrize("name,call,argv", CASES, ids=[c[0] for c in CASES])
def test_to_dict_equals_cli_json(capsys, name, call, argv):
    expected, code = _cli_json(capsys, argv)
    r = call()
    assert _drop_timing(r.to_dict()) == _drop_timing(expected)
    assert r.exit_code == code and r.ok == (code == 0)
    assert r.to_dict() is not r.to_dict()          # a copy: callers cannot corrupt the result


@settings(max_examples=6)
@given(left=st.integers(2, 5), right=st.integers(3, 9), dps=st.integers(5, 40), kind=st.sampled_from(["bp", "map"]))
@example(left=3, right=6, dps=30, kind="bp")
def test_threshold_to_dict_equals_cli_json_drawn(left, right, dps, kind):
    """Drawn ensembles, digits and kinds: the front door and the in-process CLI print the same object."""
    import contextlib
    import io

    spec = f"regular:{left}/regular:{right}"
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["threshold", spec, "--dps", str(dps), "--kind", kind, "--json"])
    if code == 0:
        assert isc.threshold(spec, kind=kind, dps=dps).to_dict() == json.loads(out.getvalue())
    else:   # the same refusal through both doors
        with pytest.raises((InputError, isc.VerificationError, ValueError)):
            isc.threshold(spec, kind=kind, dps=dps)


def test_crosscheck_to_dict_equals_cli_json(capsys, tmp_path):
    f = tmp_path / "theirs.csv"
    f.write_text('quantity,spec,value\nalpha,"regular:3/regular:6",0.93853238409554\n'
                 "kappa_star,dt=6,4.5329896198607\n")
    expected, code = _cli_json(capsys, ["crosscheck", str(f), "--rtol", "1e-10"])
    r = isc.crosscheck(f, rtol="1e-10")
    assert r.to_dict() == expected and r.exit_code == code == 1 and not r.ok
    rows = isc.crosscheck([{"quantity": "kappa_star", "spec": "dt=6", "value": "4.5329896198607"}], rtol=1e-10)
    assert rows.ok and rows.rows[0]["agree"] is True and "file" not in rows


def test_figures_to_dict_equals_cli_json(capsys, tmp_path):
    expected, code = _cli_json(capsys, ["figures", "--only", "de_curves", "--quick", "--output-dir",
                                        str(tmp_path / "cli")])
    r = isc.figures(tmp_path / "api", only=["de_curves"], quick=True)
    assert (tmp_path / "api" / "de_curves.png").is_file() and r.exit_code == code == 0
    got = _drop_timing(r.to_dict())
    want = _drop_timing(expected)
    for d, sub in ((got, str(tmp_path / "api")), (want, str(tmp_path / "cli"))):   # the one intended difference
        d["output_dir"] = d["output_dir"].replace(sub, "DIR")
        for v in d["figures"].values():
            v["image"], v["csv"] = v["image"].replace(sub, "DIR"), v["csv"].replace(sub, "DIR")
    assert got == want
    assert repr(r) == f"Figures(output_dir={str(tmp_path / 'api')!r}, made=[de_curves])"


def test_repr_and_access():
    r = isc.threshold("regular:3/regular:6", dps=20)
    assert repr(r) == ("Threshold(ensemble='regular:3/regular:6', threshold='0.42943981441949183716', "
                       "limited_by='tangency', sharp=True, digits=30)")
    assert r.threshold == r["threshold"] == r.to_dict()["threshold"]
    assert "enclosure" in r and "threshold" in dir(r)
    with pytest.raises(AttributeError, match="no key 'bogus'"):
        _ = r.bogus


def test_latex_and_jupyter_renderings():
    r = isc.threshold("regular:3/regular:6", dps=20)
    assert r.latex() == r"\varepsilon_{\mathrm{BP}} = 0.42943981441949183716"
    assert r._repr_latex_() == "$$" + r.latex() + "$$"
    md = r._repr_markdown_()
    assert md.startswith("**infoscaling threshold**") and "| threshold | 0.42943981441949183716 |" in md
    assert "| sharp | true |" in md
    assert "| closed_form_latex | $" + r"\varepsilon_{\mathrm{BP}} = \frac{x^{*}}" in md   # rendered as math
    s = isc.scaling_params("regular:3/regular:6", dps=10)
    assert s.latex() == (r"\alpha = 0.5603547392,\quad (\beta/\Omega) = 0.6169487040,\quad \nu^{*} = 0.2029729429,"
                         r"\quad \varepsilon^{*} = 0.4294398144")
    a = isc.optimum(6, "1/2", asymptotic=True, dps=12)
    assert a.latex().startswith(r"\kappa^{*} = 4.53298961986,\quad R^{*}/\sqrt{C'} = ")
    sw = isc.sweep(6, 0.5, "1e4", "1e5", 2, exponent=False)
    assert repr(sw).startswith("Sweep(2 rows, ")
    assert sw.latex().startswith(r"\begin{array}{llll}" + "\n" + r"C' & R^{*} & T^{*} & \kappa \\ \hline")
    assert sw._repr_markdown_().splitlines()[2].startswith("| C_prime | R | T |")


def test_claims_registry():
    c = isc.claims()
    ids = [row["id"] for row in c.claims]
    assert "R1" in ids and "A2" in ids and len(ids) == len(set(ids))
    assert all(row["title"] and isinstance(row["statement_latex"], str) for row in c.claims)
    assert all(row["pending_reason"] for row in c.claims if not row["statement_latex"])


@pytest.mark.parametrize("call,argument", [
    (lambda: isc.threshold("regular:3/regular:6", kind="exact"), "--kind"),
    (lambda: isc.threshold("regular:3/regular:6", dps=0), "--dps"),
    (lambda: isc.optimum(6, 0.5), "--compute"),
    (lambda: isc.optimum(6, 0.5, compute=1e6, asymptotic=True), "--compute"),
    (lambda: isc.optimum(6, 0.5, compute=1e6, model="best"), "--model"),
    (lambda: isc.sweep(6, 0.5, 1e4, 1e5, 2, alpha_variant="x"), "--alpha-variant"),
    (lambda: isc.simulate_peeling("regular:3/regular:6", n=100, eps=0.4, trials=0, seed=1), "--trials"),
    (lambda: isc.verify(["NOPE"]), "--claims"),
    (lambda: isc.verify(profile="slow"), "--profile"),
    (lambda: isc.crosscheck([], dps="1" * 5000), "--dps"),
])
def test_bad_input_raises_input_error_naming_the_argument(call, argument):
    with pytest.raises(InputError) as info:
        call()
    assert argument in str(info.value)
    assert isinstance(info.value, ValueError)


def test_front_door_names_and_lazy_import():
    """Every advertised name resolves; importing the package imports no heavy library."""
    for name in ("threshold", "scaling_params", "giant", "optimum", "sweep", "simulate_peeling", "simulate_giant",
                 "verify", "claims", "crosscheck", "coupled", "design", "figures", "latex", "Result", "InputError",
                 "VerificationError"):
        assert name in dir(isc) and getattr(isc, name) is not None
    with pytest.raises(AttributeError):
        _ = isc.no_such_function
    code = ("import sys, infoscaling\n"
            "heavy = [m for m in ('sympy', 'scipy', 'numba', 'numpy', 'mpmath', 'matplotlib', 'argparse') "
            "if m in sys.modules]\nprint(','.join(heavy))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "", proc.stdout + proc.stderr
