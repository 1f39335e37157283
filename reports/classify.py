"""Where an account goes in the statements: the one place that maps the chart of accounts
(docs/books.md) to the UK Charity SORP headings, and to the treasurer's own breakdown
(income channel, legal category, fee kind) used by the reconciliation.

Income
- `Income:Donations:*`, `Income:Crowdfunding:*` -> donations and legacies. Crowdfunding
  pledges are gifts from the public; the platform's cut is an expense (booked gross).
- `Income:Grants:*` -> income from charitable activities. SORP (FRS 102) puts in donations
  only grants "that provide core funding or are of a general nature"; grants "specifically
  for the provision of goods and services to be provided as part of charitable activities"
  (performance-related: a budget, a named case, reporting back) are income from charitable
  activities. Our grants fund a specific piece of litigation against a budget, so they
  belong there. A general-purpose grant would be booked under Income:Donations.
- `Income:Trading:*`, `Income:Events:*`, `Income:Sales:*` -> other trading activities.
- `Income:Interest`, `Income:Investments:*` -> investments.
- anything else under Income -> other income.
- `Income:Gains:*`, `Expenses:Losses:*`, `Income:FX:*`, `Expenses:FX:*` -> net gains/
  (losses) (on investments, realised exchange differences), shown after net income.
- A grant's heading can be declared on its fund, overriding the account:
  `sofa-income: "donations"` for a grant of a general nature (core funding), or
  "charitable" for a performance-related one (the default for `Income:Grants`).

Expenditure
- `Expenses:Fees:*` (platform, payment processing, bank charges) -> raising funds: they are
  the cost of collecting donations and pledges.
- `Expenses:Legal:*` -> charitable activities: litigation; `Expenses:Comms:*` ->
  charitable activities: communications (public-education about the cases).
- `Expenses:Grants:*` -> charitable activities: grants to other charities (a closed
  fund's leftover donated under its terms is a grant made, in the grants-payable note).
- anything else under Expenses (running costs) -> other expenditure.
- a fund's leftover returned on closing (`leftover: "returned"`) -> unspent funds returned
  to donors, whatever income account it was booked against.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from ledger import funds as fundmodel
from ledger.rates import operating_currency  # noqa: F401 - reports take it from here


class Heading(NamedTuple):
    key: str
    label: str


INCOME_HEADINGS = (
    Heading("donations", "Donations and legacies"),
    Heading("charitable", "Charitable activities"),
    Heading("trading", "Other trading activities"),
    Heading("investments", "Investments"),
    Heading("other", "Other income"),
)
EXPENDITURE_HEADINGS = (
    Heading("raising", "Raising funds"),
    Heading("legal", "Charitable activities: litigation"),
    Heading("comms", "Charitable activities: communications"),
    Heading("grants", "Charitable activities: grants to other charities"),
    Heading("other", "Other expenditure"),
    Heading("returned", "Unspent funds returned to donors"),
)
# A closing entry that returns a fund's leftover (ledger.closing, `leftover: "returned"`)
# is booked against the income account it was raised on, but it is not negative
# fundraising: the SOFA shows it on its own expenditure line, so income stays what was
# raised, and the reconciliation shows it as "returned". One definition on every surface.
RETURNED_HEADING = "returned"

_INCOME_PREFIXES = (
    ("Income:Donations", "donations"),
    ("Income:Crowdfunding", "donations"),
    ("Income:Grants", "charitable"),
    ("Income:Interest", "investments"),
    ("Income:Investments", "investments"),
    ("Income:Trading", "trading"),
    ("Income:Events", "trading"),
    ("Income:Sales", "trading"),
)
# Gains and losses (SORP: after net income/expenditure, before transfers): on investments,
# and realised exchange differences.
GAINS_PREFIXES = fundmodel.GAINS_AND_LOSSES
_EXPENSE_PREFIXES = (
    ("Expenses:Fees", "raising"),
    ("Expenses:Legal", "legal"),
    ("Expenses:Comms", "comms"),
    ("Expenses:Grants", "grants"),
)


# The treasurer's own breakdown of a fund (the reconciliation, the Funds page, the
# transparency statement): income by channel, legal fees by category, fees by kind.
CHANNELS = (
    ("Income:Crowdfunding:", "crowdfunding"),
    ("Income:Grants:", "grant"),
    ("Income:Donations:", "donations"),
)
LEGAL_CATEGORIES = {
    "Expenses:Legal:Solicitors": "profit costs",
    "Expenses:Legal:Counsel": "counsel",
    "Expenses:Legal:CourtFees": "court fees",
    "Expenses:Legal:VAT": "VAT",
}
PLATFORM_FEES = ("Expenses:Fees:Platform",)
PAYMENT_FEES = ("Expenses:Fees:Payment", "Expenses:Fees:Bank")


def channel(account: str) -> str:
    for prefix, name in CHANNELS:
        if account.startswith(prefix):
            return name
    return "other"


def legal_category(account: str) -> str:
    for prefix, name in LEGAL_CATEGORIES.items():
        if _under(account, prefix):
            return name
    return "other legal"


def under(account: str, prefix: str) -> bool:
    """`account` is `prefix` or one of its sub-accounts."""
    return account == prefix or account.startswith(prefix + ":")


_under = under


@functools.cache  # a pure function of the account name; statements ask it often
def is_gain_or_loss(account: str) -> bool:
    return any(_under(account, p) for p in GAINS_PREFIXES)


@functools.cache
def income_heading(account: str) -> str:
    for prefix, key in _INCOME_PREFIXES:
        if _under(account, prefix):
            return key
    return "other"


@functools.cache
def expenditure_heading(account: str) -> str:
    for prefix, key in _EXPENSE_PREFIXES:
        if _under(account, prefix):
            return key
    return "other"


SOFA_COLUMNS = ("unrestricted", "restricted", "endowment")


def sofa_column(fund_class: str) -> str:
    """SORP shows designated funds within unrestricted funds: they are the trustees' own
    earmarking, not a restriction imposed by a donor. Endowments have their own column."""
    return fund_class if fund_class in ("restricted", "endowment") else "unrestricted"


class ReportError(ValueError):
    """The books cannot be reported on as asked; the message starts `file:line:` if it can."""


def where(posting, txn) -> str:
    """`file:line` of a posting (its own line when beancount kept it)."""
    meta = posting.meta if posting.meta and posting.meta.get("lineno") else txn.meta
    return f"{meta.get('filename')}:{meta.get('lineno')}"


# The balance sheet (SORP FRS 102) and the receipts and payments basis: where an asset or
# liability account goes. Assets are pooled (docs/books.md); every Assets account is money
# the charity holds (a bank, a platform's or PayPal's balance, the solicitors' client
# account, money in transit) unless it is under one of these.
BALANCE_SHEET_LINES = (
    Heading("fixed_assets", "Fixed assets"),
    Heading("debtors", "Debtors"),
    Heading("cash_at_bank", "Cash at bank and in hand"),
    Heading("held_by_solicitors", "Held by solicitors in client account"),
)
LIABILITY_LINES = (
    Heading("creditors_within_one_year", "Creditors: amounts falling due within one year"),
    Heading("creditors_after_one_year", "Creditors: amounts falling due after one year"),
)
_ASSET_PREFIXES = (
    ("Assets:Fixed", "fixed_assets"),
    ("Assets:Investments", "fixed_assets"),
    ("Assets:Debtors", "debtors"),
    ("Assets:Prepayments", "debtors"),
    ("Assets:Held", "held_by_solicitors"),
)
_LONG_TERM_LIABILITIES = ("Liabilities:Loans:LongTerm", "Liabilities:LongTerm")


@functools.cache
def balance_sheet_line(account: str) -> str:
    """The balance-sheet line of an Assets or Liabilities account."""
    if account.startswith("Liabilities:"):
        if any(_under(account, p) for p in _LONG_TERM_LIABILITIES):
            return "creditors_after_one_year"
        return "creditors_within_one_year"
    for prefix, key in _ASSET_PREFIXES:
        if _under(account, prefix):
            return key
    return "cash_at_bank"


@functools.cache
def is_cash(account: str) -> bool:
    """Money the charity holds, for the receipts and payments basis: bank, cash, PayPal,
    Stripe, a platform's balance, the solicitors' client account, money in transit."""
    return (account.startswith("Assets:")
            and balance_sheet_line(account) in ("cash_at_bank", "held_by_solicitors"))


@functools.cache
def is_investment(account: str) -> bool:
    """An investment deposit or holding: money moved into it is a payment (an asset
    bought) on the receipts basis, and money taken out of it a receipt."""
    return _under(account, "Assets:Investments")


@functools.cache
def is_debtor(account: str) -> bool:
    return balance_sheet_line(account) == "debtors" and account.startswith("Assets:")


RECEIPT_HEADINGS = (
    Heading("donations", "Donations and legacies"),
    Heading("charitable", "Grants and charitable activities"),
    Heading("investments", "Investment income"),
    Heading("investments_sold", "Investments sold or withdrawn"),
    Heading("other", "Other receipts"),
)
PAYMENT_HEADINGS = (
    Heading("raising", "Raising funds: platform, payment and bank fees"),
    Heading("legal", "Charitable activities: litigation"),
    Heading("comms", "Charitable activities: communications"),
    Heading("grants", "Charitable activities: grants to other charities"),
    Heading("investments", "Investments bought (deposits)"),
    Heading("other", "Other payments"),
    Heading("returned", "Unspent funds returned to donors"),
)
