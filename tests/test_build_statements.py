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
from importers.txn import render
from tests.importers_support import FIXTURES, load_clean, write_books

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


def test_the_opening_is_the_general_funds_whatever_the_rows_fund(tmp_path):
    # every row of this bank goes to the case, but the money before the statement was
    # the charity's own: its opening balance is the general fund's
    main = write_books(tmp_path / "books", OPENS + '2017-01-01 custom "fundledger-source" '
                       '"bank-starling"\n  fund: "case"\n')
    path = tmp_path / "starling.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n")
    settings = from_entries(load_clean(main), main.parent)
    imp = run.identify(str(path), run.importers_for(settings, Pseudonymiser(b"k" * 32)))
    got = imp.entries(str(path), settings)
    assert 'fund: "case"' in render(got.all()[0])  # the first gift
    assert [dict(t.meta)["fund"] for t in got.openings] == ["general"]


WISE_HEADER = ('"TransferWise ID","Date","Amount","Currency","Description","Payment Reference",'
               '"Running Balance","Exchange From","Exchange To","Exchange Rate","Payer Name",'
               '"Payee Name","Payee Account Number","Merchant","Card Last Four Digits",'
               '"Card Holder Full Name","Attachment","Note","Total fees"')


def wise_row(txid, date, amount, currency, payer, balance):
    return (f'"{txid}","{date}","{amount}","{currency}","Received money from {payer} with '
            f'reference Donation","Donation","{balance}","","","","{payer}","","","","","",'
            '"","","0.00"')


def test_a_statement_of_two_currencies_opens_and_closes_each(tmp_path):
    """Wise lists every balance in one file, newest first, each row with its currency's
    running balance (its documented layout, as importers/profiles/wise.toml quotes it)."""
    main = write_books(tmp_path / "books", "2017-01-01 open Assets:Wise\n"
                       "2017-01-01 open Expenses:Fees:Bank\n")
    path = tmp_path / "wise.csv"
    path.write_text("\n".join([
        WISE_HEADER,
        wise_row("TRANSFER-3", "05-06-2025", "30.00", "EUR", "Ana Example", "130.00"),
        wise_row("TRANSFER-2", "04-06-2025", "25.00", "GBP", "Priya Nair", "605.00"),
        wise_row("TRANSFER-1", "03-06-2025", "10.00", "EUR", "Ben Example", "100.00"),
    ]) + "\n")
    settings = from_entries(load_clean(main), main.parent)
    imp = run.identify(str(path), run.importers_for(settings, Pseudonymiser(b"k" * 32)))
    got = imp.entries(str(path), settings)
    # each currency's balance before its own first row, on that row's day
    assert sorted(opening(got)) == [
        (day(2025, 6, 3), "general", [("Assets:Wise", D("90.00"), "EUR"),
                                      ("Equity:Funds:Opening", D("-90.00"), "EUR")]),
        (day(2025, 6, 4), "general", [("Assets:Wise", D("580.00"), "GBP"),
                                      ("Equity:Funds:Opening", D("-580.00"), "GBP")])]
    assert sorted(closing(got)) == [
        (day(2025, 6, 4), ("Assets:Wise", D("100.00"), "EUR")),
        (day(2025, 6, 5), ("Assets:Wise", D("605.00"), "GBP")),
        (day(2025, 6, 6), ("Assets:Wise", D("130.00"), "EUR"))]


def test_a_paypal_download_opens_at_its_balance_less_the_first_net(tmp_path):
    """PayPal's Activity download (the header of tests/fixtures/imports/paypal_jan.csv):
    gross, fee, net and the balance after each row. The balance moves by the net."""
    header = (FIXTURES / "paypal_jan.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    row = ('"30/01/2023","09:10:00","Europe/London","Grace Example","Donation Payment",'
           '"Completed","GBP","10.00","-0.49","9.51","grace@example.org",'
           '"treasurer@npa.example","8PP00001","","","Donation","","","","109.51","","","",'
           '"Credit"')
    main = write_books(tmp_path / "books")
    path = tmp_path / "paypal.csv"
    path.write_text("\ufeff" + header + "\n" + row + "\n", encoding="utf-8")
    settings = from_entries(load_clean(main), main.parent)
    imp = run.identify(str(path), run.importers_for(settings, Pseudonymiser(b"k" * 32)))
    got = imp.entries(str(path), settings)
    # 109.51 after a net 9.51 (10.00 less a 0.49 fee): 100.00 before
    assert opening(got)[0][2][0] == ("Assets:PayPal", D("100.00"), "GBP")
    assert closing(got) == [(day(2023, 1, 31), ("Assets:PayPal", D("109.51"), "GBP"))]
