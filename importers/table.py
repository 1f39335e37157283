"""An export's rows as columns of distinct values: what every stage after reading works on.

A Column keeps each row's code into the column's distinct values, so a check or a
conversion runs once per distinct value; a Table is the rows still to be booked, each
problem named by the row a spreadsheet shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from importers.errors import Problem
from importers.profile import norm
from ledger.quick_tails import SLICE  # cells made Python strs at once, walking a column

if TYPE_CHECKING:
    from importers.frame import Frame


class Column:
    """One column of a table as each row's code into the column's distinct values
    (stripped): every check and conversion runs once per distinct value, and a row's
    result is picked by its code. Types, statuses, currencies, amounts and dates repeat
    (a few hundred values in 300,000 rows); ids and emails hardly do, and are not hashed
    to find their distinct values, which would cost more than the checks it saves."""

    def __init__(self, codes: np.ndarray, values: list, texts: list | None = None):
        self.codes, self.values = codes, values
        # an amount column's exact texts (importers.fields.Read), for column_amounts
        self.texts = texts
        self._used: np.ndarray | None = None

    def used(self) -> np.ndarray:
        """Which values some row has (after take(), not every value is still a row's)."""
        if self._used is None:
            self._used = np.zeros(len(self.values), dtype=bool)
            self._used[self.codes] = True
        return self._used

    @classmethod
    def of(cls, cells: pa.Array | pa.ChunkedArray | list[str]) -> Column:
        """A column's cells as read (importers.frame.Frame: Arrow's, or a list of str)."""
        # Codes in 32 bits: a table keeps one array of them per column read, and a copy
        # per rows kept (take()), 2.4 MB each in 64 bits on 300,000 rows.
        n = len(cells)
        code = np.int32 if n < 2 ** 31 else np.int64
        sample = min(n, 20000)
        if not isinstance(cells, (pa.Array, pa.ChunkedArray)):  # read the careful way
            if len(set(cells[:sample])) > sample // 2:
                return cls(np.arange(n, dtype=code), [v.strip() for v in cells])
            index: dict[str, int] = {}  # each value's code, in order of first appearance
            codes = np.fromiter((index.setdefault(v, len(index)) for v in cells),
                                dtype=code, count=n)
            return cls(codes, [v.strip() for v in index])
        if mostly_distinct(cells, 0.5):
            if not _may_need_strip(cells):  # kept in Arrow: no Python str per cell
                return cls(np.arange(n, dtype=code), Texts(cells))
            return cls(np.arange(n, dtype=code), [v.strip() for v in cells.to_pylist()])
        codes, values = encoded(cells)
        return cls(codes.astype(code), [v.strip() for v in values.to_pylist()])

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

    def row_texts(self) -> Sequence:
        """One value per row: in Arrow where the values are (Texts), else rows()."""
        if isinstance(self.values, Texts):
            return Texts(self.values.array.take(pa.array(self.codes)))
        return self.rows()

    def rows(self) -> list:
        """One value per row."""
        if not len(self.codes):
            return []
        table = np.empty(len(self.values), dtype=object)
        table[:] = self.values if isinstance(self.values, list) else list(self.values)
        return table[self.codes].tolist()

    def lazy_rows(self) -> RowValues:
        """One value per row, each made when asked for (rows() makes them all)."""
        return RowValues(self)

    def take(self, pos: np.ndarray) -> Column:
        return Column(self.codes[pos], self.values, self.texts)


class Texts(Sequence):
    """A column's cells kept in Arrow (a pyarrow Array or ChunkedArray of strings, None
    where null), for the columns holding a different value on nearly every row (ids,
    amounts, names, emails): 300,000 of them as Python strs take 20-30 MB a column,
    in Arrow a few. A cell is made a str when asked for; a walk over all of them goes
    SLICE cells at a time; the column-wise steps read `array` itself."""

    def __init__(self, array):
        self.array = array

    def __len__(self) -> int:
        return len(self.array)

    def __getitem__(self, i):
        if isinstance(i, slice):
            start, stop, step = i.indices(len(self))
            if step == 1:
                return self.array.slice(start, max(stop - start, 0)).to_pylist()
            return [self[k] for k in range(start, stop, step)]
        return self.array[int(i)].as_py()

    def __iter__(self):
        for start in range(0, len(self.array), SLICE):
            yield from self.array.slice(start, SLICE).to_pylist()

    def __contains__(self, value) -> bool:
        if not isinstance(value, str):
            return any(v == value for v in self)
        return bool(pc.any(pc.equal(self.array, value)).as_py())

    def __eq__(self, other) -> bool:  # as the list of its values
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


def encoded(cells: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """Each cell's code into the distinct cells, numbered in order of first appearance
    (Arrow's hash table numbers them as it meets them), and those cells."""
    found = cells.dictionary_encode()
    chunks = found.chunks if isinstance(found, pa.ChunkedArray) else [found]
    if any(not c.dictionary.equals(chunks[0].dictionary) for c in chunks[1:]):
        chunks = [cells.combine_chunks().dictionary_encode()]  # one dictionary per chunk
    if not chunks:
        return np.zeros(0, dtype=np.intp), pa.array([], cells.type)
    # one dictionary for every chunk (Arrow encodes a chunked column with one table)
    return (np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in chunks])
            .astype(np.intp), chunks[0].dictionary)


def arrow_of(values: Sequence) -> pa.Array | pa.ChunkedArray:
    """Values as an Arrow column of strings: Texts' own, else made from the list."""
    if isinstance(values, Texts):
        return values.array
    return pa.array(values if isinstance(values, list) else list(values), pa.string())


def taken(cells: pa.Array | pa.ChunkedArray, codes: np.ndarray) -> pa.Array | pa.ChunkedArray:
    """cells.take(codes), or the cells as they are where codes are every position in
    order (a column read in full, each row its own value): a take copies them all."""
    if len(codes) == len(cells) and np.array_equal(codes, np.arange(len(cells))):
        return cells
    return cells.take(pa.array(codes))


class RowValues(Sequence):
    """A column's value per row, looked up when asked for: a statement's running balance
    is read on each day's last row only, not made a Decimal on all 300,000."""

    def __init__(self, col: Column):
        self.col = col

    def __len__(self) -> int:
        return len(self.col.codes)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        return self.col.values[self.col.codes[i]]

    def __eq__(self, other) -> bool:  # as the list of its values
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def present(self) -> np.ndarray:
        """Which rows have a value (not None), without making the values."""
        col = self.col
        if col.texts is None:
            has = np.array([v is not None for v in col.values], dtype=bool)
        else:  # an amount column (importers.fields.Read): exact texts, or read otherwise
            has = np.asarray(pc.is_valid(arrow_of(col.texts)).to_numpy(zero_copy_only=False),
                             dtype=bool)
            for i, v in getattr(col.values, "other", {}).items():
                has[i] = v is not None
        return has[col.codes] if len(col.codes) else np.zeros(0, dtype=bool)


class Table:
    """The rows of an export still to be booked, with their columns read once.

    Rows dropped (skipped kinds) are dropped by position: the columns already read are
    kept, and a problem still names the row with the cell as the export has it."""

    def __init__(self, path, df: Frame):
        self.path, self.df = str(path), df
        self.pos = np.arange(len(df))  # this table's rows, as positions in df
        self.rows = df.rows
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
                                     if key in self.df.names
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
                          message(self.df.row(int(self.pos[i]))))


def mostly_distinct(cells: pa.Array | pa.ChunkedArray, share: float,
                    sample: int = 20000) -> bool:
    """Whether more than `share` of a column's first `sample` cells are different values
    (counted by Arrow): judged on a sample, as telling every cell apart is what it avoids."""
    sample = min(len(cells), sample)
    return bool(sample) and pc.count_distinct(cells.slice(0, sample)).as_py() > sample * share


def _may_need_strip(cells: pa.Array | pa.ChunkedArray) -> bool:
    """False when no cell starts or ends with anything but a printable ASCII character
    other than a space (then str.strip changes nothing), read off the cells' first and
    last bytes of an Arrow column, instead of a strip per cell."""
    return any(_edged(c) for c in (cells.chunks if isinstance(cells, pa.ChunkedArray)
                                   else [cells]))


def _edged(cells: pa.Array) -> bool:
    """Whether a cell starts or ends with a byte other than "!".."~" (a space, a control,
    any byte of a character beyond ASCII): the first and last bytes of every non-empty
    cell, picked from Arrow's buffers by numpy where a regex would walk every character."""
    wide = {pa.string(): np.int32, pa.large_string(): np.int64}.get(cells.type)
    if cells.null_count or wide is None:
        return bool(pc.any(pc.match_substring_regex(cells, "^[^!-~]|[^!-~]$")).as_py())
    _, offsets, data = cells.buffers()
    at = np.frombuffer(offsets, dtype=wide)[cells.offset:cells.offset + len(cells) + 1]
    starts, ends = at[:-1], at[1:]
    filled = ends > starts
    if data is None or not filled.any():
        return False
    text = np.frombuffer(data, dtype=np.uint8)
    edges = np.concatenate([text[starts[filled]], text[ends[filled] - 1]])
    return bool(((edges < ord("!")) | (edges > ord("~"))).any())
