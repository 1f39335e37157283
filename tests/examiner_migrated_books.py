"""Books a volunteer treasurer wrote by hand when moving from a spreadsheet, in several
included files, for tests/test_examiner_migrated.py. The year ends on 30 September:
FY2023 is 2022-10-01..2023-09-30, FY2024 2023-10-01..2024-09-30.

    2022-10-01  balances from the spreadsheet at 30 Sept 2022: general 2,500.00 (bank)
                and 250.00 USD (PayPal, 205.00 at 0.82), river 1,200.00 (Riverside's
                client account), in one entry with `fund:` on the fund postings only
    FY2023
    2022-11-05  five donations of 160.00 (bank)                               general
    2022-12-01  1,000.00 designated from general to the costs reserve (no money moves)
    2023-01-10  pledges 6,000.00 gross, platform fee 300.00, 5,700.00 on the platform  river
    2023-02-01  the platform pays 5,700.00 to Riverside's client account       river
    2023-03-20  Hedera tranche 1: 20,000.00 EUR received as 17,400.00 GBP (0.87) hedera
    2023-04-15  Riverside RV-101: solicitors 2,400.00 + court fee 528.00 (client a/c) river
    2023-06-30  Riverside RV-102: solicitors 9,000.00 (bank)                   hedera
    2023-08-15  US counsel 2,000.00 USD paid as 1,580.00 GBP (bank)            hedera
    2023-09-20  Riverside RV-103: solicitors 3,000.00 invoiced, owed at the year end  hedera
    2023-09-25  insurance 240.00 (bank)                                        general
    FY2024
    2023-10-20  RV-103 paid (bank)
    2023-11-01  Hedera tranche 2: 20,000.00 EUR received as 17,000.00 GBP (0.85) hedera
    2024-01-10  500.00 general -> river, bank to the client account
    2024-02-01  counsel 4,000.00 (bank)                                        hedera
    2024-03-01  court fees 1,000.00 (bank)                                     hedera
    2024-05-01  Riverside RV-104: solicitors 4,000.00 (client account)         river
    2024-06-01  Riverside RV-105: solicitors 12,000.00 (bank)                  hedera
    2024-07-31  hedera closed: its 3,820.00 leftover released to general (close)
    2024-08-01  five donations of 30.00 (bank)                                 general
    2024-09-10  counsel's advice 250.00 (bank), paid from the reserve          reserve
    2024-09-25  Riverside RV-110: solicitors 300.00 invoiced, owed at the year end river
    FY2025
    2024-10-15  RV-110 paid from the client account
    2024-11-01  a donation of 60.00 (bank)                                     general
    2024-12-01  the 250.00 USD withdrawn from PayPal as 192.50 GBP, written as PayPal
                writes a conversion (the pounds' leg priced in dollars: 0.77)

Rates: USD 0.82 at the start, 0.80 from 1 August 2023 (the US counsel's own @@ is 0.79),
closing USD 0.78 / EUR 0.86 at 30 Sept 2023 and USD 0.76 / EUR 0.84 at 30 Sept 2024.
Statement balances (statements.beancount) for every money account, read off paper.
"""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli

MAIN = """\
option "title" "Riverside Rights Trust"
option "operating_currency" "GBP"
plugin "ledger.plugin"
2022-10-01 custom "fava-extension" "reports.fava_ext" "{}"

include "accounts.beancount"
include "funds.beancount"
include "prices.beancount"
include "opening.beancount"
include "fy2023.beancount"
include "fy2024.beancount"
include "fy2025.beancount"
include "statements.beancount"
"""

ACCOUNTS = """\
2022-10-01 open Assets:Bank:Current GBP
2022-10-01 open Assets:Platforms:CrowdJustice GBP
2022-10-01 open Assets:Held:Riverside GBP
2022-10-01 open Assets:PayPal USD
2022-10-01 open Liabilities:Creditors:Riverside GBP
2022-10-01 open Income:Donations:Bank GBP
2022-10-01 open Income:Crowdfunding:CrowdJustice GBP
2022-10-01 open Income:Grants:Hedera EUR
2022-10-01 open Expenses:Fees:Platform GBP
2022-10-01 open Expenses:Legal:Solicitors GBP
2022-10-01 open Expenses:Legal:Counsel
2022-10-01 open Expenses:Legal:CourtFees GBP
2022-10-01 open Expenses:Running:Insurance GBP
2022-10-01 open Equity:Funds:Opening GBP
2022-10-01 open Equity:Funds:Transfers GBP
"""

FUNDS = """\
2022-10-01 custom "fundledger-option" "fy-end" "09-30"
2022-10-01 custom "firm" "riverside" "Riverside Law LLP"
  client-account: "Assets:Held:Riverside"
2022-10-01 custom "fund" "general" "unrestricted"
  title: "General fund"
2022-10-01 custom "fund" "reserve" "designated"
  title: "Costs reserve"
2022-10-01 custom "fund" "river" "restricted"
  title: "River pollution judicial review"
  purpose: "Expenses:Legal, Expenses:Fees"
  terms: "return-to-platform"
2023-03-01 custom "fund" "hedera" "restricted"
  title: "Hedera Foundation litigation grant"
  purpose: "Expenses:Legal"
  currency: "EUR"
  award: 40000.00 EUR
  award-rate: 0.88
  terms: "release-to-unrestricted"
2023-03-01 custom "fund-budget" "hedera" "Solicitors" 25000.00 EUR
2023-03-01 custom "fund-budget" "hedera" "Counsel" 10000.00 EUR
2023-03-01 custom "fund-budget" "hedera" "Court fees" 5000.00 EUR
"""

PRICES = """\
2022-09-30 price USD 0.82 GBP
2023-03-20 price EUR 0.87 GBP
2023-08-01 price USD 0.80 GBP
2023-09-30 price EUR 0.86 GBP
2023-09-30 price USD 0.78 GBP
2023-11-01 price EUR 0.85 GBP
2024-09-30 price EUR 0.84 GBP
2024-09-30 price USD 0.76 GBP
"""

OPENING = """\
2022-10-01 * "Balances from the spreadsheet at 30 September 2022"
  Assets:Bank:Current            2500.00 GBP
  Equity:Funds:Opening          -2500.00 GBP
    fund: "general"
  Assets:Held:Riverside          1200.00 GBP
  Equity:Funds:Opening          -1200.00 GBP
    fund: "river"
  Assets:PayPal                   250.00 USD @@ 205.00 GBP
  Equity:Funds:Opening           -205.00 GBP
    fund: "general"
"""

DONATION = """\
{date} * "Bank" "Donation"
  fund: "general"
  donor: "d-{donor:08x}"
  Assets:Bank:Current             {amount} GBP
  Income:Donations:Bank          -{amount} GBP
"""


def donations(date: str, amount: str, first: int, count: int) -> str:
    return "".join(DONATION.format(date=date, amount=amount, donor=0xa0 + first + i)
                   for i in range(count))


FY2023 = donations("2022-11-05", "160.00", 0, 5) + """\
2022-12-01 * "Trustees" "Designate a costs reserve"
  Equity:Funds:Transfers         1000.00 GBP
    fund: "general"
  Equity:Funds:Transfers        -1000.00 GBP
    fund: "reserve"
2023-01-10 * "CrowdJustice" "River pledges"
  fund: "river"
  Assets:Platforms:CrowdJustice  5700.00 GBP
  Expenses:Fees:Platform          300.00 GBP
  Income:Crowdfunding:CrowdJustice -6000.00 GBP
2023-02-01 * "CrowdJustice" "Payout to Riverside's client account"
  fund: "river"
  Assets:Held:Riverside          5700.00 GBP
  Assets:Platforms:CrowdJustice -5700.00 GBP
2023-03-20 * "Hedera Foundation" "Grant tranche 1"
  fund: "hedera"
  Assets:Bank:Current           17400.00 GBP
  Income:Grants:Hedera         -20000.00 EUR @@ 17400.00 GBP
2023-04-15 * "Riverside Law LLP" "Pre-action and issue"
  fund: "river"
  invoice: "RV-101"
  Expenses:Legal:Solicitors      2400.00 GBP
  Expenses:Legal:CourtFees        528.00 GBP
  Assets:Held:Riverside         -2928.00 GBP
2023-06-30 * "Riverside Law LLP" "Grant case: disclosure"
  fund: "hedera"
  invoice: "RV-102"
  budget-line: "Solicitors"
  Expenses:Legal:Solicitors      9000.00 GBP
  Assets:Bank:Current           -9000.00 GBP
2023-08-15 * "Hale & Ortiz" "US counsel: expert evidence on the discharge permits"
  fund: "hedera"
  budget-line: "Counsel"
  Expenses:Legal:Counsel         2000.00 USD @@ 1580.00 GBP
  Assets:Bank:Current           -1580.00 GBP
2023-09-20 * "Riverside Law LLP" "Grant case: witness statements"
  fund: "hedera"
  invoice: "RV-103"
  budget-line: "Solicitors"
  Expenses:Legal:Solicitors      3000.00 GBP
  Liabilities:Creditors:Riverside -3000.00 GBP
2023-09-25 * "Insurer" "Trustee insurance"
  fund: "general"
  Expenses:Running:Insurance      240.00 GBP
  Assets:Bank:Current            -240.00 GBP
"""

FY2024 = """\
2023-10-20 * "Riverside Law LLP" "RV-103 paid"
  invoice: "RV-103"
  Liabilities:Creditors:Riverside 3000.00 GBP
  Assets:Bank:Current           -3000.00 GBP
2023-11-01 * "Hedera Foundation" "Grant tranche 2"
  fund: "hedera"
  Assets:Bank:Current           17000.00 GBP
  Income:Grants:Hedera         -20000.00 EUR @@ 17000.00 GBP
2024-01-10 * "Trustees" "General tops up the river case"
  Equity:Funds:Transfers          500.00 GBP
    fund: "general"
  Equity:Funds:Transfers         -500.00 GBP
    fund: "river"
  Assets:Bank:Current            -500.00 GBP
  Assets:Held:Riverside           500.00 GBP
2024-02-01 * "Chambers of A. Counsel" "Grant case: counsel's advice"
  fund: "hedera"
  budget-line: "Counsel"
  Expenses:Legal:Counsel         4000.00 GBP
  Assets:Bank:Current           -4000.00 GBP
2024-03-01 * "HM Courts and Tribunals" "Grant case: court fees"
  fund: "hedera"
  budget-line: "Court fees"
  Expenses:Legal:CourtFees       1000.00 GBP
  Assets:Bank:Current           -1000.00 GBP
2024-05-01 * "Riverside Law LLP" "River: hearing"
  fund: "river"
  invoice: "RV-104"
  Expenses:Legal:Solicitors      4000.00 GBP
  Assets:Held:Riverside         -4000.00 GBP
2024-06-01 * "Riverside Law LLP" "Grant case: trial"
  fund: "hedera"
  invoice: "RV-105"
  budget-line: "Solicitors"
  Expenses:Legal:Solicitors     12000.00 GBP
  Assets:Bank:Current          -12000.00 GBP
""" + donations("2024-08-01", "30.00", 5, 5) + """\
2024-09-10 * "Chambers of A. Counsel" "Advice on costs risk"
  fund: "reserve"
  Expenses:Legal:Counsel          250.00 GBP
  Assets:Bank:Current            -250.00 GBP
2024-09-25 * "Riverside Law LLP" "River: costs of the appeal notice"
  fund: "river"
  invoice: "RV-110"
  Expenses:Legal:Solicitors       300.00 GBP
  Liabilities:Creditors:Riverside -300.00 GBP
"""

FY2025 = """\
2024-10-15 * "Riverside Law LLP" "RV-110 paid"
  invoice: "RV-110"
  Liabilities:Creditors:Riverside 300.00 GBP
  Assets:Held:Riverside          -300.00 GBP
""" + donations("2024-11-01", "60.00", 10, 1) + """\
2024-12-01 * "PayPal" "Dollars withdrawn to the bank in pounds"
  Assets:Bank:Current            192.50 GBP @@ 250.00 USD
  Assets:PayPal                 -250.00 USD
"""

# Balances read off the last paper statements (docs/books.md, "Statement balances").
STATEMENTS = """\
2023-02-02 balance Assets:Platforms:CrowdJustice 0.00 GBP
2024-10-16 balance Assets:Held:Riverside        172.00 GBP
2024-12-02 balance Assets:Bank:Current         6532.50 GBP
2024-12-02 balance Assets:PayPal                  0.00 USD
"""

FILES = {"main.beancount": MAIN, "accounts.beancount": ACCOUNTS,
         "funds.beancount": FUNDS, "prices.beancount": PRICES,
         "opening.beancount": OPENING, "fy2023.beancount": FY2023,
         "fy2024.beancount": FY2024, "fy2025.beancount": FY2025,
         "statements.beancount": STATEMENTS}
DECISION = "Minute 2024/07: release the grant's underspend; the Hedera Foundation agreed"


# On the accruals basis the award is income when made (docs/reports.md, "Accrued grant
# income"): 40,000 EUR at 0.88 = 35,200.00 on 1 March 2023.
ACCRUED = {"main.beancount": ('plugin "ledger.plugin"',
                              'plugin "ledger.accruals"\nplugin "ledger.plugin"'),
           "funds.beancount": ('"Court fees" 5000.00 EUR\n',
                               ('"Court fees" 5000.00 EUR\n'
                                '2023-03-01 custom "grant-award" "hedera" 40000.00 EUR\n'
                                '  rate: 0.88\n  conditions: "none"\n'))}


def write_migrated(folder: Path, accrued: bool = False) -> Path:
    """The books above, the grant closed with `fundledger close` on 31 July 2024."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in FILES.items():
        old, new = ACCRUED.get(name, ("", "")) if accrued else ("", "")
        (folder / name).write_text(text.replace(old, new) if old else text)
    main = folder / "main.beancount"
    done = run_cli("close", "hedera", "--books", main, "--date", "2024-07-31",
                   "--decision", DECISION)
    assert done.returncode == 0, done.stderr
    return main
