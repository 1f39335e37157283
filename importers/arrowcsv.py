"""A CSV export's cells as Arrow's CSV parser reads them, every cell as text, with each
record's spreadsheet row number: the fast half of importers.read, which checks the
result and makes it a table (importers.frame.Frame).

Nothing else is imported here (bar ledger.second_core, for the count of cores: the
standard library only), so `fundledger import` can start reading its files
(ahead()) before it loads the rest of the importers and the books: Arrow and numpy let go
of the interpreter while they parse and number the lines, so on a second core the reading
and the loading happen at once. A file is read ahead only while the one before it is
being checked, so at most one extra file is held in memory. A large file is parsed as two
halves at once (_parse).
"""

from __future__ import annotations

import csv
import mmap
import os
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as arrow_csv

from ledger.second_core import cores

# Arrow's memory from the C library's allocator, not its own (mimalloc or jemalloc): those
# keep what an import's column steps free for reuse, so the process's peak memory stayed at
# the sum of every step's copies (bench/import_bench.py: 771 MB against 628 MB on 300,000
# different donors, no slower).
if os.environ.get("ARROW_DEFAULT_MEMORY_POOL") is None:
    pa.set_memory_pool(pa.system_memory_pool())

BLOCK = 4 << 20  # bytes Arrow parses at a time (_read)
SPLIT = 8 << 20  # bytes from which a file is read as two halves at once (_parse)
CORES = cores()
CELL_LIMIT = 131072  # the csv module's field limit: a longer cell means a broken file
XLSX_MAGIC = b"PK\x03\x04"

Cells = tuple[list[pa.ChunkedArray], np.ndarray]  # the columns, and each row's number


def cells(path: str, width: int) -> Cells | None:
    """The cells under a first-line header of `width` columns, rows with nothing but
    spaces dropped, and each row's spreadsheet row number (the header's row is 1); None
    where only the careful way can say (see _cells). Read ahead if ahead() was asked."""
    ahead_ = _AHEAD.take(path, width)
    return _cells(path, width) if ahead_ is None else ahead_[0]


class _NoPandas:
    """An import finder that says pandas is not installed."""

    def find_spec(self, name: str, path=None, target=None) -> None:
        """None (ask the next finder) for anything but pandas."""
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError("pandas is not used by an import", name=name)


def without_pandas() -> None:
    """For a process that only imports (`fundledger import`): pyarrow imports pandas the
    first time it is handed a Python list or makes numpy of a column, to see whether
    that is a pandas object (0.16 s of CPU, a tenth of a large import), and no step of an
    import uses pandas. From now on this process has none, as if it were not installed
    (pyarrow asks once, and takes no for an answer); pandas already imported stays."""
    if "pandas" not in sys.modules and not any(isinstance(f, _NoPandas)
                                               for f in sys.meta_path):
        sys.meta_path.insert(0, _NoPandas())


def ahead(paths: list[str]) -> None:
    """Start reading these files on a second thread, in this order, one ahead of cells()."""
    _AHEAD.queue(paths)


@contextmanager
def reading_ahead(paths: list[str]) -> Iterator[None]:
    """ahead() for the files of an import about to run (their parse overlaps the books
    loading), and forget() them when it ends, however it ends: a run cut short leaves
    nothing read ahead behind."""
    ahead(paths)
    try:
        yield
    finally:
        forget(paths)


def forget(paths: list[str]) -> None:
    """These files are read another way, or no more is wanted of them (a run is over, or
    cut short): what was read ahead of them goes, and the next file queued starts."""
    _AHEAD.forget(paths)


def read_as_text(path) -> bool:
    """Neither a workbook nor OFX: a CSV (or a text file to refuse later). Never opens
    anything but a regular file (opening a FIFO waits for a writer)."""
    if not os.path.isfile(path):
        return False
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    from importers.filerows import is_ofx  # filerows reads the files that are not CSV

    return not (head[:4] == XLSX_MAGIC or str(path).lower().endswith((".xlsx", ".xlsm"))
                or is_ofx(head))


def _cells(path: str, width: int) -> Cells | None:
    """Arrow refuses a row of another width and bytes that are not UTF-8 (a Windows-1252
    bank export), and skips empty lines; every record must be on its own line, so each
    record's spreadsheet row number is its line's. A cell running over lines, a quote left
    open that swallows rows, or a cell over the csv module's limit goes the careful way,
    which refuses an oversized cell."""
    raw = _mapped(path)
    # Arrow's parse first: it lets go of the interpreter from start to end, while the
    # lines' numbering takes it back between numpy's steps, and the command is still
    # importing its modules (holding the interpreter) when this starts on its thread.
    got, lines = _parse(raw, width)
    if got is None or got.num_columns != width:
        return None
    starts, ends, crlf, crs, nul = lines
    if nul or crs != crlf:  # a lone CR ends a record for both parsers, but not a line here
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
    if not keep.all():
        body = [c.filter(keep) for c in body]
    return body, (filled[1:] + 1)[keep]  # the header's line is row 1


def _parse(raw, width: int) -> tuple[pa.Table | None, tuple | None]:
    """Arrow's reading of the file, every cell as text (None if Arrow refuses it), and
    its lines (_lines; None where the bytes are not UTF-8: the careful way reads such a
    file, so no line is numbered for it). Arrow's parse lets go of the interpreter
    throughout: what is read ahead.

    A large file is read as two halves at once where there is a second core, cut after a
    line that ends outside quotes (_half): the first half is a prefix of the file, read
    as the whole file reads it, and the second starts at a record's start. Anything the
    halves refuse is read whole again, so what is refused is Arrow's whole-file answer;
    a record over several lines is sent the careful way by _cells either way."""
    if not _utf8(raw):  # what Arrow would refuse, cell by cell
        return None, None
    cut = _half(raw)
    if cut is None:
        return _read(raw, width), _lines(raw)
    view = memoryview(raw)
    with ThreadPoolExecutor(1, thread_name_prefix="read-half") as pool:
        second = pool.submit(_read, view[cut:], width)
        lines = pool.submit(_lines, raw)  # once its half is read, beside the first's
        first = _read(view[:cut], width)
        halves = first, second.result()
        lines = lines.result()
    if None in halves or halves[0].num_columns != halves[1].num_columns:
        return _read(raw, width), lines
    return pa.concat_tables(halves), lines


def _utf8(raw) -> bool:
    """Whether the file's bytes are UTF-8, checked once over the whole file (3 ms for
    76 MB) so that Arrow need not check each cell (25-30 ms of its 200 ms parse). The
    same answer: every byte of the file is in a cell but the commas, quotes and line ends,
    which are ASCII and so never inside a UTF-8 character, and a cell's bytes are the
    file's between them (a doubled quote made one); so the whole is UTF-8 exactly when
    every cell is."""
    whole = pa.Array.from_buffers(pa.large_string(), 1, [
        None, pa.py_buffer(np.array([0, len(raw)], dtype=np.int64)), pa.py_buffer(raw)])
    try:
        whole.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _half(raw) -> int | None:
    """Where the second half of a large file starts (just after a line's end near its
    middle); None for a small file or one core (a thread's hand-off costs more there)."""
    if len(raw) < SPLIT or CORES < 2:
        return None
    cut = raw.find(b"\n", len(raw) // 2) + 1
    if not 0 < cut < len(raw):
        return None
    # The line before the cut must end outside quotes: a quoted cell left open there runs
    # on into the next line, which the whole file reads as one record (and refuses as too
    # wide, or sends the careful way) but the halves would read as two. Read alone by the
    # csv module, strictly, that line is a whole record; if not, the file is read whole.
    last = bytes(raw[raw.rfind(b"\n", 0, cut - 1) + 1:cut])
    try:
        next(csv.reader([last.decode("utf-8")], strict=True), None)
    except (csv.Error, UnicodeDecodeError):
        return None
    return cut


def _read(raw, width: int) -> pa.Table | None:
    try:
        return arrow_csv.read_csv(
            pa.py_buffer(raw),
            # One thread: on two cores the thread pool's hand-offs cost more system time
            # than the parse they split (0.25 s against 0.14 s on a 68 MB download).
            # Blocks of 4 MB, not Arrow's 1 MB: each block's buffers are made and let go
            # (jemalloc hands them back at once: importers/__init__.py), and a 76 MB
            # download's halves read in 0.115 s against 0.135-0.16 s, 0.134 against 0.197
            # on 300,000 different donors (bench/README.md, "Blocks of 4 MB"); 3-8 MB
            # alike.
            read_options=arrow_csv.ReadOptions(autogenerate_column_names=True,
                                               use_threads=False, block_size=BLOCK),
            parse_options=arrow_csv.ParseOptions(newlines_in_values=False),
            convert_options=arrow_csv.ConvertOptions(
                # large_string: a column of a large file can outgrow 32-bit offsets
                column_types={f"f{j}": pa.large_string() for j in range(width)},
                check_utf8=False,  # the whole file was checked at once (_utf8)
                strings_can_be_null=False, quoted_strings_can_be_null=False),
            memory_pool=_pool())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None


def _mapped(path: str):
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


# --- reading ahead -------------------------------------------------------------------------

def _identity(path: str) -> tuple | None:
    """What a file is now: a file replaced or written to since it was read ahead is read
    again, never taken from before."""
    try:
        s = os.stat(path)
    except OSError:
        return None
    return s.st_dev, s.st_ino, s.st_size, s.st_mtime_ns


def _first_width(path: str) -> int | None:
    """How many cells the first line of a UTF-8 CSV holds (None: not worth reading ahead;
    cells() then reads it when asked, if it is asked)."""
    if not read_as_text(path):
        return None
    try:
        with open(path, "rb") as f:
            head = f.read(65536)
    except OSError:
        return None
    line, newline, _ = head.partition(b"\n")
    if not newline:
        return None
    try:
        return len(next(csv.reader([line.decode("utf-8-sig").rstrip("\r")]), []))
    except (UnicodeDecodeError, csv.Error):
        return None


def _cells_ahead(path: str, width: int) -> tuple[Cells | None]:
    return (_cells(path, width),)  # in a tuple: None is an answer (the careful way)


class _Ahead:
    """Files queued by ahead(), read into cells (parsed, and their lines numbered) one at a
    time on one worker thread, the next started when one is taken. What was read is taken
    only if the file is still what it was when queued and for the width asked; anything
    else (a file changed or gone, a failure on the worker) is read again when asked, and
    reported then as it always is."""

    def __init__(self):
        self.lock = threading.Lock()
        self.waiting: list[str] = []
        self.read: dict[str, tuple[tuple, int, Future]] = {}  # path -> identity, width, cells
        self.worker: ThreadPoolExecutor | None = None

    def queue(self, paths: list[str]) -> None:
        with self.lock:  # asking twice reads once
            self.waiting += [p for p in dict.fromkeys(paths)
                             if p not in self.read and p not in self.waiting]
        self._next()

    def _next(self) -> None:
        with self.lock:
            if self.read:
                return  # one file ahead at a time, so one more file in memory at most
            while self.waiting:
                path = self.waiting.pop(0)
                ident, width = _identity(path), _first_width(path)
                if ident is None or width is None:
                    continue
                if self.worker is None:
                    self.worker = ThreadPoolExecutor(1, thread_name_prefix="read-ahead")
                self.read[path] = ident, width, self.worker.submit(_cells_ahead, path, width)
                return

    def forget(self, paths: list[str]) -> None:
        with self.lock:
            self.waiting = [p for p in self.waiting if p not in paths]
            for p in paths:
                self.read.pop(p, None)  # a parse still running finishes unread
        self._next()

    def take(self, path: str, width: int) -> tuple[Cells | None] | None:
        """(The file's cells,) if it was read ahead and still holds (None: read it now)."""
        if not self.read and not self.waiting:
            return None
        with self.lock:
            got = self.read.pop(path, None)
            if path in self.waiting:  # asked out of turn: read now, not again ahead
                self.waiting.remove(path)
        table = None
        if got is not None:
            ident, was_width, future = got
            try:
                table = future.result()
            except Exception:  # noqa: BLE001 (read again, on this thread, to report it)
                table = None
            if ident != _identity(path) or was_width != width:
                table = None
        self._next()
        return table


_AHEAD = _Ahead()


def _fresh_in_child() -> None:
    """A forked child has none of this process's threads: a read-ahead pool it inherited
    would queue work for a thread that is not there, and wait for it for ever."""
    global _AHEAD
    _AHEAD = _Ahead()


os.register_at_fork(after_in_child=_fresh_in_child)
