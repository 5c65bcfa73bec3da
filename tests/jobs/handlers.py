"""Job kinds for the tests: one that fails the first time, one slow enough to be killed."""
import time

from jobs.services import handler

ATTEMPTS = {"count": 0}
# How long the slow job takes in this process (a killed worker's copy keeps its own).
SLOW = {"seconds": 60}


@handler("test_fails_once")
def fails_once(params, progress):
    """Fail on the first run, succeed on the next."""
    ATTEMPTS["count"] += 1
    if ATTEMPTS["count"] == 1:
        raise RuntimeError("the first run breaks")
    return "ok.txt", "text/plain", b"done"


@handler("test_slow")
def slow(params, progress):
    """Report progress, then take a long time (the test kills the process meanwhile)."""
    for step in range(1, 4):
        progress.last = 0  # report every step
        progress(step, 100)
    time.sleep(SLOW["seconds"])
    return "slow.txt", "text/plain", b"slow"
