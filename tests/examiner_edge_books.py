"""Books an independent examiner builds to try every edge case at once (issue 28), for
tests/test_examiner_recompute.py. 31 March year end: FY2023 is 2022-04-01..2023-03-31.

    FY2023
    2022-04-01  balance brought forward 4,000.00 (bank)                     general
    2022-05-01  donation 1,500.00 (bank)                                    general
    2022-06-01  endowment gift 8,000.00 (bank)                              endow
    2022-06-20  8,000.00 from the bank to the investment deposit            endow
    2022-07-01  crowdfunder: pledges 5,000.00 gross, platform fee 250.00,
                4,750.00 on the platform                                    case
    2022-08-01  the platform pays 4,750.00 to the firm's client account     case
    2022-09-01  1,000.00 designated from general to the reserve (no money moves)
    2022-10-01  counsel 1,000.00 + VAT 200.00 from the client account       case
    2023-01-15  EUR grant awarded: 20,000.00 EUR at 0.86 = 17,200.00        grant
    2023-02-01  insurance 150.00 (bank)                                     general
    2023-03-01  tranche 1: 10,000.00 EUR received as 8,700.00 GBP           grant
    2023-03-10  100.00 of the May donation refunded (bank)                  general
    2023-03-31  deposit interest 40.00 (bank)                               general
    2023-03-31  price EUR 0.85 GBP (the closing rate)
    FY2024
    2023-06-01  tranche 2: 10,000.00 EUR received as 8,400.00 GBP           grant
    2023-07-01  solicitors 12,000.00 (bank)                                 grant
    2023-08-01  donation 1,000.00 USD into the USD account (price 0.80)     general
    2023-09-01  600.00 USD paid for hosting from it (price 0.78)            general
    2023-10-01  500.00 general -> case, bank to the client account
    2023-11-01  appeal crowdfunder: pledges 2,000.00, fee 100.00, 1,900.00
                on the platform                                             appeal
    2023-11-20  the platform pays 1,900.00 to the firm's client account     appeal
    2023-12-01  solicitors 1,500.00 from the client account                 appeal
    2024-01-15  solicitors 2,500.00 + VAT 500.00 from the client account    case
    2024-02-01  appeal closed: its 400.00 leftover donated to a charity (close)
    2024-03-01  case closed: its 1,050.00 leftover returned (close)
    2024-03-15  counsel invoices 1,000.00 EUR (at 0.85: 850.00), owed      grant
    2024-03-31  deposit interest 60.00 (bank)                               general
    2024-03-31  price USD 0.75 GBP, EUR 0.84 (closing rates; USD 0.82 at 2025-03-31)
    FY2025
    2024-05-01  donation 300.00 (bank)                                      general
    2024-05-01  counsel's 1,000.00 EUR paid as 845.00 GBP (bank)           grant
    2024-06-01  solicitors 200.00 (bank), from the designated reserve      reserve
"""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli

EDGE = """\
option "title" "Examiner's Edge Trust"
option "operating_currency" "GBP"
plugin "ledger.accruals"
plugin "ledger.plugin"
2022-04-01 custom "fundledger-option" "fy-end" "03-31"
2022-04-01 custom "fava-extension" "reports.fava_ext" "{}"

2022-04-01 open Assets:Bank:Current GBP
2022-04-01 open Assets:Bank:USD USD
2022-04-01 open Assets:Investments:Deposit GBP
2022-04-01 open Assets:Platforms:CaseFunder GBP
2022-04-01 open Assets:Held:Firm GBP
2022-04-01 open Income:Donations:Bank
2022-04-01 open Income:Crowdfunding:CaseFunder GBP
2022-04-01 open Income:Grants:Lumen EUR
2022-04-01 open Income:Investments:Interest GBP
2022-04-01 open Expenses:Fees:Platform GBP
2022-04-01 open Expenses:Legal:Solicitors GBP
2022-04-01 open Expenses:Legal:Counsel GBP
2022-04-01 open Expenses:Legal:VAT GBP
2022-04-01 open Expenses:Running:Insurance GBP
2022-04-01 open Expenses:Running:Hosting
2022-04-01 open Equity:Funds:Transfers GBP
2022-04-01 open Equity:Funds:Opening GBP
2022-04-01 open Liabilities:Creditors:Chambers

2022-04-01 custom "fund" "general" "unrestricted"
  title: "General fund"
2022-04-01 custom "fund" "reserve" "designated"
  title: "Legal reserve"
2022-04-01 custom "fund" "endow" "endowment"
  title: "Endowment"
2022-04-01 custom "fund" "case" "restricted"
  title: "Case crowdfunder"
  purpose: "Expenses:Legal, Expenses:Fees"
  terms: "return-to-platform"
2022-04-01 custom "fund" "appeal" "restricted"
  title: "Appeal crowdfunder"
  purpose: "Expenses:Legal, Expenses:Fees"
  terms: "donate-to-charity"
  charity: "Access to Justice Foundation"
2022-04-01 custom "fund" "grant" "restricted"
  title: "Lumen grant"
  purpose: "Expenses:Legal"
  currency: "EUR"
2023-01-15 custom "grant-award" "grant" 20000.00 EUR
  rate: 0.86
  conditions: "none"

2023-01-15 price EUR 0.86 GBP
2023-03-31 price EUR 0.85 GBP
2023-08-01 price USD 0.80 GBP
2023-09-01 price USD 0.78 GBP
2024-03-31 price USD 0.75 GBP
2024-03-31 price EUR 0.84 GBP
2025-03-31 price USD 0.82 GBP

2022-04-01 * "Balance brought forward"
  fund: "general"
  Assets:Bank:Current            4000.00 GBP
  Equity:Funds:Opening          -4000.00 GBP
2022-05-01 * "Bank" "Donation"
  fund: "general"
  Assets:Bank:Current            1500.00 GBP
  Income:Donations:Bank         -1500.00 GBP
2022-06-01 * "Bank" "Endowment gift"
  fund: "endow"
  Assets:Bank:Current            8000.00 GBP
  Income:Donations:Bank         -8000.00 GBP
2022-06-20 * "Bank" "To the investment deposit"
  fund: "endow"
  Assets:Investments:Deposit     8000.00 GBP
  Assets:Bank:Current           -8000.00 GBP
2022-07-01 * "CaseFunder" "Pledges"
  fund: "case"
  Assets:Platforms:CaseFunder    4750.00 GBP
  Expenses:Fees:Platform          250.00 GBP
  Income:Crowdfunding:CaseFunder -5000.00 GBP
2022-08-01 * "CaseFunder" "Payout to the client account"
  fund: "case"
  Assets:Held:Firm               4750.00 GBP
  Assets:Platforms:CaseFunder   -4750.00 GBP
2022-09-01 * "Trustees" "Designate a legal reserve"
  Equity:Funds:Transfers         1000.00 GBP
    fund: "general"
  Equity:Funds:Transfers        -1000.00 GBP
    fund: "reserve"
2022-10-01 * "Firm" "Counsel's fee for the hearing" #legal
  fund: "case"
  Expenses:Legal:Counsel         1000.00 GBP
  Expenses:Legal:VAT              200.00 GBP
  Assets:Held:Firm              -1200.00 GBP
2023-02-01 * "Insurer" "Insurance"
  fund: "general"
  Expenses:Running:Insurance      150.00 GBP
  Assets:Bank:Current            -150.00 GBP
2023-03-01 * "Lumen" "Tranche 1"
  fund: "grant"
  Assets:Bank:Current            8700.00 GBP
  Income:Grants:Lumen          -10000.00 EUR @@ 8700.00 GBP
2023-03-10 * "Bank" "Refund of part of a donation"
  fund: "general"
  Income:Donations:Bank           100.00 GBP
  Assets:Bank:Current            -100.00 GBP
2023-03-31 * "Bank" "Deposit interest"
  fund: "general"
  Assets:Bank:Current              40.00 GBP
  Income:Investments:Interest     -40.00 GBP

2023-06-01 * "Lumen" "Tranche 2"
  fund: "grant"
  Assets:Bank:Current            8400.00 GBP
  Income:Grants:Lumen          -10000.00 EUR @@ 8400.00 GBP
2023-07-01 * "Firm" "Solicitors' costs" #legal
  fund: "grant"
  Expenses:Legal:Solicitors     12000.00 GBP
  Assets:Bank:Current          -12000.00 GBP
2023-08-01 * "Bank" "Donation in dollars"
  fund: "general"
  Assets:Bank:USD                1000.00 USD
  Income:Donations:Bank         -1000.00 USD
2023-09-01 * "Host" "Hosting, paid in dollars"
  fund: "general"
  Expenses:Running:Hosting        600.00 USD
  Assets:Bank:USD                -600.00 USD
2023-10-01 * "Trustees" "Top up the case"
  Equity:Funds:Transfers          500.00 GBP
    fund: "general"
  Equity:Funds:Transfers         -500.00 GBP
    fund: "case"
  Assets:Bank:Current            -500.00 GBP
    fund: "general"
  Assets:Held:Firm                500.00 GBP
    fund: "case"
2023-11-01 * "CaseFunder" "Appeal pledges"
  fund: "appeal"
  Assets:Platforms:CaseFunder    1900.00 GBP
  Expenses:Fees:Platform          100.00 GBP
  Income:Crowdfunding:CaseFunder -2000.00 GBP
2023-11-20 * "CaseFunder" "Appeal payout to the client account"
  fund: "appeal"
  Assets:Held:Firm               1900.00 GBP
  Assets:Platforms:CaseFunder   -1900.00 GBP
2023-12-01 * "Firm" "Appeal: solicitors' costs" #legal
  fund: "appeal"
  Expenses:Legal:Solicitors      1500.00 GBP
  Assets:Held:Firm              -1500.00 GBP
2024-01-15 * "Firm" "Case: solicitors' costs" #legal
  fund: "case"
  Expenses:Legal:Solicitors      2500.00 GBP
  Expenses:Legal:VAT              500.00 GBP
  Assets:Held:Firm              -3000.00 GBP
2024-03-15 * "Chambers" "Counsel's opinion, invoiced in euros" #legal
  fund: "grant"
  invoice: "CH-1"
  Expenses:Legal:Counsel           850.00 GBP
  Liabilities:Creditors:Chambers -1000.00 EUR @ 0.85 GBP
2024-03-31 * "Bank" "Deposit interest"
  fund: "general"
  Assets:Bank:Current              60.00 GBP
  Income:Investments:Interest     -60.00 GBP

2024-05-01 * "Bank" "Donation"
  fund: "general"
  Assets:Bank:Current             300.00 GBP
  Income:Donations:Bank          -300.00 GBP
2024-05-01 * "Chambers" "Counsel's opinion paid"
  fund: "grant"
  invoice: "CH-1"
  Liabilities:Creditors:Chambers  1000.00 EUR @@ 845.00 GBP
  Assets:Bank:Current             -845.00 GBP
2024-06-01 * "Firm" "Advice paid from the reserve" #legal
  fund: "reserve"
  Expenses:Legal:Solicitors       200.00 GBP
  Assets:Bank:Current            -200.00 GBP
"""


RECEIPTS = '2022-04-01 custom "fundledger-option" "basis" "receipts"\n'


def write_edge(folder: Path, basis: str = "accruals") -> Path:
    """The books above, closed with `fundledger close` as a treasurer would; on the
    receipts basis the award is income only as its tranches arrive."""
    folder.mkdir(parents=True, exist_ok=True)
    main = folder / "main.beancount"
    main.write_text(EDGE + (RECEIPTS if basis == "receipts" else ""))
    for fund, date, decision in (
            ("appeal", "2024-02-01", "Minute 2024/02: donate the appeal's leftover"),
            ("case", "2024-03-01", "Minute 2024/03: return the case's leftover")):
        done = run_cli("close", fund, "--books", main, "--date", date, "--decision", decision)
        assert done.returncode == 0, done.stderr
    return main
