"""Books for the receipts and payments account line by line (tests/test_rp_lines.py,
tests/test_statements_shown.py), each figure worked by hand there. Calendar year; the
year tested is 2024, with one entry on the day before it, several on its first and last
days and one on the day after.

    2023-12-31  donation 1,000.00 (bank)                  general  the prior year
    2024-01-01  donation 200.00 (bank)                    general  first day
    2024-02-01  pledges 1,000.00, platform fee 50.00 (firm)  case   restricted
    2024-02-10  pledges 300.00 (firm)                     appeal   restricted
    2024-03-01  interest 5.00 (bank)                      general
    2024-03-15  opening balance of a cash tin 50.00       general  brought forward
    2024-04-01  grant 3,000.00 (bank)                     case
    2024-04-15  solicitors 200.00 (firm)                  appeal
    2024-05-01  invoice INV-1 booked: solicitors 600.00   case     (no money moves)
    2024-05-02  invoice INV-2 booked: design 90.00        general  (no money moves)
    2024-06-01  INV-1 paid from the bank, no fund named   -> the invoice's fund, case
    2024-06-02  INV-2 paid from the bank by the case fund -> the payment's own fund
    2024-06-15  gift of 100.00 USD at 0.80 (USD account)  general  80.00
    2024-07-01  design 120.00 (bank)                      general
    2024-07-15  grant to another charity 80.00            general
    2024-08-01  endowment gift 5,000.00 (bank)            endow
    2024-08-02  4,000.00 put on the deposit               endow
    2024-09-01  transfer 250.00 general -> case (bank to the firm)
    2024-09-15  designate 100.00 general -> reserve (no money moves)
    2024-10-01  loan received 2,000.00 (bank)             general
    2024-10-15  appeal's leftover returned, 60.00 and 40.00; appeal closed
    2024-11-01  1,000.00 taken off the deposit            endow
    2024-11-15  loan repaid 500.00                        general
    2024-12-31  rent 40.00 (bank)                         general  last day
    2024-12-31  the dollar at 0.75: 100.00 USD held is 75.00, an exchange loss of 5.00
    2025-01-01  donation 7.00 (bank)                      general  day after
"""

from __future__ import annotations

import datetime
from pathlib import Path

RP_BOOKS = """\
option "title" "Lines Trust"
option "operating_currency" "GBP"
plugin "ledger.plugin"
2020-01-01 custom "fundledger-option" "fy-end" "12-31"
2020-01-01 custom "fundledger-option" "basis" "receipts"
2020-01-01 open Assets:Bank GBP
2020-01-01 open Assets:Bank:USD USD
2020-01-01 open Assets:Cash:Tin GBP
2020-01-01 open Assets:Held:Firm GBP
2020-01-01 open Assets:Investments:Deposit GBP
2020-01-01 open Liabilities:Creditors GBP
2020-01-01 open Liabilities:Loans:LongTerm GBP
2020-01-01 open Income:Donations:Bank
2020-01-01 open Income:Crowdfunding:CF GBP
2020-01-01 open Income:Grants:Trust GBP
2020-01-01 open Income:Interest GBP
2020-01-01 open Expenses:Fees:Platform GBP
2020-01-01 open Expenses:Legal:Solicitors GBP
2020-01-01 open Expenses:Comms:Design GBP
2020-01-01 open Expenses:Grants:Charities GBP
2020-01-01 open Expenses:Running:Rent GBP
2020-01-01 open Equity:Funds:Transfers GBP
2020-01-01 open Equity:Funds:Opening GBP
2020-01-01 custom "fund" "general" "unrestricted"
  title: "General fund"
2020-01-01 custom "fund" "reserve" "designated"
  title: "Reserve"
2020-01-01 custom "fund" "case" "restricted"
  title: "Case fund"
  purpose: "Expenses:Legal, Expenses:Fees"
2020-01-01 custom "fund" "appeal" "restricted"
  title: "Appeal crowdfunder"
  purpose: "Expenses:Legal"
2020-01-01 custom "fund" "endow" "endowment"
  title: "Endowment"
2024-06-15 price USD 0.80 GBP
2024-12-31 price USD 0.75 GBP

2023-12-31 * "Bank" "Donation"
  fund: "general"
  Assets:Bank                  1000.00 GBP
  Income:Donations:Bank       -1000.00 GBP
2024-01-01 * "Bank" "Donation"
  fund: "general"
  Assets:Bank                   200.00 GBP
  Income:Donations:Bank        -200.00 GBP
2024-02-01 * "CF" "Pledges"
  fund: "case"
  Assets:Held:Firm              950.00 GBP
  Expenses:Fees:Platform         50.00 GBP
  Income:Crowdfunding:CF      -1000.00 GBP
2024-02-10 * "CF" "Appeal pledges"
  fund: "appeal"
  Assets:Held:Firm              300.00 GBP
  Income:Crowdfunding:CF       -300.00 GBP
2024-03-01 * "Bank" "Interest"
  fund: "general"
  Assets:Bank                     5.00 GBP
  Income:Interest                -5.00 GBP
2024-03-15 * "Balance brought forward"
  fund: "general"
  Assets:Cash:Tin                50.00 GBP
  Equity:Funds:Opening          -50.00 GBP
2024-04-01 * "Trust" "Grant"
  fund: "case"
  Assets:Bank                  3000.00 GBP
  Income:Grants:Trust         -3000.00 GBP
2024-04-15 * "Firm" "Appeal work"
  fund: "appeal"
  Expenses:Legal:Solicitors     200.00 GBP
  Assets:Held:Firm             -200.00 GBP
2024-05-01 * "Firm" "Case work invoiced"
  fund: "case"
  invoice: "INV-1"
  Expenses:Legal:Solicitors     600.00 GBP
  Liabilities:Creditors        -600.00 GBP
2024-05-02 * "Designer" "Leaflet invoiced"
  fund: "general"
  invoice: "INV-2"
  Expenses:Comms:Design          90.00 GBP
  Liabilities:Creditors         -90.00 GBP
2024-06-01 * "Firm" "Pay INV-1"
  invoice: "INV-1"
  Liabilities:Creditors         600.00 GBP
  Assets:Bank                  -600.00 GBP
2024-06-02 * "Designer" "Pay INV-2"
  fund: "case"
  invoice: "INV-2"
  Liabilities:Creditors          90.00 GBP
  Assets:Bank                   -90.00 GBP
2024-06-15 * "Bank" "Dollar gift"
  fund: "general"
  Assets:Bank:USD               100.00 USD
  Income:Donations:Bank        -100.00 USD
2024-07-01 * "Designer" "Leaflets"
  fund: "general"
  Expenses:Comms:Design         120.00 GBP
  Assets:Bank                  -120.00 GBP
2024-07-15 * "Foundation" "Grant made"
  fund: "general"
  Expenses:Grants:Charities      80.00 GBP
  Assets:Bank                   -80.00 GBP
2024-08-01 * "Bank" "Endowment gift"
  fund: "endow"
  Assets:Bank                  5000.00 GBP
  Income:Donations:Bank       -5000.00 GBP
2024-08-02 * "Bank" "To the deposit"
  fund: "endow"
  Assets:Investments:Deposit   4000.00 GBP
  Assets:Bank                 -4000.00 GBP
2024-09-01 * "Trustees" "Top up the case"
  Equity:Funds:Transfers        250.00 GBP
    fund: "general"
  Equity:Funds:Transfers       -250.00 GBP
    fund: "case"
  Assets:Bank                  -250.00 GBP
    fund: "general"
  Assets:Held:Firm              250.00 GBP
    fund: "case"
2024-09-15 * "Trustees" "Designate a reserve"
  Equity:Funds:Transfers        100.00 GBP
    fund: "general"
  Equity:Funds:Transfers       -100.00 GBP
    fund: "reserve"
2024-10-01 * "Lender" "Loan"
  fund: "general"
  Assets:Bank                  2000.00 GBP
  Liabilities:Loans:LongTerm  -2000.00 GBP
2024-10-15 * "CF" "Return the appeal's leftover"
  fund: "appeal"
  leftover: "returned"
  Income:Crowdfunding:CF         60.00 GBP
  Assets:Held:Firm              -60.00 GBP
2024-10-15 * "CF" "Return the appeal's leftover: the rest"
  fund: "appeal"
  leftover: "returned"
  Income:Crowdfunding:CF         40.00 GBP
  Assets:Held:Firm              -40.00 GBP
2024-10-15 custom "fund-close" "appeal"
2024-11-01 * "Bank" "From the deposit"
  fund: "endow"
  Assets:Bank                  1000.00 GBP
  Assets:Investments:Deposit  -1000.00 GBP
2024-11-15 * "Lender" "Repay part of the loan"
  fund: "general"
  Liabilities:Loans:LongTerm    500.00 GBP
  Assets:Bank                  -500.00 GBP
2024-12-31 * "Landlord" "Rent"
  fund: "general"
  Expenses:Running:Rent          40.00 GBP
  Assets:Bank                   -40.00 GBP
2025-01-01 * "Bank" "Donation"
  fund: "general"
  Assets:Bank                     7.00 GBP
  Income:Donations:Bank          -7.00 GBP
"""

Y2024 = (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))


def write_rp(folder: Path, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "main.beancount"
    path.write_text(RP_BOOKS + extra)
    return path
