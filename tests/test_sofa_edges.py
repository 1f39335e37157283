"""The SOFA at the edges of its period: a one-day period, a period the wrong way round, a
prior year ending on 29 February, funds declared after the period or closed before it, and
money booked in another currency that nets to nothing. Books worked by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from ledger import books as ledger_books
from reports.classify import ReportError
from reports.sofa import shift_year, sofa

D = Decimal
day = datetime.date

BOOKS = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 open Assets:Bank GBP
2017-01-01 open Assets:PayPal
2017-01-01 open Income:Donations
2017-01-01 open Expenses:Legal:Solicitors GBP
2017-01-01 open Equity:Funds:Transfers GBP
2017-01-01 custom "fund" "general" "unrestricted"
2018-01-01 custom "fund" "old" "restricted"
  purpose: "Expenses:Legal"
2018-06-30 custom "fund-close" "old"
2020-01-01 custom "fund" "late" "restricted"
  purpose: "Expenses:Legal"

2019-02-28 * "Gift"
  fund: "general"
  Assets:Bank            40.00 GBP
  Income:Donations      -40.00 GBP

2019-03-01 * "Gift"
  fund: "general"
  Assets:Bank            10.00 GBP
  Income:Donations      -10.00 GBP

2019-03-01 * "Fees"
  fund: "general"
  Expenses:Legal:Solicitors  4.00 GBP
  Assets:Bank               -4.00 GBP

2019-03-02 * "A dollar gift, and its conversion the same day"
  fund: "general"
  Assets:PayPal          5.00 USD
  Income:Donations      -5.00 USD
2019-03-02 * "Conversion restated in pounds"
  fund: "general"
  Income:Donations       5.00 USD
  Income:Donations      -4.00 GBP
  Assets:PayPal         -5.00 USD
  Assets:PayPal          4.00 GBP

2020-02-29 * "Leap-day gift"
  fund: "late"
  Assets:Bank            7.00 GBP
  Income:Donations      -7.00 GBP
"""


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    main = tmp_path_factory.mktemp("sofa-edges") / "main.beancount"
    main.write_text(BOOKS)
    entries, errors, options = ledger_books.load(main)
    assert errors == [], [ledger_books.format_error(e) for e in errors]
    return entries, options


def note(s) -> dict:
    return {m.fund: (m.brought_forward, m.income, m.expenditure, m.transfers,
                     m.carried_forward) for m in s.funds}


def test_a_one_day_period(loaded):
    s = sofa(*loaded, day(2019, 3, 1), day(2019, 3, 1), prior=False)
    # Funds closed before it with nothing in it, or declared after it, are not in the note.
    assert note(s) == {"general": (D(40), D(10), D(4), 0, D(46))}
    assert s.prior is None and s.row("income.total").prior_total is None


def test_a_period_the_wrong_way_round_is_refused(loaded):
    with pytest.raises(ReportError, match=r"the period starts \(2019-03-02\) after it ends "
                                          r"\(2019-03-01\)"):
        sofa(*loaded, day(2019, 3, 2), day(2019, 3, 1))


def test_money_booked_in_dollars_and_restated_in_pounds_counts_once(loaded):
    s = sofa(*loaded, day(2019, 3, 2), day(2019, 3, 2), prior=False)
    assert note(s) == {"general": (D(46), D(4), 0, 0, D(50))}


def test_a_prior_year_ending_on_29_february(loaded):
    assert shift_year(day(2020, 2, 29), -1) == day(2019, 2, 28)
    assert shift_year(day(2019, 3, 1), 1) == day(2020, 3, 1)
    s = sofa(*loaded, day(2019, 3, 1), day(2020, 2, 29))
    # The prior year runs 1 March 2018 to 28 February 2019, computed the same way.
    assert (s.prior.start, s.prior.end) == (day(2018, 3, 1), day(2019, 2, 28))
    assert s.row("income.total").prior_total == D(40)
    assert note(s) == {"general": (D(40), D(14), D(4), 0, D(50)),
                       "late": (0, D(7), 0, 0, D(7))}
    # `old` closed on 30 June 2018, inside the prior year: it is in that year's note.
    assert note(s.prior) == {"general": (0, D(40), 0, 0, D(40)), "old": (0, 0, 0, 0, 0)}
    # A prior period given as dates.
    s = sofa(*loaded, day(2019, 3, 1), day(2020, 2, 29), prior=(day(2019, 2, 28),
                                                                  day(2019, 2, 28)))
    assert (s.prior.start, s.prior.end) == (day(2019, 2, 28), day(2019, 2, 28))


def test_a_fund_closed_before_the_period_is_left_out_but_one_closed_in_it_is_not(loaded):
    assert "old" not in note(sofa(*loaded, day(2019, 1, 1), day(2019, 12, 31), prior=False))
    assert note(sofa(*loaded, day(2018, 1, 1), day(2018, 12, 31), prior=False))["old"] == (
        0, 0, 0, 0, 0)


OPENED_MIDYEAR = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
2025-01-01 open Assets:Bank GBP
2025-01-01 open Income:Donations
2025-01-01 open Expenses:Legal:Solicitors GBP
2025-01-01 open Equity:Funds:Opening GBP
2025-01-01 custom "fund" "general" "unrestricted"

2025-03-02 * "Balance brought forward from the statement of 2025-03-03"
  fund: "general"
  Assets:Bank             1700.00 GBP
  Equity:Funds:Opening   -1700.00 GBP

2025-03-10 * "Gift"
  fund: "general"
  Assets:Bank               25.00 GBP
  Income:Donations         -25.00 GBP
"""


def test_an_opening_balance_inside_the_period_is_brought_forward(tmp_path):
    """Books begun mid-year from a statement's balance (what `fundledger import` brings
    forward into new books): the SOFA shows the balance as funds brought forward, not as a
    transfer from a fund that does not exist, so the year's transfers still sum to zero."""
    main = tmp_path / "main.beancount"
    main.write_text(OPENED_MIDYEAR)
    entries, errors, options = ledger_books.load(main)
    assert errors == [], [ledger_books.format_error(e) for e in errors]
    s = sofa(entries, options, day(2025, 1, 1), day(2025, 12, 31), prior=False)
    assert note(s) == {"general": (D("1700.00"), D("25.00"), 0, 0, D("1725.00"))}
    assert s.row("bf").total == D("1700.00")
    assert s.row("transfers").total == 0
