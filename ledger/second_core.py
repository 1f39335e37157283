"""The books check on the machine's second core while the import's text is made.

A large import's last two steps are the books check (ledger.books.check_changed, Python:
it holds the interpreter) and making the text it appends (the dry run's, or the `.new`
files a real import commits); one after the other they are a fifth of the command, while
the second core has been idle since the file was read. `check_while` runs the check in a
forked child, which has every entry already loaded (copy-on-write, nothing sent), while
this process makes the text; the child sends back its error lines through a pipe.

The text only ever goes to a staging place (a temporary file, the `.new` files): the
caller commits it after the check passed and drops it otherwise, so the check guards
exactly what it guarded when it ran first. A child that dies, or a pipe that breaks,
means the check is done again here; Ctrl-C stops the child too. Only a process doing
nothing else forks (the CLI's `import`, never Fava's threaded server), only with a second
CPU idle, and only for an import large enough to pay the fork (ten milliseconds at
300 MB: the page tables are copied). The child's memory counts: every page either
process writes after the fork is copied, so the two hold more together than one did
(bench/README.md, "The check on a second core").
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import select
import signal
import sys
import time
from collections.abc import Callable

MIN_ENTRIES = 20_000  # below this the check and the text take tens of milliseconds
STALLED = 5.0  # seconds of a child using no CPU at all: it is stuck, not checking
PR_SET_PDEATHSIG = 1


def worth_it(changes) -> bool:
    """Whether checking these changes on a second core pays: an import large enough
    (its entries as columns: ledger.quick_columns.Changes), and a second CPU idle.
    FUNDLEDGER_SECOND_CORE=off never forks; =on forks for a large import whatever the
    load (what bench/import_bench.py's memory run measures: the most the two hold)."""
    asked = os.environ.get("FUNDLEDGER_SECOND_CORE", "").lower()
    if asked == "off":
        return False
    columns = getattr(changes, "columns", None)
    entries = 0 if columns is None else len(columns.group)
    return entries >= MIN_ENTRIES and (asked == "on" or _idle_core())


def cores() -> int:
    """The CPUs this process may run on (all of them where the system cannot say)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def _idle_core() -> bool:
    """A second CPU this process may run on, and idle: nothing else runnable now (the
    kernel's count of running tasks, this one included, below the CPUs). With every
    core taken the child only adds its copied pages and shares the same CPU time:
    another engineer's job on the second core made the realistic dry run slower, 1.65 s
    against 1.43 s at best of five (bench/README.md, "The check on a second core"). Not
    the load average: it lags by a minute, so an import run just after another (or
    after anything busy) was refused the idle core it had."""
    cpus = cores()
    if cpus < 2:
        return False
    try:
        with open("/proc/loadavg") as f:
            running = f.read().split()[3].split("/")[0]
        return int(running) < cpus
    except (OSError, ValueError, IndexError):
        return False


def check_while(check: Callable[[], list[str]], make: Callable[[], object],
                drop: Callable[[], object], aside: bool) -> list[str]:
    """check()'s error lines, with make() run meanwhile in this process (`aside`: the
    check in a forked child) or after a clean check (not aside: make() is then not run
    for a refused change). What make() staged is dropped (drop()) when errors come back
    or anything is raised (Ctrl-C), so only a clean check leaves it for the caller."""
    try:
        if not aside:
            errors = check()
            if not errors:
                make()
        else:
            child = _Child(check)
            try:
                make()
                errors = child.errors()
            finally:
                child.stop()
    except BaseException:
        drop()
        raise
    if errors:
        drop()
    return errors


class _Child:
    """check() running in a forked child, its result read back once."""

    def __init__(self, check: Callable[[], list[str]]):
        self.check, self.pid = check, None
        for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
            with contextlib.suppress(Exception):
                stream.flush()
        _trim()
        read, write = os.pipe()
        try:
            self.pid = os.fork()
        except OSError:  # no process to be had: the check is done here
            os.close(read)
            os.close(write)
            return
        if self.pid == 0:
            os.close(read)
            _run_child(check, write)  # never returns
        os.close(write)
        self.pipe = read

    def errors(self) -> list[str]:
        """The child's error lines; the check run here if the child gave none."""
        if self.pid is None:
            return self.check()
        got = _read_all(self.pipe, self.pid)
        if got:  # the child closed the pipe having written: it is exiting
            os.waitpid(self.pid, 0)
            os.close(self.pipe)
            self.pid = None
        self.stop()
        try:
            errors = pickle.loads(got) if got else None
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError):  # torn: it died
            errors = None
        if not isinstance(errors, list):
            return self.check()
        return errors

    def stop(self) -> None:
        """End the child (Ctrl-C, an error making the text) and reap it: asked to stop
        first, so its own cleanup (a staging folder of a full check) runs; killed after a
        second."""
        if self.pid is None:
            return
        pid, self.pid = self.pid, None
        os.close(self.pipe)
        with contextlib.suppress(ProcessLookupError):
            if os.waitpid(pid, os.WNOHANG)[0] == 0:
                os.kill(pid, signal.SIGINT)
                deadline = time.monotonic() + 1.0
                while time.monotonic() < deadline:
                    if os.waitpid(pid, os.WNOHANG)[0]:
                        return
                    time.sleep(0.01)
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)


def _trim() -> None:
    """Give the C heap's free pages back before forking. Pages the two processes share are
    copied as soon as either writes to them, so the child's allocations landing in the
    heap the plan freed would each copy a page the parent still holds: on 300,000
    different donors the two together peaked at 500 MB (summed PSS) with them, 437 MB
    without; the trim takes 5 ms."""
    with contextlib.suppress(Exception):  # not glibc: nothing to give back this way
        ctypes.CDLL(None).malloc_trim(0)


def _run_child(check: Callable[[], list[str]], write: int) -> None:
    """The child's whole life: check, send the error lines, exit without running any of
    the parent's cleanup (atexit, finally blocks up the stack, buffered output)."""
    code = 1
    try:  # whatever check() raises (Ctrl-C), the child ends here, exit status 1
        with contextlib.suppress(Exception):  # gone with its parent, whatever kills that
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        message = pickle.dumps(list(check()))
        with os.fdopen(write, "wb") as out:
            out.write(message)
        code = 0
    finally:
        os._exit(code)


def _read_all(fd: int, pid: int) -> bytes:
    """Everything the child writes until it closes the pipe; b"" if it stalls (no CPU
    used for STALLED seconds) or dies first."""
    parts, last, still_since = [], _cpu(pid), time.monotonic()
    while True:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            part = os.read(fd, 1 << 20)
            if not part:
                return b"".join(parts)
            parts.append(part)
            continue
        now = _cpu(pid)
        if now is None:  # exited: what it wrote just before is still to be read
            while part := os.read(fd, 1 << 20):
                parts.append(part)
            return b"".join(parts)
        if now != last:
            last, still_since = now, time.monotonic()
        elif time.monotonic() - still_since > STALLED:
            return b""


def _cpu(pid: int) -> int | None:
    """The child's CPU ticks so far; None once it has exited."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    if fields[0] == "Z":
        return None
    return int(fields[11]) + int(fields[12])
