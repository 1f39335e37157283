"""The books' errors after an import, told as the export's `FILE:ROW: problem`: the
books file and line a failed import names were never written, the export's row was.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path

from importers import filerows

ERROR_AT = re.compile(r"^(.*):(\d+): (.*)$")


def at_rows(lines: list[str], folder: Path, appended: dict[str, tuple[int, str]],
             files: dict[str, str]) -> list[str]:
    """The books' errors, those in entries this import would have appended told as the
    export's `FILE:ROW: problem` (the books file and line named do not exist: nothing
    was written). One line per row and problem, in the order first met."""
    where = {str(folder / rel): (start, new) for rel, (start, new) in appended.items()}
    exports = {filerows.sha256(path): path for path in files}
    entries: dict[str, tuple[list[int], list[tuple[str, str]]]] = {}  # per file: heads, rows
    out: dict[str, None] = {}
    for line in lines:
        m = ERROR_AT.match(line)
        if m is None or m.group(1) not in where:
            out[line] = None
            continue
        start, new = where[m.group(1)]
        if m.group(1) not in entries:
            entries[m.group(1)] = _entries_in(new)
        heads, rows = entries[m.group(1)]
        k = bisect.bisect_right(heads, int(m.group(2)) - start) - 1
        sha, row = rows[k] if k >= 0 else ("", "")
        path = exports.get(sha)
        out[f"{path}:{row}: {m.group(3)}" if path and row else line] = None
    return list(out)


def _entries_in(text: str) -> tuple[list[int], list[tuple[str, str]]]:
    """Where each entry of an appended text starts (0-based line), and its export's sha256
    and row."""
    heads: list[int] = []
    rows: list[tuple[str, str]] = []
    sha = row = ""
    for n, line in enumerate(text.split("\n")):
        if line[:1].isdigit():
            if heads:
                rows.append((sha, row))
            heads.append(n)
            sha = row = ""
        elif line.startswith("  import-file: "):
            sha = line.split('"')[1]
        elif line.startswith("  import-row: "):
            row = line.split(": ", 1)[1].strip()
    if heads:
        rows.append((sha, row))
    return heads, rows
