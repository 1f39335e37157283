"""A large download's common entries travel as columns (txn.Block) from the importer to
the books: deduplicated with the run's other files (run.Batch), sorted, and rendered a
slice at a time (txn.Ordered). Whatever path an entry takes, the books get the same text
as when every entry is built and rendered one by one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from importers import read, run, written
from importers.base import ProfileImporter
from importers.errors import Problem
from importers.pseudonym import Pseudonymiser
from tests.importers_support import FIXTURES, write_books

KEY = b"test-key"


def plan(main: Path, files: list[Path], monkeypatch=None, columnwise: bool = True):
    if not columnwise:
        built = ProfileImporter.built
        monkeypatch.setattr(ProfileImporter, "built",
                            lambda self, opened, s, c=True: built(self, opened, s, False))
    return run.plan(main, [str(f) for f in files], "", Pseudonymiser(KEY))


def copy(src: Path, dest: Path, edit=lambda text: text) -> Path:
    dest.write_text(edit(src.read_text(encoding="utf-8-sig")), encoding="utf-8")
    return dest


RUNS = {
    "one download": ["paypal_uk.csv"],
    "conversion in the next download": ["paypal_jan.csv", "paypal_feb.csv"],
    "the same file twice": ["stripe.csv", "stripe.csv"],
    "many sources": ["paypal_uk.csv", "stripe.csv", "gocardless.csv", "casefunder.csv",
                     "enthuse.csv", "opencollective.csv", "solicitors.csv", "paypal_us.csv"],
}


@pytest.mark.parametrize("names", RUNS.values(), ids=RUNS.keys())
def test_blocks_give_the_books_what_entries_one_by_one_give(tmp_path, monkeypatch, names):
    main = write_books(tmp_path / "books")
    files = []
    for i, name in enumerate(names):  # the same file twice: a copy under another name
        files.append(shutil.copy(FIXTURES / name, tmp_path / f"{i}-{name}"))
    fast = plan(main, files)
    assert fast.blocks, "no block was made: this test would prove nothing"
    slow = plan(main, files, monkeypatch, columnwise=False)
    assert not slow.blocks
    assert fast.text == slow.text
    assert (fast.added, fast.duplicates) == (slow.added, slow.duplicates)
    assert fast.totals() == slow.totals()
    for rel, (first, entries) in fast.parts.items():  # the dry run prints these bytes
        printed = b"".join(bytes(c) for c in written.encoded(entries, 3))
        assert printed.decode() == "".join(slow.pieces(rel))[len(first):] + "\n"


@pytest.mark.parametrize("size", [1, 2, 3, 7, 2000])
def test_slices_of_any_size_join_to_the_same_text(tmp_path, size):
    main = write_books(tmp_path / "books")
    result = plan(main, [FIXTURES / "paypal_uk.csv", FIXTURES / "stripe.csv"])
    for first, entries in result.parts.values():
        whole = "".join(entries.chunks())
        assert "".join(entries.chunks(size)) == whole
        assert whole.count("import-id:") == len(entries)
        assert b"".join(bytes(c) for c in written.encoded(entries, size)) == (whole + "\n").encode()


def test_an_id_a_block_took_first_names_that_file_and_row(tmp_path):
    main = write_books(tmp_path / "books")
    first = copy(FIXTURES / "stripe.csv", tmp_path / "march.csv")
    changed = copy(FIXTURES / "stripe.csv", tmp_path / "march-again.csv",
                   lambda text: text.replace("50.00,0.95,49.05", "60.00,0.95,59.05", 1))
    with pytest.raises(Problem) as e:
        plan(main, [first, changed])
    assert f"id stripe:txn_1Fx0001 was already used by {first}:2 for a different entry" \
        in str(e.value)
    assert str(e.value).startswith(f"{changed}:2: ")


def test_ids_already_in_the_books_are_skipped_from_a_block(tmp_path):
    main = write_books(tmp_path / "books")
    books = plan(main, [FIXTURES / "stripe.csv"])
    (main.parent / "imports").mkdir()
    for rel, text in books.text.items():
        (main.parent / rel).parent.mkdir(parents=True, exist_ok=True)
        (main.parent / rel).write_text(text)
        main.write_text(main.read_text() + f'include "{rel}"\n')
    again = plan(main, [FIXTURES / "stripe.csv"])
    assert again.added == 0 and again.duplicates == books.added
    assert again.parts == {}


def test_a_lone_carriage_return_is_read_the_careful_way(tmp_path):
    """Found by the fast-equals-careful property: a lone CR ends a record for both CSV
    parsers but not a line, so the fast reader's row numbers would be one short."""
    sig = ("Date", "Amount", "Id")
    path = tmp_path / "x.csv"
    path.write_bytes(b"Date,Amount,Id\n\rx,,\n")
    fast = read.load(path, sig)
    assert fast.records() == [{"date": "x", "amount": "", "id": "", "_row": 3}]


def test_rows_the_profile_skips_are_not_checked(tmp_path, monkeypatch):
    """A pending PayPal row moves no money: its cells are never read, so a date or an
    amount it does not have yet stops nothing."""
    main = write_books(tmp_path / "books")
    pending = ('"05/02/2023","09:00:00","Europe/London","Pending Fixture","Donation Payment",'
               '"Pending","GBP","n/a","","","p@example.org","treasurer@npa.example","5PP09999",'
               '"","","","","","","","","","","Credit"\n')
    path = copy(FIXTURES / "paypal_uk.csv", tmp_path / "pending.csv",
                lambda text: text + pending.replace("05/02/2023", "soon"))
    with_pending = plan(main, [path])
    without = plan(main, [FIXTURES / "paypal_uk.csv"])
    assert with_pending.added == without.added
    assert "5PP09999" not in "".join(with_pending.text.values())


@pytest.mark.parametrize("size", [1, 2, 3, 2000])
def test_amounts_met_again_print_as_the_entries_one_by_one(tmp_path, monkeypatch, size):
    """A slice of entries whose amounts are not one run of groups (amounts met again
    after others, so told apart and shared): its posting lines are taken group by
    group, not sliced."""
    head, row = (FIXTURES / "stripe.csv").read_text(encoding="utf-8-sig").splitlines()[:2]
    rows = [row.replace("txn_1Fx0001", f"txn_9Fx{k:04}").replace("50.00,0.95,49.05", amount)
            for k, amount in enumerate(["10.00,0.50,9.50", "20.00,0.60,19.40",
                                        "30.00,0.70,29.30"] * 7 + ["40.00,0.80,39.20"])]
    (tmp_path / "again.csv").write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    main = write_books(tmp_path / "books")
    fast = plan(main, [tmp_path / "again.csv"])
    slow = plan(main, [tmp_path / "again.csv"], monkeypatch, columnwise=False)
    assert fast.blocks and not slow.blocks
    for rel, (first, entries) in fast.parts.items():
        printed = b"".join(bytes(c) for c in written.encoded(entries, size)).decode()
        assert printed == "".join(slow.pieces(rel))[len(first):] + "\n"
        assert printed.count("import-id:") == 22
