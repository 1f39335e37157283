"""Small books for the SOFA and funder-report tests, with figures worked out by hand, and
an independent way (beanquery) to sum the demo books."""

from __future__ import annotations

import datetime
import textwrap
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


# Books for the SOFA and balance sheet worked by hand (tests/test_sofa_hand.py,
# tests/test_balance_sheet_hand.py): every income heading and expenditure line, support
# costs shared out, a prior year, transfers, an opening balance inside the year, a
# returned leftover and a closed fund, an endowment with a gain, an exchange loss.
# Calendar years (no fy-end): the year under test is 2023, its prior year 2022.
SORP_HEADER = """\
option "title" "Hand Worked Trust"
option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 open Assets:Bank GBP
2017-01-01 open Assets:Held:Firm GBP
2017-01-01 open Assets:Investments:Fund GBP
2017-01-01 open Assets:Debtors:Gift GBP
2017-01-01 open Liabilities:Creditors:Firm GBP
2017-01-01 open Liabilities:Loans:LongTerm GBP
2017-01-01 open Income:Donations:Bank GBP
2017-01-01 open Income:Crowdfunding:CF GBP
2017-01-01 open Income:Grants:Funder GBP
2017-01-01 open Income:Trading:Events GBP
2017-01-01 open Income:Interest GBP
2017-01-01 open Income:Other GBP
2017-01-01 open Income:Gains:Investments GBP
2017-01-01 open Expenses:FX GBP
2017-01-01 open Expenses:Fees:Platform GBP
2017-01-01 open Expenses:Legal:Solicitors GBP
2017-01-01 open Expenses:Comms:Design GBP
2017-01-01 open Expenses:Running:Rent GBP
2017-01-01 open Expenses:Running:Insurance GBP
2017-01-01 open Expenses:Office GBP
2017-01-01 open Equity:Funds:Transfers GBP
2017-01-01 open Equity:Funds:Opening GBP
2017-01-01 custom "fund" "general" "unrestricted"
  title: "General fund"
2017-01-01 custom "fund" "reserve" "designated"
  title: "Reserve"
2017-01-01 custom "fund" "case" "restricted"
  title: "Case crowdfunder"
  purpose: "Expenses:Legal, Expenses:Fees"
2017-01-01 custom "fund" "grant" "restricted"
  title: "Litigation grant"
  purpose: "Expenses:Legal, Expenses:Comms, Expenses:FX"
2017-01-01 custom "fund" "core" "restricted"
  title: "Core grant"
  purpose: "Expenses:Legal"
  sofa-income: "donations"
2017-01-01 custom "fund" "endow" "endowment"
  title: "Endowment"
2017-01-01 custom "support-costs" "Expenses:Running" "legal 70, raising 30"
2017-01-01 custom "support-costs" "Expenses:Running:Insurance" "other 60, raising 40"
2017-01-02 custom "support-costs" "Expenses:Running" "comms 30, legal 50, raising 20"
"""

# 2022 (the prior year)                          fund     column
#   donation 200.00                              general  unrestricted
#   pledges 1,000.00 gross, platform fee 50.00   case     restricted
#   rent 10.01: legal 5.01 (50% is 5.005, 5.00, and the penny left over goes to the
#     largest share), comms 3.00, raising 2.00  general  unrestricted
#   gift 500.00, invested                        endow    endowment
# 2023
#   opening balance 300.00 on 1 January          general  brought forward
#   donation 100.00, event 40.00, interest 5.00, other income 3.00     general
#   grant 1,000.00 (charitable activities)       grant    restricted
#   core grant 600.00 (declared donations), event 7.00                 core
#   legal 400.00                                 case
#   legal 300.00, design 100.00, exchange loss 10.00                   grant
#   revaluation gain 25.00                       endow
#   rent 10.01 (as in 2022); insurance 20.00: other 12.00, raising 8.00;
#     office 15.00 (other, not shared)           general
#   transfer 50.00 general -> case (bank to the firm); designate 30.00 general -> reserve
#     (no money moves)
#   case's leftover 600.00 returned to the platform (400.00 and 200.00), case closed
SORP_JOURNAL = """\
2022-03-01 * "Bank" "Donation"
  fund: "general"
  Assets:Bank                  200.00 GBP
  Income:Donations:Bank       -200.00 GBP
2022-04-01 * "CF" "Pledges"
  fund: "case"
  Assets:Held:Firm             950.00 GBP
  Expenses:Fees:Platform        50.00 GBP
  Income:Crowdfunding:CF     -1000.00 GBP
2022-05-01 * "Landlord" "Rent"
  fund: "general"
  Expenses:Running:Rent         10.01 GBP
  Assets:Bank                  -10.01 GBP
2022-06-01 * "Bank" "Endowment gift"
  fund: "endow"
  Assets:Investments:Fund      500.00 GBP
  Income:Donations:Bank       -500.00 GBP

2023-01-01 * "Balance brought forward"
  fund: "general"
  Assets:Bank                  300.00 GBP
  Equity:Funds:Opening        -300.00 GBP
2023-02-01 * "Bank" "Donation"
  fund: "general"
  Assets:Bank                  100.00 GBP
  Income:Donations:Bank       -100.00 GBP
2023-02-15 * "Tickets" "Quiz night"
  fund: "general"
  Assets:Bank                   40.00 GBP
  Income:Trading:Events        -40.00 GBP
2023-03-01 * "Bank" "Interest"
  fund: "general"
  Assets:Bank                    5.00 GBP
  Income:Interest               -5.00 GBP
2023-03-02 * "Bank" "Sundry"
  fund: "general"
  Assets:Bank                    3.00 GBP
  Income:Other                  -3.00 GBP
2023-04-01 * "Funder" "Litigation grant"
  fund: "grant"
  Assets:Bank                 1000.00 GBP
  Income:Grants:Funder       -1000.00 GBP
2023-04-02 * "Funder" "Core grant"
  fund: "core"
  Assets:Bank                  600.00 GBP
  Income:Grants:Funder        -600.00 GBP
2023-04-03 * "Tickets" "Core grant's event"
  fund: "core"
  Assets:Bank                    7.00 GBP
  Income:Trading:Events         -7.00 GBP
2023-05-01 * "Firm" "Case work"
  fund: "case"
  Expenses:Legal:Solicitors    400.00 GBP
  Assets:Held:Firm            -400.00 GBP
2023-05-02 * "Firm" "Grant work"
  fund: "grant"
  Expenses:Legal:Solicitors    300.00 GBP
  Expenses:Comms:Design        100.00 GBP
  Assets:Bank                 -400.00 GBP
2023-05-03 * "Bank" "Exchange loss"
  fund: "grant"
  Expenses:FX                   10.00 GBP
  Assets:Bank                  -10.00 GBP
2023-06-01 * "Broker" "Revaluation"
  fund: "endow"
  Assets:Investments:Fund       25.00 GBP
  Income:Gains:Investments     -25.00 GBP
2023-07-01 * "Landlord" "Rent and insurance"
  fund: "general"
  Expenses:Running:Rent         10.01 GBP
  Expenses:Running:Insurance    20.00 GBP
  Assets:Bank                  -30.01 GBP
2023-07-02 * "Shop" "Office"
  fund: "general"
  Expenses:Office               15.00 GBP
  Assets:Bank                  -15.00 GBP
2023-08-01 * "Trustees" "Top up the case"
  Equity:Funds:Transfers        50.00 GBP
    fund: "general"
  Equity:Funds:Transfers       -50.00 GBP
    fund: "case"
  Assets:Bank                  -50.00 GBP
    fund: "general"
  Assets:Held:Firm              50.00 GBP
    fund: "case"
2023-08-02 * "Trustees" "Designate a reserve"
  Equity:Funds:Transfers        30.00 GBP
    fund: "general"
  Equity:Funds:Transfers       -30.00 GBP
    fund: "reserve"
2023-09-01 * "CF" "Return the leftover of case to the platform"
  fund: "case"
  leftover: "returned"
  Income:Crowdfunding:CF       400.00 GBP
  Assets:Held:Firm            -400.00 GBP
2023-09-01 * "CF" "Return the leftover of case to the platform: the rest"
  fund: "case"
  leftover: "returned"
  Income:Crowdfunding:CF       200.00 GBP
  Assets:Held:Firm            -200.00 GBP
2023-09-01 custom "fund-close" "case"
"""


def write_sorp(folder: Path, extra: str = "", header: str = SORP_HEADER,
               currency: str = "GBP") -> Path:
    """The hand-worked SORP books (and `extra` entries) in `folder`/main.beancount; with
    `currency`, the same books kept in that currency instead of pounds."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "main.beancount"
    text = header + "\n" + SORP_JOURNAL + textwrap.dedent(extra)
    path.write_text(text.replace("GBP", currency))
    return path
