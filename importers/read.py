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
import mmap
import os
import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as arrow_csv

from importers.errors import Problem
from importers.profile import norm

XLSX_MAGIC = b"PK\x03\x04"
HEADER_SEARCH = 30  # a few exports put a title or an account summary above the header
CELL_LIMIT = 131072  # the csv module's field limit: a longer cell means a broken file
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
    if read_as_text(path) and header_at(first, signature) == 0:
        df = _fast(_mapped(path), len(first[0]))
        if df is not None:
            return _finish(df, first[0])
    rows = raw_rows(path)
    at = header_at(rows, signature)
    return None if at is None else table(path, rows, at)


def read_as_text(path: Path) -> bool:
    """Neither a workbook nor OFX: a CSV (or a text file to refuse later)."""
    from importers import ofx

    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return not (head[:4] == XLSX_MAGIC or path.suffix.lower() in (".xlsx", ".xlsm")
                or ofx.is_ofx(head))


def _mapped(path: Path):
    """The file's bytes, mapped rather than copied (68 MB copied is 0.05 s and as many
    fresh pages); unmapped when the last reference goes."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else b""


def _pool():
    """Arrow's jemalloc pool where the wheel has it: on a 68 MB download its time is
    steady, where the default (mimalloc, with huge pages) took 0.15-0.5 s on one machine."""
    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:
        return None


def _fast(raw, width: int) -> pd.DataFrame | None:
    """The rows under a first-line header, or None where only the careful way can say.
    raw is the file's bytes (bytes, or a read-only mmap).

    Arrow refuses a row of another width and bytes that are not UTF-8 (a Windows-1252
    bank export), and skips empty lines; every record must be on its own line, so each
    record's spreadsheet row number is its line's. A cell running over lines, a quote left
    open that swallows rows, or a cell over the csv module's limit goes the careful way,
    which refuses an oversized cell."""
    starts, ends, crlf, crs, nul = _lines(raw)
    if nul or crs != crlf:  # a lone CR ends a record for both parsers, but not a line here
        return None
    try:
        got = arrow_csv.read_csv(
            pa.py_buffer(raw),
            # One thread: on two cores the thread pool's hand-offs cost more system time
            # than the parse they split (0.25 s against 0.14 s on a 68 MB download).
            read_options=arrow_csv.ReadOptions(autogenerate_column_names=True,
                                               use_threads=False),
            parse_options=arrow_csv.ParseOptions(newlines_in_values=False),
            convert_options=arrow_csv.ConvertOptions(
                # large_string is what pandas keeps: no copy on the way in
                column_types={f"f{j}": pa.large_string() for j in range(width)},
                strings_can_be_null=False, quoted_strings_can_be_null=False),
            memory_pool=_pool())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if got.num_columns != width:
        return None
    # The careful way refuses an oversized cell; no line that long, no cell that long.
    if (ends - starts).max(initial=0) > CELL_LIMIT and any(
            (pc.max(pc.binary_length(c)).as_py() or 0) > CELL_LIMIT for c in got.columns):
        return None
    filled = np.flatnonzero(ends > starts)  # arrow skips empty lines; they keep their number
    if got.num_rows != len(filled):  # a record over several lines
        return None
    body = [got.column(j).slice(1) for j in range(width)]
    keep = _filled(body)
    text = pd.StringDtype("pyarrow", na_value=np.nan)
    df = pd.DataFrame({j: pd.Series(c.filter(keep) if not keep.all() else c, dtype=text)
                       for j, c in enumerate(body)})
    df["_row"] = (filled[1:] + 1)[keep]  # the header's line is row 1
    return df


def _lines(raw) -> tuple[np.ndarray, np.ndarray, int, int, bool]:
    """Where each line starts and ends (before its "\n" or "\r\n"), a BOM not counted;
    how many lines end with "\r\n"; how many CRs there are; whether there is a NUL."""
    data = np.frombuffer(raw, dtype=np.uint8)
    # In slices: one comparison over a whole large file is a fresh array as big as the
    # file, and the kernel's time handing over its pages outweighs the search.
    step, nls, crs, nul = 1 << 22, [np.zeros(0, dtype=np.intp)], 0, False
    for i in range(0, len(data), step):
        part = data[i:i + step]
        nls.append(np.flatnonzero(part == ord("\n")) + i)
        crs += int(np.count_nonzero(part == ord("\r")))
        nul = nul or not part.all()
    nl = np.concatenate(nls)
    starts = np.concatenate(([3 if bytes(raw[:3]) == b"\xef\xbb\xbf" else 0], nl + 1))
    ends = np.concatenate((nl, [len(data)]))
    if len(starts) > 1 and starts[-1] == len(data):  # the last line ends with its newline
        starts, ends = starts[:-1], ends[:-1]
    cr = (ends > starts) & (data[np.maximum(ends - 1, 0)] == ord("\r"))
    ends_nl = len(data) > 0 and data[-1] == ord("\n")
    crlf = int(np.count_nonzero(cr[:-1])) + bool(cr[-1] and ends_nl)
    return starts, ends - cr, crlf, crs, nul


def _filled(columns: list) -> np.ndarray:
    """Rows with something other than spaces in them. A cell starting with a letter or
    digit settles a row at once (nearly every row, on its first column); the cells left
    are checked as the careful way checks them, with str.isspace."""
    keep = np.zeros(len(columns[0]) if columns else 0, dtype=bool)
    open_ = np.arange(len(keep))
    for col in columns:
        if not len(open_):
            break
        cells = col if len(open_) == len(keep) else col.take(open_)  # a take copies
        has = pc.match_substring_regex(cells, "^[0-9A-Za-z]").to_numpy(zero_copy_only=False)
        rest = np.flatnonzero(~has)
        has[rest] = [c != "" and not c.isspace() for c in cells.take(rest).to_pylist()]
        keep[open_[has]] = True
        open_ = open_[~has]
    return keep


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
