"""Shared fixtures: real books on disk, the real CLI in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# beancount's pickle cache keys on file mtimes and does not see plugin changes.
os.environ["BEANCOUNT_DISABLE_LOAD_CACHE"] = "1"

# Where tests leave artefacts worth looking at (screenshots, workbooks): test-output/.
OUTPUT = ROOT / "test-output"


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["BEANCOUNT_DISABLE_LOAD_CACHE"] = "1"
    return env


def run_cli(*args: str, cwd: Path | None = None, input: str | None = None,
            env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `fundledger ARGS...` as a user would, in a subprocess of this checkout."""
    return subprocess.run(
        [sys.executable, "-m", "fundledger", *map(str, args)],
        cwd=cwd, input=input, capture_output=True, text=True, env=env or cli_env(),
        timeout=600, check=False)


def init_books(tmp_path: Path, *args: str) -> tuple[Path, dict[str, str]]:
    """New books made by `fundledger init BOOKS ARGS...` in tmp_path/books, and the CLI's
    environment with the donor key beside them (never inside the books)."""
    books = tmp_path / "books"
    env = dict(cli_env(), FUNDLEDGER_DONOR_KEY=str(tmp_path / "donor.key"))
    made = run_cli("init", books, *args, env=env)
    assert made.returncode == 0, made.stderr
    return books, env


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A fresh, writable copy of the demo books; returns its main.beancount."""
    result = run_cli("demo", tmp_path / "books")
    assert result.returncode == 0, result.stderr
    return tmp_path / "books" / "main.beancount"


HEADER = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 open Assets:Bank GBP
2017-01-01 open Assets:Held:Firm GBP
2017-01-01 open Income:Donations GBP
2017-01-01 open Income:Grants EUR
2017-01-01 open Expenses:Legal:Solicitors GBP
2017-01-01 open Expenses:Running:Rent GBP
2017-01-01 open Equity:Funds:Transfers GBP
2017-01-01 custom "fund" "general" "unrestricted"
  title: "General"
2018-01-10 custom "fund" "case" "restricted"
  title: "A case"
  purpose: "Expenses:Legal"
"""


@pytest.fixture
def books(tmp_path: Path):
    """Write small books: HEADER (two funds, accounts) plus the given text."""

    def write(body: str, name: str = "main.beancount") -> Path:
        path = tmp_path / name
        path.write_text(HEADER + textwrap.dedent(body))
        return path

    return write


@pytest.fixture(autouse=True)
def _fava_watchers_stopped():
    """Fava apps made in a test's own process (create_app) start two file-watcher threads
    each, holding inotify instances (128 per user by default) until the process ends.
    Stopped after each test, so a full run never uses them all; a `fundledger serve` it
    starts meanwhile would otherwise find none (tests/test_fava_watching.py)."""
    import threading

    before = set(threading.enumerate())
    yield
    watcher = sys.modules.get("fava.core.watcher")
    if watcher is None:
        return
    for thread in set(threading.enumerate()) - before:
        if isinstance(thread, watcher._WatchfilesThread):
            thread.stop()
