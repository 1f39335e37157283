"""A process forked after an import has read ahead can still import.

importers.arrowcsv reads the next file on a worker thread. A forked child (mutmut runs each
mutant so; so does multiprocessing's "fork") has none of its parent's threads: with the
parent's pool it queued work for a thread that was not there and waited for ever.
"""

from __future__ import annotations

import os
import time

from importers import arrowcsv
from tests.importers_support import FIXTURES


def test_a_forked_child_reads_ahead_with_its_own_thread():
    first, second = str(FIXTURES / "stripe.csv"), str(FIXTURES / "enthuse.csv")
    arrowcsv.ahead([first])  # the parent's worker thread starts
    assert arrowcsv.cells(first, 18) is not None
    arrowcsv.forget([first])
    pid = os.fork()
    if pid == 0:  # the child: exit 0 only if the read ahead came back
        try:
            arrowcsv.ahead([second])
            os._exit(0 if arrowcsv.cells(second, 13) is not None else 1)
        finally:
            os._exit(2)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            assert os.waitstatus_to_exitcode(status) == 0
            return
        time.sleep(0.05)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    raise AssertionError("the forked child waited for a thread it does not have")
