"""The donors' pseudonyms' HMACs, worked out by a second process while the import goes on.

On a download of 300,000 different donors the HMAC-SHA256s alone take 0.2 s of CPU, and
hashlib keeps the interpreter's lock for short texts, so a thread would not help; a
process started as `python -I -S pseudonym_hashes.py` does the hashing on the machine's
other core (importers.pseudonym_aside). This module is that process's whole program, and
imports nothing but the standard library: no numpy, no Arrow, no project module (it runs
with no site-packages). The import process uses the same functions, so the hashing is one
piece of code whether it runs here or in process.

The request, on stdin: HEAD (the key's length, the importer's process id, how many
identities, their bytes), the key, each identity's length in bytes (native 32-bit), then
the identities' UTF-8 one after another. The reply, on stdout: 8 hex characters per
identity, in order, or 8 spaces for one that normalises to nothing.
"""

from __future__ import annotations

import hashlib
import os
import signal
import struct
import sys

SHA256_BLOCK = 64
HEAD = struct.Struct("<4sIIQQ")  # magic, key bytes, importer's pid, identities, data bytes
MAGIC = b"FLP1"
WIDTH = 8  # hex characters of a pseudonym
NOTHING = b" " * WIDTH  # an identity that normalises to nothing: no pseudonym
CHECK_EVERY = 8192  # identities hashed between two looks at whether the importer is alive


def normalise(identity: str) -> str:
    """Emails and names are matched ignoring case and spacing."""
    return " ".join(identity.split()).casefold()


def keyed(key: bytes) -> tuple:
    """SHA-256 states after the key XOR ipad and XOR opad: HMAC's own construction
    (RFC 2104), as hmac.new builds it, kept to be copied for each text."""
    if len(key) > SHA256_BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(SHA256_BLOCK, b"\0")
    return (hashlib.sha256(bytes(b ^ 0x36 for b in key)),
            hashlib.sha256(bytes(b ^ 0x5C for b in key)))


def hashes(key: bytes, lengths, data: bytes, importer: int = 0) -> bytearray:
    """WIDTH hex (or NOTHING) per identity: `lengths` (ints) cut `data` (UTF-8) into the
    identities. With `importer` (a process id), stop at once if that process is gone."""
    inner0, outer0 = keyed(key)
    text = None
    if data.isascii():  # sliced as one str, where each byte is a character
        text, data = data.decode(), b""  # (the bytes let go of: the helper's peak memory)
    out = bytearray()
    add = out.extend
    pos = 0
    for i, n in enumerate(lengths):
        if importer and not i % CHECK_EVERY and os.getppid() != importer:
            os._exit(3)  # the importer died: nobody is waiting for this
        identity = text[pos:pos + n] if text is not None else data[pos:pos + n].decode()
        pos += n
        norm = normalise(identity)
        if not norm:
            add(NOTHING)
            continue
        inner, outer = inner0.copy(), outer0.copy()
        inner.update(norm.encode())
        outer.update(inner.digest())
        add(outer.hexdigest()[:WIDTH].encode())
    return out


def _exactly(src, n: int) -> bytes:
    got = src.read(n)
    if len(got) != n:  # the importer went away mid-request
        os._exit(2)
    return got


def main() -> None:
    # Ctrl-C reaches this process too (one process group): it ends at once, quietly; a
    # reply nobody reads (the importer gone) ends it as well.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    src = sys.stdin.buffer
    magic, key_len, importer, count, size = HEAD.unpack(_exactly(src, HEAD.size))
    if magic != MAGIC:
        os._exit(4)
    key = _exactly(src, key_len)
    lengths = memoryview(_exactly(src, 4 * count)).cast("I")
    reply = hashes(key, lengths, _exactly(src, size), importer)
    sys.stdout.buffer.write(reply)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
