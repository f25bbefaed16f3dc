"""Hypothesis drives ``infoscaling.numeric.cli.main(argv)`` for every command with random and adversarial arguments.

For every call: the exit status is 0, 1 or 2 (never 3, an internal error); on 1 or 2 at most one
line of stderr is an ``infoscaling:`` message (progress and notes of the command may precede it);
no traceback; and the call returns within :data:`CALL_SECONDS`.

Each command has an argument template whose slots draw either a small valid value (expensive
commands get tiny sizes) or an adversarial one: NaN, infinities, ``1e999``, huge integers, numbers
at and beyond the documented limits, odd Unicode (full-width digits, Arabic-Indic digits, the minus
sign, zero-width spaces, lone surrogates), empty strings, device and read-only paths.  The default
tier runs a few derandomised examples per command; ``-m deep`` (``test_cli_fuzz_deep``) runs many
random ones and adds values at the limits, which may take longer.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from infoscaling.numeric import cli

#: Wall-time bound of one call (seconds): default tier (tiny valid sizes finish in a few) / deep
#: tier (values at the documented limits must still finish in bounded time).
CALL_SECONDS, DEEP_CALL_SECONDS = 60.0, 600.0
#: Examples per command in the default tier / the deep one (``FUZZ_DEEP_EXAMPLES`` overrides the latter).
DEFAULT_EXAMPLES, DEEP_EXAMPLES = 6, int(os.environ.get("FUZZ_DEEP_EXAMPLES", "150"))

ADVERSARIAL_NUMBERS = [
    "", " ", "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1e999", "-1e999", "0", "-0", "-1", "0.0",
    "1e-320", "5e-324", "1.7976931348623157e308", "1e308", "9" * 40, "9" * 5000, "-" + "9" * 30, "0x10",
    "1_000", "1e", "e5", ".", "--", "-", "+", "1/0", "2**64", "1,5", "1.5.5", "１２", "٣", "−1", "\u200b1",
    "1\u00a0", "∞", "\ud800", "\x00", "0.5\x00", "10**30", "1e12", "1e15", "4294967297", "18446744073709551617",
]
ODD_TEXT = ["", " ", ":", "/", "//", "regular:", "regular:3/", "/regular:6", "poly:", "poly:1,2,3,", "poisson:",
            "poisson:nan", "poisson:1e999", "binomial:1e12,0.5/binomial:1e12,0.5", "regular:0/regular:0",
            "regular:1/regular:1", "regular:-3/regular:6", "regular:3/regular:6/regular:9", "concept-text:",
            "concept-text:dt=6", "concept-text:dt=nan,kappa=5,eps=0.5", "concept-text:dt=6,kappa=5,eps=0.5,R=1e999",
            "concept-text:dt=1e308,kappa=5,eps=0.5", "projection:", "projection:poisson:2", "powerlaw:1",
            "powerlaw:2.5,1,1e999", "geometric:1", "geometric:-0.5", "REGULAR:3/REGULAR:6", "ｒｅｇｕｌａｒ:3/regular:6",
            "regular:3\u200b/regular:6", "regular:٣/regular:٦", "\ud800", "\x00", "é" * 300, "x" * 10000]
PATHS = ["", " ", "/", "/dev/full", "/dev/null", "/proc/infoscaling-fuzz", "/nonexistent/dir/out.json",
         "{tmp}", "{tmp}/", "{tmp}/out.json", "{tmp}/a\x00b", "{tmp}/" + "x" * 300, "-", "\ud800"]

#: Valid values per slot (tiny sizes for the expensive commands); the deep profile adds the "at limit" ones.
VALID = {
    "ensemble": ["regular:3/regular:6", "poisson:27/poisson:12", "poly:0,1/2,1/2/regular:6",
                 "binomial:60,0.05/binomial:20,0.05", "concept-text:dt=6,kappa=5,eps=0.5", "regular:3/poisson:6"],
    "law": ["poisson:2", "poisson:0.5", "geometric:0.5", "regular:3", "powerlaw:2.5", "poly:0.2,0.3,0.5",
            "binomial:10,0.3", "projection:poisson:2/poisson:1"],
    "dps": ["10", "15", "20"],
    "kind": ["bp", "map"],
    "eps": ["0.3", "0.5", "0.42"],
    "dt": ["6", "3", "2.5"],
    "compute": ["1e4", "1e6"],
    "points": ["1", "2"],
    "n": ["60", "200"],
    "trials": ["1", "3"],
    "seed": ["0", "1", "12345"],
    "workers": ["1"],
    "confidence": ["0.9", "0.99"],
    "claims": ["A9", "Z9", "A9,,", ","],
    "budget": ["5", "0.5"],
    "claim_id": ["A1", "A3", "Q7"],
    "figure": ["de_curves"],
    "rtol": ["1e-6", "1e-3"],
    "L": ["4", "8"],
    "w": ["1", "2"],
    "chunk": ["1", "2"],
    "check": ["regular:6", "poisson:12", "regular:3/regular:6"],
    "vmax": ["4", "8"],
    "design_kind": ["lp", "heavy-tail"],
    "path": ["{tmp}/out.json"],
    "store": ["{tmp}/store.sqlite"],
    "file": ["{tmp}/in.csv"],
}
AT_LIMITS = {  # legal but at the documented limits: may take a while (deep profile only)
    "dps": ["1000", "100"], "n": ["1000000"], "trials": ["1000"], "points": ["100000"], "compute": ["1e60", "1e2"],
    "ensemble": ["regular:300/regular:600", "concept-text:dt=6,kappa=5,eps=0.5,R=1e7"], "L": ["1000"], "w": ["50"],
    "vmax": ["100", "1000"],
}

#: Argument templates: literals, or ``<slot>`` drawn from VALID / adversarial values.  A trailing
#: ``?`` makes the option optional (present or not).
TEMPLATES = {
    "threshold": ["threshold", "<ensemble>", "--kind?", "<kind>", "--dps?", "<dps>", "--json"],
    "scaling-params": ["scaling-params", "<ensemble>", "--dps?", "<dps>", "--json"],
    "giant": ["giant", "<law>", "--dps?", "<dps>", "--json"],
    "optimum": ["optimum", "--dt", "<dt>", "--eps", "<eps>", "--compute", "<compute>", "--dps?", "<dps>", "--json"],
    "optimum-asymptotic": ["optimum", "--dt", "<dt>", "--eps", "<eps>", "--asymptotic", "--dps?", "<dps>"],
    "sweep": ["sweep", "--dt", "<dt>", "--eps", "<eps>", "--from", "<compute>", "--to", "<compute>",
              "--points", "<points>", "--output?", "<path>", "--no-exponent"],
    "simulate-peeling": ["simulate", "peeling", "<ensemble>", "--n", "<n>", "--eps", "<eps>", "--trials", "<trials>",
                         "--seed?", "<seed>", "--workers", "<workers>", "--confidence?", "<confidence>", "--json"],
    "simulate-giant": ["simulate", "giant", "<law>", "--n", "<n>", "--trials", "<trials>", "--seed?", "<seed>",
                       "--workers", "<workers>", "--json"],
    "verify": ["verify", "--claims", "<claims>", "--workers", "<workers>", "--budget?", "<budget>",
               "--output?", "<path>", "--json"],
    "latex": ["latex", "--claim?", "<claim_id>", "--output?", "<path>", "--json"],
    "figures": ["figures", "--quick", "--only", "<figure>", "--output-dir", "<path>", "--seed?", "<seed>", "--json"],
    "crosscheck": ["crosscheck", "<file>", "--rtol?", "<rtol>", "--dps?", "<dps>", "--json"],
    "campaign-status": ["campaign", "status", "--store", "<store>", "--json"],
    "campaign-run": ["campaign", "run", "--store", "<store>", "--ensemble", "<ensemble>", "--n", "<n>", "--eps",
                     "<eps>", "--trials", "<trials>", "--seed", "<seed>", "--chunk?", "<chunk>", "--workers",
                     "<workers>", "--engine", "serial", "--json"],
    "design": ["design", "--check", "<check>", "--eps", "<eps>", "--vmax", "<vmax>", "--kind?", "<design_kind>",
               "--dps?", "<dps>", "--json"],
    "coupled": ["coupled", "<ensemble>", "--L", "<L>", "--w", "<w>", "--dps?", "<dps>", "--json"],
}

CROSSCHECK_FILES = [
    "quantity,spec,value\nthreshold,regular:3/regular:6,0.4294398886\n",
    "quantity,spec,value\ngiant,poisson:2,{x}\n",
    "quantity,spec,value,eps,dt\noptimum_R,concept-text:dt=6,kappa=5,eps=0.5,{x},{x},{x}\n",
    "\ufeffquantity,spec,value\nthreshold,regular:3/regular:6,1e999\n",
    "[{{\"quantity\": \"alpha\", \"spec\": \"{x}\", \"value\": \"{x}\"}}]",
    "",
    "{x}",
]


class CallTimeout(BaseException):
    pass


def _alarm(signum, frame):
    raise CallTimeout()


def _slot(name: str, deep: bool):
    valid = VALID[name] + (AT_LIMITS.get(name, []) if deep else [])
    bad = PATHS if name in ("path", "store", "file") else ADVERSARIAL_NUMBERS
    if name in ("ensemble", "law", "claims", "claim_id", "figure", "check", "design_kind"):
        bad = ODD_TEXT
    numbers = st.one_of(st.integers(-10**30, 10**30).map(str), st.floats(allow_nan=True, allow_infinity=True).map(repr))
    # valid 6 times in 10, so that whole command lines are often valid and reach the computation
    return st.integers(0, 9).flatmap(lambda k: st.sampled_from(valid) if k < 6 else st.sampled_from(bad) if k < 8
                                     else st.text(max_size=12) if k == 8 else numbers)


@st.composite
def argv_for(draw, key: str, deep: bool):
    out = []
    template = TEMPLATES[key]
    skip_value = False
    for i, tok in enumerate(template):
        if skip_value:
            skip_value = False
            continue
        if tok.startswith("<"):
            out.append(draw(_slot(tok[1:-1], deep)))
        elif tok.endswith("?"):
            if draw(st.booleans()):
                out.append(tok[:-1])
            else:
                skip_value = i + 1 < len(template) and template[i + 1].startswith("<")
        else:
            out.append(tok)
    if draw(st.integers(0, 9)) == 0:  # now and then an extra stray token
        out.insert(draw(st.integers(1, len(out))), draw(st.sampled_from(ADVERSARIAL_NUMBERS + ODD_TEXT)))
    return out


@pytest.fixture(autouse=True)
def _work_in_a_temporary_folder(tmp_path, monkeypatch):
    """Fuzzed arguments can name relative output paths (a stray '7725' after --output):
    every call runs in a temporary working folder, never in the repository."""
    monkeypatch.chdir(tmp_path)


def check_call(argv: list[str], seconds: float = CALL_SECONDS) -> None:
    """Run ``main(argv)`` and assert the CLI contract for failures."""
    out, err = io.StringIO(), io.StringIO()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(argv)
    except CallTimeout:
        pytest.fail(f"no answer within {seconds:g} s: argv={argv!r}")
    except SystemExit as exc:  # main must return, never exit
        pytest.fail(f"main raised SystemExit({exc.code}) for argv={argv!r}")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    text = err.getvalue()
    assert code in (0, 1, 2), f"exit {code} for argv={argv!r}: {text[-800:]}"
    assert "Traceback" not in text, f"traceback for argv={argv!r}: {text[-800:]}"
    if code in (1, 2):
        messages = [line for line in text.splitlines() if line.startswith("infoscaling:")]
        assert len(messages) <= 1, f"{len(messages)} error lines for argv={argv!r}: {messages}"
    if code == 2:
        assert messages, f"exit 2 without a message for argv={argv!r}: {text[-400:]}"


def _run_example(key: str, argv: list[str], x: str, tmp_path_factory, deep: bool) -> None:
    tmp = str(tmp_path_factory.mktemp("fuzz"))
    if key == "crosscheck":
        with open(os.path.join(tmp, "in.csv"), "w", encoding="utf-8", errors="surrogatepass") as fh:
            fh.write(x)
    check_call([a.replace("{tmp}", tmp) for a in argv], DEEP_CALL_SECONDS if deep else CALL_SECONDS)


def _fuzz(key: str, deep: bool, tmp_path_factory) -> None:
    @settings(max_examples=DEEP_EXAMPLES if deep else DEFAULT_EXAMPLES, deadline=None, derandomize=not deep,
              database=None, suppress_health_check=list(HealthCheck))
    @given(argv=argv_for(key, deep), x=st.sampled_from(CROSSCHECK_FILES).flatmap(
        lambda t: st.sampled_from(ADVERSARIAL_NUMBERS + ODD_TEXT).map(lambda v: t.replace("{x}", v))))
    def run(argv, x):
        _run_example(key, argv, x, tmp_path_factory, deep)

    run()


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_cli_fuzz(key, tmp_path_factory):
    _fuzz(key, False, tmp_path_factory)


@pytest.mark.deep
@pytest.mark.parametrize("key", list(TEMPLATES))
def test_cli_fuzz_deep(key, tmp_path_factory):
    _fuzz(key, True, tmp_path_factory)


@pytest.mark.parametrize("argv", [
    ["threshold", "regular:3/regular:6", "--dps", "9" * 5000],
    ["giant", "poisson:1e999"],
    ["optimum", "--dt", "6", "--eps", "nan", "--asymptotic"],
    ["simulate", "peeling", "regular:3/regular:6", "--n", "1e999", "--eps", "0.4", "--trials", "1"],
    ["verify", "--claims", "A9", "--output", "/dev/full"],
    ["verify", "--workers", "9" * 100],
    ["latex", "--output", ""],
    ["figures", "--output-dir", "/dev/null"],
    ["coupled", "regular:3/regular:6", "--L", "1.7976931348623157e308", "--w", "1"],  # was exit 3 (OverflowError)
    ["\ud800"],
    [],
    ["--version"],
    ["threshold", "--help"],
])
def test_pinned_adversarial_calls(argv):
    check_call(argv)


def test_harness_catches_internal_errors(monkeypatch):
    """The fuzz assertions fail on an exit-3 bug (so the fuzz test can fail)."""
    import infoscaling.numeric.commands.giant as giant

    def bug(args):
        raise ZeroDivisionError("planted")

    monkeypatch.setattr(giant, "run", bug)
    with pytest.raises(AssertionError, match="exit 3"):
        check_call(["giant", "poisson:2"])
