"""Fava on a machine with no file watcher left (fundledger/fava_watching.py).

Linux gives each user a limited number of inotify instances (128 by default), and Fava
takes two per served books. A full test run once used them all: Fava started, but its
watcher threads died with "Too many open files", and an edit to the books would never
have shown. Here this test holds every instance the system will give while a real
`fundledger serve` starts on real books; the server must say it polls instead, show no
traceback, and still show an edit made meanwhile.
"""

from __future__ import annotations

import time
import urllib.request

import pytest

from tests.browser_support import fava_server
from tests.conftest import init_books

MOST = 4096  # more than any default limit: a machine allowing more is not tested here


@pytest.fixture
def no_watchers_left(tmp_path):
    from watchfiles._rust_notify import RustNotify, WatchfilesRustInternalError

    held = []
    try:
        while len(held) < MOST:
            try:
                held.append(RustNotify([str(tmp_path)], False, False, 300, False, True))
            except (WatchfilesRustInternalError, OSError):
                break
        if len(held) >= MOST:
            pytest.skip(f"this system gives more than {MOST} file watchers to one user")
        yield len(held)
    finally:
        for notify in held:
            notify.close()


def _page(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read().decode("utf-8")


def test_serve_polls_where_no_file_watcher_is_left(tmp_path, no_watchers_left):
    books, _env = init_books(tmp_path, "--name", "Watch Test Org", "--start", "2023-01-01")
    with fava_server(str(books)) as server:
        said = "".join(server.output)
        assert "no file watcher left" in said, said
        assert "Traceback" not in said, said
        base = server.funds_url.split("/extension/")[0]
        before = _page(base + "/journal/")
        assert "Typed in another window" not in before
        # The polling watcher takes its first look at the files once its thread runs:
        # an edit before that look is its starting point, not a change (as a treasurer's
        # edit never comes within a second of the server starting).
        time.sleep(2)
        with (books / "main.beancount").open("a", encoding="utf-8") as f:
            f.write('\n2024-02-01 open Assets:Cash\n'
                    '2024-02-01 * "Typed in another window" ""\n  fund: "general"\n'
                    "  Assets:Cash  5.00 GBP\n  Equity:Funds:Opening\n")
        deadline = time.monotonic() + 30
        while "Typed in another window" not in _page(base + "/journal/"):
            assert time.monotonic() < deadline, "Fava never saw the edit"
            time.sleep(0.5)
    assert "Traceback" not in "".join(server.output)
