"""Monetary items in a foreign currency at the closing rate (FRS 102 s30.10).

    retranslate(entries, options, date, rates) -> list[Retranslation]

Money held or owed in another currency (cash, debtors, creditors: every Assets and
Liabilities posting whose units are not the operating currency and carry no cost) is
booked at the rate of each entry (its own `@`/`@@`, else the books' rate on its date:
`ledger.rates`). At a balance sheet date it is shown at the closing rate, the books' rate
on or before that date, and the difference is an unrealised exchange gain or loss of the
fund that holds the item (`reports.fund_holdings.holding_parts`, the same attribution as
"where a fund's money is held"). Nothing is booked: the statements compute it, so a year's
gain is the difference at its end less the difference at the end of the year before.

A holding in a currency with no rate at all, neither booked nor in the books' prices, is
left out of the items and listed in `foreign`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from beancount.core.amount import Amount
from beancount.core.data import Transaction

from ledger import funds as fundmodel
from ledger.rates import CENT, NoRate, Rates
from reports.classify import ReportError, operating_currency, where
from reports.fund_holdings import _first_unrestricted, _invoice_funds, holding_parts

ZERO = Decimal("0.00")
HOLDING_ROOTS = ("Assets:", "Liabilities:")


class Retranslation(NamedTuple):
    fund: str | None  # the fund holding the item (None: not attributed)
    account: str
    currency: str
    units: Decimal  # held (owed, negative) in `currency`
    booked: Decimal  # in the operating currency, at the rates of the entries
    closing: Decimal  # at the closing rate

    @property
    def difference(self) -> Decimal:
        """The unrealised gain (a loss negative) on the item, to date."""
        return self.closing - self.booked


def booked(posting, unit: str) -> Amount:
    """What a posting moved, for money: an amount in the books' currency is that amount,
    even where a price says what it bought (a PayPal conversion's `-19.20 GBP @@ 24.00
    USD` took £19.20 out of the account, not $24); anything else, its weight."""
    if posting.units.currency == unit and posting.cost is None:
        return posting.units
    return fundmodel.weight(posting)


def own_rate(txn, currency: str, unit: str) -> Decimal | None:
    """The rate a transaction itself states between a currency and the books' currency: a
    conversion booked as `-19.20 GBP @@ 24.00 USD` beside `24.00 USD` says one USD was
    worth 0.80 GBP that day, though its USD leg carries no price of its own."""
    for q in txn.postings:
        if q.price is not None and q.cost is None and q.units.number:
            if q.units.currency == unit and q.price.currency == currency:
                weight = fundmodel.weight(q).number
                return abs(q.units.number / weight) if weight else None
            if q.units.currency == currency and q.price.currency == unit:
                return abs(fundmodel.weight(q).number / q.units.number)
    return None


def bought_at(txn, currency: str, unit: str) -> Decimal | None:
    """The rate of a transaction that pays or receives pounds priced in `currency`
    (`-19.20 GBP @@ 24.00 USD`: PayPal changing pounds into dollars). `booked` counts those
    pounds as themselves, not at their weight in dollars, so the dollars beside them must
    count at the same rate, or the entry would not net to nothing."""
    for q in txn.postings:
        if (q.price is not None and q.cost is None and q.units.number
                and q.units.currency == unit and q.price.currency == currency):
            weight = fundmodel.weight(q).number
            return abs(q.units.number / weight) if weight else None
    return None


def in_unit(posting, txn, unit: str, rates: Rates) -> Amount:
    """What a posting moved, in the operating currency: `booked`, where that is in it;
    else, beside pounds priced in its currency, at the rate they state (`bought_at`: the
    dollars PayPal bought for £19.20 cost £19.20, whatever the day's `price` says); else
    at the books' rate on its date (NoRate where there is none). Every statement values
    money this one way, so an entry nets to nothing on all of them. (A PayPal payment
    restated at its conversion's rate is priced the other way round, `23.80 USD @@ 18.73
    GBP`: its unpriced dollars cancel the payment's own at the rate of its date.)"""
    w = booked(posting, unit)
    if w.currency == unit:
        return w
    rate = bought_at(txn, w.currency, unit)
    if rate:
        return Amount((w.number * rate).quantize(CENT), unit)
    return Amount(rates.value(w, txn.date), unit)


def is_monetary(posting, unit: str) -> bool:
    # the currency first: most postings are in the operating currency
    return (posting.units.currency != unit and posting.cost is None
            and posting.account.startswith(HOLDING_ROOTS))


class Retranslated(NamedTuple):
    items: list[Retranslation]
    foreign: dict[str, Decimal]  # currency -> units held with no rate at all


def retranslate(entries, options, date: datetime.date,
                rates: Rates | None = None) -> Retranslated:
    """Each fund's foreign-currency holdings at `date` (inclusive), booked and closing."""
    return retranslate_at(entries, options, [date], rates)[0]


def retranslate_at(entries, options, dates: list[datetime.date],
                   rates: Rates | None = None) -> list[Retranslated]:
    """`retranslate` at each of `dates`, reading the books once (a SOFA needs the start
    and the end of its period)."""
    unit = operating_currency(options)
    last = max(dates)
    entries = [e for e in entries if e.date <= last]
    held = [t for t in entries if isinstance(t, Transaction)
            and any(is_monetary(p, unit) for p in t.postings)]
    if not held:  # most books: nothing held in another currency, nothing to look up
        return [Retranslated([], {}) for _d in dates]
    rates = rates or Rates(entries, unit)
    declared, _b, _e = fundmodel.declarations(entries)
    default = _first_unrestricted(declared)
    invoice_funds = _invoice_funds(entries)
    # (txn date, key, units, booked value or None where no rate) of every monetary posting
    moves = []
    for txn in held:
        txn_funds = {fundmodel.posting_fund(p, txn) for p in txn.postings
                     if fundmodel.is_fund_account(p.account)} - {None}
        for p, fund in holding_parts(txn, txn_funds, invoice_funds, default):
            if not is_monetary(p, unit):
                continue
            key = (fund, p.account, p.units.currency)
            try:
                value = in_unit(p, txn, unit, rates).number
            except NoRate:
                value = None
            moves.append((txn.date, key, p.units.number, value))
    return [_at(moves, date, rates) for date in dates]


def _at(moves, date: datetime.date, rates: Rates) -> Retranslated:
    units: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    booked: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    unrated: set[tuple] = set()
    for day, key, n, value in moves:
        if day > date:
            continue
        units[key] += n
        if value is None:
            unrated.add(key)
        else:
            booked[key] += value
    out = []
    foreign: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for key, n in units.items():
        if key in unrated:
            foreign[key[2]] += n
            continue
        try:
            closing = rates.value(Amount(n, key[2]), date) if n else ZERO
        except NoRate:
            closing = booked[key]  # booked at its entries' own rates, none since: as booked
        if n or booked[key]:
            out.append(Retranslation(key[0], key[1], key[2], n, booked[key], closing))
    return Retranslated(sorted(out, key=lambda r: (str(r.fund), r.account, r.currency)),
                        {c: n for c, n in foreign.items() if n})


def by_fund(items: list[Retranslation]) -> dict[str | None, Decimal]:
    """The unrealised difference per fund, to date."""
    out: dict[str | None, Decimal] = defaultdict(lambda: ZERO)
    for r in items:
        out[r.fund] += r.difference
    return {f: n for f, n in out.items() if n}


def refuse_unrated(entries, options, until: datetime.date, foreign: dict[str, Decimal],
                   rates: Rates | None = None) -> None:
    """Raise ReportError for money held in a currency with no rate at all (`foreign`),
    naming the account, the first day it has none and the `price` line to add: a
    statement never leaves a holding out in silence."""
    if not foreign:
        return
    unit = operating_currency(options)
    rates = rates or Rates(entries, unit)
    for txn in entries:
        if not isinstance(txn, Transaction) or txn.date > until:
            continue
        for p in txn.postings:
            if (is_monetary(p, unit) and p.units.currency in foreign
                    and fundmodel.weight(p).currency != unit
                    and rates.rate(p.units.currency, txn.date) is None):
                raise ReportError(f"{where(p, txn)}: {p.account} holds "
                                  f"{p.units.currency}: {NoRate(p.units.currency, unit, txn.date)}")
