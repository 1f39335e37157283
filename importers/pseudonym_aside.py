"""The donors' pseudonyms worked out on the machine's other core while the import goes on.

parse.donors hands over the identities it found, Arrow string columns whose offsets and
bytes go to a helper process as they are (importers.pseudonym_hashes: no str per cell
here), and carries on with the other columns and the entries; the pseudonyms are taken
when first needed (each entry's donor line, importers.columns), long done by then. On
300,000 different donors that takes the HMACs' 0.2-0.3 s of CPU off the import's path.

Only where it pays: at least MIN_IDENTITIES identities and a second core this process may
run on. Any failure of the helper (it cannot start, dies, breaks the pipe, answers short,
or is still not done after the timeout) means the same hashing in this process: the same
pseudonyms, never a hang. The key goes to the helper through its stdin, never its
arguments or environment, and the identities never touch a file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
import pyarrow as pa

from importers import pseudonym_hashes
from importers.pseudonym_hashes import HEAD, MAGIC, NOTHING, WIDTH, hashes
from importers.table import Texts
from ledger.second_core import cores

MIN_IDENTITIES = 20_000  # fewer: starting a helper (~20 ms) costs about what it saves
TIMEOUT = 30.0  # seconds, plus PER_IDENTITY each, before the helper is given up on
PER_IDENTITY = 20e-6


class Request(NamedTuple):
    """The identities as the helper reads them: each one's length in bytes, and the
    pieces of UTF-8 that hold them one after another."""
    lengths: np.ndarray  # uint32
    pieces: list
    size: int  # bytes in all pieces

    def data(self) -> bytes:
        return b"".join(self.pieces)


def request(parts: Sequence) -> Request | None:
    """The identities of `parts`, each an Arrow string column (its offsets and bytes taken
    as they are) or a list of str; None where a cell is null or a column not strings."""
    lengths, pieces = [], []
    for part in parts:
        if isinstance(part, list):
            texts = [x.encode() for x in part]
            lengths.append(np.fromiter(map(len, texts), np.uint32, len(texts)))
            pieces.append(b"".join(texts))
            continue
        for c in part.chunks if isinstance(part, pa.ChunkedArray) else [part]:
            large = pa.types.is_large_string(c.type)
            if c.null_count or not (large or pa.types.is_string(c.type)):
                return None
            if not len(c):
                continue
            _, offsets, data = c.buffers()
            at = np.frombuffer(offsets, np.int64 if large else np.int32)[
                c.offset:c.offset + len(c) + 1]
            lengths.append(np.diff(at).astype(np.uint32))
            pieces.append(memoryview(data)[int(at[0]):int(at[-1])] if data else b"")
    joined = np.concatenate(lengths) if lengths else np.zeros(0, np.uint32)
    return Request(joined, pieces, sum(len(p) for p in pieces))


class Helper:
    """A helper process hashing one request, fed and read by a thread of this process
    (the pipe's reads and writes let go of the interpreter's lock), so this process
    goes on meanwhile. reply() waits for it, or hashes in process where it failed."""

    def __init__(self, key: bytes, req: Request):
        self.key, self.req, self.count = key, req, len(req.lengths)
        self._reply: bytes | None = None
        self._proc: subprocess.Popen | None = None
        self._thread = threading.Thread(target=self._run, name="pseudonyms", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        req, proc = self.req, None
        try:
            proc = self._proc = subprocess.Popen(
                [sys.executable, "-I", "-S", pseudonym_hashes.__file__],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            with proc.stdin:
                proc.stdin.write(HEAD.pack(MAGIC, len(self.key), os.getpid(),
                                           len(req.lengths), req.size))
                proc.stdin.write(self.key)
                proc.stdin.write(req.lengths.astype(np.uint32).tobytes())
                for piece in req.pieces:
                    proc.stdin.write(piece)
            reply = proc.stdout.read()
            if proc.wait() == 0 and len(reply) == WIDTH * self.count:
                self._reply, self.req = reply, None  # the identities let go of, once hashed
        except (OSError, ValueError):  # no helper, or a broken pipe: reply() hashes here
            pass
        finally:
            if proc is not None:
                _end(proc)

    def reply(self) -> bytes:
        """WIDTH hex (or NOTHING) per identity, as pseudonym_hashes.hashes gives."""
        self._thread.join(TIMEOUT + PER_IDENTITY * self.count)
        if self._thread.is_alive() and self._proc is not None:
            _end(self._proc)  # too late: given up on (the thread then ends)
        req = self.req  # before the reply: the thread lets go of it only once replied
        got = self._reply
        if got is None and req is not None:
            got = hashes(self.key, req.lengths.tolist(), req.data())
        self.req = None  # the identities are let go of as soon as they are hashed
        return got


def _end(proc: subprocess.Popen) -> None:
    """The helper stopped (if it still runs) and reaped: it leaves no process behind."""
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


def pseudonyms(reply: bytes, at: np.ndarray, valid: np.ndarray) -> pa.Array:
    """The donors' values as parse.donors keeps them: "d-" and the hex where the reply
    has one for position at[k], "" where it has NOTHING or no position does, None where
    not `valid` (a value no row has)."""
    total = len(valid)
    hexes = np.frombuffer(reply, np.uint8).reshape(-1, WIDTH)
    some = hexes[:, 0] != NOTHING[0]
    lengths = np.zeros(total, np.int32)
    lengths[at[some]] = 2 + WIDTH
    offsets = np.zeros(total + 1, np.int32)
    np.cumsum(lengths, out=offsets[1:])
    data = np.empty((int(some.sum()), 2 + WIDTH), np.uint8)
    data[:, :2] = np.frombuffer(b"d-", np.uint8)
    data[:, 2:] = hexes[some]
    nulls = total - int(valid.sum())
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little")) if nulls else None
    return pa.StringArray.from_buffers(total, pa.py_buffer(offsets), pa.py_buffer(data),
                                       bitmap, nulls)


class Later(Texts):
    """Texts whose Arrow array is made when first read (the length known before)."""

    def __init__(self, make: Callable[[], pa.Array], n: int):  # no Texts.__init__: no array
        self._make, self._n = make, n
        self._array: pa.Array | None = None
        self._lock = threading.Lock()  # the text may be made on more than one thread

    @property
    def array(self) -> pa.Array:
        with self._lock:
            if self._array is None:
                self._array = self._make()
                self._make = None
        return self._array

    def __len__(self) -> int:
        return self._n


def aside(pseudo, parts: Sequence, used: np.ndarray, extra: list[str]) -> Later | None:
    """The pseudonyms of parse.donors's values, worked out by a helper: parts (each an
    identity column's distinct values) and the "no identity" value at len(used) - 1,
    then `extra` (identities of their own); `used`: which of the parts' values and the
    "no identity" one some row has. None where the helper does not pay or cannot take
    them (the caller hashes them itself)."""
    if int(used.sum()) + len(extra) < MIN_IDENTITIES or cores() < 2:
        return None
    taken, k = [], 0
    for part in parts:
        u = used[k:k + len(part)]
        k += len(part)
        if isinstance(part, Texts):
            taken.append(part.array if u.all() else part.array.filter(pa.array(u)))
        elif isinstance(part, list) and all(isinstance(x, str) for x in part):
            taken.append(part if u.all() else [x for x, y in zip(part, u.tolist()) if y])
        else:
            return None
    req = request([*taken, list(extra)])
    if req is None:
        return None
    helper = Helper(pseudo.key, req)  # the key asked for (and checked) here, as in process
    size = len(used) - 1  # the "no identity" value
    at = np.concatenate([np.flatnonzero(used[:size]), size + 1 + np.arange(len(extra))])
    valid = np.concatenate([used, np.ones(len(extra), dtype=bool)])
    return Later(lambda: pseudonyms(helper.reply(), at, valid), len(valid))
