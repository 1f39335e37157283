"""The embedded demo books: a fictional campaign group's ledger, 2017 to 2024.

`books/` holds the books (main.beancount at its top) and `exports/` the raw platform
exports they were imported from.
"""

from __future__ import annotations

import shutil
from pathlib import Path

DEMO = Path(__file__).parent / "demo"
BOOKS = DEMO / "books"
EXPORTS = DEMO / "exports"
MAIN = BOOKS / "main.beancount"


def copy_to(dest: Path) -> Path:
    """Write an independent copy of the demo books (and their exports) into dest."""
    dest.mkdir(parents=True, exist_ok=True)
    clash = [p.name for p in dest.iterdir()]
    if clash:
        raise FileExistsError(f"{dest} is not empty ({', '.join(sorted(clash)[:5])}); "
                              "choose a new or empty folder")
    shutil.copytree(BOOKS, dest, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", ".fundledger*"))
    if EXPORTS.exists():
        shutil.copytree(EXPORTS, dest / "exports", dirs_exist_ok=True)
    return dest / "main.beancount"
