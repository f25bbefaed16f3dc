"""The derived-code store: a damaged or edited stored document is never executed or trusted.

Stored documents hold generated source that is executed (mpmath, NumPy and Arb
code) and closed forms whose digits are printed; each is written with the
SHA-256 of its content and re-derived when the digest does not match.
"""

from __future__ import annotations

import json

import pytest
from infoscaling.derivations.specs import parse_ensemble_spec
from infoscaling.numeric import evaluate
from infoscaling.numeric.thresholds import bp_threshold

SPEC = "regular:3/regular:6"


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("INFOSCALING_CACHE_DIR", str(tmp_path))
    evaluate.store_dir.cache_clear()
    evaluate._FAMILIES.clear()
    evaluate.compile_ensemble.cache_clear()
    yield tmp_path
    evaluate.store_dir.cache_clear()
    evaluate._FAMILIES.clear()
    evaluate.compile_ensemble.cache_clear()


def _fresh_process_state():
    """Forget what this process compiled, as a new process would."""
    evaluate._FAMILIES.clear()
    evaluate.compile_ensemble.cache_clear()


def test_store_round_trip_and_digest(store):
    evaluate.store_write("probe.json", {"a": [1, 2], "b": "x"})
    assert evaluate.store_read("probe.json") == {"a": [1, 2], "b": "x"}
    raw = json.loads(next(store.glob("derived-*/probe.json")).read_text())
    assert set(raw) == {"sha256", "body"} and len(raw["sha256"]) == 64


@pytest.mark.parametrize("damage", ["edit", "truncate", "no-digest", "not-a-dict"])
def test_damaged_document_counts_as_absent(store, damage):
    evaluate.store_write("probe.json", {"src": "def _f(x):\n    return x + 1\n"})
    path = next(store.glob("derived-*/probe.json"))
    raw = json.loads(path.read_text())
    if damage == "edit":
        raw["body"]["src"] = raw["body"]["src"].replace("x + 1", "x + 2")
        path.write_text(json.dumps(raw))
    elif damage == "truncate":
        path.write_text(path.read_text()[:-20])
    elif damage == "no-digest":
        path.write_text(json.dumps(raw["body"]))
    else:
        path.write_text("[1, 2, 3]")
    assert evaluate.store_read("probe.json") is None


def test_edited_stored_code_is_rederived_not_executed(store):
    """A threshold computed after someone edited the stored family code equals the fresh one."""
    ref = bp_threshold(parse_ensemble_spec(SPEC), 25).to_json()
    families = list(store.glob("derived-*/family-*.json"))
    assert families, "the family code was not stored"
    for path in families:
        raw = json.loads(path.read_text())
        for entry in raw["body"].values():  # perturb every stored function: x -> 0.999 x
            if isinstance(entry, dict) and "src" in entry:
                entry["src"] = entry["src"].replace("def _f(x", "def _f(x_").replace(
                    ":\n", ":\n    x = x_ * 999 / 1000\n", 1)
        path.write_text(json.dumps(raw))
    _fresh_process_state()
    again = bp_threshold(parse_ensemble_spec(SPEC), 25).to_json()
    assert again == ref
    for path in families:  # rewritten with a valid digest
        raw = json.loads(path.read_text())
        assert raw["sha256"] == evaluate._digest(raw["body"])


POLY = "poly:0,1/3,2/3/regular:6"


def test_explicit_coefficient_family_is_stored_and_reloaded_without_sympy(store, monkeypatch):
    """A poly (explicit-coefficient) family's code is stored under its exact text and reused."""
    from infoscaling.derivations.ensemble import parse_ensemble

    ref = bp_threshold(parse_ensemble(POLY), 25).to_json()
    text = evaluate.exact_family_text(evaluate.family_key(parse_ensemble(POLY)))
    docs = [evaluate.store_read(p.name) for p in store.glob("derived-*/family-x*.json")]
    assert [d["family"] for d in docs] == [text]
    _fresh_process_state()

    def no_derivation(self, name, builder):
        raise AssertionError(f"{name} derived again although stored")

    monkeypatch.setattr(evaluate._Family, "expr", no_derivation)
    assert bp_threshold(parse_ensemble(POLY), 25).to_json() == ref


def test_stored_code_of_another_family_is_not_used(store):
    """A document found under a family's name but made for other coefficients is ignored."""
    from infoscaling.derivations.ensemble import parse_ensemble

    ref = bp_threshold(parse_ensemble(POLY), 25).to_json()
    other = "poly:0,1/2,1/2/regular:6"
    bp_threshold(parse_ensemble(other), 25)
    name = evaluate._Family(parse_ensemble(POLY))._store_name
    other_name = evaluate._Family(parse_ensemble(other))._store_name
    assert name != other_name
    evaluate.store_write(name, evaluate.store_read(other_name))  # other coefficients' code, valid digest
    _fresh_process_state()
    assert bp_threshold(parse_ensemble(POLY), 25).to_json() == ref
    assert evaluate.store_read(name)["family"] == evaluate.exact_family_text(
        evaluate.family_key(parse_ensemble(POLY)))


def test_exact_family_text_names_every_coefficient():
    from infoscaling.derivations.ensemble import parse_ensemble

    a = evaluate.exact_family_text(evaluate.family_key(parse_ensemble("poly:0,1/3,2/3/regular:6")))
    b = evaluate.exact_family_text(evaluate.family_key(parse_ensemble("poly:0,333333/1000000,666667/1000000/regular:6")))
    assert a == "poly:0/1,1/3,2/3|regular" and a != b
    assert evaluate.exact_family_text(evaluate.family_key(parse_ensemble("regular:3/poisson:2"))) == "regular|poisson"


def _forget_maxwell():
    from infoscaling.derivations import thresholds as dth
    from infoscaling.numeric import thresholds as nth

    _fresh_process_state()
    nth._maxwell.cache_clear()
    nth._maxwell_concrete.cache_clear()
    dth.map_area.cache_clear()


def test_concrete_maxwell_code_is_stored_and_reused_without_the_area_integral(store, monkeypatch):
    """The MAP threshold of (3,6) (value, enclosures, Maxwell polynomial) is the same from stored code."""
    from infoscaling.derivations import thresholds as dth
    from infoscaling.derivations.ensemble import parse_ensemble
    from infoscaling.numeric.thresholds import map_threshold

    _forget_maxwell()
    ref = map_threshold(parse_ensemble(SPEC), 25).to_json()
    assert ref["closed_form_latex"].endswith("- \\frac{5 x_{MAP}^{2}}{2} = 0")
    assert list(store.glob("derived-*/maxwell-*.json"))
    _forget_maxwell()

    def no_area(*a, **k):
        raise AssertionError("the Maxwell area was integrated again although stored")

    monkeypatch.setattr(dth, "map_area", no_area)
    assert map_threshold(parse_ensemble(SPEC), 25).to_json() == ref


def test_stored_maxwell_code_of_another_ensemble_is_not_used(store):
    """Another ensemble's Maxwell code, found first or under this ensemble's name, is never used."""
    from infoscaling.derivations.ensemble import parse_ensemble
    from infoscaling.numeric import thresholds as nth

    _forget_maxwell()
    ref = nth.map_threshold(parse_ensemble(SPEC), 25).to_json()
    for path in store.glob("derived-*/maxwell-*.json"):
        path.unlink()
    _forget_maxwell()
    nth.map_threshold(parse_ensemble("regular:4/regular:8"), 25)  # stored first
    _forget_maxwell()
    assert nth.map_threshold(parse_ensemble(SPEC), 25).to_json() == ref
    name36, _ = nth._maxwell_store_name(parse_ensemble(SPEC))
    name48, _ = nth._maxwell_store_name(parse_ensemble("regular:4/regular:8"))
    assert name36 != name48
    evaluate.store_write(name36, evaluate.store_read(name48))  # valid digest, other ensemble
    _forget_maxwell()
    assert nth.map_threshold(parse_ensemble(SPEC), 25).to_json() == ref
