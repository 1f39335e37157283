"""ledger.books on small hand-written books, in this process: finding the books, the
folder lock, the journal a killed writer leaves, the files a change stages, and appending.

tests/test_books.py works on the demo books and tests/test_crash.py kills real writers in
subprocesses; these call each piece directly on books of a few lines, so `make mutate`
sees which test reaches a planted bug (and each runs in milliseconds).
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from ledger import books

# Money between pooled accounts (no fund needed): books need not name the plugin for the
# fund rules to be checked (DESIGN.md, Controls), and these tests are about files, not funds.
MAIN = """\
option "operating_currency" "GBP"
2024-01-01 open Assets:Bank:Current
2024-01-01 open Liabilities:Loans:Bank
include "journal.beancount"
"""
JOURNAL = """\
2024-02-01 * "Bank" "Gift"
  Assets:Bank:Current            10.00 GBP
  Liabilities:Loans:Bank         -10.00 GBP
"""
GIFT = JOURNAL.replace("2024-02-01", "2024-03-01").replace("10.00", "25.00")
UNKNOWN = GIFT.replace("Liabilities:Loans:Bank", "Liabilities:Nowhere")


def make(folder: Path, main: str = MAIN, **files: str) -> Path:
    """Books in folder: main.beancount and journal.beancount (or the files given)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "main.beancount").write_text(main, encoding="utf-8")
    for rel, text in ({"journal.beancount": JOURNAL} | {
            k.replace("__", "/").replace("_beancount", ".beancount"): v
            for k, v in files.items()}).items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    return folder / "main.beancount"


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def can_lock(folder: Path, how: int) -> bool:
    """Whether another open file description could take this lock on the folder now."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, how | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def test_books_error_keeps_its_lines_and_says_them_one_a_line():
    e = books.BooksError(["a.beancount:1: one", "b.beancount:2: two"])
    assert e.lines == ["a.beancount:1: one", "b.beancount:2: two"]
    assert str(e) == "a.beancount:1: one\nb.beancount:2: two"


def test_the_books_are_a_main_file_or_a_folder_holding_one(tmp_path, monkeypatch):
    main = make(tmp_path / "books")
    assert books.resolve(tmp_path / "books") == main.resolve()
    assert books.resolve(str(main)) == main.resolve()
    other = tmp_path / "books" / "other.beancount"
    other.write_text(MAIN)
    assert books.resolve(other) == other.resolve()
    monkeypatch.setenv("HOME", str(tmp_path))
    assert books.resolve("~/books") == main.resolve()
    with pytest.raises(books.BooksError) as e:
        books.resolve(tmp_path / "nothing")
    assert e.value.lines == [(f"{tmp_path / 'nothing'}: no books here "
                             "(expected a .beancount file or a folder holding main.beancount)")]
    (tmp_path / "empty").mkdir()
    with pytest.raises(books.BooksError) as e:
        books.resolve(tmp_path / "empty")
    assert e.value.lines == [(f"{tmp_path / 'empty' / 'main.beancount'}: no books here "
                             "(expected a .beancount file or a folder holding main.beancount)")]


@pytest.mark.parametrize("cache", [True, False])
def test_load_reads_the_books_with_their_includes(tmp_path, monkeypatch, cache):
    monkeypatch.setenv("FUNDLEDGER_CACHE_DIR", str(tmp_path / "cache"))
    main = make(tmp_path / "books")
    entries, errors, options = books.load(tmp_path / "books", cache=cache)
    assert errors == []
    assert [type(e).__name__ for e in entries] == ["Open", "Open", "Transaction"]
    assert options["operating_currency"] == ["GBP"]
    assert books.load(main, cache=cache)[0] == entries


def test_derived_computes_over_the_loaded_books_with_its_arguments(tmp_path, monkeypatch):
    monkeypatch.setenv("FUNDLEDGER_CACHE_DIR", str(tmp_path / "cache"))
    make(tmp_path / "books")

    def count(entries, errors, options, kind, extra):
        return sum(type(e).__name__ == kind for e in entries) + extra + len(errors)

    assert books.derived(tmp_path / "books", count, "Open", 10) == 12


def journaled(folder: Path, rel: str, text: str) -> None:
    """What a writer killed just after its commit point leaves behind."""
    (folder / (rel + books.NEW_SUFFIX)).parent.mkdir(parents=True, exist_ok=True)
    (folder / (rel + books.NEW_SUFFIX)).write_text(text, encoding="utf-8")
    (folder / books.JOURNAL).write_text(json.dumps([rel]))


@pytest.mark.parametrize("cache", [True, False])
def test_a_reader_first_finishes_a_change_a_killed_writer_journaled(tmp_path, monkeypatch,
                                                                    cache):
    monkeypatch.setenv("FUNDLEDGER_CACHE_DIR", str(tmp_path / "cache"))
    main = make(tmp_path / "books")
    journaled(main.parent, "journal.beancount", JOURNAL + GIFT)
    entries, errors, _ = books.load(main, cache=cache)
    assert errors == [] and len(entries) == 4
    assert (main.parent / "journal.beancount").read_text() == JOURNAL + GIFT
    assert not (main.parent / books.JOURNAL).exists()


def test_reading_holds_a_shared_lock_and_lets_it_go(tmp_path):
    folder = make(tmp_path / "books").parent
    with books.reading(folder):
        assert can_lock(folder, fcntl.LOCK_SH)
        assert not can_lock(folder, fcntl.LOCK_EX)
        assert folder in books._held()
    assert can_lock(folder, fcntl.LOCK_EX)
    assert folder not in books._held()


def test_a_writer_reads_its_own_books_under_its_lock(tmp_path, monkeypatch):
    """An import plans under apply's exclusive lock and loads the books meanwhile: the
    same thread must not wait for itself (a second flock on a new descriptor would)."""
    monkeypatch.setenv("FUNDLEDGER_CACHE_DIR", str(tmp_path / "cache"))
    main = make(tmp_path / "books")
    done = []

    def write():
        with books.locked(main.parent):
            with books.reading(main.parent), books.locked(main.parent, shared=True):
                done.append(len(books.load(main, cache=False)[0]))
            assert main.parent in books._held()  # still the writer's
            assert not can_lock(main.parent, fcntl.LOCK_SH)

    t = threading.Thread(target=write, daemon=True)
    t.start()
    t.join(20)
    assert done == [3]
    assert can_lock(main.parent, fcntl.LOCK_EX)


def test_the_write_lock_is_exclusive_and_the_read_lock_shared(tmp_path):
    folder = make(tmp_path / "books").parent
    with books.locked(folder):
        assert not can_lock(folder, fcntl.LOCK_SH)
        assert folder in books._held()
    assert folder not in books._held()
    with books.locked(folder, shared=True):
        assert can_lock(folder, fcntl.LOCK_SH) and not can_lock(folder, fcntl.LOCK_EX)
    assert can_lock(folder, fcntl.LOCK_EX)
    assert sorted(p.name for p in folder.iterdir()) == ["journal.beancount", "main.beancount"]


def test_another_thread_waits_for_the_write_lock(tmp_path):
    folder = make(tmp_path / "books").parent
    order = []
    inside = threading.Event()

    def other():
        inside.wait(10)
        with books.locked(folder, shared=True):
            order.append("reader")

    t = threading.Thread(target=other, daemon=True)
    with books.locked(folder):
        t.start()
        inside.set()
        t.join(0.3)
        order.append("writer done")
    t.join(10)
    assert order == ["writer done", "reader"]


def test_no_folder_can_be_read_locked_but_not_write_locked(tmp_path):
    missing = tmp_path / "missing"
    with books.locked(missing, shared=True):
        assert missing not in books._held()
    with pytest.raises(OSError), books.locked(missing):
        pass


def test_recover_rolls_every_journaled_file_forward(tmp_path):
    folder = make(tmp_path / "books").parent
    (folder / "imports").mkdir()
    (folder / books.JOURNAL).write_text(json.dumps(["journal.beancount",
                                                    "imports/new.beancount",
                                                    "main.beancount"]))
    (folder / ("journal.beancount" + books.NEW_SUFFIX)).write_text("new journal")
    (folder / "imports" / ("new.beancount" + books.NEW_SUFFIX)).write_text("new file")
    # main.beancount's new text was renamed before the kill: nothing left to do for it
    assert books.recover(folder) is True
    assert files(folder) == {"imports/new.beancount": b"new file",
                             "journal.beancount": b"new journal",
                             "main.beancount": MAIN.encode()}
    assert books.recover(folder) is False


def test_recover_without_a_journal_drops_what_an_abandoned_change_wrote(tmp_path):
    folder = make(tmp_path / "books").parent
    before = files(folder)
    (folder / "imports" / "deep").mkdir(parents=True)
    (folder / ("journal.beancount" + books.NEW_SUFFIX)).write_text("half")
    (folder / "imports" / "deep" / ("x.beancount" + books.NEW_SUFFIX)).write_text("half")
    (folder / (books.JOURNAL + ".tmp")).write_text('["journal.beancount"]')
    assert books.recover(folder) is False
    assert files(folder) == before


def test_a_torn_journal_is_dropped_and_changes_nothing(tmp_path):
    folder = make(tmp_path / "books").parent
    before = files(folder)
    (folder / ("journal.beancount" + books.NEW_SUFFIX)).write_text("half")
    (folder / books.JOURNAL).write_text('["journal.beanc')
    assert books.recover(folder) is True
    assert files(folder) == before


def test_format_error_is_one_file_line_message_line(tmp_path):
    def error(source, message="a  problem\n  over lines"):
        return SimpleNamespace(source=source, message=message)

    where = str(tmp_path / "imports" / "x.beancount")
    assert books.format_error(error({"filename": where, "lineno": 7})) == \
        f"{where}:7: a problem over lines"
    assert books.format_error(error({"filename": where, "lineno": 7}), tmp_path) == \
        "imports/x.beancount:7: a problem over lines"
    assert books.format_error(error({"filename": "/elsewhere/y.beancount", "lineno": 2}),
                              tmp_path) == "/elsewhere/y.beancount:2: a problem over lines"
    assert books.format_error(error({"filename": where}), tmp_path) == \
        "imports/x.beancount: a problem over lines"
    assert books.format_error(error(None, "plain")) == "<books>: plain"
    assert books.format_error(error({"lineno": 3}, "x")) == "<books>:3: x"


def test_included_lists_every_file_the_books_include_main_first(tmp_path):
    main = make(tmp_path / "books",
                MAIN + 'include "imports/*/2024.beancount"\ninclude "journal.beancount"\n',
                imports__b__2024_beancount='include "../../rules.beancount"\n',
                imports__a__2024_beancount="", rules_beancount="",
                imports__a__2023_beancount="")
    assert books.included(main) == ["main.beancount", "journal.beancount",
                                    "imports/a/2024.beancount", "imports/b/2024.beancount",
                                    "rules.beancount"]
    # A change is read in place of the file it replaces; a missing include is beancount's.
    assert books.included(main, {"journal.beancount": '  include "more.beancount"\n'}) == [
        "main.beancount", "journal.beancount", "imports/a/2024.beancount",
        "imports/b/2024.beancount", "more.beancount", "rules.beancount"]


@pytest.mark.parametrize("include, problem", [
    ("../outside.beancount", ("is outside the books folder; fundledger changes only books "
     "whose files all live in it")),
    ("/etc/other.beancount", ("is outside the books folder; fundledger changes only books "
     "whose files all live in it")),
    ("notes.txt", ("is not a .beancount file; fundledger changes only books whose files "
     "are all named *.beancount")),
])
def test_an_include_a_write_cannot_stage_is_refused_at_its_line(tmp_path, include, problem):
    main = make(tmp_path / "books", MAIN + f'include "{include}"\n')
    with pytest.raises(books.BooksError) as e:
        books.included(main)
    assert e.value.lines == [f'{main}:5: include "{include}" {problem}']


def test_check_changed_loads_the_changed_books_and_names_the_real_files(tmp_path):
    main = make(tmp_path / "books", notes_beancount="not included: never staged\n")
    assert books.check_changed(main, {"journal.beancount": JOURNAL + GIFT}) == []
    errors = books.check_changed(main, {"journal.beancount": JOURNAL + UNKNOWN})
    assert len(errors) == 1
    assert errors[0].startswith(f"{main.parent / 'journal.beancount'}:4: ")
    assert "Liabilities:Nowhere" in errors[0]
    # A change to a new file in a new folder, and main including it.
    got = books.check_changed(main, books.appended(main, {"imports/bank/2024.beancount":
                                                          GIFT}))
    assert got == []


def test_apply_writes_whole_files_and_leaves_nothing_else_behind(tmp_path):
    main = make(tmp_path / "books")
    books.apply(main, {"journal.beancount": JOURNAL + GIFT, "imports/b/2024.beancount": "",
                       "main.beancount": MAIN + 'include "imports/b/2024.beancount"\n'})
    assert files(main.parent) == {
        "imports/b/2024.beancount": b"",
        "journal.beancount": (JOURNAL + GIFT).encode(),
        "main.beancount": (MAIN + 'include "imports/b/2024.beancount"\n').encode()}
    assert can_lock(main.parent, fcntl.LOCK_EX) and main.parent not in books._held()


def test_apply_writes_utf8_with_the_lines_as_given(tmp_path):
    main = make(tmp_path / "books")
    text = JOURNAL.replace('"Gift"', '"Gift £ é"') + "; a line\r\n"
    books.apply(main, {"journal.beancount": text})
    assert (main.parent / "journal.beancount").read_bytes() == text.encode("utf-8")


def test_apply_calls_a_function_of_the_books_under_the_lock(tmp_path):
    main = make(tmp_path / "books")
    journaled(main.parent, "journal.beancount", JOURNAL + GIFT)
    seen = []

    def change(m: Path):
        # a killed writer's change is finished first, and this runs holding the lock
        seen.append((m, (m.parent / "journal.beancount").read_text(),
                     can_lock(m.parent, fcntl.LOCK_SH)))
        return {"journal.beancount": JOURNAL + GIFT + GIFT.replace("03-01", "04-01")}

    books.apply(main.parent, change)
    assert seen == [(main.resolve(), JOURNAL + GIFT, False)]
    assert len(books.load(main, cache=False)[0]) == 5


def test_apply_with_nothing_to_change_writes_nothing(tmp_path):
    main = make(tmp_path / "books")
    before = files(main.parent)
    books.apply(main, lambda m: {})
    books.apply(main, {})
    assert files(main.parent) == before


@pytest.mark.parametrize("rel", ["../escape.beancount", "/tmp/escape.beancount",
                                 "imports/../../escape.beancount"])
def test_apply_refuses_to_write_outside_the_books(tmp_path, rel):
    main = make(tmp_path / "books")
    before = files(tmp_path)
    with pytest.raises(books.BooksError) as e:
        books.apply(main, {"journal.beancount": JOURNAL + GIFT, rel: GIFT})
    assert e.value.lines == [f"{rel}: refusing to write outside the books folder"]
    assert files(tmp_path) == before


def test_a_change_that_does_not_load_clean_leaves_every_byte(tmp_path):
    main = make(tmp_path / "books")
    before = files(main.parent)
    with pytest.raises(books.BooksError) as e:
        books.apply(main, {"journal.beancount": JOURNAL + UNKNOWN,
                           "imports/new.beancount": GIFT})
    assert e.value.lines[0].startswith(f"{main.parent / 'journal.beancount'}:4: ")
    assert files(main.parent) == before
    with pytest.raises(books.BooksError):
        books.append(main, {"imports/new.beancount": UNKNOWN})
    assert files(main.parent) == before


def test_appended_adds_to_the_end_of_each_file_and_includes_new_ones(tmp_path):
    main = make(tmp_path / "books", MAIN.rstrip("\n"),
                journal_beancount=JOURNAL.rstrip("\n"))
    got = books.appended(main.parent, {"journal.beancount": GIFT,
                                       "imports/z/2024.beancount": GIFT,
                                       "imports/a/2024.beancount": JOURNAL})
    assert got == {
        "journal.beancount": JOURNAL + GIFT,  # the old last line ended first
        "imports/z/2024.beancount": GIFT,
        "imports/a/2024.beancount": JOURNAL,
        "main.beancount": MAIN + 'include "imports/a/2024.beancount"\n'
                                 'include "imports/z/2024.beancount"\n'}


def test_appended_includes_a_new_file_once(tmp_path):
    main = make(tmp_path / "books", MAIN + 'include "imports/a/2024.beancount"\n')
    # main already names it (the file went missing): no second include
    assert books.appended(main, {"imports/a/2024.beancount": GIFT}) == {
        "imports/a/2024.beancount": GIFT}
    # an empty file that exists gets no include and no blank line
    (main.parent / "empty.beancount").write_text("")
    assert books.appended(main, {"empty.beancount": GIFT}) == {"empty.beancount": GIFT}


def test_append_appends_all_or_nothing(tmp_path):
    main = make(tmp_path / "books")
    books.append(main, {"journal.beancount": GIFT, "imports/bank/2024.beancount": GIFT})
    assert (main.parent / "journal.beancount").read_text() == JOURNAL + GIFT
    assert main.read_text() == MAIN + 'include "imports/bank/2024.beancount"\n'
    entries, errors, _ = books.load(main, cache=False)
    assert errors == [] and len(entries) == 5


def test_load_remembers_the_books_unless_asked_not_to(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("FUNDLEDGER_CACHE_DIR", str(cache))
    monkeypatch.delenv("FUNDLEDGER_NO_CACHE", raising=False)
    main = make(tmp_path / "books")
    for f in main.parent.iterdir():  # written a while ago: a file written as it is read
        os.utime(f, (f.stat().st_mtime - 10, f.stat().st_mtime - 10))  # is never cached
    books.load(main, cache=False)
    assert not cache.exists() or not any(p.is_file() for p in cache.rglob("*"))
    books.load(main)
    assert any(p.is_file() for p in cache.rglob("*"))


def test_check_changed_stages_a_file_a_changed_main_now_includes(tmp_path):
    main = make(tmp_path / "books", extra_beancount=GIFT)  # on disk, not yet included
    assert books.check_changed(main, {"main.beancount": MAIN + 'include "extra.beancount"\n'}) \
        == []


def test_check_changed_reports_a_missing_include_as_beancount_does(tmp_path):
    main = make(tmp_path / "books", MAIN + 'include "missing.beancount"\n')
    errors = books.check_changed(main, {"journal.beancount": JOURNAL + GIFT})
    assert len(errors) == 1 and "missing.beancount" in errors[0]


def test_check_changed_stages_a_change_in_a_new_folder_the_books_do_not_include(tmp_path):
    main = make(tmp_path / "books")
    assert books.check_changed(main, {"archive/2020/notes.beancount": "; notes\n"}) == []


def test_a_writer_stopped_before_its_commit_point_leaves_nothing_behind(tmp_path,
                                                                       monkeypatch):
    """Stopped after writing the new files and the journal's draft, before the rename
    that commits: the next writer's recovery removes every trace, books as before."""
    main = make(tmp_path / "books")
    before = files(main.parent)

    def stopped(src, dst):
        raise OSError("stopped")

    monkeypatch.setattr(books.os, "replace", stopped)
    with pytest.raises(OSError):
        books.apply(main, {"journal.beancount": JOURNAL + GIFT, "new/x.beancount": ""})
    monkeypatch.undo()
    assert (main.parent / (books.JOURNAL + ".tmp")).exists()
    assert books.recover(main.parent) is False
    assert files(main.parent) == before


@pytest.fixture
def ascii_locale():
    """A machine whose locale is not UTF-8 (a cron job under LANG=C, say)."""
    import locale

    old = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        yield
    finally:
        locale.setlocale(locale.LC_CTYPE, old)


def test_the_books_are_read_and_written_as_utf8_whatever_the_locale(tmp_path, ascii_locale):
    main = make(tmp_path / "books", "; Trésorerie £\n" + MAIN,
                journal_beancount="; £\n" + JOURNAL)
    gift = GIFT.replace('"Gift"', '"Gift £5"')
    books.append(main, {"journal.beancount": gift, "imports/x.beancount": gift})
    assert (main.parent / "journal.beancount").read_bytes() == ("; £\n" + JOURNAL + gift
                                                                ).encode("utf-8")
    assert main.read_bytes() == ("; Trésorerie £\n" + MAIN
                                 + 'include "imports/x.beancount"\n').encode("utf-8")


def test_included_reads_past_bytes_that_are_not_utf8(tmp_path):
    """A books file with a Latin-1 pound sign in a comment: its includes are still found
    (beancount then reports the bad byte itself)."""
    main = make(tmp_path / "books", MAIN + 'include "notes.beancount"\n',
                notes_beancount="")
    (main.parent / "notes.beancount").write_bytes(b'; \xa35 float\ninclude "more.beancount"\n')
    (main.parent / "more.beancount").write_text("")
    assert books.included(main) == ["main.beancount", "journal.beancount", "notes.beancount",
                                    "more.beancount"]


def test_included_finds_a_file_named_in_any_language_whatever_the_locale(tmp_path,
                                                                         ascii_locale):
    main = make(tmp_path / "books", MAIN + 'include "dons-été.beancount"\n')
    (main.parent / "dons-été.beancount").write_text('include "reçus.beancount"\n',
                                                    encoding="utf-8")
    assert books.included(main) == ["main.beancount", "journal.beancount",
                                    "dons-été.beancount", "reçus.beancount"]


def test_an_include_is_refused_at_its_line_when_the_file_opens_with_a_blank_line(tmp_path):
    main = make(tmp_path / "books", "\n" + MAIN + 'include "../x.beancount"\n')
    with pytest.raises(books.BooksError) as e:
        books.included(main)
    assert e.value.lines[0].startswith(f'{main}:6: include "../x.beancount"')


HINT = ("; this is rounding, not a missing amount: beancount turns an @@ total into a price "
        "per unit and back. Allow it with `option \"inferred_tolerance_default\" \"*:0.005\"` "
        "in the main file (`fundledger init` writes it)")


@pytest.mark.parametrize(("residual", "hinted"), [
    ("0.000000000000000000000000001 GBP", True),  # what an @@ conversion leaves
    ("-1E-27 EUR", True),
    ("9.99E-10 GBP", True),  # just under a billionth
    ("1E-9 GBP", False),  # a billionth or more is a real imbalance
    ("-0.000000001 GBP", False),
    ("0.01 GBP", False),
])
def test_format_error_says_when_an_imbalance_is_only_rounding(residual, hinted):
    error = SimpleNamespace(source={"filename": "gifts.beancount", "lineno": 7},
                            message=f"Transaction does not balance: ({residual})")
    assert books.format_error(error) == (
        f"gifts.beancount:7: Transaction does not balance: ({residual})"
        + (HINT if hinted else ""))


@pytest.mark.parametrize("cache", [True, False])
def test_the_fund_rules_are_checked_though_the_books_do_not_name_the_plugin(
        tmp_path, monkeypatch, cache):
    monkeypatch.setenv("FUNDLEDGER_CACHE_DIR", str(tmp_path / "cache"))
    gift = JOURNAL.replace("Liabilities:Loans:Bank", "Income:Donations:Bank")
    main = make(tmp_path / "books", MAIN.replace("Liabilities:Loans:Bank", "Income:Donations:Bank"),
                journal_beancount=gift)
    _entries, errors, _ = books.load(main, cache=cache)
    assert [e.message for e in errors] == [(
        'posting to Income:Donations:Bank has no fund (add fund: "<id>" to the posting or '
        "the transaction)")]
