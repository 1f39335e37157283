"""The common kinds of row (income with its fees, money moved between accounts) rendered
column by column, straight to beancount text: no Post objects and no render() per row.

Works for any profile: a row is simple when its kind is income, transfer, expense or fee,
it has no foreign amount, and no currency conversion prices it afterwards. What the text
says is exactly what Builder.build() + txn.render() would say (tests/test_import_columns.py
compares both on mixed files). Any problem sends the whole file back to the generic path,
which reports the first bad row in file order as it always has.
"""

from __future__ import annotations

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
        """(kind, posting prefixes, meta lines after import-row, fund, rule) for row i."""
        b, d = self.b, self.d
        acc, fund, rule = b.context(d, i)
        row = d.rows[i]
        if rule.kind == "income":
            names = [b.account(acc, "account", row),
                     *(b.account(acc, s.account, row) for s in b.p.fees),
                     b.account(acc, "income", row)]
        else:
            names = [b.account(acc, "account", row), b.account(acc, MOVE_KEY[rule.kind], row)]
        meta = f"  fund: {_q(fund)}\n" + "".join(f"  {k}: {_value(v)}\n"
                                                for k, v in rule.meta.items())
        return (rule.kind, [f"  {a:<34} " for a in names],
                [a.startswith("Income:") for a in names], meta, fund, rule)

    def head(self, own: str, rule) -> str:
        from importers.build import NARRATION

        b = self.b
        narration = own or rule.narration or b.p.narration or NARRATION[rule.kind]
        return f" * {_q(rule.payee or b.p.payee)} {_q(narration)}\n"

    def txns(self, fast: list[bool]) -> dict[int, Txn]:
        """The rows marked fast as Txns carrying their finished text; raises Problem where
        k_<kind> would (the caller then lets the generic path word it)."""
        d, p = self.d, self.b.p
        n = len(d.rows)
        none = [""] * n
        camp, fcol, own, refs = (d.text[c] if c else none for c in
                                 (p.campaign, p.fund_column, p.narration_column, p.reference))
        ctxs, heads, amounts, out = self._ctx, self._heads, {}, {}
        file_line, name = self.file, p.name
        # Dates and donors repeat: each is formatted or quoted once.
        dates = {x: str(x) for x in set(d.dates)}
        donors = {x: f"  donor: {_q(x)}\n" for x in set(d.donors) if x}
        for i, use, rule, date, iid, row, cur, gross, net, fees, donor in zip(
                range(n), fast, d.kinds, d.dates, d.ids, d.rows, d.currency, d.gross, d.net,
                d.fees, d.donors, strict=True):
            if not use:
                continue
            key = (id(rule), camp[i], fcol[i])
            c = ctxs.get(key)
            if c is None:
                c = ctxs[key] = self.context(i)
            hkey = (id(rule), own[i])
            head = heads.get(hkey)
            if head is None:
                head = heads[hkey] = self.head(own[i], rule)
            iid = f"{name}:{iid}"
            quoted = f'"{iid}"' if '"' not in iid and "\\" not in iid else _q(iid)
            # Donations repeat a few amounts, and parsing gave each distinct amount text one
            # Decimal object: the postings are checked and written once per combination.
            akey = (id(c), cur, id(gross), id(net), *map(id, fees))
            got = amounts.get(akey)
            if got is None:
                got = amounts[akey] = self.amounts(c, row, cur, gross, net, fees)
            posts, income, sign = got
            extra = ""
            if sign > 0 and donor and rule.donor:
                extra = donors[donor]
            elif sign < 0 and refs[i]:
                extra = f"  refund-of: {_q(f'{name}:{refs[i]}')}\n"
            out[i] = Txn(date, "", "", [], import_id=iid, row=row, income=income,
                         text=f"{dates[date]}{head}  import-id: {quoted}\n{file_line}"
                              f"  import-row: {row}\n{c[3]}{extra}{posts}")
        return out

    def amounts(self, c: tuple, row: int, cur: str, gross, net, fees) -> tuple:
        """(postings text, income for the totals, sign of gross: 0 unless income)."""
        kind, pre, inc = c[:3]
        if kind != "income":
            amount = net if net is not None else gross
            nums, sign = [amount, -amount], 0
        else:
            fees = [f * s.sign for f, s in zip(fees, self.b.p.fees, strict=True)]
            paid = sum(fees)
            if gross is None:
                gross = net + paid
            if net is None:
                net = gross - paid
            if net != gross - paid:
                raise self.b.problem(row, "net is not gross less fees")
            nums, sign = [net, *fees, -gross], (gross > 0) - (gross < 0)
        last = len(nums) - 1
        text = "".join(f"{a}{_num(x):>10} {cur}\n" for j, (a, x) in enumerate(zip(pre, nums))
                       if x or j in (0, last))  # a zero fee is left out, as k_income does
        return text, [(c[4], cur, x) for x, i in zip(nums, inc, strict=True) if i], sign
