"""Amounts as exports write them, through a whole import in the test process
(`importers.run.run`: identify, read, parse, build, write, load), whatever path the
amounts take inside it: the figures booked are the ones worked by hand from each cell.
A UK bank statement with a decimal point and thousands commas (and a pound sign), the
same statement from a bank that writes `1.234,50` (its profile declares it), and a
PayPal download whose style no profile declares, where `1,234` is read as the file's
other amounts settle it; a cell that reads two ways with nothing to settle it refused at
its row, the books untouched. tests/test_import_numbers.py tests the cells one by one."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core import data

from importers import run
from importers.errors import Problem
from importers.pseudonym import Pseudonymiser
from tests.importers_support import load_clean, snapshot, write_books

D = Decimal
PSEUDO = Pseudonymiser(b"figures-key-" * 3)
HEADER = ["Date", "Description", "Paid in", "Paid out", "Balance"]


def write_csv(path: Path, rows, delimiter=",") -> Path:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def booked(main: Path, account: str) -> list[Decimal]:
    """Each imported entry's posting to `account`, in date order."""
    return [p.units.number for e in load_clean(main)
            if isinstance(e, data.Transaction) and "import-id" in e.meta
            and ":opening:" not in e.meta["import-id"]
            for p in e.postings if p.account == account]


def test_a_uk_statement_with_thousands_commas(tmp_path):
    main = write_books(tmp_path / "books")
    export = write_csv(tmp_path / "statement.csv", [
        HEADER,
        ["01/03/2023", "FPI ANNA REF 1", "1,234.50", "", "1,234.50"],
        ["02/03/2023", "DD ENERGY CO", "", "59.30", "1,175.20"],
        ["03/03/2023", "FPI BOB REF 2", "£12,345,678.90", "", "12,346,854.10"],
        ["04/03/2023", "DD WATER", "", "0.01", "12,346,854.09"]])
    run.run(main, [str(export)], pseudo=PSEUDO, suspense=True)
    # Paid in is money in, paid out money out: 1234.50, -59.30, 12345678.90, -0.01.
    assert booked(main, "Assets:Bank:Current") == [
        D("1234.50"), D("-59.30"), D("12345678.90"), D("-0.01")]
    assert booked(main, "Income:Donations:Bank") == [D("-1234.50"), D("-12345678.90")]


def test_a_statement_with_decimal_commas_declared_by_its_profile(tmp_path):
    profile = tmp_path / "eu-bank.toml"
    text = (Path(__file__).parent.parent / "importers/profiles/bank.toml").read_text()
    profile.write_text(text.replace('name = "bank"', 'name = "eu-bank"')
                       .replace('decimal = "."', 'decimal = ","\nthousands = "."'))
    main = write_books(tmp_path / "books",
                       f'2000-01-01 custom "fundledger-profile" "{profile}"\n')
    export = write_csv(tmp_path / "statement.csv", [
        HEADER,
        ["01/03/2023", "FPI ANNA REF 1", "1.234,50", "", "1.234,50"],
        ["02/03/2023", "DD ENERGY CO", "", "-59,30", "1.175,20"],
        ["03/03/2023", "FPI BOB REF 2", "12.345.678,90", "", "12.346.854,10"],
        ["04/03/2023", "FPI CAT REF 3", "0,05", "", "12.346.854,15"],
        ["05/03/2023", "FPI DAN REF 4", "1.000", "", "12.347.854,15"]], delimiter=";")
    run.run(main, [str(export)], pseudo=PSEUDO, suspense=True)
    # "1.000" with a decimal comma declared is a thousand, never one.
    assert booked(main, "Assets:Bank:Current") == [
        D("1234.50"), D("-59.30"), D("12345678.90"), D("0.05"), D("1000")]


PAYPAL_HEADER = ["Date", "Time", "TimeZone", "Name", "Type", "Status", "Currency", "Gross",
                 "Fee", "Net", "From Email Address", "To Email Address", "Transaction ID",
                 "Shipping Address", "Address Status", "Item Title", "Item ID",
                 "Reference Txn ID", "Receipt ID", "Balance", "Contact Phone Number",
                 "Subject", "Note", "Balance Impact"]


def paypal(date, gross, fee, net, tid, balance):
    return [date, "10:00:00", "Europe/London", "A Donor", "Donation Payment", "Completed",
            "GBP", gross, fee, net, "donor@example.org", "treasurer@org.example", tid, "",
            "", "", "", "", "", balance, "", "", "", "Credit"]


def test_a_paypal_download_settles_its_own_style(tmp_path):
    # The first row's "-1.36" settles a decimal point: "1,234" is one thousand two hundred
    # and thirty-four pounds; its fee 1,234 x 2.9% + 0.30 = 36.09, net 1197.91.
    main = write_books(tmp_path / "books")
    export = write_csv(tmp_path / "paypal.csv", [
        PAYPAL_HEADER,
        paypal("03/02/2023", "40.00", "-1.36", "38.64", "9PP00001", "38.64"),
        paypal("04/02/2023", "1,234", "-36.09", "1,197.91", "9PP00002", "1,236.55")])
    run.run(main, [str(export)], pseudo=PSEUDO)
    assert booked(main, "Income:Donations:PayPal") == [D("-40.00"), D("-1234")]
    assert booked(main, "Expenses:Fees:Payment") == [D("1.36"), D("36.09")]
    assert booked(main, "Assets:PayPal") == [D("38.64"), D("1197.91")]


def test_an_amount_that_reads_two_ways_is_refused_at_its_row(tmp_path):
    main = write_books(tmp_path / "books")
    export = write_csv(tmp_path / "paypal.csv", [
        PAYPAL_HEADER,
        paypal("03/02/2023", "40", "0", "40", "9PP00001", "40"),
        paypal("04/02/2023", "1,234", "0", "1,234", "9PP00002", "1,274")])
    before = snapshot(main.parent)
    with pytest.raises(Problem) as refused:
        run.run(main, [str(export)], pseudo=PSEUDO)
    assert refused.value.row == 3 and "reads two ways" in refused.value.message
    assert snapshot(main.parent) == before
