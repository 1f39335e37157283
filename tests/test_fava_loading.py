"""`fundledger serve` hands Fava the books through the content-keyed cache, and the Funds
view is computed in the background as soon as the books are loaded (bench/fava_bench.py
measures how much that saves on 100k transactions; these tests pin that it is right)."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import fava.core
import pytest
from fava_support import SMALL, figures, write_small

from ledger import cache
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
