"""Every registry claim runs its quick evidence; the verify JSON contract; the Markdown report.

The whole quick registry is computed once per module (``quick_results``) and
must fit the 2-minute budget of ``infoscaling verify --profile quick``
(asserted in :func:`test_quick_registry_within_budget`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from infoscaling.numeric import claims as reg
from infoscaling.numeric.claims import CLAIM_TABLE, VERDICTS, Claim, Evidence, all_claims, run_claim
from infoscaling.numeric.cli import main
from infoscaling.numeric.report import to_json, to_markdown, to_text

#: The documented budget of the quick profile of all claims together (seconds).
QUICK_BUDGET = 120.0
EVIDENCE_KEYS = {"kind", "description", "passed", "details", "caveat", "seconds"}
CLAIM_KEYS = {"id", "title", "verdict", "evidence", "seconds"}

CLAIMS = all_claims()


@pytest.fixture(scope="module")
def quick_results():
    t0 = time.perf_counter()
    results = {c.id: run_claim(c, "quick") for c in CLAIMS}
    return results, time.perf_counter() - t0


def test_registry_covers_claims_md():
    assert [c.id for c in CLAIMS] == list(CLAIM_TABLE)


def test_quick_registry_within_budget(quick_results):
    _, seconds = quick_results
    assert seconds < QUICK_BUDGET, f"quick profile of all claims took {seconds:.0f} s"


@pytest.mark.parametrize("claim_id", [c.id for c in CLAIMS])
def test_claim_quick_evidence(quick_results, claim_id):
    results, _ = quick_results
    r = results[claim_id]
    assert r.verdict in VERDICTS
    if r.verdict == "pending" and not r.evidence:
        pytest.skip(f"{claim_id} pending: {r.reason}")
    crashed = [e.description for e in r.evidence if e.description.startswith("evidence computation raised")]
    assert not crashed, crashed
    assert not (r.verdict == "refuted" and not r.expect_refuted), f"{claim_id} refuted: {r.reason}"
    for e in r.evidence:
        assert e.kind in ("symbolic", "numeric", "simulated")
        assert e.description and e.seconds >= 0 and e.passed in (True, False, None)
        assert EVIDENCE_KEYS <= e.to_json().keys()
        json.dumps(e.to_json(), default=str)
        if e.kind == "simulated":  # says with which seed and how many trials
            text = json.dumps(e.details, default=str)
            assert "seed" in text and "trials" in text, (claim_id, e.description)
    # the verdict is the one computed from the evidence
    assert (r.verdict, r.reason) == reg.decide(r.evidence)


def test_verify_json_contract(quick_results):
    results, _ = quick_results
    ordered = [results[c.id] for c in CLAIMS]
    data = json.loads(json.dumps(to_json(ordered, "quick"), default=str))
    assert {"claims", "summary"} <= data.keys()
    assert [c["id"] for c in data["claims"]] == list(CLAIM_TABLE)
    for c in data["claims"]:
        assert CLAIM_KEYS <= c.keys()
        assert c["verdict"] in VERDICTS and isinstance(c["seconds"], (int, float))
        for e in c["evidence"]:
            assert EVIDENCE_KEYS <= e.keys()
    s = data["summary"]
    assert all(s[v] == sum(c["verdict"] == v for c in data["claims"]) for v in VERDICTS)
    assert s["total"] == len(CLAIM_TABLE) == sum(s[v] for v in VERDICTS)


def test_markdown_report_has_every_claim(quick_results):
    results, _ = quick_results
    ordered = [results[c.id] for c in CLAIMS]
    md = to_markdown(ordered, "quick")
    assert md.startswith("# infoscaling")
    for r in ordered:
        assert f"| {r.id} | {r.source} | **{r.verdict}** |" in md
        assert f"## {r.id}: {r.verdict}" in md
        for e in r.evidence:
            assert e.description.strip()[:40] in md
    # table rows stay single-line (titles with '|' are escaped)
    table = [line for line in md.splitlines() if line.startswith("| ") and "**" in line]
    assert len(table) == len(ordered)
    assert md.count("```json") == md.count("</details>")
    text = to_text(ordered)
    assert all(f"{r.id:<4} {r.verdict}" in text for r in ordered)


def test_verify_cli_in_process_and_subprocess(capsys):
    assert main(["verify", "--claims", "A9,R1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [c["id"] for c in data["claims"]] == ["A9", "R1"]
    assert data["claims"][1]["verdict"] == "confirmed"
    proc = subprocess.run([sys.executable, "-m", "infoscaling", "verify", "--claims", "A7", "--format", "markdown"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "## A7: " in proc.stdout and "verify: A7" in proc.stderr


def test_unexpected_refutation_exits_1(monkeypatch, capsys):
    def refuting(profile):
        return [Evidence("numeric", "a planted failing check", False, {"dps": 15})]

    monkeypatch.setitem(reg._REGISTRY, "A9", Claim("A9", "t", "paper", "", refuting))
    assert main(["verify", "--claims", "A9", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["claims"][0]["verdict"] == "refuted" and data["summary"]["unexpected_refuted"] == ["A9"]
    monkeypatch.setitem(reg._REGISTRY, "A9", Claim("A9", "t", "paper", "", refuting, expect_refuted=True))
    assert main(["verify", "--claims", "A9", "--json"]) == 0


def test_crash_becomes_pending_with_reason():
    def crashing(profile):
        raise RuntimeError("boom")

    r = run_claim(Claim("A9", "t", "paper", "", crashing), "quick")
    assert r.verdict == "pending" and "boom" in r.reason
    assert r.evidence[0].description.startswith("evidence computation raised")
