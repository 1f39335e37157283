"""Opening an export: a regular file, within bounds, then read once (importers.filerows).

What it may cost to read is refused before reading, not after.

An export is read in a few seconds and a few hundred megabytes, whatever is sent. What
costs more is refused by looking at the file, not by reading it:

- XLSX is a zip: each part's declared size and compression ratio are in the zip's
  directory, so a workbook that unpacks to gigabytes (a "zip bomb") is refused before a
  byte of it is inflated; and the first sheet's declared dimension (`<dimension
  ref="A1:J999000"/>`, at its head) is read before the sheet is, so a sheet too big for
  openpyxl to read in time is refused with the advice to save it as CSV.
- CSV is streamed in blocks before it is decoded: a line longer than MAX_LINE (a file
  of one 200 MB line) is refused without holding it; so is a file over MAX_CSV.

The limits are measured (bench/: openpyxl reads about 80,000 cells a second of one core).

Only regular files are opened: a FIFO would hang, a device never end. `open_export` checks
a file and reads it, once: identifying it works on its head, and reading its table starts
from what was read (importers.read).
"""

from __future__ import annotations

import functools
import os
import re
import stat
import zipfile
from pathlib import Path
from typing import NamedTuple

from importers import filerows
from importers.errors import Problem

MAX_UNPACKED = 64 << 20  # bytes a workbook may unpack to, all parts together
MAX_RATIO = 100  # a real workbook's parts compress 5 to 30 times; bombs, a thousand
MAX_CELLS = 600_000  # declared cells of the first sheet: about 8 s for openpyxl
MAX_LINE = 2 << 20  # bytes of one CSV line (a cell may hold 131,072 characters)
MAX_CSV = 512 << 20
BLOCK = 1 << 20
DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


class Opened(NamedTuple):
    """An export checked (`regular`) and read (its head, and a workbook or a statement
    whole), once: what identifying it looks at, and what reading its table takes. at:
    the row of the head holding the header of the source that claimed it (importers.run),
    and columns, that header's columns by the names the source knows them by."""
    path: Path
    head: filerows.Head
    workbook: bool = False  # an XLSX zip by its first bytes, whatever its name
    at: int | None = None
    columns: tuple[str, ...] = ()


def open_export(path: str | Path, ways: tuple[tuple[str, str], ...] = ()) -> Opened:
    """ways: the (encoding, delimiter) pairs the sources that may claim it declare
    (importers.profile.ways), its head read in each as well."""
    path = Path(path)
    workbook = regular(path)
    return Opened(path, filerows.head(path, whole=True, ways=ways), workbook)


def regular(path: str | Path) -> bool:
    """Refuse anything but a regular file before opening it: opening a FIFO waits for a
    writer that never comes, and a device never ends; then what reading all of it would
    cost, from its size, its lines or its zip directory. True for a workbook (an XLSX zip)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as e:
        raise Problem(str(path), 0, f"cannot be read ({e.strerror})") from None
    if not stat.S_ISREG(mode):
        raise Problem(str(path), 0, "is not a regular file (a folder, FIFO or device): "
                      "give the export file itself")
    with open(path, "rb") as f:
        is_xlsx = f.read(4) == filerows.XLSX_MAGIC
    if is_xlsx:
        xlsx(path)
    else:
        text(path)
    return is_xlsx


def head(path: str | Path, ways: tuple[tuple[str, str], ...] = ()) -> filerows.Head:
    """The head identifying a file by its path alone looks at (Fava's import page, a
    beangulp script): a workbook's only within its bounds, else none. ways: as for
    open_export."""
    path = Path(path)
    if not os.path.isfile(path):  # never open a FIFO or a device
        return filerows.Head([])
    try:
        with open(path, "rb") as f:
            workbook = f.read(4) == filerows.XLSX_MAGIC
        if workbook or path.suffix.lower() in (".xlsx", ".xlsm"):
            xlsx(path, whole=False)
    except (OSError, Problem):
        return filerows.Head([])
    return filerows.head(path, ways=ways)


def _column(letters: bytes) -> int:
    n = 0
    for c in letters:
        n = n * 26 + c - 64
    return n


def _key(path: Path) -> tuple:
    st = os.stat(path)
    return (str(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def xlsx(path: str | Path, whole: bool = True) -> None:
    """Refuse a workbook that would cost too much to read (`whole`: to read every row,
    not just the head that identifies it)."""
    _xlsx(*_key(Path(path)), whole)


@functools.lru_cache(maxsize=64)
def _xlsx(name: str, _dev, _ino, _size, _mtime, whole: bool) -> None:
    try:
        z = zipfile.ZipFile(name)
    except (zipfile.BadZipFile, OSError):
        return  # openpyxl says what is wrong with it
    with z:
        parts = z.infolist()
        if sum(p.file_size for p in parts) > MAX_UNPACKED:
            raise Problem(name, 0, f"the workbook unpacks to more than {MAX_UNPACKED >> 20} MB: "
                          "not an export this tool reads (save the sheet as CSV)")
        for p in parts:
            if p.file_size > 1 << 20 and p.file_size > MAX_RATIO * max(p.compress_size, 1):
                raise Problem(name, 0, f"a part of the workbook ({p.filename}) is compressed "
                              f"more than {MAX_RATIO} times: a file made to exhaust memory, "
                              "not an export")
        if not whole:
            return
        sheet = next((p for p in parts if re.fullmatch(r"xl/worksheets/sheet\d*\.xml",
                                                         p.filename)), None)
        if sheet is None:
            return
        with z.open(sheet) as f:
            head = f.read(4096)
    m = DIMENSION.search(head)
    if m and m.group(3):
        rows = int(m.group(4)) - int(m.group(2)) + 1
        cols = _column(m.group(3)) - _column(m.group(1)) + 1
        if rows * cols > MAX_CELLS:
            raise Problem(name, 0, f"the sheet declares {rows:,} rows of {cols:,} columns, "
                          f"more than this tool reads from a workbook ({MAX_CELLS:,} cells): "
                          "save it as CSV and import that")


def text(path: str | Path) -> None:
    """Refuse a text export with a line longer than MAX_LINE, or over MAX_CSV in all,
    reading it a block at a time (never holding more than one)."""
    _text(*_key(Path(path)))


@functools.lru_cache(maxsize=64)
def _text(name: str, _dev, _ino, size: int, _mtime) -> None:
    if size > MAX_CSV:
        raise Problem(name, 0, f"the file is {size >> 20:,} MB, more than this tool reads "
                      f"({MAX_CSV >> 20} MB): split the export by date")
    run = 0  # bytes since the last line break
    read = through = 0  # bytes read; bytes up to the end of the last block with a break
    with open(name, "rb") as f:
        for block in iter(lambda: f.read(BLOCK), b""):
            read += len(block)
            last = max(block.rfind(b"\n"), block.rfind(b"\r"))
            if last < 0:
                run += len(block)
            else:
                first = min(i for i in (block.find(b"\n"), block.find(b"\r")) if i >= 0)
                if run + first > MAX_LINE:
                    break
                through = read
                run = len(block) - last - 1
            if run > MAX_LINE:
                break
        else:
            return
        # The line it is on, counted only now: counting every block's lines cost a
        # tenth of a second on each large download that has no such line.
        f.seek(0)
        line = 1 + sum(f.read(min(BLOCK, through - at)).count(b"\n")
                       for at in range(0, through, BLOCK))
    raise Problem(name, line, f"a line longer than {MAX_LINE >> 20} MB: not an export "
                  "(a broken or hostile file)")
