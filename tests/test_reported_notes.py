"""What is reported, not just computed: a figure a statement leaves out of its totals, a
warning or a note is on every surface the treasurer reads (terminal table, CSV, JSON,
HTML, workbook), through `fundledger` in a subprocess on small books worked by hand."""

from __future__ import annotations

import json
import re

import openpyxl
import pytest
from conftest import run_cli

BOOKS = """\
option "title" "Notes Trust"
option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 open Assets:Bank:Current GBP
2017-01-01 open Assets:PayPal
2017-01-01 open Assets:Held:Smith GBP
2017-01-01 open Income:Donations
2017-01-01 open Income:Grants:Lumen EUR
2017-01-01 open Expenses:Legal:Solicitors
2017-01-01 open Expenses:Unclassified
2017-01-01 custom "fund" "general" "unrestricted"
2017-01-01 custom "fund" "grant" "restricted"
  purpose: "Expenses:Legal"
  currency: "EUR"
2017-01-01 custom "fund-budget" "grant" "Solicitors" 1000.00 EUR
2017-01-01 custom "budget-map" "grant" "Expenses:Legal:Solicitors" "Solicitors"
2019-02-01 * "Donor" "Gift in dollars, no rate anywhere in the books"
  fund: "general"
  Assets:PayPal  25.00 USD
  Income:Donations  -25.00 USD
2019-02-02 * "Donor" "Gift in pounds"
  fund: "general"
  Assets:Bank:Current  300.00 GBP
  Income:Donations  -300.00 GBP
2019-02-03 * "Counsel" "Opinion billed in dollars"
  fund: "general"
  Expenses:Legal:Solicitors  7.00 USD
  Assets:PayPal  -7.00 USD
2019-03-01 * "Lumen" "Tranche"
  fund: "grant"
  Assets:Bank:Current  180.00 GBP
  Income:Grants:Lumen  -200.00 EUR @@ 180.00 GBP
2019-04-01 * "Smith & Co" "More than the tranche covers"
  fund: "grant"
  Expenses:Legal:Solicitors  170.00 GBP
  Assets:Bank:Current  -170.00 GBP
2019-05-01 * "Unclaimed row"
  fund: "general"
  Expenses:Unclassified  4.00 GBP
  Assets:Bank:Current  -4.00 GBP
"""
# 25.00 - 7.00 = 18.00 USD held in PayPal with no rate to pounds.


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notes")
    (folder / "main.beancount").write_text(BOOKS)
    assert run_cli("check", "--books", folder).returncode == 0
    return folder


def said(result) -> str:
    return result.stdout + result.stderr


@pytest.mark.parametrize("statement", ["balance-sheet", "receipts-payments"])
@pytest.mark.parametrize("fmt", ["table", "csv", "json", "html", "xlsx"])
def test_money_with_no_rate_is_named_wherever_a_statement_leaves_it_out(books, tmp_path,
                                                                         statement, fmt):
    """18.00 USD is held with no rate: the statement either refuses in one clear line,
    naming where it is booked and the currency, or says beside its figures that it is not
    counted. It never just drops it, nor stops with a traceback."""
    out = tmp_path / f"s.{fmt}"
    args = ["report", statement, "--books", books, "--year", "2019", "--format", fmt]
    result = run_cli(*args, *(["-o", out] if fmt in ("html", "xlsx") else []))
    if result.returncode != 0:
        assert result.returncode == 1 and "Traceback" not in said(result), said(result)
        assert re.search(r"^Error: \S*main\.beancount:\d+: .*USD", result.stderr,
                         re.MULTILINE), said(result)
        return
    if fmt == "xlsx":
        wb = openpyxl.load_workbook(out)
        text = " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row
                        if c.value is not None)
    elif fmt == "html":
        text = out.read_text()
    else:
        text = result.stdout
    if fmt == "json":
        assert json.loads(text)["foreign"] == {"USD": "18.00"}
    else:
        assert "18.00" in text and "USD" in text, text


def test_legal_fees_with_no_rate_are_said_not_counted(books):
    table = run_cli("legal", "--books", books, "--since", "2019-01-01")
    assert table.returncode == 0, said(table)
    assert "Not counted: 7.00 USD booked without a rate to GBP" in table.stdout
    as_json = run_cli("legal", "--books", books, "--since", "2019-01-01", "--format", "json")
    assert json.loads(as_json.stdout)["foreign"] == {"USD": "7.00"}


def test_check_warns_of_money_in_suspense(books):
    result = run_cli("check", "--books", books)
    assert result.returncode == 0
    assert "warning: 1 entry unclassified (Expenses:Unclassified 4.00 GBP)" in result.stderr


def test_reconcile_lists_every_account_not_reconciled(books):
    result = run_cli("reconcile", "--books", books)
    lines = result.stdout.splitlines()
    # Assets:Held:Smith was never used: nothing to reconcile.
    assert "1 of 3 holding accounts reconciled:" in lines
    problems = [x for x in lines if x.startswith("  - ")]
    assert len(problems) == 2
    assert problems == [
        "  - Assets:Bank:Current has no statement balance in the books (£306.00 held)",
        "  - Assets:PayPal has no statement balance in the books ($18.00 held)"]


def test_funder_workbook_says_how_spend_was_converted_and_what_no_tranche_covers(books,
                                                                                tmp_path):
    """170.00 GBP spent against 180.00 GBP received: all covered. Then 40.00 more spent
    from a top-up: 30.00 GBP is beyond every tranche, and the workbook says so."""
    out = tmp_path / "grant.xlsx"
    result = run_cli("report", "funder", "grant", "--books", books, "--to", "2019-12-31",
                     "-o", out)
    assert result.returncode == 0, said(result)
    text = " ".join(str(c.value) for ws in openpyxl.load_workbook(out) for row in
                    ws.iter_rows() for c in row if c.value is not None)
    assert "first in, first out" in text
    assert "Exchange difference = EUR received up to 2019-12-31, valued at the award-date rate" in text
    assert "beyond every tranche" not in text
    more = tmp_path / "more"
    more.mkdir()
    (more / "main.beancount").write_text(BOOKS.replace(
        "2017-01-01 open Income:Donations\n",
        "2017-01-01 open Income:Donations\n2017-01-01 open Equity:Funds:Transfers\n") + """
2019-06-01 * "Trustees" "Top up the grant"
  Equity:Funds:Transfers  50.00 GBP
    fund: "general"
  Equity:Funds:Transfers  -50.00 GBP
    fund: "grant"
2019-06-02 * "Smith & Co" "Beyond the tranche"
  fund: "grant"
  Expenses:Legal:Solicitors  40.00 GBP
  Assets:Bank:Current  -40.00 GBP
""")
    result = run_cli("report", "funder", "grant", "--books", more, "--to", "2019-12-31",
                     "-o", out)
    assert result.returncode == 0, said(result)
    text = " ".join(str(c.value) for ws in openpyxl.load_workbook(out) for row in
                    ws.iter_rows() for c in row if c.value is not None)
    assert "30.00 GBP spent beyond every tranche received by 2019-12-31" in text
