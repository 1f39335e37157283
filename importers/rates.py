"""Published daily exchange rates (a file the treasurer downloaded) -> `price` entries.

    read_rates(path, unit) -> list[Rate]
    price_lines(rates, existing) -> str

Two layouts, as the banks publish them:

- Bank of England database (IADB) CSV: `DATE,XUDLUSS,XUDLERS,...`, one column per series,
  dates `02 Jan 2024`; a series `XUDL..S` is units of a currency that one pound buys
  ("US $ into Sterling"), so a dollar is worth 1 / value pounds. Pounds only: the books'
  operating currency must be GBP.
- ECB euro reference rates (`eurofxref-hist.csv`, and the one-day `eurofxref.csv` whose
  cells carry a leading space and dates like `28 June 2024`): `Date,USD,JPY,...,GBP,...`,
  units of each currency one euro buys, `N/A` where none was set that day. A currency is
  worth GBP/currency pounds (the ECB's cross), a euro GBP pounds.

A rate the file does not state exactly (an inverse, a cross) is rounded to 8 significant
figures. Nothing is fetched: the file is read as it is. A row that cannot be read is
refused with the file, row and problem; nothing is written.
"""

from __future__ import annotations

import csv
import datetime
import decimal
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from beancount.core.data import Open, Price, Transaction

from importers.errors import Problem, q

# Bank of England series "<currency> into Sterling" (XUDL..S) by the currency they price.
BOE_SERIES = {
    "XUDLUSS": "USD", "XUDLERS": "EUR", "XUDLJYS": "JPY", "XUDLSFS": "CHF",
    "XUDLCDS": "CAD", "XUDLADS": "AUD", "XUDLNDS": "NZD", "XUDLSKS": "SEK",
    "XUDLNKS": "NOK", "XUDLDKS": "DKK", "XUDLHDS": "HKD", "XUDLSGS": "SGD",
    "XUDLZRS": "ZAR",
}
FIGURES = 8


class Rate(NamedTuple):
    date: datetime.date
    currency: str
    rate: Decimal  # one `currency` is worth this many `unit`
    unit: str


def _rounded(n: Decimal) -> Decimal:
    with decimal.localcontext() as ctx:
        ctx.prec = FIGURES
        return +n


def _date(text: str) -> datetime.date | None:
    for fmt in ("%Y-%m-%d", "%d %b %Y", "%d %B %Y"):
        try:
            return datetime.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _number(text: str) -> Decimal | None:
    text = text.strip()
    if not text or text.upper() in ("N/A", "NA", "#N/A"):
        return None
    try:
        n = Decimal(text)
    except decimal.InvalidOperation:
        raise ValueError(f"{q(text)} is not a rate") from None
    if not n.is_finite() or n <= 0:
        raise ValueError(f"{q(text)} is not a rate")
    return n


def read_rates(path: Path, unit: str) -> list[Rate]:
    """Every rate in the file into `unit`, in file order; a Problem names file and row."""
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(text.splitlines()))
    while rows and not any(c.strip() for c in rows[0]):
        rows.pop(0)
    if not rows:
        raise Problem(str(path), 0, "the file is empty")
    header = [c.strip() for c in rows[0]]
    if header[0].upper() != "DATE":
        raise Problem(str(path), 1, "not a Bank of England or ECB rates file (the first "
                      "column is not DATE)")
    boe = [h for h in header[1:] if h.upper().startswith("XUDL")]
    if boe:
        if unit != "GBP":
            raise Problem(str(path), 0, "Bank of England rates are into sterling, but the "
                          f"books are kept in {unit}: use the ECB's rates")
        unknown = [h for h in boe if h.upper() not in BOE_SERIES]
        if unknown:
            raise Problem(str(path), 1, f"series {', '.join(unknown)} is not a spot rate "
                          "into sterling that fundledger knows "
                          f"(known: {', '.join(sorted(BOE_SERIES))})")
    out: list[Rate] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        day = _date(row[0])
        if day is None:
            raise Problem(str(path), number, f"{q(row[0])} is not a date")
        if len(row) > len(header):  # e.g. a decimal comma splitting a rate in two
            raise Problem(str(path), number, f"{len(row)} cells where the header has "
                          f"{len(header)}")
        cells = dict(zip(header[1:], row[1:], strict=False))
        try:
            values = {h: _number(v) for h, v in cells.items() if h}
        except ValueError as e:
            raise Problem(str(path), number, str(e)) from None
        if boe:
            for series, n in values.items():
                if n is not None:
                    out.append(Rate(day, BOE_SERIES[series.upper()], _rounded(1 / n), unit))
            continue
        # ECB: units per euro
        if unit == "EUR":
            per_unit = Decimal(1)
        else:
            per_unit = values.get(unit)
            if per_unit is None:
                continue  # no rate into the books' currency that day
        for currency, n in values.items():
            if n is None or currency == unit:
                continue
            out.append(Rate(day, currency, per_unit if currency == "EUR" else
                            _rounded(per_unit / n), unit))
        if unit != "EUR":
            out.append(Rate(day, "EUR", per_unit, unit))
    return out


def price_lines(rates: list[Rate], existing: set[tuple[datetime.date, str, str]],
                currencies: set[str] | None = None) -> str:
    """`price` lines for the rates the books do not hold yet (date, currency, unit),
    oldest first; only `currencies` if given."""
    seen = set(existing)
    lines = []
    for r in sorted(rates, key=lambda r: (r.date, r.currency)):
        key = (r.date, r.currency, r.unit)
        if key in seen or (currencies is not None and r.currency not in currencies):
            continue
        seen.add(key)
        lines.append(f"{r.date} price {r.currency} {r.rate} {r.unit}")
    return "\n".join(lines) + ("\n" if lines else "")


def currencies_used(entries, unit: str) -> set[str]:
    """The currencies the books hold or book in, other than `unit`."""
    out: set[str] = set()
    for e in entries:
        if isinstance(e, Open):
            out.update(e.currencies or ())
        elif isinstance(e, Transaction):
            for p in e.postings:
                out.add(p.units.currency)
                if p.price is not None:
                    out.add(p.price.currency)
    return out - {unit}


def new_prices(entries, unit: str, path: Path, currencies: set[str] | None = None
               ) -> tuple[str, int]:
    """The `price` lines a rates file adds to the books (for the currencies given, else
    those the books use), and how many; what the books already hold is not repeated."""
    existing = {(e.date, e.currency, e.amount.currency) for e in entries
                if isinstance(e, Price)}
    text = price_lines(read_rates(path, unit), existing,
                       currencies or currencies_used(entries, unit))
    return text, text.count("\n")
