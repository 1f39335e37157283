"""Prove an append leaves the books loading clean, without loading them again.

An import appends whole entries to the books. Whether the books still load clean after it
depends on the books as they are (already loaded, from ledger.cache) and on the checks the
new entries can reach. So instead of parsing every file again, `proven_clean()` parses only
the appended text and runs, over entry objects, what a full load would run that could see
the new entries:

- beancount's parse and booking of the new entries (no entry of theirs holds lots at cost,
  so nothing before them changes how they book);
- the fund rules (ledger.plugin) over the fund declarations and every transaction of the
  funds the new entries reach, closed over funds sharing a transaction, so each of those
  funds' running balance is complete;
- beancount's balance assertions over the accounts asserted above any account the new
  entries post to, with every transaction of those accounts;
- beancount's validations (open/close, active accounts, currency constraints, duplicate
  balances, transaction balance, data types) over the Open and Close entries and the new
  ones;
- the lock: no new entry may fall in a locked period.

Entries an importer hands over as columns (ledger.quick_columns.Changes) are not parsed one
by one: one entry per group of alike entries is, and the checks that look at days run over
each day's sums (ledger.quick_columns).

It answers True (proven clean) or False (not proven: an error, or a case it does not
cover, such as books already in error, another plugin, a pad, a changed entry). On False
the caller loads the changed books in full, which also gives the exact error lines. So a
False costs time, never correctness; tests/test_quick_check.py holds the two to the same
verdict on generated imports.
"""

from __future__ import annotations

import io
import os
import re
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from beancount.core import data, getters
from beancount.core.amount import Amount
from beancount.core.number import MISSING
from beancount.ops import balance as balance_op
from beancount.ops import validation
from beancount.parser import booking, parser

from ledger import funds as fundmodel
from ledger import lock as period_lock
from ledger import lock_digest, quick_columns
from ledger import plugin as fund_plugin
from ledger import rates as ledger_rates

OURS = ("ledger.plugin", "ledger")
# Anything that changes how later text is read, or what the books are, is not an append.
DIRECTIVE = re.compile(r"^(?:option|plugin|include|push|pop)", re.MULTILINE)
INCLUDE_LINE = re.compile(r'^include "([^"\\]*)"$')
NEW_KINDS = (data.Transaction, data.Open, data.Balance)
VALIDATIONS = (validation.validate_open_close, validation.validate_active_accounts,
               validation.validate_currency_constraints, validation.validate_duplicate_balances)


class NotProven(Exception):
    """The quick check cannot vouch for these changes."""


def proven_clean(main: Path, changes: Mapping[str, str], loaded) -> bool:
    """True when the books, as `loaded` now (entries, errors, options) and after `changes`
    (whole files, relative to the books folder), would load with no error."""
    if loaded is None:
        return False
    try:
        _prove(main, changes, loaded)
    except NotProven:
        return False
    return True


def _prove(main: Path, changes: Mapping[str, str], loaded) -> None:
    entries, errors, options = loaded
    if errors or [name for name, _ in options.get("plugin", [])
                  if name not in OURS]:
        raise NotProven("books in error, or a plugin this check does not know")
    one_by_one, columns = _new_entries(main, changes, entries)
    one_by_one = _booked(one_by_one, options)
    try:
        summed, balanced = quick_columns.per_day(columns, os.path.normpath(main))
    except quick_columns.Unsummable as e:
        raise NotProven(str(e)) from None
    new = one_by_one + summed
    if not new:
        return
    _lock(entries, new)
    _pads(entries, new)
    by_date = sorted(new, key=data.entry_sortkey)
    _fund_rules(entries, by_date, options)
    templates = [parsed for parsed, _, _ in columns]
    _validations(entries, by_date, options, one_by_one, templates, balanced)
    _balances(entries, by_date, options)


def _new_entries(main: Path, changes: Mapping[str, str], entries) -> tuple[list, list]:
    """The new entries parsed one by one, and those an importer gave as columns for the
    files they cover, as [(quick_columns.Templates, group, days)]."""
    folder = main.parent
    given = getattr(changes, "columns", None)
    covers = getattr(changes, "covers", frozenset()) if given is not None else frozenset()
    new: list = []
    columns: list = []
    for rel, contents in changes.items():
        path = folder / rel
        old = path.read_text(encoding="utf-8") if path.is_file() else ""
        if "push" in old and re.search(r"^push", old, re.MULTILINE) and rel != main.name:
            raise NotProven("a pushtag or pushmeta may still be open at the end of the file")
        if rel in covers:  # its new entries are in the columns: its text is not needed
            kept = contents.old if isinstance(contents, quick_columns.Appended) else contents
            if not kept.startswith(old):
                raise NotProven(f"{rel} rewritten")
            continue
        text = str(contents)  # an Appended made whole
        if rel == main.name:
            _only_includes(text, old, changes)
            continue
        if text.startswith(old):
            new += _parse(text[len(old):], path, old.count("\n") + 1)
        else:  # a file rewritten (the import's accounts file): only Opens may be added
            before = _parse(old, path, 1)
            after = _parse(text, path, 1)
            kept = {_open_key(e) for e in before}
            if not all(isinstance(e, data.Open) for e in before + after) or \
                    not kept <= {_open_key(e) for e in after}:
                raise NotProven(f"{rel} changed other than by opening accounts")
            new += [e for e in after if _open_key(e) not in kept]
    if given is not None and covers:
        where = folder / min(covers)
        made = [_balance(b, os.path.normpath(where)) for b in getattr(given, "balances", ())]
        # in the order beancount's parser gives the text's entries: by date, kind and line
        new += sorted(_parse(given.others, where, 1) + made, key=data.entry_sortkey)
        try:
            # beancount's parser gives entries in date order: back to the text's order.
            parsed = quick_columns.templates_parsed(given.templates, lambda text: sorted(
                _parse(text, where, 1), key=lambda e: e.meta["lineno"]))
        except quick_columns.Unsummable as e:
            raise NotProven(str(e)) from None
        columns.append((parsed, given.group, given.days))
    return new, columns


def _balance(parts: tuple, filename: str) -> data.Balance:
    """A statement balance handed over in parts (quick_columns.Columnar.balances) as
    beancount's parser makes it from its text."""
    lineno, date, account, number, currency, meta = parts
    return data.Balance({"filename": filename, "lineno": lineno, **meta}, date, account,
                        Amount(number, currency), None, None)


def _open_key(entry):
    return entry.date, entry.account, tuple(entry.currencies or ()), entry.booking


def _only_includes(text: str, old: str, changes: Mapping[str, str]) -> None:
    if not text.startswith(old):
        raise NotProven("main file rewritten")
    for line in text[len(old):].splitlines():
        m = INCLUDE_LINE.match(line.strip())
        if line.strip() and (m is None or m.group(1) not in changes):
            raise NotProven(f"main file gains {line!r}")


def _parse(text: str, path: Path, first_line: int) -> list:
    if DIRECTIVE.search(text):
        raise NotProven("appended text holds a directive")
    parsed, errors, _ = parser.parse_file(io.BytesIO(text.encode("utf-8")),
                                          report_filename=os.path.normpath(path),
                                          report_firstline=first_line)
    if errors:
        raise NotProven("appended text does not parse")
    for e in parsed:
        if not isinstance(e, NEW_KINDS) and not (
                isinstance(e, data.Custom) and e.type == fundmodel.BUDGET):
            raise NotProven(f"appended {type(e).__name__}")
        for p in getattr(e, "postings", ()):
            if p.cost is not None:
                raise NotProven("a posting held at cost")
    return parsed


def _booked(new: list, options) -> list:
    """beancount's booking of the entries that need it. An entry whose postings all have
    their units and no cost comes out of booking as it went in (tolerances are inferred
    again where they are used), so an import's entries skip it."""
    incomplete = [e for e in new if isinstance(e, data.Transaction) and not all(
        p.units is not MISSING and p.units.number is not MISSING
        and isinstance(p.units.currency, str) for p in e.postings)]
    if not incomplete:
        return new
    booked, errors = booking.book(new, options)
    if errors:
        raise NotProven("booking")
    return booked


def _lock(entries, new) -> None:
    locks, _ = period_lock.locks(entries)
    if locks:
        last = max(lock.through for lock in locks)
        if any(e.date <= last and lock_digest.covered(e) for e in new):
            raise NotProven("an entry in a locked period")
        # A lock that covers later declarations: a budget of a fund the locked years knew
        # reaches back into them (ledger.lock_digest.REACHING). Left to the full load.
        if any(isinstance(e, data.Custom) for e in new) and any(
                lock.entry.meta.get(period_lock.COVERS) for lock in locks):
            raise NotProven("a declaration in books with a lock")


def _touched(new) -> set[str]:
    return {a for e in new for a in getters.get_entry_accounts(e)}


def _family(account: str, others) -> bool:
    """`account` is one of `others` or a parent of one (balances count sub-accounts)."""
    prefix = account + ":"
    return any(o == account or o.startswith(prefix) for o in others)


def _pads(entries, new) -> None:
    touched = _touched(new)
    for e in entries:
        if isinstance(e, data.Pad) and (_family(e.account, touched)
                                        or _family(e.source_account, touched)):
            raise NotProven("a pad on an account the new entries post to")


def _merged(old: list, new: list) -> list:
    return sorted(old + new, key=data.entry_sortkey)


def _fund_rules(entries, new, options) -> None:
    """The fund rules over the declarations and every transaction of the funds the new
    entries reach (and of the funds sharing a transaction with those)."""
    by_fund: dict[str, list] = defaultdict(list)
    declarations = []
    for e in entries:
        if isinstance(e, data.Transaction):
            for fund in _funds(e):
                by_fund[fund].append(e)
        elif isinstance(e, (data.Custom, data.Price)):  # prices: money in another
            declarations.append(e)  # currency is counted at them (ledger.plugin)
    todo = {f for e in new if isinstance(e, data.Transaction) for f in _funds(e)}
    reached: set[str] = set()
    picked: dict[int, object] = {}
    while todo:
        fund = todo.pop()
        reached.add(fund)
        for txn in by_fund.get(fund, ()):
            if id(txn) not in picked:
                picked[id(txn)] = txn
                todo |= _funds(txn) - reached
    _, errors = fund_plugin.rules(_merged(declarations + list(picked.values()), new),
                                  unit=ledger_rates.operating_currency(options, None))
    if errors:
        raise NotProven("fund rules")


def _funds(txn) -> set[str]:
    return {fundmodel.posting_fund(p, txn) or "" for p in txn.postings
            if fundmodel.is_fund_account(p.account)}


def _validations(entries, new, options, own, templates=(), balanced=()) -> None:
    """beancount's validations: those over accounts and dates on `new` (the new entries,
    a day's columns as its sums), those of each entry on its own on `own` (the entries
    parsed one by one) and on `templates` (quick_columns.Templates: one entry of each
    group of alike ones): the balancing where its postings do not sum to exactly zero
    (`balanced`, over all of them in order), the data types on each frame the templates
    were read from (they differ only in Decimal numbers)."""
    opens = [e for e in entries if isinstance(e, (data.Open, data.Close))]
    balances = [e for e in entries if isinstance(e, data.Balance)]
    merged = _merged(opens, new)
    for check in VALIDATIONS:
        if check(merged if check is not validation.validate_duplicate_balances
                 else _merged(balances, new), options):
            raise NotProven(check.__name__)
    # Entries whose postings are alike balance alike: each set of postings checked once.
    # Alike as written: 1.0 and 1.00 are equal Decimals but infer different tolerances.
    alike: dict[object, object] = {}
    for e in own:
        key = tuple((p.account, str(p.units), str(p.price)) for p in e.postings) \
            if isinstance(e, data.Transaction) else id(e)
        alike.setdefault(key, e)
    zero, at, unsure = np.asarray(balanced, dtype=bool), 0, []
    for group in templates:
        unsure += [group.entry(k) for k in np.flatnonzero(~zero[at:at + len(group)]).tolist()]
        at += len(group)
    frames = [f for group in templates for f in group.frames]
    if validation.validate_check_transaction_balances(list(alike.values()) + unsure, options) \
            or validation.validate_data_types(list(alike.values()) + frames, options):
        raise NotProven("an entry that does not balance, or a value of the wrong type")


def _balances(entries, new, options) -> None:
    """beancount's balance assertions of every account asserted above (or at) one the
    new entries post to, over all the transactions of those accounts."""
    touched = _touched(new)
    asserted = {e.account for e in entries + new
                if isinstance(e, data.Balance) and _family(e.account, touched)}
    if not asserted:
        return
    within: dict[str, bool] = {}

    def inside(account: str) -> bool:
        if account not in within:
            within[account] = any(account == a or account.startswith(a + ":")
                                  for a in asserted)
        return within[account]

    picked = [e for e in entries
              if (isinstance(e, data.Transaction) and any(inside(p.account)
                                                          for p in e.postings))
              or (isinstance(e, (data.Balance, data.Open, data.Close)) and inside(e.account))]
    _, errors = balance_op.check(_merged(picked, new), options)
    if errors:
        raise NotProven("balance assertions")
