"""The one kind of error an import reports: `FILE:ROW: problem`."""

from __future__ import annotations


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
    return "'" + "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                         for c in text) + "'"
