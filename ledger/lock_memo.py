"""Each file's part of a version 3 lock digest, remembered by the file's content, so a
load after an edit to this year's file proves the locked years without rebuilding the
text of every locked entry (88,000 of them on 100k transactions locked to a year end).

A version 3 digest is a sum (ledger.lock_digest.part3), so the locked period's sum is the
sum of each source file's part. A file's part is remembered under its path in the books,
the sha256 of its bytes, the days the locks run to, the key ledger.cache makes of the code
(every module of `ledger`, the beancount and Python versions) and the books' locked
options. Same bytes, same code and same options give the same entries, so the same part:
the proof is determinism, the trust ledger.cache's pickled entries already rely on.

Only a file whose entries depend on nothing outside it is remembered (DEPENDS). Entries
from no included file ("<...>" names) are always counted from the entries. The memo is a
JSON file per books in ledger.cache's folder (cache_dir(), FUNDLEDGER_NO_CACHE turns it
off), written atomically and holding only the books' current files. Whoever can write
that folder can make loads trust a part: `verify`, `lock`, `unlock`, `close` and the
year-end pack never use it (docs/books.md, "How a load proves a lock, and what the memo
and the lock's record trust"). With the memo cold or off, a file's part may come from the
record `fundledger lock` wrote beside the lock (ledger.lock_record), by the same bytes.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime
import hashlib
import json
import os
import re
import tempfile
import time
from pathlib import Path

from ledger import lock_digest

FORMAT = "fundledger-lock-memo-1"
MODULUS = 1 << 8 * lock_digest.SUM_BYTES  # parts are kept reduced: at most 512 hex digits
HEX = re.compile(f"[0-9a-f]{{1,{2 * lock_digest.SUM_BYTES}}}")
FOLDER = "lock-memo"
KEEP = 32  # memo files kept (one per books), the most recently written
# A file changed while beancount read it would have its new bytes' key and its old
# entries' part: remembered, that part would hide the change from every later load. So
# a file's part is remembered only once its last change is older than any load takes to
# reach the plugin (ledger.cache's RACY_NS, for the same reason, but a load's length: a
# million entries load in about two minutes). Until then the file is counted from its
# entries, which for this year's file, the one the treasurer edits, builds no text.
SETTLED_NS = 10 * 60 * 10**9
# A file's entries depend on other files when beancount completes them from balances
# built elsewhere: a lot reduced at cost (`{`) against lots bought in another file; a
# `pad`, whose amount comes from a balance assertion that may be in another file (and
# from everything posted before it); a posting or price written without its currency,
# which beancount takes from the account's balance so far (categorize_by_currency in
# beancount's booking_full). Such a file's part is always counted from its entries.
# Over-matching (a `{` or a word ending in pad in a narration) only costs a recount. Plain
# searches, possessive where they could backtrack: they run over every byte of a file
# whose part is not remembered yet (38 MB on 100k imported gifts).
_NUMBER = rb"[-+(\d.][-+*/()\d., \t]*+\r?(?:\n|;|\Z)"
DEPENDS = (
    re.compile(rb"\{"), re.compile(rb"pad\b"),
    # an indented line of a word in capitals (an account) and a number, then no currency
    re.compile(rb"\n[ \t]++(?:[!*&#?%A-Z][ \t]++)?+[A-Z\x80-\xff][^\s;\"]*+[ \t]++"
               rb"[-+(\d.][-+*/()\d., \t]*+\r?(?:\n|;|@|\Z)"),
    re.compile(rb"@@?[ \t]*+" + _NUMBER))  # a price with no currency


def period_sums(entries, throughs, memo_of: dict | None = None,
                record: dict | None = None) -> dict[datetime.date, int]:
    """The sum (lock_digest.part3) of the texts of the covered entries dated on or before
    each day of `throughs`. Given `memo_of` (the books' options), each unchanged file's
    part comes from the memo, or else from `record` (ledger.lock_record.read: the parts
    `fundledger lock` proved, by path in the books and the sha256 of the file's bytes),
    and only the other files' entries are counted; else, and whenever neither can be
    used, every entry is counted."""
    days = sorted(set(throughs))
    if not days:
        return {}
    where = _memo_place(memo_of, days) if memo_of is not None else None
    record = record if memo_of is not None and plugin_alone(memo_of) else None
    if where is None and not record:
        return _totals(days, file_parts(entries, days, by_file=False).values())
    folder = os.path.realpath(os.path.dirname(memo_of["filename"]))
    files = {}  # each included file: (its path in the books, the sha256 of its bytes)
    for path in memo_of.get("include", []):
        with contextlib.suppress(OSError):
            files[path] = (relative(path, folder), sha(path))
    memo_file, key = where or (None, None)
    keys = {path: key(*file) for path, file in files.items()} if key else {}
    memo = _read(memo_file, len(days)) if memo_file else {}
    hits = {path: memo[k] for path, k in keys.items() if k in memo}
    recorded = {}  # the memo cold or off: the part the lock's record holds for the bytes
    for path, (rel, content) in files.items():
        kept = (record or {}).get(rel)
        if path not in hits and kept and kept[0] == content:
            recorded[path] = kept[1]
    known = {**hits, **recorded}
    parts = file_parts([e for e in entries if not (e.meta and e.meta.get("filename") in known)],
                   days)
    if memo_file:
        keep = {keys[path]: part for path, part in hits.items()}
        recent = time.time_ns() - SETTLED_NS
        for path in keys.keys() - hits.keys():
            # A file with no entry in the locked period has nothing another file can change.
            # A part taken from the record is not copied into the memo: the memo holds
            # only what a load counted itself, so a forged record stops fooling loads
            # once it is gone (and costs nothing while it is there).
            if path not in recorded and _mtime(path) < recent and (
                    path not in parts or alone(path)):
                keep[keys[path]] = parts.get(path, [0] * len(days))
        if keep != memo:
            _write(memo_file, keep)
    return _totals(days, [*known.values(), *parts.values()])


def sha(path: str) -> str:
    """The sha256 of a file's bytes (hex)."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def relative(path: str, folder: str) -> str:
    """A file's path in the books (`folder`: the main file's, real path), as the lock's
    record names it."""
    return Path(os.path.relpath(os.path.realpath(path), folder)).as_posix()


def plugin_alone(options: dict) -> bool:
    """Books read from a file naming no other plugin (see _memo_place)."""
    from ledger import plugin  # here, not above: the plugin imports ledger.lock

    main = options.get("filename")
    return bool(main) and os.path.isfile(main) and plugin.alone(options)


def file_parts(entries, days: list, by_file: bool = True) -> dict[str | None, list[int]]:
    """Per source file (or all in one, None), the part (lock_digest.part3) of the covered
    entries in each span between the days (an entry counts in the span of the first day
    on or after it)."""
    texts, of = lock_digest.period_texts2(entries, days[-1])
    if not by_file and len(days) == 1:  # a load without the memo: one sum
        return {None: [lock_digest.part3(texts)]}
    span = bisect.bisect_left
    groups: dict[str | None, list[list[str]]] = {}
    for text, entry in zip(texts, of):
        name = entry.meta.get("filename") if by_file and entry.meta else None
        row = groups.get(name)
        if row is None:
            row = groups[name] = [[] for _day in days]
        row[span(days, entry.date) if len(days) > 1 else 0].append(text)
    return {name: [lock_digest.part3(group) for group in row]
            for name, row in groups.items()}


def _totals(days: list, rows) -> dict[datetime.date, int]:
    spans = [sum(column) for column in zip(*rows)] if rows else [0] * len(days)
    spans += [0] * (len(days) - len(spans))
    totals, running = {}, 0
    for day, value in zip(days, spans):
        running += value
        totals[day] = running
    return totals


def _memo_place(options: dict, days: list):
    """(memo file, key of a file's part) for these books, or None where the memo is not
    used: the cache turned off, books not read from a file, or another plugin named (one
    that runs before the fund rules may make a file's entries depend on other files)."""
    from ledger import cache  # here, not above: ledger.cache imports the plugin

    if cache.disabled() or not plugin_alone(options):
        return None
    main = Path(options["filename"]).resolve()
    base = hashlib.sha256("\0".join((
        FORMAT, cache._static_key(main), lock_digest.options_text2(options),
        ",".join(map(str, days)))).encode())

    def key(rel: str, content: str) -> str:
        h = base.copy()
        h.update(f"\0{rel}\0{content}".encode())
        return h.hexdigest()

    name = hashlib.sha256(str(main).encode()).hexdigest()[:32] + ".json"
    return cache.cache_dir() / FOLDER / name, key


def _mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return time.time_ns()


def alone(path: str) -> bool:
    """Do the file's entries depend on its bytes alone (DEPENDS)?"""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return False
    return not any(pattern.search(data) for pattern in DEPENDS)


def _read(memo_file: Path, width: int) -> dict[str, list[int]]:
    """The memo's parts by key; anything not exactly as written here counts as empty."""
    try:
        data = json.loads(memo_file.read_text(encoding="utf-8"))
        parts = data["parts"]
        if data["format"] != FORMAT or not isinstance(parts, dict):
            return {}
        out = {}
        for key, values in parts.items():
            if not (isinstance(values, list) and len(values) == width and all(
                    isinstance(v, str) and HEX.fullmatch(v) for v in values)):
                return {}
            out[key] = [int(v, 16) for v in values]
        return out
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _write(memo_file: Path, parts: dict[str, list[int]]) -> None:
    """Write the memo atomically; one that cannot be written is only a recount later."""
    text = json.dumps({"format": FORMAT, "parts": {
        k: [format(v % MODULUS, "x") for v in values] for k, values in sorted(parts.items())}})
    with contextlib.suppress(OSError):
        memo_file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=memo_file.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, memo_file)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        old = sorted(memo_file.parent.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
        for stale in old[:-KEEP]:
            stale.unlink()

