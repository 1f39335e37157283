"""Where the books are: a main .beancount file, or a folder holding main.beancount.

Kept apart from ledger.books (which loads and changes books, and so imports beancount and
numpy) so a command can name its books before it pays for those: `fundledger import`
starts reading its files in the time they take to import.
"""

from __future__ import annotations

import os
from pathlib import Path

MAIN = "main.beancount"


class BooksError(Exception):
    """The books cannot be used or changed; `lines` are `file:line: message` lines."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


def resolve(path: str | os.PathLike) -> Path:
    """A books argument is a main .beancount file or a folder holding main.beancount."""
    p = Path(path).expanduser()
    if p.is_dir():
        p = p / MAIN
    if not p.is_file():
        raise BooksError([(f"{p}: no books here (expected a .beancount file or a folder "
                           f"holding {MAIN})")])
    return p.resolve()
