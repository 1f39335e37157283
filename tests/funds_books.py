"""Small books for the fund reconciliation, closing and legal tests, with figures that can
be worked out by hand (each figure's arithmetic is in the test that checks it)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from ledger import books as ledger_books

HEADER = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 open Assets:Bank:Current GBP
2017-01-01 open Assets:Held:Firm GBP
2017-01-01 open Liabilities:Creditors:Firm GBP
2017-01-01 open Income:Crowdfunding:Platform GBP
2017-01-01 open Income:Grants:Funder EUR
2017-01-01 open Income:Donations:Bank GBP
2017-01-01 open Expenses:Fees:Platform GBP
2017-01-01 open Expenses:Fees:Payment GBP
2017-01-01 open Expenses:Legal:Solicitors GBP
2017-01-01 open Expenses:Legal:Counsel GBP
2017-01-01 open Expenses:Legal:VAT GBP
2017-01-01 open Expenses:Running:Rent GBP
2017-01-01 open Equity:Funds:Transfers GBP

2017-01-01 custom "fund" "general" "unrestricted"
  title: "General"
2018-01-10 custom "fund" "case" "restricted"
  title: "A case"
  purpose: "Expenses:Legal, Expenses:Fees"
  terms: "return-to-platform"
2019-01-01 custom "fund" "grant" "restricted"
  title: "A EUR grant"
  purpose: "Expenses:Legal"
  currency: "EUR"
  terms: "release-to-unrestricted"
"""

# case: raised 1,000.00 gross, fees 40 + 10, legal 500 + 200 + 100 paid and 100 owed:
#   balance 1000 - 50 - 900 = 50.00; held 950 - 800 = 150.00 at the firm, 100.00 owed.
# grant: EUR 1,000.00 received as 870.00 GBP, 600.00 GBP paid: balance 270.00 in the bank.
# general: 100.00 donated, 30.00 rent: balance 70.00 in the bank.
JOURNAL = """\
2018-02-01 * "Platform" "Pledges paid out to the firm's client account"
  fund: "case"
  Assets:Held:Firm                 950.00 GBP
  Expenses:Fees:Platform            40.00 GBP
  Expenses:Fees:Payment             10.00 GBP
  Income:Crowdfunding:Platform   -1000.00 GBP

2018-03-01 * "Firm LLP" "Grounds"
  fund: "case"
  invoice: "F-1"
  Expenses:Legal:Solicitors        500.00 GBP
  Expenses:Legal:Counsel           200.00 GBP
    firm: "Chambers"
  Expenses:Legal:VAT               100.00 GBP
  Assets:Held:Firm                -800.00 GBP

2018-04-01 * "Firm LLP" "Hearing"
  fund: "case"
  invoice: "F-2"
  Expenses:Legal:Solicitors        100.00 GBP
  Liabilities:Creditors:Firm      -100.00 GBP

2019-01-10 * "Funder" "Grant, EUR 1,000"
  fund: "grant"
  Assets:Bank:Current              870.00 GBP
  Income:Grants:Funder           -1000.00 EUR @@ 870.00 GBP

2019-02-01 * "Other Firm" "Advice"
  fund: "grant"
  invoice: "O-1"
  Expenses:Legal:Solicitors        600.00 GBP
  Assets:Bank:Current             -600.00 GBP

2018-01-05 * "Bank transfer" "Donation"
  fund: "general"
  Assets:Bank:Current              100.00 GBP
  Income:Donations:Bank           -100.00 GBP

2018-06-01 * "Landlord" "Rent"
  fund: "general"
  Expenses:Running:Rent             30.00 GBP
  Assets:Bank:Current              -30.00 GBP
"""

PAY_F2 = """
2018-05-01 * "Firm LLP" "Hearing invoice paid from client account"
  invoice: "F-2"
  Liabilities:Creditors:Firm       100.00 GBP
  Assets:Held:Firm                -100.00 GBP
"""

# After PAY_F2, the case's last 50.00 spent: balance exactly zero, nothing owed.
SPEND_REST_OF_CASE = PAY_F2 + """
2018-06-01 * "Firm LLP" "Final"
  fund: "case"
  invoice: "F-3"
  Expenses:Legal:Solicitors         50.00 GBP
  Assets:Held:Firm                 -50.00 GBP
"""



def write_books(folder: Path, extra: str = "") -> Path:
    """Books in `folder`: main.beancount (header, includes) and journal.beancount."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "main.beancount").write_text(HEADER + 'include "journal.beancount"\n')
    (folder / "journal.beancount").write_text(JOURNAL + textwrap.dedent(extra))
    return folder / "main.beancount"


def load_clean(main: Path):
    entries, errors, options = ledger_books.load(main)
    assert not errors, [ledger_books.format_error(e) for e in errors]
    return entries, options
