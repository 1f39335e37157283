"""PayPal's currency conversions: the one PayPal format detail that needs code.

PayPal shows a conversion as two rows sharing a Reference Txn ID (the payment converted):
minus the foreign amount and plus the home amount. They become one transaction with a
total price, so the foreign balance empties and the rate is kept.

The converted payment's fund must hold pounds, not a dollar balance that no account holds
any more. When the payment is built in the same file, its own postings get GBP prices at
the conversion's rate, and its income (a payment out: its expense) is booked in GBP
(price_at_conversion). When it is already in the books (a January donation converted in
February's download: the books are append-only) or came from an earlier file of this
run, a second entry *restates* it on the payment's own date: each of its postings is
reversed in the foreign currency and booked again in pounds the same way, in the
payment's fund(s). The fund's balance is then the same, on every date, as if both rows
had been imported together; income is recognised in pounds on the day it was received
(FRS 102 s.30 / SORP), not on the day PayPal happened to convert it.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Context, Decimal

from beancount.core.data import Transaction
from beancount.parser import parser

from importers.txn import Post, Txn, render

CENT = Decimal("0.01")
RESTATED = ":restated"  # suffix of the restating entry's import-id
RATE = Context(prec=6)


def price_at_conversion(payment: Txn, gave: Decimal, fcur: str, got: Decimal, cur: str) -> bool:
    """Price a converted payment's foreign postings in the home currency, to the cent, and
    book the income posting (a payment out: its expense) in the home currency itself, at
    what the others come to, so the entry balances exactly. False (and nothing changed)
    unless every posting is unpriced in fcur with one such posting.

    Not the income priced too: beancount turns each `@@` total into a price per unit and
    back, which leaves a remainder in the 27th place, and an entry with no posting in the
    home currency gets no tolerance for it (books without the `inferred_tolerance_default`
    option `fundledger init` writes refused 10.96 EUR changed into 9.35 GBP). Income is
    recognised in pounds on the day it was received (FRS 102 s.30): the pounds are what
    is booked; the foreign amounts stay on the asset and the fee."""
    rate = got / -gave
    foreign = [p for p in payment.postings if p.currency == fcur and p.price is None]
    if not foreign or len(foreign) != len(payment.postings):
        return False
    # The posting that absorbs the rounding: the gift's income, or for a payment out (in
    # dollars, paid from pounds PayPal converted) its one expense.
    income = [p for p in foreign if p.account.startswith("Income:")] or [
        p for p in foreign if p.account.startswith("Expenses:")]
    others = [p for p in foreign if p not in income]
    if len(income) != 1:
        return False
    total = Decimal(0)
    for p in others:
        home = (abs(p.number) * rate).quantize(CENT)
        p.price = (home, cur)
        total += home.copy_sign(p.number)
    income[0].number, income[0].currency, income[0].price = -total, cur, None
    return True


def price_either(payment: Txn, gave: Decimal, fcur: str, got: Decimal, cur: str) -> bool:
    """Price a payment received in the currency converted from (a dollar gift changed into
    pounds), or a payment made in the currency converted to (pounds changed into dollars
    to pay a dollar invoice): either way its foreign postings end up in the other one."""
    return (price_at_conversion(payment, gave, fcur, got, cur)
            or price_at_conversion(payment, -got, cur, -gave, fcur))


def _posts(entry) -> tuple[Transaction, list[Post]] | None:
    """A booked payment (a beancount Transaction; from an earlier file of this run, a Txn or
    the text of an entry in a txn.Block) as plain Posts carrying their own fund, or None
    if any posting is already priced."""
    if isinstance(entry, (Txn, str)):  # rendered text is what the books would hold
        parsed, errors, _ = parser.parse_string(entry if isinstance(entry, str)
                                                else render(entry))
        if errors or not parsed:
            return None
        entry = parsed[0]
    if not isinstance(entry, Transaction):
        return None
    posts = []
    default = entry.meta.get("fund")
    for p in entry.postings:
        if p.price is not None or p.cost is not None or p.units is None:
            return None
        # The plugin copies the transaction's fund onto postings: keep only a posting's own.
        fund = (p.meta or {}).get("fund")
        fund = fund if fund != default else None
        posts.append(Post(p.account, p.units.number, p.units.currency,
                          meta=[("fund", fund)] if fund else []))
    return entry, posts


def restate(b, conv: Txn, ref: str, payment, gave: Decimal, fcur: str, got: Decimal,
            cur: str) -> Txn | None:
    """The entry restating a booked payment in cur at the conversion's rate (see above), or
    None when it cannot be (already priced, another currency, no single income posting)."""
    got_posts = _posts(payment)
    if got_posts is None:
        return None
    entry, posts = got_posts
    priced = [Post(p.account, p.number, p.currency, None, list(p.meta)) for p in posts]
    if not price_either(Txn(entry.date, "", "", [], priced), gave, fcur, got, cur):
        return None
    iid = conv.import_id + RESTATED
    meta: list = [("import-id", iid), *[(k, v) for k, v in conv.meta if k != "import-id"
                                        and k != "fund"]]
    # The payment's fund, and its donor (a pseudonym already in the books), so reports
    # count the gift restated in pounds as that donor's, exactly as the payment's own.
    meta += [(k, entry.meta[k]) for k in ("fund", "donor") if entry.meta.get(k)]
    meta.append(("converts", f"{b.p.name}:{ref}"))
    # The rate to 6 significant figures, for reading (the @@ totals are what is booked),
    # unless so extreme that Python would write it as 1E-7, which beancount cannot read.
    rate = RATE.create_decimal(got / -gave)
    if rate.as_tuple().exponent <= 0 and rate.adjusted() >= -6:
        meta.append(("rate", rate))
    t = Txn(entry.date, conv.payee, f"{entry.narration} restated in {cur} at the rate of "
            "its conversion", meta, import_id=iid, row=conv.row)
    for p, q in zip(posts, priced, strict=True):
        t.postings += [Post(p.account, -p.number, p.currency, None, list(p.meta)), q]
    return t


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
        if not ref:
            continue
        payment = (built or {}).get(f"{b.p.name}:{ref}")
        if payment is not None:
            price_either(payment, gave, d.currency[o], got, cur)
            continue
        # Not in this file: booked earlier (or an earlier file of this run)? With the payment
        # nowhere, the conversion stands alone (an exchange within the asset account, no
        # fund posting), as it always did.
        pid = f"{b.p.name}:{ref}"
        booked = b.s.entry(pid)
        # A payment restated already (converted again in a later download) stays as it is.
        again = (booked is not None and pid not in b.s.restated
                 and restate(b, t, ref, booked, gave, d.currency[o], got, cur))
        if again:
            out.append(again)
        elif booked is None:  # perhaps in a later file of this run (Builder.build)
            b.s.converted[pid] = (gave, d.currency[o], got, cur)
    return out
