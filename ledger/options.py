"""Options of the books that beancount has no `option` for, declared as custom directives:

    2017-01-01 custom "fundledger-option" "fy-end" "03-31"

`fy-end` is the last day of the financial year as month-day (default 12-31). The latest
declaration wins, so a change of year end is written as a new directive, not an edit.

    2017-01-01 custom "fundledger-option" "basis" "receipts"

`basis` is how the accounts are prepared: "accruals" (default: the SOFA and balance
sheet) or "receipts" (receipts and payments accounts with a statement of assets and
liabilities, for a charity under the accruals threshold that chooses not to accrue).

    2017-01-01 custom "fundledger-option" "start" "2017-01-01"

`start` is the day the books begin (`fundledger init --start`): an import opens the
accounts it needs on that day, so an entry written by hand may come before imported ones.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable

from beancount.core.data import Custom

OPTION = "fundledger-option"
DEFAULT_FY_END = (12, 31)
BASES = ("accruals", "receipts")


class OptionError(ValueError):
    """A fundledger option is malformed; the message starts `file:line:`."""


def option(entries: Iterable, name: str) -> tuple[str, dict] | None:
    """The value (a string) and meta of the latest `custom "fundledger-option" NAME VALUE`."""
    found = None
    for entry in entries:
        if (isinstance(entry, Custom) and entry.type == OPTION and len(entry.values) == 2
                and entry.values[0].value == name):
            found = (entry.values[1].value, entry.meta)
    return found


def start(entries: Iterable) -> datetime.date | None:
    """The books' start date (`start`), or None where the books do not declare one."""
    found = option(entries, "start")
    if found is None:
        return None
    value, meta = found
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        where = f"{meta.get('filename')}:{meta.get('lineno')}"
        raise OptionError(f'{where}: start "{value}" is not a date like "2017-01-01"') from None


def _clamp(year: int, month: int, day: int) -> datetime.date:
    # A year end of 02-29 falls on 02-28 in years without one.
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def fy_end(entries: Iterable) -> tuple[int, int]:
    """(month, day) of the financial year end."""
    found = option(entries, "fy-end")
    if found is None:
        return DEFAULT_FY_END
    value, meta = found
    where = f"{meta.get('filename')}:{meta.get('lineno')}"
    try:
        month_text, day_text = str(value).split("-")
        month, day = int(month_text), int(day_text)
        _clamp(2000, month, day)  # a leap year accepts every real month-day
        if day > calendar.monthrange(2000, month)[1]:
            raise ValueError
    except ValueError:
        raise OptionError(f'{where}: fy-end "{value}" is not a month-day like "03-31"') from None
    return month, day


def fy_bounds(entries: Iterable, year: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of the financial year that ends in `year`."""
    return fy_dates(year, fy_end(entries))


def fy_dates(year: int, end: tuple[int, int]) -> tuple[datetime.date, datetime.date]:
    """First and last day of financial year `year` for a year end (month, day)."""
    month, day = end
    last = _clamp(year, month, day)
    first = _clamp(year - 1, month, day) + datetime.timedelta(days=1)
    return first, last


def fy_of(day: datetime.date, end: tuple[int, int]) -> int:
    """The financial year `day` falls in, named by the calendar year it ends in (as
    `--year` names it): with a 03-31 year end, 2019-04-01 .. 2020-03-31 is 2020."""
    return day.year if day <= _clamp(day.year, *end) else day.year + 1


def last_complete_year(entries: Iterable, today: datetime.date) -> int:
    """The financial year a statement defaults to: the last one that has ended by `today`,
    or, where the books' last transaction falls in an earlier year, that year (so books
    kept up to 2024 report 2024 in 2026, not an empty 2025)."""
    end = fy_end(entries)
    last = max((e.date for e in entries if type(e).__name__ == "Transaction"), default=None)
    ended = fy_of(today, end) - 1
    return ended if last is None else min(ended, fy_of(last, end))


def fy_label(year: int, end: tuple[int, int]) -> str:
    """How a statement names financial year `year`: "2020" when it is the calendar year,
    else "2019/20" (the UK charity convention for a year that spans two)."""
    return str(year) if end == DEFAULT_FY_END else f"{year - 1}/{year % 100:02d}"


def fy_words(end: tuple[int, int]) -> str:
    """ "financial years ending 31 March": said beside every by-year figure."""
    month, day = end
    return f"financial years ending {day} {calendar.month_name[month]}"


def basis(entries: Iterable) -> str:
    """ "accruals" or "receipts": the basis the books declare (default accruals)."""
    found = option(entries, "basis")
    if found is None:
        return BASES[0]
    value, meta = found
    if value not in BASES:
        raise OptionError(f"{meta.get('filename')}:{meta.get('lineno')}: basis \"{value}\" is "
                          f"not one of {', '.join(BASES)}")
    return value
