"""Donor pseudonyms: a keyed hash, so repeat giving can be counted without a name.

`donor: "d-" + first 8 hex of HMAC-SHA256(key, normalised identity)`. The key lives outside
the books (default ~/.config/fundledger/donor.key, or the path in FUNDLEDGER_DONOR_KEY):
whoever holds the books but not the key cannot test a guessed email against a pseudonym.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sys
from pathlib import Path

from importers.errors import Problem

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


def normalise(identity: str) -> str:
    """Emails and names are matched ignoring case and spacing."""
    return " ".join(identity.split()).casefold()


class Pseudonymiser:
    def __init__(self, key: bytes | None = None):
        self._key = key
        self._cache: dict[str, str] = {}

    @property
    def key(self) -> bytes:
        if self._key is None:
            self._key = load_key()
        return self._key

    def digest(self, identity: str, length: int = 8) -> str:
        return hmac.new(self.key, normalise(identity).encode(), hashlib.sha256).hexdigest()[:length]

    def donor(self, identity: str) -> str:
        """'d-' + 8 hex for a donor identity; '' for no identity."""
        if not identity.strip():
            return ""
        got = self._cache.get(identity)
        if got is None:
            got = self._cache[identity] = "d-" + self.digest(identity)
        return got
