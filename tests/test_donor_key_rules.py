"""The donor key's rules called in the test process (`importers.pseudonym.checked_key`),
each at its edge: 32 bytes taken and 31 refused, readable by the group or by others
refused and private taken, inside the books folder (or a folder within it) refused and
beside it taken, missing while the books hold pseudonyms refused unless a new key is asked
for (then said on stderr), and the pseudonym itself: "d-" and 8 hex of the keyed hash of
the identity, ignoring case and spacing. The CLI's refusals are tests/test_donor_key.py."""

from __future__ import annotations

import hashlib
import hmac
import os

import pytest

from importers.errors import Problem
from importers.pseudonym import Pseudonymiser, checked_key, normalise

KEY = "0123456789abcdef" * 4  # 64 bytes of text


def key_file(folder, text=KEY, mode=0o600):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "donor.key"
    path.write_text(text + "\n")
    os.chmod(path, mode)
    return path


def never():
    raise AssertionError("asked whether the books hold pseudonyms with a key at hand")


def test_a_key_of_32_bytes_is_taken_and_of_31_refused(tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    path = key_file(tmp_path / "k32", KEY[:32])
    assert checked_key(books, never, False, path) == KEY[:32].encode()
    path = key_file(tmp_path / "k31", KEY[:31])
    with pytest.raises(Problem, match="the donor key is 31 bytes, shorter than 32"):
        checked_key(books, never, False, path)


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o620, 0o602, 0o610, 0o601, 0o644])
def test_a_key_anyone_else_can_read_or_write_is_refused(tmp_path, mode):
    path = key_file(tmp_path / "k", mode=mode)
    with pytest.raises(Problem, match=f"read by other users of this computer: make it yours "
                       f"alone with: chmod 600 {path}"):
        checked_key(tmp_path / "books", never, False, path)


@pytest.mark.parametrize("mode", [0o600, 0o400, 0o700])
def test_a_key_only_its_owner_can_use_is_taken(tmp_path, mode):
    path = key_file(tmp_path / "k", mode=mode)
    assert checked_key(tmp_path / "books", never, False, path) == KEY.encode()


@pytest.mark.parametrize("where", [".", "keys", "keys/deeper"])
def test_a_key_inside_the_books_folder_is_refused(tmp_path, where):
    books = tmp_path / "books"
    path = key_file(books / where)
    with pytest.raises(Problem, match="the donor key is inside the books folder") as got:
        checked_key(books, never, False, path)
    assert got.value.file == str(path)
    assert f"mv {path} ~/.config/fundledger/donor.key" in str(got.value)


def test_a_key_beside_the_books_is_taken(tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    # A folder whose name only starts with the books folder's name is another folder.
    assert checked_key(books, never, False, key_file(tmp_path / "books2")) == KEY.encode()
    assert checked_key(books, never, False, key_file(tmp_path)) == KEY.encode()
    assert checked_key(None, never, False, key_file(books / "k")) == KEY.encode()


def test_a_missing_key_with_pseudonyms_in_the_books(tmp_path, capsys):
    books = tmp_path / "books"
    books.mkdir()
    path = tmp_path / "key" / "donor.key"
    with pytest.raises(Problem, match="the donor key is missing, and these books already "
                       "hold donor pseudonyms made with it"):
        checked_key(books, lambda: True, False, path)
    assert not path.exists()
    key = checked_key(books, lambda: True, True, path)
    err = capsys.readouterr().err
    assert f"fundledger: warning: a NEW donor key replaces the lost one ({path})" in err
    assert f"created the donor pseudonym key {path}" in err
    assert len(key) == 64 and path.stat().st_mode & 0o777 == 0o600
    assert checked_key(books, never, False, path) == key  # kept, never made again


def test_a_missing_key_for_books_without_pseudonyms_is_made_without_a_warning(tmp_path,
                                                                              capsys):
    path = tmp_path / "key" / "donor.key"
    for new_key in (False, True):
        path.unlink(missing_ok=True)
        checked_key(tmp_path / "books", lambda: False, new_key, path)
        err = capsys.readouterr().err
        assert "created the donor pseudonym key" in err and "NEW donor key" not in err


def test_the_pseudonym_is_the_keyed_hash_of_the_identity():
    p = Pseudonymiser(KEY.encode())
    want = "d-" + hmac.new(KEY.encode(), b"ann smith@example.org", hashlib.sha256
                           ).hexdigest()[:8]
    assert p.donor("ann smith@example.org") == want
    assert p.donor("  Ann   SMITH@Example.org ") == want
    assert p.donor("Ann Smith@example.org\t") == want
    assert p.donor("ann smith@example.com") != want
    assert Pseudonymiser(KEY[::-1].encode()).donor("ann smith@example.org") != want
    assert p.donor("") == p.donor("  \t") == ""
    assert normalise("  Ann \n Smith ") == "ann smith"
    assert len(p.digest("x", 12)) == 12


def test_the_key_is_checked_against_the_books_when_first_needed(tmp_path, monkeypatch):
    books = tmp_path / "books"
    path = key_file(books)
    monkeypatch.setenv("FUNDLEDGER_DONOR_KEY", str(path))
    p = Pseudonymiser()
    p.for_books(books, never)
    with pytest.raises(Problem, match="inside the books folder"):
        p.donor("someone")
    outside = key_file(tmp_path / "elsewhere")
    monkeypatch.setenv("FUNDLEDGER_DONOR_KEY", str(outside))
    p = Pseudonymiser()
    p.for_books(books, never)
    assert p.donor("someone") == Pseudonymiser(KEY.encode()).donor("someone")
