"""The period lock called in the test process (`ledger.lock`), on books of a few lines in a
folder of their own: the lock entry and detail file `lock` writes, line by line; each
entry the check names (changed, added, removed, once across two locks), with and without
the detail file; malformed locks and unlocks; the register of locks and of published
statements beside the books; the year-end pack's page; `verify` against a digest kept
outside the books; the unlock entries. Every expected line is written out by hand."""

from __future__ import annotations

import datetime
import re

import pytest
from beancount import loader

from ledger import lock as period_lock

day = datetime.date
THROUGH = day(2019, 12, 31)
TODAY = day(2020, 3, 1)
HINT = ": restore it, or lift the lock with a reason (`fundledger unlock`) and lock again"

# No plugin line: the check is called directly, not on load.
BOOKS = """\
option "operating_currency" "GBP"
2019-01-01 open Assets:Bank GBP
2019-01-01 open Income:Gifts GBP
2019-01-01 custom "fund" "general" "unrestricted"
2019-01-05 * "Donor" "Gift"
  Assets:Bank  10.00 GBP
  Income:Gifts  -10.00 GBP
2019-06-30 * "Donor" "Gift"
  Assets:Bank  20.00 GBP
  Income:Gifts  -20.00 GBP
2019-12-31 * "Last gift of the year"
  Assets:Bank  1.00 GBP
  Income:Gifts  -1.00 GBP
2020-01-01 * "First gift after the lock"
  Assets:Bank  2.00 GBP
  Income:Gifts  -2.00 GBP
"""
# Covered on or before THROUGH: 2 opens, the fund, 3 transactions; with the options, 7.
LOCKED = 6


def load(folder, text):
    main = folder / "main.beancount"
    main.write_text(text)
    entries, errors, options = loader.load_file(str(main))
    assert errors == [], errors
    return entries, options


def locked_books(folder, text=BOOKS, options=True, through=THROUGH, version=2):
    """The books with the lock `lock` would write (entry appended, detail file beside)."""
    entries, opts = load(folder, text)
    entry, files = period_lock.lock_files(entries, through, TODAY, opts if options else None,
                                          version)
    for rel, body in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(body)
    return entry, files


def check(folder, text):
    entries, options = load(folder, text)
    return [(e.message, e.source.get("lineno")) for e in period_lock.check(entries, options)]


def lineno(text, start):
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(start))


@pytest.mark.parametrize(("version", "prefix"), [(1, "sha256:"), (2, "sha256v2:"),
                                                 (3, "sha256v3:")])
def test_the_lock_entry_and_its_detail_file(tmp_path, version, prefix):
    entry, files = locked_books(tmp_path, version=version)
    value = re.search(f'custom "lock" "({prefix}[0-9a-f]{{64}})"', entry).group(1)
    rel = f"locks/2019-12-31-{value[len(prefix):][:8]}.txt"
    assert entry == (f'\n2019-12-31 custom "lock" "{value}"\n'
                     f"  entries: {LOCKED + 1}\n"
                     "  locked-on: 2020-03-01\n"
                     '  covers: "options, later declarations"\n'
                     f'  detail: "{rel}"\n')
    assert list(files) == [rel]
    lines = files[rel].splitlines()
    assert lines[0] == f"# fundledger lock {value}: one line per locked entry (hash, entry)"
    # One line per entry, in the order of their hashes.
    assert lines[1:] == sorted(lines[1:])
    assert sorted(re.fullmatch(r"[0-9a-f]{16} (.*)", x).group(1) for x in lines[1:]) == sorted([
        '2019-01-01 custom "fund"', "2019-01-01 open", "2019-01-01 open",
        '2019-01-05 transaction "Donor Gift"', '2019-06-30 transaction "Donor Gift"',
        '2019-12-31 transaction "Last gift of the year"',
        "the books' options (currency, booking, tolerances, account names, plugins)"])
    # Without the options, the period's entries only, and no covers mark.
    entry, files = period_lock.lock_files(load(tmp_path, BOOKS)[0], THROUGH, TODAY,
                                          version=version)
    assert f"  entries: {LOCKED}\n" in entry and "covers" not in entry
    assert len(next(iter(files.values())).splitlines()) == LOCKED + 1
    # Locked through the first gift's day: that gift is in, the next one not.
    entry, _files = period_lock.lock_files(load(tmp_path, BOOKS)[0], day(2019, 1, 5), TODAY,
                                           version=version)
    assert "  entries: 4\n" in entry


def test_a_lock_is_written_only_once_its_period_is_over(tmp_path):
    entries, _options = load(tmp_path, BOOKS)
    with pytest.raises(period_lock.Refused, match=r"a period is locked once it is over: "
                       r"2019-12-31 is not before today \(2019-12-31\)"):
        period_lock.lock_files(entries, THROUGH, THROUGH)
    period_lock.lock_files(entries, THROUGH, THROUGH + datetime.timedelta(days=1))


def test_the_books_as_locked_pass_and_a_change_after_the_lock_too(tmp_path):
    entry, _files = locked_books(tmp_path)
    assert check(tmp_path, BOOKS + entry) == []
    after = BOOKS.replace("Assets:Bank  2.00 GBP\n  Income:Gifts  -2.00",
                          "Assets:Bank  3.00 GBP\n  Income:Gifts  -3.00")
    assert check(tmp_path, after + entry) == []


def test_a_changed_entry_is_named_at_its_line(tmp_path):
    entry, _files = locked_books(tmp_path)
    changed = BOOKS.replace("Assets:Bank  20.00 GBP\n  Income:Gifts  -20.00",
                            "Assets:Bank  25.00 GBP\n  Income:Gifts  -25.00")
    where = f"the lock through 2019-12-31 (main.beancount:{lineno(BOOKS + entry, '2019-12-31 custom')})"
    entries, options = load(tmp_path, changed + entry)
    # Each error points at the entry (Fava links it): the changed one.
    assert [e.entry.narration for e in period_lock.check(entries, options)] == ["Gift"]
    assert check(tmp_path, changed + entry) == [
        ((f'2019-06-30 transaction "Donor Gift" was changed inside the period locked by '
         f"{where}{HINT}"), lineno(BOOKS, "2019-06-30"))]


def test_a_change_on_the_lock_s_last_day_is_named(tmp_path):
    entry, _files = locked_books(tmp_path)
    changed = BOOKS.replace('"Last gift of the year"', '"Last gift of the year, again"')
    got = check(tmp_path, changed + entry)
    # Its words changed too: one entry added, the one locked removed.
    assert [m.split(" inside ")[0].split(" from ")[0] for m, _n in got] == [
        '2019-12-31 transaction "Last gift of the year, again" was added',
        '2019-12-31 transaction "Last gift of the year" was removed']


def test_an_added_entry_and_a_removed_one(tmp_path):
    entry, _files = locked_books(tmp_path)
    lock_line = lineno(BOOKS + entry, "2019-12-31 custom")
    added = BOOKS.replace("2019-06-30 * ", '2019-03-01 note Assets:Bank "x"\n2019-06-30 * ')
    assert check(tmp_path, added + entry) == [
        (("2019-03-01 note was added inside the period locked by the lock through 2019-12-31 "
         f"(main.beancount:{lock_line + 1}){HINT}"), lineno(added, "2019-03-01"))]
    gone = BOOKS.replace('2019-01-05 * "Donor" "Gift"\n  Assets:Bank  10.00 GBP\n'
                         "  Income:Gifts  -10.00 GBP\n", "")
    entries, options = load(tmp_path, gone + entry)
    assert [e.entry.type for e in period_lock.check(entries, options)] == ["lock"]
    assert check(tmp_path, gone + entry) == [
        (('2019-01-05 transaction "Donor Gift" was removed from the period locked by the '
         f"lock through 2019-12-31 (main.beancount:{lock_line - 3}){HINT}"), lock_line - 3)]


def test_an_entry_given_twice_is_named_once(tmp_path):
    entry, _files = locked_books(tmp_path)
    gift = '2019-06-30 * "Donor" "Gift"\n  Assets:Bank  20.00 GBP\n  Income:Gifts  -20.00 GBP\n'
    twice = BOOKS.replace(gift, gift + gift)
    got = check(tmp_path, twice + entry)
    assert [(m.split(" inside ")[0], n) for m, n in got] == [
        ('2019-06-30 transaction "Donor Gift" was added', lineno(BOOKS, "2019-12-31 *"))]


def test_an_option_changed_breaks_a_lock_that_covers_options_only(tmp_path):
    entry, _files = locked_books(tmp_path)
    eur = BOOKS.replace('"operating_currency" "GBP"', '"operating_currency" "EUR"')
    got = check(tmp_path, eur + entry)
    assert [m.split(" inside ")[0] for m, _n in got] == [
        ("the books' options (currency, booking, tolerances, account names, plugins) was "
        "changed")]
    # The same lock without its covers mark (as written before options were covered).
    other = tmp_path / "bare"
    other.mkdir()
    bare, _files = locked_books(other, options=False)
    assert check(other, eur + bare) == []


def test_without_its_detail_file_the_lock_still_fails(tmp_path):
    entry, files = locked_books(tmp_path)
    changed = BOOKS.replace("Assets:Bank  20.00 GBP\n  Income:Gifts  -20.00",
                            "Assets:Bank  25.00 GBP\n  Income:Gifts  -25.00")
    lock_line = lineno(BOOKS + entry, "2019-12-31 custom")
    missing = [(("an entry was added, changed or removed inside the period locked by the lock "
                f"through 2019-12-31 (main.beancount:{lock_line}) (its detail file is missing, "
                f"so the entry cannot be named){HINT}"), lock_line)]
    (rel, body), = files.items()
    # A detail file of another lock is no detail of this one.
    (tmp_path / rel).write_text("# an older list\n" + body.split("\n", 1)[1])
    assert check(tmp_path, changed + entry) == missing
    (tmp_path / rel).unlink()
    assert check(tmp_path, changed + entry) == missing


@pytest.mark.parametrize("version", [1, 2, 3])
def test_a_detail_file_rewritten_to_match_a_change_does_not_hide_it(tmp_path, version):
    """The detail file only names what changed: one rewritten to list the changed entries'
    hashes under the lock's own digest still leaves the lock broken."""
    entry, files = locked_books(tmp_path, version=version)
    changed = BOOKS.replace("Assets:Bank  20.00 GBP\n  Income:Gifts  -20.00",
                            "Assets:Bank  25.00 GBP\n  Income:Gifts  -25.00")
    (rel, body), = files.items()
    entries, options = load(tmp_path, changed)
    _entry, forged = period_lock.lock_files(entries, THROUGH, TODAY, options, version)
    value = entry.split('"')[3]
    lines = next(iter(forged.values())).split("\n", 1)
    (tmp_path / rel).write_text(body.split("\n", 1)[0] + "\n" + lines[1])
    assert value in (tmp_path / rel).read_text().splitlines()[0]
    lock_line = lineno(BOOKS + entry, "2019-12-31 custom")
    assert check(tmp_path, changed + entry) == [(
        ("an entry was added, changed or removed inside the period locked by the lock "
         f"through 2019-12-31 (main.beancount:{lock_line}) (its detail file is not as the "
         f"lock wrote it, so the entry cannot be named){HINT}"), lock_line)]


def test_a_change_inside_two_locks_is_named_once(tmp_path):
    early, _files = locked_books(tmp_path, through=day(2019, 6, 30))
    books = BOOKS + early
    entries, options = load(tmp_path, books)
    late, files = period_lock.lock_files(entries, THROUGH, TODAY, options)
    for rel, body in files.items():
        (tmp_path / rel).write_text(body)
    changed = books.replace("Assets:Bank  20.00 GBP\n  Income:Gifts  -20.00",
                            "Assets:Bank  25.00 GBP\n  Income:Gifts  -25.00")
    got = check(tmp_path, changed + late)
    assert [(m.split(" inside ")[0], m.split("lock through ")[1][:10]) for m, _n in got] == [
        ('2019-06-30 transaction "Donor Gift" was changed', "2019-06-30")]
    # A change between the two locks' days breaks the later one only.
    changed = books.replace("Assets:Bank  1.00 GBP\n  Income:Gifts  -1.00",
                            "Assets:Bank  1.50 GBP\n  Income:Gifts  -1.50")
    got = check(tmp_path, changed + late)
    assert [m.split("lock through ")[1][:10] for m, _n in got] == ["2019-12-31"]


def test_malformed_locks_and_unlocks(tmp_path):
    entry, _files = period_lock.lock_files(load(tmp_path, BOOKS)[0], THROUGH, TODAY)
    value = entry.split('"')[3]
    bad = '2019-12-31 custom "lock" "4be1"\n'
    assert check(tmp_path, BOOKS + bad) == [
        ('a lock is written: 2019-12-31 custom "lock" "sha256:<digest>"', lineno(BOOKS + bad, "2019-12-31 custom"))]
    two = f'2019-12-31 custom "unlock" "{value}" "again"\n  reason: "Minute 4 said so"\n'
    assert [m for m, _n in check(tmp_path, BOOKS + entry + two)] == [
        'a unlock is written: 2019-12-31 custom "unlock" "sha256:<digest>"']
    short = f'2019-12-31 custom "unlock" "{value}"\n  reason: "Minute 7"\n'
    assert [m for m, _n in check(tmp_path, BOOKS + entry + short)] == [
        ('the unlock of the lock through 2019-12-31 gives no reason of a few words: add '
        'reason: "..." (e.g. the trustees\' minute)')]
    stray = '2019-12-30 custom "unlock" "sha256:00"\n  reason: "Minute 7 of the trustees"\n'
    assert [m for m, _n in check(tmp_path, BOOKS + entry + stray)] == [
        "this unlock names no lock through 2019-12-30 with digest sha256:00"]
    # Each names its entry (Fava links it).
    for text in (bad, two, short, stray):
        entries, _o = load(tmp_path, BOOKS + entry + text)
        assert [(e.entry.date, e.entry.type) for e in period_lock.check(entries)] == [
            (day(2019, 12, text.startswith("2019-12-30") and 30 or 31),
             text.split('"')[1])]


def test_an_unlocked_lock_is_not_checked_and_head_is_the_latest_in_force(tmp_path):
    early, _f = locked_books(tmp_path, through=day(2019, 6, 30))
    entry, _files = locked_books(tmp_path)
    value = entry.split('"')[3]
    lifted = (f'2019-12-31 custom "unlock" "{value}"\n'
              '  reason: "Minute 7 of the trustees"\n')
    changed = BOOKS.replace("Assets:Bank  1.00 GBP\n  Income:Gifts  -1.00",
                            "Assets:Bank  1.50 GBP\n  Income:Gifts  -1.50")
    assert check(tmp_path, changed + early + entry + lifted) == []
    entries, _o = load(tmp_path, BOOKS + early + entry)
    assert period_lock.head(entries).through == THROUGH
    entries, _o = load(tmp_path, BOOKS + early + entry + lifted)
    assert period_lock.head(entries).through == day(2019, 6, 30)
    assert period_lock.head(load(tmp_path, BOOKS)[0]) is None


def test_reasons():
    assert period_lock.reason_enough("Minute 7: correct the accrual")
    assert period_lock.reason_enough("fix the rent")
    assert not period_lock.reason_enough("fix the 2019")
    assert not period_lock.reason_enough(". x -")
    assert not period_lock.reason_enough("")


def test_the_unlock_entries(tmp_path):
    early, _f = locked_books(tmp_path, through=day(2019, 6, 30))
    entry, _files = locked_books(tmp_path)
    entries, _o = load(tmp_path, BOOKS + early + entry)
    value = entry.split('"')[3]
    reason = 'Minute 7: the "rent" \\ fixed'
    assert period_lock.unlock_text(entries, reason, TODAY) == (
        f'\n2019-12-31 custom "unlock" "{value}"\n'
        '  reason: "Minute 7: the \\"rent\\" \\\\ fixed"\n'
        "  unlocked-on: 2020-03-01\n")
    text = period_lock.unlock_text(entries, "Minute 8 of the trustees", TODAY,
                                   since=day(2019, 6, 30))
    assert text == "".join(
        f'\n{through} custom "unlock" "{lock.split(chr(34))[3]}"\n'
        '  reason: "Minute 8 of the trustees"\n  unlocked-on: 2020-03-01\n'
        for through, lock in (("2019-06-30", early), ("2019-12-31", entry)))
    with pytest.raises(period_lock.Refused) as refused:
        period_lock.unlock_text(load(tmp_path, BOOKS)[0], reason, TODAY)
    assert str(refused.value) == "no lock is in force"
    with pytest.raises(period_lock.Refused, match=r"not '\.'"):
        period_lock.unlock_text(entries, " . ", TODAY)
    # Locking a day already locked is refused; the lock through the last one names it.
    with pytest.raises(period_lock.Refused, match="the books are already locked through "
                       "2019-12-31; lock a later date to extend the lock"):
        period_lock.lock_files(entries, day(2019, 6, 30), TODAY)


def test_a_lock_removed_from_the_books_is_caught_by_its_detail_file(tmp_path):
    entry, files = locked_books(tmp_path)
    value = entry.split('"')[3]
    (rel, _body), = files.items()
    # Beside it, files that are no lock's detail are left alone.
    (tmp_path / "locks" / "notes.txt").write_text("# fundledger notes sha256:00\n")
    (tmp_path / "locks" / "empty.txt").write_text("")
    assert check(tmp_path, BOOKS) == [(
        (f"the lock through 2019-12-31 ({value[:20]}...) is no longer in the books: "
        "locks.beancount was emptied or is no longer included. Restore it; a lock is lifted "
        "only by `fundledger unlock` with a reason"), 1)]
    entries, options = load(tmp_path, BOOKS)
    assert period_lock.check(entries, options)[0].source["filename"] == str(tmp_path / rel)
    assert check(tmp_path, BOOKS + entry) == []
    # An unlock naming it keeps its register entry.
    lifted = f'2019-12-31 custom "unlock" "{value}"\n  reason: "Minute 7 of the trustees"\n'
    stray = '2019-12-30 custom "unlock" "sha256:00"\n  reason: "Minute 7 of the trustees"\n'
    assert [m[:40] for m, _n in check(tmp_path, BOOKS + lifted + stray)] == [
        "this unlock names no lock through 2019-1", "this unlock names no lock through 2019-1"]
    # A detail file that cannot be read (here a folder), or whose first line is cut
    # short, does not stop the others being read; one of four words is read.
    (tmp_path / "locks" / "2000-01-01-a.txt").mkdir()
    (tmp_path / "locks" / "2000-01-02-b.txt").write_text("# fundledger lock\n")
    (tmp_path / "locks" / "2000-01-03-c.txt").write_text("# fundledger lock sha256:ab\n")
    assert [m[:39] for m, _n in check(tmp_path, BOOKS)] == [
        "the lock through 2000-01-03 (sha256:ab.", "the lock through 2019-12-31 (sha256v2:"
        + value[9:10]]
    # Without the books' options no folder is looked at.
    assert period_lock.check(load(tmp_path, BOOKS)[0]) == []


def test_a_published_statement_removed_from_the_register_is_caught(tmp_path):
    value = "4f1c" + "0" * 60
    (tmp_path / "published").mkdir()
    receipt = period_lock.receipt(day(2024, 12, 31), value,
                                  f'2025-01-20 custom "published" 2024-12-31 "all" "{value}"\n')
    assert receipt == {f"published/2024-12-31-{value[:12]}.txt":
                       f"# fundledger published {value}\n"
                       f'2025-01-20 custom "published" 2024-12-31 "all" "{value}"\n'}
    for rel, body in receipt.items():
        (tmp_path / rel).write_text(body)
    (tmp_path / "published" / "other.txt").write_text("# fundledger notes x\n")
    assert check(tmp_path, BOOKS) == [(
        ("the statement published with figures to 2024-12-31 is no longer in the register of "
        'published statements: restore its custom "published" entry (the receipt holds it); '
        "anyone holding it could subtract it from a new statement"), 1)]
    entries, options = load(tmp_path, BOOKS)
    assert period_lock.check(entries, options)[0].source["filename"] == str(
        tmp_path / f"published/2024-12-31-{value[:12]}.txt")
    registered = BOOKS + f'2025-01-20 custom "published" 2024-12-31 "all" "{value}"\n'
    assert check(tmp_path, registered) == []
    # A receipt that cannot be read (here a folder) does not stop the others being read.
    (tmp_path / "published" / "2000-01-01-a.txt").mkdir()
    assert len(check(tmp_path, BOOKS)) == 1


def test_a_register_is_matched_only_by_entries_of_its_own_kind(tmp_path):
    """A note carrying a lock's digest, or a receipt's, does not stand for the lock entry
    or the `published` register entry."""
    entry, _files = locked_books(tmp_path)
    value = entry.split('"')[3]
    gone = [m[:60] for m, _n in check(tmp_path, BOOKS)]
    assert gone == [f"the lock through 2019-12-31 ({value[:20]}...) is no longer in"[:60]]
    for note in (f'2020-01-02 custom "minute" "{value}"\n',
                 f'2020-01-02 custom "minute" "{value}" "trustees"\n'):
        assert [m[:60] for m, _n in check(tmp_path, BOOKS + note)] == gone
    receipt = "4f1c" + "0" * 60
    (tmp_path / "published").mkdir()
    for rel, body in period_lock.receipt(day(2024, 12, 31), receipt, "").items():
        (tmp_path / rel).write_text(body)
    both = BOOKS + entry
    unregistered = [m[:60] for m, _n in check(tmp_path, both)]
    assert unregistered == ["the statement published with figures to 2024-12-31 is no lon"]
    note = f'2025-01-20 custom "minute" 2024-12-31 "all" "{receipt}"\n'
    assert [m[:60] for m, _n in check(tmp_path, both + note)] == unregistered
    registered = f'2025-01-20 custom "published" 2024-12-31 "all" "{receipt}"\n'
    assert check(tmp_path, both + registered) == []


def test_the_pack_page(tmp_path):
    entry, _files = locked_books(tmp_path)
    value = entry.split('"')[3]
    assert period_lock.pack_text(load(tmp_path, BOOKS)[0], THROUGH) == (
        "These books are not locked through 2019-12-31. Lock them once the accounts are "
        "approved (fundledger lock --through 2019-12-31), and keep the digest it prints with "
        "the signed accounts.\n")
    entries, _o = load(tmp_path, BOOKS + entry)
    assert period_lock.pack_text(entries, day(2020, 1, 1)).startswith(
        "These books are not locked through 2020-01-01.")
    page = (f"Locked through: 2019-12-31\nDigest: {value}\n\n"
            "Keep this digest with the signed accounts, outside the books. Anyone can later "
            "prove the books are as they were locked, even if the lock entry is deleted:\n"
            f"  fundledger verify --books BOOKS --digest {value} --through 2019-12-31\n")
    assert period_lock.pack_text(entries, THROUGH) == page
    assert period_lock.pack_text(entries, day(2019, 3, 31)) == page


def test_verify_against_a_digest_kept_outside_the_books(tmp_path):
    entry, _files = locked_books(tmp_path)
    value = entry.split('"')[3]
    # The lock entry deleted: its day is found among the month ends.
    entries, options = load(tmp_path, BOOKS)
    assert period_lock.verify(entries, options, value) == THROUGH
    assert period_lock.verify(entries, options, value[len("sha256v2:"):]) == THROUGH
    assert period_lock.verify(entries, options, value, through=THROUGH) == THROUGH
    assert period_lock.verify(entries, options, value, through=day(2019, 12, 30)) is None
    # A lock through a day that is no month end, found by the lock's own day.
    mid, _f = locked_books(tmp_path, through=day(2019, 6, 15))
    entries, options = load(tmp_path, BOOKS + mid)
    assert period_lock.verify(entries, options, mid.split('"')[3]) == day(2019, 6, 15)
    # Books whose last entry is on the 1st of a month: that month's end is tried too.
    (tmp_path / "jan").mkdir()
    whole, _f = locked_books(tmp_path / "jan", through=day(2020, 1, 31))
    entries, options = load(tmp_path, BOOKS)
    assert period_lock.verify(entries, options, whole.split('"')[3]) == day(2020, 1, 31)
    # Nothing moves from February to May: the latest of those days is the one found.
    first, _f = locked_books(tmp_path, through=day(2019, 1, 31))
    entries, options = load(tmp_path, BOOKS)
    assert period_lock.verify(entries, options, first.split('"')[3]) == day(2019, 5, 31)
    # The books changed inside the period: no day has the digest any longer.
    changed = BOOKS.replace("Assets:Bank  20.00 GBP\n  Income:Gifts  -20.00",
                            "Assets:Bank  25.00 GBP\n  Income:Gifts  -25.00")
    entries, options = load(tmp_path, changed)
    assert period_lock.verify(entries, options, value) is None
    assert period_lock._month_ends([]) == set()


def test_entries_alike_changed_and_one_more_added(tmp_path):
    """Two locked gifts with the same words on one day, both changed, and a third like
    them added: two changed, one added (by their words alone they cannot be told apart)."""
    gift = '2019-06-30 * "Donor" "Gift"\n  Assets:Bank  {n} GBP\n  Income:Gifts  -{n} GBP\n'
    books = BOOKS + gift.format(n="21.00")
    entry, _files = locked_books(tmp_path, books)
    changed = (BOOKS.replace("20.00 GBP\n  Income:Gifts  -20.00", "25.00 GBP\n  Income:Gifts  -25.00")
               + gift.format(n="26.00") + gift.format(n="27.00"))
    got = check(tmp_path, changed + entry)
    assert sorted(m.split(" inside ")[0] for m, _n in got) == [
        '2019-06-30 transaction "Donor Gift" was added',
        '2019-06-30 transaction "Donor Gift" was changed',
        '2019-06-30 transaction "Donor Gift" was changed']


def test_an_entry_removed_inside_two_locks_is_named_once(tmp_path):
    early, _files = locked_books(tmp_path, through=day(2019, 6, 30))
    books = BOOKS + early
    entries, options = load(tmp_path, books)
    late, files = period_lock.lock_files(entries, THROUGH, TODAY, options)
    for rel, body in files.items():
        (tmp_path / rel).write_text(body)
    gone = books.replace('2019-01-05 * "Donor" "Gift"\n  Assets:Bank  10.00 GBP\n'
                         "  Income:Gifts  -10.00 GBP\n", "")
    assert [m.split(" locked by ")[0] for m, _n in check(tmp_path, gone + late)] == [
        '2019-01-05 transaction "Donor Gift" was removed from the period']


def test_a_later_budget_changed_breaks_a_lock_that_covers_it(tmp_path):
    books = (BOOKS + '2020-02-01 custom "fund-budget" "general" "Solicitors" 100.00 GBP\n')
    entry, _files = locked_books(tmp_path, books)
    changed = books.replace("100.00 GBP\n", "150.00 GBP\n")
    assert [m.split(" inside ")[0] for m, _n in check(tmp_path, changed + entry)] == [
        '2020-02-01 custom "fund-budget" was changed']
    assert check(tmp_path, books + entry) == []


def test_a_lock_with_no_file_is_named_as_in_the_books(tmp_path):
    """A lock entry another plugin made (no file, no line) is still named in words."""
    entry, _files = locked_books(tmp_path)
    entries, _options = load(tmp_path, BOOKS.replace("20.00 GBP\n  Income:Gifts  -20.00",
                                                     "25.00 GBP\n  Income:Gifts  -25.00"))
    lock = next(e for e in load(tmp_path, BOOKS + entry)[0] if getattr(e, "type", "") == "lock")
    assert [e.message for e in period_lock.check([*entries, lock._replace(meta={})])] == [
        ("an entry was added, changed or removed inside the period locked by the lock through "
        "2019-12-31 (<books>:None) (its detail file is missing, so the entry cannot be "
        f"named){HINT}")]


@pytest.mark.parametrize(("version", "prefix"), [(1, "sha256:"), (2, "sha256v2:")])
def test_upgrading_an_older_lock(tmp_path, version, prefix):
    """`lock --upgrade`: a version 3 lock of the same day for each older lock in force,
    only once each old digest is proven on the books; the old lock it replaces is no
    longer recomputed, and both are lifted together."""
    early, _f = locked_books(tmp_path, through=day(2019, 6, 30), version=version)
    entries, options = load(tmp_path, BOOKS + early)
    late, _f = period_lock.lock_files(entries, THROUGH, TODAY, options, version=version)
    books = BOOKS + early + late
    old = [re.search(f'"({prefix}[0-9a-f]{{64}})"', x).group(1) for x in (early, late)]
    # A change inside the later lock's period: nothing is upgraded.
    changed = BOOKS.replace("1.00 GBP\n  Income:Gifts  -1.00", "1.50 GBP\n  Income:Gifts  -1.50")
    entries, options = load(tmp_path, changed + early + late)
    with pytest.raises(period_lock.Refused, match=re.escape(
            "the lock through 2019-12-31 (main.beancount:") + ".*no longer holds"):
        period_lock.upgrade_files(entries, TODAY, options)
    entries, options = load(tmp_path, books)
    text, files = period_lock.upgrade_files(entries, TODAY, options)
    new = re.findall(r'"(sha256v3:[0-9a-f]{64})"', text)
    assert [period_lock.period_digest(entries, d, options) for d in (day(2019, 6, 30),
                                                                      THROUGH)] == new
    assert text == "".join(
        f'\n{d} custom "lock" "{v2}"\n  entries: {n}\n  locked-on: 2020-03-01\n'
        f'  covers: "options, later declarations"\n  replaces: "{v1}"\n'
        f'  detail: "locks/{d}-{v2[9:17]}.txt"\n'
        for d, v2, v1, n in zip(("2019-06-30", "2019-12-31"), new, old, (6, 7)))
    assert sorted(files) == [f"locks/2019-06-30-{new[0][9:17]}.txt",
                             f"locks/2019-12-31-{new[1][9:17]}.txt"]
    for rel, body in files.items():
        (tmp_path / rel).write_text(body)
    upgraded = books + text
    assert check(tmp_path, upgraded) == []
    entries, options = load(tmp_path, upgraded)
    assert period_lock.head(entries).digest == new[1]
    assert [lk.digest for lk in period_lock.in_force(period_lock.locks(entries)[0])] == new
    with pytest.raises(period_lock.Refused, match="nothing to upgrade"):
        period_lock.upgrade_files(entries, TODAY, options)
    # A change is named once, by the version 3 lock of its period.
    at = lineno(upgraded, '2019-12-31 custom "lock" "sha256v3')
    assert [m for m, _n in check(tmp_path, changed + early + late + text)] == [
        (f'2019-12-31 transaction "Last gift of the year" was changed inside the period '
         f"locked by the lock through 2019-12-31 (main.beancount:{at}){HINT}")]
    # Unlocking lifts the latest day's locks, both versions.
    lifted = period_lock.unlock_text(entries, "Minute 9 of the trustees", TODAY)
    assert re.findall(r'"(sha256\S*:[0-9a-f]{64})"', lifted) == [old[1], new[1]]
    # A version 3 lock naming a digest it does not replace (another day's) replaces nothing.
    stray = text.replace(f'replaces: "{old[1]}"', f'replaces: "{old[0]}"')
    entries, options = load(tmp_path, books + stray)
    assert [lk.digest for lk in period_lock.in_force(period_lock.locks(entries)[0])] == [
        new[0], old[1], new[1]]
    assert check(tmp_path, books + stray) == []  # both versions checked on one load


def test_either_version_without_the_options_and_verified(tmp_path):
    """A lock written without the options covers its period only, in either version (a
    later year end does not count), and `verify` proves a digest of either version, with
    its prefix or as the hex alone; a version 1 lock written without the options is
    upgraded on its period alone."""
    later = '2020-06-01 custom "fundledger-option" "fy-end" "03-31"\n'
    entries, options = load(tmp_path, BOOKS + later)
    for version in (1, 2, 3):
        entry, _files = period_lock.lock_files(entries, THROUGH, TODAY, version=version)
        value = entry.split('"')[3]
        assert value == period_lock.period_digest(entries, THROUGH, None, version)
        assert value != period_lock.period_digest(entries, THROUGH, options, version)
        full = period_lock.lock_files(entries, THROUGH, TODAY, options, version)[0]
        digest = full.split('"')[3]
        assert period_lock.verify(entries, options, digest) == THROUGH
        assert period_lock.verify(entries, options, digest.split(":")[1]) == THROUGH
        assert period_lock.verify(entries, options, digest, THROUGH) == THROUGH
    old, files = period_lock.lock_files(entries, THROUGH, TODAY, version=1)
    for rel, body in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(body)
    entries, options = load(tmp_path, BOOKS + later + old)
    text, _files = period_lock.upgrade_files(entries, TODAY, options)
    assert f'replaces: "{old.split(chr(34))[3]}"' in text
    assert check(tmp_path, BOOKS + later + old + text) == []
