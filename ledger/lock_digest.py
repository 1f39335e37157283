"""What a period lock covers, as one digest: the content of every entry on or before its
day (whatever its flag), the books' options that change what they add up to, and later
declarations that reach back into it. ledger.lock checks the digest and writes locks."""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from typing import NamedTuple

from beancount.core.data import Custom, Document, Query, Transaction

from ledger.lock_text import (  # noqa: F401 - the texts are part of this module's API
    _SHAPES,
    LOCKED_OPTIONS,
    UNHASHED,
    WHERE,
    _Canon,
    _canon2,
    _meta2,
    entry_text2,
    options_text2,
    txn_text2,
)

LOCK, UNLOCK = "lock", "unlock"
PREFIX = "sha256:"
# Entries the lock does not cover: the locks themselves, Fava's display settings, files
# found in the documents folder and saved queries. Every transaction is covered whatever
# its flag: a `P` written by hand looks like beancount's padding, and padding itself is a
# figure of the locked period (its amount can come from a balance dated after it).
UNCOVERED_CUSTOM = (LOCK, UNLOCK, "fava-option", "fava-extension")
# Declarations that apply to every year whatever their date (the latest one wins): one
# dated after a lock still redefines the locked years, so the lock covers it.
REACHING = ("fundledger-option", "support-costs", "fund-budget")
def _number(n: Decimal) -> str:
    # 99.0 and 99.00 are one amount: the digest keeps content, not how it was typed.
    text = str(n)
    return text.rstrip("0").rstrip(".") if "." in text and "E" not in text else text


def _amount(a) -> str:
    return "" if a is None else f"{_number(a.number)} {a.currency}"


def _meta(meta: dict | None) -> str:
    if not meta:
        return ""
    items = [f"{k}={v!r}" for k, v in meta.items() if k[0] != "_" and k not in WHERE]
    if len(items) > 1:
        items.sort()
    return "\x1d".join(items)


# What follows runs for every locked entry on every load (88,000 of them in 100k
# transactions locked through a year end): plain string work, with the usual posting (no
# cost, no price; meta of where it was written and its fund) written out in place.

def _posting(p) -> str:
    c = p.cost
    cost = "" if c is None else f"{_amount(c)} {c.date} {c.label!r}"
    return f"{p.account}\x1f{_amount(p.units)}\x1f{cost}\x1f{_amount(p.price)}\x1f" \
           f"{p.flag or ''}\x1f{_meta(p.meta)}"


def _txn_text(txn: Transaction) -> str:
    meta, date, flag, payee, narration, tags, links, postings = txn
    texts = []
    for p in postings:
        account, units, cost, price, pflag, pmeta = p
        if cost is not None or price is not None or units is None:
            texts.append(_posting(p))
            continue
        number = str(units.number)
        if "." in number and "E" not in number:
            number = number.rstrip("0").rstrip(".")
        if not pmeta:
            m = ""
        elif len(pmeta) == 3 and "fund" in pmeta and "lineno" in pmeta and "filename" in pmeta:
            m = f"fund={pmeta['fund']!r}"
        else:
            m = _meta(pmeta)
        texts.append(f"{account}\x1f{number} {units.currency}\x1f\x1f\x1f{pflag or ''}\x1f{m}")
    texts.sort()  # the postings' order means nothing
    return "\x1e".join([str(date), flag or "", repr(payee), repr(narration),
                        repr(sorted(tags)) if tags else "",
                        repr(sorted(links)) if links else "", _meta(meta), *texts])


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


# Version 2 of the digest (written by `fundledger lock` from 2026-12): the same content as
# version 1, each entry's text hashed as one sorted stream rather than one sha256 per entry,
# and each field written with repr() of a plain value or _canon2 (ledger.lock_text), so
# the text is the same on any Python and beancount.

PREFIX2 = "sha256v2:"
PREFIX3 = "sha256v3:"
PREFIXES = (PREFIX, PREFIX2, PREFIX3)
BEYOND = "~"  # what a lock covers beyond its period sorts after every dated text


def period_texts2(entries, through: datetime.date) -> tuple[list[str], list]:
    """(texts, entries) of every covered entry dated on or before `through`, in step."""
    txns, others = [], []
    for e in entries:  # one pass over 100k entries: each look at one costs a cache miss
        if e.date > through:
            continue
        if type(e) is Transaction:
            txns.append(e)
        elif covered(e):
            others.append(e)
    return [*map(txn_text2, txns), *map(entry_text2, others)], txns + others


def beyond_texts2(entries, through: datetime.date, options: dict | None):
    """(text, entry) of what a lock covers beyond its period (see _beyond), each text
    marked so it sorts after every dated one."""
    return [(BEYOND + (entry_text2(e) if not isinstance(e, Options) else "options\x1e"
                       + options_text2(options)), e) for _h, e in _beyond(
        entries, through, options)]


def digest2(texts) -> str:
    """Version 2: one sha256 of the texts sorted, each followed by a newline."""
    ordered = sorted(texts)
    data = "\n".join(ordered) + "\n" if ordered else ""
    return PREFIX2 + hashlib.sha256(data.encode()).hexdigest()


def period_digest(entries, through: datetime.date, options: dict | None = None,
                  version: int = 3) -> str:
    """The digest of a lock through `through` (given `options`, what it covers beyond its
    period too), in any version."""
    if version == 1:
        return digest(h for h, _e in hashes_through(entries, through, options))
    beyond = beyond_texts2(entries, through, options) if options is not None else []
    texts = [*period_texts2(entries, through)[0], *(t for t, _e in beyond)]
    return digest2(texts) if version == 2 else digest3(part3(texts))


# Version 3 (written by `fundledger lock` from 2026-12-07): the texts of version 2, each
# stretched to 2048 bits by SHAKE-256 and added up; the digest is the sha256 of the sum
# modulo 2**2048. A sum does not depend on order and adds up over files, so a period's sum
# is the sum of its files' parts (ledger.lock_memo remembers a file's part by its bytes).
# 2048 bits, not 256: a sum of 256-bit hashes falls to Wagner's generalised birthday
# attack (a few hundred made-up entries cancelling a change, found in hours on a laptop);
# at 2048 bits it needs far more work and entries than any books could hold.
SUM_BYTES = 256


def part3(texts) -> int:
    """The (unreduced) sum of the texts' 2048-bit hashes: one file's part of a digest."""
    shake, number = hashlib.shake_256, int.from_bytes
    return sum(number(shake(t.encode()).digest(SUM_BYTES), "big") for t in texts)


def digest3(total: int) -> str:
    """Version 3: the sha256 of a sum of parts (part3), modulo 2**2048, in 256 bytes."""
    data = (total % (1 << 8 * SUM_BYTES)).to_bytes(SUM_BYTES, "big")
    return PREFIX3 + hashlib.sha256(data).hexdigest()


def hashes2(texts, entries) -> list[tuple[bytes, object]]:
    """(hash, entry) per text: a version 2 lock's detail file, and naming what changed."""
    sha256 = hashlib.sha256
    return [(sha256(t.encode()).digest(), e) for t, e in zip(texts, entries)]


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
    declaration that reaches back into it and the books' options (given `options`: a lock
    written without them, as before they were covered, covers its period's entries only)."""
    mine = period_hashes(entries, through)
    return mine + _beyond(entries, through, options) if options is not None else mine


def period_hashes(entries, through: datetime.date) -> list[tuple[bytes, object]]:
    """(hash, entry) for every covered entry dated on or before `through`."""
    sha256 = hashlib.sha256
    out = []
    for e in entries:
        if e.date > through:
            continue
        if type(e) is Transaction:  # most of them: entry_hash without the dispatch
            out.append((sha256(_txn_text(e).encode()).digest(), e))
        elif covered(e):
            out.append((entry_hash(e), e))
    return out


def _beyond(entries, through: datetime.date, options: dict | None):
    """What a lock covers beyond its period's entries: later declarations reaching back
    into it, and the books' options."""
    customs = [e for e in entries if isinstance(e, Custom)]
    funds_then = {e.values[0].value for e in customs
                  if e.type == "fund" and e.values and e.date <= through}
    out = [(entry_hash(e), e) for e in customs if _reaches(e, through, funds_then)]
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
