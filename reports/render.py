"""Rendering shared by every report: reports compute data, these functions only format it.

- `safe_cell`: neutralises spreadsheet formula injection in any text written to CSV/XLSX
  (OWASP: a cell starting with = + - @ tab or CR is prefixed with a quote).
- `write_csv`: CSV text from rows, every text cell made safe, Decimals exact.
- `jsonable`: Decimals as strings (never floats), dates as ISO strings.
- `table`: a plain-text table that reads like the treasurer's spreadsheet.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def safe_cell(value):
    """A value safe to put in a spreadsheet cell. Numbers stay numbers.

    Only text can smuggle a formula; a plain number such as "-12.50" cannot, and quoting
    it would stop a spreadsheet from adding it up, so it is left alone."""
    if (isinstance(value, str) and value.startswith(FORMULA_STARTS)
            and not PLAIN_NUMBER.fullmatch(value)):
        return "'" + value
    return value


def money(number: Decimal | None, currency: str = "", places: int = 2) -> str:
    """1234.5 -> '1,234.50 GBP'; exact, never via float."""
    if number is None:
        return ""
    q = Decimal(1).scaleb(-places)
    text = f"{number.quantize(q):,}"
    return f"{text} {currency}".strip()


def write_csv(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(_plain(v)) for v in row])
    return out.getvalue()


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def jsonable(value):
    """Turn report data (dataclasses, Decimals, dates) into JSON-ready values, exactly."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def table(header: Sequence[str], rows: Iterable[Sequence], align: str | None = None) -> str:
    """A fixed-width text table; `align` is one of l/r per column (numbers default right)."""
    text_rows = [[_plain(v) if not isinstance(v, Decimal) else money(v) for v in row]
                 for row in rows]
    cols = len(header)
    if align is None:
        align = "l" + "r" * (cols - 1)
    widths = [max([len(str(header[i]))] + [len(r[i]) for r in text_rows]) for i in range(cols)]

    def line(cells):
        return "  ".join(str(c).ljust(w) if a == "l" else str(c).rjust(w)
                         for c, w, a in zip(cells, widths, align)).rstrip()

    out = [line(header), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in text_rows]
    return "\n".join(out)
