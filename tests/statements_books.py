"""Small books for the SOFA and funder-report tests, with figures worked out by hand, and
an independent way (beanquery) to sum the demo books."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import beanquery

from ledger import books as ledger_books

CENT = Decimal("0.01")

# Financial year ends 31 March. FY2023 = 2022-04-01..2023-03-31, FY2024 = 2023-04-01..
# 2024-03-31. The grant: 10,000 EUR awarded at 0.95 GBP/EUR, received as 5,000 EUR for
# 4,400 GBP (0.88) and 5,000 EUR for 4,600 GBP (0.92): 9,000 GBP, average 0.90.
TINY = """\
option "title" "Tiny Trust"
option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 custom "fundledger-option" "fy-end" "03-31"
2017-01-01 open Assets:Bank GBP
2017-01-01 open Assets:Held:Firm GBP
2017-01-01 open Income:Donations:Bank GBP
2017-01-01 open Income:Crowdfunding:CF GBP
2017-01-01 open Income:Grants:Lumen EUR
2017-01-01 open Income:Interest GBP
2017-01-01 open Expenses:Fees:Platform GBP
2017-01-01 open Expenses:Legal:Solicitors GBP
2017-01-01 open Expenses:Comms:Design GBP
2017-01-01 open Expenses:Running:Rent GBP
2017-01-01 open Equity:Funds:Transfers GBP
2017-01-01 custom "fund" "general" "unrestricted"
2017-01-01 custom "fund" "reserve" "designated"
2017-01-01 custom "fund" "case" "restricted"
  purpose: "Expenses:Legal, Expenses:Fees"
2017-01-01 custom "fund" "grant" "restricted"
  title: "Lumen grant"
  purpose: "Expenses:Legal, Expenses:Comms"
  currency: "EUR"
  award: 10000.00 EUR
  award-rate: 0.95
2017-01-01 custom "fund-budget" "grant" "Lawyers" 8000.00 EUR
2017-01-01 custom "fund-budget" "grant" "Comms" 2000.00 EUR
2017-01-01 custom "budget-map" "grant" "Expenses:Comms" "Comms"

2022-05-01 * "Bank" "Donation"
  fund: "general"
  Assets:Bank              100.00 GBP
  Income:Donations:Bank   -100.00 GBP
2022-06-01 * "CF" "Pledges"
  fund: "case"
  Assets:Held:Firm         950.00 GBP
  Expenses:Fees:Platform    50.00 GBP
  Income:Crowdfunding:CF -1000.00 GBP
2022-07-01 * "Lumen" "Tranche 1"
  fund: "grant"
  Assets:Bank             4400.00 GBP
  Income:Grants:Lumen    -5000.00 EUR @@ 4400.00 GBP
2022-08-01 * "Landlord" "Rent"
  fund: "general"
  Expenses:Running:Rent     30.00 GBP
  Assets:Bank              -30.00 GBP
2022-09-01 * "Trustees" "Designate"
  Equity:Funds:Transfers    20.00 GBP
    fund: "general"
  Equity:Funds:Transfers   -20.00 GBP
    fund: "reserve"

2023-04-10 * "Bank" "Interest"
  fund: "general"
  Assets:Bank                5.00 GBP
  Income:Interest           -5.00 GBP
2023-05-01 * "Lumen" "Tranche 2"
  fund: "grant"
  Assets:Bank             4600.00 GBP
  Income:Grants:Lumen    -5000.00 EUR @@ 4600.00 GBP
2023-06-01 * "Firm" "Claim" #legal
  fund: "grant"
  invoice: "F-1"
  Expenses:Legal:Solicitors 2300.00 GBP
    budget-line: "Lawyers"
  Assets:Bank             -2300.00 GBP
2023-06-02 * "Studio" "=cmd|' /C calc'!A0"
  fund: "grant"
  Expenses:Comms:Design    460.00 GBP
  Assets:Bank             -460.00 GBP
2023-07-01 * "Firm" "Extra work"
  fund: "grant"
  Expenses:Legal:Solicitors 230.00 GBP
  Assets:Bank             -230.00 GBP
2023-08-01 * "Firm" "Case work"
  fund: "case"
  Expenses:Legal:Solicitors 900.00 GBP
  Assets:Held:Firm        -900.00 GBP
2023-09-01 * "Trustees" "Top up the case"
  Equity:Funds:Transfers    10.00 GBP
    fund: "general"
  Equity:Funds:Transfers   -10.00 GBP
    fund: "case"
  Assets:Bank              -10.00 GBP
  Assets:Held:Firm          10.00 GBP

2024-04-05 * "Bank" "Donation"
  fund: "general"
  Assets:Bank                7.00 GBP
  Income:Donations:Bank     -7.00 GBP
"""


def write_tiny(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "main.beancount"
    path.write_text(TINY)
    return path


def load(path) -> tuple[list, dict]:
    entries, errors, options = ledger_books.load(path)
    assert errors == [], [ledger_books.format_error(e) for e in errors]
    return entries, options


def query(entries, options, sql: str) -> list[tuple]:
    conn = beanquery.connect("beancount:", entries=entries, errors=[], options=options)
    return conn.execute(sql).fetchall()


def fund_sums(entries, options, start: datetime.date, end: datetime.date):
    """{(account, fund): sum of weights} for fund postings dated start..end, by beanquery."""
    rows = query(entries, options,
                 f"SELECT account, meta('fund') AS fund, sum(number(weight)) AS n "
                 f"WHERE date >= {start} AND date <= {end} "
                 "AND account ~ '^(Income|Expenses|Equity:Funds):' GROUP BY account, fund")
    return {(a, f): Decimal(n).quantize(CENT) for a, f, n in rows}


def cents(value) -> Decimal:
    """A workbook number (openpyxl reads floats) back to exact cents."""
    return Decimal(str(value)).quantize(CENT)
