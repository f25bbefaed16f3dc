"""Test-only claims that fail in the two ways ``verify`` must report (never imported by the package).

Loaded by the tests in-process (``import broken_claims``) or in a subprocess through the
environment variable ``INFOSCALING_EXTRA_CLAIMS=broken_claims`` (with this folder on
``PYTHONPATH``).  ``X-SLEEP`` sleeps far past any budget the tests give; ``X-ERROR`` raises;
``X-DIE`` kills its own process (run it only in worker processes); ``X-OK`` is confirmed (a
control) and ``X-SLOW`` is confirmed after a second (registered first, it finishes after X-OK when
both run at once); ``X-SWALLOW`` swallows exceptions in a 20 s loop; ``X-POOL`` starts a process pool.
"""

from __future__ import annotations

import os
import time

from infoscaling.numeric.claims import Evidence, register

#: How long X-SLEEP sleeps (seconds): far beyond the budgets the tests give (1.5-2 s), short enough
#: that a runner ignoring the budget is caught by the tests' wall-time bounds rather than hanging.
SLEEP_SECONDS = 20.0


# first in registration order, so that it is reported before X-OK although it finishes after it
@register("X-SLOW", "", title="A test-only claim that holds after a second.", source="test")
def slow(profile):
    time.sleep(1.0)
    return [Evidence("numeric", "slept one second", True, {"dps": 15})]


@register("X-OK", "1 = 1", title="A test-only claim that holds.", source="test")
def ok(profile):
    return [Evidence("numeric", "one equals one", True, {"dps": 15})]


@register("X-ERROR", "", title="A test-only claim whose evidence raises.", source="test")
def error(profile):
    raise RuntimeError("planted failure inside the evidence")


@register("X-SLEEP", "", title="A test-only claim that never finishes within its budget.", source="test")
def sleep(profile):
    time.sleep(SLEEP_SECONDS)
    return [Evidence("numeric", "woke up", True)]


@register("X-DIE", "", title="A test-only claim whose process dies (as on a segmentation fault).", source="test")
def die(profile):
    os._exit(3)


@register("X-POOL", "", title="A test-only claim that runs its own worker processes.", source="test")
def pool(profile):
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as ex:
        squares = list(ex.map(abs, [-1, -2, -3]))
    return [Evidence("numeric", "abs in two worker processes", squares == [1, 2, 3], {"dps": 15})]


@register("X-SWALLOW", "", title="A test-only claim whose evidence swallows exceptions in a long loop.",
          source="test")
def swallow(profile):
    for _ in range(40):  # 20 s in all, unless an interrupt that is not an Exception stops it
        try:
            time.sleep(0.5)
        except Exception:  # careless evidence code: must not be able to swallow the budget's interrupt
            pass
    return [Evidence("numeric", "finished the loop", True)]


@register("X-HANG-CHILD", "", title="A test-only claim whose own subprocess outlives the budget.", source="test")
def hang_child(profile):
    import subprocess
    import sys

    path = os.environ["INFOSCALING_TEST_PIDFILE"]
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    with open(path, "w") as fh:
        fh.write(str(child.pid))
    child.wait()
    return [Evidence("numeric", "the child ended", True)]
