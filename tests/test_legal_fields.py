"""Legal fees (`reports.legal.legal_spend`) field by field on hand-worked books: the firm
(counsel named on the line, the payee, a court fee under "Court fees"), the category,
paid or owed (an invoice still owed, a creditor booked with no invoice), each grouping's
totals, unpaid part, invoices in date order and count, and fees in a currency with no
rate kept apart."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from ledger import books as ledger_books
from reports.legal import LegalGroup, legal_spend

D = Decimal
day = datetime.date

BOOKS = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 custom "fundledger-option" "fy-end" "03-31"
2017-01-01 open Assets:Bank GBP
2017-01-01 open Assets:PayPal
2017-01-01 open Liabilities:Creditors:Smith GBP
2017-01-01 open Income:Donations
2017-01-01 open Expenses:Legal:Solicitors
2017-01-01 open Expenses:Legal:Counsel GBP
2017-01-01 open Expenses:Legal:CourtFees GBP
2017-01-01 custom "fund" "general" "unrestricted"
2017-01-01 custom "fund" "case" "restricted"
  purpose: "Expenses:Legal"
2019-01-01 * "Donor" "Gifts"
  fund: "case"
  Assets:Bank  5000.00 GBP
  Income:Donations  -5000.00 GBP
2019-03-31 * "Smith & Co" "Advice, paid"
  fund: "case"
  invoice: "S-1"
  Expenses:Legal:Solicitors  100.00 GBP
  Assets:Bank  -100.00 GBP
2019-04-01 * "Smith & Co" "Claim, with counsel's fee paid through the firm"
  fund: "case"
  invoice: "S-2"
  Expenses:Legal:Solicitors  200.00 GBP
  Expenses:Legal:Counsel  50.00 GBP
    firm: "Garden Court Chambers"
  Expenses:Legal:CourtFees  10.00 GBP
  Liabilities:Creditors:Smith  -260.00 GBP
2019-05-01 * "Smith & Co" "Hearing, owed with no invoice number"
  fund: "general"
  Expenses:Legal:Solicitors  40.00 GBP
  Liabilities:Creditors:Smith  -40.00 GBP
2019-06-01 * "Jones LLP" "Opinion"
  fund: "general"
  invoice: "J-1"
  Expenses:Legal:Solicitors  300.00 GBP
  Assets:Bank  -300.00 GBP
2019-07-01 * "US counsel" "Billed in dollars"
  fund: "general"
  Expenses:Legal:Solicitors  9.00 USD
  Assets:PayPal  -9.00 USD
"""


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    main = tmp_path_factory.mktemp("legal") / "main.beancount"
    main.write_text(BOOKS)
    entries, errors, options = ledger_books.load(main)
    assert errors == [], [ledger_books.format_error(e) for e in errors]
    return entries, options


def test_each_line(loaded):
    got = legal_spend(*loaded)
    assert [(x.date, x.fund, x.firm, x.category, x.account, x.invoice, x.amount, x.paid)
            for x in got.lines] == [
        (day(2019, 3, 31), "case", "Smith & Co", "profit costs", "Expenses:Legal:Solicitors",
         "S-1", D("100.00"), True),
        (day(2019, 4, 1), "case", "Smith & Co", "profit costs", "Expenses:Legal:Solicitors",
         "S-2", D("200.00"), False),
        (day(2019, 4, 1), "case", "Garden Court Chambers", "counsel", "Expenses:Legal:Counsel",
         "S-2", D("50.00"), False),
        (day(2019, 4, 1), "case", "Not paid to a firm: court fees", "court fees", "Expenses:Legal:CourtFees",
         "S-2", D("10.00"), False),
        (day(2019, 5, 1), "general", "Smith & Co", "profit costs", "Expenses:Legal:Solicitors",
         None, D("40.00"), False),
        (day(2019, 6, 1), "general", "Jones LLP", "profit costs", "Expenses:Legal:Solicitors",
         "J-1", D("300.00"), True),
    ]
    assert got.lines[1].narration == "Claim, with counsel's fee paid through the firm"
    assert (got.total, got.unpaid) == (D("700.00"), D("300.00"))
    assert got.foreign == {"USD": D("9.00")}
    assert got.years == "financial years ending 31 March"


def test_by_firm_largest_first(loaded):
    assert legal_spend(*loaded).groups == (
        LegalGroup("Smith & Co", D("340.00"), D("240.00"), ("S-1", "S-2"), 3),
        LegalGroup("Jones LLP", D("300.00"), D("0"), ("J-1",), 1),
        LegalGroup("Garden Court Chambers", D("50.00"), D("50.00"), ("S-2",), 1),
        LegalGroup("Not paid to a firm: court fees", D("10.00"), D("10.00"), ("S-2",), 1),
    )


def test_by_year_category_and_fund(loaded):
    # 31 March 2019 ends the year 2018/19; 1 April 2019 starts 2019/20.
    assert [(g.key, g.total, g.unpaid, g.lines) for g in legal_spend(*loaded, by="year").groups
            ] == [("2018/19", D("100.00"), 0, 1), ("2019/20", D("600.00"), D("300.00"), 5)]
    assert [(g.key, g.total) for g in legal_spend(*loaded, by="category").groups] == [
        ("profit costs", D("640.00")), ("counsel", D("50.00")), ("court fees", D("10.00"))]
    assert [(g.key, g.total, g.unpaid, g.invoices)
            for g in legal_spend(*loaded, by="fund").groups] == [
        ("case", D("360.00"), D("260.00"), ("S-1", "S-2")),
        ("general", D("340.00"), D("40.00"), ("J-1",))]


def test_since_a_day(loaded):
    got = legal_spend(*loaded, since=day(2019, 4, 1))
    assert got.total == D("600.00") and got.since == day(2019, 4, 1)
    assert legal_spend(*loaded, since=day(2019, 6, 2)).foreign == {"USD": D("9.00")}
    assert legal_spend(*loaded, since=day(2019, 7, 2)).foreign == {}
    with pytest.raises(ValueError, match="by must be one of firm, year, category, fund"):
        legal_spend(*loaded, by="month")
