"""An export's rows under its header as a table of text (a DataFrame), keeping spreadsheet
row numbers: the header's row is counted; blank lines are counted and then dropped.

Files come as the world writes them: headers in the platform's language (a profile's
`aliases`), below a title or an account summary, above a footer of totals. The rows come
read (importers.read): Arrow's columns, or every row of the file read the careful way.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from importers.arrowcsv import Cells
from importers.errors import Problem, shape
from importers.profile import norm

FOOTER = re.compile(r"^\s*(total|totals|sum|closing balance|end of)\b", re.IGNORECASE)


def arrow(cells: Cells, columns: tuple[str, ...], profile=None) -> pd.DataFrame:
    """Arrow's cells under a first-line header (importers.arrowcsv.cells) as the table,
    the header's columns named as importers.profile.columns_of names them."""
    return _finish(_frame(*cells), columns, profile)


def table(path: str | Path, rows: list[list[str]], header: int, columns: tuple[str, ...],
          profile=None) -> pd.DataFrame:
    """The rows under the header as a DataFrame of str, columns normalised, `_row` added,
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
    df = pd.DataFrame(body, columns=pd.Index(range(width)), dtype=object)
    df["_row"] = numbers
    return _finish(df, columns, profile, skipped)


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


def _frame(columns: list, rows) -> pd.DataFrame:
    """Arrow's text columns as a DataFrame, without copying them, and `_row`."""
    text = pd.StringDtype("pyarrow", na_value=np.nan)
    df = pd.DataFrame({j: pd.Series(c, dtype=text) for j, c in enumerate(columns)})
    df["_row"] = rows
    return df


def _finish(df: pd.DataFrame, columns: tuple[str, ...], profile=None,
            skipped: list[tuple[int, str]] | None = None) -> pd.DataFrame:
    """Footer dropped, columns named (importers.profile.columns_of). The footer lines dropped are kept in
    `attrs["skipped"]` (row, text) so the import can say so: a trailer such as Open
    Collective's "limit was 1000" means the download is incomplete, never to be silent."""
    cells = df.columns[:-1]
    footer = getattr(profile, "footer", "")
    skipped = list(skipped or [])
    while len(df):
        last = next((c for c in df.iloc[-1][cells] if c.strip()), "")
        if not (FOOTER.match(last) or (footer and re.search(footer, last, re.IGNORECASE))):
            break
        skipped.insert(0, (int(df.iloc[-1]["_row"]), last.strip()))
        df = df.iloc[:-1]
    df.columns = [*columns, "_row"]
    out = _directed(df.reset_index(drop=True), profile)
    out.attrs["skipped"] = sorted(skipped)
    return out


def _directed(df: pd.DataFrame, profile) -> pd.DataFrame:
    """An amount written unsigned, with its direction in a column of its own (ING's
    `Af Bij`): the profile's `direction` = [column, value meaning money out]; such rows'
    amounts are made negative here, so every later stage sees one signed amount."""
    direction = getattr(profile, "direction", ())
    amount = norm(getattr(profile, "net", "") or getattr(profile, "gross", ""))
    if not direction or amount not in df.columns or norm(direction[0]) not in df.columns:
        return df
    out = {v.casefold() for v in direction[1:]}
    way = df[norm(direction[0])].astype(object).map(lambda v: str(v).strip().casefold())
    cells = df[amount].astype(object)
    df[amount] = [f"-{str(c).strip()}" if w in out and str(c).strip() else c
                  for c, w in zip(cells, way, strict=True)]
    return df
