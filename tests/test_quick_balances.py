"""The books check takes an import's statement balances as entries made from their parts
(importers.txn.balance_parts, ledger.quick._balance), not parsed from their text: on real
imports, the entries it checks are those beancount parses from the whole text, line
numbers and metadata included; on hand-made balances, parts are taken only where the
text parses to exactly that entry."""

from __future__ import annotations

import datetime
import os
from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core import data
from hypothesis import event, given, settings
from hypothesis import strategies as st

from importers import run
from importers.pseudonym import Pseudonymiser
from importers.txn import Txn, balance_parts, render
from ledger import quick
from tests.importers_support import write_books

REAL = Path(__file__).parent / "fixtures" / "real"
FILENAME = os.path.normpath("/books/imports/paypal/2011.beancount")


def typed(meta: dict) -> dict:
    """Metadata with each value's type: 84 and Decimal(84) are equal, not the same."""
    return {k: (type(v), v) for k, v in meta.items()}


def parsed(text: str) -> list | str:
    try:
        return quick._parse(text, Path(FILENAME), 1)
    except quick.NotProven:
        return "refused"


@pytest.mark.parametrize("name", ["paypal-bank-deposit.csv", "paypal-en.csv"])
def test_the_checked_balances_are_those_parsed_from_the_text(tmp_path, name):
    main = write_books(tmp_path / "books").resolve()
    result = run.plan(main, [str(REAL / name)], "", Pseudonymiser(b"test-key"), suspense=True)
    columns = result.columns
    assert columns.balances, "no statement balance made from its parts"
    made = [quick._balance(b, FILENAME) for b in columns.balances]
    checked = sorted(parsed(columns.others) + made, key=data.entry_sortkey)
    whole = parsed("\n".join(render(t) for t in result.new))
    assert checked == whole
    assert [typed(e.meta) for e in checked] == [typed(e.meta) for e in whole]


def half(usual: list, odd: list):
    """As often one of the usual values as one of all of them (parts of balances taken)."""
    return st.one_of(st.sampled_from(usual), st.sampled_from(usual + odd))


ACCOUNTS = half(["Assets:PayPal", "Assets:Bank:Current-2", "Liabilities:X1"],
                ["Assets:Café", "assets:PayPal", "Assets", "Assets:A B", "Assets:pay"])
CURRENCIES = half(["GBP", "EUR"], ["gbp", "GB", "EURO", "US$", "G B"])
NUMBERS = half([Decimal(0), Decimal("0.00"), Decimal("-0.50"), Decimal("2101.20"),
                Decimal("-12345678901234.5")], [Decimal("1E+2"), Decimal("1E-7")])
KEYS = half(["import-id", "import-row", "import_file", "x1"], ["k", "Key", "filename",
                                                                  "lineno", "a b"])
VALUES = st.one_of(st.text(alphabet="ab é-:", max_size=6), st.integers(-5, 10**6),
                   st.text(alphabet='ab "\\\n\té\x00', max_size=6), st.booleans(),
                   st.sampled_from([Decimal("1.5"), 1.5, None]))


@settings(max_examples=300, deadline=None)
@given(st.dates(datetime.date(1000, 1, 1), datetime.date(9999, 12, 31)), ACCOUNTS,
       NUMBERS, CURRENCIES, st.lists(st.tuples(KEYS, VALUES), max_size=4))
def test_parts_are_taken_only_where_the_text_parses_to_them(day, account, number,
                                                             currency, meta):
    t = Txn(day, "", "", meta, balance=(account, number, currency))
    parts = balance_parts(t)
    text = parsed(render(t))
    event("taken as parts" if parts is not None else "parsed")
    if parts is None:
        return  # its text is parsed, whatever it says
    assert text == [quick._balance((1, *parts), FILENAME)]
    assert typed(text[0].meta) == typed(quick._balance((1, *parts), FILENAME).meta)


def test_a_statement_balance_as_importers_write_it_is_taken_as_parts():
    t = Txn(datetime.date(2015, 1, 2), "", "", [
        ("import-id", "paypal:balance:Assets:PayPal:2015-01-01:GBP"),
        ("import-file", "cf6d81a6"), ("import-row", 84)],
        balance=("Assets:PayPal", Decimal("2101.20"), "GBP"))
    *parts, meta = balance_parts(t)
    assert parts == [datetime.date(2015, 1, 2), "Assets:PayPal", Decimal("2101.20"), "GBP"]
    assert typed(meta) == typed({"import-id": "paypal:balance:Assets:PayPal:2015-01-01:GBP",
                                 "import-file": "cf6d81a6", "import-row": Decimal(84)})
