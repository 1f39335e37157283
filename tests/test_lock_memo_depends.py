"""Which files the lock memo never remembers (ledger.lock_memo.DEPENDS): those whose
entries beancount completes from balances built in other files (a pad, a lot at cost, an
amount or price written without its currency), found in the bytes, CRLF and all; and the
demo books, whose files are all remembered but Fava's settings (`{}`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger import lock_memo


@pytest.mark.parametrize(("text", "alone"), [
    ('2019-01-01 * "x"\n  Assets:Bank  10.00 GBP\n  Income:Gifts  -10 GBP ; a note\n', True),
    (('2019-01-01 * "x"\n  Assets:Bank  10.00 GBP @@ 12.00 EUR\n  import-row: 7\n'
      "  Income:Gifts\n"), True),
    ('2019-01-01 * "x" "a launch pad"\n  Assets:Bank  1 GBP\n  Income:Gifts\n', False),
    ("2019-01-01 pad Assets:Bank Equity:Opening\n", False),
    ('2019-01-01 * "x"\n  Assets:Shares  -1 SHR {}\n  Assets:Bank\n', False),
    ('2019-01-01 * "x"\n  Assets:Bank  10.00\n  Income:Gifts\n', False),
    ('2019-01-01 * "x"\r\n  ! Assets:Bank  (5 + 5)\r\n  Income:Gifts\r\n', False),
    ('2019-01-01 * "x"\n  Assets:Bank  10.00 ; no currency\n  Income:Gifts -10.00 GBP', False),
    ('2019-01-01 * "x"\n  Assets:Bank  10.00 EUR @ 0.85\n  Income:Gifts', False),
    ('2019-01-01 * "x"\n  Income:Gifts  -10.00 GBP\n  Assets:Bank  10', False),
], ids=["currencies", "a price and a number in metadata", "the word pad", "a pad", "a cost",
        "a posting with no currency", "an expression with no currency, CRLF",
        "no currency before a comment", "a price with no currency",
        "no currency at the end of the file"])
def test_which_files_depend_on_others(tmp_path, text, alone):
    path = tmp_path / "f.beancount"
    path.write_text(text, newline="")
    assert lock_memo.alone(str(path)) is alone


def test_the_demo_books_files_are_remembered_but_the_one_holding_braces():
    demo = Path(__file__).resolve().parent.parent / "fundledger" / "demo" / "books"
    files = sorted(demo.rglob("*.beancount"))
    assert len(files) > 40
    assert [p.name for p in files if not lock_memo.alone(str(p))] == ["fava.beancount"]
