"""Solicitors' invoices: one expense posting per fee category, paid from the account the
file names (client account or bank) or owed to the firm until paid.

A row paid on a later date than its invoice date becomes two transactions: the invoice
owed to `Liabilities:Creditors:<Firm>`, and its payment, both carrying `invoice:`.
"""

from __future__ import annotations

import datetime

from importers.errors import q
from importers.txn import Post, Txn


def _paid_on(b, d, i) -> datetime.date | None:
    text = d.cell(b.p.paid_on, i)
    if not text:
        return None
    for fmt in b.p.date_formats:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise b.problem(d.rows[i], f"paid date {q(text)} in column '{b.p.paid_on}' is not a date")


def invoice(b, d, i) -> list[Txn]:
    acc, fund, rule = b.context(d, i)
    row = d.rows[i]
    firm = d.cell(b.p.firm, i)
    if not firm:
        raise b.problem(row, f"missing firm in column '{b.p.firm}'")
    paid_from = d.cell(b.p.paid_from, i).casefold()
    accounts = {k.casefold(): v for k, v in b.p.paid_accounts.items()}
    if paid_from and paid_from not in accounts:
        raise b.problem(row, f"paid from {q(paid_from)} is not one of "
                        f"{', '.join(b.p.paid_accounts)} (or empty while unpaid)")
    t = b.head(d, i, fund, rule)
    t.payee = firm
    t.meta.insert(3, ("invoice", d.ids[i]))
    budgeted = fund in b.s.budgeted
    total = 0
    for amount, split in zip(d.splits[i], b.p.splits, strict=True):
        if not amount:
            continue
        meta = []
        if split.budget_line and budgeted:
            meta.append(("budget-line", split.budget_line))
        other = d.cell(split.firm_column, i)
        if other:
            meta.append(("firm", other))
        t.postings.append(Post(split.account, amount, d.currency[i], None, meta))
        total += amount
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
