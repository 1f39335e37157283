"""The common kinds of row (income with its fees, money moved between accounts) rendered
column by column, straight to beancount text: no Post objects and no render() per row.

Works for any profile: a row is simple when its kind is income, transfer, expense or fee,
it has no foreign amount, and no currency conversion prices it afterwards. What the text
says is exactly what Builder.build() + txn.render() would say (tests/test_import_columns.py
compares both on mixed files). Any problem sends the whole file back to the generic path,
which reports the first bad row in file order as it always has.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd

from importers.engine import Parsed
from importers.txn import Block, _num, _q, _value

SIMPLE = {"income", "transfer", "expense", "fee"}
MOVE_KEY = {"transfer": "transfer", "expense": "expense", "fee": "fees"}


def simple_rows(b, d: Parsed) -> np.ndarray:
    """Which rows this module renders; the rest go through Builder's k_<kind> methods."""
    simple = d.of_kind(*SIMPLE)
    if d.foreign.count(None) != len(d.foreign):
        simple &= np.array([f is None for f in d.foreign], dtype=bool)
    conv = np.flatnonzero(d.of_kind("conversion")).tolist()
    if conv and b.p.reference:  # payments a conversion re-prices: generic path
        refs = d.text[b.p.reference]
        priced = {refs[i] for i in conv}
        simple &= np.array([i not in priced for i in d.ids], dtype=bool)
    return simple


def _per_code(codes: np.ndarray, values: list, f, dtype) -> np.ndarray:
    """f(value) for each row, called once per code (rows with one code share a value)."""
    if not len(codes):
        return np.zeros(0, dtype=dtype)
    uniq, first = np.unique(codes, return_index=True)
    table = np.empty(int(uniq[-1]) + 1, dtype=dtype)
    table[uniq] = [f(values[i]) for i in first.tolist()]
    return table[codes]


class Columns:
    """One file's common rows, rendered with what they share worked out once."""

    def __init__(self, b, d: Parsed):
        self.b, self.d = b, d
        self.file = f"  import-file: {_q(b.sha)}\n"

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

    def block(self, fast: np.ndarray) -> Block | None:
        """The rows marked fast as a Block; raises Problem where k_<kind> would (the
        caller then lets the generic path word it).

        Column-wise: rows are grouped by what they share (rule and campaign; rule and
        narration; amounts; date; donor), each group's part of the text is made once, and
        Block.render joins a row's parts when the entry is written. Rows are grouped by
        parsing's codes, where it kept them (Parsed.codes)."""
        d, p = self.d, self.b.p
        at = np.flatnonzero(np.asarray(fast, dtype=bool))
        if not len(at):
            return None
        every = len(at) == len(d.rows)

        def cells(values: list) -> list:
            return values if every else [values[i] for i in at]

        none = [""] * len(at)
        camp, fcol, own, refs = (cells(d.text[c]) if c else none for c in
                                 (p.campaign, p.fund_column, p.narration_column, p.reference))
        same = np.zeros(len(at), dtype=np.intp)  # a column the profile does not read

        def text_codes(values: list) -> np.ndarray:
            return same if values is none else _codes(values)

        kinds = cells(d.kinds)

        def codes(key: str, values) -> np.ndarray:
            """Rows with one code hold the very same value: parsing's codes if it kept
            them, else the values' identities (each distinct amount text became one
            Decimal object). values() gives the column, only when needed."""
            got = d.codes.get(key)
            return got[at] if got is not None else _codes([id(x) for x in cells(values())])

        rule = codes("kind", lambda: d.kinds)
        ctx_key = _group(rule, text_codes(camp), text_codes(fcol))
        ctxs = [self.context(int(at[j])) for j in _firsts(ctx_key)]
        head_of = _group(rule, text_codes(own))
        heads = [self.head(own[j], kinds[j]) for j in _firsts(head_of)]
        money = _group(ctx_key, _codes(cells(d.currency)) if "currency" not in d.codes
                       else d.codes["currency"][at], codes("gross", lambda: d.gross),
                       codes("net", lambda: d.net),
                       *(codes(f"fee{k}", lambda k=k: [f[k] for f in d.fees])
                         for k in range(len(p.fees))))
        amounts = []
        for j in _firsts(money):
            i = int(at[j])
            amounts.append(self.amounts(ctxs[ctx_key[j]], d.rows[i], d.currency[i], d.gross[i],
                                        d.net[i], d.fees[i]))
        sign = np.array([a[2] for a in amounts], dtype=np.int8)[money]
        wants_donor = np.array([c[5].donor for c in ctxs], dtype=bool)[ctx_key]
        donor = cells(d.donors)
        name = p.name
        # donor: on a gift; refund-of: on a refund naming what it refunds (its own line)
        who = codes("donor", lambda: d.donors)
        gift = (sign > 0) & wants_donor
        refund = np.flatnonzero(sign < 0).tolist()
        refund = [j for j in refund if refs[j]]
        extra_key = np.where(gift, who + 1, 0)  # 0: neither
        extra_key[refund] = who.max(initial=0) + 2 + np.arange(len(refund))
        # What follows the row (fund, donor or refund, postings) and what comes before the
        # id (date and narration) are each made once per combination; each row adds its id
        # and row.
        tail_of = _group(ctx_key, money, extra_key)
        tails = []
        for j in _firsts(tail_of):
            if extra_key[j] == 0:
                extra = ""
            elif gift[j]:
                extra = f"  donor: {_q(donor[j])}\n" if donor[j] else ""
            else:
                extra = f"  refund-of: {_q(f'{name}:{refs[j]}')}\n"
            tails.append(ctxs[ctx_key[j]][3] + extra + amounts[money[j]][0])
        dates = cells(d.dates)
        when = codes("date", lambda: d.dates)
        ids = [f"{name}:{i}" for i in cells(d.ids)]
        joined = "".join(ids)
        escaped = ids if '"' not in joined and "\\" not in joined else [_q(i)[1:-1] for i in ids]
        rows = cells(d.rows)
        lead_of = _group(when, head_of)
        leads = [f'{dates[j]}{heads[head_of[j]]}  import-id: "' for j in _firsts(lead_of)]
        return Block(ids=ids, rows=np.asarray(rows), dates=dates,
                     days=_per_code(when, dates, datetime.date.toordinal, np.int64),
                     years=_per_code(when, dates, lambda x: x.year, np.int64),
                     money=money, incomes=[a[1] for a in amounts],
                     leads=_objects(leads), lead_of=lead_of, quoted=escaped,
                     file_line=self.file, tails=_objects(tails), tail_of=tail_of)

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


def _codes(values: list) -> np.ndarray:
    """Each value's group number (0, 1, ...) in order of first appearance."""
    return pd.factorize(pd.Series(values, dtype=object) if values and isinstance(
        values[0], str) else np.asarray(values))[0]


def _group(*codes: np.ndarray) -> np.ndarray:
    """Group numbers for the combination of several code columns."""
    key = codes[0]
    for c in codes[1:]:
        key = pd.factorize(key.astype(np.int64) * (int(c.max(initial=0)) + 1) + c)[0]
    return key


def _firsts(codes: np.ndarray) -> list[int]:
    """The position of each group's first row, by group number."""
    _, first = np.unique(codes, return_index=True)
    return first.tolist()


def _objects(values: list) -> np.ndarray:
    """A list as a numpy object array (of strs, never split into characters)."""
    table = np.empty(len(values), dtype=object)
    table[:] = values
    return table

