"""The words of a transparency statement: its plain-language summary and notes, built only
from the statement's aggregates."""

from __future__ import annotations

import datetime
from dataclasses import replace

from reports.funds import is_firm
from reports.transparency_model import GIFTS_LABEL, ZERO, Item, Statement, fmt

DRAFT_NOTE = ("INTERNAL DRAFT, NOT FOR PUBLICATION: these figures run to a day that is not the "
              "end of a publication period, and were not checked against the statements "
              "already published.")



PHRASES = {"Crowdfunding": "through crowdfunding", "Donations": "in donations",
           "Other channels": "through other channels", GIFTS_LABEL: "in gifts"}


def fund_count(s: Statement) -> int:
    """How many funds the statement covers: "Other funds" counts as the funds it holds."""
    return sum(len(f.merged) or 1 for f in s.funds)


def _join(parts: list[str]) -> str:
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


def _with_summary(s: Statement, first: datetime.date, grants: tuple[Item, ...]) -> Statement:
    """The plain-language paragraph at the top, built only from the statement's aggregates."""
    cur = s.currency
    gifts = [i for i in s.raised if not i.label.startswith("Grant")]
    parts = []
    if gifts:
        total = sum((i.amount for i in gifts), ZERO)
        who = f" from {s.supporters} supporters" if s.supporters else ""
        how = _join([f"{fmt(i.amount, cur)} {PHRASES.get(i.label, i.label.lower())}"
                     for i in gifts])
        parts.append(f"{fmt(total, cur)}{who} ({how})" if len(gifts) > 1
                     else f"{fmt(total, cur)}{who} "
                          f"{PHRASES.get(gifts[0].label, gifts[0].label.lower())}")
    original = {i.label: i for i in grants}
    for g in (i for i in s.raised if i.label.startswith("Grant")):
        o = original.get(g.label)
        # What arrived, in the funder's currency: an award accrued is not all received.
        arrived = f" ({fmt(o.amount, o.detail)} received)" if o else ""
        parts.append(f"a grant of {fmt(g.amount, cur)} from "
                     f"{g.label.removeprefix('Grant from ')}{arrived}")
    text = [f"Since {first.year} we raised {_join(parts) or 'nothing'}."]
    spent = []
    legal = sum((f.amount for f in s.spend_by_firm), ZERO)
    paid = [f for f in s.spend_by_firm if is_firm(f.firm)]  # not "to" a category
    if legal:
        firms = _join([f"{fmt(f.amount, cur)} to {f.firm}" for f in paid[:3]]
                      + (["others"] if len(s.spend_by_firm) > len(paid[:3]) else []))
        spent.append(f"{fmt(legal, cur)} on lawyers" + (f" ({firms})" if firms else ""))
    if s.court_fees:
        spent.append(f"{fmt(s.court_fees, cur)} on court fees")
    if s.fees:
        spent.append(f"{fmt(s.fees, cur)} on platform and payment fees")
    if s.other_spend:
        spent.append(f"{fmt(s.other_spend, cur)} on other costs")
    if spent:
        text.append(f"We spent {_join(spent)}.")
    # Transfers between funds of the statement cancel out; to or from other funds they
    # explain why what is left is not raised minus spent.
    moved = sum((f.transfers_net for f in s.funds), ZERO)
    if moved > 0:
        text.append(f"{fmt(moved, cur)} came in from our other funds.")
    elif moved < 0:
        text.append(f"{fmt(-moved, cur)} went to our other funds.")
    held = sum((f.brought_forward for f in s.funds), ZERO)
    if held:
        text.append(f"{fmt(held, cur)} was held before these accounts began.")
    if s.gains:
        text.append(f"Exchange differences on money held in other currencies came to "
                    f"{fmt(s.gains, cur)}.")
    if s.returned:
        text.append(f"{fmt(s.returned, cur)} left over was returned to the crowdfunding "
                    "platform.")
    count = fund_count(s)
    text.append(f"{fmt(s.balance, cur)} is left"
                + (f" across {count} funds." if count > 1 else "."))
    return replace(s, summary=" ".join(text))
