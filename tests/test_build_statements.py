"""Statement building in this process (importers.build.Builder.balances, through the
profile importer): from a bank
statement's running balance, each day's closing balance asserted the next morning and
the opening balance the statement implies (brought forward, never a receipt), whether the
bank lists oldest or newest first. Starling's statement CSV layout (its documented header,
as importers/profiles/bank-starling.toml quotes it); every figure worked by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from importers import run
from importers.pseudonym import Pseudonymiser
from importers.settings import from_entries
from tests.importers_support import load_clean, write_books

D = Decimal
day = datetime.date
HEADER = "Date,Counter Party,Reference,Type,Amount (GBP),Balance (GBP),Spending Category,Notes"
ROWS = [  # oldest first
    "01/09/2025,Priya Nair,DONATION,FASTER PAYMENT,15.00,860.00,INCOME,",
    "01/09/2025,Starling,MONTHLY FEE,FEE,-2.00,858.00,BANK CHARGES,",
    "03/09/2025,Ravi Shah,DONATION,FASTER PAYMENT,40.00,898.00,INCOME,",
]
ACCOUNT = "Assets:Bank:Starling"
OPENS = "2017-01-01 open Assets:Bank:Starling\n2017-01-01 open Expenses:Fees:Bank\n"


def built(tmp_path: Path, rows: list[str]):
    main = write_books(tmp_path / "books", OPENS)
    path = tmp_path / "starling.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    settings = from_entries(load_clean(main), main.parent)
    imp = run.identify(str(path), run.importers_for(settings, Pseudonymiser(b"k" * 32)))
    return imp.entries(str(path), settings)


def closing(got) -> list[tuple]:
    return [(t.date, t.balance) for t in got.after if t.balance]


def opening(got) -> list[tuple]:
    return [(t.date, dict(t.meta).get("fund"), [(p.account, p.number, p.currency)
                                                 for p in t.postings]) for t in got.openings]


def test_each_days_closing_balance_is_asserted_the_next_morning(tmp_path):
    got = built(tmp_path, ROWS)
    # beancount checks a balance before that day's entries: 858.00 after 1 September's
    # two rows (the fee is the later), 898.00 after 3 September's
    assert closing(got) == [(day(2025, 9, 2), (ACCOUNT, D("858.00"), "GBP")),
                            (day(2025, 9, 4), (ACCOUNT, D("898.00"), "GBP"))]
    # the balance before the first row: 860.00 less its 15.00; on the general fund,
    # against the opening-balance account, never income
    assert opening(got) == [(day(2025, 9, 1), "general", [
        (ACCOUNT, D("845.00"), "GBP"), ("Equity:Funds:Opening", D("-845.00"), "GBP")])]
    opening_txn = got.openings[0]
    assert opening_txn.narration == "Balance brought forward from the statement"
    assert not any(p.account.startswith("Income:") for t in got.openings for p in t.postings)


def test_a_statement_listed_newest_first_gives_the_same(tmp_path):
    got = built(tmp_path, list(reversed(ROWS)))
    # read backwards: on 1 September the fee (listed first) is still the later row
    assert closing(got) == [(day(2025, 9, 2), (ACCOUNT, D("858.00"), "GBP")),
                            (day(2025, 9, 4), (ACCOUNT, D("898.00"), "GBP"))]
    assert opening(got)[0][2][0] == (ACCOUNT, D("845.00"), "GBP")


def test_a_statement_starting_with_money_out(tmp_path):
    got = built(tmp_path, ["01/09/2025,Starling,MONTHLY FEE,FEE,-2.00,98.00,BANK CHARGES,"])
    # 98.00 after paying 2.00: 100.00 before
    assert opening(got)[0][2][0] == (ACCOUNT, D("100.00"), "GBP")
    assert closing(got) == [(day(2025, 9, 2), (ACCOUNT, D("98.00"), "GBP"))]
