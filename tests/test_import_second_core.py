"""The books check in a forked child while the import's text is made (ledger.second_core).

The same books and the same dry-run text as the check done first in process; a refused
import refused with the same lines and nothing staged left; a child that dies leaves the
check to the parent; Ctrl-C (to the terminal's process group, or to the import alone)
stops the import and its child and leaves the books byte for byte as they were.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from importers import run, written
from importers.pseudonym import Pseudonymiser
from ledger import books, second_core
from tests.importers_support import snapshot as files_of
from tests.importers_support import write_books
from tests.test_import_slices import HEADER, KEY, row

ROOT = Path(__file__).resolve().parent.parent
ROWS = 6000  # three days of 2,000 different gifts, each day's balance asserted
WRONG = 3999  # the second day's last row: its Balance a pound out


def download(path: Path, off_by: int = 0) -> Path:
    """A PayPal download of ROWS different donations, its Balance column the running sum
    of Net (row WRONG off_by pence out)."""
    out, pence = [], 0
    for i in range(ROWS):
        gross, fee = 1000 + i, 20 + i % 50
        pence += gross - fee
        held = pence + (off_by if i == WRONG else 0)
        r = row(i, f"Donor {i}", f"donor{i}@example.org", f"{gross // 100}.{gross % 100:02d}",
                f"-0.{fee:02d}", f"{(gross - fee) // 100}.{(gross - fee) % 100:02d}",
                f"{i:08d}TX{i * 7919 % 100000:06d}")
        r[-2] = f"{held // 100}.{held % 100:02d}"
        out.append(r)
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, quoting=csv.QUOTE_ALL).writerows([HEADER, *out])
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("second-core")
    return {"good": download(folder / "paypal.csv"),
            "wrong": download(folder / "wrong.csv", off_by=100)}


def snapshot(folder: Path) -> tuple:
    """The books' files, byte for byte, and every folder (an empty one made to stage a
    new file in is a change too)."""
    return files_of(folder), sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def checked_by(monkeypatch, tmp_path: Path, child_exits: int | None = None) -> Path:
    """Force the second core whatever the machine's load, and record which process ran
    the check (or make the child die before checking, with exit status child_exits)."""
    marks, parent, real = tmp_path / "checked-by", os.getpid(), books.check_changed

    def check(main, changes):
        if child_exits is not None and os.getpid() != parent:
            os._exit(child_exits)
        with open(marks, "a") as f:
            f.write(f"{os.getpid()}\n")
        return real(main, changes)

    monkeypatch.setattr(second_core, "worth_it", lambda _changes: True)
    monkeypatch.setattr(books, "check_changed", check)
    return marks


def checkers(marks: Path) -> list[int]:
    return [int(x) for x in marks.read_text().split()] if marks.exists() else []


def test_a_dry_run_checked_in_a_child_stages_the_same_text(tmp_path, files, monkeypatch):
    main = write_books(tmp_path / "alone")
    alone = run.run(main, [str(files["good"])], dry_run=True, pseudo=Pseudonymiser(KEY))
    expected = io.BytesIO()
    written.dry_run(alone, expected)
    assert alone.staged is None

    marks = checked_by(monkeypatch, tmp_path)
    main = write_books(tmp_path / "aside")
    aside = run.run(main, [str(files["good"])], dry_run=True, pseudo=Pseudonymiser(KEY),
                    second_core=True)
    assert checkers(marks) and os.getpid() not in checkers(marks)  # the child checked
    aside.staged.seek(0)
    got = aside.staged.read()
    assert got == expected.getvalue()
    assert got.count(b"import-id: ") == alone.added  # every entry, once


def test_a_refused_import_is_refused_alike_and_writes_nothing(tmp_path, files, monkeypatch):
    main = write_books(tmp_path / "alone")
    with pytest.raises(books.BooksError) as alone:
        run.run(main, [str(files["wrong"])], dry_run=True, pseudo=Pseudonymiser(KEY))
    assert str(alone.value).startswith(f"{files['wrong']}:{WRONG + 2}: Balance failed")

    marks = checked_by(monkeypatch, tmp_path)
    for dry_run in (True, False):
        main = write_books(tmp_path / f"aside-{dry_run}")
        before = snapshot(main.parent)
        with pytest.raises(books.BooksError) as aside:
            run.run(main, [str(files["wrong"])], dry_run=dry_run,
                    pseudo=Pseudonymiser(KEY), second_core=True)
        assert aside.value.lines == alone.value.lines
        assert snapshot(main.parent) == before  # no `.new` file left either
        assert not list(main.parent.rglob("*" + books.NEW_SUFFIX))
    assert os.getpid() not in checkers(marks)


def test_a_real_import_checked_in_a_child_writes_the_same_books(tmp_path, files,
                                                                 monkeypatch):
    main = write_books(tmp_path / "alone")
    run.run(main, [str(files["good"])], pseudo=Pseudonymiser(KEY))
    marks = checked_by(monkeypatch, tmp_path)
    aside = write_books(tmp_path / "aside")
    run.run(aside, [str(files["good"])], pseudo=Pseudonymiser(KEY), second_core=True)
    assert checkers(marks) and os.getpid() not in checkers(marks)
    assert snapshot(aside.parent) == snapshot(main.parent)
    assert not list(aside.parent.rglob("*" + books.NEW_SUFFIX))
    again = run.run(aside, [str(files["good"])], pseudo=Pseudonymiser(KEY), second_core=True)
    assert again.added == 0 and snapshot(aside.parent) == snapshot(main.parent)


@pytest.mark.parametrize("name", ["good", "wrong"])
def test_a_child_that_dies_leaves_the_check_to_this_process(tmp_path, files, monkeypatch,
                                                            name):
    main = write_books(tmp_path / "alone")
    try:
        run.run(main, [str(files[name])], pseudo=Pseudonymiser(KEY))
        refused = None
    except books.BooksError as e:
        refused = e.lines
    marks = checked_by(monkeypatch, tmp_path, child_exits=3)
    aside = write_books(tmp_path / "aside")
    try:
        run.run(aside, [str(files[name])], pseudo=Pseudonymiser(KEY), second_core=True)
        got = None
    except books.BooksError as e:
        got = e.lines
    assert got == refused and (refused is None) == (name == "good")
    assert checkers(marks) == [os.getpid()]  # the child died; this process checked
    assert snapshot(aside.parent) == snapshot(main.parent)


def test_a_child_stuck_without_cpu_is_stopped_and_the_check_done_here(tmp_path, files,
                                                                      monkeypatch):
    """A child that hangs (say, a lock some thread of the parent held at the fork) uses no
    CPU: after STALLED seconds of that it is killed and this process checks."""
    main = write_books(tmp_path / "alone")
    run.run(main, [str(files["good"])], pseudo=Pseudonymiser(KEY))
    marks = checked_by(monkeypatch, tmp_path)
    real, parent = books.check_changed, os.getpid()

    def stuck(main, changes):
        if os.getpid() != parent:
            time.sleep(600)
        return real(main, changes)

    monkeypatch.setattr(books, "check_changed", stuck)
    monkeypatch.setattr(second_core, "STALLED", 0.5)
    aside = write_books(tmp_path / "aside")
    run.run(aside, [str(files["good"])], pseudo=Pseudonymiser(KEY), second_core=True)
    assert checkers(marks) == [os.getpid()]
    assert snapshot(aside.parent) == snapshot(main.parent)


# A real `fundledger import` whose check, in the child, first waits a minute: time enough
# to stop it while the child checks and the parent has staged its `.new` files.
SLOW = textwrap.dedent("""
    import os, sys, time
    from ledger import books, second_core
    second_core.worth_it = lambda changes: True
    parent, real, marks = os.getpid(), books.check_changed, sys.argv[1]
    def check(main, changes):
        if os.getpid() != parent:
            with open(marks, "w") as f:
                f.write(str(os.getpid()))
            time.sleep(60)
        return real(main, changes)
    books.check_changed = check
    sys.argv = ["fundledger", *sys.argv[2:]]
    from fundledger.cli import main
    main()
""")


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("whom", ["group", "import"])
def test_ctrl_c_stops_the_import_and_its_child(tmp_path, files, whom):
    main = write_books(tmp_path / "books")
    before = snapshot(main.parent)
    marks = tmp_path / "child"
    env = dict(os.environ, PYTHONPATH=str(ROOT), BEANCOUNT_DISABLE_LOAD_CACHE="1",
               FUNDLEDGER_DONOR_KEY=str(tmp_path / "donor.key"))
    (tmp_path / "donor.key").write_bytes(b"k" * 32)
    (tmp_path / "donor.key").chmod(0o600)
    proc = subprocess.Popen([sys.executable, "-c", SLOW, str(marks), "import",
                             str(files["good"]), "--books", str(main)],
                            env=env, cwd=ROOT, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120  # not a speed check: a bound on a broken run
        while not (marks.exists() and marks.read_text()
                   and list(main.parent.rglob("*" + books.NEW_SUFFIX))):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the import never reached its check"
            time.sleep(0.05)
        child = int(marks.read_text())
        time.sleep(0.5)  # the `.new` files being written: stop it in the middle
        if whom == "group":  # Ctrl-C in a terminal: the whole foreground group
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode != 0, err
    assert not alive(child)
    assert snapshot(main.parent) == before
    assert not list(main.parent.rglob("*" + books.NEW_SUFFIX))
    shutil.rmtree(main.parent)


@pytest.mark.parametrize(("asked", "idle", "entries", "forks"), [
    ("", True, 20_000, True), ("", False, 20_000, False), ("", True, 19_999, False),
    ("off", True, 20_000, False), ("on", False, 20_000, True), ("on", False, 19_999, False)])
def test_when_the_check_goes_to_a_second_core(monkeypatch, asked, idle, entries, forks):
    """By default a large import with a second CPU idle; FUNDLEDGER_SECOND_CORE=off never,
    =on for a large import whatever the load (the bench's memory run)."""
    from types import SimpleNamespace

    monkeypatch.setenv("FUNDLEDGER_SECOND_CORE", asked)
    monkeypatch.setattr(second_core, "_idle_core", lambda: idle)
    changes = SimpleNamespace(columns=SimpleNamespace(group=range(entries)))
    assert second_core.worth_it(changes) is forks
