"""Which rates a published file adds to the books (importers.rates.new_prices and
price_lines), in this process: only the currencies the books hold or book in, each day
once, none the books already have, oldest first; and none at all for books that use no
other currency. The Bank of England's layout (tests/test_prices.py's file); each figure
worked by hand there: a dollar 1 / 1.2623 = 0.79220471 pounds, a euro 1 / 1.1555."""

from __future__ import annotations

import datetime
from decimal import Decimal

from beancount import loader

from importers.rates import Rate, currencies_used, new_prices, price_lines
from tests.test_prices import BOE

D = Decimal
day = datetime.date
HEAD = """\
option "operating_currency" "GBP"
2017-01-01 open Assets:Bank GBP
2017-01-01 open Assets:PayPal
2017-01-01 open Income:Donations
"""
DOLLARS = """
2024-01-02 * "PayPal" "Gift in dollars"
  Assets:PayPal                   100.00 USD
  Income:Donations               -100.00 USD
"""


def books(tmp_path, text):
    path = tmp_path / "main.beancount"
    path.write_text(HEAD + text)
    entries, errors, _o = loader.load_file(str(path))
    assert not errors
    return entries


def test_only_the_currencies_the_books_use(tmp_path):
    rates = tmp_path / "boe.csv"
    rates.write_text(BOE)
    entries = books(tmp_path, DOLLARS)
    assert currencies_used(entries, "GBP") == {"USD"}
    assert new_prices(entries, "GBP", rates) == (
        "2024-01-02 price USD 0.79220471 GBP\n2024-01-03 price USD 0.79082641 GBP\n", 2)
    # asked for euros as well
    text, n = new_prices(entries, "GBP", rates, {"USD", "EUR"})
    assert n == 3 and "2024-01-02 price EUR 0.86542622 GBP\n" in text


def test_books_in_pounds_alone_take_no_rate(tmp_path):
    rates = tmp_path / "boe.csv"
    rates.write_text(BOE)
    entries = books(tmp_path, "")
    assert currencies_used(entries, "GBP") == set()
    assert new_prices(entries, "GBP", rates) == ("", 0)
    assert price_lines([Rate(day(2024, 1, 2), "USD", D("0.79"), "GBP")], set(), set()) == ""


def test_a_rate_the_books_hold_is_not_added_again(tmp_path):
    held = books(tmp_path, DOLLARS + "2024-01-02 price USD 0.79 GBP\n")
    rates = tmp_path / "boe.csv"
    rates.write_text(BOE)
    assert new_prices(held, "GBP", rates) == ("2024-01-03 price USD 0.79082641 GBP\n", 1)
    twice = [Rate(day(2024, 1, 3), "USD", D("0.8"), "GBP"),
             Rate(day(2024, 1, 2), "USD", D("0.7"), "GBP"),
             Rate(day(2024, 1, 2), "USD", D("0.9"), "GBP")]
    # oldest first, one a day: the first given for a day
    assert price_lines(twice, set()) == ("2024-01-02 price USD 0.7 GBP\n"
                                         "2024-01-03 price USD 0.8 GBP\n")
