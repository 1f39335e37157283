"""Read an export into a table of strings, keeping spreadsheet row numbers: the first stage
of an import, bytes to a table. Everything is read as text: amounts become Decimal and
dates dates later (importers.parse), so nothing ever passes through a float.

A file comes here opened (importers.bounded) and claimed (importers.profile: the row of
its head holding the source's header), and goes one way: Arrow's fast reading of a plain
CSV (importers.arrowcsv), else every row read the careful way (rows_of, decoding the text
with importers.filerows' helpers), then made a table (importers.frame).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from importers import arrowcsv, bounded, filerows, frame
from importers.errors import Problem
from importers.profile import header, seen_by, ways


def load(path: str | Path, signature: tuple[str, ...], profile=None,
         opened: bounded.Opened | None = None) -> frame.Frame | None:
    """The export's rows under its header, as frame.table() gives them; None if no row of
    its head holds the signature's columns. profile: its aliases, delimiter, encoding,
    footer. opened: the file as identifying it opened it (else opened here)."""
    if opened is None:
        try:
            opened = opened_for(path, signature, profile)
        except Problem:
            arrowcsv.forget([str(path)])
            raise
    return table_of(opened, signature, profile)


def opened_for(path: str | Path, signature: tuple[str, ...], profile=None) -> bounded.Opened:
    """A file opened by its path alone for one source (Fava's import page, a beangulp
    script), its head as the source reads the file (importers.profile.seen_by) and the
    row of it holding the signature's columns (at None where none does)."""
    opened = bounded.open_export(path, ways([profile]) if profile is not None else ())
    head = seen_by(profile, opened.head) if profile is not None else opened.head
    spellings = profile.spellings if profile is not None else {}
    at, columns = header(head.rows, signature, spellings)
    return opened._replace(head=head, at=at, columns=columns)


def table_of(opened: bounded.Opened, signature: tuple[str, ...],
             profile=None) -> frame.Frame | None:
    """The table of a file opened, under the header found in its head (opened.at; the
    head as the profile reads the file, importers.profile.seen_by).

    A comma-separated UTF-8 CSV whose first line is the header (nearly every platform's
    export) is read by Arrow's CSV parser into Arrow-backed string columns: the csv
    module and a list per row cost ten times as much on a large download. Anything else,
    or anything that parser refuses (a row shorter or longer than the header, bytes that
    are not UTF-8), goes the careful way, which words the problem; so does a file whose
    profile declares its encoding or delimiter (Arrow reads UTF-8 and commas only)."""
    path, head, at, columns = opened.path, opened.head, opened.at, opened.columns
    declared = any((getattr(profile, "encoding", ""), getattr(profile, "delimiter", "")))
    got = None
    if not declared and at == 0 and head.layout == "csv" and head.delimiter == "," \
            and head.utf8:
        got = arrowcsv.cells(str(path), len(head.rows[0]))
    else:
        arrowcsv.forget([str(path)])  # read the careful way: a parse read ahead goes
    if got is None:
        rows = rows_of(path, head, profile)
        return None if at is None else frame.table(path, rows, at, columns, profile)
    return frame.arrow(got, columns, profile)


def rows_of(path: Path, head: filerows.Head, profile=None) -> list[list[str]]:
    """Every row of a file opened (importers.bounded.open_export), blank rows kept as [] (the
    careful way, for what Arrow does not read):
    a workbook's or a statement's as opening read them (or the problem reading it
    raised), a text file's read whole in its head's layout (its `Key: value` blocks or
    its delimiter) unless the profile declares how. The encoding is told again from all
    the bytes: a file whose first 64 KB are UTF-8 may still be Windows-1252 further on."""
    if head.problem is not None:
        raise head.problem
    if head.whole is not None:
        return head.whole
    raw = path.read_bytes()
    try:
        text = filerows.decode(raw, getattr(profile, "encoding", ""))
    except ValueError as e:
        raise Problem(str(path), 0, str(e)) from None
    if "\x00" in text:
        raise Problem(str(path), 0, "not a text CSV file (it contains NUL bytes)")
    try:
        blocks = filerows.key_value_rows(text)
    except ValueError as e:
        raise Problem(str(path), 0, str(e)) from None
    if blocks is not None:
        return blocks
    declared = getattr(profile, "delimiter", "")
    delimiter = declared or (head.delimiter if head.layout == "csv" and head.delimiter
                             else filerows.delimiter_of(text[:65536]))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as e:  # e.g. a cell over the csv module's 131072-character limit
        problem = ("a cell is too large (over 131072 characters)"
                   if "field limit" in str(e) else f"unreadable CSV ({e})")
        raise Problem(str(path), reader.line_num, problem) from None
