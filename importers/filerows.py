"""An export file's rows as text: what kind of file it is and how to read it.

The half of reading an export that knows files (importers.profile finds the header in
the head, importers.frame builds the table from these rows): XLSX, OFX, camt.053, MT940 or text; a text file's
encoding (UTF-8 with or without a BOM, UTF-16, Windows-1252) and delimiter (commas,
semicolons, tabs or bars); Santander's `Key: value` blocks. A file is checked first
(importers.bounded.open_export) and then read here once: its head (the first rows, what
identifying it looks at, and the layout its text was read with), and a workbook or a
statement whole, carried forward so reading its table never reads or parses it again.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import os
import re
import stat
import threading
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from importers import arrowcsv
from importers.errors import Problem
from importers.profile import HEADER_SEARCH

XLSX_MAGIC = arrowcsv.XLSX_MAGIC
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


def decode(raw: bytes, declared: str = "") -> str:
    """The text of a file's bytes: as declared, else UTF-8, else Windows-1252."""
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
    identify it), and never more than a real export could hold (its bounds are checked
    before: importers.bounded)."""
    rows, problem = _workbook(path, limit)
    if problem is not None:
        raise problem
    return rows


def _workbook(path: Path, limit: int | None = None) -> tuple[list[list[str]], Problem | None]:
    """_xlsx_rows, and the rows read before its problem, if it has one."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 (a 0-byte or corrupt workbook, any reason)
        return [], Problem(str(path), 0, f"not a readable XLSX workbook ({type(e).__name__})")
    rows: list[list[str]] = []
    blank = 0
    problem = None
    try:
        ws = wb.worksheets[0]
        for values in ws.iter_rows(values_only=True, max_col=XLSX_MAX_COLUMNS):
            row = [_cell(v) for v in values]
            while row and row[-1] == "":
                row.pop()
            if any(len(c) > CELL_LIMIT for c in row):
                problem = Problem(str(path), len(rows) + 1,
                                  f"a cell is too large (over {CELL_LIMIT} characters)")
                break
            blank = 0 if any(c.strip() for c in row) else blank + 1
            if blank >= XLSX_BLANK_RUN:
                break
            rows.append(row if blank == 0 else [])
            if limit is not None and len(rows) >= limit:
                break
            if len(rows) > XLSX_MAX_ROWS:
                problem = Problem(str(path), len(rows), f"more than {XLSX_MAX_ROWS:,} rows: "
                                  "not an export this tool reads")
                break
    finally:
        wb.close()
    while rows and not rows[-1]:
        rows.pop()
    return rows, problem


class Head(NamedTuple):
    """A file's first rows, and how its text was read. layout: "csv", "blocks" (Santander's
    `Key: value` text), "xlsx", "ofx", "xml" (camt.053) or "mt940": a profile may claim only
    one. whole: every row of a workbook read whole or of a statement (parsed once, here);
    problem: what reading it whole found wrong, said when its table is read. declared: a
    text file's head read again in each (encoding, delimiter) a source declares (what
    detection cannot tell), so that source is identified as it reads the file."""
    rows: list[list[str]]
    delimiter: str = ","
    utf8: bool = True
    layout: str = "csv"
    whole: list[list[str]] | None = None
    problem: Problem | None = None
    declared: dict[tuple[str, str], Head] | None = None


def head_rows(path: str | Path, limit: int = HEADER_SEARCH) -> list[list[str]]:
    """The first rows only: enough to identify a file without reading all of it."""
    return head(Path(path)).rows[:limit]


_HEADS: dict[tuple, Head] = {}  # (path, its identity) -> head
_HEADS_LOCK = threading.Lock()
_KEPT = 64


def head(path: Path, whole: bool = False, ways: tuple[tuple[str, str], ...] = ()) -> Head:
    """The file's head, read once per file (as it is now) however many profiles ask:
    identifying a file asks every profile, and a workbook is costly to open. whole: a
    workbook read whole, as an import reads it, once (and not kept). ways: the
    (encoding, delimiter) pairs sources declare, each a head of its own (Head.declared)."""
    try:
        st = os.stat(path)
    except OSError:
        return Head([])
    if not stat.S_ISREG(st.st_mode):
        return Head([])
    key = (str(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, ways)
    got = None if whole else _HEADS.get(key)
    if got is None:
        got = _read(str(path), whole, ways)
    if not whole:
        with _HEADS_LOCK:  # Fava's import page asks from several threads
            _HEADS.pop(key, None)
            _HEADS[key] = got  # the newest last: the oldest goes first
            while len(_HEADS) > _KEPT:
                del _HEADS[next(iter(_HEADS))]
    return got


def is_ofx(head: bytes) -> bool:
    text = head[:2048].upper()
    return b"OFXHEADER" in text or b"<OFX>" in text


def is_camt(head: bytes) -> bool:
    return b"BkToCstmrStmt" in head[:4096] and b"<" in head[:64]


def is_mt940(head: bytes) -> bool:
    text = head[:4096].decode("latin-1")
    return (re.search(r"^:20:", text, re.MULTILINE) is not None and ":25:" in text
            and re.search(r"^:60[FM]:", text, re.MULTILINE) is not None)


def _read(path: str, whole: bool, ways: tuple[tuple[str, str], ...]) -> Head:
    try:
        with open(path, "rb") as f:
            head = f.read(65536)
    except OSError:
        return Head([])
    if head[:4] == XLSX_MAGIC or path.lower().endswith((".xlsx", ".xlsm")):
        rows, problem = _workbook(Path(path), None if whole else HEADER_SEARCH)
        if problem is not None and len(rows) < HEADER_SEARCH:
            return Head([], layout="xlsx", whole=[], problem=problem)
        return Head(rows[:HEADER_SEARCH], layout="xlsx", whole=rows if whole else None,
                    problem=problem)
    statement = ("ofx" if is_ofx(head) else "xml" if is_camt(head)
                 else "mt940" if is_mt940(head) else "")
    if not statement:
        return _text_head(head)._replace(declared={way: _text_head(head, *way)
                                                   for way in ways})
    from importers import camt, mt940_reader, ofx

    if statement == "ofx":
        try:
            rows = ofx.rows(path)
        except Problem as e:
            return Head([], whole=[], problem=e)
    elif statement == "xml":
        try:
            rows = camt.rows(path)
        except Problem as e:  # claimed all the same: reading it says what is wrong
            return Head([camt.HEADER], layout="xml", whole=[], problem=e)
    else:
        try:
            rows = mt940_reader.rows(path)
        except Problem as e:
            return Head([mt940_reader.HEADER], layout="mt940", whole=[], problem=e)
    return Head(rows[:HEADER_SEARCH], layout=statement, whole=rows)


def _text_head(head: bytes, encoding: str = "", delimiter: str = "") -> Head:
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
