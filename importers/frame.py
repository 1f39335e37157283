"""An export's rows under its header as a table of text (a Frame), keeping spreadsheet
row numbers: the header's row is counted; blank lines are counted and then dropped.

Files come as the world writes them: headers in the platform's language (a profile's
`aliases`), below a title or an account summary, above a footer of totals. The rows come
read (importers.read): Arrow's columns, or every row of the file read the careful way.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pyarrow as pa

from importers.arrowcsv import Cells
from importers.errors import Problem, shape
from importers.profile import norm

FOOTER = re.compile(r"^\s*(total|totals|sum|closing balance|end of)\b", re.IGNORECASE)


class Frame:
    """An export's rows under its header: each column's cells as they were read (an Arrow
    array of strings, or the careful way's list of str) under the names
    importers.profile.columns_of gives, each row's spreadsheet number, and the footer
    lines dropped (`skipped`: (row, text)). No pandas: a CSV import needs none of it,
    and loading it was a tenth of a large import's CPU."""

    def __init__(self, names: list[str], cells: list, rows, skipped=()):
        self.names, self.cells = list(names), list(cells)
        self.rows = np.asarray(rows, dtype=np.int64)
        self.skipped = sorted(skipped)

    @property
    def columns(self) -> list[str]:
        """The columns' names, and `_row` (the rows' numbers) last."""
        return [*self.names, "_row"]

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, name: str):
        """A column's cells (the first of that name; Arrow's in the chunks it read them
        in), or `_row`."""
        return self.rows if name == "_row" else self.cells[self.names.index(name)]

    def texts(self, name: str) -> list[str]:
        """A column's cells as a list of str."""
        cells = self[name]
        return cells.to_pylist() if isinstance(cells, ARROW) else list(cells)

    def row(self, i: int) -> dict:
        """Row i's cells by column name, and `_row`, as the export has them."""
        out = {n: _cell(c, i) for n, c in zip(self.names, self.cells, strict=True)}
        out["_row"] = int(self.rows[i])
        return out

    def records(self) -> list[dict]:
        return [self.row(i) for i in range(len(self))]

    def head(self, n: int) -> Frame:
        """The first n rows."""
        return Frame(self.names, [c.slice(0, n) if isinstance(c, ARROW) else c[:n]
                                  for c in self.cells], self.rows[:n], self.skipped)


ARROW = (pa.Array, pa.ChunkedArray)


def _cell(column, i: int) -> str:
    return column[i].as_py() if isinstance(column, ARROW) else column[i]


def arrow(cells: Cells, columns: tuple[str, ...], profile=None) -> Frame:
    """Arrow's cells under a first-line header (importers.arrowcsv.cells) as the table,
    the header's columns named as importers.profile.columns_of names them."""
    body, rows = cells
    return _finish(Frame(columns, body, rows), profile)


def table(path: str | Path, rows: list[list[str]], header: int, columns: tuple[str, ...],
          profile=None) -> Frame:
    """The rows under the header as a Frame of str, columns normalised, `_row` kept,
    the lines above it checked against the profile's preamble.

    Blank rows (empty or only spaces) and a footer of totals are dropped; a row longer
    than the header is an error (its values would land under the wrong columns)."""
    _preamble(path, rows[:header], profile)
    names = rows[header]
    width = len(names)
    body, numbers, skipped = [], [], []
    for i in range(header + 1, len(rows)):
        row = rows[i]
        if not any(c.strip() for c in row):
            continue
        if len(row) > width and any(c.strip() for c in row[width:]):
            if _footer_at(rows, i, profile):
                skipped.append((i + 1, next(c for c in row if c.strip()).strip()))
                break
            raise Problem(str(path), i + 1, f"{len(row)} values under a header of {width} columns")
        body.append(row if len(row) == width else (row + [""] * width)[:width])
        numbers.append(i + 1)
    cells = [list(c) for c in zip(*body, strict=True)] if body else [[] for _ in range(width)]
    return _finish(Frame(columns, cells, numbers, skipped), profile)


def _footer_at(rows: list[list[str]], i: int, profile) -> bool:
    """Row i starts the profile's declared footer (Nationwide's midata ends with its
    overdraft limits, in other columns than the transactions')."""
    pattern = getattr(profile, "footer", "")
    first = next((c for c in rows[i] if c.strip()), "")
    return bool(pattern) and re.search(pattern, first, re.IGNORECASE) is not None


def _preamble(path: Path, above: list[list[str]], profile) -> None:
    """The lines above the header are the ones the profile declares (ING's account summary),
    or the file is refused at the first other one: a line nobody expected there may be a
    second statement, or rows of this one."""
    pattern = getattr(profile, "preamble", "")
    if not pattern:
        return
    for i, row in enumerate(above):
        first = next((c.strip() for c in row if c.strip()), "")
        if first and re.search(pattern, first, re.IGNORECASE) is None:
            # Its shape, not its text: a pasted row can start with a donor's name.
            raise Problem(str(path), i + 1, f"a line above the header ({shape(first)}) is "
                          f"not a line of the {profile.name} preamble (lines starting "
                          f"{pattern})")


def _finish(df: Frame, profile=None) -> Frame:
    """Footer dropped. The footer lines dropped are kept in `skipped` (row, text) so the
    import can say so: a trailer such as Open Collective's "limit was 1000" means the
    download is incomplete, never to be silent."""
    footer = getattr(profile, "footer", "")
    skipped = list(df.skipped)
    n = len(df)
    while n:
        last = next((c for c in (_cell(col, n - 1) for col in df.cells) if c.strip()), "")
        if not (FOOTER.match(last) or (footer and re.search(footer, last, re.IGNORECASE))):
            break
        skipped.insert(0, (int(df.rows[n - 1]), last.strip()))
        n -= 1
    out = df.head(n) if n < len(df) else df
    out.skipped = sorted(skipped)
    return _directed(out, profile)


def _directed(df: Frame, profile) -> Frame:
    """An amount written unsigned, with its direction in a column of its own (ING's
    `Af Bij`): the profile's `direction` = [column, value meaning money out]; such rows'
    amounts are made negative here, so every later stage sees one signed amount."""
    direction = getattr(profile, "direction", ())
    amount = norm(getattr(profile, "net", "") or getattr(profile, "gross", ""))
    if not direction or amount not in df.names or norm(direction[0]) not in df.names:
        return df
    out = {v.casefold() for v in direction[1:]}
    way = [str(v).strip().casefold() for v in df.texts(norm(direction[0]))]
    cells = df.texts(amount)
    df.cells[df.names.index(amount)] = [
        f"-{str(c).strip()}" if w in out and str(c).strip() else c
        for c, w in zip(cells, way, strict=True)]
    return df
