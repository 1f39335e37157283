"""The whole-period Funds view, computed in the background as soon as books are loaded.

On 100k transactions the Funds view takes seconds to compute, and Fava spends seconds of
its own after every load (its account tree, its autocompletion lists). Computed on
request, the first Funds page after an edit waits for both, one after the other. Started
the moment the entries exist (`fundledger serve`'s loader calls `start`), the view (and the
page's note of what is unclassified) is computed beside Fava's own work:

- in a forked child process where the platform has `fork` (Linux): the child shares the
  loaded entries copy-on-write, computes, and sends back the small result, so the two
  jobs run on two cores instead of taking turns under Python's global lock;
- in a thread elsewhere (no parallelism, but the page need not wait for a request).

When the books came from the content-keyed cache, the view is remembered under their key
and today's date (ledger.cache.remember; the page is "as at" today): a restarted server
on unchanged books reads it back at once.

`result(entries)` gives what was computed for exactly that list of entries (Fava keeps
the list it was given), waiting for it if it is under way; None when none was started
or it failed (the page then computes it itself, and shows any error as usual).
"""

from __future__ import annotations

import datetime
import multiprocessing
import os
import signal
import sys
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import NamedTuple

from ledger import cache, unclassified
from reports.fava_ext.page import FundsView, compute
from reports.fava_ext.window import Window

WHOLE = Window(None, None)
KEEP = 4  # views kept: the current books' and a few superseded ones still being served


class Warmed(NamedTuple):
    """What the Funds page shows before any filter: its view, and what imports left
    unclassified, in words ('' if nothing)."""

    view: FundsView
    unclassified: str


def funds_page(entries: list, options: dict, day: datetime.date | None = None) -> Warmed:
    found = unclassified.find(entries)
    return Warmed(compute(entries, options, None, WHOLE, day), found.text() if found else "")


today = datetime.date.today  # (a test may be a day later)


_lock = threading.Lock()
_started: dict[int, tuple[list, Future]] = {}  # id(entries) -> (entries, the view to come)


def start(entries: list, options: dict, key: str | None = None) -> None:
    """Begin computing the whole-period Funds view of these entries (or reading it back,
    when `key`, the books' key in ledger.cache, names books it was computed for)."""
    future: Future = Future()
    with _lock:
        _started[id(entries)] = (entries, future)  # holding entries keeps the id unique
        while len(_started) > KEEP:
            del _started[next(iter(_started))]
    threading.Thread(target=_run, args=(entries, options, key, future), daemon=True,
                     name="funds-view").start()


def result(entries: list, timeout: float = 600) -> Warmed | None:
    """What was started for this very list of entries (waiting for it), else None."""
    with _lock:
        got = _started.get(id(entries))
    if got is None or got[0] is not entries:
        return None
    try:
        return got[1].result(timeout)
    except Exception:  # noqa: BLE001 - the caller computes it again and sees the error
        return None


def _run(entries: list, options: dict, key: str | None, future: Future) -> None:
    day = today()

    def make() -> Warmed:
        return (_in_child(entries, options, day) if _can_fork()
                else funds_page(entries, options, day))

    try:
        future.set_result(cache.remember(key, f"reports.fava_ext.warm.funds_page {day}", make)
                          if key is not None else make())
    except BaseException as e:  # noqa: BLE001 - reported to whoever waits
        future.set_exception(e)


def _can_fork() -> bool:
    return sys.platform.startswith("linux")


_children: set = set()  # the forked children computing a view now


def stop_children() -> None:
    """Kill every child still computing a view (a server that is told to stop does not
    wait for them; whoever waits on the view gets an error and nobody needs it)."""
    for child in list(_children):
        child.kill()


def _in_child(entries: list, options: dict, day: datetime.date) -> Warmed:
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, entries, options, day), daemon=True)
    child.start()
    _children.add(child)
    send.close()
    try:
        ok, value = receive.recv()  # EOFError if the child died before answering
    finally:
        receive.close()
        child.join()
        _children.discard(child)
    if not ok:
        raise RuntimeError(value)
    return value


def _child(send, entries: list, options: dict, day: datetime.date) -> None:
    # The server's handlers turn a stop into KeyboardInterrupt, and a Ctrl-C reaches the
    # whole process group: the child just dies (it was forked beside other threads, so
    # running Python's exit on a stop could wait on a lock one of them held).
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _freeze_for_test()
    try:
        answer = (True, funds_page(entries, options, day))
    except Exception as e:  # noqa: BLE001 - said to the parent, which computes it again
        answer = (False, f"{type(e).__name__}: {e}")
    send.send(answer)
    send.close()


# Tests only: names a directory; see _freeze_for_test.
FREEZE = "FUNDLEDGER_TEST_FREEZE_VIEW_CHILD"


def _freeze_for_test() -> None:
    """When FREEZE names a directory, leave this child's pid there as an empty file, then
    stop (SIGSTOP) as a view that never finishes. tests/test_serve_stop.py stops a server
    while a page waits on such a child: catching the child from outside by polling /proc
    is a race a busy machine loses (it may be forked late, or have finished already)."""
    where = os.environ.get(FREEZE)
    if where:
        (Path(where) / str(os.getpid())).touch()
        os.kill(os.getpid(), signal.SIGSTOP)
