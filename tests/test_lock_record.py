"""The lock's file record (ledger.lock_record): `fundledger lock` writes, beside the lock's
detail file, each file's part of the version 3 digest it proved from the entries, and a
load with every cache off takes an unchanged file's part from it instead of building its
locked entries' texts. Real books made by `fundledger init`, locked by the real command
in a subprocess, loaded by beancount with the plugin; the parts expected are worked out
from the entries by the digest code (ledger.lock_memo.file_parts, lock_digest.part3)."""

from __future__ import annotations

import datetime
import hashlib
import os
import time
from pathlib import Path

import pytest
from beancount import loader

from ledger import lock as period_lock
from ledger import lock_digest, lock_memo, lock_record
from tests import test_lock_memo
from tests.conftest import init_books, run_cli

ACCOUNTS = """\
2019-01-01 open Assets:Bank GBP
2019-01-01 open Income:Gifts GBP
2019-01-01 open Expenses:Legal GBP
"""


def gift(day: str, amount: str, who: str) -> str:
    return (f'\n{day} * "{who}" "Gift"\n  fund: "general"\n  Assets:Bank  {amount} GBP\n'
            f"  Income:Gifts  -{amount} GBP\n")


FILES = {
    "accounts.beancount": ACCOUNTS,
    "gifts-2019.beancount": gift("2019-02-01", "10.00", "Ann") + gift("2019-07-01", "20.00",
                                                                       "Bob"),
    "journal.beancount": gift("2019-05-01", "5.00", "Cal") + gift("2020-05-01", "7.00", "Dee"),
    "gifts-2020.beancount": gift("2020-02-01", "30.00", "Eve"),
    "gifts-2021.beancount": gift("2021-02-01", "40.00", "Fay"),
}
LOCKED = ("accounts.beancount", "gifts-2019.beancount", "journal.beancount")
built = test_lock_memo.built  # the fixture: the file of every entry whose text is built


@pytest.fixture
def books(tmp_path, monkeypatch) -> tuple[Path, dict]:
    """Books made by `fundledger init` with a few years of gifts, locked through 2019 by
    `fundledger lock`; loads in this process with every cache off."""
    monkeypatch.setenv("FUNDLEDGER_NO_CACHE", "1")
    return locked_books(tmp_path, FILES)


def locked_books(tmp_path: Path, files: dict[str, str]) -> tuple[Path, dict]:
    folder, env = init_books(tmp_path)
    env = {**env, "FUNDLEDGER_NO_CACHE": "1"}
    main = folder / "main.beancount"
    for name, text in files.items():
        (folder / name).write_text(text)
    main.write_text(main.read_text() + "".join(f'include "{n}"\n' for n in files))
    locked = run_cli("lock", "--books", folder, "--through", "2019-12-31", env=env)
    assert locked.returncode == 0, locked.stderr
    return main, env


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def problems(main: Path) -> list[str]:
    _entries, errors, _options = loader.load_file(str(main))
    return [e.message for e in errors]


def heads(main: Path) -> list[tuple[datetime.date, str]]:
    entries, _errors, _options = loader.load_file(str(main))
    return [(lk.through, lk.digest) for lk in period_lock.in_force(
        period_lock.locks(entries)[0])]


def record_of(main: Path) -> Path:
    through, value = max(heads(main))
    return main.parent / lock_record.name(through, value)


def test_lock_writes_the_record_and_a_cold_load_takes_the_locked_parts_from_it(books,
                                                                             built):
    main, _env = books
    record = record_of(main)
    lines = record.read_text().splitlines()
    assert lines[0].startswith(f"# fundledger lock record {max(heads(main))[1]}: ")
    assert "verify` never reads it" in lines[0]
    assert lines[1] == "days 2019-12-31"
    # each locked file's part, worked out here from its entries by the digest code
    entries, _errors, options = loader.load_file(str(main))
    parts = lock_memo.file_parts(entries, [datetime.date(2019, 12, 31)])
    rows = {line.split(" ")[2]: line.split(" ")[:2] for line in lines[3:]}
    for name in LOCKED:
        path = str(main.parent / name)
        assert rows[name] == [hashlib.sha256((main.parent / name).read_bytes()).hexdigest(),
                              format(parts[path][0] % lock_memo.MODULUS, "x")]
    assert rows["gifts-2020.beancount"][1] == "0"  # nothing locked in it
    # the parts add up to the lock's digest, with what it covers beyond its period
    beyond = lock_digest.beyond_texts2(entries, datetime.date(2019, 12, 31), options)
    total = sum(int(h, 16) for _sha, h in rows.values()) + lock_digest.part3(
        t for t, _e in beyond)
    assert lock_digest.digest3(total) == max(heads(main))[1]
    before = snapshot(main.parent)
    built.clear()
    assert problems(main) == []
    assert not set(built) & set(LOCKED)  # no locked entry's text built: all recorded
    assert snapshot(main.parent) == before
    record.unlink()  # without the record, the same load builds them all
    built.clear()
    assert problems(main) == []
    assert set(LOCKED) <= set(built)


def test_an_edited_locked_entry_still_breaks_the_lock_and_a_reformat_holds(books, built):
    main, _env = books
    gifts = main.parent / "gifts-2019.beancount"
    text = gifts.read_text()
    gifts.write_text(text.replace("10.00 GBP", "11.00 GBP").replace("-10.00", "-11.00"))
    found = problems(main)
    assert any("was changed inside the period locked by the lock through 2019-12-31" in m
               and '2019-02-01 transaction "Ann Gift"' in m for m in found), found
    gifts.write_text(text.replace("  Assets:Bank  10.00 GBP", "  Assets:Bank    10.0 GBP"))
    built.clear()
    assert problems(main) == []
    assert "gifts-2019.beancount" in built  # its bytes changed: counted from its entries
    assert "journal.beancount" not in built


def forge(main: Path) -> tuple[str, bytes]:
    """Change a locked gift, and rewrite its line of the record with the file's new
    sha256 and the old part, as someone who can write locks/ could."""
    gifts = main.parent / "gifts-2019.beancount"
    gifts.write_text(gifts.read_text().replace('"Bob" "Gift"', '"Bob" "Gift!"'))
    record = record_of(main)
    new = hashlib.sha256(gifts.read_bytes()).hexdigest()
    record.write_text("".join(
        (new + line[64:] if line.endswith(" gifts-2019.beancount\n") else line)
        for line in record.read_text().splitlines(keepends=True)))
    return max(heads(main))[1], (main.parent / "locks.beancount").read_bytes()


def test_a_forged_record_fools_a_load_but_not_verify_nor_lock(books):
    main, env = books
    value, locks = forge(main)
    assert problems(main) == []  # the documented trust: whoever writes locks/
    verified = run_cli("verify", "--books", main.parent, "--digest", value, "--through",
                       "2019-12-31", env=env)
    assert verified.returncode == 1, verified.stdout
    for args in (["--through", "2020-12-31"], ["--record"]):
        refused = run_cli("lock", "--books", main.parent, *args, env=env)
        assert refused.returncode == 1, args
        assert '2019-07-01 transaction "Bob Gift!" was added inside the period locked by ' \
            "the lock through 2019-12-31" in refused.stderr
        assert (main.parent / "locks.beancount").read_bytes() == locks


def test_a_record_for_other_days_or_options_is_ignored(books, built):
    main, env = books
    first = record_of(main).read_text()
    later = run_cli("lock", "--books", main.parent, "--through", "2020-12-31", env=env)
    assert later.returncode == 0, later.stderr
    record = record_of(main)
    assert record.read_text().splitlines()[1] == "days 2019-12-31,2020-12-31"
    built.clear()
    assert problems(main) == []
    assert not set(built) & {*LOCKED, "gifts-2020.beancount"}
    # the first lock's record under the later lock's name: other days
    value = max(heads(main))[1]
    record.write_text(first.replace(first.split(" ")[4].rstrip(":"), value, 1))
    assert record.read_text().split(" ")[4] == value + ":"
    built.clear()
    assert problems(main) == []
    assert {*LOCKED, "gifts-2020.beancount"} <= set(built)
    # lifting the first lock leaves days the later record was not written for
    lock_2020 = run_cli("lock", "--books", main.parent, "--record", env=env)
    assert lock_2020.returncode == 0, lock_2020.stderr
    first_value = min(heads(main))[1]
    with open(main.parent / "locks.beancount", "a") as f:
        f.write(f'\n2019-12-31 custom "unlock" "{first_value}"\n'
                '  reason: "Minute 2027/03: correct the rent accrual"\n')
    built.clear()
    assert problems(main) == []
    assert {*LOCKED, "gifts-2020.beancount"} <= set(built)


@pytest.mark.parametrize("line, other", [
    (1, "days 2019-06-30"),  # as written for a lock of another day
    (2, "options " + hashlib.sha256(b"other options").hexdigest()),
])
def test_a_record_for_other_days_or_options_of_the_same_width_is_ignored(books, built,
                                                                        line, other):
    main, _env = books
    record = record_of(main)
    lines = record.read_text().splitlines(keepends=True)
    assert lines[line].split(" ")[0] == other.split(" ")[0]
    record.write_text("".join([*lines[:line], other + "\n", *lines[line + 1:]]))
    built.clear()
    assert problems(main) == []
    assert set(LOCKED) <= set(built)


@pytest.mark.parametrize("spoil", [
    lambda t: "",
    lambda t: t[:t.index(" gifts-2019") - 5],  # cut short in a part
    lambda t: t.replace(" gifts-2019", "  ", 1).replace(" journal", "", 1),
    lambda t: t.replace("\ndays ", "\ndays: ", 1),
    lambda t: t + "zz" + t.splitlines()[-1][2:] + "\n",  # a part not in hex
    lambda t: t.replace(" gifts-2019", ",0 gifts-2019", 1),  # a part for a day too many
    lambda t: "\udcff".join(t.split("\n", 1)),  # not UTF-8 once written (surrogate)
])
def test_a_malformed_record_is_ignored_without_an_error(books, built, spoil):
    main, _env = books
    record = record_of(main)
    record.write_bytes(spoil(record.read_text()).encode("utf-8", "surrogateescape"))
    before = snapshot(main.parent)
    built.clear()
    assert problems(main) == []
    assert set(LOCKED) <= set(built)
    assert snapshot(main.parent) == before


def test_record_writes_it_for_a_lock_made_without_one(books):
    main, env = books
    record = record_of(main)
    text = record.read_bytes()
    record.unlink()
    made = run_cli("lock", "--books", main.parent, "--record", env=env)
    assert made.returncode == 0, made.stderr
    assert "2019-12-31" in made.stdout
    assert record.read_bytes() == text  # deterministic: the same proof, the same bytes


def test_record_refuses_books_with_no_version_3_lock(tmp_path):
    folder, env = init_books(tmp_path)
    before = snapshot(folder)
    refused = run_cli("lock", "--books", folder, "--record", env=env)
    assert refused.returncode == 1
    assert "no sha256v3: lock is in force" in refused.stderr
    assert snapshot(folder) == before


def test_upgrade_writes_the_record_of_the_version_3_lock(tmp_path):
    folder, env = init_books(tmp_path)
    for name, text in FILES.items():
        (folder / name).write_text(text)
    main = folder / "main.beancount"
    main.write_text(main.read_text() + "".join(f'include "{n}"\n' for n in FILES))
    old = run_cli("lock", "--books", folder, "--through", "2019-12-31", "--digest-version",
                  "2", env=env)
    assert old.returncode == 0, old.stderr
    assert not list((folder / "locks").glob("*.files"))
    upgraded = run_cli("lock", "--books", folder, "--upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    assert record_of(main).is_file()


def test_a_file_saved_during_the_proving_load_is_not_recorded(books):
    """The race lock_memo.SETTLED_NS guards: bytes not the same before and after."""
    main, _env = books
    entries, _errors, options = loader.load_file(str(main))
    before = {rel: lock_memo.sha(main.parent / rel) for rel in (*FILES, "main.beancount")}
    kept = lock_record.files(entries, options, heads(main), before, {})
    assert " gifts-2019.beancount\n" in next(iter(kept.values()))
    before["gifts-2019.beancount"] = hashlib.sha256(b"what it held before").hexdigest()
    text = next(iter(lock_record.files(entries, options, heads(main), before, {}).values()))
    assert " gifts-2019.beancount\n" not in text
    assert " journal.beancount\n" in text


def test_unlock_writes_the_record_of_the_lock_left_in_force(books, built):
    main, env = books
    first = record_of(main)
    text = first.read_bytes()
    later = run_cli("lock", "--books", main.parent, "--through", "2020-12-31", env=env)
    assert later.returncode == 0, later.stderr
    first.unlink()
    lifted = run_cli("unlock", "--books", main.parent, "--reason",
                     "Minute 2021/04: correct the 2020 gifts", env=env)
    assert lifted.returncode == 0, lifted.stderr
    assert record_of(main) == first
    record = first.read_text().splitlines()
    assert record[1] == "days 2019-12-31"
    # the same parts as the lock wrote, and locks.beancount by its new bytes
    assert [line for line in record if "locks.beancount" not in line] == [
        line for line in text.decode().splitlines() if "locks.beancount" not in line]
    locks = hashlib.sha256((main.parent / "locks.beancount").read_bytes()).hexdigest()
    assert f"{locks} 0 locks.beancount" in record
    built.clear()
    assert problems(main) == []
    assert not set(built) & set(LOCKED)


def test_a_file_whose_entries_depend_on_another_file_is_not_recorded(tmp_path, monkeypatch,
                                                                      built):
    """A pad's amount comes from a balance that may be in another file (lock_memo.DEPENDS):
    its file's part is always counted from its entries."""
    monkeypatch.setenv("FUNDLEDGER_NO_CACHE", "1")
    pads = ("\n2019-01-01 open Equity:Opening GBP\n"
            "2019-01-02 pad Assets:Bank Equity:Opening\n")
    main, _env = locked_books(tmp_path, {**FILES, "pads.beancount": pads,
                                         "balances.beancount": "\n2019-01-03 balance "
                                         "Assets:Bank  100.00 GBP\n"})
    names = [line.split(" ", 2)[2] for line in record_of(main).read_text().splitlines()[3:]]
    assert "pads.beancount" not in names
    assert {*LOCKED, "balances.beancount"} <= set(names)
    built.clear()
    assert problems(main) == []
    assert "pads.beancount" in built
    assert not set(built) & set(LOCKED)


def test_a_part_taken_from_the_record_is_never_copied_into_the_memo(books, tmp_path,
                                                                    monkeypatch):
    """The memo holds only what a load counted itself: a forged record fools loads while
    it is there (the documented trust), and not once it is removed."""
    main, _env = books
    forge(main)
    settled = time.time() - 3600  # older than lock_memo.SETTLED_NS: the memo may keep them
    for path in main.parent.rglob("*.beancount"):
        os.utime(path, (settled, settled))
    monkeypatch.setenv("FUNDLEDGER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("FUNDLEDGER_NO_CACHE")
    assert problems(main) == []
    record_of(main).unlink()
    assert any("Bob Gift!" in m and "2019-12-31" in m for m in problems(main))
    assert list((tmp_path / "cache").rglob("*.json")), "no memo: the test proves nothing"
