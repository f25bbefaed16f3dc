"""Compute-optimal rule under interventions (issue 10, claims D2/D3)."""

from __future__ import annotations

import math

import mpmath as mp
import pytest
from infoscaling.numeric.errors import InputError
from infoscaling.numeric.interventions import curriculum_chain, intervention_optimum


def test_none_is_the_papers_kappa_star():
    r = intervention_optimum(6, "none", dps=20)
    assert r["kappa_star"].startswith("4.532989619860748774")
    assert r["tokens_per_parameter"] == pytest.approx(18.131958479442996, rel=1e-12)
    assert r["edge_derivative"] < 0  # the optimum sits at the jump
    assert r["unlearned_fraction"] < 1e-11


@pytest.mark.parametrize("d", [4, 6, 8])
def test_curriculum_reaches_kappa_one_with_a_stated_floor(d):
    r = intervention_optimum(d, "curriculum", dps=20)
    with mp.workdps(30):
        assert abs(mp.mpf(r["kappa_star"]) - 1) < mp.mpf(10) ** -19
    assert r["tokens_per_parameter"] == pytest.approx(4.0)
    assert r["edge_derivative"] < 0
    # each text teaches at most one concept, empty texts none: 1 - delta <= kappa (1 - e^{-d})
    delta = r["unlearned_fraction"]
    assert math.exp(-d) < delta and 1 - delta <= 1 - math.exp(-d) + 1e-15


def test_ordering_of_interventions_at_dt6():
    none = float(intervention_optimum(6, "none", dps=12)["kappa_star"])
    cur = float(intervention_optimum(6, "curriculum", dps=12)["kappa_star"])
    des = intervention_optimum(6, "design", vmax=50)
    both = intervention_optimum(6, "both", vmax=50)
    kd, kb = float(des["kappa_star"]), float(both["kappa_star"])
    assert none > kd > kb >= 1 / (1 - math.exp(-6)) > cur == 1.0
    assert des["unlearned_fraction"] == 0.0 and both["unlearned_fraction"] == 0.0


def test_design_below_the_startup_bound_is_reported_not_invented():
    r = intervention_optimum(8, "design", vmax=50)
    assert r["kappa_star"] is None and "start-up bound" in r["note"]


def test_finite_chain_pays_boundary_texts():
    c = curriculum_chain(6, 16, 3)
    lo, hi = c["bracket"]
    assert 1.0 < lo <= hi < 1.01  # w = 3: close to, not at, the saturated value 1
    assert c["texts_per_concept"] == pytest.approx(hi * c["overhead"])
    assert c["overhead"] > 1.0


@pytest.mark.parametrize("kw,arg", [({"dt": 2}, "--dt"), ({"dt": 6, "intervention": "magic"}, "--intervention")])
def test_bad_input(kw, arg):
    with pytest.raises(InputError, match=arg):
        intervention_optimum(**kw)


# ----------------------------------------------------------------------------- optimum --intervention
def test_optimum_asymptotic_intervention_cli(capsys):
    import json

    from infoscaling.numeric.cli import main

    assert main(["optimum", "--dt", "6", "--eps", "0.5", "--asymptotic", "--intervention", "curriculum",
                 "--dps", "15", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["intervention"] == "curriculum" and out["kappa_star"].startswith("1.00000000000000")
    assert out["tokens_per_parameter"] == pytest.approx(4.0)
    assert main(["optimum", "--dt", "6", "--eps", "0.5", "--asymptotic", "--intervention", "none", "--json"]) == 0
    base = json.loads(capsys.readouterr().out)
    assert base["kappa_star"].startswith("4.53298961986074877")  # unchanged default path
    assert main(["optimum", "--dt", "6", "--eps", "0.5", "--compute", "1e12", "--intervention", "design"]) == 2
    assert "--intervention" in capsys.readouterr().err
    assert main(["optimum", "--dt", "6", "--eps", "0.5", "--asymptotic", "--intervention", "magic"]) == 2
    assert "--intervention" in capsys.readouterr().err
