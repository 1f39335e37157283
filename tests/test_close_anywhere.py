"""Closing on books as a treasurer makes them: `fundledger init` books that open only what
their imports needed, a platform payout booked as a move between our own accounts, and a
transfer between funds that moved no money. Every figure worked by hand below."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ledger import books as ledger_books
from reports import closing
from reports import funds as report
from reports.balance_sheet import assets_and_liabilities
from tests.conftest import run_cli
from tests.statements_books import load

D = Decimal
DAY = datetime.date(2024, 6, 30)
DECISION = "Minute 2024/6: deal with the leftover as the terms say"

# On top of `init` books (general declared, no account opened): what imports open.
CASE = """
2024-01-01 open Assets:Bank:Current GBP
2024-01-01 open Assets:Platforms:CaseFunder GBP
2024-01-01 open Income:Crowdfunding:CaseFunder GBP
2024-01-01 open Income:Donations:Bank GBP
2024-01-01 open Expenses:Fees:Platform GBP
2024-01-01 open Expenses:Legal:Solicitors GBP
2024-01-01 custom "fund" "case" "restricted"
  purpose: "Expenses:Legal, Expenses:Fees"
  terms: "{terms}"
  charity: "Access to Justice Foundation"

2024-01-05 * "Supporters" "General gifts"
  fund: "general"
  Assets:Bank:Current              1000.00 GBP
  Income:Donations:Bank           -1000.00 GBP
2024-02-01 * "CaseFunder" "Pledges, gross, less the platform's fee"
  fund: "case"
  Assets:Platforms:CaseFunder      2375.00 GBP
  Expenses:Fees:Platform            125.00 GBP
  Income:Crowdfunding:CaseFunder  -2500.00 GBP
2024-02-10 * "CaseFunder" "Payout"
  Assets:Platforms:CaseFunder     -2375.00 GBP
  Assets:Bank:Current              2375.00 GBP
2024-03-01 * "Smith Solicitors" "Pre-action letter"
  fund: "case"
  Assets:Bank:Current             -1650.00 GBP
  Expenses:Legal:Solicitors        1650.00 GBP
"""


def init_books(tmp_path: Path, extra: str) -> Path:
    r = run_cli("init", str(tmp_path / "books"))
    assert r.returncode == 0, r.stderr
    main = tmp_path / "books" / "main.beancount"
    (main.parent / "case.beancount").write_text(extra)
    main.write_text(main.read_text() + 'include "case.beancount"\n')
    return main


@pytest.fixture(scope="module")
def init_main(tmp_path_factory) -> Path:
    return init_books(tmp_path_factory.mktemp("init"), "")


def books_with(tmp_path: Path, init_main: Path, extra: str) -> Path:
    folder = tmp_path / "books"
    folder.mkdir()
    for p in init_main.parent.iterdir():
        if p.is_file():
            (folder / p.name).write_bytes(p.read_bytes())
    main = folder / "main.beancount"
    (folder / "case.beancount").write_text(extra)
    return main


def close_and_load(main: Path, fund: str):
    entries, options = load(main)
    got = closing.plan(entries, options, fund, DAY, decision=DECISION)
    ledger_books.append(main, {"closing.beancount": got.text})  # refuses unless clean
    return load(main)


@pytest.mark.parametrize("terms", ["release-to-unrestricted", "return-to-platform",
                                   "donate-to-charity"])
def test_every_kind_of_close_works_on_init_books(tmp_path, init_main, terms):
    # case: 2,500 raised - 125 fee - 1,650 legal = 725 left. The payout moved the 2,375
    # to the bank as a move between our own accounts (no fund), so on the platform the
    # case still "holds" 2,375 though it holds nothing: the bank holds 1,000 + 2,375 -
    # 1,650 = 1,725, the case's 725 among it.
    main = books_with(tmp_path, init_main, CASE.format(terms=terms))
    entries, options = close_and_load(main, "case")
    got = {s.fund: s for s in report.reconcile(entries, options)}
    assert (got["case"].status, got["case"].balance) == ("closed", 0)
    accounts = assets_and_liabilities(entries, options, DAY).accounts
    if terms == "release-to-unrestricted":
        # no money moves: general holds 1,000 + 725
        assert got["general"].balance == D("1725.00")
        assert accounts == {"Assets:Bank:Current": D("1725.00")}
    else:
        # 725 paid out of the bank, where the money is; the platform stays at nil
        assert got["general"].balance == D("1000.00")
        assert accounts == {"Assets:Bank:Current": D("1000.00")}


def test_init_books_close_from_the_command_line(tmp_path):
    main = init_books(tmp_path, CASE.format(terms="release-to-unrestricted"))
    r = run_cli("close", "case", "--books", str(main), "--date", str(DAY),
                "--decision", DECISION)
    assert r.returncode == 0, r.stderr
    text = (main.parent / "closing.beancount").read_text()
    assert f"{DAY} open Equity:Funds:Transfers\n" in text


def test_a_leftover_the_money_accounts_do_not_hold_is_refused(tmp_path, init_main):
    # All the bank's money lent out (a debtor, not money): the case's 725 is owed to us,
    # not in any money account, so it cannot be paid out yet.
    extra = CASE.format(terms="donate-to-charity") + """
2017-01-01 open Assets:Debtors:Loan GBP
2024-04-01 * "Loan to a partner" "Lent out of the bank"
  Assets:Bank:Current             -1725.00 GBP
  Assets:Debtors:Loan              1725.00 GBP
"""
    # the bank: 1,000 + 2,375 - 1,650 - 1,725 = 0; nothing else is money
    main = books_with(tmp_path, init_main, extra)
    entries, options = load(main)
    with pytest.raises(closing.CannotClose) as e:
        closing.plan(entries, options, "case", DAY, decision=DECISION)
    assert e.value.reasons == [
        ("£725.00 is left, but the money accounts hold nothing on 2024-06-30: paying it "
        "out would take an account below zero. Book what is missing (a statement not "
        "yet imported, a transfer between our accounts), then close the fund")]


def test_a_transfer_that_moved_no_money_does_not_block_a_close(tmp_path, init_main):
    # general gives the case 725 on paper (no money moves), the case spends it from the
    # bank: the case is at nil, holding +725 "with general" and -725 in the bank.
    extra = CASE.format(terms="return-to-platform") + """
2024-01-01 open Equity:Funds:Transfers GBP
2024-05-01 * "Trustees" "Top up the case from general funds"
  Equity:Funds:Transfers            725.00 GBP
    fund: "general"
  Equity:Funds:Transfers           -725.00 GBP
    fund: "case"
2024-05-02 * "Smith Solicitors" "Hearing"
  fund: "case"
  Assets:Bank:Current             -1450.00 GBP
  Expenses:Legal:Solicitors        1450.00 GBP
"""
    main = books_with(tmp_path, init_main, extra)
    entries, options = load(main)
    case = next(s for s in report.reconcile(entries, options) if s.fund == "case")
    # 725 left + 725 given - 1,450 spent = 0
    assert (case.balance, case.status, case.blockers) == (0, "closable", ())
    got = closing.plan(entries, options, "case", DAY, decision=DECISION)
    assert got.text == f'{DAY} custom "fund-close" "case"\n  decision: "{DECISION}"\n'
