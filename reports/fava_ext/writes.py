"""Fava's writes take the books' lock, as every fundledger write does.

Fava serialises its own writes with a threading lock, which a `fundledger import` in
another process never sees: an entry Fava stored while an import was planning under the
books' lock was lost when the import renamed its version of main.beancount over it.
guard() wraps each of Fava's write paths (the add-entry form and the import page's save,
the editor, entry slices, metadata) in ledger.books.locked, the exclusive lock
ledger.books.apply holds from reading the books to its last rename. Each write then waits
for a running import and works on the files as the import left them, and an import waits
for a write and plans on what Fava stored. (Fava's reloads are not wrapped: FavaLedger
has fixed slots. A reload between two renames of one commit sees the files change again
and reloads once more.)
"""

from __future__ import annotations

import functools
from pathlib import Path

from ledger import books

WRITES = ("set_source", "insert_metadata", "save_entry_slice", "delete_entry_slice",
          "insert_entries")
GUARDED = "_fundledger_guarded"


def _under(folder: Path, method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with books.locked(folder):
            return method(*args, **kwargs)
    return wrapper


def guard(ledger) -> None:
    """Make this FavaLedger's writes take the books' lock (once)."""
    if getattr(ledger.file, GUARDED, False):
        return
    folder = Path(ledger.beancount_file_path).resolve().parent
    for name in WRITES:
        setattr(ledger.file, name, _under(folder, getattr(ledger.file, name)))
    setattr(ledger.file, GUARDED, True)
