"""Read an export (CSV, XLSX or OFX) into a table of strings, keeping spreadsheet row numbers.

The first stage of an import: bytes to a table. Everything is read as text: amounts
become Decimal and dates dates later (importers.parse), so nothing ever passes through a
float. Row numbers are what a spreadsheet shows (the header's row is counted; blank lines
are counted and then dropped).

Files come as the world writes them: UTF-8 with or without a BOM, UTF-16 (Excel's
"Unicode text"), Windows-1252 (UK banks); commas, semicolons (continental exports, where
the comma is the decimal mark), tabs or bars between cells; headers in the platform's
language (a profile's `aliases`). Only regular files are read: a FIFO would hang, a
device never end.
"""

from __future__ import annotations

import csv
import datetime
import functools
import hashlib
import io
import os
import re
import stat
from collections import Counter
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from importers import arrowcsv, bounded
from importers.errors import Problem, shape
from importers.profile import norm

XLSX_MAGIC = arrowcsv.XLSX_MAGIC
HEADER_SEARCH = 30  # a few exports put a title or an account summary above the header
DELIMITERS = (",", ";", "\t", "|")
XLSX_MAX_ROWS = 1_000_000  # more is not an export but a workbook made to hang us
XLSX_MAX_COLUMNS = 256
XLSX_BLANK_RUN = 10_000  # this many empty rows in a row: the sheet's data has ended
CELL_LIMIT = arrowcsv.CELL_LIMIT
FOOTER = re.compile(r"^\s*(total|totals|sum|closing balance|end of)\b", re.IGNORECASE)


def sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def regular(path: str | Path) -> None:
    """Refuse anything but a regular file before opening it: opening a FIFO waits for a
    writer that never comes, and a device never ends."""
    try:
        mode = os.stat(path).st_mode
    except OSError as e:
        raise Problem(str(path), 0, f"cannot be read ({e.strerror})") from None
    if not stat.S_ISREG(mode):
        raise Problem(str(path), 0, "is not a regular file (a folder, FIFO or device): "
                      "give the export file itself")
    with open(path, "rb") as f:  # what it would cost to read, from its size and zip directory
        is_xlsx = f.read(4) == XLSX_MAGIC
    if is_xlsx:
        bounded.xlsx(path, whole=False)
    else:
        bounded.text(path)


def encoding_of(raw: bytes, declared: str = "") -> str:
    """UTF-16 by its BOM (or by the NULs of ASCII text written in it), UTF-8 with or
    without a BOM, else Windows-1252 (UK bank exports often are)."""
    if declared:
        return declared
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    head = raw[:400]
    if len(head) >= 8 and head.count(0) * 3 >= len(head):  # ASCII text in UTF-16, no BOM
        return "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
    try:
        raw.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as e:
        if e.start >= len(raw) - 3 and len(raw) >= 65536:  # a head cut inside a character
            return "utf-8-sig"
        return "cp1252"


def _decode(raw: bytes, declared: str = "") -> str:
    encoding = encoding_of(raw, declared)
    try:
        return raw.decode(encoding, errors="replace" if encoding == "cp1252" else "strict")
    except (UnicodeDecodeError, LookupError) as e:
        raise ValueError(f"not readable as {encoding} text ({e.__class__.__name__})") from None


_KEY_VALUE = re.compile(r"^([A-Za-z][A-Za-z ]{0,30}):[ \t]*(.*?)\s*$")


def key_value_rows(text: str) -> list[list[str]] | None:
    """A statement written as blocks of `Key: value` lines (Santander's text download):
    as rows under a header of the keys, each row at its block's first line (so a problem
    names the line a text editor shows), the lines above and between left blank. None
    unless at least two blocks share one set of three or more keys."""
    lines = text.splitlines()
    blocks: list[tuple[int, list[tuple[str, str]]]] = []
    current: list[tuple[str, str]] = []
    start = 0
    for n, line in enumerate(lines + [""]):
        m = _KEY_VALUE.match(line)
        if m and not line.strip().startswith(("\"", "'")):
            if not current:
                start = n
            current.append((m.group(1).strip(), m.group(2)))
            continue
        if current:
            blocks.append((start, current))
            current = []
        if line.strip():
            return None  # a line that is neither a key nor blank: not this kind of file
    shapes = Counter(tuple(k for k, _ in b) for _, b in blocks if len(b) >= 3)
    if not shapes:
        return None
    keys, count = shapes.most_common(1)[0]
    if count < 2:
        return None
    first = next(s for s, b in blocks if tuple(k for k, _ in b) == keys)
    rows: list[list[str]] = [[] for _ in range(len(lines))]
    rows[max(first - 1, 0)] = list(keys)
    for at, block in blocks:
        if at >= first:
            if tuple(k for k, _ in block) != keys:
                raise ValueError(f"line {at + 1}: a block with other keys than "
                                 f"{', '.join(keys)}")
            rows[at] = [v for _, v in block]
    return rows


def delimiter_of(text: str, declared: str = "") -> str:
    """The delimiter most lines agree on, the widest such table breaking a tie; a comma
    when nothing splits the lines at all."""
    if declared:
        return declared
    lines = [line for line in text.splitlines()[:60] if line.strip()]
    best, score = ",", (0, 0)
    for d in DELIMITERS:
        try:
            widths = Counter(len(r) for r in csv.reader(lines, delimiter=d) if len(r) > 1)
        except csv.Error:
            continue
        if widths:
            width, agreeing = widths.most_common(1)[0]
            if (agreeing, width) > score:
                best, score = d, (agreeing, width)
    return best


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


def _xlsx_rows(path: Path, limit: int | None = None) -> list[list[str]]:
    """A workbook's first sheet as rows of text: read-only, at most `limit` rows (enough to
    identify it), and never more than a real export could hold."""
    import openpyxl

    bounded.xlsx(path, whole=limit is None)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 (a 0-byte or corrupt workbook, any reason)
        raise Problem(str(path), 0, f"not a readable XLSX workbook ({type(e).__name__})")
    rows: list[list[str]] = []
    blank = 0
    try:
        ws = wb.worksheets[0]
        for values in ws.iter_rows(values_only=True, max_col=XLSX_MAX_COLUMNS):
            row = [_cell(v) for v in values]
            while row and row[-1] == "":
                row.pop()
            if any(len(c) > CELL_LIMIT for c in row):
                raise Problem(str(path), len(rows) + 1,
                              f"a cell is too large (over {CELL_LIMIT} characters)")
            blank = 0 if any(c.strip() for c in row) else blank + 1
            if blank >= XLSX_BLANK_RUN:
                break
            rows.append(row if blank == 0 else [])
            if limit is not None and len(rows) >= limit:
                break
            if len(rows) > XLSX_MAX_ROWS:
                raise Problem(str(path), len(rows), f"more than {XLSX_MAX_ROWS:,} rows: "
                              "not an export this tool reads")
    finally:
        wb.close()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def raw_rows(path: str | Path, profile=None) -> list[list[str]]:
    """All rows of the file as lists of strings (blank rows kept as [])."""
    path = Path(path)
    regular(path)
    with open(path, "rb") as f:
        head = f.read(4)
    if head == XLSX_MAGIC or path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    from importers import camt, mt940_reader, ofx

    raw = path.read_bytes()
    if ofx.is_ofx(raw[:4096]):
        return ofx.rows(path)
    if camt.is_camt(raw[:4096]):
        return camt.rows(path)
    if mt940_reader.is_mt940(raw[:4096]):
        return mt940_reader.rows(path)
    try:
        text = _decode(raw, getattr(profile, "encoding", ""))
    except ValueError as e:
        raise Problem(str(path), 0, str(e)) from None
    if "\x00" in text:
        raise Problem(str(path), 0, "not a text CSV file (it contains NUL bytes)")
    try:
        blocks = key_value_rows(text)
    except ValueError as e:
        raise Problem(str(path), 0, str(e)) from None
    if blocks is not None:
        return blocks
    delimiter = delimiter_of(text[:65536], getattr(profile, "delimiter", ""))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as e:  # e.g. a cell over the csv module's 131072-character limit
        problem = ("a cell is too large (over 131072 characters)"
                   if "field limit" in str(e) else f"unreadable CSV ({e})")
        raise Problem(str(path), reader.line_num, problem) from None


def header_at(rows: list[list[str]], signature: tuple[str, ...],
              spellings: dict[str, str] | None = None) -> int | None:
    """Index of the first row holding every signature column (under its own name or one
    of its spellings, canonical name -> normalised), or None."""
    want = {norm(c) for c in signature}
    spellings = spellings or {}
    for i, row in enumerate(rows[:HEADER_SEARCH]):
        names = {spellings.get(norm(c), norm(c)) for c in row}
        if want <= names:
            return i
    return None


def table(path: str | Path, rows: list[list[str]], header: int, profile=None) -> pd.DataFrame:
    """The rows under the header as a DataFrame of str, columns normalised, `_row` added.

    Blank rows (empty or only spaces) and a footer of totals are dropped; a row longer
    than the header is an error (its values would land under the wrong columns)."""
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
    return _finish(df, names, profile, skipped)


def _footer_at(rows: list[list[str]], i: int, profile) -> bool:
    """Row i starts the profile's declared footer (Nationwide's midata ends with its
    overdraft limits, in other columns than the transactions')."""
    pattern = getattr(profile, "footer", "")
    first = next((c for c in rows[i] if c.strip()), "")
    return bool(pattern) and re.search(pattern, first, re.IGNORECASE) is not None


def load(path: str | Path, signature: tuple[str, ...], profile=None) -> pd.DataFrame | None:
    """The export's rows under its header, as table() gives them; None if no row of the
    file holds the signature's columns. profile: its aliases, delimiter, encoding, footer.

    A comma-separated UTF-8 CSV whose first line is the header (nearly every platform's
    export) is read by Arrow's CSV parser into Arrow-backed string columns: the csv
    module and a list per row cost ten times as much on a large download. Anything else,
    or anything that parser refuses (a row shorter or longer than the header, bytes that
    are not UTF-8), goes the careful way, which words the problem."""
    path = Path(path)
    try:
        regular(path)
    except Problem:
        arrowcsv.forget([str(path)])
        raise
    spellings = profile.spellings if profile is not None else {}
    head = _head(path, getattr(profile, "encoding", ""), getattr(profile, "delimiter", ""))
    first = head.rows[:1]
    if (arrowcsv.read_as_text(path) and head.delimiter == "," and head.utf8
            and header_at(first, signature, spellings) == 0):
        got = arrowcsv.cells(str(path), len(first[0]))
        if got is not None:
            return _finish(_frame(*got), first[0], profile)
    else:
        arrowcsv.forget([str(path)])  # read the careful way: a parse read ahead goes
    rows = raw_rows(path, profile)
    at = header_at(rows, signature, spellings)
    if at is None:
        return None
    _preamble(path, rows[:at], profile)
    return table(path, rows, at, profile)


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


def _finish(df: pd.DataFrame, header: list[str], profile=None,
            skipped: list[tuple[int, str]] | None = None) -> pd.DataFrame:
    """Footer dropped, columns named (normalised, under their canonical spelling; the
    first of two same names wins). The footer lines dropped are kept in
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
    spellings = profile.spellings if profile is not None else {}
    seen: dict[str, int] = {}
    cols = []
    for n in (spellings.get(norm(c), norm(c)) for c in header):
        seen[n] = seen.get(n, 0) + 1
        cols.append(n if seen[n] == 1 else f"{n}#{seen[n]}")
    df.columns = [*cols, "_row"]
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


class Head:
    """A file's first rows, and how its text was read. layout: "csv", "blocks" (Santander's
    `Key: value` text), "xlsx", "ofx", "xml" (camt.053) or "mt940": a profile may claim only
    one."""

    def __init__(self, rows: list[list[str]], delimiter: str = ",", utf8: bool = True,
                 layout: str = "csv"):
        self.rows, self.delimiter, self.utf8, self.layout = rows, delimiter, utf8, layout


def head_rows(path: str | Path, limit: int = HEADER_SEARCH) -> list[list[str]]:
    """The first rows only: enough to identify a file without reading all of it."""
    return _head(Path(path)).rows[:limit]


def layout_of(path: str | Path) -> str:
    """How the file is written: "csv", "blocks", "xlsx", "ofx" or "xml"."""
    return _head(Path(path)).layout


def _head(path: Path, encoding: str = "", delimiter: str = "") -> Head:
    try:
        st = os.stat(path)
    except OSError:
        return Head([])
    if not stat.S_ISREG(st.st_mode):
        return Head([])
    return _head_of(str(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, encoding,
                    delimiter)


@functools.lru_cache(maxsize=64)
def _head_of(path: str, _dev, _ino, _size, _mtime, encoding: str, delimiter: str) -> Head:
    """Read once per file (as it is now) however many profiles ask: identifying a file
    asks every profile, and a workbook is costly to open."""
    try:
        with open(path, "rb") as f:
            head = f.read(65536)
    except OSError:
        return Head([])
    if head[:4] == XLSX_MAGIC or path.lower().endswith((".xlsx", ".xlsm")):
        try:
            return Head(_xlsx_rows(Path(path), HEADER_SEARCH), layout="xlsx")
        except Problem:
            return Head([])
    from importers import camt, mt940_reader, ofx

    if ofx.is_ofx(head):
        try:
            return Head(ofx.rows(path)[:HEADER_SEARCH], layout="ofx")
        except Problem:
            return Head([])
    if camt.is_camt(head):
        try:
            return Head(camt.rows(path)[:HEADER_SEARCH], layout="xml")
        except Problem:  # claimed all the same: reading it says what is wrong
            return Head([camt.HEADER], layout="xml")
    if mt940_reader.is_mt940(head):
        try:
            return Head(mt940_reader.rows(path)[:HEADER_SEARCH], layout="mt940")
        except Problem:
            return Head([mt940_reader.HEADER], layout="mt940")
    kind = encoding_of(head, encoding)
    try:
        text = head.decode(kind, errors="replace" if kind == "cp1252" else "strict")
    except UnicodeDecodeError as e:  # a character cut by the 64 KB read
        text = head[:e.start].decode(kind)
    except LookupError:
        return Head([])
    if len(head) == 65536:
        text = text.rsplit("\n", 1)[0]
    try:
        blocks = key_value_rows(text)
    except ValueError:
        blocks = None
    if blocks is not None:
        return Head(blocks[:HEADER_SEARCH], "", False, "blocks")
    sep = delimiter_of(text, delimiter)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    except csv.Error:
        return Head([])
    return Head(rows[:HEADER_SEARCH], sep, kind == "utf-8-sig")
