"""A file's cells as what they mean: dates, amounts and currency codes, column by column.

The checks importers.parse runs on each column it books: a date in one of the profile's
formats, an amount in the file's one number style (declared, else settled by its own
amounts), a currency as a 3-letter code and never an amount stating another. The first
failing row (in file order) is reported as `FILE:ROW: problem`. Money is read from text
straight to Decimal, never through a float.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from importers import numbers
from importers.errors import Problem, shape
from importers.profile import Profile, norm
from importers.table import Column, Table, Texts, arrow_of

MAY_STATE = re.compile(r"[A-Z£€$¥]")  # what stated_currency() can find, in one character
NUMBER = r"-?\d+(\.\d+)?"  # the plain form most exports use: read at once
PLAIN = re.compile(NUMBER)
# Thousands between commas, then a decimal point or none: "9,617.32", "-1,234". Only a
# decimal point can mean "9,617.32"; a file whose amounts settle on a point reads "1,234"
# as 1234. The grouping is numbers._style_re's (no leading 0 before a group).
GROUPED_DOT = re.compile(r"-?[1-9]\d{0,2}(?:,\d{3})+(\.\d+)?")
# The same shapes in ASCII digits, matched in C over a whole column at once (RE2's \d is
# ASCII only); whatever they miss is looked at one value at a time, as before.
C_PLAIN, C_THREE = r"^-?[0-9]+(\.[0-9]+)?$", r"^-?[0-9]+\.[0-9]{3}$"
C_GROUPED = r"^-?[1-9][0-9]{0,2}(,[0-9]{3})+(\.[0-9]+)?$"


# Two decimals, plain or between thousands ("12.50", "-9,617.32"): nearly every amount of
# most exports. One pass over a column settles these; only the others are matched against
# each shape's own pattern.
C_TWO = r"^-?(?:[0-9]+|[1-9][0-9]{0,2}(?:,[0-9]{3})+)\.[0-9]{2}$"


def _shapes(values: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per value: plain with a point only ("12.50", "12": PLAIN but not three decimals);
    grouped (GROUPED_DOT); holding a point; plain with exactly three decimals ("1.234")."""
    n = len(values)
    if not n:
        return (np.zeros(0, dtype=bool),) * 4
    cells = arrow_of(values)

    def has(within, pattern: str) -> np.ndarray:
        return pc.match_substring_regex(within, pattern).to_numpy(zero_copy_only=False)

    two = np.asarray(pc.fill_null(pc.match_substring_regex(cells, C_TWO), False)
                     .to_numpy(zero_copy_only=False), dtype=bool)
    comma = np.asarray(pc.fill_null(pc.match_substring(cells, ","), False)
                       .to_numpy(zero_copy_only=False), dtype=bool)
    plain, grouped, point, three = two & ~comma, two & comma, two.copy(), np.zeros(n, bool)
    rest = np.flatnonzero(~two)
    if len(rest):
        others = cells.take(pa.array(rest))
        three[rest] = has(others, C_THREE)
        plain[rest] = has(others, C_PLAIN) & ~three[rest]
        grouped[rest] = has(others, C_GROUPED)
        point[rest] = pc.match_substring(others, ".").to_numpy(zero_copy_only=False)
    return plain, grouped, point, three


CODE = re.compile(r"[A-Z]{3}")
FORMAT_HINT = {"%d": "DD", "%m": "MM", "%Y": "YYYY", "%y": "YY", "%H": "hh", "%M": "mm",
               "%S": "ss"}


def _plain(text: str) -> bool:
    return PLAIN.fullmatch(text) is not None


def _plain_dot(text: str) -> bool:
    """Plain, and only a decimal point could mean it: "1.234" could be 1234, "12.50" not."""
    if PLAIN.fullmatch(text) is None:
        return False
    at = text.find(".")
    return at < 0 or len(text) - at - 1 != 3


def _hint(fmt: str) -> str:
    for k, v in FORMAT_HINT.items():
        fmt = fmt.replace(k, v)
    return fmt


def parse_dates(t: Table, profile: Profile) -> Column:
    col = t.col(profile.date)
    if profile.date_pattern:  # a report that writes the date in a label: "Ending balance (2024-12-31)"
        found = re.compile(profile.date_pattern)
        col = col.map(lambda v: (m.group("date") if (m := found.search(v)) else ""))
    t.fail(col.empty(), lambda r: f"missing date in column '{profile.date}'")
    used = col.used()
    first = None
    for fmt in profile.date_formats:
        # each distinct value the rows have, once (None: not a date in this format)
        parsed = [_date(v, fmt) if u else None for v, u in zip(col.values, used.tolist())]
        bad = np.array([d is None for d in parsed], dtype=bool) & used
        if bad.any() and "%Y" in fmt and (used & ~bad).any():
            # A two-digit year among the file's four-digit ones (PayPal's 09/01/11): read in
            # the order the other dates settled, never guessed on its own.
            for i in np.flatnonzero(bad).tolist():
                parsed[i] = _date(col.values[i], fmt.replace("%Y", "%y"))
            bad = np.array([d is None for d in parsed], dtype=bool) & used
        if not bad.any():
            return Column(col.codes, parsed)
        if first is None:
            first = bad
    forms = " or ".join(_hint(f) for f in profile.date_formats)
    t.fail(first[col.codes], lambda r: f"date in column '{profile.date}' "
           f"({shape(r[norm(profile.date)])}) is not {forms}")
    raise AssertionError("unreachable: a date no format reads is a bad row")


# The day an ISO 8601 timestamp names (its own, whatever its offset): year, month, day,
# then nothing, or a time after a T or a space.
ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?=$|[T ])")


def _date(text: str, fmt: str) -> datetime.date | None:
    """The day a cell names in one of a profile's date formats (strptime's, or ISO8601),
    or None."""
    try:
        if fmt != "ISO8601":
            return datetime.datetime.strptime(text, fmt).date()
        m = ISO_DAY.match(text)
        if m is None:
            return None
        year, month, day = (int(x) for x in m.groups())
        return datetime.datetime.fromisoformat(
            f"{year:04d}-{month:02d}-{day:02d}{text[m.end():]}").date()
    except ValueError:
        return None


class Amounts:
    """How this file writes its amounts: the profile's declared style, else the decimal mark
    its own amounts settle (numbers.settle), found once over every amount column."""

    def __init__(self, t: Table, profile: Profile):
        self.decimal, self.thousands, self.settled = profile.decimal, profile.thousands, ""
        if self.decimal:
            return
        bodies, dot = [], False
        for column in profile.amount_columns():
            col = t.col(column)
            plain, grouped, point, _ = self._shapes(col.values)
            used = col.used()
            # "12.50" and "9,617.32" read only with a decimal point; "12" reads either way
            dot = dot or bool((used & (plain | grouped) & point).any())
            for i in np.flatnonzero(used & ~plain & ~(grouped & point)).tolist():
                v = col.values[i]
                if not v:
                    continue
                if _plain_dot(v):  # "12.50" or "12": no need to look further
                    dot = dot or "." in v
                    continue
                grouped = GROUPED_DOT.fullmatch(v)
                if grouped is not None and grouped.group(1):  # "9,617.32": a point
                    dot = True
                    continue
                got = numbers.split(v)
                if got is not None:
                    bodies.append(got[1])
        self._settle(t, profile, (["0.50"] if dot else []) + bodies)

    def _settle(self, t: Table, profile: Profile, bodies: list[str]) -> None:
        mark, clash = numbers.settle(bodies)
        self.settled = self.settled or mark
        if clash is not None:
            for column in profile.amount_columns():
                col = t.col(column)
                t.fail(col.mask(lambda v: (numbers.split(v) or (0, ""))[1] == clash),
                       lambda r, c=column: f"amount in column '{c}' ({shape(r[norm(c)])}) "
                       "uses a different decimal mark from the file's other amounts")

    def _shapes(self, values: Sequence[str]) -> tuple[np.ndarray, ...]:
        """_shapes(values), worked out once per column: settling the file's decimal mark
        and reading each amount column look at the same values."""
        seen = self.__dict__.setdefault("_seen", {})
        got = seen.get(id(values))
        if got is None or got[0] is not values:
            got = seen[id(values)] = (values, _shapes(values))
        return got[1]

    def read_all(self, values: Sequence[str], used: np.ndarray) -> Read:
        """read() over a column's values, None where no row has the value or it is
        empty; the common layouts found in C, each to be read as the Decimal of its own
        text (digits and a point, commas between thousands) when asked for (Read)."""
        plain, grouped, point, three = self._shapes(values)
        if self.settled == ".":
            plain = plain | three
        if self.settled == ",":
            plain &= ~point
        if not (self.settled == "." or (self.decimal == "." and self.thousands in (None, ","))):
            grouped = np.zeros_like(grouped)
        cells = arrow_of(values)
        filled = np.asarray(pc.not_equal(cells, "").to_numpy(zero_copy_only=False), dtype=bool)
        exact = used & (plain | grouped) & filled
        other = np.flatnonzero(used & ~exact & filled)
        # the exact texts stay in Arrow (None where a value is not one): no str per cell
        return Read(Texts(pc.if_else(pa.array(exact), cells, pa.scalar(None, cells.type))),
                    {i: self.read(values[i]) for i in other.tolist()})

    def read(self, text: str) -> Decimal | str:
        """The amount, or what is wrong with it."""
        plain = _plain_dot(text) if self.settled != "." else _plain(text)
        if plain and (self.settled != "," or "." not in text):
            return Decimal(text)
        if (self.settled == "." or (self.decimal == "." and self.thousands in (None, ","))) \
                and GROUPED_DOT.fullmatch(text):  # what numbers.parse makes of it, sooner
            return Decimal(text.replace(",", ""))
        try:
            return numbers.parse(text, self.decimal, self.thousands, self.settled)
        except numbers.AmountError as e:
            return str(e)


class Read(Sequence):
    """An amount column's values: the Decimal of each exact text (`texts`, in Arrow:
    digits, a point, commas between thousands; None where a value is not such), made when
    asked for, so a download of 300,000 different amounts holds no Decimal, nor str, per
    value; and what Amounts.read made of the others (`other`: a Decimal, or what is
    wrong)."""

    def __init__(self, texts: Sequence[str | None], other: dict[int, Decimal | str]):
        self.texts, self.other = texts, other

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        text = self.texts[i]
        if text is None:
            return self.other.get(i)
        return Decimal(text.replace(",", "") if "," in text else text)

    def __iter__(self):
        other = self.other
        for i, text in enumerate(self.texts):
            if text is None:
                yield other.get(i)
            else:
                yield Decimal(text.replace(",", "") if "," in text else text)


def parse_amounts(t: Table, column: str, style: Amounts) -> list:
    return amounts(t, column, style).rows()


def amounts(t: Table, column: str, style: Amounts) -> Column:
    """A column's amounts, None where a cell is empty: whether a row may lack one is the
    caller's rule (parse refuses a row with neither gross nor net nor paid in or out)."""
    # Each distinct text becomes one Decimal object (importers.columns relies on that to
    # write each combination of amounts once).
    col = t.col(column)
    values = style.read_all(col.values, col.used())
    got = Column(col.codes, values, values.texts)
    wrong = np.zeros(len(values) + 1, dtype=bool)
    wrong[[i for i, v in values.other.items() if isinstance(v, str)]] = True
    t.fail(wrong[col.codes],
           lambda r: f"amount in column '{column}' ({shape(r[norm(column)])}) "
           f"{style.read(r[norm(column)].strip())}")
    return got


def check_stated_currency(t: Table, columns, currency: Column) -> None:
    """An amount that names a currency other than its row's would be booked in the wrong
    one: refuse it rather than guess."""
    for column in columns:
        if not column:
            continue
        col = t.col(column)
        # Only a cell with a capital letter or a currency sign can name a currency.
        if isinstance(col.values, Texts):  # the same test, column-wise
            if _plain_bytes(col.values.array):
                continue
            may = pc.match_substring_regex(col.values.array, MAY_STATE.pattern)
            may = np.asarray(pc.fill_null(may, False).to_numpy(zero_copy_only=False),
                             dtype=bool)[col.codes] if len(col.codes) else np.zeros(0, bool)
        else:
            may = col.mask(MAY_STATE.search)
        for i in np.flatnonzero(may):
            value, cur = col.at(i), currency.at(i)
            stated = numbers.stated_currency(value)
            if stated and stated != cur:
                raise Problem(t.path, int(t.rows[i]), f"amount in column '{column}' "
                              f"is in {stated}, but the row's currency is {cur}")


def _plain_bytes(cells: pa.Array | pa.ChunkedArray) -> bool:
    """No byte of the column's text is a capital letter, '$' or beyond ASCII (where £, €
    and ¥ start): then no cell can name a currency. Settled by numpy over Arrow's bytes,
    3 ms where the regex per cell took 12 ms a column; any such byte (even one no cell
    holds) leaves it to the regex."""
    for chunk in cells.chunks if isinstance(cells, pa.ChunkedArray) else [cells]:
        data = chunk.buffers()[2]
        if data is None:
            continue
        b = np.frombuffer(data, dtype=np.uint8)
        if (((b - 65) <= 25) | (b == 36) | (b >= 128)).any():  # uint8: b - 65 wraps
            return False
    return True


def parse_currency(t: Table, profile: Profile) -> Column:
    if profile.fixed_currency or not profile.currency:
        return Column(np.zeros(len(t), dtype=np.intp), [(profile.fixed_currency or "GBP").upper()])
    return currency_column(t, profile.currency)


def currency_column(t: Table, column: str, required: bool = True) -> Column:
    """A currency column, upper-cased: every value a 3-letter code, so nothing but a
    currency can reach the books where beancount reads one (a cell holding a newline and
    a whole directive is refused here)."""
    cur = t.col(column).map(str.upper)
    t.fail(cur.mask(lambda v: CODE.fullmatch(v) is None and (required or v != "")),
           lambda r: f"currency in column '{column}' "
           f"({shape(r[norm(column)])}) is not a 3-letter code")
    return cur
