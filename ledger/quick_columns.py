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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from beancount.core import data
from beancount.core.amount import Amount

from ledger import funds as fundmodel
from ledger import quick_tails
from ledger.quick_tails import Unsummable

if TYPE_CHECKING:  # imported where used: a load that checks no import needs no arrow
    import pyarrow as pa

# An entry of a group that the per-day sums could not stand for: refused, so the full load
# decides (closing.donated_under_terms looks at one entry's payee and `leftover:`).
ONE_BY_ONE_META = ("leftover",)
MAX_PLACES = 12  # more decimal places than this: not summed here (the full load decides)


# A posting line as importers write it: indent, account, a number as beancount's grammar
# reads it (no sign but a leading minus, no exponent, no thousands commas), currency.
_LINE = r"(  [A-Z][^\s;\"]* +)(-?[0-9]+(?:\.[0-9]+)?)( [A-Z][A-Z0-9'._-]*)"
POSTING = re.compile(f"^{_LINE}$", re.MULTILINE)
# The same for arrow's RE2, column-wise: a text as its head and the run of posting lines
# that ends it (a posting line alone: ledger.quick_tails).
TAIL = (r"(?s)^(?P<head>.*?\n)(?P<tail>(?:  [A-Z][^\s;\"]* +-?[0-9]+(?:\.[0-9]+)?"
        r" [A-Z][A-Z0-9'._-]*\n)+)$")


@dataclass
class Columnar:
    """The entries an import appends to the books (all of them, none other):
    `others`, the text of those it made one by one (joined by blank lines); and the rest
    as groups, `templates[g]` the whole text of one entry of group g as written, and for
    each of those entries its group (`group`) and its date as a day number (`days`,
    date.toordinal()). Every entry of a group has its template's postings and metadata
    but for its words: payee, narration, ids, row, donor, refund-of. `balances`: of the
    entries made one by one, the statement balances whose parts the importer vouches
    beancount reads back from their text as they are (importers.txn.balance_parts), as
    (line in `others`, where their text is left blank, date, account, number, currency,
    metadata): made entries here, not parsed."""

    others: str
    templates: Sequence[str]  # a list, or Split
    group: np.ndarray
    days: np.ndarray
    balances: list[tuple] = field(default_factory=list)


@dataclass
class Split:
    """Template texts given in two parts: text k is heads[head_of[k]] + tails[k], a head
    (all but the postings: one per rule and campaign) and its posting lines. An import
    hands its templates over so: the check then reads each head once and the postings
    column-wise, and no whole text is made per template. `read`: the tails as
    ledger.quick_tails reads them, where the importer read them already (for the
    accounts it opens)."""

    heads: list[str]
    head_of: np.ndarray
    tails: Sequence[str]  # a list or an object array of str
    read: quick_tails.Tails | None = None

    def __len__(self) -> int:
        return len(self.head_of)

    def __iter__(self) -> Iterator[str]:
        return (self.heads[h] + t for h, t in zip(self.head_of.tolist(), self.tails,
                                                  strict=True))


class Appended(NamedTuple):
    """A books file's contents after an append, as what it holds now (`old`, ending with
    a newline or empty) and the text appended, made piece by piece each time it is asked
    for (`pieces()`). ledger.books writes it piece by piece, so a large import is never held
    as one text; the checks read the new entries from their columns, not this text."""

    old: str
    pieces: Callable[[], Iterable[str]]

    def new_text(self) -> str:
        return "".join(self.pieces())

    def __str__(self) -> str:  # the whole contents, as str() of a text is that text
        return self.old + self.new_text()


class Changes(dict):
    """Whole-file contents of the books after an import (what ledger.books.apply takes: a
    text, or an Appended),
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
    numbers numbers[starts[k]:starts[k + 1]], one per posting, as written (entry(k) makes
    it)."""

    frames: list
    frame_of: np.ndarray
    numbers: pa.Array  # every template's posting numbers, as written, one after another
    starts: np.ndarray

    def __len__(self) -> int:
        return len(self.frame_of)

    def entry(self, k: int):
        t = self.frames[int(self.frame_of[k])]
        own = self.numbers[int(self.starts[k]):int(self.starts[k + 1])].to_pylist()
        return t._replace(postings=[p._replace(units=Amount(Decimal(n), p.units.currency))
                                    for p, n in zip(t.postings, own, strict=True)])


def templates_parsed(texts, parse: Callable[[str], list]) -> Templates:
    """The templates (texts, or Split) as beancount reads them (their
    distinct frames parsed).

    Templates alike but for their postings' numbers (one rule and campaign: importers.txn
    columnar) share a frame, the text with every number written 0: beancount parses each
    frame once (`parse`: text -> entries in text order), and each template is its frame's
    transaction with its own numbers, read as beancount's grammar reads them (Decimal of
    the digits, the minus included). A template whose posting lines do not end it, or a
    frame whose postings are not exactly the posting lines found in its text (a line
    inside a string, say), raises Unsummable. Column-wise, in arrow's C (RE2): no Python
    per template."""
    heads, head_of, tails = _split(texts)
    # Each head once: it ends a line and holds no posting line (else the posting lines
    # would not end the text).
    if any(h[-1:] not in ("", "\n") or POSTING.search(h) for h in heads):
        raise Unsummable("a template whose posting lines do not end it")
    # Read here unless the importer read them already (importers.txn.columnar).
    got = getattr(texts, "read", None) or quick_tails.read(tails)
    if len(got.tail_of) != len(tails):
        raise Unsummable("tails read are not the templates' tails")
    tail_of, zeroed = got.tail_of, got.zeroed
    _, first, frame_of = np.unique(head_of * (len(zeroed) + 1) + tail_of,
                                   return_index=True, return_inverse=True)
    frames = [heads[h] + zeroed[z] for h, z in zip(
        head_of[first].tolist(), tail_of[first].tolist(), strict=True)]
    parsed = parse("\n".join(frames))
    if len(parsed) != len(frames) or not all(isinstance(t, data.Transaction) for t in parsed):
        raise Unsummable("a template is not one transaction")
    for t, frame in zip(parsed, frames, strict=True):
        accounts = [m.group(1).strip() for m in POSTING.finditer(frame)]
        if [p.account for p in t.postings] != accounts or any(
                p.units is None or p.units.number != 0 or p.cost or p.price or p.flag
                for p in t.postings):
            raise Unsummable("a template's postings are not its posting lines")
    return Templates(parsed, frame_of.astype(np.int64), got.numbers, got.starts)


def _split(texts) -> tuple[list[str], np.ndarray, object]:
    """Template texts as (heads, head_of, tails: an arrow column or a sequence of str): a
    head is all of a text before the run of posting lines that ends it (TAIL)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(texts, Split):  # the tails made arrow a slice at a time
        return texts.heads, np.asarray(texts.head_of, dtype=np.int64), texts.tails
    texts = pa.array(list(texts), pa.string())
    split = pc.extract_regex(texts, TAIL)
    if split.null_count:
        raise Unsummable("a template whose posting lines do not end it")
    heads = split.field("head").dictionary_encode()
    return (heads.dictionary.to_pylist(),
            heads.indices.to_numpy(zero_copy_only=False).astype(np.int64), split.field("tail"))


def per_day(parts: list[tuple[Templates, np.ndarray, np.ndarray]],
            filename: str) -> tuple[list, list[bool]]:
    """One Transaction per day holding, per (account, currency, fund), the sum of the
    postings of every entry that day: `parts` are (Templates, group, days). And
    per template whether its postings sum to exactly zero in each currency (then it
    balances whatever the tolerance; ledger.quick leaves the others to beancount).
    Raises Unsummable where the sums could not be exact or stand for the entries."""
    if not parts:
        return [], []
    import pyarrow as pa

    keys: dict[tuple, int] = {}
    posting_key, numbers, widths = [], [], []
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
        # each template's postings are its frame's: their keys, template after template
        flat = np.asarray([k for ids in frame_keys for k in ids], dtype=np.int64)
        frame_start = np.cumsum([0] + [len(ids) for ids in frame_keys], dtype=np.int64)
        width = np.diff(frame_start)[templates.frame_of]
        if not np.array_equal(width, np.diff(templates.starts)):
            raise Unsummable("a template's numbers are not its frame's postings")
        posting_key.append(flat[quick_tails.spans(frame_start[templates.frame_of], width)])
        numbers.append(templates.numbers)
        widths.append(width)
    scaled, places = _scaled(pa.chunked_array(numbers, pa.string()))
    rows = sum(len(g) for _, g, _ in parts)
    if int(np.abs(scaled).max(initial=0)) * max(rows, 1) >= 2 ** 62:
        raise Unsummable("sums beyond 64-bit integers")
    currencies = {c: k for k, c in enumerate(sorted({c for _, c, _ in keys}))}
    currency_of = np.asarray([currencies[c] for _, c, _ in keys], dtype=np.int64)
    starts_a = np.cumsum(np.concatenate([[0], *widths]).astype(np.int64))
    key_a = np.concatenate(posting_key).astype(np.int64)
    balanced = _balanced(starts_a, scaled, currency_of[key_a] if len(key_a) else key_a,
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
    posting = quick_tails.spans(starts_a[pair_template], width)
    value = count[which] * scaled[posting]
    day_key = pair_day[which] * len(keys) + key_a[posting]
    # numpy sorts 16-bit keys by radix: ten years of days times a few accounts fit
    order = np.argsort(day_key.astype(np.uint16) if int(day_key.max()) < 2 ** 16
                       else day_key, kind="stable")
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
    if currencies == 1 and (np.diff(starts) > 0).all():  # each template's postings in a run
        return (np.add.reduceat(scaled, starts[:-1]) == 0).tolist()
    template = np.repeat(np.arange(templates), np.diff(starts))
    key = template * currencies + currency
    order = np.argsort(key, kind="stable")
    at = np.flatnonzero(np.diff(key[order], prepend=-1))
    residual = np.add.reduceat(scaled[order], at)
    off = np.zeros(templates, dtype=bool)
    off[template[order][at][residual != 0]] = True
    return (~off).tolist()


def _scaled(numbers) -> tuple[np.ndarray, int]:
    """Numbers as written (POSTING's digits, an arrow column) as integers of the smallest
    unit any has, and that unit's places; Unsummable beyond MAX_PLACES or 64 bits."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(numbers):
        return np.zeros(0, dtype=np.int64), 0
    dot = pc.find_substring(numbers, ".").to_numpy().astype(np.int64)
    size = pc.utf8_length(numbers).to_numpy().astype(np.int64)
    decimals = np.where(dot >= 0, size - dot - 1, 0)
    places = int(decimals.max())
    if places > MAX_PLACES:
        raise Unsummable("too many decimal places")
    shift = places - decimals
    if int((size - (dot >= 0) + shift).max()) > 18:  # sign and digits, once scaled
        raise Unsummable("sums beyond 64-bit integers")
    whole = pc.cast(pc.replace_substring(numbers, ".", ""), pa.int64()).to_numpy()
    return whole.astype(np.int64) * 10 ** shift, places
