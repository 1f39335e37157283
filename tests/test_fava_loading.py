"""`fundledger serve` hands Fava the books through the content-keyed cache, the Funds view
is computed in the background as soon as the books are loaded, and what Fava and the page
derive from unchanged books is read back on a restart (bench/fava_bench.py measures how
much that saves on 100k transactions; these tests pin that it is right)."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import fava.core
import pytest
from fava.core import FavaLedger
from fava.core.accounts import AccountDict
from fava.core.attributes import AttributesModule
from fava_support import EXTENSION_LINE, SMALL, figures, write_small

from fundledger import fava_loading
from ledger import cache, skeleton
from reports.fava_ext import warm
from reports.fava_ext.page import compute
from reports.fava_ext.window import Window


@pytest.fixture
def served(tmp_path, monkeypatch):
    """(main, ledger, client, slug) of small books opened the way `fundledger serve` does,
    with a cache of their own; Fava's loader is put back afterwards."""
    from fundledger.commands import serve

    monkeypatch.setenv("FUNDLEDGER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(fava.core, "load_uncached", fava.core.load_uncached)
    main = write_small(tmp_path / "books")
    # Written a moment ago: ledger.cache does not cache a load whose files changed within
    # 50 ms of it (RACY_NS), which made the first test below fail whenever Fava was already
    # imported and the load began that soon. Date the files a second back.
    for path in main.parent.rglob("*"):
        os.utime(path, (path.stat().st_atime, path.stat().st_mtime - 1))
    app, ledger = serve.create_app(main)
    app.testing = True
    return main, ledger, app.test_client(), next(iter(app.config["LEDGERS"].ledgers_by_slug))


def test_fava_loads_the_books_through_the_cache(served, tmp_path):
    main, ledger, _client, _slug = served
    cached = list((tmp_path / "cache").glob("*.pickle"))
    assert len(cached) == 1, "the first load fills the cache"
    # A restart on unchanged books reads the same entries back from the cache.
    entries, errors, _options = cache.load_cached(main)
    assert entries == ledger.all_entries and errors == list(ledger.load_errors)


def test_an_edit_is_seen_and_the_page_shows_the_new_figures(served):
    main, ledger, client, slug = served
    page = client.get(f"/{slug}/extension/Funds/?fund=case").get_data(as_text=True)
    assert figures(page)["balance"] == (Decimal("340.00"),)
    # The case spends £40 more: a real edit of the file, as the treasurer's editor makes.
    main.write_text(SMALL + '\n2019-05-01 * "Harbour Vale LLP" "More work"\n'
                    '  Expenses:Legal:Solicitors  40.00 GBP\n    fund: "case"\n'
                    '  Assets:Held:Firm          -40.00 GBP\n')
    os.utime(main, ns=(1, 1))  # an old mtime: the edit must be seen by content, not time
    ledger.watcher.notify(Path(main))
    page = client.get(f"/{slug}/extension/Funds/?fund=case").get_data(as_text=True)
    assert figures(page)["balance"] == (Decimal("300.00"),)


def test_the_background_view_is_the_view_computed_on_request(served):
    _main, ledger, _client, _slug = served
    got = warm.result(ledger.all_entries)
    assert got is not None, "serve's load started the Funds view"
    assert got.view == compute(ledger.all_entries, ledger.options, None, Window(None, None))
    assert got.unclassified == "", "nothing unclassified in these books"
    assert warm.result(list(ledger.all_entries)) is None, "only for the very entries loaded"


def test_a_failed_background_view_leaves_the_page_to_compute_it(served, monkeypatch):
    _main, ledger, client, slug = served
    entries = list(ledger.all_entries)
    monkeypatch.setattr(warm, "compute", lambda *a: 1 / 0)  # the child inherits the fault
    warm.start(entries, ledger.options)
    assert warm.result(entries) is None
    assert client.get(f"/{slug}/extension/Funds/").status_code == 200


@pytest.fixture
def computed(monkeypatch):
    """What was asked of ledger.cache.remember: each name, and whether it was worked out
    (True) or read back (False)."""
    asked: list[tuple[str, bool]] = []
    remember = cache.remember

    def spy(key, name, make):
        at = len(asked)
        asked.append((name, False))

        def made():
            asked[at] = (name, True)
            return make()

        return remember(key, name, made)

    monkeypatch.setattr(cache, "remember", spy)
    return asked


def what(name: str) -> str:
    """"AccountDict" of "fava 1.30.16 AccountDict 2026-11-30", and so on."""
    return name.split()[2] if name.startswith("fava ") else name.split()[0]


def fava_own_lists(ledger) -> tuple[dict, dict]:
    """Fava's account list and autocompletion lists as Fava itself works them out."""
    accounts = AccountDict(ledger)
    AccountDict.load_file.fava_original(accounts)
    attributes = AttributesModule(ledger)
    AttributesModule.load_file.fava_original(attributes)
    return dict(accounts), {n: getattr(attributes, n) for n in fava_loading.ATTRIBUTES}


def test_a_restart_reads_back_what_fava_and_the_page_derived(served, computed):
    main, ledger, _client, _slug = served
    assert warm.result(ledger.all_entries) is not None  # the first server's view is kept
    restarted = FavaLedger(str(main))  # a new server on the unchanged books
    assert sorted(what(name) for name, _ in computed) == [
        "AccountDict", "AttributesModule", "reports.fava_ext.warm.funds_page"]
    assert not any(made for _, made in computed), "all read back, nothing worked out"
    accounts, attributes = fava_own_lists(restarted)
    assert dict(restarted.accounts) == accounts and "Assets:Held:Firm" in accounts
    assert {n: getattr(restarted.attributes, n) for n in fava_loading.ATTRIBUTES} == attributes
    assert {"Firm LLP", "PayPal"} <= set(restarted.attributes.payees)
    warmed = warm.result(restarted.all_entries)
    assert warmed is not None
    assert warmed.view == compute(restarted.all_entries, restarted.options, None,
                                  Window(None, None))


def test_a_restart_the_next_day_works_out_what_holds_today(served, computed, monkeypatch):
    """The Funds page is "as at" today, and Fava's account list suggests balance
    directives dated today: what was kept yesterday is not read back."""
    import datetime

    import fava.core.accounts
    import fava.util.date

    main, ledger, _client, _slug = served
    assert warm.result(ledger.all_entries) is not None
    tomorrow = fava.util.date.local_today() + datetime.timedelta(days=1)
    for module in (fava.util.date, fava.core.accounts):
        monkeypatch.setattr(module, "local_today", lambda: tomorrow)
    monkeypatch.setattr(warm, "today", lambda: tomorrow)
    restarted = FavaLedger(str(main))
    warmed = warm.result(restarted.all_entries)
    assert {what(name): made for name, made in computed} == {
        "AccountDict": True, "AttributesModule": True,
        "reports.fava_ext.warm.funds_page": True}
    assert dict(restarted.accounts) == fava_own_lists(restarted)[0]
    assert warmed.view.as_at == tomorrow  # the books' last entry is in 2019


def test_after_an_edit_fava_and_the_page_work_everything_out_afresh(served, computed):
    main, ledger, _client, _slug = served
    main.write_text(SMALL + '\n2019-05-01 open Expenses:Legal:Experts GBP\n'
                    '2019-05-02 * "Harbour Vale LLP" "An expert\'s report"\n'
                    '  Expenses:Legal:Experts  40.00 GBP\n    fund: "case"\n'
                    '  Assets:Held:Firm       -40.00 GBP\n')
    os.utime(main, ns=(1, 1))
    ledger.load_file()
    case = {f.fund: f for f in warm.result(ledger.all_entries).view.to_end}["case"]
    assert case.balance == Decimal("300.00")
    assert [made for _, made in computed] == [True] * 3  # the account list, autocompletion, view
    accounts, attributes = fava_own_lists(ledger)
    assert dict(ledger.accounts) == accounts and "Expenses:Legal:Experts" in accounts
    assert "Harbour Vale LLP" in ledger.attributes.payees
    assert {n: getattr(ledger.attributes, n) for n in fava_loading.ATTRIBUTES} == attributes


def small_books_as_init_sets_up_fava(tmp_path) -> Path:
    """The small books with Fava's lines (the Funds page, the Import page and its import
    config) in the files `fundledger init` writes them to."""
    made = skeleton.files("Small Campaign", "GBP", "general", skeleton.datetime.date(2017, 1, 1))
    main = write_small(tmp_path / "books",
                       SMALL.replace(EXTENSION_LINE, "") + 'include "fava.beancount"\n')
    for name in ("fava.beancount", "import_config.py"):
        (main.parent / name).write_text(made[name])
    return main


def test_a_restart_of_books_with_an_import_page_loads_nothing(tmp_path, monkeypatch):
    """Books as `fundledger init` sets them up run fundledger's import config in Fava on
    every start: it reads the books' own profiles through the cache too, so a restart on
    unchanged books parses nothing (it used to load the books a second time)."""
    from beancount import loader

    from fundledger.commands import serve

    monkeypatch.setenv("FUNDLEDGER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(fava.core, "load_uncached", fava.core.load_uncached)
    main = small_books_as_init_sets_up_fava(tmp_path)
    for path in main.parent.rglob("*"):
        os.utime(path, (path.stat().st_atime, path.stat().st_mtime - 1))
    _app, first = serve.create_app(main)
    assert first.ingest.errors == () and first.ingest.loaded_config is not None

    def no_parse(*args, **kwargs):
        raise AssertionError("the books were parsed again")

    for name in ("_load_file", "_uncached_load_file"):  # beancount's cached and plain loads
        monkeypatch.setattr(loader, name, no_parse)
    restarted = FavaLedger(str(main))
    assert restarted.ingest.errors == ()
    names = set(restarted.ingest.loaded_config.importers)
    assert names == set(first.ingest.loaded_config.importers) and "fundledger.paypal" in names


def test_an_edit_of_books_with_an_import_page_loads_them_once(tmp_path, monkeypatch):
    """Fava reruns the import config after every load: it reads the entries just loaded,
    not the books again (on 100k transactions a second load doubled every reload)."""
    from fundledger.commands import serve

    monkeypatch.setenv("FUNDLEDGER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(fava.core, "load_uncached", fava.core.load_uncached)
    main = small_books_as_init_sets_up_fava(tmp_path)
    _app, ledger = serve.create_app(main)
    counted = {"real": 0, "read back": 0}
    real_load, read_back = cache.real_load, cache._load_result

    def counting(name, function):
        def call(*args):
            counted[name] += 1
            return function(*args)
        return call

    monkeypatch.setattr(cache, "real_load", counting("real", real_load))
    monkeypatch.setattr(cache, "_load_result", counting("read back", read_back))
    with main.open("a") as f:  # an edit, reloaded at once (too recent for the cache)
        f.write('2019-06-01 * "PayPal" "Donation"\n  fund: "general"\n'
                '  Assets:Bank:Current  5.00 GBP\n  Income:Donations:PayPal  -5.00 GBP\n')
    ledger.load_file()
    assert counted == {"real": 1, "read back": 0}
    assert ledger.ingest.errors == () and "fundledger.paypal" in ledger.ingest.loaded_config.importers


def test_the_import_page_sees_a_profile_the_books_declare_after_it_started(tmp_path,
                                                                          monkeypatch):
    """Fava reruns an import config only when that file changes; fundledger's importers
    come from the books (their own profiles), so `serve` reruns it on every load."""
    from fundledger import demo_books
    from fundledger.commands import serve

    monkeypatch.setenv("FUNDLEDGER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(fava.core, "load_uncached", fava.core.load_uncached)
    main = small_books_as_init_sets_up_fava(tmp_path)
    _app, ledger = serve.create_app(main)
    assert "fundledger.northgate-bank" not in ledger.ingest.loaded_config.importers
    (main.parent / "profiles").mkdir()
    (main.parent / "profiles" / "northgate-bank.toml").write_bytes(
        (demo_books.MAIN.parent / "profiles" / "northgate-bank.toml").read_bytes())
    with main.open("a") as f:
        f.write('2017-01-01 custom "fundledger-profile" "profiles/northgate-bank.toml"\n')
    ledger.load_file()  # what Fava's watcher does after the edit
    assert "fundledger.northgate-bank" in ledger.ingest.loaded_config.importers


def test_the_server_starts_without_the_readers_and_workbook_libraries():
    """pandas, pyarrow and openpyxl are imported when a file is first read or a workbook
    first written, not when the server starts (half a second or more of every start)."""
    import subprocess
    import sys

    code = ("import sys; import fundledger.commands.serve, reports.fava_ext, importers.fava; "
            "print(sorted({'pandas', 'pyarrow', 'openpyxl'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parent.parent)
    assert out.stdout.strip() == "[]"


def test_the_years_of_the_funds_view_are_cut_as_select_cuts_them(tmp_path):
    """compute() cuts each financial year out of the selected entries by date instead of
    scanning them all again: the same entries, in the same order, as select() gives,
    for years ending in April too, with declarations on a year's first and last day."""
    from datetime import date

    from reports.fava_ext import page
    from reports.fava_ext.window import select

    extra = ('2018-01-01 custom "fund" "late" "designated"\n  title: "Late"\n'
             '2018-12-31 custom "fund" "later" "designated"\n  title: "Later"\n'
             '2019-04-05 custom "fundledger-option" "fy-end" "04-05"\n')
    main = write_small(tmp_path / "books", SMALL + extra)
    entries, errors, _options = cache.real_load(main)
    assert not errors
    selected = select(entries, None, None, None)
    cut = page._year_slicer(selected)
    bounds = [date(y, m, d) for y in range(2016, 2021) for m, d in ((1, 1), (4, 6), (12, 31))]
    for begin in bounds:
        for end in bounds:
            assert cut(begin, end) == select(selected, None, begin, end), (begin, end)
