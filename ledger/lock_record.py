"""The lock's file record: each file's part of a version 3 lock's sum, as `fundledger
lock` proved it from the entries, kept in the books beside the lock's detail file, so a
load with no memo (a fresh machine, CI, FUNDLEDGER_NO_CACHE=1) proves the locked years
without rebuilding the text of every locked entry.

    # fundledger lock record sha256v3:4be1...: each file's part of ... (header)
    days 2019-12-31,2023-12-31
    options 9f86d0...
    3a7bd3... 1f0c...,0 gifts/2019.beancount

After the header: the days of every version 3 lock in force when it was written, the
sha256 of the locked options' text (lock_digest.options_text2), then one line per file
the memo would remember (ledger.lock_memo: its entries depend on its bytes alone, or it
holds no locked entry): the sha256 of its bytes, its part per day (hex, as the memo
keeps them) and its path in the books. A load takes a file's part from the record of
the newest version 3 lock in force only for the same days, options and bytes; anything
not exactly as written here is not used (never an error by itself). Whoever can write
the books' locks/ folder can make loads trust a part, as whoever can write
locks.beancount can change the lock itself: `verify`, `lock`, `unlock`, `close` and the
year-end pack never read it (docs/books.md, "The lock's file record").
"""

from __future__ import annotations

import datetime
import hashlib
import os
import re
from pathlib import Path

from ledger import lock_digest, lock_memo
from ledger.lock_register import DETAIL_FOLDER, LOCKS_FILE

SUFFIX = ".files"
TITLE = "# fundledger lock record"
_LINE = re.compile(r"([0-9a-f]{64}) ([0-9a-f,]+) (\S.*)")


def name(through: datetime.date, value: str) -> str:
    """The record's path in the books, beside the lock's detail file."""
    return f"{DETAIL_FOLDER}/{through}-{value.split(':', 1)[1][:8]}{SUFFIX}"


def shas(folder: Path, rels: list[str]) -> dict[str, str]:
    """The sha256 of each of these files' bytes (paths in the books), taken before the
    load a lock is proven from: files() records only those the same after it."""
    return {rel: lock_memo.sha(folder / rel) for rel in rels if (folder / rel).is_file()}


def _header(value: str, days: list, options: dict) -> list[str]:
    options_sha = hashlib.sha256(lock_digest.options_text2(options).encode()).hexdigest()
    return [(f"{TITLE} {value}: each file's part of the lock's sum, proven from the "
            "entries by `fundledger lock`; loads may take a file's part from here while "
            "its bytes are unchanged, `fundledger verify` never reads it"),
            "days " + ",".join(map(str, days)), f"options {options_sha}"]


def _newest(locks: list[tuple[datetime.date, str]]):
    """(days of the version 3 locks in force, the newest one), or None."""
    v3 = [(through, value) for through, value in locks
          if value.startswith(lock_digest.PREFIX3)]
    return (sorted({through for through, _v in v3}), max(v3)) if v3 else None


def files(entries, options: dict, locks: list[tuple[datetime.date, str]],
          before: dict[str, str], changes: dict) -> dict[str, str]:
    """The record (path in the books: text) of the newest of `locks` (through, digest:
    the locks in force once written), from these entries, which must have been proven to
    hold every lock in force. A file is recorded only if the sha256 of its bytes is the
    same `before` the load of the entries (by path in the books) and after it, so a file
    saved during the load is left out. Of the lock's `changes` (path in the books: new
    text), the lock's file and the main file gain only lock entries and an include line
    (or are written anew with lock entries alone): they are recorded by their new bytes.
    Nothing for books the memo would never use (another plugin named)."""
    newest = _newest(locks)
    if newest is None or not lock_memo.plugin_alone(options):
        return {}
    written = {rel: changes[rel] for rel in (LOCKS_FILE, Path(options["filename"]).name)
               if isinstance(changes.get(rel), str)}
    days, (through, value) = newest
    folder = os.path.realpath(os.path.dirname(options["filename"]))
    parts = lock_memo.file_parts(entries, days)
    lines = []
    for path in options.get("include", []):
        rel = lock_memo.relative(path, folder)
        try:
            now = lock_memo.sha(path)
        except OSError:
            continue
        if before.get(rel) != now or (path in parts and not lock_memo.alone(path)):
            continue
        content = written[rel].encode("utf-8") if rel in written else None
        content = hashlib.sha256(content).hexdigest() if content is not None else now
        hexes = ",".join(format(v % lock_memo.MODULUS, "x")
                         for v in parts.get(path, [0] * len(days)))
        lines.append(f"{content} {hexes} {rel}")
    for rel in written.keys() - before.keys():  # new to the books: lock entries alone
        if os.path.exists(os.path.join(folder, rel)):
            continue
        content = hashlib.sha256(written[rel].encode("utf-8")).hexdigest()
        lines.append(f"{content} {','.join('0' for _day in days)} {rel}")
    text = "\n".join([*_header(value, days, options), *sorted(lines, key=_path)]) + "\n"
    return {name(through, value): text}


def _path(line: str) -> str:
    return line.split(" ", 2)[2]


def read(options: dict, locks: list[tuple[datetime.date, str]]
         ) -> dict[str, tuple[str, list[int]]]:
    """The parts in the record of the newest version 3 lock of `locks` (those in force),
    by path in the books: (sha256 of the file's bytes, part per day). Empty when there is
    none, or it is for other days or options, or anything in it is not as written here."""
    newest = _newest(locks)
    main = options.get("filename")
    if newest is None or not main:
        return {}
    days, (through, value) = newest
    try:
        lines = (Path(main).parent / name(through, value)).read_text(
            encoding="utf-8").splitlines()
    except (OSError, ValueError):
        return {}
    if lines[:3] != _header(value, days, options):
        return {}
    out = {}
    for line in lines[3:]:
        m = _LINE.fullmatch(line)
        hexes = m.group(2).split(",") if m else []
        if len(hexes) != len(days) or not all(lock_memo.HEX.fullmatch(h) for h in hexes):
            return {}
        out[m.group(3)] = (m.group(1), [int(h, 16) for h in hexes])
    return out
