"""Profile + file -> validated columns, vectorised with numpy and Arrow.

Every check runs over whole columns; the first failing row (in file order) is reported as
`FILE:ROW: problem`, so a treasurer fixes the export and runs again. Each cell's date,
amount and currency is read by importers.fields; here, each row's sign, rule, donor and id.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from decimal import Decimal
from functools import cached_property

import numpy as np
import pyarrow.compute as pc

from importers import classify, pseudonym_aside
from importers.errors import Problem
from importers.fields import (
    Amounts,
    amounts,
    check_stated_currency,
    currency_column,
    parse_amounts,
    parse_currency,
    parse_dates,
)
from importers.frame import Frame
from importers.profile import Profile, Rule
from importers.table import (
    Column,
    Table,
    Texts,
    arrow_of,
    encoded,
    mostly_distinct,
    taken,
)

ZERO = Decimal(0)  # one shared object: importers.columns caches postings by amount identity


class Parsed:
    """The rows of one file that the profile books.

    Each column is kept as parsing left it, as codes into its distinct values: `codes`
    (what importers.columns groups rows by) and at() for one row. The plain lists of one
    value per row that Builder's k_<kind> read (rows, kinds, dates, gross, ...) are made
    on first use: a download of nothing but common rows never needs them."""

    def __init__(self, numbers: np.ndarray, rules: tuple[Rule, ...], kinds: np.ndarray,
                 columns: dict[str, Column], lists: dict[str, list], ids: Sequence[str],
                 text: dict[str, Column], splits: list[tuple[Decimal, ...]],
                 foreign: list[tuple[Decimal, str] | None], fee_count: int):
        self.numbers, self.rules, self.ids = numbers, rules, ids  # numbers: spreadsheet rows
        # Per row, a code per column such that rows with one code hold the very same value
        # ("kind", "date", "currency", "gross", "net", "fee0", ..., "donor"); codes["kind"]
        # indexes rules.
        self.codes = {"kind": kinds, **{k: c.codes for k, c in columns.items()}}
        self.columns, self.lists, self.text_columns = columns, lists, text
        self.splits, self.foreign, self.fee_count = splits, foreign, fee_count

    def __len__(self) -> int:
        return len(self.numbers)

    def at(self, name: str, i: int):
        """Row i's value of one column: "date", "currency", "gross", "net", "fee0", ...,
        "donor" (None for an amount column the profile does not have)."""
        col = self.columns.get(name)
        if col is not None:
            return col.at(i)
        got = self.lists.get(name)
        return got[i] if got is not None else None

    def take(self, name: str, rows: np.ndarray) -> list:
        """at() for many rows at once."""
        col = self.columns.get(name)
        if col is not None:
            return [col.values[c] for c in col.codes[rows].tolist()]
        got = self.lists.get(name)
        return [got[i] for i in rows.tolist()] if got is not None else [None] * len(rows)

    def fees_at(self, i: int) -> tuple[Decimal, ...]:
        """Row i's fees, one per profile fee column, an empty cell as ZERO."""
        return tuple(self.at(f"fee{k}", i) or ZERO for k in range(self.fee_count))

    def kind(self, i: int) -> Rule:
        return self.rules[self.codes["kind"][i]]

    def row(self, i: int) -> int:
        return int(self.numbers[i])

    def of_kind(self, *kinds: str) -> np.ndarray:
        """Which rows are of these kinds, as one bool per row."""
        return np.array([r.kind in kinds for r in self.rules] + [False],
                        dtype=bool)[self.codes["kind"]]

    def cell(self, column: str, i: int) -> str:
        """Row i's text in one of the other columns the profile reads (reference,
        campaign, ...; '' where the profile names none)."""
        return self.text_columns[column].at(i) if column else ""

    def _list(self, name: str) -> Sequence:
        """One value per row, each looked up when asked for: the few rows built one by
        one (refunds, withdrawals, conversions) must not make a list of 300,000 values
        per column (nor a Decimal per row) for the rest of the import to carry."""
        col = self.columns.get(name)
        if col is not None:
            return col.lazy_rows()
        got = self.lists.get(name)
        return got if got is not None else [None] * len(self)

    @cached_property
    def rows(self) -> Sequence[int]:
        return _Numbers(self.numbers)

    @cached_property
    def kinds(self) -> list[Rule]:
        return [self.rules[i] for i in self.codes["kind"].tolist()]

    @cached_property
    def dates(self) -> Sequence:
        return self._list("date")

    @cached_property
    def currency(self) -> Sequence[str]:
        return self._list("currency")

    @cached_property
    def gross(self) -> Sequence[Decimal | None]:
        return self._list("gross")

    @cached_property
    def net(self) -> Sequence[Decimal | None]:
        return self._list("net")

    @cached_property
    def fees(self) -> Sequence[tuple[Decimal, ...]]:
        return _Each(self.fees_at, len(self))

    @cached_property
    def donors(self) -> Sequence[str]:
        return self._list("donor")

    @cached_property
    def text(self) -> dict[str, Sequence[str]]:
        return {c: col.lazy_rows() for c, col in self.text_columns.items()}


class _Each(Sequence):
    """f(i) for row i, made when asked for."""

    def __init__(self, f, n: int):
        self.f, self.n = f, n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self.f(k) for k in range(*i.indices(self.n))]
        if not -self.n <= i < self.n:
            raise IndexError(i)
        return self.f(i % self.n)

    def __eq__(self, other) -> bool:  # as the list of its values
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


class _Numbers(_Each):
    """Spreadsheet row numbers as Python ints (what an entry's `import-row` holds)."""

    def __init__(self, numbers: np.ndarray):
        super().__init__(lambda i: int(numbers[i]), len(numbers))


NONE = 9  # the sign of an empty amount cell


def _value_signs(col: Column) -> np.ndarray:
    """Each row's amount's sign (1, 0, -1), or NONE where its cell is empty."""
    texts = col.texts
    if texts is None:
        per = np.array([NONE if v is None else (v > 0) - (v < 0) for v in col.values] + [NONE],
                       dtype=np.int8)
        return per[col.codes]
    # An exact text's sign from its characters (importers.fields.Read), column-wise: a
    # zero is all zeros (and commas, a point), a minus leads a negative one.
    cells = arrow_of(texts)
    zero = pc.match_substring_regex(cells, r"^-?[0,]*(\.0*)?$")
    minus = pc.starts_with(cells, "-")
    per = np.where(pc.fill_null(zero, False).to_numpy(zero_copy_only=False), 0,
                   np.where(pc.fill_null(minus, False).to_numpy(zero_copy_only=False), -1, 1))
    per = np.where(pc.is_valid(cells).to_numpy(zero_copy_only=False), per, NONE)
    for i, v in col.values.other.items():  # the values read some other way
        per[i] = NONE if v is None else (v > 0) - (v < 0)
    return np.append(per, NONE).astype(np.int8)[col.codes]


def _refuse_unclaimed_new(whole: Table, sign: np.ndarray, t: Table, pos: np.ndarray,
                          which: np.ndarray, rules: tuple[Rule, ...], profile: Profile,
                          held) -> Sequence[str] | None:
    """Refuse the rows no rule claims (booked to suspense by classify) that the books do
    not hold yet, listed as classify lists them; held ones stay, to be skipped as
    duplicates. t is whole's rows kept (pos: where each was in whole). Returns t's ids
    where it had to work them out (parse then uses them), else None."""
    unclaimed = np.flatnonzero(which >= len(rules) - len(classify.SUSPENSE))
    if not len(unclaimed):
        return None
    row_ids = ids(t, profile)
    new = [i for i in unclaimed.tolist() if not held(row_ids[i])]
    if not new:
        return row_ids
    mask = np.zeros(len(whole), dtype=bool)
    mask[pos[new]] = True
    raise Problem(whole.path, int(whole.rows[int(pos[new[0]])]),
                  classify.refusal(whole, profile, mask, sign))


def ids(t: Table, profile: Profile) -> Sequence[str]:
    """The source's own id. Bank lines have none: the declared columns (date, amounts,
    balance: never a payer's name, so a plain hash reveals nothing the entry does not
    already show, and the id does not depend on the donor key) are hashed, with an
    occurrence number for identical lines."""
    if len(profile.id) == 1:
        col = t.col(profile.id[0])
        t.fail(col.empty(), lambda r: f"missing id in column '{profile.id[0]}'")
        return col.row_texts()
    joined = ["\x1f".join(parts) for parts in zip(*(t.col(c).rows() for c in profile.id))]
    seen: dict[str, int] = {}  # how many of each line so far
    nth = [seen.__setitem__(k, seen.get(k, 0) + 1) or seen[k] for k in joined]
    keys = {k: hashlib.sha256(k.encode()).hexdigest()[:16] for k in seen}
    return [f"{keys[k]}-{n}" for k, n in zip(joined, nth, strict=True)]


def donors(t: Table, profile: Profile, pseudo, row_ids: Sequence[str]) -> Column:
    """The first non-empty identity column, hashed. The identity itself goes no further.

    A row of a source that names its donors but whose identity cells are all empty is a
    donor of one, pseudonymised from its own id: with no donor it would be published as
    the organisation's own money. (A payer pattern finding no name in a cell still means
    no donor: the profile says such lines are not a person's.)"""
    codes = np.full(len(t), -1)
    parts: list[Sequence[str]] = []  # each identity column's distinct values
    size = 0
    for c in profile.donor:
        col = t.col(c)
        take = (codes == -1) & ~col.empty()
        these, distinct = _distinct(col, take)
        codes[take] = these + size
        parts.append(distinct)
        size += len(distinct)
    codes[codes == -1] = size  # no identity at all
    payer = _payer(profile)
    used = np.zeros(size + 1, dtype=bool)
    used[codes] = True
    # every identity cell empty: a donor of one, pseudonymised from the row's own id
    alone = np.flatnonzero(codes == size) if profile.donor else np.zeros(0, np.intp)
    extra = [f"row {profile.name}:{row_ids[i]}" for i in alone.tolist()]
    codes[alone] = size + 1 + np.arange(len(alone))
    if not profile.payer:  # hashed by a helper process while parsing goes on, if it pays
        later = pseudonym_aside.aside(pseudo, parts, used, extra)
        if later is not None:
            return Column(codes, later)

    def identities():  # walked once, a slice at a time where in Arrow: no list of them
        k = 0
        for part in [*parts, [""]]:
            for v, u in zip(part, used[k:k + len(part)].tolist(), strict=True):
                yield payer(v) if u else None
            k += len(part)
        yield from extra

    return Column(codes, pseudo.donors(identities()))


def _distinct(col: Column, take: np.ndarray) -> tuple[np.ndarray, Sequence[str]]:
    """The identity cells of the rows taken from one column: each row's code into the
    distinct values, and those values. A column kept in Arrow (emails, names: nearly
    every row's different) is told apart there, only over the rows taken, so each
    identity is hashed once and no str is made per cell of the others."""
    if not isinstance(col.values, Texts):
        return col.codes[take], col.values
    cells = taken(col.values.array, col.codes[take])
    if mostly_distinct(cells, 0.95):
        # as good as every identity different: each row is hashed as its own (the same
        # identity gives the same pseudonym), not first told apart (Arrow's hash table
        # over 300,000 emails took 0.07 s to save nothing)
        return np.arange(len(cells)), Texts(cells)
    codes, values = encoded(cells)
    return codes, Texts(values)


def _payer(profile: Profile):
    """The payer's name in an identity cell: the profile's `payer` pattern picks it out of
    a bank description ("FPI JOHN DOE REF 0001" -> "JOHN DOE"), and words holding digits
    (references, dates, amounts) go, so one payer's gifts are one donor."""
    if not profile.payer:
        return lambda v: v
    pattern = re.compile(profile.payer)

    def payer(text: str) -> str:
        m = pattern.search(text)
        name = (m.group("payer") or "") if m else text
        return classify.payee_text(name)

    return payer


def _per_row(columns: list[list[Decimal | None]], n: int) -> list[tuple[Decimal, ...]]:
    """Amount columns as one tuple per row, an empty cell as ZERO (the shared object)."""
    if not columns:
        return [()] * n
    return list(zip(*([x or ZERO for x in col] for col in columns), strict=True))


def parse(path, df: Frame, profile: Profile, pseudo, rules: tuple[Rule, ...] = (),
          received=None, suspense: bool = False, held=None) -> Parsed:
    """The rows the profile books, typed and checked, each with its rule (classify).
    rules: the books' rules, the profile's and the suspense ones (classify.rules_for).
    held(id) says whether the books (or this run) already hold the row of that id: a row
    no rule claims is refused only if it is not held (held ones are duplicates, skipped
    as such, as a row an earlier `--unclassified suspense` import booked is)."""
    rules = rules or classify.rules_for(profile, [])
    t = Table(path, df)
    t = t.keep(~classify.skip_mask(t, profile))
    style = Amounts(t, profile)
    gross_col = amounts(t, profile.gross, style) if profile.gross else None
    net_col = amounts(t, profile.net, style) if profile.net else None
    lists: dict[str, list] = {}  # gross and net, where worked out per row (credit, debit)
    if profile.credit or profile.debit:
        cr = parse_amounts(t, profile.credit, style) if profile.credit else [None] * len(t)
        dr = parse_amounts(t, profile.debit, style) if profile.debit else [None] * len(t)
        both = np.array([c is not None and d is not None and c != 0 and d != 0
                         for c, d in zip(cr, dr, strict=True)], dtype=bool)
        t.fail(both, lambda r: f"both '{profile.credit}' and '{profile.debit}' hold an amount")
        amount = [None if c is None and d is None else (c or 0) - abs(d or 0)
                  for c, d in zip(cr, dr, strict=True)]
        lists = {"gross": amount, "net": amount}
        gross_col = net_col = None
        sign = np.array([NONE if x is None else (x > 0) - (x < 0) for x in amount],
                        dtype=np.int8)
    elif gross_col is None and net_col is None:  # invoices: the amounts are in the splits
        sign = np.zeros(len(t), dtype=np.int8)
    else:  # the net amount's sign, else the gross's; NONE where a row has neither
        sign = np.full(len(t), NONE, dtype=np.int8)
        for col in (gross_col, net_col):
            if col is not None:
                got = _value_signs(col)
                sign = np.where(got != NONE, got, sign)
    t.fail(sign == NONE, lambda r: "missing amount in column "
           f"'{profile.net or profile.gross or profile.credit or profile.debit}'")
    which = classify.classify(t, profile, rules, sign, received,
                              suspense or held is not None)
    skips = np.array([r.kind == "skip" for r in rules] + [False])  # [-1]: unmatched
    keep = (which != -1) & ~skips[which]
    pos = np.flatnonzero(keep)
    whole, whole_sign = t, sign
    t, which = t.keep(keep), which[keep]
    row_ids = None
    if held is not None and not suspense:
        row_ids = _refuse_unclaimed_new(whole, whole_sign, t, pos, which, rules, profile,
                                        held)
    columns = {k: c.take(pos) for k, c in (("gross", gross_col), ("net", net_col)) if c}
    lists = {k: [v[i] for i in pos.tolist()] for k, v in lists.items()}
    columns.update((f"fee{k}", amounts(t, f.column, style))
                   for k, f in enumerate(profile.fees))
    splits = [parse_amounts(t, s.column, style) for s in profile.splits]
    if profile.balance:
        lists["balance"] = amounts(t, profile.balance, style).lazy_rows()
    foreign = None
    if profile.foreign_amount:
        famt = parse_amounts(t, profile.foreign_amount, style)
        fcur = currency_column(t, profile.foreign_currency, required=False).rows()
        t.fail(np.array([a is not None and a != 0 and not c for a, c in
                         zip(famt, fcur, strict=True)], dtype=bool),
               lambda r: f"an amount in '{profile.foreign_amount}' with no currency in "
               f"'{profile.foreign_currency}'")
        foreign = [(a, c) if a else None for a, c in zip(famt, fcur, strict=True)]
    text = {c: t.col(c) for c in (profile.reference, profile.campaign, profile.fund_column,
                                  profile.firm, profile.paid_from, profile.paid_on,
                                  profile.line, profile.narration_column,
                                  classify.match_column(profile),
                                  *(s.firm_column for s in profile.splits))
            if c}
    row_ids = ids(t, profile) if row_ids is None else row_ids
    columns["donor"] = donors(t, profile, pseudo, row_ids)
    columns["date"] = parse_dates(t, profile)
    columns["currency"] = parse_currency(t, profile)
    check_stated_currency(t, [profile.gross, profile.net, profile.credit, profile.debit,
                              *(f.column for f in profile.fees),
                              *(x.column for x in profile.splits)], columns["currency"])
    return Parsed(t.rows, rules, which, columns, lists, row_ids, text,
                  _per_row(splits, len(t)), foreign or [None] * len(t), len(profile.fees))
