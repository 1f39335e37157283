"""Money booked to suspense until the treasurer says what it is.

`fundledger import --unclassified suspense` books rows no rule claims to these two
accounts, so the money is in and every statement reconciles; `check`, `funds` and the
Funds page keep saying so until the treasurer books them to their accounts by hand (an
import never re-books an entry the books hold; rules classify later imports' rows).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from beancount.core.data import Transaction

ACCOUNTS = ("Expenses:Unclassified", "Income:Unclassified")


class Unclassified(NamedTuple):
    entries: int
    totals: dict[str, dict[str, Decimal]]  # account -> currency -> sum of postings

    def __bool__(self) -> bool:
        return self.entries > 0

    def text(self) -> str:
        parts = [f"{account} {number:,.2f} {currency}"
                 for account, by in sorted(self.totals.items())
                 for currency, number in sorted(by.items()) if number]
        return (f"{self.entries} entr{'y' if self.entries == 1 else 'ies'} unclassified ("
                + ", ".join(parts) + "): recategorise them by hand (importing the file again "
                "adds nothing: the books hold them already), and add rules to the books "
                "(custom \"fundledger-rule\"; see docs/importing.md) so that later imports "
                "classify such rows")


def find(entries) -> Unclassified:
    totals: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    count = 0
    for e in entries:
        if not isinstance(e, Transaction):
            continue
        hit = False
        for p in e.postings:
            if p.account in ACCOUNTS and p.units is not None:
                totals[p.account][p.units.currency] += p.units.number
                hit = True
        count += hit
    return Unclassified(count, {a: dict(c) for a, c in totals.items()})


def report(entries, _options) -> Unclassified:
    """find() in the shape fundledger.loaded.computed() asks for (and caches)."""
    return find(entries)
