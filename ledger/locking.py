"""Writing a period lock or lifting one: the entries `fundledger lock` and `unlock`
append to the books (what a lock proves, and how it is checked, is ledger.lock)."""

from __future__ import annotations

import datetime

from ledger.lock import (
    DETAIL_FOLDER,
    LOCK,
    PREFIX,
    UNLOCK,
    detail_text,
    digest,
    hashes_through,
    locks,
    reason_enough,
)


class Refused(Exception):
    """The lock or unlock cannot be written; the message says why."""


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def lock_files(entries, through: datetime.date, today: datetime.date,
               options: dict | None = None) -> tuple[str, dict[str, str]]:
    """What locks the books through `through`: the lock entry to append to LOCKS_FILE,
    and its detail file (path relative to the books, and text). Raises Refused."""
    if through >= today:
        raise Refused(f"a period is locked once it is over: {through} is not before "
                      f"today ({today})")
    active, _errors = locks(entries)
    later = [lk.through for lk in active if lk.through >= through]
    if later:
        raise Refused(f"the books are already locked through {max(later)}; lock a later "
                      "date to extend the lock")
    hashed = hashes_through(entries, through, options)
    value = digest(h for h, _e in hashed)
    detail = f"{DETAIL_FOLDER}/{through}-{value[len(PREFIX):][:8]}.txt"
    entry = (f"\n{through} custom \"{LOCK}\" \"{value}\"\n"
             f"  entries: {len(hashed)}\n"
             f"  locked-on: {today}\n"
             f"  detail: {_quote(detail)}\n")
    return entry, {detail: detail_text(value, hashed)}


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
    if since is None:
        lifting = [max(active, key=lambda lk: lk.through)]
    else:
        lifting = [lk for lk in active if lk.through >= since]
        if not lifting:
            raise Refused(f"no lock in force covers {since}")
    return "".join(f"\n{lk.through} custom \"{UNLOCK}\" \"{lk.digest}\"\n"
                   f"  reason: {_quote(reason)}\n"
                   f"  unlocked-on: {today}\n" for lk in lifting)
