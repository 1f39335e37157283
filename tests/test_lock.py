"""The period lock: `fundledger lock`, then any change inside the locked period fails
every load (check, bean-check, Fava), naming the lock and the entry."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader

from ledger import lock as period_lock

THROUGH = "2019-12-31"
PAYPAL_2019 = "imports/paypal/2019.beancount"
POSTING = re.compile(r"^(\s+\S+\s+)(-?\d+\.\d\d)( GBP)$")


@pytest.fixture(scope="module")
def locked_demo(tmp_path_factory) -> Path:
    """The demo books, locked through 2019 once for the module; tests copy them."""
    from tests.conftest import run_cli

    folder = tmp_path_factory.mktemp("locked") / "books"
    assert run_cli("demo", folder).returncode == 0
    result = run_cli("lock", "--books", folder, "--through", THROUGH)
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture
def books(locked_demo, tmp_path) -> Path:
    folder = tmp_path / "books"
    shutil.copytree(locked_demo, folder)
    return folder


def first_donation(text: str) -> tuple[int, int]:
    """Start and end of the first two-posting donation block in an import file."""
    for match in re.finditer(r"^\d{4}-\d\d-\d\d \* \"PayPal\" \"Donation\"\n(?:  .*\n)+",
                             text, re.MULTILINE):
        lines = match.group(0).splitlines()
        if sum(bool(POSTING.match(line)) for line in lines) >= 2:
            return match.start(), match.end()
    raise AssertionError("no donation block in the demo's PayPal 2019 file")


def bump(block: str) -> str:
    """Each GBP amount of the block one pound bigger in size: still balanced."""
    def one(line: str) -> str:
        m = POSTING.match(line)
        if not m or Decimal(m.group(2)) == 0 or "Fees" in line:
            return line
        n = Decimal(m.group(2))
        return m.group(1) + str(n + (1 if n > 0 else -1)) + m.group(3)
    return "\n".join(one(line) for line in block.split("\n"))


def check(cli, folder: Path):
    return cli("check", folder)


def hosting(date: str, narration: str, amount: str = "99.00", open_on: str | None = None) -> str:
    """A hosting bill owed to the host: it touches no bank account, whose statement
    balances the demo asserts. `open_on` opens the host's account that day."""
    opened = f"\n{open_on} open Liabilities:Creditors:Host GBP\n" if open_on else ""
    return (f'{opened}\n{date} * "Hosting" "{narration}"\n  fund: "general"\n'
            f"  Expenses:Running:Hosting  {amount} GBP\n"
            f"  Liabilities:Creditors:Host  -{amount} GBP\n")


def test_changed_amount_fails_check_naming_lock_and_entry(cli, books):
    path = books / PAYPAL_2019
    text = path.read_text()
    start, end = first_donation(text)
    path.write_text(text[:start] + bump(text[start:end]) + text[end:])
    line = text[:start].count("\n") + 1
    result = check(cli, books)
    assert result.returncode == 1
    assert f"{PAYPAL_2019}:{line}:" in result.stdout
    assert f"changed inside the period locked by the lock through {THROUGH}" in result.stdout
    assert "locks.beancount:" in result.stdout


def test_backdated_entry_fails_check(cli, books):
    journal = books / "journal.beancount"
    before = journal.read_text()
    journal.write_text(before + hosting("2019-06-30", "Backdated hosting"))
    result = check(cli, books)
    assert result.returncode == 1
    line = before.count("\n") + 2
    assert f"journal.beancount:{line}:" in result.stdout
    assert "was added inside the period locked by the lock through 2019-12-31" in result.stdout


def test_removed_entry_fails_check(cli, books):
    path = books / PAYPAL_2019
    text = path.read_text()
    start, end = first_donation(text)
    date = text[start:start + 10]
    path.write_text(text[:start] + text[end:])
    result = check(cli, books)
    assert result.returncode == 1
    assert f'{date} transaction "PayPal Donation" was removed from the period locked' \
        in result.stdout


def test_entry_after_the_lock_and_moved_or_reformatted_entries_pass(cli, books):
    path = books / PAYPAL_2019
    text = path.read_text()
    start, end = first_donation(text)
    block = text[start:end]
    # moved to another file, re-indented, postings in another order: the same content
    lines = block.rstrip("\n").split("\n")
    head = [x for x in lines if not POSTING.match(x)]
    postings = [x for x in lines if POSTING.match(x)]
    moved = "\n".join(head + ["    " + x.strip() for x in reversed(postings)]) + "\n"
    path.write_text(text[:start] + text[end:])
    journal = books / "journal.beancount"
    journal.write_text(journal.read_text() + "\n" + moved
                       + hosting("2020-01-02", "After the lock", open_on="2020-01-01"))
    result = check(cli, books)
    assert result.returncode == 0, result.stdout


def test_bean_check_and_fava_report_a_broken_lock(books):
    journal = books / "journal.beancount"
    journal.write_text(journal.read_text() + hosting("2019-06-30", "Backdated"))
    bean_check = Path(sys.executable).parent / "bean-check"
    result = subprocess.run([str(bean_check), str(books / "main.beancount")],
                            capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "the lock through 2019-12-31" in result.stdout + result.stderr

    from fava.application import create_app
    app = create_app([str(books / "main.beancount")], load=True)
    ledger = app.config["LEDGERS"].ledgers[0]
    assert any("the lock through 2019-12-31" in e.message for e in ledger.errors)


def test_unlock_with_reason_then_lock_again_and_extend(cli, books):
    assert cli("unlock", "--books", books).returncode == 2  # --reason is required
    result = cli("unlock", "--books", books, "--reason", "Minute 2027/03: fix 2019 rent")
    assert result.returncode == 0, result.stderr
    locks = (books / "locks.beancount").read_text()
    assert 'custom "unlock"' in locks and "Minute 2027/03" in locks
    journal = books / "journal.beancount"
    journal.write_text(journal.read_text()
                       + hosting("2019-06-30", "Corrected", open_on="2019-06-30"))
    assert check(cli, books).returncode == 0  # lifted: the correction loads
    assert cli("lock", "--books", books, "--through", THROUGH).returncode == 0
    refused = cli("lock", "--books", books, "--through", "2018-12-31")
    assert refused.returncode == 1 and "already locked through 2019-12-31" in refused.stderr
    assert cli("lock", "--books", books, "--through", "2020-12-31").returncode == 0
    journal.write_text(journal.read_text() + hosting("2020-06-30", "Backdated", "9.00"))
    result = check(cli, books)
    assert result.returncode == 1 and "the lock through 2020-12-31" in result.stdout


def test_an_unlock_without_reason_written_by_hand_is_an_error(cli, books):
    lock_line = next(x for x in (books / "locks.beancount").read_text().splitlines()
                     if 'custom "lock"' in x)
    digest = lock_line.split()[-1]
    with open(books / "locks.beancount", "a") as f:
        f.write(f'\n{THROUGH} custom "unlock" {digest}\n')
    result = check(cli, books)
    assert result.returncode == 1 and "gives no reason" in result.stdout


def test_future_lock_and_demo_books_refused(cli, books):
    result = cli("lock", "--books", books, "--through", "2999-12-31")
    assert result.returncode == 1 and "not before today" in result.stderr
    result = cli("lock", "--through", THROUGH)  # the embedded demo books
    assert result.returncode == 1 and "fundledger demo" in result.stderr


def entries_of(text: str):
    entries, errors, _options = loader.load_string(text)
    assert not errors
    return entries


def test_entry_hash_keeps_content_not_layout():
    base = ('2017-01-01 open Assets:Bank\n2017-01-01 open Income:Gifts\n'
            '2019-01-02 * "Payee" "Gift"\n  fund: "general"\n'
            '  Assets:Bank  10.00 GBP\n  Income:Gifts  -10.00 GBP\n')
    same = ('2017-01-01 open Assets:Bank\n2017-01-01 open Income:Gifts\n\n\n'
            '2019-01-02 * "Payee" "Gift"\n    fund: "general"\n'
            '    Income:Gifts     -10.0 GBP\n    Assets:Bank   10 GBP\n')
    changed = base.replace("10.00", "10.01").replace("-10.00", "-10.01")
    meta = base.replace('fund: "general"', 'fund: "case"')
    h = [period_lock.entry_hash(e) for e in entries_of(base)]
    assert h == [period_lock.entry_hash(e) for e in entries_of(same)]
    assert h[-1] != period_lock.entry_hash(entries_of(changed)[-1])
    assert h[-1] != period_lock.entry_hash(entries_of(meta)[-1])
    # a digest is of the multiset: order free, but a duplicate counts
    assert period_lock.digest(h) == period_lock.digest(reversed(h))
    assert period_lock.digest(h) != period_lock.digest([*h, h[-1]])


def test_a_lock_of_the_old_digest_keeps_holding_and_moves_to_version_3(cli, tmp_path):
    """Books locked before 2026-12 (a version 1 digest) still load and verify; `lock
    --upgrade` proves the old digest holds, then adds a version 3 lock of the same day
    that replaces it on every load; the old digest still verifies the books."""
    books = tmp_path / "books"
    assert cli("demo", books).returncode == 0
    result = cli("lock", "--books", books, "--through", THROUGH, "--digest-version", "1")
    assert result.returncode == 0, result.stderr
    old = re.search(r"(sha256:[0-9a-f]{64})", result.stdout).group(1)
    assert check(cli, books).returncode == 0
    # A change inside the period: the upgrade refuses and writes nothing.
    path = books / PAYPAL_2019
    text = path.read_text()
    start, end = first_donation(text)
    path.write_text(text[:start] + bump(text[start:end]) + text[end:])
    locks_before = (books / "locks.beancount").read_bytes()
    result = cli("lock", "--books", books, "--upgrade")
    assert result.returncode == 1
    assert f"inside the period locked by the lock through {THROUGH}" in result.stderr
    assert (books / "locks.beancount").read_bytes() == locks_before
    assert sorted(p.name for p in (books / "locks").iterdir()) == [f"{THROUGH}-{old[7:15]}.txt"]
    path.write_text(text)
    result = cli("lock", "--books", books, "--upgrade")
    assert result.returncode == 0, result.stderr
    new = re.search(r"(sha256v3:[0-9a-f]{64})", result.stdout).group(1)
    assert f"replacing {old}" in result.stdout
    written = (books / "locks.beancount").read_text()
    assert written.startswith(locks_before.decode())
    assert f'{THROUGH} custom "lock" "{new}"' in written and f'  replaces: "{old}"' in written
    assert check(cli, books).returncode == 0
    # Both digests verify the books; a second upgrade has nothing to do.
    for digest in (old, new):
        assert cli("verify", "--books", books, "--digest", digest).returncode == 0, digest
    result = cli("lock", "--books", books, "--upgrade")
    assert result.returncode == 1 and "nothing to upgrade" in result.stderr
    # A change now is one error, from the version 3 lock (the old one is not recomputed).
    path.write_text(text[:start] + bump(text[start:end]) + text[end:])
    result = check(cli, books)
    assert result.returncode == 1
    assert result.stdout.count(f"changed inside the period locked by the lock through "
                               f"{THROUGH}") == 1, result.stdout
    # Lifting the lock lifts both entries of its day.
    path.write_text(text)
    result = cli("unlock", "--books", books, "--reason", "Trustees' minute 9: correct a gift")
    assert result.returncode == 0, result.stderr
    assert (books / "locks.beancount").read_text().count('custom "unlock"') == 2
    assert check(cli, books).returncode == 0
