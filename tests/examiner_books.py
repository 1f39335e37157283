"""Books built for an independent examiner's checks (issue 28), each figure worked by hand
in the tests that use them (tests/test_examiner_hand.py).

FIRST_YEAR: books that begin inside their first financial year (31 March year end; FY2024
is 2023-04-01..2024-03-31) by bringing a balance forward, with an endowment gift moved on
to an investment deposit, a crowdfunder, a transfer between funds, rent:

    2023-04-01  opening balance 5,000.00 (bank)                 general   unrestricted
    2023-05-01  donation 2,000.00 (bank)                        general
    2023-06-01  endowment gift 10,000.00 (bank)                 endow     endowment
    2023-06-15  10,000.00 moved from the bank to the deposit    endow
    2023-07-01  pledges 3,000.00 paid to the firm's client account  case  restricted
    2023-08-01  solicitors 1,200.00 from the client account     case
    2023-09-01  transfer 300.00 general -> case (bank to the firm)
    2023-10-01  rent 100.00 (bank)                              general
    2024-04-10  donation 7.00 (FY2025)                          general
"""

from __future__ import annotations

from pathlib import Path

FIRST_YEAR = """\
option "title" "First Year Trust"
option "operating_currency" "GBP"
plugin "ledger.plugin"
2023-04-01 custom "fundledger-option" "fy-end" "03-31"
{basis}
2023-04-01 open Assets:Bank GBP
2023-04-01 open Assets:Held:Firm GBP
2023-04-01 open Assets:Investments:Deposit GBP
2023-04-01 open Income:Donations:Bank GBP
2023-04-01 open Income:Crowdfunding:CF GBP
2023-04-01 open Expenses:Legal:Solicitors GBP
2023-04-01 open Expenses:Running:Rent GBP
2023-04-01 open Equity:Funds:Transfers GBP
2023-04-01 open Equity:Funds:Opening GBP
2023-04-01 custom "fund" "general" "unrestricted"
  title: "General fund"
2023-04-01 custom "fund" "case" "restricted"
  title: "Case crowdfunder"
  purpose: "Expenses:Legal"
2023-04-01 custom "fund" "endow" "endowment"
  title: "Endowment"

2023-04-01 * "Balance brought forward"
  fund: "general"
  Assets:Bank                  5000.00 GBP
  Equity:Funds:Opening        -5000.00 GBP
2023-05-01 * "Bank" "Donation"
  fund: "general"
  Assets:Bank                  2000.00 GBP
  Income:Donations:Bank       -2000.00 GBP
2023-06-01 * "Bank" "Endowment gift"
  fund: "endow"
  Assets:Bank                 10000.00 GBP
  Income:Donations:Bank      -10000.00 GBP
2023-06-15 * "Bank" "To the deposit"
  fund: "endow"
  Assets:Investments:Deposit  10000.00 GBP
  Assets:Bank                -10000.00 GBP
2023-07-01 * "CF" "Pledges"
  fund: "case"
  Assets:Held:Firm             3000.00 GBP
  Income:Crowdfunding:CF      -3000.00 GBP
2023-08-01 * "Firm" "Case work"
  fund: "case"
  Expenses:Legal:Solicitors    1200.00 GBP
  Assets:Held:Firm            -1200.00 GBP
2023-09-01 * "Trustees" "Top up the case"
  Equity:Funds:Transfers        300.00 GBP
    fund: "general"
  Equity:Funds:Transfers       -300.00 GBP
    fund: "case"
  Assets:Bank                  -300.00 GBP
  Assets:Held:Firm              300.00 GBP
2023-10-01 * "Landlord" "Rent"
  fund: "general"
  Expenses:Running:Rent         100.00 GBP
  Assets:Bank                  -100.00 GBP
2024-04-10 * "Bank" "Donation"
  fund: "general"
  Assets:Bank                     7.00 GBP
  Income:Donations:Bank          -7.00 GBP
"""
RECEIPTS = '2023-04-01 custom "fundledger-option" "basis" "receipts"'


def write_first_year(folder: Path, basis: str = "accruals", extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "main.beancount"
    path.write_text(FIRST_YEAR.format(basis=RECEIPTS if basis == "receipts" else "") + extra)
    return path
