"""PayPal's currency conversions: the one PayPal format detail that needs code.

PayPal shows a conversion as two rows sharing a Reference Txn ID (the payment converted):
minus the foreign amount and plus the home amount. They become one transaction with a
total price, so the foreign balance empties and the rate is kept. The converted payment's
own postings get GBP prices at that rate, so the fund it went to holds pounds, not a
dollar balance that no account holds any more.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from importers.txn import Post, Txn

CENT = Decimal("0.01")


def price_at_conversion(payment: Txn, gave: Decimal, fcur: str, got: Decimal, cur: str) -> None:
    """Price a converted payment's foreign postings in the home currency, to the cent, with
    the income posting absorbing rounding so the entry still balances exactly."""
    rate = got / -gave
    foreign = [p for p in payment.postings if p.currency == fcur and p.price is None]
    if not foreign or len(foreign) != len(payment.postings):
        return
    income = [p for p in foreign if p.account.startswith("Income:")]
    others = [p for p in foreign if not p.account.startswith("Income:")]
    if len(income) != 1:
        return
    total = Decimal(0)
    for p in others:
        home = (abs(p.number) * rate).quantize(CENT)
        p.price = (home, cur)
        total += home.copy_sign(p.number)
    income[0].price = (abs(total), cur)


def conversions(b, d, built: dict[str, Txn] | None = None) -> list[Txn]:
    groups: dict[str, list[int]] = defaultdict(list)
    refs = d.text[b.p.reference] if b.p.reference else [""] * len(d.rows)
    for i, rule in enumerate(d.kinds):
        if rule.kind == "conversion":
            groups[refs[i] or d.ids[i]].append(i)
    out = []
    for idx in groups.values():
        amounts = [d.net[i] if d.net[i] is not None else d.gross[i] for i in idx]
        out_i = [i for i, a in zip(idx, amounts, strict=True) if a < 0]
        in_i = [i for i, a in zip(idx, amounts, strict=True) if a > 0]
        if len(out_i) != 1 or len(in_i) != 1 or d.currency[out_i[0]] == d.currency[in_i[0]]:
            raise b.problem(d.rows[idx[0]], "a currency conversion needs one row out and one "
                            "row in, in two currencies, sharing a Reference Txn ID")
        o, n = out_i[0], in_i[0]
        acc, _fund, rule = b.context(d, o)
        t = b.head(d, o, None, rule)
        t.date = min(d.dates[o], d.dates[n])
        got, cur = d.net[n] if d.net[n] is not None else d.gross[n], d.currency[n]
        gave = d.net[o] if d.net[o] is not None else d.gross[o]
        t.postings += [Post(b.account(acc, "account", d.rows[o]), gave, d.currency[o],
                            (got, cur)),
                       Post(b.account(acc, "account", d.rows[n]), got, cur)]
        out.append(t)
        ref = refs[o]
        payment = (built or {}).get(f"{b.p.name}:{ref}") if ref else None
        if payment is not None:
            price_at_conversion(payment, gave, d.currency[o], got, cur)
    return out
