"""Every holding account against its last statement: what an examiner ticks first.

A statement balance is a beancount `balance` directive (importers write one from a
statement's running balance, with the statement line's `import-id`; a treasurer may write
one by hand from a paper statement or a solicitor's client-account ledger). For each
holding account (bank accounts, PayPal, Stripe, platforms, each solicitors' client
account) and currency this gives the last statement balance on or before the day asked
about, the books' balance that day (before that day's entries, as beancount checks a
balance), the difference, and the entries since: money the books record that no
statement has shown yet.

Every money account is a holding account (`reports.classify.is_cash`: whatever is not a
fixed asset or a debtor), so one an import has just opened under any name is listed too.
An account is reconciled when it has a statement balance, agrees with it, nothing was
booked to it after that statement (or when it was never used), and its balance is not
below zero: money cannot be overdrawn from a platform, PayPal or a client account, and a
bank below zero in the books but not on its statement means an entry is missing or on the
wrong account. Pure function over loaded entries; nothing here
reads or writes files.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from beancount.core.data import Balance, Open, Transaction

from ledger import funds as fundmodel
from reports.classify import is_cash
from reports.fund_holdings import show_money

ZERO = Decimal(0)
# Money in transit between our own accounts has no statement of its own: it is
# reconciled when everything sent has arrived (its balance is nil).
IN_TRANSIT = "Assets:Transfers"


class AccountCheck(NamedTuple):
    account: str
    currency: str
    statement_date: datetime.date | None  # the last statement balance's day (None: none)
    statement: Decimal | None  # its balance
    import_id: str | None  # the statement line it came from, when imported
    books: Decimal | None  # the books' balance that day, before its entries
    difference: Decimal | None  # books - statement
    since: tuple[Transaction, ...]  # entries booked to the account from that day on
    since_total: Decimal
    balance: Decimal  # the books' balance at the end of the day asked about

    @property
    def overdrawn(self) -> bool:
        return self.balance < 0

    @property
    def reconciled(self) -> bool:
        if self.overdrawn:
            return False
        if self.account == IN_TRANSIT and self.statement is None:
            return self.balance == 0
        if self.statement is None:  # an account never used holds nothing to check
            return not self.since and self.balance == 0
        return self.difference == 0 and not self.since

    def problem(self) -> str | None:
        """Why the account is not reconciled, in a treasurer's words (None when it is)."""
        if self.reconciled:
            return None
        if self.overdrawn:
            return below_zero(self.account, self.balance, self.currency)
        if self.account == IN_TRANSIT and self.statement is None:
            return (f"{self.account}: {show_money(self.balance, self.currency)} sent between "
                    "our own accounts has not arrived (book its arrival)")
        if self.statement is None:
            held = f" ({show_money(self.balance, self.currency)} held)" if self.currency else ""
            return f"{self.account} has no statement balance in the books{held}"
        if self.difference:
            return (f"{self.account} differs from its statement of {self.statement_date} "
                    f"by {show_money(self.difference, self.currency)}")
        if self.since:
            return (f"{self.account}: {len(self.since)} entr"
                    f"{'y' if len(self.since) == 1 else 'ies'} "
                    f"({show_money(self.since_total, self.currency)}) not yet on a statement "
                    f"(last {self.statement_date})")
        return None


def is_holding(account: str) -> bool:
    """Where money physically sits (docs/books.md): the accounts that have statements."""
    return is_cash(account)


def below_zero(account: str, balance: Decimal, currency: str) -> str:
    return (f"{account} is below zero ({show_money(balance, currency)}): money cannot be "
            "taken from where there is none; an entry is missing or booked to the wrong "
            "account (two names for one account?)")


def overdrawn(entries) -> list[str]:
    """Every money account whose balance at the books' end is below zero, in words."""
    return [below_zero(c.account, c.balance, c.currency)
            for c in reconcile_accounts(entries) if c.overdrawn]


def reconcile_accounts(entries, as_of: datetime.date | None = None) -> list[AccountCheck]:
    """One AccountCheck per holding account and currency, up to `as_of` inclusive."""
    running: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    last: dict[tuple[str, str], tuple[Balance, Decimal]] = {}
    since: dict[tuple[str, str], list[Transaction]] = defaultdict(list)
    since_total: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    opened: list[str] = []
    for entry in entries:  # sorted: a day's balance directives come before its entries
        if as_of is not None and entry.date > as_of:
            break
        if isinstance(entry, Open) and is_holding(entry.account):
            opened.append(entry.account)
        elif isinstance(entry, Balance) and is_holding(entry.account):
            key = (entry.account, entry.amount.currency)
            last[key] = (entry, running[key])
            since[key], since_total[key] = [], ZERO
        elif isinstance(entry, Transaction):
            for posting in entry.postings:
                if not is_holding(posting.account):
                    continue
                key = (posting.account, posting.units.currency)
                running[key] += posting.units.number
                if not since[key] or since[key][-1] is not entry:
                    since[key].append(entry)
                since_total[key] += posting.units.number
    keys = set(running) | set(last)
    used = {account for account, _c in keys}
    keys |= {(account, "") for account in opened if account not in used}  # never used
    out = []
    for key in sorted(keys):
        account, currency = key
        statement = last.get(key)
        if statement is None:
            out.append(AccountCheck(account, currency, None, None, None, None, None,
                                    tuple(since.get(key, ())), since_total.get(key, ZERO),
                                    running.get(key, ZERO)))
            continue
        directive, books = statement
        out.append(AccountCheck(
            account, currency, directive.date, directive.amount.number,
            directive.meta.get("import-id"), books, books - directive.amount.number,
            tuple(since[key]), since_total[key], running[key]))
    return out


def fund_accounts(entries, fund: str) -> list[str]:
    """The holding accounts a fund's money went through: its transactions' holding legs."""
    found = set()
    for txn, _posting, fund_id in fundmodel.fund_postings(entries):
        if fund_id == fund:
            found.update(p.account for p in txn.postings if is_holding(p.account))
    return sorted(found)


def unreconciled(checks: list[AccountCheck], accounts) -> list[str]:
    """Why each of these accounts is not reconciled: blockers to closing a fund that used
    them (its last payments must be seen on a statement before it closes)."""
    return [c.problem() for c in checks if c.account in accounts and not c.reconciled]
