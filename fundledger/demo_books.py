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


KEY = DEMO / "donor.key"  # the demo's donor key, shipped so regeneration is deterministic


def regenerate(books: Path = BOOKS, exports: Path = EXPORTS):
    """Rebuild the imported part of the books from the raw exports with the real importers.

    imports/ is emptied and its includes dropped from main.beancount, then every export is
    imported in one all-or-nothing run. Hand-kept files are left as they are.
    """
    from importers import run
    from importers.pseudonym import Pseudonymiser, load_key

    main = books / "main.beancount"
    shutil.rmtree(books / "imports", ignore_errors=True)
    kept = [line for line in main.read_text(encoding="utf-8").splitlines()
            if not line.startswith('include "imports/')]
    main.write_text("\n".join(kept).rstrip("\n") + "\n", encoding="utf-8")
    files = sorted(str(p) for p in exports.iterdir() if p.is_file())
    return run.run(main, files, pseudo=Pseudonymiser(load_key(KEY)))


if __name__ == "__main__":
    print(regenerate().summary())
