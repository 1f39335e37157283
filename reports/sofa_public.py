"""The SOFA as it is published: its funds note without the figures of a small group of
donors.

A charity's accounts are public, and the funds note shows each fund's brought forward,
income, expenditure, transfers and carried forward: a fund given money by 1 to 4 donors
(or mostly by one) would show what they gave, however well the transparency statement
hides it in "Other funds"; and years later its balance brought forward would still be
their gifts less the public spend. `public(s, entries, options)` returns the same SOFA
with such funds shown together, one row per SOFA column ("Other restricted funds: ..." naming them),
the same way in this year's note and the prior year's.

A fund's gifts are judged as the transparency statement's check judges them
(disclosure.sensitive, with a crowdfunder's pledges secret and known from its page). The
funds of a SOFA column add up to it, so if the "Other" row of a column is still a small
group's, the column's fund shown on its own with the fewest donors joins it, then the
next, until it is safe or holds the whole column: a column given by a small group in all
is shown by the statutory columns themselves, which the funds note cannot help.
The transparency statement's check does not take the accounts into account: see
docs/reports.md.

The year-end pack (for the examiner), the Statements page in Fava and `sofa()` keep every
fund's row; `fundledger report sofa` writes this form unless asked for `--every-fund`.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from reports import classify, disclosure
from reports import transparency as tr
from reports.sofa import FundMovement, Sofa

OTHER_PREFIX = "other-"
Views = tuple  # ({fund: {donor: amount}} as given, the same with pledges known)


def by_fund(atoms: disclosure.Gifts, after: int, upto: int) -> Views:
    """Each fund's gifts in publication periods after..upto (after excluded), as given and
    with a crowdfunder's pledges known (disclosure.on_pages)."""
    views = (atoms, disclosure.on_pages(atoms) or atoms)
    out: list = []
    for view in views:
        funds: dict = defaultdict(lambda: defaultdict(Decimal))
        for atom, by in view.items():
            if after < atom[2] <= upto:
                for donor, n in by.items():
                    if donor is not None:
                        funds[atom[0]][donor] += n
        out.append(funds)
    return tuple(out)


def _sensitive(funds: Iterable[str], periods: Sequence[Views], r: disclosure.Rules) -> bool:
    funds = set(funds)
    for views in periods:
        for view in views:
            merged: dict = defaultdict(Decimal)
            for f in funds:
                for d, n in view.get(f, {}).items():
                    merged[d] += n
            if merged and disclosure.sensitive(merged, r):
                return True
    return False


def _grouping(columns: dict[str, str], periods: Sequence[Views],
             r: disclosure.Rules) -> dict[str, str]:
    """Fund id -> the row it is shown in ("other-restricted"), for the funds (`columns`:
    fund -> SOFA column, in the note's order) not shown on their own in a year's note and
    the prior year's (`periods`: their gifts)."""
    out: dict[str, str] = {}
    for col in dict.fromkeys(columns.values()):
        funds = [f for f, c in columns.items() if c == col]
        hidden = {f for f in funds if _sensitive([f], periods, r)}
        while hidden and len(hidden) < len(funds) and _sensitive(hidden, periods, r):
            shown = [f for f in funds if f not in hidden]
            donors = {f: len({d for v in periods for d in v[0].get(f, {})}) for f in shown}
            hidden.add(min(shown, key=lambda f: (donors[f], funds.index(f))))
        out.update({f: OTHER_PREFIX + col for f in hidden})
    return out


TITLES = {"unrestricted": "Other unrestricted funds", "restricted": "Other restricted funds",
          "endowment": "Other endowment funds"}
FIELDS = ("brought_forward", "income", "expenditure", "transfers", "carried_forward", "gains")


def grouping(s: Sofa, entries: list, options: dict) -> dict[str, str]:
    """Fund id -> the id of the row it is shown in ("other-restricted"). A row shows the
    year's income, and its balances brought and carried forward, which with the public
    spend are everything given to the fund up to the year's start and end: each of these
    is judged, for this year and the prior one."""
    periods = []
    for p in (s, s.prior) if s.prior is not None else (s,):
        atoms = tr.gifts(entries, options, [p.start - datetime.timedelta(days=1), p.end])
        periods += [by_fund(atoms, 0, 1), by_fund(atoms, -1, 0), by_fund(atoms, -1, 1)]
    rows = list(s.funds) + (list(s.prior.funds) if s.prior is not None else [])
    columns = {m.fund: classify.sofa_column(m.fund_class) for m in rows}
    return _grouping(columns, periods, disclosure.rules(entries))


def _grouped(funds: list[FundMovement], into: dict[str, str]) -> list[FundMovement]:
    shown = [m for m in funds if m.fund not in into]
    groups: dict[str, list[FundMovement]] = defaultdict(list)
    for m in funds:
        if m.fund in into:
            groups[into[m.fund]].append(m)
    for gid, members in groups.items():
        col = gid.removeprefix(OTHER_PREFIX)
        sums = {k: sum((getattr(m, k) for m in members), Decimal(0)) for k in FIELDS}
        names = ", ".join(m.title or m.fund for m in members)
        shown.append(FundMovement(gid, f"{TITLES.get(col, gid)}: {names}", col, **sums))
    return shown


def public(s: Sofa, entries: list, options: dict) -> Sofa:
    """The SOFA as published: funds given by a small group shown together (grouping)."""
    into = grouping(s, entries, options)
    if not into:
        return s
    prior = (dataclasses.replace(s.prior, funds=_grouped(s.prior.funds, into))
             if s.prior is not None else None)
    return dataclasses.replace(s, funds=_grouped(s.funds, into), prior=prior)
