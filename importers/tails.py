"""The posting lines of an import's groups of amounts (importers.columns), as the books
check takes them (ledger.quick_columns.Split): made a slice at a time when written, and
read by the check from what they are made of.

Each group's lines are `{prefix}{number:>10} {currency}\\n` (column_amounts.lines), from
its context's account prefixes, its numbers as written and its currency. What
ledger.quick_tails.read finds by splitting those texts and matching every line (the
numbers as written, the lines per group, each group's lines with every number written 0)
is known from those parts before any line is made: `Tails.read()` works it out from
them, with each part checked against the line's grammar (quick_tails.LINE_PARTS) as the
text would be, and the texts are made only to be written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from importers.column_amounts import Postings
from ledger import quick_tails
from ledger.quick_tails import SLICE, Unsummable

WIDTH = 10  # a number's column: column_amounts.lines pads it on the left to this
# LINE_PARTS' three parts one by one, as Python's re reads them (its \s is wider than
# RE2's: what it takes, RE2 takes); the numbers are matched in RE2, as LINE_PARTS is.
LEAD = re.compile(r"  [A-Z][^\s;\"]* +")
UNIT = re.compile(r" [A-Z][A-Z0-9'._-]*")
NUMBER = r"^-?[0-9]+(?:\.[0-9]+)?$"


class Tails(Sequence):
    """The posting lines of several blocks' groups (txn.columnar: (postings, groups) per
    block), as the books check reads them: a slice at a time, in Arrow, so the lines of
    every group are never made at once (ledger.quick_columns.Split)."""

    def __init__(self, parts: list[tuple[object, np.ndarray]]):
        self.parts = parts
        self.starts = np.cumsum([0] + [len(which) for _, which in parts])

    def __len__(self) -> int:
        return int(self.starts[-1])

    def __getitem__(self, i):
        if not isinstance(i, slice):
            if not 0 <= i < len(self):
                raise IndexError(i)
            return self[i:i + 1][0].as_py()
        start, stop, step = i.indices(len(self))
        if step != 1:
            raise ValueError("a slice of posting lines goes one by one")
        got = [pa.array([], pa.string())]
        for (postings, which), first in zip(self.parts, self.starts.tolist(), strict=False):
            a, b = max(start - first, 0), min(stop - first, len(which))
            if a < b:
                got.append(postings.arrow(which[a:b]) if isinstance(postings, Postings)
                           else pa.array(list(postings[which[a:b]]), pa.string()))
        return pa.concat_arrays(got)

    def __iter__(self):
        for start in range(0, len(self), SLICE):
            yield from self[start:start + SLICE].to_pylist()

    def read(self) -> quick_tails.Tails:
        """What quick_tails.read(self) gives, up to the numbering of the zeroed tails,
        without making a line: Unsummable where a part is not what a posting line holds
        (then the texts are read), or a block's lines were not made from Postings."""
        zeroed: dict[str, int] = {}
        numbers, counts, tail_of = [pa.array([], pa.string())], [np.zeros(0, np.int64)], [
            np.zeros(0, np.int64)]
        for postings, which in self.parts:
            if not isinstance(postings, Postings):
                raise Unsummable("posting lines given as texts")
            got = _read(postings, np.asarray(which, dtype=np.int64), zeroed)
            numbers.append(got[0])
            counts.append(got[1])
            tail_of.append(got[2])
        written = pa.concat_arrays(numbers)
        if written.null_count or (len(written) and not pc.all(
                pc.match_substring_regex(written, NUMBER)).as_py()):
            raise Unsummable("a number not as beancount's grammar reads one")
        return quick_tails.Tails(written, np.concatenate(counts), np.concatenate(tail_of),
                                 list(zeroed))


def _read(postings: Postings, which: np.ndarray, zeroed: dict[str, int]
          ) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """Groups `which` of one block: their lines' numbers as written (group after group,
    line after line), how many lines each has, and the id in `zeroed` of its lines with
    every number written 0 (numbered as first met)."""
    counts = np.zeros(len(which), dtype=np.int64)
    tail_of = np.zeros(len(which), dtype=np.int64)
    pieces, order = [], []
    for mine, (prefixes, numbers, shown, currency), places in postings.contexts(which):
        local = pa.array(places)
        m, n = len(mine), len(prefixes)
        nums = [_combined(x.take(local)) for x in numbers]
        show = np.ones((m, n), dtype=bool)
        for j, s in enumerate(shown):
            if s is not None:
                show[:, j] = s[places]
        pad = np.stack([np.maximum(WIDTH - pc.utf8_length(x).to_numpy(zero_copy_only=False)
                                   .astype(np.int64), 0) for x in nums], axis=1)
        units = _combined(currency.take(local)).dictionary_encode()
        unit = [f" {u}" for u in units.dictionary.to_pylist()]
        if any(UNIT.fullmatch(u) is None for u in unit):
            raise Unsummable("a currency not as beancount's grammar reads one")
        # a group's zeroed lines follow from its currency and each line's padding (-1:
        # the line left out), numbered as one int64 in base WIDTH + 2
        key = units.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        for j in range(n):
            key = key * (WIDTH + 2) + np.where(show[:, j], pad[:, j] + 1, 0)
        distinct, inverse = np.unique(key, return_inverse=True)
        ids = []
        for k in distinct.tolist():
            lead = []
            for j in reversed(range(n)):
                k, p = divmod(k, WIDTH + 2)
                if p:
                    lead.insert(0, prefixes[j] + " " * (p - 1))
            if any(LEAD.fullmatch(x) is None for x in lead):
                raise Unsummable("an account not as beancount's grammar reads one")
            text = "".join(f"{x}0{unit[k]}\n" for x in lead)
            ids.append(zeroed.setdefault(text, len(zeroed)))
        tail_of[mine] = np.array(ids, dtype=np.int64)[inverse.reshape(-1)]
        counts[mine] = show.sum(axis=1)
        # line j of group k is at j * m + k among the context's numbers
        at = (np.arange(n) * m + np.arange(m)[:, None])[show]
        pieces.append(pa.concat_arrays(nums).take(pa.array(at)))
        order.append(mine)
    if (counts == 0).any():
        raise Unsummable("a template with no posting line")
    if len(order) < 2:
        return (pieces[0] if pieces else pa.array([], pa.string())), counts, tail_of
    # the contexts' lines, group by group in the order of `which`
    got = np.concatenate(order)
    begins = np.zeros(len(which), dtype=np.int64)
    begins[got] = np.cumsum(counts[got]) - counts[got]
    return pa.concat_arrays(pieces).take(pa.array(quick_tails.spans(begins, counts))), \
        counts, tail_of


def _combined(x) -> pa.Array:
    return x.combine_chunks() if isinstance(x, pa.ChunkedArray) else x
