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
import pyarrow as pa
import pyarrow.compute as pc

from importers import column_amounts
from importers.parse import ZERO, Parsed
from importers.profile import NARRATION
from importers.table import Texts, arrow_of
from importers.txn import Block, _num, _q, _value

SIMPLE = {"income", "transfer", "expense", "fee"}
MOVE_KEY = {"transfer": "transfer", "expense": "expense", "fee": "fees"}


def simple_rows(b, d: Parsed) -> np.ndarray:
    """Which rows this module renders; the rest go through Builder's k_<kind> methods."""
    simple = d.of_kind(*SIMPLE)
    if b.p.fees:  # a payment out with a fee taken on it: split by Builder.k_expense
        spent = np.flatnonzero(simple & d.of_kind("expense")).tolist()
        simple[[i for i in spent if any(d.fees_at(i))]] = False
    if d.foreign.count(None) != len(d.foreign):
        simple &= np.array([f is None for f in d.foreign], dtype=bool)
    conv = np.flatnonzero(d.of_kind("conversion")).tolist()
    if conv and b.p.reference:  # payments a conversion re-prices: generic path
        priced = sorted({d.cell(b.p.reference, i) for i in conv})
        ids = arrow_of(d.ids)
        simple &= ~np.asarray(pc.is_in(ids, value_set=pa.array(priced, ids.type)).to_numpy(
            zero_copy_only=False), dtype=bool)
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
        row = d.row(i)
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
        b = self.b
        narration = own or rule.narration or b.p.narration or NARRATION[rule.kind]
        return f" * {_q(rule.payee or b.p.payee)} {_q(narration)}\n"

    def block(self, fast: np.ndarray) -> Block | None:
        """The rows marked fast (a bool array, as simple_rows gives) as a Block; raises
        Problem where k_<kind> would (the caller then lets the generic path word it).

        Column-wise: rows are grouped by what they share (rule and campaign; rule and
        narration; amounts; date; donor), each group's part of the text is made once, and
        Block.render joins a row's parts when the entry is written. Rows are grouped by
        parsing's codes, where it kept them (Parsed.codes)."""
        d, p = self.d, self.b.p
        at = np.flatnonzero(fast)
        if not len(at):
            return None
        every = len(at) == len(d)

        def cells(values: list) -> list:
            return values if every else [values[i] for i in at]

        none = np.zeros(len(at), dtype=np.intp)  # a column the profile does not read

        def text(column: str) -> tuple[np.ndarray, list]:
            """A text column's codes for these rows, and its values ('' where none)."""
            if not column:
                return none, [""]
            col = d.text_columns[column]
            return col.codes[at], col.values

        (camp, _), (fcol, _), (own, own_text), (refs, ref_text) = (
            text(c) for c in (p.campaign, p.fund_column, p.narration_column, p.reference))
        rule = d.codes["kind"][at]
        ctx_key = _group(rule, camp, fcol)
        ctxs = [self.context(int(at[j])) for j in _firsts(ctx_key)]
        head_of = _group(rule, own)
        heads = [self.head(own_text[own[j]], d.rules[rule[j]]) for j in _firsts(head_of)]

        def codes(key: str) -> np.ndarray:
            """Rows with one code hold the very same value: parsing's codes if it kept
            them, else the values' identities (each distinct amount text became one
            Decimal object, and 10.0 and 10.00 must not share a text)."""
            got = d.codes.get(key)
            if got is not None:
                return got[at]
            values = d.lists.get(key)
            return _codes([id(x) for x in cells(values)]) if values else none

        money = _group(ctx_key, *(codes(k) for k in ("currency", "gross", "net",
                                                     *(f"fee{k}" for k in range(len(p.fees))))))
        firsts = _first_rows(money)
        rows_at = at[firsts]
        postings, incomes, signs = column_amounts.rendered(
            d, [s.sign for s in p.fees], ctxs, ctx_key[firsts], rows_at) or self.each(
                ctxs, ctx_key[firsts], rows_at)
        sign = signs[money]
        wants_donor = np.array([c[5].donor for c in ctxs], dtype=bool)[ctx_key]
        name = p.namespace
        # donor: on a gift; refund-of: on a refund naming what it refunds (its own line)
        who = d.codes["donor"][at]
        gift = (sign > 0) & wants_donor
        refund = np.flatnonzero(sign < 0).tolist()
        refund = [j for j in refund if ref_text[refs[j]]]
        extra_key = np.where(gift, who + 1, 0)  # 0: neither
        extra_key[refund] = who.max(initial=0) + 2 + np.arange(len(refund))
        # What follows the row is made once per combination in two parts: fund and meta
        # with the donor or refund line (one per donor), and the postings (one per
        # amounts); what comes before the id (date and narration) likewise. Each row adds
        # its id and row.
        note_of = _group(ctx_key, extra_key)
        firsts = _first_rows(note_of)
        # each note's own line, in Arrow (Notes): a gift's donor, column-wise; a refund's
        # refund-of (a few), one by one
        own = _donor_lines(d.columns["donor"], at[firsts], gift[firsts])
        refunds = np.flatnonzero(~gift[firsts] & (extra_key[firsts] != 0))
        if len(refunds):
            refunded = np.zeros(len(firsts), dtype=bool)
            refunded[refunds] = True
            own = pc.replace_with_mask(own, pa.array(refunded), pa.array(
                [f"  refund-of: {_q(f'{name}:{ref_text[refs[j]]}')}\n"
                 for j in firsts[refunds].tolist()], pa.string()))
        notes = Notes([c[3] for c in ctxs], ctx_key[firsts], pa.chunked_array([own], pa.string()))
        when = d.codes["date"][at]
        dates = d.columns["date"].take(at).rows()
        ids, escaped = _import_ids(name, d.ids, at, every)
        rows = d.numbers[at]
        lead_of = _group(when, head_of)
        leads = [f'{dates[j]}{heads[head_of[j]]}  import-id: "' for j in _firsts(lead_of)]
        return Block(ids=ids, rows=rows, dates=dates, context=ctx_key,
                     days=_per_code(when, dates, datetime.date.toordinal, np.int64),
                     years=_per_code(when, dates, lambda x: x.year, np.int64),
                     money=money, incomes=incomes,
                     leads=_objects(leads), lead_of=lead_of, quoted=escaped,
                     file_line=self.file, notes=notes, note_of=note_of,
                     postings=postings if isinstance(postings, column_amounts.Postings)
                     else _objects(postings))

    def each(self, ctxs: list, ctx_of: np.ndarray, rows_at: np.ndarray) -> tuple:
        """column_amounts.rendered's result, group by group with Decimals: the exact way
        for what it cannot prove, and the one that words a problem."""
        d = self.d
        fees = list(zip(*(((f or ZERO) for f in d.take(f"fee{k}", rows_at))
                          for k in range(d.fee_count)))) or [()] * len(rows_at)
        amounts = [self.amounts(ctxs[c], row, cur, gross, net, fee)
                   for c, row, cur, gross, net, fee in zip(
                       ctx_of.tolist(), d.numbers[rows_at].tolist(),
                       d.take("currency", rows_at), d.take("gross", rows_at),
                       d.take("net", rows_at), fees, strict=True)]
        return ([a[0] for a in amounts], [a[1] for a in amounts],
                np.array([a[2] for a in amounts], dtype=np.int8))

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


class Notes:
    """Each note (what follows an entry's row: its context's fund and metadata lines, and
    its own donor or refund-of line), joined when asked for: a download of 300,000
    donors has as many notes, and the context's lines once per note were 25 MB held
    from the build to the write. Indexed as an object array of the texts is."""

    def __init__(self, heads: list[str], head_of: np.ndarray, own: pa.ChunkedArray):
        self.heads, self.head_of, self.own = heads, head_of, own
        self._heads: pa.Array | None = None  # the heads in Arrow, made once

    def __len__(self) -> int:
        return len(self.head_of)

    def __getitem__(self, which) -> np.ndarray:
        which = np.asarray(which, dtype=np.int64)
        heads = self.heads
        texts = np.empty(len(which), dtype=object)
        texts[:] = [heads[h] + x for h, x in zip(
            self.head_of[which].tolist(), self.own.take(pa.array(which)).to_pylist(),
            strict=True)]
        return texts

    def strings(self, which: np.ndarray) -> pa.Array:
        """self[which] as an Arrow string array, joined there (txn.Block.arrow)."""
        which = np.asarray(which, dtype=np.int64)
        if self._heads is None:
            self._heads = pa.array(self.heads, pa.string())
        return pc.binary_join_element_wise(self._heads.take(pa.array(self.head_of[which])),
                                           self.own.take(pa.array(which)).combine_chunks(), "")


def _donor_lines(donors, rows: np.ndarray, gift: np.ndarray) -> pa.Array:
    """`  donor: "..."` and a newline for each of these rows that is a gift with a
    donor (importers.parse.donors: a Column of pseudonyms), "" for the others: as
    txn._q quotes it, column-wise."""
    values = arrow_of(donors.values)  # in Arrow already where a helper hashed them:
    # taken here, by which time it is done (importers.pseudonym_aside)
    quoted = pc.replace_substring(pc.replace_substring(values, "\\", "\\\\"), '"', '\\"')
    cells = quoted.take(pa.array(donors.codes[rows]))
    has = pc.and_(pc.fill_null(pc.not_equal(cells, ""), False), pa.array(gift))
    lines = pc.binary_join_element_wise('  donor: "', cells, '"\n', "")
    return pc.if_else(has, lines, "")


def _import_ids(name: str, ids, at: np.ndarray, every: bool) -> tuple[list[str], list[str]]:
    """The rows' import-ids (`name:id`), and each as written between quotes; made from
    the ids column-wise where parsing kept them in Arrow (importers.table.Texts)."""
    if isinstance(ids, Texts):
        cells = ids.array if every else ids.array.take(pa.array(at))
        got = pc.binary_join_element_wise(pa.scalar(f"{name}:", cells.type), cells,
                                          pa.scalar("", cells.type))
        plain = not pc.any(pc.match_substring_regex(got, r'["\\]')).as_py()
        out = got.to_pylist()
    else:
        out = [f"{name}:{i}" for i in (ids if every else [ids[i] for i in at.tolist()])]
        joined = "".join(out)
        plain = '"' not in joined and "\\" not in joined
    return out, out if plain else [_q(i)[1:-1] for i in out]


def _codes(values: list) -> np.ndarray:
    """Each value's group number (0, 1, ...) in order of first appearance (values: ints,
    or anything else hashable: strs, None)."""
    if values and not isinstance(values[0], int):
        index: dict = {}
        return np.fromiter((index.setdefault(v, len(index)) for v in values),
                           dtype=np.intp, count=len(values))
    return _numbered(np.asarray(values, dtype=np.int64))


def _numbered(ints: np.ndarray) -> np.ndarray:
    """Each int's group number (0, 1, ...) in order of first appearance: Arrow's hash
    table numbers the values as it meets them."""
    return pa.array(ints).dictionary_encode().indices.to_numpy(
        zero_copy_only=False).astype(np.intp)


def _group(*codes: np.ndarray) -> np.ndarray:
    """Group numbers for the combination of several code columns, numbered in order of
    first appearance (0, 1, ...: _firsts relies on it)."""
    for c in codes:  # a code that grows row by row: a different value on every row (ids,
        if len(c) > 1 and (np.diff(c) > 0).all():  # amounts kept in Arrow), so each row
            return np.arange(len(c), dtype=np.intp)  # is a group of its own
    key = _numbered(np.asarray(codes[0], dtype=np.int64))
    for c in codes[1:]:  # renumbered at each step, so the products stay below n squared
        key = _numbered(key.astype(np.int64) * (int(c.max(initial=0)) + 1) + c)
    return key


def _firsts(codes: np.ndarray) -> list[int]:
    """The position of each group's first row, by group number (codes from _group: a new
    group's number is one more than any before it)."""
    return _first_rows(codes).tolist()


def _first_rows(codes: np.ndarray) -> np.ndarray:
    """_firsts as an array: on 300,000 groups, no list of ints made and read back."""
    if not len(codes):
        return np.zeros(0, dtype=np.intp)
    return np.flatnonzero(np.diff(np.maximum.accumulate(codes), prepend=-1))


def _objects(values: list) -> np.ndarray:
    """A list as a numpy object array (of strs, never split into characters)."""
    table = np.empty(len(values), dtype=object)
    table[:] = values
    return table
