"""Open Collective whole (issue 27): the API CSV with its row-limit trailer, the readable
2021 export, every fee column counted, and expenses paid to payees booked as spending with
their payout fee as a fee, never as a transfer."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from beancount import loader
from beancount.core import data
from conftest import run_cli
from importers_support import init_books

REAL = Path(__file__).parent / "fixtures" / "real"


def _import(tmp_path, name):
    books, env = init_books(tmp_path)
    r = run_cli("import", REAL / name, "--books", books, "--unclassified", "suspense", env=env)
    assert r.returncode == 0, r.stderr
    entries, errors, _ = loader.load_file(str(books / "main.beancount"))
    assert errors == []
    totals: dict[str, Decimal] = {}
    for e in entries:
        if isinstance(e, data.Transaction):
            for p in e.postings:
                totals[p.account] = totals.get(p.account, Decimal(0)) + p.units.number
    return totals


def test_api_csv_with_its_trailer_books_expenses_as_spending(tmp_path):
    totals = _import(tmp_path, "opencollective-api.csv")
    # by hand: the expense of 1203.50 out of the collective is 1200.00 paid to the firm and
    # a 3.50 payout fee; the contributions' fees 1.75 + 1.03 and the host fee row 2.50
    assert totals["Expenses:Unclassified"] == Decimal("1200.00")
    assert totals["Expenses:Fees:Payment"] == Decimal("3.50") + Decimal("1.75") \
        + Decimal("1.03") + Decimal("2.50")
    assert totals.get("Assets:Transfers", Decimal(0)) == 0
    assert totals["Assets:OpenCollective"] == Decimal("-1133.78")


def test_every_fee_column_of_the_readable_export_is_counted(tmp_path):
    totals = _import(tmp_path, "opencollective-2021.csv")
    # by hand: 0.81 + 2.00 (host) ; 1.20 (payout) ; 0.45 + 0.50 (host) + 0.25 (platform)
    assert totals["Expenses:Fees:Payment"] == Decimal("5.21")
    assert totals["Income:Donations:OpenCollective"] == Decimal("-50.00")
