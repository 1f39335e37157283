"""New entries' text as UTF-8 bytes made in Arrow, for `fundledger import --dry-run`.

txn.Ordered.chunks() gives the same text as Python str; on a download of 300,000
different donors, building each entry's str, joining and encoding 112 MB of them cost
the dry run 0.25 s of 2.0. Here each slice's texts are joined in Arrow from the pieces a
Block keeps (leads, ids, rows, notes, posting lines) and its data buffer is written as it
is. Apart from txn, so a process that never prints (Fava's server) loads no pyarrow.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from importers.txn import Block, Ordered, render


def encoded(entries: Ordered, size: int = 8192) -> Iterator[pa.Buffer]:
    """("".join(entries.chunks()) + "\\n").encode(), a slice at a time: each entry's text
    and a newline."""
    if not len(entries):
        yield pa.py_buffer(b"\n")
    for start in range(0, len(entries), size):
        yield _utf8(_slice(entries, start, start + size))


def _slice(entries: Ordered, start: int, stop: int) -> pa.Array:
    """entries.slice(start, stop) in Arrow, each text followed by a newline."""
    which = np.arange(start, min(stop, len(entries))) if entries.order is None \
        else entries.order[start:stop]
    starts = entries.starts
    piece = np.searchsorted(starts, which, side="right") - 1
    parts, order = [], []
    for p in np.unique(piece).tolist():
        mine = np.flatnonzero(piece == p)
        if p < len(entries.pieces):
            block, kept = entries.pieces[p]
            parts.append(_block(block, kept[which[mine] - starts[p]]))
        else:
            parts.append(pa.array([render(entries.txns[k - int(starts[-1])]) + "\n"
                                   for k in which[mine].tolist()], pa.string()))
        order.append(mine)
    if len(parts) == 1:
        return parts[0]
    back = np.empty(len(which), dtype=np.int64)
    back[np.concatenate(order)] = np.arange(len(which))
    return pa.concat_arrays(parts).take(pa.array(back))


def _block(block: Block, at: np.ndarray) -> pa.Array:
    """block.render(at) in Arrow, each text followed by a newline (the blank line between
    entries)."""
    if block.arrow_leads is None:  # the distinct leads, once
        block.arrow_leads = pa.array(block.leads.tolist(), pa.string())
    rows = pc.cast(pa.array(block.rows[at]), pa.string())
    got = pc.binary_join_element_wise(
        block.arrow_leads.take(pa.array(block.lead_of[at])),
        pa.array([block.quoted[i] for i in at.tolist()], pa.string()),
        f'"\n{block.file_line}  import-row: ', rows, "\n",
        _strings(block.notes, block.note_of[at]), _strings(block.postings, block.money[at]),
        "\n", "")
    return got.combine_chunks() if isinstance(got, pa.ChunkedArray) else got


def _strings(texts, which: np.ndarray) -> pa.Array:
    """texts[which] as an Arrow string array: notes and postings kept as columns
    (importers.columns.Notes, column_amounts.Postings) give theirs, an object array is
    converted."""
    if hasattr(texts, "strings"):
        return texts.strings(which)
    return pa.array(texts[which].tolist(), pa.string())


def _utf8(texts: pa.Array) -> pa.Buffer:
    """The concatenated values of a string array with no nulls: its data buffer between
    its first and last offsets."""
    if texts.null_count:
        raise ValueError("an entry's text is missing")
    wide = pa.types.is_large_string(texts.type)
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int64 if wide else np.int32)
    first, last = offsets[texts.offset], offsets[texts.offset + len(texts)]
    return texts.buffers()[2].slice(int(first), int(last - first))
