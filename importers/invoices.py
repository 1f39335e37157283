"""Solicitors' invoices: one expense posting per fee category, paid from the account the
file names (client account or bank) or owed to the firm until paid.

A row paid on a later date than its invoice date becomes two transactions: the invoice
owed to `Liabilities:Creditors:<Firm>`, and its payment, both carrying `invoice:`.

Tax follows the fee it is charged on. A split whose `budget_line` is "{fee}" (VAT) is
charged on the splits listed before it in the profile: it is apportioned over them in
proportion to their amounts, to the penny (the last penny to the largest fee), and each
part carries its fee's budget line and firm. So VAT on counsel's fees counts against the
counsel line and for the chambers, not the solicitors.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from importers.errors import shape
from importers.txn import Post, Txn

FOLLOWS_FEE = "{fee}"  # a split's budget_line: the tax follows the fees listed before it
CENT = Decimal("0.01")


def _apportion(tax: Decimal, fees: list[Decimal]) -> list[Decimal]:
    """`tax` split over `fees` in proportion, to the penny, the parts adding up to `tax`."""
    total = sum(fees)
    parts = [(tax * fee / total).quantize(CENT) for fee in fees]
    largest = max(range(len(fees)), key=lambda k: fees[k])
    parts[largest] += tax - sum(parts)
    return parts


def _paid_on(b, d, i) -> datetime.date | None:
    text = d.cell(b.p.paid_on, i)
    if not text:
        return None
    for fmt in b.p.date_formats:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise b.problem(d.rows[i], f"paid date in column '{b.p.paid_on}' ({shape(text)}) is not a date")


def invoice(b, d, i) -> list[Txn]:
    acc, fund, rule = b.context(d, i)
    row = d.rows[i]
    firm = d.cell(b.p.firm, i)
    if not firm:
        raise b.problem(row, f"missing firm in column '{b.p.firm}'")
    paid_from = d.cell(b.p.paid_from, i).casefold()
    accounts = {k.casefold(): v for k, v in b.p.paid_accounts.items()}
    if paid_from and paid_from not in accounts:
        raise b.problem(row, f"paid from ({shape(paid_from)}) is not one of "
                        f"{', '.join(b.p.paid_accounts)} (or empty while unpaid)")
    t = b.head(d, i, fund, rule)
    t.payee = firm
    t.meta.insert(3, ("invoice", d.ids[i]))
    budgeted = fund in b.s.budgeted
    total = 0
    fees: list[Post] = []  # the fee postings so far: what a following tax is charged on
    for amount, split in zip(d.splits[i], b.p.splits, strict=True):
        if not amount:
            continue
        total += amount
        if split.budget_line == FOLLOWS_FEE and sum(f.number for f in fees):
            t.postings += _follow(split.account, amount, fees)
            continue
        meta = []
        if split.budget_line and split.budget_line != FOLLOWS_FEE and budgeted:
            meta.append(("budget-line", split.budget_line))
        other = d.cell(split.firm_column, i)
        if other:
            meta.append(("firm", other))
        post = Post(split.account, amount, d.currency[i], None, meta)
        t.postings.append(post)
        fees.append(post)
    if not t.postings:
        raise b.problem(row, "an invoice with no amounts")
    creditor = b.account(acc, "creditors", row, firm)
    paid_on = _paid_on(b, d, i)
    if not paid_from or (paid_on and paid_on != d.dates[i]):
        t.postings.append(Post(creditor, -total, d.currency[i]))
    else:
        t.postings.append(Post(b.account({**acc, **accounts}, paid_from, row, firm),
                               -total, d.currency[i]))
        return [t]
    if not paid_from:
        return [t]
    pay = b.head(d, i, fund, rule, "/paid")
    pay.date, pay.payee, pay.narration = paid_on, firm, f"Invoice {d.ids[i]} paid"
    pay.meta.insert(3, ("invoice", d.ids[i]))
    pay.postings += [Post(creditor, total, d.currency[i]),
                     Post(b.account({**acc, **accounts}, paid_from, row, firm), -total,
                          d.currency[i])]
    return [t, pay]


def _follow(account: str, tax: Decimal, fees: list[Post]) -> list[Post]:
    """The tax on `fees` as one posting per fee, with that fee's budget line and firm."""
    charged = [f for f in fees if f.number]
    if len(charged) == 1:
        parts = [tax]
    else:
        parts = _apportion(tax, [f.number for f in charged])
    return [Post(account, part, fee.currency, None,
                 [(k, v) for k, v in fee.meta if k in ("budget-line", "firm")])
            for part, fee in zip(parts, charged, strict=True) if part]
