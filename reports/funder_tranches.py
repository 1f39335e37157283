"""A grant's tranches and the conversion of spend at their rates, first in, first out.

The half of the funder's report (reports.funder) that knows money in the grant's
currency: each tranche received (its pounds and so its rate, or the pounds recorded on
the accrued award's debtor it settled), and each pound of spend drawn from the tranches
in the order they arrived, converted at the rate of the tranche it came from.
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

from beancount.core.data import Transaction

from ledger import accruals
from ledger import funds as fundmodel

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
RATE = Decimal("0.000001")


def cents(n: Decimal) -> Decimal:
    n = n.quantize(CENT)
    return n + 0 if n == 0 else n


@dataclasses.dataclass
class Tranche:
    date: datetime.date
    description: str
    amount: Decimal  # in the grant currency
    gbp: Decimal  # in the operating currency, as received
    rate: Decimal  # operating currency per unit of grant currency


def tranche_rates(entries, fund, currency, gbp):
    for txn, posting, fund_id in fundmodel.fund_postings(entries):
        if (fund_id == fund and posting.account.startswith("Income:")
                and posting.units.currency == currency and posting.units.number):
            yield (fundmodel.weight(posting).number / posting.units.number).quantize(RATE)


def fifo(pool: list[Tranche], amounts: list[Decimal],
          fallback: Decimal) -> tuple[list[tuple[Decimal, tuple[int, ...]]], Decimal]:
    """Each GBP amount in the grant currency, drawn from the tranches first in, first out.

    Returns (grant-currency amount to the cent, indexes of the tranches drawn on) per
    amount, and the GBP spent beyond every tranche (converted at `fallback`, grant units
    per GBP). A negative amount (a refund) goes back to the tranche last drawn on."""
    left = [t.gbp for t in pool]
    k = 0  # the tranche being drawn on
    out = []
    uncovered = ZERO
    for gbp in amounts:
        exact, drawn = Decimal(0), []
        if gbp < 0:
            back = min(k, len(pool) - 1)
            while back > 0 and left[back] == pool[back].gbp:  # untouched: step back
                back -= 1
            if pool:
                exact = gbp * pool[back].amount / pool[back].gbp
                left[back] -= gbp
                k, drawn = back, [back]
            else:
                exact = gbp * fallback
        rest = gbp if gbp > 0 else ZERO
        while rest > 0 and k < len(pool):
            part = min(rest, left[k])
            if part > 0:
                exact += part * pool[k].amount / pool[k].gbp
                left[k] -= part
                rest -= part
                drawn.append(k)
            if left[k] <= 0:
                k += 1
        if rest > 0:
            exact += rest * fallback
            uncovered += rest
        out.append((cents(exact), tuple(drawn)))
    return out, uncovered


def settlements(entries, fund: str, currency: str, end: datetime.date):
    """(transaction, debtor posting) of each tranche that settled an accrued award."""
    for txn in entries:
        if not isinstance(txn, Transaction) or txn.date > end:
            continue
        for p in txn.postings:
            if (p.account == accruals.DEBTOR and p.meta and p.meta.get(accruals.RECEIVED_KEY)
                    and p.units.currency == currency and txn.meta.get("fund") == fund):
                yield txn, p
