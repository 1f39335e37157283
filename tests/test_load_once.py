"""A command that asks for two reports of the same books loads them once, with every
cache off too (`fundledger funds` asks for the funds and for what is unclassified): the
second report reuses the entries the first loaded while no file of the books changed."""

from __future__ import annotations

from ledger import books as ledger_books
from ledger import cache

BOOKS = """option "operating_currency" "GBP"
plugin "ledger.plugin"
2020-01-01 open Assets:Bank
2020-01-01 open Income:Donations
2020-01-01 custom "fund" "general" "unrestricted"
  title: "General"
2020-02-01 * "Donor" "Gift"
  fund: "general"
  Assets:Bank        10.00 GBP
  Income:Donations  -10.00 GBP
"""


def count(entries, _errors, _options, _label):
    return sum(1 for e in entries if type(e).__name__ == "Transaction")


def test_two_reports_with_the_cache_off_load_once(tmp_path, monkeypatch):
    monkeypatch.setenv("FUNDLEDGER_NO_CACHE", "1")
    main = tmp_path / "main.beancount"
    main.write_text(BOOKS)
    loads = []
    real_load = cache.real_load
    monkeypatch.setattr(cache, "real_load", lambda m: loads.append(m) or real_load(m))
    assert ledger_books.derived(main, count, "first") == 1
    assert ledger_books.derived(main, count, "second") == 1
    assert len(loads) == 1
    # An edit in between is seen: the books are loaded again.
    main.write_text(BOOKS + BOOKS.split("\n", 6)[6].replace("2020-02-01", "2020-03-01"))
    assert ledger_books.derived(main, count, "third") == 2
    assert len(loads) == 2
