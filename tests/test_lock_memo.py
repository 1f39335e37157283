"""A version 3 lock proven file by file on every load (ledger.lock_memo): real books in a
folder, loaded by beancount with the fund rules' plugin line, the lock written by
`ledger.lock.lock_files`, the memo in a cache folder of the test's own. With the memo
warm, a change to a locked entry in any file still breaks the lock; an edit to another
year's file keeps it and builds the texts of that file's locked entries only (counted);
a file whose entries depend on other files (a pad, a lot reduced at cost) is never taken
from the memo; a corrupt memo is ignored; FUNDLEDGER_NO_CACHE=1 proves it all from the
entries; and for random edits a load with the memo reports what a load without it does,
error for error."""

from __future__ import annotations

import datetime
import json
import os
import tempfile
import time
from pathlib import Path

import pytest
from beancount import loader
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import lock as period_lock
from ledger import lock_digest, lock_memo

THROUGH = datetime.date(2019, 12, 31)
TODAY = datetime.date(2020, 3, 1)
MAIN = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
include "accounts.beancount"
include "gifts-2019.beancount"
include "journal.beancount"
include "gifts-2020.beancount"
include "locks.beancount"
"""
ACCOUNTS = """\
2019-01-01 open Assets:Bank GBP
2019-01-01 open Income:Gifts GBP
2019-01-01 open Expenses:Legal GBP
2019-01-01 open Equity:Opening GBP
2019-01-01 custom "fund" "general" "unrestricted"
"""


def gift(day: str, amount: str, who: str) -> str:
    return (f'{day} * "{who}" "Gift"\n  fund: "general"\n  Assets:Bank  {amount} GBP\n'
            f"  Income:Gifts  -{amount} GBP\n")


FILES = {
    "main.beancount": MAIN,
    "accounts.beancount": ACCOUNTS,
    "gifts-2019.beancount": gift("2019-02-01", "10.00", "Ann") + gift("2019-07-01", "20.00",
                                                                       "Bob"),
    "journal.beancount": gift("2019-05-01", "5.00", "Cal") + gift("2020-05-01", "7.00", "Dee"),
    "gifts-2020.beancount": gift("2020-02-01", "30.00", "Eve"),
    "locks.beancount": "",
}


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("FUNDLEDGER_CACHE_DIR", str(folder))
    monkeypatch.delenv("FUNDLEDGER_NO_CACHE", raising=False)
    return folder


def settle(*paths: Path) -> None:
    """Date files 20 minutes back: the memo remembers only a file that has not changed
    for longer than a load takes (lock_memo.SETTLED_NS)."""
    past = time.time() - 1200
    for path in paths:
        os.utime(path, (past, past))


def write_books(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)
        settle(folder / name)
    return folder / "main.beancount"


def lock(main: Path, through: datetime.date = THROUGH) -> None:
    """Lock the books through a day as `fundledger lock` does (version 3)."""
    entries, errors, options = loader.load_file(str(main))
    assert errors == [], errors
    text, detail = period_lock.lock_files(entries, through, TODAY, options)
    assert '"sha256v3:' in text
    with open(main.parent / "locks.beancount", "a") as f:
        f.write(text)
    settle(main.parent / "locks.beancount")
    for rel, body in detail.items():
        (main.parent / rel).parent.mkdir(parents=True, exist_ok=True)
        (main.parent / rel).write_text(body)


def problems(main: Path) -> list[tuple[str, int]]:
    _entries, errors, _options = loader.load_file(str(main))
    return [(Path(e.source["filename"]).name + ":" + e.message, e.source["lineno"])
            for e in errors]


@pytest.fixture
def books(tmp_path, cache) -> Path:
    main = write_books(tmp_path / "books", FILES)
    lock(main)
    return main


@pytest.fixture
def built(monkeypatch) -> list[str]:
    """The file of every entry whose text a check builds."""
    names: list[str] = []
    for name in ("txn_text2", "entry_text2"):
        real = getattr(lock_digest, name)

        def counting(entry, real=real):
            names.append(Path((entry.meta or {}).get("filename") or "?").name)
            return real(entry)

        monkeypatch.setattr(lock_digest, name, counting)
    return names


def edit(main: Path, name: str, old: str, new: str, settled: bool = True) -> None:
    path = main.parent / name
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))
    if settled:
        settle(path)


def test_an_edit_to_another_year_keeps_the_lock_and_builds_only_that_file(books, cache,
                                                                            built):
    assert problems(books) == []  # cold: every locked entry's text is built
    assert {"accounts.beancount", "gifts-2019.beancount", "journal.beancount"} <= set(built)
    assert list((cache / lock_memo.FOLDER).glob("*.json"))
    built.clear()
    # The treasurer's edit to this year's file: no locked entry's text is built.
    edit(books, "gifts-2020.beancount", "30.00", "31.00")
    assert problems(books) == []
    assert [n for n in built if n.endswith(".beancount")] == []
    # An edit to a file holding locked entries too: only that file's are built again.
    edit(books, "journal.beancount", "7.00", "8.00")
    assert problems(books) == []
    assert set(built) - {"?", "main.beancount"} == {"journal.beancount"}
    assert built.count("journal.beancount") == 1  # its one locked gift


@pytest.mark.parametrize(("name", "old", "new", "named"), [
    ("gifts-2019.beancount", "20.00", "21.00", "2019-07-01 transaction"),
    ("journal.beancount", "5.00", "5.50", "2019-05-01 transaction"),
    ("accounts.beancount", "Expenses:Legal GBP", "Expenses:Legal GBP,EUR", "2019-01-01 open"),
    ("gifts-2020.beancount", '2020-02-01 * "Eve"', '2019-12-31 * "Eve"', "2019-12-31 transaction"),
], ids=["a locked gift", "a locked entry in a mixed file", "an open", "a gift moved back"])
def test_a_change_to_a_locked_entry_breaks_the_lock_with_a_warm_memo(books, name, old, new,
                                                                     named):
    assert problems(books) == []
    assert problems(books) == []  # warm
    edit(books, name, old, new)
    got = problems(books)
    assert len(got) == 1 and f"{named} " in got[0][0] and "inside the period locked" in \
        got[0][0], got
    edit(books, name, new, old)
    assert problems(books) == []


def test_two_locks_each_over_its_own_period_with_a_warm_memo(tmp_path, cache):
    """A file's part is remembered for each lock's period: a change between the two
    locks' days breaks the later lock only; one before the first breaks the first (and
    the later one, but a change inside two locks is named once, by the first)."""
    main = write_books(tmp_path / "books", FILES)
    lock(main, datetime.date(2019, 3, 31))
    lock(main)
    assert problems(main) == []
    edit(main, "gifts-2019.beancount", "20.00", "21.00")  # 2019-07-01
    assert [m.split("locked by the lock through ")[1][:10] for m, _n in problems(main)] == [
        "2019-12-31"]
    edit(main, "gifts-2019.beancount", "21.00", "20.00")
    assert problems(main) == []
    edit(main, "gifts-2019.beancount", "10.00", "11.00")  # 2019-02-01
    assert [m.split("locked by the lock through ")[1][:10] for m, _n in problems(main)] == [
        "2019-03-31"]


def test_an_option_changed_breaks_the_lock_with_a_warm_memo(books):
    assert problems(books) == []
    edit(books, "main.beancount", 'option "operating_currency" "GBP"\n',
         'option "operating_currency" "GBP"\noption "operating_currency" "EUR"\n')
    assert ["the books' options" in m for m, _n in problems(books)] == [True]


def test_a_pad_whose_amount_comes_from_another_file_is_never_remembered(tmp_path, cache):
    """The padding's amount comes from the next balance assertion, here in next year's
    file: changing that balance changes a locked figure though no locked file changed."""
    files = {**FILES, "gifts-2019.beancount": FILES["gifts-2019.beancount"]
             + "2019-01-02 pad Assets:Bank Equity:Opening\n",
             "gifts-2020.beancount": "2020-01-02 balance Assets:Bank 100.00 GBP\n"}
    main = write_books(tmp_path / "books", files)
    lock(main)
    assert problems(main) == []
    assert problems(main) == []  # warm
    edit(main, "gifts-2020.beancount", "100.00", "101.00")
    got = problems(main)
    assert [m.split(" was ")[1].split(" inside")[0].split(" from")[0] for m, _n in got] == [
        "added", "removed"], got
    assert all("Padding inserted" in m for m, _n in got)


def test_a_lot_reduced_at_cost_is_never_remembered(tmp_path, cache):
    """Two lots bought the same day in two files, one sold first-in-first-out from a
    third: which lot is first is the order beancount reads them in (their line numbers),
    so blank lines in one lot's file change which lot the locked sale reduced."""
    files = {**FILES,
             "accounts.beancount": ACCOUNTS + '2019-01-01 open Assets:Shares SHR "FIFO"\n'
             "2019-01-01 open Income:Gains GBP\n",
             "lot-a.beancount": ('2019-03-01 * "Broker" "Lot A"\n  Assets:Shares  1 SHR {5 GBP}\n'
                                 "  Assets:Bank  -5 GBP\n"),
             "lot-b.beancount": ("\n" * 8 + '2019-03-01 * "Broker" "Lot B"\n'
                                 "  Assets:Shares  1 SHR {6 GBP}\n  Assets:Bank  -6 GBP\n"),
             "sale.beancount": ('2019-04-01 * "Broker" "Sale"\n  fund: "general"\n  Assets:Shares  -1 SHR {}\n'
                                "  Assets:Bank  7 GBP\n  Income:Gains\n"),
             "main.beancount": MAIN + 'include "lot-a.beancount"\ninclude "lot-b.beancount"\n'
             'include "sale.beancount"\n'}
    main = write_books(tmp_path / "books", files)
    lock(main)
    assert problems(main) == []
    assert problems(main) == []  # warm
    edit(main, "lot-a.beancount", '2019-03-01 * "Broker" "Lot A"', "\n" * 20
         + '2019-03-01 * "Broker" "Lot A"')
    got = problems(main)
    assert len(got) == 1 and '2019-04-01 transaction "Broker Sale" was changed' in got[0][0], got


def test_a_file_changed_just_before_a_load_is_not_remembered_until_it_settles(books, built):
    """It may have changed while beancount read it: its new bytes' key with its old
    entries' part would hide that change from every later load."""
    assert problems(books) == []
    edit(books, "journal.beancount", "7.00", "8.00", settled=False)
    for _ in range(2):  # counted from its entries on each load, not remembered
        built.clear()
        assert problems(books) == []
        assert built.count("journal.beancount") == 1
    settle(books.parent / "journal.beancount")
    assert problems(books) == []  # counted once more, and remembered
    built.clear()
    assert problems(books) == []
    assert built.count("journal.beancount") == 0


def test_a_corrupt_memo_is_ignored(books, cache, built):
    assert problems(books) == []
    memo = next((cache / lock_memo.FOLDER).glob("*.json"))
    good = json.loads(memo.read_text())
    key = next(iter(good["parts"]))
    width = len(good["parts"][key])
    for bad in ("not json", "", json.dumps({"format": "other", "parts": good["parts"]}),
                json.dumps({**good, "parts": {key: ["-1"] * width}}),
                json.dumps({**good, "parts": {key: ["zz"] * width}}),
                json.dumps({**good, "parts": {key: ["1"] * (width + 1)}}),
                json.dumps({**good, "parts": {key: ["f" * 513] * width}}),
                json.dumps({**good, "parts": []}), json.dumps([1])):
        memo.write_text(bad)
        built.clear()
        assert problems(books) == [], bad
        assert "gifts-2019.beancount" in built, bad  # counted from the entries
    edit(books, "gifts-2019.beancount", "20.00", "21.00")
    memo.write_text("not json")
    assert len(problems(books)) == 1


def test_a_forged_memo_hides_a_change_from_a_load_but_not_from_a_proof(books, cache):
    """The trust boundary (docs/books.md): whoever can write the cache folder can make a
    load take a changed file's old part; what proves a lock (`verify`, `lock`, `close`,
    the pack: ledger.lock.check without the memo) and FUNDLEDGER_NO_CACHE=1 do not."""
    assert problems(books) == []
    memo = next((cache / lock_memo.FOLDER).glob("*.json"))
    before = json.loads(memo.read_text())["parts"]
    edit(books, "gifts-2019.beancount", "20.00", "21.00")
    assert len(problems(books)) == 1
    after = json.loads(memo.read_text())["parts"]
    new_key = (after.keys() - before.keys()).pop()
    old_part = before[(before.keys() - after.keys()).pop()]
    memo.write_text(json.dumps({"format": lock_memo.FORMAT, "parts": {**after,
                                                                      new_key: old_part}}))
    assert problems(books) == []  # the forgery is trusted by a load ...
    entries, _errors, options = loader.load_file(str(books))
    assert len(period_lock.check(entries, options)) == 1  # ... never by a proof


def test_no_cache_proves_everything_from_the_entries(books, cache, built, monkeypatch):
    monkeypatch.setenv("FUNDLEDGER_NO_CACHE", "1")
    assert problems(books) == []
    assert problems(books) == []
    assert built.count("gifts-2019.beancount") == 4  # two gifts, twice
    assert not (cache / lock_memo.FOLDER).exists()


def test_the_memo_holds_the_books_current_files_only(books, cache):
    assert problems(books) == []
    memo = next((cache / lock_memo.FOLDER).glob("*.json"))
    first = json.loads(memo.read_text())["parts"]
    # main.beancount, accounts, gifts-2019, journal, gifts-2020, locks: all alone
    assert len(first) == 6
    edit(books, "main.beancount", 'include "gifts-2020.beancount"\n', "")
    (books.parent / "gifts-2020.beancount").unlink()
    assert problems(books) == []
    assert len(json.loads(memo.read_text())["parts"]) == 5


# Random edits, each made or undone in turn (so a broken lock is mended again): after
# each, a load with the memo the previous load left reports what a load without it does.
EDITS = [
    ("gifts-2019.beancount", "20.00", "20.50"), ("gifts-2019.beancount", '"Ann"', '"Ann B"'),
    ("gifts-2019.beancount", "2019-02-01", "2020-02-01"),
    ("journal.beancount", "5.00", "5.10"), ("journal.beancount", "7.00", "7.70"),
    ("journal.beancount", "2020-05-01", "2019-05-01"),
    ("gifts-2020.beancount", "30.00", "33.00"),
    ("gifts-2020.beancount", "2020-02-01", "2019-02-01"),
    ("accounts.beancount", "Income:Gifts GBP", "Income:Gifts"),
    ("accounts.beancount", "2019-01-01 open Expenses", "\n\n2019-01-01 open Expenses"),
    ("main.beancount", 'include "journal.beancount"\n', ""),
    ("main.beancount", 'option "operating_currency" "GBP"\n', ""),
]


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(range(len(EDITS))), min_size=1, max_size=6))
def test_a_load_with_the_memo_reports_what_one_without_it_does(monkeypatch, edits):
    with tempfile.TemporaryDirectory() as tmp:
        monkeypatch.setenv("FUNDLEDGER_CACHE_DIR", str(Path(tmp) / "cache"))
        monkeypatch.delenv("FUNDLEDGER_NO_CACHE", raising=False)
        main = write_books(Path(tmp) / "books", FILES)
        lock(main)
        assert problems(main) == []  # the memo warm before the first edit
        for i in edits:
            name, old, new = EDITS[i]
            path = main.parent / name
            text = path.read_text()
            path.write_text(text.replace(old, new) if old in text else text.replace(new, old))
            settle(path)  # so the memo remembers it as it is now
            monkeypatch.delenv("FUNDLEDGER_NO_CACHE", raising=False)
            with_memo = problems(main)
            monkeypatch.setenv("FUNDLEDGER_NO_CACHE", "1")
            assert with_memo == problems(main), EDITS[i]
