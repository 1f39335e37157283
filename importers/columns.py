"""The common kinds of row (income with its fees, money moved between accounts) rendered
column by column, straight to beancount text: no Post objects and no render() per row.

Works for any profile: a row is simple when its kind is income, transfer, expense or fee,
it has no foreign amount, and no currency conversion prices it afterwards. What the text
says is exactly what Builder.build() + txn.render() would say (tests/test_import_columns.py
compares both on mixed files). Any problem sends the whole file back to the generic path,
which reports the first bad row in file order as it always has.
"""

from __future__ import annotations

from decimal import Decimal

from importers.engine import Parsed
from importers.txn import Txn, _num, _q, _value

SIMPLE = {"income", "transfer", "expense", "fee"}
MOVE_KEY = {"transfer": "transfer", "expense": "expense", "fee": "fees"}


def simple_rows(b, d: Parsed) -> list[bool]:
    """Which rows this module renders; the rest go through Builder's k_<kind> methods."""
    conv = {k.kind == "conversion" for k in d.kinds}
    priced: set[str] = set()
    if True in conv and b.p.reference:  # payments a conversion re-prices: generic path
        priced = {r for r, k in zip(d.text[b.p.reference], d.kinds, strict=True)
                  if k.kind == "conversion"}
    return [k.kind in SIMPLE and f is None and i not in priced
            for k, f, i in zip(d.kinds, d.foreign, d.ids, strict=True)]


class Columns:
    """Per-file constants worked out once per (rule, campaign, fund) context."""

    def __init__(self, b, d: Parsed):
        self.b, self.d = b, d
        self.file = f"  import-file: {_q(b.sha)}\n"
        self._ctx: dict[tuple, tuple] = {}
        self._heads: dict[tuple[int, str], str] = {}

    def context(self, i: int) -> tuple:
        """(kind, accounts, fund meta line, rule meta lines, fund, rule) for row i."""
        b, d = self.b, self.d
        key = (id(d.kinds[i]), d.cell(b.p.campaign, i), d.cell(b.p.fund_column, i))
        got = self._ctx.get(key)
        if got is None:
            acc, fund, rule = b.context(d, i)
            row = d.rows[i]
            if rule.kind == "income":
                names = (b.account(acc, "account", row),
                         tuple(b.account(acc, s.account, row) for s in b.p.fees),
                         b.account(acc, "income", row))
            else:
                names = (b.account(acc, "account", row), b.account(acc, MOVE_KEY[rule.kind], row))
            extra = "".join(f"  {k}: {_value(v)}\n" for k, v in rule.meta.items())
            got = self._ctx[key] = (rule.kind, names, f"  fund: {_q(fund)}\n", extra, fund, rule)
        return got

    def head(self, i: int, rule) -> str:
        own = self.d.cell(self.b.p.narration_column, i)
        key = (id(rule), own)
        got = self._heads.get(key)
        if got is None:
            b = self.b
            from importers.build import NARRATION

            narration = own or rule.narration or b.p.narration or NARRATION[rule.kind]
            got = self._heads[key] = f" * {_q(rule.payee or b.p.payee)} {_q(narration)}\n"
        return got

    def txn(self, i: int) -> Txn:
        """Row i as a Txn carrying its finished text (raises Problem like k_<kind>)."""
        b, d = self.b, self.d
        kind, names, fund_line, extra, fund, rule = self.context(i)
        row, cur = d.rows[i], d.currency[i]
        iid = f"{b.p.name}:{d.ids[i]}"
        text = (f"{d.dates[i]}{self.head(i, rule)}  import-id: {_q(iid)}\n{self.file}"
                f"  import-row: {row}\n{fund_line}{extra}")
        if kind != "income":
            amount = d.net[i] if d.net[i] is not None else d.gross[i]
            return self._done(i, iid, text, fund, cur, [(names[0], amount), (names[1], -amount)])
        fees = [f * spec.sign for f, spec in zip(d.fees[i], b.p.fees, strict=True)]
        paid = sum(fees)
        gross, net = d.gross[i], d.net[i]
        if gross is None:
            gross = net + paid
        if net is None:
            net = gross - paid
        if net != gross - paid:
            raise b.problem(row, "net is not gross less fees")  # generic path words it
        if d.donors[i] and gross > 0 and rule.donor:
            text += f"  donor: {_q(d.donors[i])}\n"
        ref = d.cell(b.p.reference, i)
        if ref and gross < 0:
            text += f"  refund-of: {_q(f'{b.p.name}:{ref}')}\n"
        posts = [(names[0], net)]
        posts += [(account, f) for f, account in zip(fees, names[1], strict=True) if f]
        posts.append((names[2], -gross))
        return self._done(i, iid, text, fund, cur, posts)

    def _done(self, i: int, iid: str, text: str, fund: str, cur: str,
              posts: list[tuple[str, Decimal]]) -> Txn:
        text += "".join(f"  {a:<34} {_num(n):>10} {cur}\n" for a, n in posts)
        # What Result.totals() needs from the postings it no longer has.
        income = [(fund, cur, n) for a, n in posts if a.startswith("Income:")]
        return Txn(self.d.dates[i], "", "", [], import_id=iid, row=self.d.rows[i], text=text,
                   income=income)
