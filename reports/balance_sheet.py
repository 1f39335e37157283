"""The balance sheet at a year end (Charities SORP FRS 102), with the funds of the charity
and the analysis of net assets between funds; and the statement of assets and liabilities
that goes with receipts and payments accounts.

    balance_sheet(entries, options, date) -> BalanceSheet
    assets_and_liabilities(entries, options, date) -> AssetsAndLiabilities

Assets and liabilities are the books' Assets and Liabilities balances at the end of
`date`, each account on its line (`reports.classify.balance_sheet_line`): fixed assets;
current assets (debtors, cash at bank and in hand, money held by solicitors in client
account); creditors falling due within one year; net current assets; total net assets.
Liabilities are shown as positive amounts owed.

The funds of the charity are each fund's balance (`reports.funds.reconcile`, the same
figure as `fundledger funds --as-of`), summed by class: unrestricted (general), designated
(shown within unrestricted), restricted, endowment. By double entry

    net assets == total funds == sum of the funds' balances == assets - liabilities

for books whose every Income, Expenses and Equity posting belongs to a fund (the plugin
sees to it). The analysis of net assets between funds splits each column's net assets
into the balance-sheet lines using the reconciliation's holdings (where each fund's money
sits), so each column adds up to its funds' balances.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from decimal import Decimal

from beancount.core.data import Transaction

from ledger.rates import Rates, RateUsed
from reports import classify, fx, opening
from reports.classify import operating_currency
from reports.funds import reconcile

ZERO = Decimal("0.00")
FUND_CLASS_ORDER = ("unrestricted", "designated", "restricted", "endowment")
ANALYSIS_COLUMNS = ("unrestricted", "restricted", "endowment")  # designated is unrestricted
CURRENT = ("debtors", "cash_at_bank", "held_by_solicitors")


@dataclasses.dataclass
class AssetsAndLiabilities:
    """Balances at a date by balance-sheet line, and the accounts behind each line."""

    date: datetime.date
    currency: str
    assets: dict[str, Decimal]  # line key -> amount
    liabilities: dict[str, Decimal]  # line key -> amount owed (positive)
    accounts: dict[str, Decimal]  # account -> balance as booked (liabilities negative)
    foreign: dict[str, Decimal]  # balances in a currency with no rate booked
    # Money held or owed in another currency, at the closing rate (reports.fx), and the
    # rates used for it.
    retranslated: list = dataclasses.field(default_factory=list)
    rates: list[RateUsed] = dataclasses.field(default_factory=list)

    @property
    def total_assets(self) -> Decimal:
        return sum(self.assets.values(), ZERO)

    @property
    def total_liabilities(self) -> Decimal:
        return sum(self.liabilities.values(), ZERO)

    @property
    def net_assets(self) -> Decimal:
        return self.total_assets - self.total_liabilities


@dataclasses.dataclass
class FundBalance:
    fund: str
    title: str
    fund_class: str
    balance: Decimal


@dataclasses.dataclass
class BalanceSheet:
    title: str
    currency: str
    date: datetime.date
    position: AssetsAndLiabilities
    funds: dict[str, Decimal]  # fund class -> total of its funds' balances
    fund_balances: list[FundBalance]
    analysis: dict[str, dict[str, Decimal]]  # column -> line key (and "liabilities") -> amount
    prior: BalanceSheet | None

    @property
    def total_funds(self) -> Decimal:
        return sum(self.funds.values(), ZERO)

    @property
    def net_current_assets(self) -> Decimal:
        p = self.position
        return (sum((p.assets[k] for k in CURRENT), ZERO)
                - p.liabilities["creditors_within_one_year"])


def _clean(n: Decimal) -> Decimal:
    return n + 0 if n == 0 else n


def assets_and_liabilities(entries, options, date: datetime.date) -> AssetsAndLiabilities:
    unit = operating_currency(options)
    accounts: dict[str, Decimal] = defaultdict(lambda: ZERO)
    foreign: dict[str, Decimal] = defaultdict(lambda: ZERO)
    rates = Rates(entries, unit)
    held = fx.retranslate(entries, options, date, rates)
    for r in held.items:  # money in another currency: at the closing rate
        accounts[r.account] += r.closing
    for c, n in held.foreign.items():
        foreign[c] += n
    for txn in entries:
        if not isinstance(txn, Transaction) or txn.date > date:
            continue
        for p in txn.postings:
            if p.account.startswith(("Assets:", "Liabilities:")) and not fx.is_monetary(p, unit):
                w = fx.booked(p, unit)
                if w.currency == unit:
                    accounts[p.account] += w.number
                else:
                    foreign[w.currency] += w.number
    assets = {h.key: ZERO for h in classify.BALANCE_SHEET_LINES}
    liabilities = {h.key: ZERO for h in classify.LIABILITY_LINES}
    for account, n in accounts.items():
        line = classify.balance_sheet_line(account)
        if account.startswith("Assets:"):
            assets[line] += n
        else:
            liabilities[line] -= n
    return AssetsAndLiabilities(
        date, unit, {k: _clean(v) for k, v in assets.items()},
        {k: _clean(v) for k, v in liabilities.items()},
        {a: n for a, n in sorted(accounts.items()) if n},
        {c: n for c, n in foreign.items() if n}, held.items, rates.listed())


def _holding_line(account: str) -> str:
    """A fund's holding as a balance-sheet line; money one fund holds for another (a
    transfer that moved no money) and anything not attributed stay with cash."""
    if account.startswith(("Assets:", "Liabilities:")):
        return ("liabilities" if account.startswith("Liabilities:")
                else classify.balance_sheet_line(account))
    return "cash_at_bank"


def analysis_column(fund_class: str) -> str:
    return fund_class if fund_class in ANALYSIS_COLUMNS else "unrestricted"


def balance_sheet(entries, options, date: datetime.date,
                  prior: datetime.date | None = None) -> BalanceSheet:
    """The balance sheet at the end of `date`; with `prior`, the one at that date beside."""
    unit = operating_currency(options)
    entries = opening.as_brought_forward(entries)
    position = assets_and_liabilities(entries, options, date)
    fx.refuse_unrated(entries, options, date, position.foreign)
    # Each fund's balance and holdings are at the closing rate (FRS 102 s30.10): the
    # reconciliation counts the unrealised exchange difference of what a fund holds in
    # another currency as that fund's (reports.fx).
    summaries = reconcile(entries, options, as_of=date)
    funds = {c: ZERO for c in FUND_CLASS_ORDER}
    balances = []
    lines = [h.key for h in classify.BALANCE_SHEET_LINES]
    analysis = {c: {k: ZERO for k in [*lines, "liabilities"]} for c in ANALYSIS_COLUMNS}
    for s in summaries:
        if s.opened > date and not s.balance:
            continue  # (a first-year opening balance counts before its fund's declaration)
        balance = s.balance
        funds[s.fund_class] = funds.get(s.fund_class, ZERO) + balance
        if balance or s.closed is None or s.closed >= date:
            balances.append(FundBalance(s.fund, s.title, s.fund_class, balance))
        column = analysis[analysis_column(s.fund_class)]
        for h in s.holdings:
            line = _holding_line(h.account)
            column[line] += -h.amount if line == "liabilities" else h.amount
    return BalanceSheet(
        title=(options or {}).get("title") or "", currency=unit, date=date,
        position=position, funds={k: _clean(v) for k, v in funds.items()},
        fund_balances=balances,
        analysis={c: {k: _clean(v) for k, v in col.items()} for c, col in analysis.items()},
        prior=balance_sheet(entries, options, prior) if prior else None)


def analysis_total(column: dict[str, Decimal]) -> Decimal:
    """A column of the analysis: its assets less its liabilities (= its funds)."""
    return sum((n for k, n in column.items() if k != "liabilities"), ZERO) - column[
        "liabilities"]
