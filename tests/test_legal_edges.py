"""Legal fees (`reports.legal.legal_spend`) at their edges, on books of a few lines worked
by hand: the books as they stood at the end of a day (an invoice booked that day in, owed;
paid the next day), fees on `Expenses:Legal` itself, a fee in dollars at the books' rate
on its date (not the latest), two fees with no rate added up and a pound fee beside one in
the same transaction, the fund of the transaction when the posting names none (books read
without the fund plugin), a fee with no narration, funds in name order whatever their
size, books kept in euros, and no fees at all as 0.00."""

from __future__ import annotations

import datetime
from decimal import Decimal

from beancount import loader

from reports.legal import legal_spend

D = Decimal
day = datetime.date

# No plugin line: the funds stay where the books write them (the transaction's `fund:`).
BOOKS = """\
option "operating_currency" "GBP"
2019-01-01 open Assets:Bank
2019-01-01 open Liabilities:Creditors:Smith
2019-01-01 open Expenses:Legal
2019-01-01 open Expenses:Legal:Counsel
2019-01-01 price USD 0.50 GBP
2019-03-01 price USD 0.80 GBP
2019-02-01 * "Smith & Co" "Advice"
  fund: "zulu"
  invoice: "S-1"
  Expenses:Legal  100.00 GBP
  Liabilities:Creditors:Smith  -100.00 GBP
2019-02-02 * "Smith & Co" "Paid"
  invoice: "S-1"
  Liabilities:Creditors:Smith  100.00 GBP
  Assets:Bank  -100.00 GBP
2019-02-10 * "US counsel" "Opinion in dollars"
  fund: "alpha"
  Expenses:Legal:Counsel  40.00 USD
  Assets:Bank  -40.00 USD
2019-02-11 *
  fund: "alpha"
  Expenses:Legal:Counsel  2.00 GBP
  Assets:Bank  -2.00 GBP
"""


def loaded(text=BOOKS):
    entries, errors, options = loader.load_string(text)
    assert errors == [], errors
    return entries, options


def test_each_line_without_the_plugin():
    got = legal_spend(*loaded())
    # 40.00 USD at 0.50 (the rate on 10 February; 0.80 is from March) = 20.00 GBP.
    assert [(x.date, x.fund, x.account, x.amount, x.narration, x.paid) for x in got.lines] == [
        (day(2019, 2, 1), "zulu", "Expenses:Legal", D("100.00"), "Advice", True),
        (day(2019, 2, 10), "alpha", "Expenses:Legal:Counsel", D("20.00"), "Opinion in dollars",
         True),
        (day(2019, 2, 11), "alpha", "Expenses:Legal:Counsel", D("2.00"), "", True)]
    assert (got.unit, got.total, got.unpaid, got.foreign, got.as_of) == (
        "GBP", D("122.00"), D("0.00"), {}, None)
    # By fund, in the funds' names' order: alpha (22.00) before zulu (100.00).
    assert [(g.key, g.total) for g in legal_spend(*loaded(), by="fund").groups] == [
        ("alpha", D("22.00")), ("zulu", D("100.00"))]


def test_a_fee_with_no_fund_named_anywhere():
    entries, options = loaded(BOOKS.replace('  fund: "zulu"\n', ""))
    assert [x.fund for x in legal_spend(entries, options).lines] == ["", "alpha", "alpha"]


def test_the_books_as_they_stood_at_the_end_of_a_day():
    entries, options = loaded()
    # The invoice booked on 1 February is in, and owed that day; paid the next.
    on = legal_spend(entries, options, as_of=day(2019, 2, 1))
    assert (on.total, on.unpaid, on.as_of) == (D("100.00"), D("100.00"), day(2019, 2, 1))
    assert [x.paid for x in on.lines] == [False]
    before = legal_spend(entries, options, as_of=day(2019, 1, 31))
    assert (before.total, before.lines) == (D("0.00"), ())
    after = legal_spend(entries, options, as_of=day(2019, 2, 2))
    assert (after.total, after.unpaid) == (D("100.00"), D("0.00"))


def test_fees_with_no_rate_are_added_up_and_the_rest_of_their_entry_kept():
    text = BOOKS.replace("2019-01-01 price USD 0.50 GBP\n2019-03-01 price USD 0.80 GBP\n", "")
    text += ('2019-04-01 * "US counsel" "Second opinion, and a court fee in pounds"\n'
             '  fund: "alpha"\n'
             "  Expenses:Legal:Counsel  15.00 USD\n"
             "  Expenses:Legal  7.00 GBP\n"
             "  Assets:Bank  -15.00 USD\n"
             "  Assets:Bank  -7.00 GBP\n")
    got = legal_spend(*loaded(text))
    assert got.foreign == {"USD": D("55.00")}  # 40.00 + 15.00
    assert [(x.date, x.amount) for x in got.lines] == [
        (day(2019, 2, 1), D("100.00")), (day(2019, 2, 11), D("2.00")),
        (day(2019, 4, 1), D("7.00"))]
    assert got.total == D("109.00")


def test_books_kept_in_euros():
    text = BOOKS.replace('"operating_currency" "GBP"', '"operating_currency" "EUR"')
    got = legal_spend(*loaded(text))
    # No rate from pounds to euros: the pound fees are kept apart; dollars have none either.
    assert got.unit == "EUR"
    assert got.foreign == {"GBP": D("102.00"), "USD": D("40.00")}
    assert got.lines == () and str(got.total) == "0.00"


def test_no_fees_at_all_is_nothing_to_the_penny():
    entries, options = loaded(BOOKS.split("2019-02-01 *")[0])
    got = legal_spend(entries, options)
    assert (str(got.total), str(got.unpaid), got.groups) == ("0.00", "0.00", ())


def test_an_account_only_named_like_legal_fees_is_not_one():
    text = BOOKS + ('2019-01-01 open Expenses:LegalEducation\n'
                    '2019-05-01 * "School" "Workshop on rights for supporters"\n'
                    '  fund: "alpha"\n  Expenses:LegalEducation  30.00 GBP\n'
                    "  Assets:Bank  -30.00 GBP\n")
    got = legal_spend(*loaded(text))
    assert got.total == D("122.00")  # as before: 100.00 + 20.00 + 2.00
    assert "Expenses:LegalEducation" not in {x.account for x in got.lines}


def test_an_invoice_shared_by_two_funds_and_owed_is_unpaid_for_both():
    """An invoice split between two funds belongs to neither alone, but is still owed."""
    text = BOOKS + ('2019-06-01 * "Smith & Co" "Joint advice"\n'
                    '  invoice: "S-2"\n'
                    "  Expenses:Legal  30.00 GBP\n"
                    '    fund: "alpha"\n'
                    "  Expenses:Legal  20.00 GBP\n"
                    '    fund: "zulu"\n'
                    "  Liabilities:Creditors:Smith  -50.00 GBP\n")
    got = legal_spend(*loaded(text))
    shared = [(x.fund, x.amount, x.paid) for x in got.lines if x.invoice == "S-2"]
    assert shared == [("alpha", D("30.00"), False), ("zulu", D("20.00"), False)]
    # 30.00 + 20.00 owed; S-1 was paid the next day.
    assert (got.total, got.unpaid) == (D("172.00"), D("50.00"))
