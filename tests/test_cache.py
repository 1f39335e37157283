"""The content-keyed load cache: a hit gives the same books; any change is a miss."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

from ledger import books, cache

GIFT = """
2024-08-01 * "Donor" "Gift"
  fund: "general"
  Assets:Bank              {amount} GBP
  Income:Donations        -{amount} GBP
"""

MAIN = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 open Assets:Bank GBP
2017-01-01 open Income:Donations GBP
2017-01-01 custom "fund" "general" "unrestricted"
  title: "General"
include "gifts.beancount"
"""


def settle(folder: Path) -> None:
    """Date the test's files a minute back: the cache does not trust a file written in the
    instant before a load (it may have changed while beancount read it)."""
    past = os.stat(folder).st_mtime - 60
    for path in folder.rglob("*"):
        os.utime(path, (past, past))


@pytest.fixture
def loads(monkeypatch, tmp_path):
    """A private cache folder, and a count of the real (uncached) loads."""
    monkeypatch.setenv("FUNDLEDGER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("FUNDLEDGER_NO_CACHE", raising=False)
    count = {"real": 0}
    real = cache.real_load

    def counting(main):
        count["real"] += 1
        return real(main)

    monkeypatch.setattr(cache, "real_load", counting)
    return count


@pytest.fixture
def small(tmp_path) -> Path:
    folder = tmp_path / "books"
    folder.mkdir()
    (folder / "main.beancount").write_text(MAIN)
    (folder / "gifts.beancount").write_text(GIFT.format(amount="10.00"))
    settle(folder)
    return folder / "main.beancount"


def total(entries) -> set:
    return {p.units.number for e in entries if hasattr(e, "postings") for p in e.postings
            if p.account == "Assets:Bank"}


def test_hit_returns_equal_books_without_loading(loads, small):
    first = cache.load_cached(small)
    second = cache.load_cached(small)
    assert loads["real"] == 1
    assert first[0] == second[0] and first[1] == second[1] == []
    # And the same as beancount's own loader gives, entry for entry.
    assert second[0] == cache.real_load(small)[0]


def test_edit_of_an_included_file_is_a_miss(loads, small):
    cache.load_cached(small)
    gifts = small.parent / "gifts.beancount"
    gifts.write_text(GIFT.format(amount="12.00"))
    settle(small.parent)
    entries, errors, _ = cache.load_cached(small)
    assert loads["real"] == 2 and errors == []
    assert {str(n) for n in total(entries)} == {"12.00"}


def test_same_size_same_mtime_edit_is_a_miss(loads, small):
    """beancount's pickle cache keys on mtime and size; content keying sees this edit."""
    cache.load_cached(small)
    gifts = small.parent / "gifts.beancount"
    stat = gifts.stat()
    gifts.write_text(GIFT.format(amount="99.00"))  # same length as 10.00
    os.utime(gifts, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert gifts.stat().st_size == stat.st_size
    entries, _errors, _ = cache.load_cached(small)
    assert {str(n) for n in total(entries)} == {"99.00"}


def test_plugin_code_change_is_a_miss(loads, small, monkeypatch, tmp_path):
    plugin_copy = tmp_path / "plugin_copy.py"
    shutil.copyfile(cache.LEDGER_DIR / "plugin.py", plugin_copy)
    monkeypatch.setattr(cache, "plugin_files", lambda: [plugin_copy])
    cache.load_cached(small)
    cache.load_cached(small)
    assert loads["real"] == 1
    plugin_copy.write_text(plugin_copy.read_text() + "\n# a changed rule\n")
    cache.load_cached(small)
    assert loads["real"] == 2


def test_new_include_is_a_miss(loads, small):
    cache.load_cached(small)
    (small.parent / "more.beancount").write_text(GIFT.format(amount="30.00"))
    small.write_text(small.read_text() + 'include "more.beancount"\n')
    settle(small.parent)
    entries, errors, options = cache.load_cached(small)
    assert loads["real"] == 2 and errors == []
    assert {str(n) for n in total(entries)} == {"10.00", "30.00"}
    assert str(small.parent / "more.beancount") in options["include"]
    # ... and a later edit of the newly included file is seen too.
    (small.parent / "more.beancount").write_text(GIFT.format(amount="31.00"))
    settle(small.parent)
    entries, _errors, _ = cache.load_cached(small)
    assert {str(n) for n in total(entries)} == {"10.00", "31.00"}


def test_new_document_is_a_miss(loads, small):
    (small.parent / "documents" / "Assets" / "Bank").mkdir(parents=True)
    small.write_text('option "documents" "documents"\n' + small.read_text())
    settle(small.parent)
    before = cache.load_cached(small)[0]
    (small.parent / "documents/Assets/Bank/2024-08-02.statement.pdf").write_bytes(b"%PDF")
    after = cache.load_cached(small)[0]
    assert loads["real"] == 2
    assert len(after) == len(before) + 1


def test_unreadable_cache_means_a_real_load(loads, small):
    expected = cache.load_cached(small)[0]
    for path in cache.cache_dir().glob("*.pickle"):
        path.write_bytes(b"not a pickle")
    assert cache.load_cached(small)[0] == expected
    assert loads["real"] == 2
    for path in cache.cache_dir().glob("*.pickle"):
        path.write_bytes(path.read_bytes()[:-100])  # torn
    assert cache.load_cached(small)[0] == expected
    assert loads["real"] == 3


def test_a_file_written_during_the_load_is_not_trusted(loads, small):
    # A timestamp at or after the load's start: the file may have changed while read.
    future = small.stat().st_mtime + 3600
    os.utime(small.parent / "gifts.beancount", (future, future))
    cache.load_cached(small)
    assert not list(cache.cache_dir().glob("*.pickle"))


def test_disabled_by_environment(loads, small, monkeypatch):
    monkeypatch.setenv("FUNDLEDGER_NO_CACHE", "1")
    books.load(small)
    books.load(small)
    assert loads["real"] == 2
    assert not cache.cache_dir().exists()


def test_books_load_uses_it_unless_asked_not_to(loads, small):
    books.load(small)
    books.load(small)
    assert loads["real"] == 1
    books.load(small, cache=False)
    assert loads["real"] == 2  # cache=False reads the books afresh, never from the cache


def test_cli_fills_and_reuses_the_cache(tmp_path, small, cli):
    from conftest import cli_env

    env = cli_env()
    env["FUNDLEDGER_CACHE_DIR"] = str(tmp_path / "cli-cache")
    env.pop("FUNDLEDGER_NO_CACHE", None)
    first = cli("check", small, env=env)
    assert first.returncode == 0, first.stderr
    assert len(list((tmp_path / "cli-cache").glob("*.pickle"))) == 1
    (small.parent / "gifts.beancount").write_text(textwrap.dedent("""
        2024-08-01 * "Donor" "Gift"
          fund: "nobody"
          Assets:Bank              10.00 GBP
          Income:Donations        -10.00 GBP
        """))
    second = cli("check", small, env=env)
    assert second.returncode == 1
    assert "fund 'nobody' is not declared" in second.stdout


CALLS: list = []


def bank_total(entries, errors, options, account):
    """A tiny report: the sum of one account's postings (recorded when it really runs)."""
    CALLS.append(account)
    return sum(p.units.number for e in entries if hasattr(e, "postings")
               for p in e.postings if p.account == account)


def test_derived_result_is_remembered_per_books_and_args(loads, small):
    expected = sum(total(cache.real_load(small)[0]))
    loads["real"] = 0
    CALLS.clear()
    first = cache.derived(small, bank_total, "Assets:Bank")
    again = cache.derived(small, bank_total, "Assets:Bank")
    assert first == again == expected
    assert CALLS == ["Assets:Bank"]
    assert loads["real"] == 1  # and the remembered result needed no entries at all
    other = cache.derived(small, bank_total, "Income:Donations")
    assert other == -first and CALLS == ["Assets:Bank", "Income:Donations"]


def test_derived_result_follows_the_books(loads, small):
    CALLS.clear()
    before = cache.derived(small, bank_total, "Assets:Bank")
    (small.parent / "gifts.beancount").write_text(GIFT.format(amount="15.00"))
    settle(small.parent)
    after = cache.derived(small, bank_total, "Assets:Bank")
    assert (str(before), str(after)) == ("10.00", "15.00")
    assert len(CALLS) == 2


def test_derived_result_follows_the_report_code(loads, small, monkeypatch, tmp_path):
    """The key holds the source of every project module: a changed report is rerun."""
    root = tmp_path / "project"
    (root / "reports").mkdir(parents=True)
    report = root / "reports" / "fake.py"
    report.write_text("VERSION = 1\n")
    monkeypatch.setattr(cache, "LEDGER_DIR", root / "ledger")
    CALLS.clear()
    cache.derived(small, bank_total, "Assets:Bank")
    cache.derived(small, bank_total, "Assets:Bank")
    report.write_text("VERSION = 2\n")
    cache.derived(small, bank_total, "Assets:Bank")
    assert len(CALLS) == 2


def test_derived_without_cache_computes_every_time(loads, small, monkeypatch):
    monkeypatch.setenv("FUNDLEDGER_NO_CACHE", "1")
    CALLS.clear()
    cache.derived(small, bank_total, "Assets:Bank")
    cache.derived(small, bank_total, "Assets:Bank")
    assert len(CALLS) == 2 and not cache.cache_dir().exists()


def test_equal_tolerances_are_shared_and_unequal_ones_kept(loads, small):
    """Each transaction's `__tolerances__` is one shared object per value, in the load
    that fills the cache and in the entries read back from it; different values (a
    tolerance from three decimals is not the one from two) stay different, and the
    entries are equal to beancount's own load."""
    (small.parent / "gifts.beancount").write_text(
        GIFT.format(amount="10.00") + GIFT.format(amount="11.00")
        + GIFT.format(amount="12.500"))
    settle(small.parent)
    expected = cache.real_load(small.resolve())[0]
    for entries in (cache.load_cached(small)[0], cache.load_cached(small)[0]):
        assert entries == expected
        tolerances = [e.meta["__tolerances__"] for e in entries if hasattr(e, "postings")]
        assert [str(t["GBP"]) for t in tolerances] == ["0.005", "0.005", "0.0005"]
        assert tolerances[0] is tolerances[1] and tolerances[1] is not tolerances[2]
    assert loads["real"] == 2  # the one above, and the one that filled the cache
