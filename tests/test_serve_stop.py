"""`fundledger serve` stops when told, even with pages being computed: the process and
every child it forked end, and the temporary demo copy is removed.

cheroot's own stop waits without limit for a worker busy computing a page, and a page
waits for the Funds view computed in a forked child: a stopped server was held for as
long as that work took (a child that never finishes, here one frozen with SIGSTOP,
held it for good).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser_support import free_port
from tests.conftest import cli_env


def _descendants(pid: int) -> set[int]:
    """Every live process below pid (Linux /proc)."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                kids = (task / "children").read_text().split()
            except OSError:
                continue
            for kid in map(int, kids):
                if kid not in found:
                    found.add(kid)
                    todo.append(kid)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _freeze_first_child(pid: int) -> int:
    """Stop the first child pid forks (polled; gives up after a minute)."""
    for _ in range(30_000):
        kids = _descendants(pid)
        if kids:
            child = min(kids)
            os.kill(child, signal.SIGSTOP)
            return child
        time.sleep(0.001)
    raise AssertionError("the server forked no child for the Funds view")


def _fetch(url: str) -> None:
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            response.read()
    except OSError:
        pass  # the server went away mid-request: that is the point


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_stops_with_pages_being_computed(stop, tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = dict(cli_env(), TMPDIR=str(tmp), PYTHONUNBUFFERED="1",
               FUNDLEDGER_CACHE_DIR=str(tmp_path / "cache"))  # nothing read back: work
    process = subprocess.Popen(
        [sys.executable, "-m", "fundledger", "serve", "--port", str(free_port())],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = []
    frozen = None
    try:
        for line in process.stdout:
            output.append(line)
            if line.startswith("press Ctrl-C"):
                break
        assert output and output[-1].startswith("press Ctrl-C"), "".join(output)
        funds = next(line.split(": ", 1)[1].strip() for line in output
                     if line.startswith("Funds page: "))
        # An edit: the next page reloads the books and forks a child for the Funds view;
        # freeze that child, so the page waits on it for as long as the test runs.
        copy = next(line.split(" in ", 1)[1].split(" (")[0] for line in output
                    if line.startswith("serving a fresh copy"))
        with open(Path(copy) / "main.beancount", "a", encoding="utf-8") as f:
            f.write("\n; edited while serving\n")
        asking = threading.Event()
        asking.set()

        def ask() -> None:  # Fava notices the edit in its own time: ask until it has
            while asking.is_set():
                threading.Thread(target=_fetch, args=(funds,), daemon=True).start()
                time.sleep(0.5)

        threading.Thread(target=ask, daemon=True).start()
        try:
            frozen = _freeze_first_child(process.pid)
        finally:
            asking.clear()
        children = _descendants(process.pid)
        process.send_signal(stop)
        rest, _ = process.communicate(timeout=60)
    finally:  # nothing left behind if the test failed (the frozen child holds stdout)
        for pid in _descendants(process.pid) | ({frozen} - {None}):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert frozen in children
    assert process.returncode == 0, "".join(output) + rest
    assert not [pid for pid in children if _alive(pid)], "a child outlived the server"
    assert list(tmp.iterdir()) == [], "the temporary demo copy was left behind"
