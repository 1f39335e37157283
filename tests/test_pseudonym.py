"""Donor pseudonyms are keyed: the same donor under two keys gets two unrelated pseudonyms,
and no pseudonym is a plain hash anyone could recompute from a guessed email.

A pseudonym without its key (a plain SHA-256 of the email, say) would let whoever holds
the books test a guess; these tests fail if the key stops mattering, whether or not a key
file is ever created.
"""

from __future__ import annotations

import hashlib
import hmac
import stat

import pytest
from conftest import cli_env, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from importers_support import FIXTURES, csv_rows, load_clean, txns, write_books

from importers.errors import Problem
from importers.pseudonym import ENV, Pseudonymiser, key_path, load_key, normalise

identities = st.text(min_size=1, max_size=60).filter(lambda s: s.strip())
# A key of zero bytes only is HMAC's empty key (HMAC pads keys with zeros): never a real
# key, which is 64 hex characters (pseudonym.load_key).
keys = st.binary(min_size=16, max_size=64).filter(lambda k: k.strip(b"\0"))


def unkeyed(identity: str) -> set[str]:
    """Every plain hash of an identity an attacker would try first."""
    found = set()
    for text in {identity, normalise(identity)}:
        for algo in ("sha256", "sha1", "md5", "blake2b"):
            found.add("d-" + hashlib.new(algo, text.encode()).hexdigest()[:8])
        found.add("d-" + hmac.new(b"", text.encode(), hashlib.sha256).hexdigest()[:8])
    return found


@settings(max_examples=200, deadline=None)
@given(identity=identities, key_a=keys, key_b=keys)
def test_the_same_donor_under_two_keys_gets_two_pseudonyms(identity, key_a, key_b):
    a, b = Pseudonymiser(key_a).donor(identity), Pseudonymiser(key_b).donor(identity)
    if key_a == key_b:
        assert a == b
    else:
        # 8 hex digits: two keys agree by chance once in 4 billion donors.
        assert a != b


@settings(max_examples=200, deadline=None)
@given(identity=identities, key=keys)
def test_a_pseudonym_is_the_keyed_hash_and_no_plain_one(identity, key):
    got = Pseudonymiser(key).donor(identity)
    assert got == "d-" + hmac.new(key, normalise(identity).encode(),
                                  hashlib.sha256).hexdigest()[:8]
    assert got not in unkeyed(identity)


@given(identity=identities, key=keys)
def test_repeat_gifts_keep_one_pseudonym_whatever_the_case_and_spacing(identity, key):
    p = Pseudonymiser(key)
    assert p.donor(identity) == p.donor(f"  {identity.upper()} ") == \
        Pseudonymiser(key).donor(" ".join(identity.split()).casefold())


def test_identities_are_matched_ignoring_case_and_spacing():
    assert normalise("  Jane \t ROE\n") == "jane roe"
    assert normalise("STRASSE") == normalise("straße")


def test_no_identity_no_pseudonym():
    assert Pseudonymiser(b"k" * 32).donor("   ") == ""


def _donors_imported_with(tmp_path, name: str, key: str) -> dict[str, str]:
    key_file = tmp_path / f"{name}.key"
    key_file.write_text(key + "\n")
    key_file.chmod(0o600)  # an import refuses a key other users can read
    main = write_books(tmp_path / name)
    env = dict(cli_env(), FUNDLEDGER_DONOR_KEY=str(key_file))
    r = run_cli("import", FIXTURES / "enthuse.csv", "--books", main, env=env)
    assert r.returncode == 0, r.stderr
    return {t.meta["import-id"]: t.meta["donor"] for t in txns(load_clean(main))}


def test_an_import_under_another_key_gives_every_donor_another_pseudonym(tmp_path):
    # Through the CLI, as a treasurer imports: the key is the only difference.
    a = _donors_imported_with(tmp_path, "a", "1" * 64)
    again = _donors_imported_with(tmp_path, "again", "1" * 64)
    b = _donors_imported_with(tmp_path, "b", "2" * 64)
    assert a == again  # a key is stable: the same books come out
    assert set(a) == set(b) and len(a) == 3
    assert all(a[i] != b[i] for i in a)
    # Repeat giving is still seen under either key (ES-1 gave twice).
    assert a["enthuse:ENT-T-1"] == a["enthuse:ENT-T-3"] != a["enthuse:ENT-T-2"]
    assert b["enthuse:ENT-T-1"] == b["enthuse:ENT-T-3"] != b["enthuse:ENT-T-2"]
    # No pseudonym is a plain hash of anything the export said about its donor.
    said = {v for r in csv_rows(FIXTURES / "enthuse.csv")
            for k, v in r.items() if k in ("Supporter ID", "Email", "First Name", "Last Name")}
    plain = set().union(*(unkeyed(v) for v in said))
    plain |= set().union(*(unkeyed(f"{x} {y}") for x in said for y in said))
    assert not (set(a.values()) | set(b.values())) & plain


# --- the key file ---------------------------------------------------------------------

def test_the_key_is_created_once_private_and_announced(tmp_path, capsys):
    path = tmp_path / "home" / "config" / "donor.key"  # folders made as needed
    key = load_key(path)
    assert capsys.readouterr().err == (
        f"fundledger: created the donor pseudonym key {path}. Back it up and keep it out of "
        "the books: without it, new imports give returning donors new pseudonyms.\n")
    assert len(key) == 64 and int(key, 16) >= 0  # 32 random bytes as hex
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key(path) == key and capsys.readouterr().err == ""  # read, not made anew
    assert load_key(tmp_path / "other.key") != key


def test_an_empty_key_file_is_refused(tmp_path):
    path = tmp_path / "donor.key"
    path.write_text("  \n")
    with pytest.raises(Problem) as got:
        load_key(path)
    assert (got.value.file, got.value.row, str(got.value)) == (
        str(path), 0, (f"{path}: the donor key file is empty; restore it from your backup "
                       "(a new key gives returning donors new pseudonyms)"))


@pytest.mark.parametrize(("write", "cause"), [
    (lambda p: p.write_bytes(b"\xff\xfe not text"), "UnicodeDecodeError"),
    (lambda p: p.mkdir(), "IsADirectoryError"),
])
def test_a_key_that_cannot_be_read_is_refused_never_replaced(tmp_path, write, cause):
    """A damaged key is never silently replaced: a new one would give every returning
    donor a new pseudonym."""
    path = tmp_path / "donor.key"
    write(path)
    with pytest.raises(Problem) as got:
        load_key(path)
    assert (got.value.file, got.value.row, str(got.value)) == (
        str(path), 0, (f"{path}: the donor key cannot be read ({cause}); restore it from "
                       "your backup: a new key gives returning donors new pseudonyms"))
    assert path.exists()  # left as it was, for the treasurer to restore


def test_the_key_lives_outside_the_books_or_where_the_environment_says(monkeypatch, tmp_path):
    monkeypatch.delenv(ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert key_path() == tmp_path / ".config" / "fundledger" / "donor.key"
    monkeypatch.setenv(ENV, "~/keys/donor.key")
    assert key_path() == tmp_path / "keys" / "donor.key"
    # A pseudonymiser given no key reads (here: makes) that file on first use.
    p = Pseudonymiser()
    got = p.donor("someone@example.org")
    key = (tmp_path / "keys" / "donor.key").read_text().strip().encode()
    assert got == Pseudonymiser(key).donor("someone@example.org")


@settings(max_examples=100, deadline=None)
@given(identity=identities, key=st.binary(min_size=0, max_size=200))
def test_the_pads_made_once_give_hmac_for_keys_of_every_length(identity, key):
    """Pseudonymiser keeps the key's padded hash states to copy per donor: for a key
    shorter than SHA-256's 64-byte block, exactly one block, and longer (hashed first,
    as RFC 2104 says), the pseudonym is still the standard library's HMAC."""
    stretched = (key or b"k") * 65
    for k in (key, stretched[:64], stretched[:65]):  # a whole block, and one byte over
        want = hmac.new(k, normalise(identity).encode(), hashlib.sha256).hexdigest()[:8]
        assert Pseudonymiser(k).digest(identity) == want
