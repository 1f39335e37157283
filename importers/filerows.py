"""An export file's rows as text: what kind of file it is and how to read it.

The half of reading an export that knows files (importers.read finds the header and
builds the table from these rows): XLSX, OFX, camt.053, MT940 or text; a text file's
encoding (UTF-8 with or without a BOM, UTF-16, Windows-1252) and delimiter (commas,
semicolons, tabs or bars); Santander's `Key: value` blocks. Only regular files are read:
a FIFO would hang, a device never end. `open_export` checks a file and reads its first
rows, once: identifying it works on that head, and reading its table starts from it.
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
from typing import NamedTuple

from importers import arrowcsv, bounded
from importers.errors import Problem

XLSX_MAGIC = arrowcsv.XLSX_MAGIC
HEADER_SEARCH = 30  # a few exports put a title or an account summary above the header
DELIMITERS = (",", ";", "\t", "|")
XLSX_MAX_ROWS = 1_000_000  # more is not an export but a workbook made to hang us
XLSX_MAX_COLUMNS = 256
XLSX_BLANK_RUN = 10_000  # this many empty rows in a row: the sheet's data has ended
CELL_LIMIT = arrowcsv.CELL_LIMIT


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
    return rows_of(path, profile)


def rows_of(path: Path, profile=None) -> list[list[str]]:
    """raw_rows of a file already checked (open_export)."""
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


class Head:
    """A file's first rows, and how its text was read. layout: "csv", "blocks" (Santander's
    `Key: value` text), "xlsx", "ofx", "xml" (camt.053) or "mt940": a profile may claim only
    one."""

    def __init__(self, rows: list[list[str]], delimiter: str = ",", utf8: bool = True,
                 layout: str = "csv"):
        self.rows, self.delimiter, self.utf8, self.layout = rows, delimiter, utf8, layout


class Opened(NamedTuple):
    """An export checked (a regular file, within bounds: `regular`) and its first rows
    read (`head`), once: what identifying it looks at, and what reading its table takes."""
    path: Path
    head: Head


def open_export(path: str | Path) -> Opened:
    path = Path(path)
    regular(path)
    return Opened(path, head(path))


def head_rows(path: str | Path, limit: int = HEADER_SEARCH) -> list[list[str]]:
    """The first rows only: enough to identify a file without reading all of it."""
    return head(Path(path)).rows[:limit]


def head(path: Path, encoding: str = "", delimiter: str = "") -> Head:
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
