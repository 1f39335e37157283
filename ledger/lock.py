"""The period lock: books that prove no entry in a closed period changed.

    2019-12-31 custom "lock" "sha256:4be1..."
      entries: 1234
      locked-on: 2026-11-29
      detail: "locks/2019-12-31.txt"

A lock records a digest of every entry dated on or before its date. The digest is built
from the entries' content (date, accounts, amounts, payee, narration, tags, links and
metadata, postings in any order), not from file bytes: reformatting an entry or moving it
to another file keeps the lock; changing, adding or removing one breaks it. The fund
plugin calls check() on every load, so a broken lock is a load error in `fundledger
check`, bean-check and Fava alike.

A later lock extends an earlier one (both are checked). A lock is lifted only by a visible
entry with a reason, which names the lock by its digest:

    2019-12-31 custom "unlock" "sha256:4be1..."
      reason: "Trustees' minute 2027/03: correct the 2019 rent accrual"

The detail file lists one short hash per locked entry, so a broken lock can name the
entry that changed (its file and line) or describe the one that went missing; without it
the lock still fails, only less precisely. Pure functions over entries; nothing writes.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from beancount.core.data import Custom, Document, Query, Transaction

LOCK, UNLOCK = "lock", "unlock"
PREFIX = "sha256:"
SHORT = 16  # hex digits of an entry's hash kept in the detail file
# Entries the lock does not cover: the locks themselves, Fava's display settings, files
# found in the documents folder and saved queries. Every transaction is covered whatever
# its flag: a `P` written by hand looks like beancount's padding, and padding itself is a
# figure of the locked period (its amount can come from a balance dated after it).
UNCOVERED_CUSTOM = (LOCK, UNLOCK, "fava-option", "fava-extension")
# Declarations that apply to every year whatever their date (the latest one wins): one
# dated after a lock still redefines the locked years, so the lock covers it.
REACHING = ("fundledger-option", "support-costs", "fund-budget")
# The options that change what the locked entries add up to: the currency figures are in,
# how lots are booked, tolerances, account roots, and the plugins that run (and in what
# order; dropping the fund rules is a change of the books).
LOCKED_OPTIONS = ("operating_currency", "booking_method", "inferred_tolerance_default",
                  "inferred_tolerance_multiplier", "infer_tolerance_from_cost",
                  "account_rounding", "plugin", "plugin_processing_mode", "name_assets",
                  "name_liabilities", "name_equity", "name_income", "name_expenses",
                  "account_previous_earnings", "account_current_earnings",
                  "account_previous_conversions", "account_current_conversions",
                  "account_unrealized_gains", "conversion_currency")
# Metadata that says where an entry was written, not what it says.
WHERE = ("filename", "lineno")
# Fields beancount fills in after the plugins run (a failing balance's difference).
UNHASHED = ("meta", "diff_amount")


class LockError(NamedTuple):
    source: dict
    message: str
    entry: object


class Lock(NamedTuple):
    through: datetime.date
    digest: str  # "sha256:<hex>"
    entry: Custom


def _number(n: Decimal) -> str:
    # 99.0 and 99.00 are one amount: the digest keeps content, not how it was typed.
    text = str(n)
    return text.rstrip("0").rstrip(".") if "." in text and "E" not in text else text


def _amount(a) -> str:
    return "" if a is None else f"{_number(a.number)} {a.currency}"


def _meta(meta: dict | None) -> str:
    if not meta:
        return ""
    return "\x1d".join(sorted(f"{k}={v!r}" for k, v in meta.items()
                              if k not in WHERE and k[0] != "_"))


def _posting(p) -> str:
    c = p.cost
    cost = "" if c is None else f"{_amount(c)} {c.date} {c.label!r}"
    return f"{p.account}\x1f{_amount(p.units)}\x1f{cost}\x1f{_amount(p.price)}\x1f" \
           f"{p.flag or ''}\x1f{_meta(p.meta)}"


def _txn_text(txn: Transaction) -> str:
    # Kept to plain string work: it runs for every locked entry on every load.
    postings = sorted(map(_posting, txn.postings))  # their order means nothing
    return "\x1e".join((str(txn.date), txn.flag or "", repr(txn.payee), repr(txn.narration),
                        repr(sorted(txn.tags)) if txn.tags else "",
                        repr(sorted(txn.links)) if txn.links else "",
                        _meta(txn.meta), *postings))


def _canon(value) -> str:
    """A stable text for any value found in another kind of entry (rare: no fast path)."""
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, dict):
        return _meta(value)
    if isinstance(value, (set, frozenset)):
        return repr(sorted(value))
    if hasattr(value, "_fields"):  # Amount, custom values, ...
        return type(value).__name__ + "(" + ",".join(
            _canon(getattr(value, f)) for f in value._fields) + ")"
    if isinstance(value, list):
        return "[" + ",".join(_canon(v) for v in value) + "]"
    return repr(value)


def entry_hash(entry) -> bytes:
    """The sha256 of an entry's content (see the module's docstring)."""
    if isinstance(entry, Transaction):
        text = _txn_text(entry)
    else:
        text = type(entry).__name__ + "|" + "|".join(
            _canon(getattr(entry, f)) for f in entry._fields if f not in UNHASHED) \
            + _meta(entry.meta)
    return hashlib.sha256(text.encode()).digest()


def covered(entry) -> bool:
    """Is the entry part of what a lock proves?"""
    if isinstance(entry, (Document, Query)):
        return False
    if isinstance(entry, Custom):
        return entry.type not in UNCOVERED_CUSTOM
    return True


class Options(NamedTuple):
    """The books' options a lock covers, as one pseudo-entry of the lock's digest."""

    date: datetime.date
    text: str
    meta: dict


def options_entry(options: dict | None, through: datetime.date) -> Options | None:
    if options is None:
        return None
    text = "\x1d".join(f"{k}={_canon(options.get(k))}" for k in LOCKED_OPTIONS)
    return Options(through, text, {"filename": options.get("filename"), "lineno": 0})


def _reaches(entry, through: datetime.date, funds_then: set) -> bool:
    """A declaration dated after the lock that changes the locked years' figures."""
    if not (isinstance(entry, Custom) and entry.type in REACHING and entry.date > through):
        return False
    if entry.type == "fund-budget":  # only a budget of a fund that existed then
        return bool(entry.values) and entry.values[0].value in funds_then
    return True


def hashes_through(entries, through: datetime.date,
                   options: dict | None = None) -> list[tuple[bytes, object]]:
    """(hash, entry) for every covered entry dated on or before `through`, every later
    declaration that reaches back into it, and (given `options`) the books' options."""
    mine = [(entry_hash(e), e) for e in entries if e.date <= through and covered(e)]
    return mine + _beyond(entries, through, mine, options)


def _beyond(entries, through: datetime.date, mine, options: dict | None):
    """What a lock covers beyond its period's entries: later declarations reaching back
    into it, and the books' options."""
    funds_then = {e.values[0].value for _h, e in mine
                  if isinstance(e, Custom) and e.type == "fund" and e.values}
    out = [(entry_hash(e), e) for e in entries if _reaches(e, through, funds_then)]
    opts = options_entry(options, through)
    if opts is not None:
        out.append((hashlib.sha256(("options|" + opts.text).encode()).digest(), opts))
    return out


def digest(hashes) -> str:
    """One digest of a multiset of entry hashes, whatever order the entries come in."""
    h = hashlib.sha256()
    for one in sorted(hashes):
        h.update(one)
    return PREFIX + h.hexdigest()


def label(entry) -> str:
    """A few words a treasurer recognises an entry by (for a missing one)."""
    if isinstance(entry, Options):
        return "the books' options (currency, booking, tolerances, account names, plugins)"
    if isinstance(entry, Transaction):
        words = " ".join(w for w in (entry.payee, entry.narration) if w)
        return f'{entry.date} transaction "{words[:60]}"'
    if isinstance(entry, Custom):
        return f'{entry.date} custom "{entry.type}"'
    return f"{entry.date} {type(entry).__name__.lower()}"


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
    active, _errors = locks(entries)
    return max(active, key=lambda lk: lk.through) if active else None


def locks(entries) -> tuple[list[Lock], list[LockError]]:
    """The locks in force (not lifted by an unlock), in date order, and malformed ones."""
    found, lifted, errors = [], {}, []
    for e in entries:
        if not isinstance(e, Custom) or e.type not in (LOCK, UNLOCK):
            continue
        value = e.values[0].value if len(e.values) == 1 else None
        if not (isinstance(value, str) and value.startswith(PREFIX)):
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


LOCKS_FILE = "locks.beancount"
DETAIL_FOLDER = "locks"

UNLOCK_HINT = (": restore it, or lift the lock with a reason (`fundledger unlock`) "
               "and lock again")


def _where(lock: Lock) -> str:
    meta = lock.entry.meta
    name = Path(meta.get("filename") or "<books>").name
    return f"the lock through {lock.through} ({name}:{meta.get('lineno')})"


def check(entries, options: dict | None = None) -> list[LockError]:
    """Every way the entries (and `options`) differ from the locks in force, and every
    lock recorded beside the books that the books no longer hold, as load errors."""
    active, errors = locks(entries)
    errors += _dropped(entries, options)
    if not active:
        return errors
    last = max(lk.through for lk in active)
    hashed = [(entry_hash(e), e) for e in entries if e.date <= last and covered(e)]
    reported: set[bytes] = set()
    for lock in sorted(active, key=lambda lk: lk.through):
        mine = [(h, e) for h, e in hashed if e.date <= lock.through]
        mine += _beyond(entries, lock.through, mine, options)
        if digest(h for h, _e in mine) == lock.digest:
            continue
        detail = _read_detail(lock)
        if detail is None:
            errors.append(LockError(lock.entry.meta, (
                f"an entry was added, changed or removed inside the period locked by "
                f"{_where(lock)} (its detail file is missing, so the entry cannot be "
                f"named){UNLOCK_HINT}"), lock.entry))
            continue
        errors += _differences(lock, mine, detail, reported)
    return errors


def _dropped(entries, options: dict | None) -> list[LockError]:
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
        if value.startswith(PREFIX) and value not in known:
            through = path.name[:10]
            errors.append(LockError(
                {"filename": str(path), "lineno": 1},
                f"the lock through {through} ({value[:20]}...) is no longer in the books: "
                f"{LOCKS_FILE} was emptied or is no longer included. Restore it; a lock is "
                "lifted only by `fundledger unlock` with a reason", None))
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


def verify(entries, options: dict, value: str,
           through: datetime.date | None = None) -> datetime.date | None:
    """The day through which the books still have the digest `value` (a lock's, kept
    outside the books), or None: the books were changed since, or the lock deleted with
    the entries it covered. Without `through`, tries each lock's day and each month end."""
    value = value if value.startswith(PREFIX) else PREFIX + value
    days = [through] if through else sorted(
        {e.date for e in entries if isinstance(e, Custom) and e.type in (LOCK, UNLOCK)}
        | _month_ends(entries), reverse=True)
    for day in days:
        if digest(h for h, _e in hashes_through(entries, day, options)) == value:
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
