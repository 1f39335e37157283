"""Amounts written column-wise from the cells' own digits (importers.column_amounts) say
exactly what the Decimal way says (importers.columns.Columns.each): on PayPal downloads
whose amounts mix decimal places, zero, empty and negative fees, refunds, and a missing
gross or net worked out from the others."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from beancount import loader
from hypothesis import given, settings
from hypothesis import strategies as st

from importers import columns, fields, parse, run
from importers.pseudonym import Pseudonymiser
from importers.settings import from_entries
from importers.table import Column
from importers.txn import render
from tests.importers_support import BOOKS, FIXTURES

DEMO = Path(__file__).resolve().parent.parent / "fundledger" / "demo"
SOURCE = (FIXTURES / "paypal_uk.csv").read_text(encoding="utf-8-sig").splitlines()
HEADER = SOURCE[0].strip('"').split('","')
TEMPLATE = SOURCE[1].strip('"').split('","')


@pytest.fixture(scope="module")
def books_settings():
    entries, _errors, _ = loader.load_file(str(DEMO / "books" / "main.beancount"))
    fixture_entries, _errors, _ = loader.load_string(BOOKS)
    return from_entries(list(entries) + list(fixture_entries), DEMO / "books")


def _text(n: Decimal, places: int) -> str:
    return f"{n:.{places}f}"


# A row: gross in pence, fee in pence (charged: negative or zero), the places each cell
# is written with, and which of gross or net the cell leaves empty (worked out instead).
rows = st.lists(st.tuples(st.integers(-50_000, 500_000).filter(bool), st.integers(0, 900),
                          st.integers(2, 4), st.integers(2, 4), st.integers(2, 4),
                          st.sampled_from(["", "gross", "net", "fee", "zero-fee"])),
                min_size=1, max_size=12)


def _download(path, generated) -> None:
    lines = ['"' + '","'.join(HEADER) + '"']
    at = {name: HEADER.index(name) for name in ("Gross", "Fee", "Net", "Transaction ID",
                                                  "Balance", "Type",
                                                  "Reference Txn ID")}
    for k, (pence, fee_pence, gp, fp, np_, empty) in enumerate(generated):
        gross = Decimal(pence).scaleb(-2)
        # net stays above zero (a gift is money in), and a refund carries no fee
        fee = -Decimal(min(fee_pence, pence - 1)).scaleb(-2) if pence > 0 else Decimal(0)
        cells = list(TEMPLATE)
        cells[at["Gross"]] = "" if empty == "gross" else _text(gross, gp)
        cells[at["Fee"]] = {"fee": "", "zero-fee": "0.00"}.get(empty, _text(fee, fp))
        net = gross + (0 if empty in ("fee", "zero-fee") else fee)
        cells[at["Net"]] = "" if empty == "net" else _text(net, np_)
        cells[at["Transaction ID"]] = f"7TX{k:05d}"
        cells[at["Balance"]] = ""
        if pence < 0:  # refunding the first gift (money in, below)
            cells[at["Type"]] = "Payment Refund"
            cells[at["Reference Txn ID"]] = "7TX00000"
        lines.append('"' + '","'.join(cells) + '"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@settings(max_examples=25, deadline=None)
@given(generated=rows.map(lambda r: [(5_000, 30, 2, 2, 2, ""), *r]))
def test_amounts_from_the_cells_digits_are_the_decimal_ways(tmp_path_factory, books_settings,
                                                            generated):
    path = tmp_path_factory.mktemp("dl") / "paypal.csv"
    _download(path, generated)
    imp = run.identify(str(path), run.importers_for(books_settings, Pseudonymiser(b"k" * 32)))
    fast = imp.txns(str(path), books_settings)
    slow = imp.txns(str(path), books_settings, columnwise=False)
    assert [render(t) for t in fast] == [render(t) for t in slow]
    fast_totals = run.Result(new=fast).totals()
    assert fast_totals == run.Result(new=slow).totals()
    assert {f: {c: str(n) for c, n in cs.items()} for f, cs in fast_totals.items()} == \
        {f: {c: str(n) for c, n in cs.items()}
         for f, cs in run.Result(new=slow).totals().items()}
    # The totals as an import sums them, from the block's columns: of every entry, and of
    # every other one (the rest as duplicates), to the last place, as the Decimal way.
    built = imp.entries(str(path), books_settings)
    if built.block is None:
        return
    for step in (1, 2):
        kept = np.arange(0, len(built.block), step)
        ids = {built.block.ids[k] for k in kept.tolist()}
        others = built.txns + built.after
        summed = run.Result(blocks=[(built.block, kept)], new=others).totals()
        by_hand = run.Result(new=[t for t in slow if t.import_id in ids or any(
            t is o for o in others)] + others).totals()
        assert _printed(summed) == _printed(by_hand)


def _printed(totals) -> dict:
    return {f: {c: str(n) for c, n in cs.items()} for f, cs in totals.items()}


def test_the_column_way_is_taken_and_agrees_by_hand(tmp_path, books_settings, monkeypatch):
    """Plain amounts are written from their digits, not group by group; and the figures
    are those worked by hand: 25.5 gross less a 0.79 fee is 24.71 net."""
    path = tmp_path / "paypal.csv"
    _download(path, [(2550, 79, 1, 2, 2, ""), (1000, 0, 2, 2, 2, "zero-fee")])

    def refused(*_args):
        raise AssertionError("the Decimal way was taken")

    monkeypatch.setattr(columns.Columns, "each", refused)
    imp = run.identify(str(path), run.importers_for(books_settings, Pseudonymiser(b"k" * 32)))
    texts = [render(t) for t in imp.txns(str(path), books_settings)]
    numbers = [[line.split()[1] for line in text.splitlines()
                if line.split()[0].startswith(("Assets:", "Income:", "Expenses:"))]
               for text in texts]
    assert numbers == [["24.71", "0.79", "-25.5"], ["10.00", "-10.00"]]


amount_cells = st.one_of(
    st.decimals(min_value=-10**7, max_value=10**7, places=2, allow_nan=False).map(str),
    st.sampled_from(["", "0", "-0", "0.00", "-0.00", "000.0", "1,234.50", "-1,000",
                     "(12.50)", "12.50-", "£3.20", "0.001", "-0.10", "7"]))


@settings(max_examples=60, deadline=None)
@given(values=st.lists(amount_cells, max_size=10))
def test_signs_read_from_the_texts_are_the_decimals_signs(values):
    """A row's sign (money in or out) is read from the cell's characters where the cell
    is its exact number; the Decimal's own sign says the same, zero and minus zero too."""
    reader = fields.Amounts.__new__(fields.Amounts)
    reader.decimal, reader.thousands, reader.settled = "", None, "."
    read = reader.read_all(values, np.ones(len(values), dtype=bool))
    col = Column(np.arange(len(values)), read, read.texts)
    want = [parse.NONE if v is None else
            (v > 0) - (v < 0) for v in (reader.read(v) if v else None for v in values)]
    assert parse._value_signs(col).tolist() == want
