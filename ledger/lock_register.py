"""The registers kept beside the books, which may grow but never shrink: each lock's
detail file (locks/) and each published statement's receipt (published/). A lock or a
register entry deleted from the books is caught by the file it left behind."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import NamedTuple

from beancount.core.data import Custom

from ledger.lock_digest import LOCK, PREFIXES, UNLOCK

LOCKS_FILE = "locks.beancount"
DETAIL_FOLDER = "locks"


class LockError(NamedTuple):
    source: dict
    message: str
    entry: object


def dropped(entries, options: dict | None) -> list[LockError]:
    """Locks whose detail file is beside the books but whose entry is gone (locks.beancount
    emptied, or its include removed): the register of locks may grow, never shrink."""
    main = (options or {}).get("filename")
    folder = Path(main).parent / DETAIL_FOLDER if main else None
    if folder is None or not folder.is_dir():
        return []
    known = {e.values[0].value for e in entries
             if isinstance(e, Custom) and e.type in (LOCK, UNLOCK) and len(e.values) == 1}
    errors = []
    for path in sorted(folder.glob("*.txt")):
        try:
            with path.open(encoding="utf-8") as f:
                first = f.readline()
        except OSError:
            continue
        words = first.split()
        value = words[3].rstrip(":") if len(words) > 3 and words[1:3] == [
            "fundledger", "lock"] else ""
        if value.startswith(PREFIXES) and value not in known:
            through = path.name[:10]
            errors.append(LockError(
                {"filename": str(path), "lineno": 1},
                f"the lock through {through} ({value[:20]}...) is no longer in the books: "
                f"{LOCKS_FILE} was emptied or is no longer included. Restore it; a lock is "
                "lifted only by `fundledger unlock` with a reason", None))
    return errors


RECEIPTS = "published"  # folder of receipts of the register of published statements


def receipt(as_of: datetime.date, value: str, entry: str) -> dict[str, str]:
    """The receipt `--publish` writes beside the register entry (path: text)."""
    return {f"{RECEIPTS}/{as_of}-{value[:12]}.txt":
            f"# fundledger published {value}\n" + entry}


def unregistered(entries, options: dict | None) -> list[LockError]:
    """Statements published (their receipts are beside the books) whose register entry is
    gone: a later statement would no longer be checked against them."""
    main = (options or {}).get("filename")
    folder = Path(main).parent / RECEIPTS if main else None
    if folder is None or not folder.is_dir():
        return []
    known = {str(e.values[2].value) for e in entries
             if isinstance(e, Custom) and e.type == "published" and len(e.values) == 3}
    errors = []
    for path in sorted(folder.glob("*.txt")):
        try:
            with path.open(encoding="utf-8") as f:
                words = f.readline().split()
        except OSError:
            continue
        if len(words) == 4 and words[1:3] == ["fundledger", "published"] \
                and words[3] not in known:
            errors.append(LockError(
                {"filename": str(path), "lineno": 1},
                f"the statement published with figures to {path.name[:10]} is no longer in "
                "the register of published statements: restore its custom \"published\" "
                "entry (the receipt holds it); anyone holding it could subtract it from a "
                "new statement", None))
    return errors
