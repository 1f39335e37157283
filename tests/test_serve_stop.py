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
import time
import urllib.request
from pathlib import Path

import pytest

from reports.fava_ext import warm
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


def _state(pid: int) -> str:
    """The process's state letter (T: stopped, Z: ended, unreaped), '' if it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return ""


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def _alive(pid: int) -> bool:
    """Not gone, and not already on its way out: a killed process tears itself down when a
    busy machine gets round to it (SIGKILL pending, then PF_EXITING), and is ended then."""
    if _state(pid) in ("", "Z"):
        return False
    try:
        flags = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[6])
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
    except (OSError, IndexError, ValueError):
        return False
    pending = 0
    for line in status:
        if line.startswith(("SigPnd:", "ShdPnd:")):
            pending |= int(line.split()[1], 16)
    return not (flags & 0x4 or pending & 1 << (signal.SIGKILL - 1))  # PF_EXITING


def _frozen_child(server: subprocess.Popen, notes: Path) -> int | None:
    """The first Funds-view child that stopped itself (warm.FREEZE names `notes`), once it
    is stopped; None if the server ended first. Waits on the child's own word, not a race."""
    while server.poll() is None:
        for note in sorted(notes.iterdir()):
            if _state(int(note.name)) == "T":
                return int(note.name)
        time.sleep(0.01)
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
    notes = tmp_path / "frozen"
    notes.mkdir()
    # The view of the books just loaded is computed in a forked child as the server starts
    # (nothing to read back: the cache is empty); that child notes its pid in `notes` and
    # stops itself, a view that never finishes.
    env = dict(cli_env(), TMPDIR=str(tmp), PYTHONUNBUFFERED="1",
               FUNDLEDGER_CACHE_DIR=str(tmp_path / "cache"),  # nothing read back: work
               **{warm.FREEZE: str(notes)})
    process = subprocess.Popen(
        [sys.executable, "-m", "fundledger", "serve", "--port", str(free_port())],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = []
    rest = ""
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
        frozen = _frozen_child(process, notes)
        assert frozen is not None, "the server forked no child for the Funds view"
        # (a /proc "children" list read while it changes may miss one: ask the child too)
        assert _parent(frozen) == process.pid
        children = _descendants(process.pid) | {frozen}
        process.send_signal(stop)
        rest, _ = process.communicate(timeout=60)
    finally:  # nothing left behind if the test failed (a frozen child holds stdout)
        stopped = {int(n.name) for n in notes.iterdir() if _state(int(n.name)) == "T"}
        for pid in _descendants(process.pid) | stopped:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, "".join(output) + rest
    # Every child that froze (even one forked after `children` was read) ended with it.
    frozen_all = {int(note.name) for note in notes.iterdir()}
    assert not [pid for pid in children | frozen_all if _alive(pid)], \
        "a child outlived the server"
    assert list(tmp.iterdir()) == [], "the temporary demo copy was left behind"


def test_a_stop_the_main_thread_loses_still_ends_the_server(tmp_path):
    """Python runs a signal's handler in whatever the main thread is running; raised in an
    object's __del__ (or a weak reference's callback), the stop's KeyboardInterrupt is
    printed and dropped. A CI run lost a SIGTERM so, in the import machinery's module-lock
    callback, and the server went on serving, deaf to any further stop. The process ends
    anyway, its temporary folder removed, soon after the stop's own time is up."""
    import textwrap

    folder = tmp_path / "fundledger-demo-copy"
    folder.mkdir()
    (folder / "main.beancount").write_text("", encoding="utf-8")
    script = textwrap.dedent(f"""
        from fundledger.commands import serve
        serve.stop_on_signals()
        serve.TEMPORARY.append({str(folder)!r})

        class Busy:
            def __del__(self):  # a stop landing here is printed and dropped
                while True:
                    pass

        print("ready", flush=True)
        while True:
            Busy()
        """)
    process = subprocess.Popen([sys.executable, "-c", script], env=cli_env(),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert process.stdout.readline().strip() == "ready"
        time.sleep(0.3)  # well inside the first __del__, which never returns by itself
        process.send_signal(signal.SIGTERM)
        rest, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert "Exception ignored" in rest and "KeyboardInterrupt: SIGTERM" in rest, rest
    assert process.returncode == 0, rest
    assert rest.rstrip().endswith("stopped")
    assert not folder.exists(), "the temporary folder was left behind"
