"""What the Funds page shows, as plain data: reconcile's summaries for Fava's period.

Pure functions over loaded entries (no Fava, no Flask), so the extension, the tests and
the benchmark all build the page data the same way. Every figure comes from
reports.funds.reconcile; this module only chooses the entries (see window.py) and lays
the summaries out.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime
from collections.abc import Collection, Sequence
from decimal import Decimal

from beancount.core.data import Transaction

from ledger import options as ledger_options
from reports.fava_ext.window import Window, select, years
from reports.funds import FundSummary, is_firm, operating_currency, reconcile

ZERO = Decimal("0.00")


def spent(s: FundSummary) -> Decimal:
    """Everything a fund paid out: fees, legal and other spend (transfers are not spend)."""
    return s.platform_fees + s.payment_fees + s.legal_total + s.other_spend


@dataclasses.dataclass(frozen=True)
class FundsView:
    """The reconciled funds for one period under one set of Fava filters."""

    window: Window
    unit: str  # the books' operating currency: every amount is in it
    to_end: tuple[FundSummary, ...]  # as at the period's last day, since each fund opened
    in_period: tuple[FundSummary, ...]  # only the period's transactions
    by_year: dict[int, dict[str, FundSummary]]  # financial years of the period
    year_end: tuple[int, int] = ledger_options.DEFAULT_FY_END  # the books' fy-end
    # The one date every table on the page is "as at": the period's last day, else
    # today (or the books' last entry, if that is later: the figures include it).
    as_at: datetime.date | None = None

    def label(self, year: int) -> str:
        """A financial year as every statement names it: "2024", or "2023/24"."""
        return ledger_options.fy_label(year, self.year_end)

    def fund(self, fund_id: str) -> FundSummary | None:
        return next((s for s in self.to_end if s.fund == fund_id), None)

    def period(self, fund_id: str) -> FundSummary | None:
        return next((s for s in self.in_period if s.fund == fund_id), None)

    @property
    def fund_ids(self) -> frozenset[str]:
        return frozenset(s.fund for s in self.to_end)


def as_at(entries: Sequence, window: Window,
          today: datetime.date | None = None) -> datetime.date:
    """The page's "as at" date: the period's last day; with no end, today, or the date of
    the books' last entry when that is later (a payment booked ahead is in the figures)."""
    if window.last_day is not None:
        return window.last_day
    last = next((e.date for e in reversed(entries) if isinstance(e, Transaction)), None)
    today = today or datetime.date.today()
    return max(today, last) if last else today


def compute(entries: Sequence, options, kept: Collection[int] | None,
            window: Window, today: datetime.date | None = None) -> FundsView:
    """Reconcile the funds up to the end of the window, within it, and per calendar year."""
    unit = operating_currency(options)
    day = as_at(entries, window, today)
    to_end_entries = select(entries, kept, None, window.end)
    to_end = reconcile(to_end_entries, options, as_of=day)
    if window.begin is None:
        in_period = to_end
    else:
        in_period = reconcile(select(to_end_entries, None, window.begin, window.end),
                              options, as_of=day, since=window.begin, history=to_end_entries)
    by_year: dict[int, dict[str, FundSummary]] = {}
    try:
        year_end = ledger_options.fy_end(entries)
    except ledger_options.OptionError:
        year_end = ledger_options.DEFAULT_FY_END  # `fundledger check` reports it
    in_year = _year_slicer(to_end_entries)
    for year in years(window.begin, window.end, to_end_entries, year_end):
        first, last = ledger_options.fy_dates(year, year_end)
        begin, end = first, last + datetime.timedelta(days=1)
        if window.begin is not None:
            begin = max(begin, window.begin)
        if window.end is not None:
            end = min(end, window.end)
        summaries = reconcile(in_year(begin, end), options,
                              as_of=end - datetime.timedelta(days=1), since=begin,
                              history=to_end_entries)
        by_year[year] = {s.fund: s for s in summaries}
    return FundsView(window, unit, tuple(to_end), tuple(in_period), by_year, year_end, day)


def _year_slicer(selected: list):
    """select(selected, None, begin, end) for one year after another, without a scan of
    every entry each time: `selected` (select's own output, in date order) is cut by
    date, and the declarations dated before the cut are kept, in their order."""
    dates = [e.date for e in selected]
    customs = [i for i, e in enumerate(selected) if not isinstance(e, Transaction)]

    def in_year(begin: datetime.date, end: datetime.date) -> list:
        lo, hi = bisect.bisect_left(dates, begin), bisect.bisect_left(dates, end)
        before = [selected[i] for i in customs[:bisect.bisect_left(customs, min(lo, hi))]]
        return before + selected[lo:hi]

    return in_year


@dataclasses.dataclass(frozen=True)
class YearRow:
    label: str
    amounts: tuple[Decimal, ...]  # one per year, then the total


def legal_by_firm_and_year(view: FundsView, fund_id: str) -> tuple[list[str], list[YearRow]]:
    """Legal spend of one fund: a row per firm, a column per year with any, and totals."""
    per_year = {y: s[fund_id].legal_by_firm for y, s in view.by_year.items() if fund_id in s}
    cols = [y for y, firms in per_year.items() if any(firms.values())]
    # Firms first, then what no firm was paid, by category (reports.funds.not_a_firm).
    firms = sorted({f for firms in per_year.values() for f in firms},
                   key=lambda f: (not is_firm(f), f))
    rows = []
    for firm in firms:
        amounts = [per_year[y].get(firm, ZERO) for y in cols]
        rows.append(YearRow(firm, (*amounts, sum(amounts, ZERO))))
    if rows:
        totals = [sum((r.amounts[i] for r in rows), ZERO) for i in range(len(cols) + 1)]
        rows.append(YearRow("Total", tuple(totals)))
    return [view.label(y) for y in cols], rows


def raised_and_spent_by_year(view: FundsView,
                             fund_id: str | None = None) -> list[tuple[str, Decimal, Decimal]]:
    """(year, raised, spent) for one fund, or for all funds together."""
    out = []
    for year, summaries in view.by_year.items():
        chosen = [s for f, s in summaries.items() if fund_id is None or f == fund_id]
        raised = sum((s.raised_total for s in chosen), ZERO)
        out_ = sum((spent(s) for s in chosen), ZERO)
        if raised or out_ or fund_id is None:
            out.append((view.label(year), raised, out_))
    return out
