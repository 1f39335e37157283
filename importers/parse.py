"""Profile + file -> validated columns, vectorised with pandas.

Every check runs over whole columns; the first failing row (in file order) is reported as
`FILE:ROW: problem`, so a treasurer fixes the export and runs again. Money is parsed from
text straight to Decimal, never through a float.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from importers.errors import Problem, q
from importers.profile import Profile, Rule, norm

# Currency signs, thousands separators, spaces, and an ISO code beside a number ("GBP 12").
AMOUNT_JUNK = re.compile(r"[£$€,]|^[A-Z]{3}(?=\s*[-\d(])|(?<=\d)\s*[A-Z]{3}$|\s")
# The currency an amount cell names itself, to check against its row's.
STATED = re.compile(r"^[(\s]*([A-Z]{3})(?=\s*[-\d(])|(?<=\d)\s*([A-Z]{3})[)\s]*$")
SIGNS = {"£": "GBP", "€": "EUR", "$": "USD"}
MAY_STATE = re.compile(r"[A-Z£€$]")  # what stated_currency() can find, in one character
NUMBER = r"-?\d+(\.\d+)?"
PLAIN = re.compile(NUMBER)
CODE = re.compile(r"[A-Z]{3}")
ZERO = Decimal(0)  # one shared object: importers.columns caches postings by amount identity
FORMAT_HINT = {"%d": "DD", "%m": "MM", "%Y": "YYYY", "%y": "YY", "%H": "hh", "%M": "mm",
               "%S": "ss"}


class Parsed:
    """The rows of one file that the profile books.

    Each column is kept as parsing left it, as codes into its distinct values: `codes`
    (what importers.columns groups rows by) and at() for one row. The plain lists of one
    value per row that Builder's k_<kind> read (rows, kinds, dates, gross, ...) are made
    on first use: a download of nothing but common rows never needs them."""

    def __init__(self, numbers: np.ndarray, rules: tuple[Rule, ...], kinds: np.ndarray,
                 columns: dict[str, Column], lists: dict[str, list], ids: list[str],
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

    def _list(self, name: str) -> list:
        col = self.columns.get(name)
        if col is not None:
            return col.rows()
        return self.lists.get(name) or [None] * len(self)

    @cached_property
    def rows(self) -> list[int]:
        return self.numbers.tolist()

    @cached_property
    def kinds(self) -> list[Rule]:
        return [self.rules[i] for i in self.codes["kind"].tolist()]

    @cached_property
    def dates(self) -> list:
        return self._list("date")

    @cached_property
    def currency(self) -> list[str]:
        return self._list("currency")

    @cached_property
    def gross(self) -> list[Decimal | None]:
        return self._list("gross")

    @cached_property
    def net(self) -> list[Decimal | None]:
        return self._list("net")

    @cached_property
    def fees(self) -> list[tuple[Decimal, ...]]:
        return _per_row([self._list(f"fee{k}") for k in range(self.fee_count)], len(self))

    @cached_property
    def donors(self) -> list[str]:
        return self._list("donor")

    @cached_property
    def text(self) -> dict[str, list[str]]:
        return {c: col.rows() for c, col in self.text_columns.items()}


class Column:
    """One column of a table as each row's code into the column's distinct values
    (stripped): every check and conversion runs once per distinct value, and a row's
    result is picked by its code. Types, statuses, currencies, amounts and dates repeat
    (a few hundred values in 300,000 rows); ids and emails hardly do, and are not hashed
    to find their distinct values, which would cost more than the checks it saves."""

    def __init__(self, codes: np.ndarray, values: list):
        self.codes, self.values = codes, values
        self._used: np.ndarray | None = None

    def used(self) -> np.ndarray:
        """Which values some row has (after take(), not every value is still a row's)."""
        if self._used is None:
            self._used = np.zeros(len(self.values), dtype=bool)
            self._used[self.codes] = True
        return self._used

    @classmethod
    def of(cls, s: pd.Series) -> Column:
        sample = s.iloc[:20000]
        if sample.nunique() > len(sample) // 2:
            values = s.tolist()
            if _may_need_strip(s):
                values = [v.strip() for v in values]
            return cls(np.arange(len(s)), values)
        codes, uniq = pd.factorize(s)
        return cls(codes, [v.strip() for v in uniq.tolist()])

    def at(self, i: int):
        """Row i's value."""
        return self.values[self.codes[i]]

    def map(self, f) -> Column:
        """f over the values rows have (None stands for the others)."""
        return Column(self.codes, [f(v) if u else None
                                   for v, u in zip(self.values, self.used().tolist())])

    def mask(self, test) -> np.ndarray:
        """test over the values rows have, as one bool per row."""
        if not len(self.codes):
            return np.zeros(0, dtype=bool)
        return np.array([u and bool(test(v)) for v, u in
                         zip(self.values, self.used().tolist())], dtype=bool)[self.codes]

    def empty(self) -> np.ndarray:
        """Which rows are empty ('' after stripping)."""
        if "" not in self.values:  # a C-speed scan settles nearly every column
            return np.zeros(len(self.codes), dtype=bool)
        return self.mask(lambda v: v == "")

    def rows(self) -> list:
        """One value per row."""
        if not len(self.codes):
            return []
        table = np.empty(len(self.values), dtype=object)
        table[:] = self.values
        return table[self.codes].tolist()

    def take(self, pos: np.ndarray) -> Column:
        return Column(self.codes[pos], self.values)


class Table:
    """The rows of an export still to be booked, with their columns read once.

    Rows dropped (skipped kinds) are dropped by position: the columns already read are
    kept, and a problem still names the row with the cell as the export has it."""

    def __init__(self, path, df: pd.DataFrame):
        self.path, self.df = str(path), df
        self.pos = np.arange(len(df))  # this table's rows, as positions in df
        self.rows = df["_row"].to_numpy()
        self._cols: dict[str, Column] = {}
        self._folded: dict[str, Column] = {}

    def __len__(self) -> int:
        return len(self.pos)

    def col(self, name: str) -> Column:
        """The column (stripped), or '' on every row if the export has no such column."""
        key = norm(name)
        got = self._cols.get(key)
        if got is None:
            got = self._cols[key] = (Column.of(self.df[key]).take(self.pos)
                                     if key in self.df.columns
                                     else Column(np.zeros(len(self), dtype=np.intp), [""]))
        return got

    def folded(self, name: str) -> Column:
        got = self._folded.get(norm(name))
        if got is None:
            got = self._folded[norm(name)] = self.col(name).map(str.casefold)
        return got

    def keep(self, mask: np.ndarray) -> Table:
        t = Table.__new__(Table)
        at = np.flatnonzero(mask)
        t.path, t.df, t.pos, t.rows = self.path, self.df, self.pos[at], self.rows[at]
        t._cols = {k: c.take(at) for k, c in self._cols.items()}
        t._folded = {k: c.take(at) for k, c in self._folded.items()}
        return t

    def fail(self, bad: np.ndarray, message) -> None:
        """Problem at the first bad row; message gets the row's cells as the export has
        them (a dict keyed by normalised column name)."""
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise Problem(self.path, int(self.rows[i]),
                          message(self.df.iloc[int(self.pos[i])].to_dict()))


def _may_need_strip(s: pd.Series) -> bool:
    """False when no cell starts or ends with anything but a printable ASCII character
    other than a space (then str.strip changes nothing): one Arrow pass over an
    Arrow-backed column, instead of a strip per cell."""
    if not (isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow"):
        return True
    edge = pc.match_substring_regex(pa.array(s.array), "^[^!-~]|[^!-~]$")
    return bool(pc.any(edge).as_py())


def _plain(text: str) -> bool:
    return PLAIN.fullmatch(text) is not None


def _hint(fmt: str) -> str:
    for k, v in FORMAT_HINT.items():
        fmt = fmt.replace(k, v)
    return fmt


def parse_dates(t: Table, profile: Profile) -> Column:
    col = t.col(profile.date)
    t.fail(col.empty(), lambda r: f"missing date in column '{profile.date}'")
    used = col.used()
    values = pd.Series([v if u else "" for v, u in zip(col.values, used.tolist())],
                       dtype=object)
    first = None
    for fmt in profile.date_formats:
        parsed = pd.to_datetime(values, format=fmt, errors="coerce")
        bad = parsed.isna().to_numpy() & used
        if not bad.any():
            return Column(col.codes, list(parsed.dt.date))
        if first is None:
            first = bad
    forms = " or ".join(_hint(f) for f in profile.date_formats)
    t.fail(first[col.codes], lambda r: f"date {q(r[norm(profile.date)])} in column "
           f"'{profile.date}' is not {forms}")
    raise AssertionError("unreachable: a date no format reads is a bad row")


def amount_text(raw: str) -> str:
    """A cell as a plain number ('-1234.50'), '' if empty; untouched if it cannot be one."""
    if raw == "" or _plain(raw):
        return raw
    clean = AMOUNT_JUNK.sub("", raw.strip("()"))
    if raw.startswith("(") and raw.endswith(")"):  # accountants' (12.50)
        clean = "-" + clean
    return clean.replace("--", "")


def parse_amounts(t: Table, column: str, required: bool) -> list[Decimal | None]:
    return amounts(t, column, required).rows()


def amounts(t: Table, column: str, required: bool) -> Column:
    text = t.col(column).map(amount_text)
    if required:
        t.fail(text.empty(), lambda r: f"missing amount in column '{column}'")
    t.fail(text.mask(lambda v: v != "" and not _plain(v)),
           lambda r: f"amount {q(r[norm(column)])} in column '{column}' is not a number")
    # Each distinct text becomes one Decimal object (importers.columns relies on that to
    # write each combination of amounts once).
    return text.map(lambda v: Decimal(v) if v else None)


def stated_currency(text: str) -> str | None:
    """The currency an amount cell names itself ("10.00 EUR", "£25"), if any."""
    m = STATED.search(text)
    if m:
        return (m.group(1) or m.group(2)).upper()
    return next((code for sign, code in SIGNS.items() if sign in text), None)


def check_stated_currency(t: Table, columns, currency: Column) -> None:
    """An amount that names a currency other than its row's would be booked in the wrong
    one: refuse it rather than guess."""
    for column in columns:
        if not column:
            continue
        col = t.col(column)
        # Only a cell with a capital letter or a currency sign can name a currency.
        for i in np.flatnonzero(col.mask(MAY_STATE.search)):
            value, cur = col.at(i), currency.at(i)
            stated = stated_currency(value)
            if stated and stated != cur:
                raise Problem(t.path, int(t.rows[i]), f"amount '{value}' in column '{column}' "
                              f"is in {stated}, but the row's currency is {cur}")


def parse_currency(t: Table, profile: Profile) -> Column:
    if profile.fixed_currency or not profile.currency:
        return Column(np.zeros(len(t), dtype=np.intp), [(profile.fixed_currency or "GBP").upper()])
    cur = t.col(profile.currency).map(str.upper)
    t.fail(cur.mask(lambda v: CODE.fullmatch(v) is None),
           lambda r: f"currency {q(r[norm(profile.currency)])} is not a 3-letter code")
    return cur


NONE = 9  # the sign of an empty amount cell


def _signs(amount: list) -> np.ndarray:
    return np.fromiter(((x > 0) - (x < 0) for x in amount), np.int8, len(amount))


def _value_signs(col: Column) -> np.ndarray:
    """Each row's amount's sign (1, 0, -1), or NONE where its cell is empty."""
    per = np.array([NONE if v is None else (v > 0) - (v < 0) for v in col.values] + [NONE],
                   dtype=np.int8)
    return per[col.codes]


def classify(t: Table, profile: Profile, sign: np.ndarray) -> np.ndarray:
    """The rule for each row (index into profile.rules), given the sign of each row's
    amount; an unmatched row is an error."""
    which = np.full(len(t), -1)
    for i, rule in enumerate(profile.rules):
        mask = which == -1
        if rule.column:
            value = t.folded(rule.column)
            if rule.values:
                wanted = {v.casefold() for v in rule.values}
                mask &= value.mask(wanted.__contains__)
            if rule.pattern:
                pattern = re.compile(rule.pattern, re.IGNORECASE)
                mask &= value.mask(pattern.search)
        if rule.sign == "credit":
            mask &= sign > 0
        elif rule.sign == "debit":
            mask &= sign < 0
        which[mask] = i
    col = next((r.column for r in profile.rules if r.column), "")
    t.fail(which == -1, lambda r: (
        f"{col or 'row'} {q(r.get(norm(col), ''))} is not a kind of row the {profile.name} "
        "profile knows" if col else f"no rule of the {profile.name} profile matches"))
    return which


def skip_mask(t: Table, profile: Profile) -> np.ndarray:
    mask = np.zeros(len(t), dtype=bool)
    for s in profile.skip:
        value = t.folded(s.column)
        if s.values:
            mask |= value.mask({v.casefold() for v in s.values}.__contains__)
        if s.not_in:
            keep = {v.casefold() for v in s.not_in}
            mask |= value.mask(lambda v, keep=keep: v not in keep)
    return mask


def ids(t: Table, profile: Profile) -> list[str]:
    """The source's own id. Bank lines have none: the declared columns (date, amounts,
    balance: never a payer's name, so a plain hash reveals nothing the entry does not
    already show, and the id does not depend on the donor key) are hashed, with an
    occurrence number for identical lines."""
    if len(profile.id) == 1:
        col = t.col(profile.id[0])
        t.fail(col.empty(), lambda r: f"missing id in column '{profile.id[0]}'")
        return col.rows()
    joined = ["\x1f".join(parts) for parts in zip(*(t.col(c).rows() for c in profile.id))]
    nth = pd.Series(joined, dtype=object).groupby(joined, sort=False).cumcount() + 1
    keys = {k: hashlib.sha256(k.encode()).hexdigest()[:16] for k in set(joined)}
    return [f"{keys[k]}-{n}" for k, n in zip(joined, nth.tolist(), strict=True)]


def donors(t: Table, profile: Profile, pseudo) -> Column:
    """The first non-empty identity column, hashed. The identity itself goes no further."""
    codes = np.full(len(t), -1)
    values: list[str] = []
    for c in profile.donor:
        col = t.col(c)
        take = (codes == -1) & ~col.empty()
        codes[take] = col.codes[take] + len(values)
        values += col.values
    codes[codes == -1] = len(values)  # no identity at all
    return Column(codes, [*values, ""]).map(pseudo.donor)


def _per_row(columns: list[list[Decimal | None]], n: int) -> list[tuple[Decimal, ...]]:
    """Amount columns as one tuple per row, an empty cell as ZERO (the shared object)."""
    if not columns:
        return [()] * n
    return list(zip(*([x or ZERO for x in col] for col in columns), strict=True))


def parse(path, df: pd.DataFrame, profile: Profile, pseudo) -> Parsed:
    t = Table(path, df)
    t = t.keep(~skip_mask(t, profile))
    gross_col = amounts(t, profile.gross, False) if profile.gross else None
    net_col = amounts(t, profile.net, False) if profile.net else None
    lists: dict[str, list] = {}  # gross and net, where worked out per row (credit, debit)
    if profile.credit or profile.debit:
        cr = parse_amounts(t, profile.credit, False)
        dr = parse_amounts(t, profile.debit, False)
        both = np.array([c is not None and d is not None and c != 0 and d != 0
                         for c, d in zip(cr, dr, strict=True)], dtype=bool)
        t.fail(both, lambda r: f"both '{profile.credit}' and '{profile.debit}' hold an amount")
        amount = [(c or 0) - abs(d or 0) for c, d in zip(cr, dr, strict=True)]
        lists = {"gross": amount, "net": amount}
        gross_col = net_col = None
        sign = _signs(amount)
    elif gross_col is None and net_col is None:  # invoices: the amounts are in the splits
        sign = np.zeros(len(t), dtype=np.int8)
    else:  # the net amount's sign, else the gross's; NONE where a row has neither
        sign = np.full(len(t), NONE, dtype=np.int8)
        for col in (gross_col, net_col):
            if col is not None:
                got = _value_signs(col)
                sign = np.where(got != NONE, got, sign)
    t.fail(sign == NONE, lambda r: f"missing amount in column '{profile.net or profile.gross}'")
    which = classify(t, profile, sign)
    skips = np.array([r.kind == "skip" for r in profile.rules] + [False])  # [-1]: unmatched
    keep = (which != -1) & ~skips[which]
    pos = np.flatnonzero(keep)
    t, which = t.keep(keep), which[keep]
    columns = {k: c.take(pos) for k, c in (("gross", gross_col), ("net", net_col)) if c}
    lists = {k: [v[i] for i in pos.tolist()] for k, v in lists.items()}
    columns.update((f"fee{k}", amounts(t, f.column, False)) for k, f in enumerate(profile.fees))
    splits = [parse_amounts(t, s.column, False) for s in profile.splits]
    foreign = None
    if profile.foreign_amount:
        famt = parse_amounts(t, profile.foreign_amount, False)
        fcur = t.col(profile.foreign_currency).map(str.upper).rows()
        foreign = [(a, c) if a else None for a, c in zip(famt, fcur, strict=True)]
    text = {c: t.col(c) for c in (profile.reference, profile.campaign, profile.fund_column,
                                  profile.firm, profile.paid_from, profile.paid_on,
                                  profile.line, profile.narration_column,
                                  *(s.firm_column for s in profile.splits))
            if c}
    columns["donor"] = donors(t, profile, pseudo)
    columns["date"] = parse_dates(t, profile)
    columns["currency"] = parse_currency(t, profile)
    check_stated_currency(t, [profile.gross, profile.net, profile.credit, profile.debit,
                              *(f.column for f in profile.fees),
                              *(x.column for x in profile.splits)], columns["currency"])
    return Parsed(t.rows, tuple(profile.rules), which, columns, lists, ids(t, profile), text,
                  _per_row(splits, len(t)), foreign or [None] * len(t), len(profile.fees))
