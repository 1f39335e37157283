"""The embedded demo books: a fictional campaign group's ledger, 2017 to 2024.

`books/` holds the books (main.beancount at its top) and `exports/` the raw platform
exports they were imported from.
"""

from __future__ import annotations

import os
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


def demo_key() -> Path:
    """A treasurer's copy of the demo's key, to import into a demo copy with.

    The shipped key is public by design (the donors are fictional), and git checks it out
    readable by all, which an import refuses (importers/pseudonym.py), as it refuses a key
    inside the books. So the copy lives outside any books, beside the treasurer's own key
    but never over it, readable by them alone. Regenerating the embedded demo reads the
    shipped key directly: it holds no real donor, so nothing is protected by refusing it."""
    path = Path.home() / ".config" / "fundledger" / "demo-donor.key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_bytes() != KEY.read_bytes():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(KEY.read_bytes())
    path.chmod(0o600)
    return path


def regenerate(books: Path = BOOKS, exports: Path = EXPORTS):
    """Rebuild the imported part of the books from the raw exports with the real importers.

    imports/ is emptied and its includes dropped from main.beancount, then every export is
    imported in one all-or-nothing run. Hand-kept files are left as they are.
    """
    from importers import arrowcsv, run
    from importers.pseudonym import Pseudonymiser, load_key

    main = books / "main.beancount"
    shutil.rmtree(books / "imports", ignore_errors=True)
    kept = [line for line in main.read_text(encoding="utf-8").splitlines()
            if not line.startswith('include "imports/')]
    main.write_text("\n".join(kept).rstrip("\n") + "\n", encoding="utf-8")
    files = sorted(str(p) for p in exports.iterdir() if p.is_file())
    with arrowcsv.reading_ahead(files):
        return run.run(main, files, pseudo=Pseudonymiser(load_key(KEY)))


if __name__ == "__main__":
    print(regenerate().summary())
