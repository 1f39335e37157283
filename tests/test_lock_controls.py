"""Issue 29 findings 3-5 and 8 (and issue 28 item 8): a lock the books cannot quietly drop.

Each test takes the demo books locked through 2019 and tries one way round the lock that
once passed `fundledger check`: a `P` transaction, an emptied or unincluded lock register,
the plugin line deleted, a changed option, a later year end, support-cost shares or budget
reaching back, a deleted lock against the digest kept outside the books."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.test_lock import PAYPAL_2019, THROUGH, first_donation, hosting

MOVE_2019 = """
2019-06-01 P "Trustees" "Reallocation"
  Equity:Funds:Transfers  500.00 GBP
    fund: "general"
  Equity:Funds:Transfers  -500.00 GBP
    fund: "jr-surveillance"
"""


@pytest.fixture(scope="module")
def locked(tmp_path_factory) -> tuple[Path, str]:
    """The demo books locked through 2019, and the digest `lock` printed."""
    from tests.conftest import run_cli

    folder = tmp_path_factory.mktemp("locked") / "books"
    assert run_cli("demo", folder).returncode == 0
    result = run_cli("lock", "--books", folder, "--through", THROUGH)
    assert result.returncode == 0, result.stderr
    found = re.search(r"Lock digest \(keep it outside the books\): (\S+) (sha256v3:[0-9a-f]{64})",
                      result.stdout)
    assert found and found.group(1) == THROUGH, result.stdout
    return folder, found.group(2)


@pytest.fixture
def books(locked, tmp_path) -> Path:
    folder = tmp_path / "books"
    shutil.copytree(locked[0], folder)
    return folder


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


def refused(cli, books: Path, *words: str) -> str:
    result = cli("check", books)
    assert result.returncode == 1, result.stdout
    for w in words:
        assert w in result.stdout, (w, result.stdout[-2000:])
    return result.stdout


def test_a_p_flagged_transaction_inside_the_lock_is_caught(cli, books):
    append(books / "journal.beancount", MOVE_2019)
    refused(cli, books, '2019-06-01 transaction "Trustees Reallocation" was added',
            f"the lock through {THROUGH}")


@pytest.mark.parametrize("how", ["emptied", "unincluded"])
def test_a_lock_register_that_shrank_is_refused(cli, books, how):
    if how == "emptied":
        (books / "locks.beancount").write_text("")
    else:
        main = books / "main.beancount"
        main.write_text(main.read_text().replace('include "locks.beancount"\n', ""))
    append(books / "journal.beancount", MOVE_2019.replace(" P ", " * "))
    refused(cli, books, f"the lock through {THROUGH}", "is no longer in the books")


def test_without_the_plugin_line_check_still_runs_the_fund_rules_and_the_lock(cli, books):
    main = books / "main.beancount"
    main.write_text(main.read_text().replace('plugin "ledger.plugin"\n', ""))
    # A locked gift moved to another fund, and a new posting to a fund nobody declared.
    path = books / PAYPAL_2019
    text = path.read_text()
    start, end = first_donation(text)
    path.write_text(text[:start] + text[start:end].replace('fund: "general"',
                                                           'fund: "jr-surveillance"')
                    + text[end:])
    append(books / "journal.beancount", '\n2024-06-01 * "Gift"\n  fund: "nobody"\n'
           "  Assets:Bank:Current  1.00 GBP\n  Income:Donations:Bank  -1.00 GBP\n")
    refused(cli, books, "fund 'nobody' is not declared", "changed inside the period locked",
            "the books' options")


@pytest.mark.parametrize("change", [
    ("main.beancount", 'option "operating_currency" "GBP"', 'option "operating_currency" "EUR"'),
    ("main.beancount", 'option "title"', 'option "booking_method" "FIFO"\noption "title"'),
    ("journal.beancount", None, '\n2024-01-01 custom "fundledger-option" "fy-end" "03-31"\n'),
    ("journal.beancount", None, ('\n2024-01-01 custom "support-costs" "Expenses:Running" '
                                '"legal 70, raising 30"\n')),
    ("journal.beancount", None, ('\n2024-01-01 custom "fund-budget" "general" "Rent" '
                                "100.00 GBP\n")),
], ids=["currency", "booking", "fy-end", "support-costs", "budget"])
def test_options_and_later_declarations_reaching_back_break_the_lock(cli, books, change):
    name, old, new = change
    path = books / name
    if old is None:
        append(path, new)
    else:
        assert old in path.read_text()
        path.write_text(path.read_text().replace(old, new, 1))
    refused(cli, books, f"the lock through {THROUGH}")


def test_a_budget_of_a_fund_opened_after_the_lock_is_not_the_locked_years(cli, books):
    append(books / "journal.beancount", '\n2024-01-01 custom "fund-budget" "jr-facial" '
           '"Counsel" 100.00 GBP\n')
    result = cli("check", books)
    assert result.returncode == 0, result.stdout


def test_verify_proves_the_books_against_the_digest_kept_outside(cli, books, locked):
    _folder, digest = locked
    result = cli("verify", "--books", books, "--digest", digest)
    assert result.returncode == 0 and f"through {THROUGH}" in result.stdout, result.stderr
    assert cli("verify", "--books", books, "--digest", digest.removeprefix("sha256v3:"),
               "--through", THROUGH).returncode == 0
    # The year-end pack carries the digest, for the trustees and the examiner to keep.
    result = cli("report", "pack", "--books", books, "--year", "2019", "-o", books / "pack")
    assert result.returncode == 0, result.stderr
    page = (books / "pack" / "7-lock.txt").read_text()
    assert f"Locked through: {THROUGH}\nDigest: {digest}\n" in page
    assert f"fundledger verify --books BOOKS --digest {digest} --through {THROUGH}" in page
    shutil.rmtree(books / "pack")
    # The lock and its detail files deleted, then a locked year changed: `check` cannot
    # know, but the digest held outside the books does.
    (books / "locks.beancount").write_text("")
    shutil.rmtree(books / "locks")
    append(books / "journal.beancount", hosting("2019-06-30", "Backdated",
                                                 open_on="2019-06-30"))
    assert cli("check", books).returncode == 0
    result = cli("verify", "--books", books, "--digest", digest)
    assert result.returncode == 1 and "NOT verified" in result.stderr


@pytest.mark.parametrize("digest", ["sha256v3:...", "sha256v3:4be1", "2019-12-31"])
def test_verify_refuses_what_is_not_a_digest_rather_than_doubt_the_books(cli, books, digest):
    """A truncated digest (the README's `sha256v3:...`, a copy cut short) is a usage
    mistake: said so, exit 2, never "NOT verified ... changed since it was locked"."""
    result = cli("verify", "--books", books, "--digest", digest)
    assert result.returncode == 2, result.stderr
    assert "is not a lock digest" in result.stderr and "NOT verified" not in result.stderr


def test_unlock_needs_a_reason_of_a_few_words(cli, books):
    for reason in (".", "x", "fix it"):
        result = cli("unlock", "--books", books, "--reason", reason)
        assert result.returncode == 1 and "a reason of a few words" in result.stderr, reason
    assert 'custom "unlock"' not in (books / "locks.beancount").read_text()
    with open(books / "locks.beancount", "a") as f:
        digest = next(x for x in (books / "locks.beancount").read_text().splitlines()
                      if 'custom "lock"' in x).split()[-1]
        f.write(f'\n{THROUGH} custom "unlock" {digest}\n  reason: "."\n')
    refused(cli, books, "no reason of a few words")


def test_a_published_statement_deleted_from_the_register_is_noticed(cli, tmp_path):
    from tests.transparency_support import write_books

    main = write_books(tmp_path / "books")
    result = cli("report", "transparency", "--books", main, "--publish", "-o", tmp_path / "s")
    assert result.returncode == 0, result.stderr
    register = main.parent / "published.beancount"
    assert 'custom "published"' in register.read_text()
    assert cli("check", main).returncode == 0
    register.write_text("")
    refused(cli, main, "is no longer in the register of published statements",
            "published/")
