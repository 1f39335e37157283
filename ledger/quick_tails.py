"""An import's posting texts read column-wise, once.

An import hands its groups of alike entries over with one text of posting lines per group
(importers.txn: a tail). Two steps read them: the accounts the import opens, each from
the first day one of its groups is booked (importers.opened), and the books check, which
parses each distinct tail once with its numbers written 0 and takes every group's own
numbers as written (ledger.quick_columns). `read()` reads them for both, a slice at a
time, in arrow's C (RE2): split into lines, and one regex pass over the lines.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # imported where used: a load that checks no import needs no arrow
    import pyarrow as pa

SLICE = 32_768  # tails read at once: each step copies what it reads
KEY_BITS = 62  # a tail's lines numbered as one int64 up to this many bits
# A posting line as importers write it, in its three parts: what leads the number
# (indent, account, spaces), the number as beancount's grammar reads it (no sign but a
# leading minus, no exponent, no thousands commas), and the currency after it.
LINE_PARTS = (r"^(?P<lead>  [A-Z][^\s;\"]* +)(?P<number>-?[0-9]+(?:\.[0-9]+)?)"
              r"(?P<unit> [A-Z][A-Z0-9'._-]*)$")


class Unsummable(Exception):
    """The entries cannot be summed exactly here."""


@dataclass
class Tails:
    """Tails as read: tail k has counts[k] posting lines, whose numbers as written are
    numbers[starts[k]:starts[k + 1]], and is zeroed[tail_of[k]] with every number
    written 0."""

    numbers: pa.Array
    counts: np.ndarray
    tail_of: np.ndarray
    zeroed: list[str]

    @property
    def starts(self) -> np.ndarray:
        return np.concatenate([[0], np.cumsum(self.counts)]).astype(np.int64)


def read(tails) -> Tails:
    """Tails (a sequence of str, an object array or an arrow column) read, or Unsummable
    where one is not a run of posting lines (LINE_PARTS), each ending with a newline."""
    import pyarrow as pa
    import pyarrow.compute as pc

    tail_of = np.empty(len(tails), dtype=np.int64)
    zeroed_ids: dict[str, int] = {}  # a tail with every number written 0 -> its id
    lines_seen: dict[str, int] = {}  # a posting line with its number written 0 -> its id
    number_parts, count_parts = [pa.array([], pa.string())], [np.zeros(0, np.int64)]
    for start in range(0, len(tails), SLICE):
        part = tails[start:start + SLICE]
        part = part if isinstance(part, pa.Array) else pa.array(part, pa.string())
        lines = pc.split_pattern(part, "\n")
        count = pc.list_value_length(lines).to_numpy(zero_copy_only=False)
        flat = pc.list_flatten(lines)
        flat = flat.filter(pc.not_equal(flat, ""))
        # Nothing but posting lines, each ending with a newline: a tail ends with one,
        # and its only empty piece is the one after that last newline.
        if part.null_count or not pc.all(pc.ends_with(part, "\n")).as_py() \
                or len(flat) != int(count.sum()) - len(part):
            raise Unsummable("a template whose posting lines do not end it")
        count = count.astype(np.int64) - 1
        got = pc.extract_regex(flat, LINE_PARTS)
        if got.null_count:
            raise Unsummable("a template whose posting lines do not end it")
        number_parts.append(got.field("number"))
        count_parts.append(count)
        line = _zeroed_lines(got, lines_seen)
        # each tail as the ids of its lines: a number in base len(lines_seen) + 1 (digit
        # 0 for no line), or where that outgrows 63 bits, a row of a table
        base, width = len(lines_seen) + 1, int(count.max())
        table = np.zeros((len(part), width), dtype=np.int64)
        table[np.repeat(np.arange(len(part)), count), spans(np.zeros(len(part), np.int64),
                                                             count)] = line + 1
        if width * math.log2(base) < KEY_BITS:
            key = table @ (base ** np.arange(width, dtype=np.int64))
            _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
            rows = table[first]
        else:
            rows, inverse = np.unique(table, axis=0, return_inverse=True)
        written = list(lines_seen)
        ids = np.array([zeroed_ids.setdefault("".join(written[k - 1] for k in row if k),
                                              len(zeroed_ids)) for row in rows.tolist()],
                       dtype=np.int64)
        tail_of[start:start + len(part)] = ids[inverse.reshape(-1)]
    return Tails(pa.concat_arrays(number_parts), np.concatenate(count_parts), tail_of,
                 list(zeroed_ids))


def _zeroed_lines(parts, seen: dict[str, int]) -> np.ndarray:
    """Each posting line (extracted as LINE_PARTS) as the id in `seen` of its text with its
    number written 0 (numbered as first met), worked out once per distinct lead and unit."""
    lead, unit = parts.field("lead").dictionary_encode(), parts.field("unit").dictionary_encode()
    leads, units = lead.dictionary.to_pylist(), unit.dictionary.to_pylist()
    pair = (lead.indices.to_numpy(zero_copy_only=False).astype(np.int64) * len(units)
            + unit.indices.to_numpy(zero_copy_only=False).astype(np.int64))
    distinct, inverse = np.unique(pair, return_inverse=True)
    ids = np.array([seen.setdefault(f"{leads[p // len(units)]}0{units[p % len(units)]}\n",
                                    len(seen)) for p in distinct.tolist()], dtype=np.int64)
    return ids[inverse.reshape(-1)]


def spans(start: np.ndarray, width: np.ndarray) -> np.ndarray:
    """The positions start[k], start[k] + 1, ... (width[k] of them), k after k."""
    within = np.arange(int(width.sum())) - np.repeat(np.cumsum(width) - width, width)
    return np.repeat(start, width) + within
