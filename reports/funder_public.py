"""The funder report as it is sent out: no figure that holds gifts from supporters.

A funder report covers any dates (`--from`, `--to`), and a grant's fund may also take
gifts. Its tranches are the funder's money only (reports.funder.is_gift), but "other
income and transfers" and the fund's balance would hold the gifts: two reports a day
apart, or one report of a week with one gift in it, would give that gift. So where the
fund has taken any gift (or a transfer from another fund) by the report's end,
`published()` leaves those three figures out (None); the renderers say why. The
treasurer's own view (Fava) and `report funder --every-figure` keep them.
"""

from __future__ import annotations

import dataclasses

from beancount.core.data import Transaction

from ledger import funds as fundmodel
from reports.funder import FunderReport, is_gift

WITHHELD = ("withheld: the fund also holds gifts from supporters (or money moved from "
            "another fund), and this figure on any day would show them")


def holds_gifts(entries, r: FunderReport) -> bool:
    """Whether the grant's fund took a gift (or refunded one) by the report's end, or money
    moved from another fund (a small fund's leftover released into it is most of what its
    few donors gave: the transparency statement names such a transfer only "Other funds")."""
    for txn, posting, fund in fundmodel.fund_postings(entries):
        if fund != r.fund or not isinstance(txn, Transaction) or txn.date > r.end:
            continue
        account = posting.account
        if account.startswith("Income:") and is_gift(txn, posting):
            return True
        if (account.startswith("Equity:Funds:") and account != fundmodel.OPENING_ACCOUNT
                and posting.units.number < 0):  # a credit: money coming in, not going out
            return True
    return False


def published(entries, r: FunderReport) -> FunderReport:
    if not holds_gifts(entries, r):
        return r
    return dataclasses.replace(r, other_gbp=None, other_to_date_gbp=None, balance_gbp=None)
