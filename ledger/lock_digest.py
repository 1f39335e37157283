"""What a period lock covers, as one digest: the content of every entry on or before its
day (whatever its flag), the books' options that change what they add up to, and later
declarations that reach back into it. ledger.lock checks the digest and writes locks."""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from typing import NamedTuple

from beancount.core.data import Custom, Document, Query, Transaction

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

def _number(n: Decimal) -> str:
    # 99.0 and 99.00 are one amount: the digest keeps content, not how it was typed.
    text = str(n)
    return text.rstrip("0").rstrip(".") if "." in text and "E" not in text else text


def _amount(a) -> str:
    return "" if a is None else f"{_number(a.number)} {a.currency}"


def _meta(meta: dict | None) -> str:
    if not meta:
        return ""
    n = len(meta)
    if n <= 3 and "lineno" in meta and "filename" in meta:  # a posting's usual meta
        if n == 2:
            return ""
        fund = meta.get("fund")
        if fund is not None:
            return f"fund={fund!r}"
    items = [f"{k}={v!r}" for k, v in meta.items() if k[0] != "_" and k not in WHERE]
    if len(items) > 1:
        items.sort()
    return "\x1d".join(items)


# The two functions below run for every locked entry on every load (88,000 of them in
# 100k transactions locked through a year end): plain string work, the usual posting (no
# cost, no price) and posting meta (where it was written, and its fund) written directly.

def _posting(p) -> str:
    account, units, c, price, flag, meta = p
    if c is None and price is None and units is not None:
        text = str(units.number)
        if "." in text and "E" not in text:
            text = text.rstrip("0").rstrip(".")
        return f"{account}\x1f{text} {units.currency}\x1f\x1f\x1f{flag or ''}\x1f{_meta(meta)}"
    cost = "" if c is None else f"{_amount(c)} {c.date} {c.label!r}"
    return f"{account}\x1f{_amount(units)}\x1f{cost}\x1f{_amount(price)}\x1f" \
           f"{flag or ''}\x1f{_meta(meta)}"


def _txn_text(txn: Transaction) -> str:
    meta, date, flag, payee, narration, tags, links, postings = txn
    texts = [_posting(p) for p in postings]
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
    mine = [(entry_hash(e), e) for e in entries if e.date <= through and covered(e)]
    return mine + _beyond(entries, through, mine, options) if options is not None else mine


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
