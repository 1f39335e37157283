"""Which entries the Funds page reconciles, given Fava's filters.

Fava's time filter clamps entries the way beancount's `clamp_opt` does: everything before
the period is summarised into opening-balance transactions that carry no fund, and the
fund declarations made before the period are dropped. Reconciling those entries would
lose every fund opened before the period. So the page takes the period's dates from
Fava (`g.filtered.date_range`, fiscal years included) and the transactions Fava's filter
bar and account filter keep (unclamped), and adds back every `custom` directive (fund
declarations, closes, budgets). Each selection is then passed to reports.funds.reconcile:
the page computes nothing itself.

Two selections per period:
- `to_end`: everything up to the end of the period: balance, holdings, status, blockers
  and totals since each fund opened, as at the period's last day;
- `in_period`: only the period's transactions: what was raised and spent in it.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Sequence
from typing import NamedTuple

from beancount.core.data import Custom, Price, Transaction

from ledger.options import fy_of

ONE_DAY = datetime.timedelta(days=1)


class Window(NamedTuple):
    begin: datetime.date | None  # first day of the period, None = since the books began
    end: datetime.date | None  # first day after the period (exclusive), None = open-ended

    @property
    def last_day(self) -> datetime.date | None:
        return self.end - ONE_DAY if self.end else None

    @property
    def is_whole(self) -> bool:
        return self.begin is None and self.end is None


def select(entries: Sequence, kept: Collection[int] | None, begin: datetime.date | None,
           end: datetime.date | None) -> list:
    """Custom directives and prices (a foreign amount's rate, however the filter bar
    narrows the transactions), plus the transactions in [begin, end) whose id() is in
    `kept`.

    `kept` is the set of ids of the transactions Fava's filter bar keeps, or None when no
    filter is active. Order (beancount's date order) is preserved."""
    out = []
    for entry in entries:
        if isinstance(entry, Transaction):
            if ((begin is None or entry.date >= begin) and (end is None or entry.date < end)
                    and (kept is None or id(entry) in kept)):
                out.append(entry)
        elif isinstance(entry, (Custom, Price)) and (end is None or entry.date < end):
            out.append(entry)
    return out


def years(begin: datetime.date | None, end: datetime.date | None,
          entries: Sequence, year_end: tuple[int, int] = (12, 31)) -> list[int]:
    """The financial years the period spans (limited to the years the books have), each
    named by the calendar year it ends in, as the SOFA's --year names it."""
    dated = [e.date for e in entries if isinstance(e, Transaction)]
    if not dated:
        return []
    first = max(begin, dated[0]) if begin else dated[0]
    last = min(end - ONE_DAY, dated[-1]) if end else dated[-1]
    return list(range(fy_of(first, year_end), fy_of(last, year_end) + 1))
