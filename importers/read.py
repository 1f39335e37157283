"""Read an export into a table of strings, keeping spreadsheet row numbers: the first stage
of an import, bytes to a table. Everything is read as text: amounts become Decimal and
dates dates later (importers.parse), so nothing ever passes through a float.

A file comes here opened (importers.bounded) and claimed (importers.profile: the row of
its head holding the source's header), and goes one way: Arrow's fast reading of a plain
CSV (importers.arrowcsv), else every row read the careful way (importers.filerows), then
made a table (importers.frame).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from importers import arrowcsv, bounded, filerows, frame
from importers.errors import Problem
from importers.profile import header


def load(path: str | Path, signature: tuple[str, ...], profile=None,
         opened: bounded.Opened | None = None) -> pd.DataFrame | None:
    """The export's rows under its header, as frame.table() gives them; None if no row of
    its head holds the signature's columns. profile: its aliases, delimiter, encoding,
    footer. opened: the file as identifying it opened it (else opened here)."""
    if opened is None:
        try:
            opened = bounded.open_export(path)
        except Problem:
            arrowcsv.forget([str(path)])
            raise
    if opened.at is None:
        spellings = profile.spellings if profile is not None else {}
        at, columns = header(opened.head.rows, signature, spellings)
        opened = opened._replace(at=at, columns=columns)
    return table_of(opened, signature, profile)


def table_of(opened: bounded.Opened, signature: tuple[str, ...],
             profile=None) -> pd.DataFrame | None:
    """The table of a file opened, under the header found in its head (opened.at).

    A comma-separated UTF-8 CSV whose first line is the header (nearly every platform's
    export) is read by Arrow's CSV parser into Arrow-backed string columns: the csv
    module and a list per row cost ten times as much on a large download. Anything else,
    or anything that parser refuses (a row shorter or longer than the header, bytes that
    are not UTF-8), goes the careful way, which words the problem; so does a file whose
    profile declares its encoding or delimiter (it is read as declared, not as its head
    was guessed)."""
    path, head, at, columns = opened.path, opened.head, opened.at, opened.columns
    declared = any((getattr(profile, "encoding", ""), getattr(profile, "delimiter", "")))
    got = None
    if not declared and at == 0 and head.layout == "csv" and head.delimiter == "," \
            and head.utf8:
        got = arrowcsv.cells(str(path), len(head.rows[0]))
    else:
        arrowcsv.forget([str(path)])  # read the careful way: a parse read ahead goes
    if got is None:
        rows = filerows.rows_of(path, head, profile)
        if declared:  # its header found again, in the rows as the profile says to read them
            at, columns = header(rows, signature, profile.spellings)
        return None if at is None else frame.table(path, rows, at, columns, profile)
    return frame.arrow(got, columns, profile)
