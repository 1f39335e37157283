"""A statement of money other exports book (`balances_only`), built in this process: its
balance assertions and nothing else, each worked from the statement with the csv module.
(tests/test_statement_balances.py runs the same through `fundledger import`; this one is
what `make mutate` can see reach importers.build.)"""

from __future__ import annotations

import datetime
from pathlib import Path

from importers import run
from importers.pseudonym import Pseudonymiser
from importers.settings import from_entries
from tests.importers_support import load_clean
from tests.test_statement_balances import HEAD, LEDGER, amount, statement_lines


def test_a_statement_only_source_builds_its_days_closing_balances_and_nothing_else(
        tmp_path: Path):
    folder = tmp_path / "books"
    folder.mkdir()
    main = folder / "main.beancount"
    main.write_text(HEAD)
    settings = from_entries(load_clean(main), folder)
    imp = run.identify(str(LEDGER), run.importers_for(settings, Pseudonymiser(b"k")))
    assert imp.profile.name == "client-ledger"
    got = imp.entries(str(LEDGER), settings)
    # No transaction of any kind, and no opening balance: the movements are booked from
    # the payouts and invoices, and the money's opening is theirs too.
    assert (got.block, got.txns, got.openings) == (None, [], [])
    expected = {}
    for line in statement_lines(LEDGER):
        day = datetime.datetime.strptime(line["Date"], "%d/%m/%Y").date()
        expected[day + datetime.timedelta(days=1)] = amount(line["Balance"])
    assert [(t.date, t.balance) for t in got.all()] == [
        (day, ("Assets:Held:Harbour-Vale", number, "GBP")) for day, number in expected.items()]
    assert all(t.postings == [] for t in got.all())
