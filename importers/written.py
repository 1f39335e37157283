"""New entries' text as UTF-8 bytes made in Arrow, for `fundledger import --dry-run`.

txn.Ordered.chunks() gives the same text as Python str; on a download of 300,000
different donors, building each entry's str, joining and encoding 112 MB of them cost
the dry run 0.25 s of 2.0. Here each slice's texts are joined in Arrow from the pieces a
Block keeps (leads, ids, rows, notes, posting lines) and its data buffer is written as it
is. Apart from txn, so a process that never prints (Fava's server) loads no pyarrow.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from importers.txn import Block, Ordered, render


def sections(result) -> Iterator[tuple[str, Ordered | None]]:
    """The dry run's text, what each books file would get (an importers.run.Result's
    accounts file and parts): each file's heading (and the accounts file's whole text),
    and the entries that follow it (None: none)."""
    if result.accounts_text is not None:
        yield (f"; ---- imports/accounts.beancount (as it would be)\n"
               f"{result.accounts_text}\n"), None
    for rel, (first, entries) in result.parts.items():
        yield f"; ---- {rel}\n{first}", entries


def dry_run(result, raw: BinaryIO) -> None:
    """The dry run's text (sections) as UTF-8 bytes."""
    for heading, entries in sections(result):
        raw.write(heading.encode())
        if entries is not None:
            raw.writelines(encoded(entries))


def encoded(entries: Ordered, size: int = 8192) -> Iterator[pa.Buffer]:
    """("".join(entries.chunks()) + "\\n").encode(), a slice at a time: each entry's text
    and a newline."""
    if not len(entries):
        yield pa.py_buffer(b"\n")
    leads: dict[int, pa.Array] = {}  # each block's distinct leads in Arrow, made once
    for start in range(0, len(entries), size):
        yield _utf8(_slice(entries, start, start + size, leads))


def _slice(entries: Ordered, start: int, stop: int, leads: dict) -> pa.Array:
    """entries.slice(start, stop) in Arrow, each text followed by a newline."""
    n, parts = entries.parts(start, stop)
    texts = [_block(block, at, leads) if block is not None
             else pa.array([render(entries.txns[k]) + "\n" for k in at.tolist()], pa.string())
             for _, block, at in parts]
    if len(parts) == 1:
        return texts[0]
    back = np.empty(n, dtype=np.int64)
    back[np.concatenate([mine for mine, _, _ in parts])] = np.arange(n)
    return pa.concat_arrays(texts).take(pa.array(back))


def _block(block: Block, at: np.ndarray, leads: dict) -> pa.Array:
    """block.render(at) in Arrow, each text followed by a newline (the blank line between
    entries)."""
    if id(block) not in leads:
        leads[id(block)] = pa.array(block.leads.tolist(), pa.string())
    rows = pc.cast(pa.array(block.rows[at]), pa.string())
    got = pc.binary_join_element_wise(
        leads[id(block)].take(pa.array(block.lead_of[at])),
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
