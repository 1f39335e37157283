"""Trial balance, nominal ledger and the entries behind every statement line, for a year.

    trial_balance(entries, options, start, end) -> TrialBalance
    nominal_ledger(entries, options, start, end) -> list[LedgerRow]
    entries_behind(entries, options, start, end) -> list[BehindRow]

Trial balance: every Assets and Liabilities account at its balance at `end`; every Income,
Expenses and Equity account at its movement in start..end; and one line for what earlier
years left in the funds ("Funds brought forward": minus the Income, Expenses and Equity
postings before `start`). Debit positive, credit negative, as beancount books them, so the
debits equal the credits. Amounts are posting weights in the operating currency.

Nominal ledger: every posting of the year, account by account, with the account's
running balance (balance-sheet accounts from their balance brought forward).

Entries behind the lines: each posting of the year with the SOFA line it is counted on
(column, heading, fund) and, for the balance sheet at `end`, each asset and liability
posting up to `end` with its balance-sheet line, so an examiner can add up any figure
from the entries and find each entry's file and line.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from decimal import Decimal

from beancount.core.data import Transaction

from ledger import funds as fundmodel
from ledger.closing import LEFTOVER_KEY
from ledger.rates import NoRate, Rates
from reports import classify, fx, sofa
from reports.classify import operating_currency, where
from reports.funds import RETURNED

ZERO = Decimal("0.00")
BROUGHT_FORWARD = "Funds brought forward (earlier years' income, expenditure and funds)"
BALANCE_ROOTS = ("Assets:", "Liabilities:")
# Money held in another currency at the closing rate (reports.fx): the other side of the
# difference between its booked and its closing value.
RETRANSLATION = "Exchange differences (money in other currencies at the closing rate)"


@dataclasses.dataclass
class TrialLine:
    account: str
    balance: Decimal  # debit positive

    @property
    def debit(self) -> Decimal:
        return self.balance if self.balance > 0 else ZERO

    @property
    def credit(self) -> Decimal:
        return -self.balance if self.balance < 0 else ZERO


@dataclasses.dataclass
class TrialBalance:
    currency: str
    start: datetime.date
    end: datetime.date
    lines: list[TrialLine]

    @property
    def total_debit(self) -> Decimal:
        return sum((x.debit for x in self.lines), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((x.credit for x in self.lines), ZERO)


@dataclasses.dataclass
class LedgerRow:
    account: str
    date: datetime.date
    narration: str
    fund: str
    amount: Decimal
    balance: Decimal
    source: str  # file:line


@dataclasses.dataclass
class BehindRow:
    statement: str  # "sofa" or "balance sheet"
    line: str  # e.g. "expenditure.legal", "cash_at_bank"
    column: str  # unrestricted | restricted (SOFA), "" for the balance sheet
    fund: str
    date: datetime.date
    account: str
    amount: Decimal  # as the line counts it (income and liabilities positive)
    narration: str
    source: str


def _postings(entries, unit: str, until: datetime.date, rates: Rates | None = None):
    """Each posting in `unit` as every statement counts it (reports.fx.in_unit: a foreign
    amount at its entry's own rate, else the books' on its date); one with no rate at all
    has no place here."""
    rates = rates or Rates(entries, unit)
    for txn in entries:
        if isinstance(txn, Transaction) and txn.date <= until:
            for p in txn.postings:
                try:
                    yield txn, p, fx.in_unit(p, txn, unit, rates).number
                except NoRate:
                    continue


def trial_balance(entries, options, start: datetime.date, end: datetime.date) -> TrialBalance:
    unit = operating_currency(options)
    rates = Rates(entries, unit)
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    earlier = ZERO
    for txn, p, n in _postings(entries, unit, end, rates):
        if p.account.startswith(BALANCE_ROOTS):
            sums[p.account] += n
        elif txn.date < start:
            earlier += n
        else:
            sums[p.account] += n
    closing = fx.retranslate(entries, options, end, rates).items
    for r in closing:
        sums[r.account] += r.difference
    # The exchange differences line is the year's, as in the SOFA: what was already
    # unrealised at the end of the year before is part of the funds brought forward.
    before = sum((r.difference for r in fx.retranslate(
        entries, options, start - datetime.timedelta(days=1), rates).items), ZERO)
    earlier -= before
    retranslated = sum((r.difference for r in closing), ZERO) - before
    lines = [TrialLine(a, n) for a, n in sorted(sums.items()) if n]
    if earlier:
        lines.append(TrialLine(BROUGHT_FORWARD, earlier))
    if retranslated:
        lines.append(TrialLine(RETRANSLATION, -retranslated))
    return TrialBalance(unit, start, end, lines)


def _retranslated(entries, options, start: datetime.date, end: datetime.date,
                  rates: Rates) -> list[tuple[fx.Retranslation, Decimal, Decimal]]:
    """Each item of money in another currency held at the start or the end of the year:
    (the item, its difference to date at the day before `start`, at `end`). Nothing is
    booked for it, but the statements count it (reports.fx), so the ledger and the
    entries behind show it as a row of its own."""
    before = {(r.fund, r.account, r.currency): r for r in fx.retranslate(
        entries, options, start - datetime.timedelta(days=1), rates).items}
    out = []
    for r in fx.retranslate(entries, options, end, rates).items:
        was = before.pop((r.fund, r.account, r.currency), None)
        out.append((r, was.difference if was else ZERO, r.difference))
    out += [(r, r.difference, ZERO) for r in before.values()]
    return [x for x in out if x[1] or x[2]]


def _closing_words(r: fx.Retranslation) -> str:
    return (f"{r.units} {r.currency} at the closing rate: exchange difference "
            "(not booked)")


def nominal_ledger(entries, options, start: datetime.date, end: datetime.date
                   ) -> list[LedgerRow]:
    unit = operating_currency(options)
    rates = Rates(entries, unit)
    opening: dict[str, Decimal] = defaultdict(lambda: ZERO)
    rows: dict[str, list[tuple]] = defaultdict(list)
    for txn, p, n in _postings(entries, unit, end, rates):
        if txn.date < start:
            if p.account.startswith(BALANCE_ROOTS):
                opening[p.account] += n
            continue
        rows[p.account].append((txn, p, n))
    # Money in another currency: brought forward and carried at the closing rates, as
    # the trial balance and the balance sheet show it.
    moved: dict[str, list[tuple]] = defaultdict(list)
    for r, was, now in _retranslated(entries, options, start, end, rates):
        opening[r.account] += was
        if now != was:
            moved[r.account].append((r, now - was))
    out = []
    for account in sorted(set(rows) | set(opening) | set(moved)):
        balance = opening.get(account, ZERO)
        if balance:
            out.append(LedgerRow(account, start, "balance brought forward", "", ZERO, balance,
                                 ""))
        for txn, p, n in rows.get(account, []):
            balance += n
            out.append(LedgerRow(account, txn.date, txn.narration or "",
                                 fundmodel.posting_fund(p, txn) or "", n, balance,
                                 where(p, txn)))
        for r, n in moved.get(account, []):
            balance += n
            out.append(LedgerRow(account, end, _closing_words(r), r.fund or "", n, balance, ""))
    return out


def entries_behind(entries, options, start: datetime.date, end: datetime.date
                   ) -> list[BehindRow]:
    unit = operating_currency(options)
    declared, _b, _e = fundmodel.declarations(entries)
    headings = sofa.income_headings(entries)
    allocations = sofa.support_costs(entries)
    out = []
    for txn, p, n in _postings(entries, unit, end):
        fund = fundmodel.posting_fund(p, txn) or ""
        if p.account.startswith(BALANCE_ROOTS):
            line = classify.balance_sheet_line(p.account)
            out.append(BehindRow("balance sheet", line, "", "", txn.date, p.account,
                                 -n if p.account.startswith("Liabilities:") else n,
                                 txn.narration or "", where(p, txn)))
            continue
        if txn.date < start or not p.account.startswith(("Income:", "Expenses:")):
            continue
        column = classify.sofa_column(declared[fund].fund_class) if fund in declared else ""
        if p.account.startswith("Income:") and txn.meta.get(LEFTOVER_KEY) == RETURNED:
            lines = [(f"expenditure.{classify.RETURNED_HEADING}", n)]
        elif classify.is_gain_or_loss(p.account):
            lines = [("gains", -n)]
        elif p.account.startswith("Income:"):
            lines = [(f"income.{sofa.income_line(p.account, fund, headings)}", -n)]
        else:
            lines = [(f"expenditure.{h}", part)
                     for h, part in sofa.expenditure_lines(p.account, n, allocations)]
        for line, amount in lines:
            out.append(BehindRow("sofa", line, column, fund, txn.date, p.account, amount,
                                 txn.narration or "", where(p, txn)))
    # Money in another currency at the closing rate: the balance sheet's line moves by its
    # difference to date, the SOFA's gains by the year's change (reports.sofa counts the
    # funds the reconciliation says hold it, and so do these rows).
    for r, was, now in _retranslated(entries, options, start, end, Rates(entries, unit)):
        if now:
            out.append(BehindRow("balance sheet", classify.balance_sheet_line(r.account), "",
                                 "", end, r.account,
                                 -now if r.account.startswith("Liabilities:") else now,
                                 _closing_words(r), ""))
        if now != was and r.fund in declared:
            column = classify.sofa_column(declared[r.fund].fund_class)
            out.append(BehindRow("sofa", "gains", column, r.fund, end, r.account, now - was,
                                 _closing_words(r), ""))
    return out
