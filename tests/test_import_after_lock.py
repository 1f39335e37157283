"""Importing after a lock: the year is closed and locked, then the next download comes,
overlapping the locked days (PayPal's activity download is taken for whatever range the
treasurer picks). What the books already hold is skipped; what is new falls after the
lock and goes in. An account the new entries need for the first time is opened after
the lock, not on the books' start date inside it: opening it there would change the
locked period, and the whole import would be refused for an entry nobody added.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from beancount import loader

from tests.conftest import init_books, run_cli

JOURNEY = Path(__file__).parent / "fixtures" / "journey" / "paypal-2024.csv"


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _locked_january(tmp_path: Path) -> tuple[Path, dict, str]:
    """init books from 2023; January's first four gifts imported (the download taken on
    26 January); the books locked through 21 January."""
    books, env = init_books(tmp_path, "--name", "Test Org", "--start", "2023-01-01")
    lines = JOURNEY.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    january = tmp_path / "paypal-january.csv"
    january.write_text("".join(lines[:5]), encoding="utf-8")
    first = run_cli("import", january, "--books", books, env=env)
    assert first.returncode == 0, first.stderr
    assert "4 new" in first.stderr
    locked = run_cli("lock", "--books", books, "--through", "2024-01-21", env=env)
    assert locked.returncode == 0, locked.stderr
    digest = locked.stdout.split("2024-01-21 ")[-1].split()[0]
    assert digest.startswith("sha256v3:"), locked.stdout
    return books, env, digest


def test_the_next_download_goes_in_after_a_lock(tmp_path):
    books, env, digest = _locked_january(tmp_path)
    whole = run_cli("import", JOURNEY, "--books", books, "--unclassified", "suspense", env=env)
    assert whole.returncode == 0, whole.stderr
    # The year's download: rows 2-5 were imported in January; 6 rows are new (a gift of
    # 28 January, the USD payment, its conversion, the withdrawal; the other conversion
    # row prices the payment).
    assert "4 duplicate(s) skipped" in whole.stderr
    # The withdrawal is the first entry to need Assets:Transfers: opened the day after
    # the lock, not on the books' start date (2023-01-01) inside it.
    accounts = (books / "imports" / "accounts.beancount").read_text(encoding="utf-8")
    assert "2024-01-22 open Assets:Transfers" in accounts, accounts
    assert "2023-01-01 open Assets:PayPal" in accounts  # opened before the lock: as it was
    checked = run_cli("check", books, env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    verified = run_cli("verify", "--books", books, "--digest", digest, env=env)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    _entries, errors, _ = loader.load_file(str(books / "main.beancount"))
    assert errors == [], [e.message for e in errors]


def test_a_new_entry_inside_the_lock_is_refused_by_name(tmp_path):
    """A row the January import never saw, dated inside the lock: refused, the books
    untouched, and the error names the entry (the lock's detail file is read in the
    staging copy the import is checked in, as in the books)."""
    books, env, _digest = _locked_january(tmp_path)
    header = JOURNEY.read_text(encoding="utf-8-sig").splitlines(keepends=True)[0]
    late = tmp_path / "paypal-late-gift.csv"
    late.write_text(header + '"15/01/2024","09:00:00","Europe/London","Late Testdonor",'
                    '"Donation Payment","Completed","GBP","10.00","-0.55","9.45",'
                    '"late@donor.example","treasurer@group.example","9JY99999ZZ999999Z",'
                    '"","","Donation","","","","9.45","","","","Credit"\n', encoding="utf-8")
    before = _tree(books)
    refused = run_cli("import", late, "--books", books, env=env)
    assert refused.returncode != 0
    assert "added inside the period locked by the lock through 2024-01-21" in refused.stderr
    assert "2024-01-15" in refused.stderr and "detail file is missing" not in refused.stderr
    assert _tree(books) == before
