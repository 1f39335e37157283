"""The fund model: what the books declare, read back as plain values.

The books declare funds with `custom` directives (README.md, "The fund model in the books"):

    2018-01-10 custom "fund" "jr-surveillance" "restricted"
      title: "Judicial review crowdfunder"
      purpose: "Expenses:Legal, Expenses:Fees"   ; prefixes a restricted fund may be spent on
      currency: "GBP"
      terms: "return-to-platform"               ; or "release-to-unrestricted", or
                                                ; "donate-to-charity" with charity: "<name>"
    2024-07-06 custom "fund-close" "jr-surveillance"
    2019-05-01 custom "fund-budget" "drf-grant" "Solicitors" 40000.00 EUR

Grant budget lines are `fund-budget`, not `budget`: Fava reads every `custom "budget"` as
its own per-account budget and shows ours as errors on its Errors page.

Every posting to Income:*, Expenses:* and Equity:Funds:* belongs to one fund, named by
`fund:` metadata on the posting or, as a default, on its transaction. Assets and
liabilities are pooled and carry no fund. A fund's balance is minus the sum of its
postings' weights, so income raises it and spending lowers it.

Everything here is a pure function over loaded entries; nothing writes.
"""

from __future__ import annotations

import datetime
import difflib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import NamedTuple

from beancount.core import amount as amount_lib
from beancount.core import convert
from beancount.core.data import Custom, Posting, Transaction

FUND_CLASSES = ("unrestricted", "designated", "restricted", "endowment")
TERMS = ("return-to-platform", "release-to-unrestricted", "donate-to-charity")
DONATE = "donate-to-charity"  # CrowdJustice's rule: a leftover goes to a named charity
FUND_ACCOUNT_ROOTS = ("Income:", "Expenses:", "Equity:Funds:")
TRANSFERS_ACCOUNT = "Equity:Funds:Transfers"
# Money held before the books' first entry (an import's balance brought forward): the
# statements show it as funds brought forward, never as a transfer from another fund.
OPENING_ACCOUNT = "Equity:Funds:Opening"
# Gains and losses (SORP: after net income/expenditure, before transfers): on investments
# and exchange differences. A restricted fund may carry them whatever its purpose: a loss
# on money it holds in euros is not spending (FRS 102 s30).
GAINS_AND_LOSSES = ("Income:Gains", "Expenses:Losses", "Income:FX", "Expenses:FX")
# The custom directive types the fund model reads.
FUND, FUND_CLOSE, BUDGET = "fund", "fund-close", "fund-budget"
FAVA_BUDGET = "budget"  # Fava's own per-account budget directive; not ours
CENT = Decimal("0.01")

# A balance per currency, e.g. {"GBP": Decimal("312.40")}: plain and easy to compare.
Balance = dict[str, Decimal]


class Fund(NamedTuple):
    id: str
    fund_class: str  # unrestricted | designated | restricted | endowment
    title: str
    purpose: tuple[str, ...]  # account prefixes a restricted fund may be spent on
    currency: str
    terms: str | None  # what happens to a leftover: one of TERMS
    opened: datetime.date
    closed: datetime.date | None
    meta: dict  # the declaration's filename and lineno
    charity: str | None = None  # who gets a leftover under donate-to-charity terms


class Budget(NamedTuple):
    fund: str
    line: str
    amount: amount_lib.Amount
    date: datetime.date
    meta: dict


class DeclarationError(NamedTuple):
    source: dict
    message: str
    entry: object


def is_fund_account(account: str) -> bool:
    """Income, expenses and fund equity belong to a fund; assets and liabilities are pooled."""
    return account.startswith(FUND_ACCOUNT_ROOTS)


def posting_fund(posting: Posting, txn: Transaction) -> str | None:
    """The fund of a posting: its own `fund:`, else its transaction's."""
    if posting.meta and posting.meta.get("fund"):
        return posting.meta["fund"]
    return txn.meta.get("fund") if txn.meta else None


def weight(posting: Posting) -> amount_lib.Amount:
    """A posting's weight in the currency it was booked at.

    A price (`@` or `@@`) converts to the price currency; beancount keeps the per-unit
    price at 28 digits, so `-117.37 EUR @@ 100 GBP` weighs -100.000...0 GBP. Money
    actually booked is in cents, so converted weights are rounded to the cent: that keeps
    "exactly zero" exact when a fund is closed.
    """
    if posting.cost is None and posting.price is None:  # most postings: no lookups
        return posting.units
    w = convert.get_weight(posting)
    if posting.price is not None and posting.cost is None:
        return amount_lib.Amount(w.number.quantize(CENT), w.currency)
    return w


def _values(entry: Custom) -> list:
    return [v.value for v in entry.values]


def _prefixes(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.replace(",", " ").split() if p.strip())


def declarations(entries: Iterable) -> tuple[dict[str, Fund], list[Budget], list[DeclarationError]]:
    """Read fund, fund-close and budget directives. Returns funds by id, budgets, errors."""
    funds: dict[str, Fund] = {}
    budgets: list[Budget] = []
    errors: list[DeclarationError] = []
    closes: list[Custom] = []
    for entry in entries:
        if not isinstance(entry, Custom):
            continue
        values = _values(entry)
        if entry.type == FUND:
            if len(values) != 2 or not all(isinstance(v, str) for v in values):
                errors.append(DeclarationError(
                    entry.meta, 'a fund is declared as: custom "fund" "<id>" "<class>"', entry))
                continue
            fund_id, fund_class = values
            if fund_class not in FUND_CLASSES:
                errors.append(DeclarationError(
                    entry.meta, f"fund '{fund_id}': class '{fund_class}' is not one of "
                    f"{', '.join(FUND_CLASSES)}", entry))
                continue
            if fund_id in funds:
                errors.append(DeclarationError(
                    entry.meta, f"fund '{fund_id}' is declared twice", entry))
                continue
            terms = entry.meta.get("terms")
            if terms is not None and terms not in TERMS:
                errors.append(DeclarationError(
                    entry.meta, f"fund '{fund_id}': terms '{terms}' is not one of "
                    f"{', '.join(TERMS)}", entry))
            if terms == DONATE and not str(entry.meta.get("charity") or "").strip():
                errors.append(DeclarationError(
                    entry.meta, f"fund '{fund_id}': terms '{DONATE}' must name the charity "
                    "(charity: \"<name>\")", entry))
            if fund_class == "restricted" and not entry.meta.get("purpose"):
                errors.append(DeclarationError(
                    entry.meta, f"fund '{fund_id}': a restricted fund needs a purpose "
                    "(the account prefixes it may be spent on)", entry))
            funds[fund_id] = Fund(
                id=fund_id,
                fund_class=fund_class,
                title=entry.meta.get("title", fund_id),
                purpose=_prefixes(entry.meta.get("purpose", "")),
                currency=entry.meta.get("currency", ""),
                terms=terms,
                opened=entry.date,
                closed=None,
                meta={"filename": entry.meta.get("filename"), "lineno": entry.meta.get("lineno")},
                charity=entry.meta.get("charity"),
            )
        elif entry.type == FUND_CLOSE:
            closes.append(entry)
        elif entry.type == FAVA_BUDGET and values and ":" not in str(values[0]):
            # Fava's budgets name an account; one naming a fund is ours in the old spelling.
            errors.append(DeclarationError(
                entry.meta, f'custom "{FAVA_BUDGET}" is Fava\'s per-account budget; declare '
                f'a grant budget line as custom "{BUDGET}" "<fund>" "<line>" <amount> <CUR>',
                entry))
        elif entry.type == BUDGET:
            if (len(values) != 3 or not isinstance(values[0], str)
                    or not isinstance(values[1], str)
                    or not isinstance(values[2], amount_lib.Amount)):
                errors.append(DeclarationError(
                    entry.meta, 'a budget line is declared as: '
                    f'custom "{BUDGET}" "<fund>" "<line>" <amount> <CUR>', entry))
                continue
            budgets.append(Budget(values[0], values[1], values[2], entry.date, entry.meta))
    for entry in closes:
        values = _values(entry)
        fund_id = values[0] if values else None
        fund = funds.get(fund_id)
        if fund is None:
            errors.append(DeclarationError(
                entry.meta, f"fund-close: fund '{fund_id}' is not declared", entry))
        elif fund.closed is not None:
            errors.append(DeclarationError(
                entry.meta, f"fund '{fund_id}' is closed twice", entry))
        else:
            funds[fund_id] = fund._replace(closed=entry.date)
    for budget in budgets:
        if budget.fund not in funds:
            errors.append(DeclarationError(
                budget.meta, f"budget line '{budget.line}': fund '{budget.fund}' is not declared",
                None))
    return funds, budgets, errors


def did_you_mean(fund_id: str, declared: Iterable[str]) -> str:
    """"; did you mean 'general'?" where a declared fund's id is close to a mistyped one."""
    close = difflib.get_close_matches(fund_id, list(declared), n=1, cutoff=0.7)
    return f"; did you mean '{close[0]}'?" if close else ""


def fund_postings(entries: Iterable) -> Iterator[tuple[Transaction, Posting, str | None]]:
    """Every posting that belongs to a fund, with its transaction and fund id (None if missing)."""
    for entry in entries:
        if isinstance(entry, Transaction):
            for posting in entry.postings:
                if is_fund_account(posting.account):
                    yield entry, posting, posting_fund(posting, entry)


def add(balance: Balance, amount: amount_lib.Amount, sign: int = 1) -> None:
    balance[amount.currency] = balance.get(amount.currency, Decimal(0)) + sign * amount.number


def balances(entries: Iterable, until: datetime.date | None = None) -> dict[str, Balance]:
    """Each fund's balance (income minus spending, plus transfers in) up to `until` inclusive."""
    result: dict[str, Balance] = defaultdict(dict)
    for txn, posting, fund in fund_postings(entries):
        if until is not None and txn.date > until:
            continue
        if fund is not None:
            add(result[fund], weight(posting), -1)
    return {fund: {c: n for c, n in bal.items() if n != 0} for fund, bal in result.items()}


def format_balance(balance: Balance) -> str:
    if not balance:
        return "0"
    return ", ".join(f"{n:,.2f} {c}" for c, n in sorted(balance.items()))
