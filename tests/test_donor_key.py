"""Issue 29 finding 7: the donor key cannot change silently, nor be weak, shared or kept
with the books. Each refusal leaves the books byte for byte as they were."""

from __future__ import annotations

import os

import pytest
from conftest import cli_env, run_cli
from importers_support import FIXTURES, write_books


def snapshot(folder):
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def books(tmp_path):
    """Books that already hold pseudonyms, made with the key at tmp_path/key/donor.key."""
    main = write_books(tmp_path / "b")
    env = dict(cli_env(), FUNDLEDGER_DONOR_KEY=str(tmp_path / "key" / "donor.key"))
    r = run_cli("import", FIXTURES / "casefunder.csv", "--books", main, env=env)
    assert r.returncode == 0, r.stderr
    assert 'donor: "d-' in (main.parent / "imports").joinpath(
        "casefunder", "2023.beancount").read_text()
    return main


def refused(main, key, *words, flags=()):
    before = snapshot(main.parent)
    env = dict(cli_env(), FUNDLEDGER_DONOR_KEY=str(key))
    r = run_cli("import", FIXTURES / "paypal_uk.csv", "--books", main, *flags, env=env)
    assert r.returncode == 1, r.stdout
    for w in words:
        assert w in r.stderr, (w, r.stderr)
    assert snapshot(main.parent) == before
    return r.stderr


def test_a_missing_key_is_refused_when_the_books_hold_pseudonyms(books, tmp_path):
    key = tmp_path / "key" / "donor.key"
    key.unlink()
    refused(books, key, "the donor key is missing", "--new-donor-key", "restore it")
    assert not key.exists()
    env = dict(cli_env(), FUNDLEDGER_DONOR_KEY=str(key))
    r = run_cli("import", FIXTURES / "paypal_uk.csv", "--books", books, "--new-donor-key",
                env=env)
    assert r.returncode == 0, r.stderr
    assert "NEW donor key" in r.stderr and key.exists()


def test_a_short_key_is_refused(books, tmp_path):
    key = tmp_path / "key" / "donor.key"
    key.write_text("0123456789abcdef0123456789abcde\n")  # 31 bytes
    os.chmod(key, 0o600)
    refused(books, key, "31 bytes, shorter than 32")


def test_a_key_others_can_read_is_refused_with_the_fix(books, tmp_path):
    key = tmp_path / "key" / "donor.key"
    os.chmod(key, 0o644)
    refused(books, key, f"chmod 600 {key}")


def test_a_key_inside_the_books_is_refused_with_the_fix(books, tmp_path):
    key = books.parent / "donor.key"
    key.write_bytes((tmp_path / "key" / "donor.key").read_bytes())
    os.chmod(key, 0o600)
    refused(books, key, "inside the books folder", f"mv {key}")
