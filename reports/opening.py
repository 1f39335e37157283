"""When an opening balance counts: the one rule every statement uses.

An opening balance (`Equity:Funds:Opening`, what an import brings forward from a
statement's first balance) is what a fund held before the books' first entry. It is never
income and never a receipt. Books that begin inside their first financial year date it on
the first statement's day, but the money was there when that year began: so the statements
count it as at the end of the year before (the prior-year column's carried forward, the
prior-year balance sheet, the receipts and payments account's cash brought forward):

    brought_forward_date(txn, first_year_start) -> the date it counts at

Only the books' first financial year moves this way; an opening balance dated later (a
new account's first statement, years on) is brought forward in the period it falls in
(reports.sofa, reports.receipts_payments), and no earlier year that was already reported
changes.
"""

from __future__ import annotations

import datetime

from beancount.core.data import Custom, Open, Transaction

from ledger import funds as fundmodel
from ledger import options as ledger_options


def is_opening(txn) -> bool:
    return isinstance(txn, Transaction) and any(
        p.account == fundmodel.OPENING_ACCOUNT for p in txn.postings)


Year = tuple[datetime.date, datetime.date]


def first_year(entries) -> Year | None:
    """First and last day of the financial year of the books' first entry that is not an
    opening balance (None for books with no other entry)."""
    first = min((e.date for e in entries
                 if isinstance(e, Transaction) and not is_opening(e)), default=None)
    if first is None:
        return None
    end = ledger_options.fy_end(entries)
    return ledger_options.fy_dates(ledger_options.fy_of(first, end), end)


def brought_forward_date(txn, first: Year | None) -> datetime.date:
    """The date a transaction counts at: an opening balance dated inside the books' first
    financial year counts on the last day of the year before; everything else on its own
    date."""
    if first is not None and first[0] <= txn.date <= first[1] and is_opening(txn):
        return first[0] - datetime.timedelta(days=1)
    return txn.date


def as_brought_forward(entries) -> list:
    """The entries with each first-year opening balance dated as it counts (for the
    balance-sheet and cash sums, which read dates only). The accounts and funds such a
    balance needs, declared on or before its own date, are declared from then too."""
    first = first_year(entries)
    if first is None:
        return list(entries)
    moved = [e.date for e in entries if brought_forward_date(e, first) != e.date]
    if not moved:
        return list(entries)
    counted, last = first[0] - datetime.timedelta(days=1), max(moved)
    out = []
    for e in entries:
        if isinstance(e, Transaction):
            day = brought_forward_date(e, first)
        elif isinstance(e, Open | Custom) and counted < e.date <= last:
            day = counted
        else:
            day = e.date
        out.append(e if day == e.date else e._replace(date=day))
    return out
