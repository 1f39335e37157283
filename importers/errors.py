"""The one kind of error an import reports: `FILE:ROW: problem`."""

from __future__ import annotations

import re


class Problem(Exception):
    def __init__(self, file: str, row: int, message: str):
        super().__init__(f"{file}:{row}: {message}" if row else f"{file}: {message}")
        self.file, self.row, self.message = file, row, message


def q(value: object, limit: int = 40) -> str:
    """A cell's value quoted for a one-line message: control and invisible characters
    (line breaks, bidi overrides) escaped, cut short; letters in any script as written
    ('Spende über PayPal', not '\\xfc')."""
    text = str(value)
    text = text if len(text) <= limit else text[:limit] + "..."
    return "'" + _printable(text) + "'"


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


def shape(value: object, limit: int = 24) -> str:
    """A cell's form without its content, for an error message: letters as a, digits as
    9, other marks kept ('31/02/2023' -> '99/99/9999', '1.234,56' -> '9.999,99'). A cell
    in the wrong column can hold a name or an email ('jane.doe@example.org' shows as
    'aaaa.aaa@aaaaaaa.aaa'), and no error ever repeats what a row says."""
    text = re.sub(r"[^\W\d_]", "a", re.sub(r"\d", "9", str(value)))
    text = text if len(text) <= limit else text[:limit] + "..."
    return "shaped '" + _printable(text) + "'"
