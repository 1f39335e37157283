"""The fund rules write a transaction's fund into its postings' own metadata, in place,
only where beancount's parser made that metadata for the posting alone: never into the
metadata padding shares with its balance assertion, nor where another plugin ran first
(one may have made postings share it). Real loads with the real plugin."""

from __future__ import annotations

import textwrap

from beancount import loader
from beancount.core.data import Balance, Transaction

from ledger import cache as load_cache
from ledger import plugin


def test_padding_keeps_its_balance_assertions_metadata_free_of_funds(books):
    """Books that lost the plugin line still get the fund rules (ledger.cache.real_load),
    after beancount has padded: the pad's two postings share the balance assertion's
    metadata. The pad moves 100.00 GBP from Equity:Funds:Transfers to the bank; its fund
    goes on the Equity posting alone, and the assertion's metadata is left as written."""
    main = books("""
        2018-02-01 pad Assets:Bank Equity:Funds:Transfers
          fund: "general"
        2018-03-01 balance Assets:Bank 100.00 GBP
        """)
    main.write_text(main.read_text().replace('plugin "ledger.plugin"\n', ""))
    entries, errors, _ = load_cache.real_load(main)
    assert errors == []
    balance = next(e for e in entries if isinstance(e, Balance))
    assert "fund" not in balance.meta
    padding = next(e for e in entries if isinstance(e, Transaction) and e.flag == "P")
    funds = {p.account: (p.meta or {}).get("fund") for p in padding.postings}
    assert funds == {"Assets:Bank": None, "Equity:Funds:Transfers": "general"}
    assert {str(p.units) for p in padding.postings} == {"100.00 GBP", "-100.00 GBP"}


SHARE = '''\
"""Gives the second transaction's income posting the first one's metadata dict."""
from beancount.core.data import Transaction

__plugins__ = ("share",)


def share(entries, options_map):
    txns = [e for e in entries if isinstance(e, Transaction)]
    first, second = txns[0].postings[1], txns[1].postings[1]
    txns[1].postings[1] = second._replace(meta=first.meta)
    return entries, []
'''


def test_after_another_plugin_each_posting_gets_its_own_transactions_fund(books, tmp_path):
    """A plugin that runs first makes two gifts' income postings share one metadata
    dict: a gift of 10.00 to the general fund and one of 20.00 to the case. Each income
    posting still carries its own transaction's fund."""
    (tmp_path / "sharemeta.py").write_text(SHARE)
    main = books("""
        2018-02-01 * "Donor" "Gift"
          fund: "general"
          Assets:Bank              10.00 GBP
          Income:Donations        -10.00 GBP
        2018-02-02 * "Donor" "Gift"
          fund: "case"
          Assets:Bank              20.00 GBP
          Income:Donations        -20.00 GBP
        """)
    text = main.read_text().replace('plugin "ledger.plugin"\n', textwrap.dedent("""\
        option "insert_pythonpath" "TRUE"
        plugin "sharemeta"
        plugin "ledger.plugin"
        """))
    main.write_text(text)
    entries, errors, _ = loader.load_file(str(main))
    assert errors == []
    gifts = [e for e in entries if isinstance(e, Transaction)]
    assert [(str(t.postings[1].units), t.postings[1].meta["fund"]) for t in gifts] == [
        ("-10.00 GBP", "general"), ("-20.00 GBP", "case")]


def test_in_place_the_parsers_posting_takes_the_fund_and_nothing_is_copied(books):
    """What makes the rules cheaper on 100,000 transactions: where the parser's own
    metadata can take the fund, the posting and the transaction are not copied; asked
    for copies, the parsed entries are left as they were."""
    main = books("""
        2018-02-01 * "Donor" "Gift"
          fund: "case"
          Assets:Bank              100.00 GBP
          Income:Donations        -100.00 GBP
        """)
    main.write_text(main.read_text().replace('plugin "ledger.plugin"\n', ""))
    for in_place in (False, True):
        parsed, errors, _ = loader.load_file(str(main))
        assert errors == []
        gift = next(e for e in parsed if isinstance(e, Transaction))
        income = gift.postings[1]
        assert "fund" not in income.meta
        out, problems = plugin.rules(parsed, in_place=in_place)
        assert problems == []
        got = next(e for e in out if isinstance(e, Transaction))
        assert got.postings[1].meta["fund"] == "case"
        assert (got is gift and got.postings[1] is income) == in_place
        assert ("fund" in income.meta) == in_place
