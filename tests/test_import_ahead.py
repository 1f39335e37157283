"""Reading ahead (importers.arrowcsv.ahead): a file parsed on the second thread gives the
very table, or the very problem, that a file read when asked gives; a file changed, asked
for out of turn, or gone since it was queued is read as it is when asked, never as it was.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from importers import arrowcsv, read
from importers import profile as profile_lib
from importers.errors import Problem
from importers.frame import Frame
from tests.importers_support import FIXTURES

PROFILES = profile_lib.builtin()
PAYPAL = next(p for p in PROFILES if p.name == "paypal")
STRIPE = next(p for p in PROFILES if p.name == "stripe")
AHEAD = arrowcsv._AHEAD


@pytest.fixture(autouse=True)
def nothing_left_behind():
    yield
    for _, _, f in AHEAD.read.values():
        f.result()
    left = (dict(AHEAD.read), list(AHEAD.waiting))
    AHEAD.read.clear(), AHEAD.waiting.clear()
    assert left == ({}, []), "a file read ahead was never taken"


def _copy(tmp_path: Path, name: str) -> str:
    return str(shutil.copy(FIXTURES / name, tmp_path / name))


def _parsed_ahead() -> list[str]:
    """The files whose parse is waiting to be taken (once it has finished)."""
    for _, _, f in AHEAD.read.values():
        f.result()
    return list(AHEAD.read)


def _outcome(path, signature):
    try:
        return read.load(path, signature)
    except Problem as e:
        return str(e)


def _same(a, b) -> None:
    if isinstance(b, Frame):
        assert (a.columns, a.records(), a.skipped) == (b.columns, b.records(), b.skipped)
    else:
        assert a == b


@pytest.mark.parametrize("path", sorted(FIXTURES.rglob("*.csv")), ids=lambda p: p.name)
def test_read_ahead_or_when_asked_a_file_reads_the_same(path):
    for prof in PROFILES:
        asked = _outcome(path, prof.signature)
        arrowcsv.ahead([str(path)])
        _same(_outcome(path, prof.signature), asked)


def test_a_file_read_ahead_is_taken_not_parsed_again(tmp_path, monkeypatch):
    path = _copy(tmp_path, "paypal_uk.csv")
    arrowcsv.ahead([path])
    assert _parsed_ahead() == [path]
    monkeypatch.setattr(arrowcsv, "_parse", lambda *a: pytest.fail("parsed twice"))
    assert len(read.load(path, PAYPAL.signature)) > 0
    assert _parsed_ahead() == []


def test_the_next_file_is_read_when_one_is_taken(tmp_path):
    first, second = _copy(tmp_path, "paypal_uk.csv"), _copy(tmp_path, "stripe.csv")
    arrowcsv.ahead([first, second])
    assert _parsed_ahead() == [first]  # one at a time: memory for one more file only
    read.load(first, PAYPAL.signature)
    assert _parsed_ahead() == [second]
    read.load(second, STRIPE.signature)


@pytest.mark.parametrize("change", ["cut", "same size"])
def test_a_file_changed_after_it_was_read_ahead_is_read_again(tmp_path, change):
    path = _copy(tmp_path, "paypal_uk.csv")
    before = read.load(path, PAYPAL.signature)
    arrowcsv.ahead([path])
    assert _parsed_ahead() == [path]
    data = Path(path).read_bytes()
    if change == "cut":  # the header and one row left
        Path(path).write_bytes(b"".join(data.splitlines(True)[:2]))
    else:  # one cell changed in place: as many lines, as many bytes
        Path(path).write_bytes(data.replace(b"Donation Payment", b"Donation Paymenu", 1))
    got = read.load(path, PAYPAL.signature)
    assert got.records() != before.records()
    assert read.load(path, PAYPAL.signature).records() == got.records()


def test_a_file_asked_for_out_of_turn_is_not_read_again_ahead(tmp_path):
    first, second = _copy(tmp_path, "paypal_uk.csv"), _copy(tmp_path, "stripe.csv")
    arrowcsv.ahead([first, second])
    read.load(second, STRIPE.signature)
    read.load(first, PAYPAL.signature)
    assert _parsed_ahead() == [] and AHEAD.waiting == []


def test_one_file_at_a_time_is_read_ahead_whatever_is_asked_for(tmp_path):
    a, b, c = (_copy(tmp_path, n) for n in ("paypal_uk.csv", "stripe.csv", "paypal_us.csv"))
    arrowcsv.ahead([a, b])
    assert _parsed_ahead() == [a]
    read.load(c, PAYPAL.signature)  # never queued
    assert _parsed_ahead() == [a]  # b waits until a is taken
    read.load(a, PAYPAL.signature)
    assert _parsed_ahead() == [b]
    read.load(b, STRIPE.signature)


def test_asking_twice_reads_once(tmp_path):
    path = _copy(tmp_path, "paypal_uk.csv")
    arrowcsv.ahead([path, path])
    arrowcsv.ahead([path])
    assert _parsed_ahead() == [path] and AHEAD.waiting == []
    read.load(path, PAYPAL.signature)


def test_a_file_gone_since_it_was_queued_is_reported_when_asked(tmp_path):
    path = _copy(tmp_path, "paypal_uk.csv")
    arrowcsv.ahead([path])
    _parsed_ahead()
    os.remove(path)
    with pytest.raises(Problem, match="cannot be read"):
        read.load(path, PAYPAL.signature)


def test_an_import_cut_short_leaves_nothing_read_ahead(tmp_path):
    from importers import run
    from importers.pseudonym import Pseudonymiser
    from tests.importers_support import write_books

    main = write_books(tmp_path / "books")
    bad = tmp_path / "bad.csv"
    bad.write_bytes((FIXTURES / "paypal_uk.csv").read_bytes().replace(b"GBP", b"G8P", 1))
    later = _copy(tmp_path, "stripe.csv")
    files = [str(bad), later]
    with pytest.raises(Problem, match="currency"), arrowcsv.reading_ahead(files):
        run.run(main, files, dry_run=True, pseudo=Pseudonymiser(b"k"))
    assert _parsed_ahead() == [] and AHEAD.waiting == []


def test_the_import_command_starts_reading_before_it_loads_beancount(tmp_path):
    """`fundledger import` queues its files as soon as Arrow is imported: what click loads
    to parse the command line (the options, the books' path) must not pull in beancount
    or the books code first, or the file's reading starts a tenth of a second later."""
    import subprocess
    import sys

    from fundledger import demo_books

    probe = (
        "import sys\n"
        "from importers import arrowcsv\n"
        "def ahead(paths):\n"
        "    print(sorted(m for m in ('beancount', 'ledger.books', 'ledger.cache')"
        " if m in sys.modules))\n"
        "    raise SystemExit(0)\n"
        "arrowcsv.ahead = ahead\n"
        "from fundledger import cli\n"
        f"sys.argv = ['fundledger', 'import', {str(FIXTURES / 'paypal_uk.csv')!r}, "
        f"'--books', {str(demo_books.MAIN)!r}, '--dry-run']\n"
        "cli.main()\n")
    got = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=False, cwd=Path(__file__).parents[1])
    assert got.returncode == 0, got.stderr
    assert got.stdout.strip() == "[]"


def _threads_after(code: str) -> int:
    """How many threads a fresh Python process has after running code (OpenBLAS's own
    setting taken out of the environment, as on a treasurer's machine)."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "GOTO_NUM_THREADS")}
    got = subprocess.run([sys.executable, "-c", code + "\nimport os\n"
                          "print(len(os.listdir('/proc/self/task')))"],
                         capture_output=True, text=True, check=True, env=env,
                         cwd=Path(__file__).parents[1])
    return int(got.stdout.split()[-1])


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts Linux's threads")
def test_numpy_starts_no_idle_threads_in_a_fundledger_process():
    """numpy's OpenBLAS starts a thread per CPU that spins waiting for matrix work no
    command gives it (5% of a large import's CPU, taken from the second core its reading
    and books check use): a fundledger process asks for one; anyone may still ask for more."""
    cpus = len(os.sched_getaffinity(0))  # what OpenBLAS counts
    assert _threads_after("import fundledger, numpy") == 1
    assert _threads_after("import os\nos.environ['OPENBLAS_NUM_THREADS'] = '2'\n"
                          "import fundledger, numpy") == (2 if cpus > 1 else 1)
    if cpus > 1:  # what it guards against: numpy alone starts its threads
        assert _threads_after("import numpy") > 1
