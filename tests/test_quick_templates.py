"""ledger.quick_columns.templates_parsed: an import's templates read as beancount reads
them, each distinct frame (a template with its numbers written 0) parsed once.

Each template's entry (its frame with its own numbers) must be the entry beancount parses
from the template's own text; and a tail that is not a run of posting lines, each ending
with a newline, is refused (Unsummable), so the full load decides it."""

from __future__ import annotations

import numpy as np
import pytest
from beancount.parser import parser

from ledger import quick_tails
from ledger.quick_columns import Split, Unsummable, templates_parsed

HEADS = ['2021-03-01 * "PayPal" "Donation"\n  fund: "general"\n',
         '2021-03-02 * "PayPal" "Refund"\n  fund: "case"\n']
TAILS = ["  Assets:PayPal           10.00 GBP\n  Income:Donations  -10.00 GBP\n",
         "  Assets:PayPal           12.5 GBP\n  Income:Donations  -12.5 GBP\n",
         "  Assets:PayPal  1 GBP\n  Expenses:Fees  0.20 GBP\n  Income:Donations  -1.20 GBP\n",
         "  Assets:PayPal           -7.00 GBP\n  Income:Donations  7.00 GBP\n",
         "  Assets:PayPal           10.00 EUR\n  Income:Donations  -10.00 EUR\n",
         "  Assets:PayPal  3 GBP\n  Expenses:Fees  0.21 GBP\n  Income:Donations  -3.21 GBP\n"]
HEAD_OF = [0, 0, 0, 1, 0, 0]


def parse(text: str) -> list:
    entries, errors, _ = parser.parse_string(text)
    assert errors == []
    return sorted(entries, key=lambda e: e.meta["lineno"])


def shape(entry):
    return (entry.date, entry.narration, entry.meta["fund"],
            [(p.account, p.units.number, str(p.units.number), p.units.currency)
             for p in entry.postings])


@pytest.mark.parametrize(("slice_size", "key_bits"), [(32_768, 62), (2, 62), (1, 62), (4, 0)])
def test_each_template_is_the_entry_its_own_text_parses_to(monkeypatch, slice_size, key_bits):
    """Whatever the slices the tails are read in, and whether a tail's lines are keyed as
    one number or as a row, template k is its own text's entry, and templates alike but
    for their numbers share one frame."""
    monkeypatch.setattr(quick_tails, "SLICE", slice_size)
    monkeypatch.setattr(quick_tails, "KEY_BITS", key_bits)
    split = Split(HEADS, np.array(HEAD_OF), np.array(TAILS, dtype=object))
    got = templates_parsed(split, parse)
    assert len(got) == len(TAILS)
    for k, text in enumerate(split):
        assert shape(got.entry(k)) == shape(parse(text)[0]), text
    # Frames, worked by hand: head 0 with two GBP postings (templates 0 and 1), head 0
    # with three (2 and 5), head 1 with two GBP (3), head 0 with two EUR (4).
    assert len(got.frames) == 4
    assert got.frame_of[0] == got.frame_of[1] and got.frame_of[2] == got.frame_of[5]
    assert len({int(got.frame_of[k]) for k in (0, 2, 3, 4)}) == 4


@pytest.mark.parametrize("tail", [
    "  Assets:PayPal  10.00 GBP\n\n  Income:Donations  -10.00 GBP\n",  # a blank line
    "  Assets:PayPal  10.00 GBP\n  Income:Donations  -10.00 GBP",  # no last newline
    "\n  Assets:PayPal  10.00 GBP\n  Income:Donations  -10.00 GBP\n",  # a blank first
    "  Assets:PayPal  10.00 GBP\n  ; a comment\n  Income:Donations  -10.00 GBP\n",
    "  Assets:PayPal  10.00 GBP\r\n  Income:Donations  -10.00 GBP\r\n",
    "  Assets:PayPal  10.00 GBP\n  Income:Donations  -10.00 GBP @ 1.1 EUR\n",
    "  Assets:PayPal  1,000.00 GBP\n  Income:Donations  -1000.00 GBP\n",
    ""])
def test_a_tail_that_is_not_only_posting_lines_is_refused(tail):
    texts = Split(HEADS[:1], np.zeros(2, dtype=np.int64), np.array([TAILS[0], tail],
                                                                    dtype=object))
    with pytest.raises(Unsummable):
        templates_parsed(texts, parse)
