"""Donor pseudonyms: a keyed hash, so repeat giving can be counted without a name.

`donor: "d-" + first 8 hex of HMAC-SHA256(key, normalised identity)`. The key lives outside
the books (default ~/.config/fundledger/donor.key, or the path in FUNDLEDGER_DONOR_KEY):
whoever holds the books but not the key cannot test a guessed email against a pseudonym.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from importers.errors import Problem
from importers.pseudonym_hashes import WIDTH, keyed, normalise

ENV = "FUNDLEDGER_DONOR_KEY"


def key_path() -> Path:
    env = os.environ.get(ENV)
    return Path(env).expanduser() if env else Path.home() / ".config" / "fundledger" / "donor.key"


def load_key(path: Path | None = None) -> bytes:
    """The donor key; created (and announced on stderr) the first time it is needed."""
    path = path or key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32) + "\n")
        print(f"fundledger: created the donor pseudonym key {path}. Back it up and keep it "
              "out of the books: without it, new imports give returning donors new "
              "pseudonyms.", file=sys.stderr)
    try:
        text = path.read_text().strip()
    except (OSError, UnicodeDecodeError) as e:
        raise Problem(str(path), 0, f"the donor key cannot be read ({e.__class__.__name__}); "
                      "restore it from your backup: a new key gives returning donors new "
                      "pseudonyms") from None
    if not text:
        raise Problem(str(path), 0, "the donor key file is empty; restore it from your "
                      "backup (a new key gives returning donors new pseudonyms)")
    return text.encode()


MIN_KEY = 32  # bytes: a short key can be found by trying them all
NEW_KEY_FLAG = "--new-donor-key"


def checked_key(books: Path | None, holds: Callable[[], bool], new_key: bool,
                path: Path | None = None) -> bytes:
    """The donor key for importing into `books`, refused where it would quietly weaken
    the pseudonyms: missing while the books already hold pseudonyms (a new key makes every
    returning donor a new supporter, and the fewer-than-5 rule protects less) unless
    `new_key`; shorter than MIN_KEY bytes; readable by others; or inside the books folder,
    where whoever is given the books could test guessed emails against them."""
    path = (path or key_path()).expanduser()
    where = str(path)
    if books is not None and path.resolve().is_relative_to(books.resolve()):
        raise Problem(where, 0, "the donor key is inside the books folder, where anyone "
                      "given the books could test a guessed email against a pseudonym: "
                      f"move it out (mv {path} ~/.config/fundledger/donor.key) or point "
                      f"{ENV} at a key outside the books")
    if not path.exists():
        if new_key:
            if holds():
                print(f"fundledger: warning: a NEW donor key replaces the lost one ({path}): "
                      "returning donors get new pseudonyms from now on, and are counted "
                      "again as new supporters.", file=sys.stderr)
        elif holds():
            raise Problem(where, 0, "the donor key is missing, and these books already hold "
                          "donor pseudonyms made with it: restore it from your backup (or "
                          f"set {ENV} to where it is). Only if it is lost for good, import "
                          f"with {NEW_KEY_FLAG}: returning donors will then get new "
                          "pseudonyms, so supporter counts grow and the fewer-than-5 rule "
                          "protects them less")
        return load_key(path)
    key = load_key(path)  # an empty or unreadable key says so first
    if path.stat().st_mode & 0o077:
        raise Problem(where, 0, "the donor key can be read by other users of this computer: "
                      f"make it yours alone with: chmod 600 {path}")
    if len(key) < MIN_KEY:
        raise Problem(where, 0, f"the donor key is {len(key)} bytes, shorter than {MIN_KEY}: "
                      "a short key can be found by trying every one. Restore the key the "
                      f"books were made with, or start a new one with {NEW_KEY_FLAG} "
                      "after moving this file away")
    return key


class Pseudonymiser:
    def __init__(self, key: bytes | None = None, new_key: bool = False):
        self._key = key
        self._pads: tuple | None = None
        self.new_key = new_key
        self._books: tuple[Path, Callable[[], bool]] | None = None

    def for_books(self, folder: Path, holds_pseudonyms: Callable[[], bool]) -> None:
        """The books the pseudonyms are for (and whether they hold any, asked only if the
        key is missing): the key is checked against them when first needed."""
        self._books = (folder, holds_pseudonyms)

    @property
    def key(self) -> bytes:
        if self._key is None:
            books, holds = self._books or (None, lambda: False)
            self._key = checked_key(books, holds, self.new_key)
        return self._key

    def digest(self, identity: str, length: int = 8) -> str:
        """HMAC-SHA256 of the identity (normalised) under the key, in hex."""
        return self._mac(normalise(identity))[:length]

    def _mac(self, text: str) -> str:
        """HMAC-SHA256 of a text under the key. The key's two padded hash states are made
        once and copied per text (hmac.new would redo them each time): on a download of
        300,000 different donors that halves the time this takes."""
        if self._pads is None:
            self._pads = keyed(self.key)
        inner, outer = self._pads[0].copy(), self._pads[1].copy()
        inner.update(text.encode())
        outer.update(inner.digest())
        return outer.hexdigest()

    def donor(self, identity: str) -> str:
        """'d-' + 8 hex for a donor identity; '' for no identity."""
        return self.donors([identity])[0]

    def donors(self, identities: Iterable[str | None]) -> list[str | None]:
        """donor() of each identity (None stays None), in one loop: a download of 300,000
        different donors spent more on calling donor() and digest() per identity than on
        hashing. The key is asked for only once there is a donor to hash. Not remembered:
        parsing asks once per distinct identity in a file, and a cache would keep every
        donor's name and email alive after the file is read."""
        out: list[str | None] = []
        add = out.append
        for identity in identities:
            if identity is None:
                add(None)
                continue
            text = normalise(identity)
            add("d-" + self._mac(text)[:WIDTH] if text else "")
        return out
