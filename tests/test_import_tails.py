"""importers.tails in-process: the books check's reading of an import's posting lines,
worked out from what the lines are made of (Tails.read), is what ledger.quick_tails makes
of the lines as written, on every fixture and demo export; on hand-made parts, it reads
nothing the text would refuse, and where it reads, it reads the same."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from importers import run
from importers.column_amounts import Postings
from importers.pseudonym import Pseudonymiser
from importers.tails import Tails
from importers.txn import columnar
from ledger import quick_tails
from tests.importers_support import FIXTURES, demo_settings

DEMO = Path(__file__).resolve().parent.parent / "fundledger" / "demo"
FILES = sorted(p for p in FIXTURES.iterdir() if p.is_file()) + sorted(
    (DEMO / "exports").iterdir())


def as_text(got: quick_tails.Tails) -> tuple[list, list, list]:
    """What a reading says, whatever numbers it gave its zeroed tails."""
    return (got.numbers.to_pylist(), got.counts.tolist(),
            [got.zeroed[k] for k in got.tail_of.tolist()])


def outcome(read):
    try:
        return as_text(read())
    except quick_tails.Unsummable:
        return "unsummable"


@pytest.fixture(scope="module")
def books_settings():
    return demo_settings()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_lines_read_from_their_parts_are_the_lines_as_written(path, books_settings):
    imp = run.identify(str(path), run.importers_for(books_settings,
                                                    Pseudonymiser(b"test-key")))
    try:
        built = imp.entries(str(path), books_settings)
    except run.Problem:
        pytest.skip("a file the importer refuses")
    if built.block is None or not len(built.block):
        pytest.skip("no entry made column-wise")
    block = built.block
    # every other group, so a block's groups come out of their contexts' order
    kept = np.arange(len(block))[::-1]
    tails = columnar([(block, kept)], []).templates.tails
    assert isinstance(tails, Tails)
    text = outcome(lambda: quick_tails.read(tails))
    assert text != "unsummable"
    # lines given as texts (no amounts worked out column-wise) are read from the texts
    assert outcome(tails.read) == (text if isinstance(block.postings, Postings)
                                   else "unsummable")


PREFIXES = st.sampled_from(["  Assets:PayPal                       ",
                            "  Expenses:Fees:Payment                 ", "  Income:Gifts ",
                            "  Assets:Bank", "  assets:bank ", "  Assets:A 1 GBP\n  Assets:B ",
                            '  Assets:"Q" '])
NUMBERS = st.sampled_from(["12.50", "-3", "0", "1234567890.12", "-0.05", "", "1e5", "12,50",
                           "1\n2", " 7"])
CURRENCIES = st.sampled_from(["GBP", "EUR", "USD", "gbp", "G B", "GBP\n"])


@st.composite
def postings(draw):
    contexts = draw(st.integers(1, 3))
    kept = []
    for _ in range(contexts):
        lines, groups = draw(st.integers(2, 4)), draw(st.integers(1, 4))
        numbers = [pa.chunked_array([pa.array(draw(st.lists(NUMBERS, min_size=groups,
                                                            max_size=groups)), pa.string())])
                   for _ in range(lines)]
        shown = [None if draw(st.booleans()) else np.array(  # None: on every group
            draw(st.lists(st.booleans(), min_size=groups, max_size=groups)), dtype=bool)
            for j in range(lines)]
        currency = pa.array(draw(st.lists(CURRENCIES, min_size=groups, max_size=groups)))
        kept.append(([draw(PREFIXES) for _ in range(lines)], numbers, shown, currency))
    context = np.concatenate([np.full(len(k[3]), c) for c, k in enumerate(kept)])
    place = np.concatenate([np.arange(len(k[3])) for k in kept])
    order = draw(st.permutations(list(range(len(context)))))
    return Postings(context[order], place[order], kept)


@settings(max_examples=300, deadline=None)
@given(postings(), st.data())
def test_parts_are_read_only_where_their_text_is_and_as_it_is(made, data):
    which = np.array(data.draw(st.lists(st.integers(0, len(made) - 1), min_size=1,
                                        max_size=8)), dtype=np.int64)
    tails = Tails([(made, which)])
    text = outcome(lambda: quick_tails.read(tails))
    parts = outcome(tails.read)
    assert parts in ("unsummable", text)
    if text == "unsummable":
        assert parts == "unsummable"
