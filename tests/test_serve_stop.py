"""`fundledger serve` stops when told, even with pages being computed: the process and
every child it forked end, and the temporary demo copy is removed.

cheroot's own stop waits without limit for a worker busy computing a page, and a page
waits for the Funds view computed in a forked child: a stopped server was held for as
long as that work took (a child that never finishes, here the one computing the view as
the server starts, frozen with SIGSTOP, held it for good).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
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


def _freeze_first_child(pid: int) -> int | None:
    """Stop the first child pid forks (polled, as often as /proc can be read)."""
    for _ in range(200_000):
        kids = _descendants(pid)
        if kids:
            child = min(kids)
            os.kill(child, signal.SIGSTOP)
            return child
        if not _alive(pid):
            return None
    return None


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
    # The view of the books just loaded is computed in a forked child as the server starts
    # (nothing to read back: the cache is empty): freeze that child the moment it exists.
    found: list[int] = []
    freezing = threading.Thread(target=lambda: found.append(_freeze_first_child(process.pid)),
                                daemon=True)
    freezing.start()
    try:
        for line in process.stdout:
            output.append(line)
            if line.startswith("press Ctrl-C"):
                break
        assert output and output[-1].startswith("press Ctrl-C"), "".join(output)
        funds = next(line.split(": ", 1)[1].strip() for line in output
                     if line.startswith("Funds page: "))
        # The page waits on the Funds view the frozen child was computing.
        threading.Thread(target=_fetch, args=(funds,), daemon=True).start()
        freezing.join()
        frozen = found[0] if found else None
        assert frozen is not None, "the server forked no child for the Funds view"
        children = _descendants(process.pid)
        process.send_signal(stop)
        rest, _ = process.communicate(timeout=60)
    finally:  # nothing left behind if the test failed (the frozen child holds stdout)
        for pid in _descendants(process.pid) | (set(found) - {None}):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert frozen in children
    assert process.returncode == 0, "".join(output) + rest
    assert not [pid for pid in children if _alive(pid)], "a child outlived the server"
    assert list(tmp.iterdir()) == [], "the temporary demo copy was left behind"
