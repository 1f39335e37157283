"""A writer killed at any moment leaves the books old or new, never half-written.

tests/crash_writer.py appends thousands of donations through ledger.books (three files
change: a new import file, journal.beancount and main.beancount's includes). It is killed
with SIGKILL, a real signal to a real process:

- at every write step in turn (before, halfway through and after each file write, around
  each rename and fsync), so every window of the commit protocol is hit;
- at random moments across a whole run.

After each kill the books are loaded (which finishes a journaled change) and must be
byte-identical to the books before or after the change, and load clean.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ledger import books

HELPER = Path(__file__).resolve().parent / "crash_writer.py"
COUNT = 3000  # donations per change: big enough that a random kill can land mid-write
RANDOM_RUNS = 30


def book_files(folder: Path) -> dict[str, str]:
    """sha256 of every file of the books; the lock file and an abandoned writer's
    leftovers (cleaned by the next writer) are not part of them."""
    out = {}
    for p in sorted(folder.rglob("*")):
        name = p.name
        if not p.is_file() or name == books.LOCK or name.endswith(books.NEW_SUFFIX) \
                or name == books.JOURNAL + ".tmp":
            continue
        out[str(p.relative_to(folder))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def writer(main: Path, tag: str, tmp: Path, kill_at: int | None = None) -> subprocess.Popen:
    env = dict(os.environ, TMPDIR=str(tmp), FUNDLEDGER_NO_CACHE="1",
               BEANCOUNT_DISABLE_LOAD_CACHE="1")
    args = [sys.executable, str(HELPER), str(main), tag, str(COUNT)]
    if kill_at is not None:
        args += ["--kill-at", str(kill_at)]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """Pristine demo books, the same books after one full run of the writer, and the
    number of write steps a full run passes."""
    base = tmp_path_factory.mktemp("crash-ref")
    from conftest import run_cli

    made = run_cli("demo", base / "pristine")
    assert made.returncode == 0, made.stderr
    pristine = base / "pristine"
    shutil.rmtree(pristine / "exports", ignore_errors=True)  # only the books matter here
    done = base / "done"
    shutil.copytree(pristine, done)
    (base / "tmp").mkdir()
    started = time.monotonic()
    proc = writer(done / "main.beancount", "crash", base / "tmp")
    out, err = proc.communicate(timeout=300)
    duration = time.monotonic() - started
    assert proc.returncode == 0, err
    points = int(out.split("points")[1])
    return {"pristine": pristine, "before": book_files(pristine), "after": book_files(done),
            "points": points, "duration": duration}


def fresh(reference, tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    shutil.copytree(reference["pristine"], folder)
    return folder / "main.beancount"


def check_outcome(reference, main: Path) -> str:
    """Load (recovering), then the books are exactly old or exactly new and clean."""
    folder = main.parent
    _entries, errors, _ = books.load(main, cache=False)
    assert errors == [], [books.format_error(e) for e in errors]
    state = book_files(folder)
    assert not (folder / books.JOURNAL).exists()
    if state == reference["before"]:
        outcome = "before"
    elif state == reference["after"]:
        outcome = "after"
    else:
        changed = sorted(k for k in set(state) | set(reference["before"])
                         if state.get(k) != reference["before"].get(k))
        raise AssertionError(f"books are neither old nor new; changed: {changed}")
    # The next writer (here: recovery under the lock) removes an abandoned change's files.
    with books.locked(folder):
        books.recover(folder)
    assert not list(folder.rglob("*" + books.NEW_SUFFIX))
    assert not (folder / (books.JOURNAL + ".tmp")).exists()
    return outcome


def test_change_is_three_files(reference):
    changed = {k for k in reference["after"] if reference["after"][k]
               != reference["before"].get(k)}
    assert changed == {"main.beancount", "journal.beancount", "imports/crash/crash.beancount"}
    assert reference["points"] >= 3 * 3 + 3 * 2  # writes and renames were all counted


def test_killed_at_every_write_step(reference, tmp_path):
    (tmp_path / "tmp").mkdir()
    outcomes = []
    for step in range(reference["points"]):
        main = fresh(reference, tmp_path, f"step{step}")
        proc = writer(main, "crash", tmp_path / "tmp", kill_at=step)
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == -signal.SIGKILL, (step, err)
        outcomes.append(check_outcome(reference, main))
        shutil.rmtree(main.parent)
    # Killed at the first step nothing was written; killed at the last (just before the
    # journal is removed) the change had committed and recovery completes it.
    assert outcomes[0] == "before" and outcomes[-1] == "after", outcomes
    # The commit point splits the steps: all kills before it leave the old books.
    first_after = outcomes.index("after")
    assert set(outcomes[first_after:]) == {"after"}, outcomes


def test_killed_at_random_moments(reference, tmp_path):
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    (tmp_path / "tmp").mkdir()
    window = max(reference["duration"], 0.3)
    outcomes = []
    for run in range(RANDOM_RUNS):
        main = fresh(reference, tmp_path, f"run{run}")
        proc = writer(main, "crash", tmp_path / "tmp")
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0, window))  # scheduling only: where in the write to kill
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=300)
        outcomes.append(check_outcome(reference, main))
        shutil.rmtree(main.parent)
    print(f"seed {seed}: {outcomes.count('before')} old, {outcomes.count('after')} new")


def test_two_writers_at_once_are_serialised(reference, tmp_path):
    """Both append to the books at the same moment; both changes land, whole."""
    main = fresh(reference, tmp_path, "both")
    (tmp_path / "tmp").mkdir()
    procs = [writer(main, tag, tmp_path / "tmp") for tag in ("alpha", "beta")]
    for proc in procs:
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    entries, errors, _ = books.load(main, cache=False)
    assert errors == []
    ids = [e.meta["import-id"] for e in entries
           if str(getattr(e, "meta", {}).get("import-id", "")).startswith("crash:")]
    for tag in ("alpha", "beta"):
        expected = {f"crash:{tag}-{i}" for i in range(COUNT)} | {f"crash:{tag}-j-0"}
        assert expected <= set(ids), tag
    assert len(ids) == len(set(ids)) == 2 * (COUNT + 1)
