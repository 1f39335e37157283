"""Books I/O: every change is all or nothing, locked, and survives a killed writer."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from ledger import books

GOOD = """
2025-01-15 * "Donor" "Gift"
  fund: "general"
  Assets:Bank:Current            10.00 GBP
  Income:Donations:Bank         -10.00 GBP
"""


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_append_adds_file_and_include(demo):
    changes = books.appended(demo, {"imports/bank/2024.beancount": GOOD})
    assert set(changes) == {"imports/bank/2024.beancount", "main.beancount"}
    books.apply(demo, changes)
    assert 'include "imports/bank/2024.beancount"' in demo.read_text()
    _entries, errors, _ = books.load(demo)
    assert errors == []
    # Appending again to an included file does not add a second include.
    again = books.appended(demo, {"imports/bank/2024.beancount": GOOD.replace("10.00", "11.00")})
    assert set(again) == {"imports/bank/2024.beancount"}


def test_bad_change_leaves_books_byte_identical(demo):
    before = snapshot(demo.parent)
    bad = GOOD.replace('"general"', '"no-such-fund"')
    with pytest.raises(books.BooksError) as info:
        books.apply(demo, books.appended(demo, {"imports/bank/2024.beancount": bad}))
    assert "fund 'no-such-fund' is not declared" in str(info.value)
    # The error points at the real books, not the staging copy.
    assert str(demo.parent / "imports/bank/2024.beancount") in str(info.value)
    after = snapshot(demo.parent)
    after.pop(books.LOCK, None)
    assert after == before


def test_refuses_paths_outside_books(demo):
    with pytest.raises(books.BooksError):
        books.apply(demo, {"../escape.beancount": GOOD})


def test_recover_rolls_a_journaled_change_forward(demo):
    folder = demo.parent
    target = folder / "journal.beancount"
    new_text = target.read_text() + GOOD
    # What a writer killed just after its commit point leaves behind:
    (folder / ("journal.beancount" + books.NEW_SUFFIX)).write_text(new_text)
    (folder / books.JOURNAL).write_text(json.dumps(["journal.beancount"]))
    _entries, errors, _ = books.load(demo)  # a reader finishes the change first
    assert errors == []
    assert target.read_text() == new_text
    assert not (folder / books.JOURNAL).exists()


def test_recover_discards_an_uncommitted_change(demo):
    folder = demo.parent
    before = (folder / "journal.beancount").read_text()
    # Killed before the commit point: new files but no journal.
    (folder / ("journal.beancount" + books.NEW_SUFFIX)).write_text("half a file")
    books.apply(demo, books.appended(demo, {"imports/bank/2024.beancount": GOOD}))
    assert (folder / "journal.beancount").read_text() == before
    assert not list(folder.rglob("*" + books.NEW_SUFFIX))
