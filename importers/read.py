"""Read an export (CSV or XLSX) into a table of strings, keeping spreadsheet row numbers.

Everything is read as text: amounts become Decimal and dates dates later, in the engine,
so nothing ever passes through a float. Row numbers are what a spreadsheet shows (the
header's row is counted; blank lines are counted and then dropped).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from importers import arrowcsv
from importers.errors import Problem
from importers.profile import norm

XLSX_MAGIC = arrowcsv.XLSX_MAGIC
HEADER_SEARCH = 30  # a few exports put a title or an account summary above the header
FOOTER = re.compile(r"^\s*(total|totals|sum|closing balance|end of)\b", re.IGNORECASE)


def sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _decode(raw: bytes) -> str:
    # UTF-8 (with or without BOM) first; UK bank exports are often Windows-1252.
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        # openpyxl gives numbers as floats; repr is the shortest exact decimal form.
        return str(Decimal(repr(value)))
    return str(value)


def raw_rows(path: str | Path) -> list[list[str]]:
    """All rows of the file as lists of strings (blank rows kept as [])."""
    path = Path(path)
    with open(path, "rb") as f:
        head = f.read(4)
    if head == XLSX_MAGIC or path.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as e:  # noqa: BLE001 (a 0-byte or corrupt workbook, any reason)
            raise Problem(str(path), 0, f"not a readable XLSX workbook ({type(e).__name__})")
        try:
            ws = wb.worksheets[0]
            rows = [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
        finally:
            wb.close()
        return [r if any(c.strip() for c in r) else [] for r in rows]
    from importers import ofx

    if ofx.is_ofx(path.read_bytes()[:4096]):
        return ofx.rows(path)
    text = _decode(path.read_bytes())
    if "\x00" in text:
        raise Problem(str(path), 0, "not a text CSV file (it contains NUL bytes)")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return list(reader)
    except csv.Error as e:  # e.g. a cell over the csv module's 131072-character limit
        problem = ("a cell is too large (over 131072 characters)"
                   if "field limit" in str(e) else f"unreadable CSV ({e})")
        raise Problem(str(path), reader.line_num, problem) from None


def header_at(rows: list[list[str]], signature: tuple[str, ...]) -> int | None:
    """Index of the first row holding every signature column, or None."""
    want = {norm(c) for c in signature}
    for i, row in enumerate(rows[:HEADER_SEARCH]):
        if want <= {norm(c) for c in row}:
            return i
    return None


def table(path: str | Path, rows: list[list[str]], header: int) -> pd.DataFrame:
    """The rows under the header as a DataFrame of str, columns normalised, `_row` added.

    Blank rows (empty or only spaces) and a footer of totals are dropped; a row longer
    than the header is an error (its values would land under the wrong columns)."""
    names = rows[header]
    width = len(names)
    body, numbers = [], []
    for i in range(header + 1, len(rows)):
        row = rows[i]
        if not any(c.strip() for c in row):
            continue
        if len(row) > width and any(c.strip() for c in row[width:]):
            raise Problem(str(path), i + 1, f"{len(row)} values under a header of {width} columns")
        body.append(row if len(row) == width else (row + [""] * width)[:width])
        numbers.append(i + 1)
    df = pd.DataFrame(body, columns=pd.Index(range(width)), dtype=object)
    df["_row"] = numbers
    return _finish(df, names)


def load(path: str | Path, signature: tuple[str, ...]) -> pd.DataFrame | None:
    """The export's rows under its header, as table() gives them; None if no row of the
    file holds the signature's columns.

    A CSV whose first line is the header (nearly every platform's export) is read by
    Arrow's CSV parser into Arrow-backed string columns: the csv module and a list per
    row cost ten times as much on a large download. Anything else, or anything that
    parser refuses (a row shorter or longer than the header, bytes that are not UTF-8),
    goes the careful way, which words the problem."""
    path = Path(path)
    first = head_rows(path, 1)
    if arrowcsv.read_as_text(path) and header_at(first, signature) == 0:
        got = arrowcsv.cells(str(path), len(first[0]))
        if got is not None:
            return _finish(_frame(*got), first[0])
    else:
        arrowcsv.forget([str(path)])  # read the careful way: a parse read ahead goes
    rows = raw_rows(path)
    at = header_at(rows, signature)
    return None if at is None else table(path, rows, at)


def _frame(columns: list, rows) -> pd.DataFrame:
    """Arrow's text columns as a DataFrame, without copying them, and `_row`."""
    text = pd.StringDtype("pyarrow", na_value=np.nan)
    df = pd.DataFrame({j: pd.Series(c, dtype=text) for j, c in enumerate(columns)})
    df["_row"] = rows
    return df


def _finish(df: pd.DataFrame, header: list[str]) -> pd.DataFrame:
    """Footer dropped, columns named (normalised; the first of two same names wins)."""
    cells = df.columns[:-1]
    while len(df) and FOOTER.match(next((c for c in df.iloc[-1][cells] if c.strip()), "")):
        df = df.iloc[:-1]
    seen: dict[str, int] = {}
    cols = []
    for n in (norm(c) for c in header):
        seen[n] = seen.get(n, 0) + 1
        cols.append(n if seen[n] == 1 else f"{n}#{seen[n]}")
    df.columns = [*cols, "_row"]
    return df.reset_index(drop=True)


def head_rows(path: str | Path, limit: int = HEADER_SEARCH) -> list[list[str]]:
    """The first rows only: enough to identify a file without reading all of it."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            head = f.read(65536)
    except OSError:
        return []
    if head[:4] == XLSX_MAGIC or path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            return raw_rows(path)[:limit]
        except Problem:
            return []
    from importers import ofx

    if ofx.is_ofx(head):
        try:
            return ofx.rows(path)[:limit]
        except Problem:
            return []
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        text = head[:e.start].decode("utf-8-sig") if e.start > 65000 else head.decode("cp1252",
                                                                                     "replace")
    rows = list(csv.reader(io.StringIO(text.rsplit("\n", 1)[0] if len(head) == 65536 else text,
                                       newline="")))
    return rows[:limit]
