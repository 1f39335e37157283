"""The period lock: books that prove no entry in a closed period changed.

    2019-12-31 custom "lock" "sha256v3:4be1..."
      entries: 1234
      locked-on: 2026-11-29
      covers: "options, later declarations"
      detail: "locks/2019-12-31.txt"

A lock records a digest of every entry dated on or before its date. The digest is built
from the entries' content (date, accounts, amounts, payee, narration, tags, links and
metadata, postings in any order), not from file bytes: reformatting an entry or moving it
to another file keeps the lock; changing, adding or removing one breaks it. The fund
plugin calls check() on every load, so a broken lock is a load error in `fundledger
check`, bean-check and Fava alike; a load takes each unchanged file's part of a version
3 digest from ledger.lock_memo, while what proves a lock (verify, lock, unlock, close,
the pack) calls check() without it.

A later lock extends an earlier one (both are checked). A lock is lifted only by a visible
entry with a reason, which names the lock by its digest:

    2019-12-31 custom "unlock" "sha256v3:4be1..."
      reason: "Trustees' minute 2027/03: correct the 2019 rent accrual"

The detail file lists one short hash per locked entry, so a broken lock can name the
entry that changed (its file and line) or describe the one that went missing; without it
the lock still fails, only less precisely. Pure functions over entries; nothing writes.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from pathlib import Path
from typing import NamedTuple

from beancount.core.data import Custom
from beancount.parser import parser

from ledger import lock_record
from ledger.lock_digest import (
    LOCK,
    PREFIX,
    PREFIX2,
    PREFIX3,
    PREFIXES,
    UNLOCK,
    _beyond,
    beyond_texts2,
    covered,  # noqa: F401 - part of ledger.lock's API
    digest,
    digest2,
    digest3,
    entry_hash,  # noqa: F401 - part of ledger.lock's API
    hashes2,
    hashes_through,
    label,
    part3,
    period_digest,
    period_hashes,
    period_texts2,
)
from ledger.lock_memo import period_sums
from ledger.lock_register import (  # noqa: F401 - RECEIPTS and receipt: ledger.lock's API
    DETAIL_FOLDER,
    LOCKS_FILE,
    RECEIPTS,
    LockError,
    dropped,
    receipt,
    unregistered,
)

SHORT = 16  # hex digits of an entry's hash kept in the detail file
# Marks a lock whose digest covers the options and later declarations reaching back.
COVERS = "covers"
# On a lock written by `fundledger lock --upgrade`: the older digest of the same day it
# stands for (proven when it was written), no longer recomputed on each load.
REPLACES = "replaces"


class Lock(NamedTuple):
    through: datetime.date
    digest: str  # "sha256:<hex>"
    entry: Custom


def detail_text(lock_digest: str, hashes: list[tuple[bytes, object]]) -> str:
    """The detail file: the lock's digest, then one `short-hash label` line per entry."""
    lines = [f"# fundledger lock {lock_digest}: one line per locked entry (hash, entry)"]
    lines += sorted(f"{h.hex()[:SHORT]} {label(e)}" for h, e in hashes)
    return "\n".join(lines) + "\n"


def _read_detail(lock: Lock) -> list[tuple[str, str]] | None:
    """(short hash, label) lines of a lock's detail file, if it belongs to this lock."""
    rel = lock.entry.meta.get("detail")
    filename = lock.entry.meta.get("filename")
    if not rel or not filename:
        return None
    try:
        lines = (Path(filename).parent / rel).read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    if not lines or lock.digest not in lines[0]:
        return None
    return [tuple(line.split(" ", 1)) for line in lines[1:] if " " in line]


def reason_enough(reason: str) -> bool:
    """A reason someone can act on: at least three words with letters in them ("." or
    "x" is no reason to reopen a closed year)."""
    return sum(1 for w in reason.split() if any(c.isalpha() for c in w)) >= 3


def head(entries) -> Lock | None:
    """The latest lock in force: its digest proves every entry through its date."""
    active = in_force(locks(entries)[0])
    return max(active, key=lambda lk: lk.through) if active else None


def in_force(active: list[Lock]) -> list[Lock]:
    """The locks a load checks: those not replaced by a newer lock of the same day."""
    replaced = {(lk.through, lk.entry.meta.get(REPLACES)) for lk in active
                if not lk.digest.startswith(PREFIX)}
    return [lk for lk in active if (lk.through, lk.digest) not in replaced]


def locks(entries) -> tuple[list[Lock], list[LockError]]:
    """The locks in force (not lifted by an unlock), in date order, and malformed ones."""
    found, lifted, errors = [], {}, []
    for e in entries:
        if not isinstance(e, Custom) or e.type not in (LOCK, UNLOCK):
            continue
        value = e.values[0].value if len(e.values) == 1 else None
        if not (isinstance(value, str) and value.startswith(PREFIXES)):
            errors.append(LockError(e.meta, f'a {e.type} is written: {e.date} custom '
                                    f'"{e.type}" "{PREFIX}<digest>"', e))
        elif e.type == LOCK:
            found.append(Lock(e.date, value, e))
        elif not reason_enough(str(e.meta.get("reason") or "")):
            errors.append(LockError(e.meta, f"the unlock of the lock through {e.date} gives "
                                    "no reason of a few words: add reason: \"...\" (e.g. "
                                    "the trustees' minute)", e))
        else:
            lifted[(e.date, value)] = e
    known = {(lk.through, lk.digest) for lk in found}
    for (day, value), e in lifted.items():
        if (day, value) not in known:
            errors.append(LockError(e.meta, f"this unlock names no lock through {day} with "
                                    f"digest {value}", e))
    return [lk for lk in found if (lk.through, lk.digest) not in lifted], errors


UNLOCK_HINT = (": restore it, or lift the lock with a reason (`fundledger unlock`) "
               "and lock again")


def _where(lock: Lock) -> str:
    meta = lock.entry.meta
    name = Path(meta.get("filename") or "<books>").name
    return f"the lock through {lock.through} ({name}:{meta.get('lineno')})"


def check(entries, options: dict | None = None, memo: bool = False) -> list[LockError]:
    """Every way the entries (and `options`) differ from the locks in force, and every
    lock recorded beside the books that the books no longer hold, as load errors.
    With `memo` (a load's check), a version 3 lock takes each unchanged file's part of
    its digest from ledger.lock_memo; without, everything is proven from the entries."""
    # Locks, unlocks, the register and declarations are all Custom: one scan finds them.
    customs = [e for e in entries if isinstance(e, Custom)]
    active, errors = locks(customs)
    errors += dropped(customs, options) + unregistered(customs, options)
    active = in_force(active)
    if not active:
        return errors
    # Each version's texts, hashes or sums once, for the latest lock of that version.
    v1 = [lk.through for lk in active if lk.digest.startswith(PREFIX)]
    hashed = period_hashes(entries, max(v1)) if v1 else []
    v2 = [lk.through for lk in active if lk.digest.startswith(PREFIX2)]
    last = max(v2, default=None)
    texts, of = period_texts2(entries, last) if v2 else ([], [])
    v3 = [(lk.through, lk.digest) for lk in active if lk.digest.startswith(PREFIX3)]
    sums = period_sums(entries, [through for through, _v in v3], options if memo else None,
                       lock_record.read(options or {}, v3) if memo and v3 else None)
    reported: set[bytes] = set()
    for lock in sorted(active, key=lambda lk: lk.through):
        covers = lock.entry.meta.get(COVERS)  # lifting the mark breaks the digest
        if lock.digest.startswith(PREFIX3):
            beyond = beyond_texts2(customs, lock.through, options) if covers else []
            if digest3(sums[lock.through] + part3(t for t, _e in beyond)) == lock.digest:
                continue
            mine = period_texts2(entries, lock.through)  # naming it: the entries alone
            mine = hashes2([*mine[0], *(t for t, _e in beyond)],
                           [*mine[1], *(e for _t, e in beyond)])
        elif lock.digest.startswith(PREFIX2):
            mine = (texts, of) if lock.through == last else tuple(zip(*[
                (t, e) for t, e in zip(texts, of) if e.date <= lock.through])) or ([], [])
            beyond = beyond_texts2(customs, lock.through, options) if covers else []
            if digest2([*mine[0], *(t for t, _e in beyond)]) == lock.digest:
                continue
            mine = hashes2([*mine[0], *(t for t, _e in beyond)],
                           [*mine[1], *(e for _t, e in beyond)])
        else:
            mine = hashed if lock.through == max(v1) else [
                (h, e) for h, e in hashed if e.date <= lock.through]
            if covers:
                mine = mine + _beyond(customs, lock.through, options)
            if digest(h for h, _e in mine) == lock.digest:
                continue
        detail = _read_detail(lock)
        # A digest that does not hold is always an error: a detail file that names no
        # difference (rewritten to match changed entries) must not make it pass.
        named = [] if detail is None else _differences(lock, mine, detail, reported)
        if not named and (detail is None or not _differences(lock, mine, detail, set())):
            named = [LockError(lock.entry.meta, (
                f"an entry was added, changed or removed inside the period locked by "
                f"{_where(lock)} (its detail file is "
                f"{'missing' if detail is None else 'not as the lock wrote it'}, so the "
                f"entry cannot be named){UNLOCK_HINT}"), lock.entry)]
        errors += named
    return errors


def _differences(lock: Lock, mine, detail, reported: set) -> list[LockError]:
    """Name each entry that is not as locked, and each locked entry that is gone; an
    entry gone and one new with the same description are one changed entry."""
    recorded = Counter(short for short, _label in detail)
    labels = defaultdict(list)
    for short, text in detail:
        labels[short].append(text)
    now = Counter(h.hex()[:SHORT] for h, _e in mine)
    missing = Counter(text for short, count in recorded.items()
                      for text in labels[short][now[short]:count])
    seen: Counter = Counter()
    errors = []
    for h, e in mine:
        short = h.hex()[:SHORT]
        seen[short] += 1
        if seen[short] <= recorded[short] or h in reported:
            continue
        reported.add(h)
        how = "added"
        if missing[label(e)] > 0:  # the same entry as locked, with something changed
            missing[label(e)] -= 1
            reported.add(label(e))
            how = "changed"
        errors.append(LockError(e.meta, f"{label(e)} was {how} inside the period locked "
                                f"by {_where(lock)}{UNLOCK_HINT}", e))
    for text in (t for t, n in missing.items() if n > 0):
        if text not in reported:
            reported.add(text)
            errors.append(LockError(lock.entry.meta, f"{text} was removed from the period "
                                    f"locked by {_where(lock)}{UNLOCK_HINT}", lock.entry))
    return errors


def pack_text(entries, end: datetime.date) -> str:
    """The year-end pack's page on the lock: the digest the trustees and the examiner keep
    outside the books, and how to prove the books against it later."""
    lock = head(entries)
    if lock is None or lock.through < end:
        return (f"These books are not locked through {end}. Lock them once the accounts are "
                f"approved (fundledger lock --through {end}), and keep the digest it prints "
                "with the signed accounts.\n")
    return (f"Locked through: {lock.through}\nDigest: {lock.digest}\n\n"
            "Keep this digest with the signed accounts, outside the books. Anyone can later "
            "prove the books are as they were locked, even if the lock entry is deleted:\n"
            f"  fundledger verify --books BOOKS --digest {lock.digest} "
            f"--through {lock.through}\n")


def verify(entries, options: dict, value: str,
           through: datetime.date | None = None) -> datetime.date | None:
    """The day through which the books still have the digest `value` (a lock's, kept
    outside the books), or None: the books were changed since, or the lock deleted with
    the entries it covered. Without `through`, tries each lock's day and each month end."""
    bare = not value.startswith(PREFIXES)  # the hex alone: either version
    days = [through] if through else sorted(
        {e.date for e in entries if isinstance(e, Custom) and e.type in (LOCK, UNLOCK)}
        | _month_ends(entries), reverse=True)
    for day in days:
        for version, prefix in ((1, PREFIX), (2, PREFIX2), (3, PREFIX3)):
            if (bare or value.startswith(prefix)) and period_digest(
                    entries, day, options, version) in (value, prefix + value):
                return day
    return None


def _month_ends(entries) -> set[datetime.date]:
    dates = [e.date for e in entries]
    if not dates:
        return set()
    out, day = set(), min(dates)
    while day <= max(dates):
        nxt = (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        out.add(nxt - datetime.timedelta(days=1))
        day = nxt
    return out


class Refused(Exception):
    """The lock or unlock cannot be written; the message says why."""


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def lock_files(entries, through: datetime.date, today: datetime.date,
               options: dict | None = None, version: int = 3) -> tuple[str, dict[str, str]]:
    """What locks the books through `through`: the lock entry to append to LOCKS_FILE,
    and its detail file (path relative to the books, and text). Raises Refused.
    `version` 1 or 2 writes the digest of older locks (for benchmarks and tests)."""
    if through >= today:
        raise Refused(f"a period is locked once it is over: {through} is not before "
                      f"today ({today})")
    active, _errors = locks(entries)
    later = [lk.through for lk in active if lk.through >= through]
    if later:
        raise Refused(f"the books are already locked through {max(later)}; lock a later "
                      "date to extend the lock")
    return _lock_entry(entries, through, today, options, version)


def _lock_entry(entries, through, today, options, version, replaces=None):
    if version == 1:
        hashed = hashes_through(entries, through, options)
        value = digest(h for h, _e in hashed)
    else:
        texts, of = period_texts2(entries, through)
        beyond = beyond_texts2(entries, through, options) if options is not None else []
        texts, of = texts + [t for t, _e in beyond], of + [e for _t, e in beyond]
        value = digest2(texts) if version == 2 else digest3(part3(texts))
        hashed = hashes2(texts, of)
    detail = f"{DETAIL_FOLDER}/{through}-{value.split(':', 1)[1][:8]}.txt"
    entry = (f"\n{through} custom \"{LOCK}\" \"{value}\"\n"
             f"  entries: {len(hashed)}\n"
             f"  locked-on: {today}\n"
             + (f'  {COVERS}: "options, later declarations"\n' if options is not None else "")
             + (f"  {REPLACES}: {_quote(replaces)}\n" if replaces else "")
             + f"  detail: {_quote(detail)}\n")
    return entry, {detail: detail_text(value, hashed)}


def record_files(entries, options: dict, text: str, before: dict[str, str],
                 changes: dict) -> dict[str, str]:
    """The file record (ledger.lock_record) of the newest version 3 lock in force once
    `text` (new lock entries) is appended and `changes` written, from these entries,
    proven to hold every lock in force (`before` they loaded: lock_record.shas())."""
    new = [e for e in parser.parse_string(text)[0] if isinstance(e, Custom)]
    active = in_force(locks([*(e for e in entries if isinstance(e, Custom)), *new])[0])
    if not text and not any(lk.digest.startswith(PREFIX3) for lk in active):
        raise Refused("no sha256v3: lock is in force, so there is nothing to record "
                      "(`fundledger lock --upgrade` moves an older lock to version 3)")
    return lock_record.files(entries, options, [(lk.through, lk.digest) for lk in active],
                             before, changes)


def upgrade_files(entries, today: datetime.date,
                  options: dict | None = None) -> tuple[str, dict[str, str]]:
    """Version 3 locks standing for each older lock in force, once each old digest is
    proven to hold on these books (a lock that no longer holds is not moved: its period
    changed). Raises Refused."""
    old = [lk for lk in in_force(locks(entries)[0]) if not lk.digest.startswith(PREFIX3)]
    if not old:
        raise Refused("no lock in force has a digest older than version 3 (sha256: or "
                      "sha256v2:): nothing to upgrade")
    text, files = "", {}
    for lock in sorted(old, key=lambda lk: lk.through):
        version = 2 if lock.digest.startswith(PREFIX2) else 1
        if period_digest(entries, lock.through, options if lock.entry.meta.get(COVERS)
                         else None, version) != lock.digest:
            raise Refused(f"{_where(lock)} no longer holds on these books, so it is not "
                          f"moved to version 3: `fundledger check` names what changed")
        entry, detail = _lock_entry(entries, lock.through, today, options, 3, lock.digest)
        text, files = text + entry, {**files, **detail}
    return text, files


def unlock_text(entries, reason: str, today: datetime.date,
                since: datetime.date | None = None) -> str:
    """Unlock entries lifting the latest lock in force, or with `since` every lock that
    covers that day. Raises Refused."""
    if not reason_enough(reason):
        raise Refused(f"an unlock needs a reason of a few words (e.g. the trustees' minute "
                      f"that decided it), not {reason.strip()!r}")
    active, _errors = locks(entries)
    if not active:
        raise Refused("no lock is in force")
    if since is None:  # the latest, with any lock of its day it replaces or stands for
        lifting = [lk for lk in active if lk.through == max(x.through for x in active)]
    else:
        lifting = [lk for lk in active if lk.through >= since]
        if not lifting:
            raise Refused(f"no lock in force covers {since}")
    return "".join(f"\n{lk.through} custom \"{UNLOCK}\" \"{lk.digest}\"\n"
                   f"  reason: {_quote(reason)}\n"
                   f"  unlocked-on: {today}\n" for lk in lifting)
