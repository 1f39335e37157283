"""Money across currencies: a foreign amount in the operating currency at the rate on its
date (DESIGN.md, "Money across currencies"; FRS 102 section 30).

    Rates(entries, unit).value(amount, date, where) -> Decimal

The rate of an amount is its entry's own (`@`/`@@`, already in the posting's weight:
`ledger.funds.weight`), else the books' `price` entries: the latest on or before the date
(beancount's price map, which also reads a `price GBP ... EUR` the other way round).
Every rate used is remembered, so a report can say which it used. Only where the books
hold no rate at all on or before the date is the amount refused, with the `price` line to
add.

Pure: nothing here reads files or the network; `fundledger prices import` writes the
`price` entries this reads.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import NamedTuple

from beancount.core import prices
from beancount.core.amount import Amount

CENT = Decimal("0.01")


def operating_currency(options: dict | None, default: str | None = "GBP") -> str | None:
    """The books' operating currency (the first `option "operating_currency"`), else
    `default`: the reports count in pounds; the fund rules (ledger.plugin) count nothing
    in another currency when the books name none."""
    named = (options or {}).get("operating_currency") or []
    return named[0] if named else default


class RateUsed(NamedTuple):
    currency: str
    unit: str
    date: datetime.date  # the date of the amount translated
    rate: Decimal  # one `currency` is worth this many `unit`
    rate_date: datetime.date  # the date of the `price` entry it came from


class NoRate(ValueError):
    """No rate for a currency on or before a date: the message names the line to add."""

    def __init__(self, currency: str, unit: str, date: datetime.date, where: str = ""):
        self.currency, self.unit, self.date = currency, unit, date
        at = f"{where}: " if where else ""
        super().__init__(
            f"{at}no rate from {currency} to {unit} on or before {date}: add the rate to the "
            f"books, e.g. `{date} price {currency} <rate> {unit}` (`fundledger prices import` "
            "reads a file of published daily rates)")


class Rates:
    """The books' `price` entries, asked for the rate of a currency on a date."""

    def __init__(self, entries, unit: str):
        self.unit = unit
        self.map = prices.build_price_map(entries)
        self.used: dict[tuple[str, datetime.date], RateUsed] = {}

    def rate(self, currency: str, date: datetime.date) -> RateUsed | None:
        if currency == self.unit:
            return RateUsed(currency, self.unit, date, Decimal(1), date)
        key = (currency, date)
        if key in self.used:
            return self.used[key]
        rate_date, rate = prices.get_price(self.map, (currency, self.unit), date)
        if rate is None:
            return None
        used = RateUsed(currency, self.unit, date, rate, rate_date)
        self.used[key] = used
        return used

    def value(self, amount: Amount, date: datetime.date, where: str = "") -> Decimal:
        """`amount` in the operating currency at the rate on `date`, to the penny."""
        if amount.currency == self.unit:
            return amount.number
        found = self.rate(amount.currency, date)
        if found is None:
            raise NoRate(amount.currency, self.unit, date, where)
        return (amount.number * found.rate).quantize(CENT)

    def listed(self) -> list[RateUsed]:
        """The rates used, one line per currency and price date, for a report's notes."""
        seen: dict[tuple[str, datetime.date], RateUsed] = {}
        for r in sorted(self.used.values(), key=lambda r: (r.currency, r.rate_date)):
            seen.setdefault((r.currency, r.rate_date), r)
        return list(seen.values())
