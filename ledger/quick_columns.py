"""An import's entries as columns, and what ledger.quick checks of them per day.

A large download's entries are alike in groups: every gift of 10.00 GBP with its 0.34 fee
to the general fund has the same postings and fund, and differs from the others only in
its date and its words (narration, ids, row, donor). The importer hands ledger.quick such
entries as `Columnar`: one whole entry written for each group (its template, text exactly
as written in the books) and, per entry, its group and date. ledger.quick then parses one
entry per group instead of every entry, and checks

- per template: beancount's parse, the transaction balancing and the data types (every
  entry of a group has the template's postings, so it balances as the template does);
- per day: the fund rules, the balance assertions, the open/close and currency
  constraints and the lock, over one entry per day holding the day's sums per account,
  currency and fund (`per_day`). Each of those checks sees a day's entries only through
  such sums (a fund's balance at the end of the day, an account's balance before the
  day, which accounts and currencies are used on the day, the day itself), so the sums
  give the same verdict as the entries one by one. A posting whose sum is zero is kept:
  an account used on a day must still be open, a restricted fund's spending still within
  its purpose.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from beancount.core import data
from beancount.core.amount import Amount

from ledger import funds as fundmodel

# An entry of a group that the per-day sums could not stand for: refused, so the full load
# decides (closing.donated_under_terms looks at one entry's payee and `leftover:`).
ONE_BY_ONE_META = ("leftover",)
MAX_PLACES = 12  # more decimal places than this: not summed here (the full load decides)


# A posting line as importers write it: indent, account, a number as beancount's grammar
# reads it (no sign but a leading minus, no exponent, no thousands commas), currency.
POSTING = re.compile(r"^(  [A-Z][^\s;\"]* +)(-?[0-9]+(?:\.[0-9]+)?)( [A-Z][A-Z0-9'._-]*)$",
                     re.MULTILINE)


class Unsummable(Exception):
    """The entries cannot be summed exactly here."""


@dataclass
class Columnar:
    """The entries an import appends to the books (all of them, none other):
    `others`, the text of those it made one by one (joined by blank lines); and the rest
    as groups, `templates[g]` the whole text of one entry of group g as written, and for
    each of those entries its group (`group`) and its date as a day number (`days`,
    date.toordinal()). Every entry of a group has its template's postings and metadata
    but for its words: payee, narration, ids, row, donor, refund-of."""

    others: str
    templates: list[str]
    group: np.ndarray
    days: np.ndarray


class Changes(dict):
    """Whole-file contents of the books after an import (what ledger.books.apply takes),
    with `columns`, the entries appended to the books files `covers` (exactly those
    entries, over those files together; the files' own order and split do not matter to
    the checks)."""

    def __init__(self, files, columns: Columnar | None = None,
                 covers: set[str] | frozenset[str] = frozenset()):
        super().__init__(files)
        self.columns, self.covers = columns, covers


@dataclass
class Templates:
    """Templates as beancount reads them: template k is frames[frame_of[k]] with the
    numbers numbers[k], one per posting, as written (entry(k) makes it)."""

    frames: list
    frame_of: list[int]
    numbers: list[list[str]]

    def __len__(self) -> int:
        return len(self.frame_of)

    def entry(self, k: int):
        t = self.frames[self.frame_of[k]]
        return t._replace(postings=[p._replace(units=Amount(Decimal(n), p.units.currency))
                                    for p, n in zip(t.postings, self.numbers[k], strict=True)])


def templates_parsed(texts: list[str], parse: Callable[[str], list]) -> Templates:
    """The templates as beancount reads them (their distinct frames parsed).

    Templates alike but for their postings' numbers (one rule and campaign: importers.txn
    columnar) share a frame, the text with every number written 0: beancount parses each
    frame once (`parse`: text -> entries in text order), and each template is its frame's
    transaction with its own numbers, read as beancount's grammar reads them (Decimal of
    the digits, the minus included). A template whose posting lines do not end it, or a
    frame whose postings are not exactly the posting lines found in its text (a line
    inside a string, say), raises Unsummable."""
    frames: dict[str, int] = {}
    frame_of: list[int] = []
    numbers_of: list[list[str]] = []
    find = POSTING.findall
    for text in texts:
        found = find(text)
        # The posting lines end the text (importers write them last); the frame is the
        # text before them and each line with its number written 0.
        tail = "".join(f"{a}{n}{c}\n" for a, n, c in found)
        if not text.endswith(tail):
            raise Unsummable("a template whose posting lines do not end it")
        frame = text[:len(text) - len(tail)] + "".join(f"{a}0{c}\n" for a, _, c in found)
        frame_of.append(frames.setdefault(frame, len(frames)))
        numbers_of.append([n for _, n, _ in found])
    parsed = parse("\n".join(frames))
    if len(parsed) != len(frames) or not all(isinstance(t, data.Transaction) for t in parsed):
        raise Unsummable("a template is not one transaction")
    lines = [[m.group(1).strip() for m in POSTING.finditer(f)] for f in frames]
    for t, accounts in zip(parsed, lines, strict=True):
        if [p.account for p in t.postings] != accounts or any(
                p.units is None or p.units.number != 0 or p.cost or p.price or p.flag
                for p in t.postings):
            raise Unsummable("a template's postings are not its posting lines")
    return Templates(parsed, frame_of, numbers_of)


def per_day(parts: list[tuple[list, np.ndarray, np.ndarray]],
            filename: str) -> tuple[list, list[bool]]:
    """One Transaction per day holding, per (account, currency, fund), the sum of the
    postings of every entry that day: `parts` are (Templates, group, days). And
    per template whether its postings sum to exactly zero in each currency (then it
    balances whatever the tolerance; ledger.quick leaves the others to beancount).
    Raises Unsummable where the sums could not be exact or stand for the entries."""
    if not parts:
        return [], []
    keys: dict[tuple, int] = {}
    posting_key: list[int] = []
    numbers: list[str] = []
    starts = [0]
    is_fund = fundmodel.is_fund_account
    for templates, _group, _days in parts:
        frame_keys = []
        for t in templates.frames:
            meta = t.meta or {}
            if any(k in meta for k in ONE_BY_ONE_META):
                raise Unsummable("an entry the fund rules read one by one")
            default = meta.get("fund")
            ids = []
            for p in t.postings:
                if p.cost is not None or p.price is not None:
                    raise Unsummable("a posting at a cost or price")
                # the fund as ledger.funds.posting_fund reads it
                fund = ((p.meta or {}).get("fund") or default) if is_fund(p.account) else None
                ids.append(keys.setdefault((p.account, p.units.currency, fund), len(keys)))
            frame_keys.append(ids)
        for f, ns in zip(templates.frame_of, templates.numbers, strict=True):
            posting_key += frame_keys[f]
            numbers += ns
            starts.append(len(numbers))
    # The numbers as written (POSTING's digits): as integers of the smallest unit any has.
    decimals = [len(n) - n.find(".") - 1 if "." in n else 0 for n in numbers]
    places = max([0, *decimals])
    if places > MAX_PLACES:
        raise Unsummable("too many decimal places")
    scaled = [int(n.replace(".", "")) * 10 ** (places - d)
              for n, d in zip(numbers, decimals, strict=True)]
    rows = sum(len(g) for _, g, _ in parts)
    if max([0] + [abs(x) for x in scaled]) * max(rows, 1) >= 2 ** 62:
        raise Unsummable("sums beyond 64-bit integers")
    currencies = {c: k for k, c in enumerate(sorted({c for _, c, _ in keys}))}
    currency_of = np.asarray([currencies[c] for _, c, _ in keys], dtype=np.int64)
    starts_a = np.asarray(starts, dtype=np.int64)
    scaled_a = np.asarray(scaled, dtype=np.int64)
    key_a = np.asarray(posting_key, dtype=np.int64)
    balanced = _balanced(starts_a, scaled_a, currency_of[key_a] if len(key_a) else key_a,
                         len(currencies))
    offsets = np.cumsum([0] + [len(t) for t, _, _ in parts])
    group = np.concatenate([g + o for (_, g, _), o in zip(parts, offsets.tolist())])
    days = np.concatenate([d for _, _, d in parts]).astype(np.int64)
    if not len(group):
        return [], balanced
    first_day = int(days.min())
    span = int(days.max()) - first_day + 1
    # Entries per (template, day): each template's postings count that many times.
    pair, count = np.unique(group.astype(np.int64) * span + (days - first_day),
                            return_counts=True)
    pair_template, pair_day = pair // span, pair % span
    width = (starts_a[1:] - starts_a[:-1])[pair_template]
    which = np.repeat(np.arange(len(pair)), width)
    within = np.arange(int(width.sum())) - np.repeat(np.cumsum(width) - width, width)
    posting = starts_a[pair_template][which] + within
    value = count[which] * scaled_a[posting]
    day_key = pair_day[which] * len(keys) + key_a[posting]
    order = np.argsort(day_key, kind="stable")
    day_key = day_key[order]
    at = np.flatnonzero(np.diff(day_key, prepend=-1))
    sums = np.add.reduceat(value[order], at)
    by_key = list(keys)
    out: list = []
    last_day = None
    for k, total in zip(day_key[at].tolist(), sums.tolist(), strict=True):
        day, key = divmod(k, len(keys))
        if day != last_day:
            date = datetime.date.fromordinal(first_day + day)
            out.append(data.Transaction({"filename": filename, "lineno": 0}, date, "*", None,
                                        "the day's imported entries, summed", data.EMPTY_SET,
                                        data.EMPTY_SET, []))
            last_day = day
        account, currency, fund = by_key[key]
        out[-1].postings.append(data.Posting(
            account, Amount(Decimal(total).scaleb(-places), currency), None, None, None,
            {"fund": fund} if fund else None))
    return out, balanced


def _balanced(starts: np.ndarray, scaled: np.ndarray, currency: np.ndarray,
              currencies: int) -> list[bool]:
    """Per template (postings starts[t]..starts[t+1]-1): do its postings sum to exactly
    zero in every currency?"""
    templates = len(starts) - 1
    if not len(scaled):
        return [True] * templates
    template = np.repeat(np.arange(templates), np.diff(starts))
    key = template * currencies + currency
    order = np.argsort(key, kind="stable")
    at = np.flatnonzero(np.diff(key[order], prepend=-1))
    residual = np.add.reduceat(scaled[order], at)
    off = np.zeros(templates, dtype=bool)
    off[template[order][at][residual != 0]] = True
    return (~off).tolist()
