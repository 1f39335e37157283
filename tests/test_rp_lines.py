"""The receipts and payments account line by line, column by column, on small books
(tests/rp_books.py) whose every figure is worked by hand here: each receipt and payment
heading, an invoice paid after it was booked, money on and off a deposit, a loan, a
returned leftover, a transfer, an opening balance inside the year, dollars at the rate on
their date and at the closing rate, and the days either side of the year."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from reports.classify import ReportError
from reports.receipts_payments import Line, cash_balances, receipts_payments
from tests.rp_books import Y2024, write_rp
from tests.statements_books import load

D = Decimal
day = datetime.date
U, R, E = "unrestricted", "restricted", "endowment"


@pytest.fixture
def books(tmp_path):
    return load(write_rp(tmp_path / "rp"))


def by_key(lines) -> dict:
    return {x.key: (x.unrestricted, x.restricted, x.endowment) for x in lines}


def test_every_receipt_heading_by_column(books):
    r = receipts_payments(*books, *Y2024)
    assert [x.key for x in r.receipts] == [
        "donations", "charitable", "investments", "investments_sold", "other"]
    assert by_key(r.receipts) == {
        # 200 on the first day + the 100 USD gift at 0.80 on its date; pledges 1,000 gross
        # (case) + 300 (appeal); the endowment gift 5,000
        "donations": (D("280.00"), D("1300.00"), D("5000.00")),
        "charitable": (0, D("3000.00"), 0),  # the trust's grant to the case
        "investments": (D("5.00"), 0, 0),  # bank interest
        "investments_sold": (0, 0, D("1000.00")),  # taken off the deposit
        "other": (D("2000.00"), 0, 0),  # the loan received; the opening balance is not here
    }
    assert [x.total for x in r.receipts] == [
        D("6580.00"), D("3000.00"), D("5.00"), D("1000.00"), D("2000.00")]
    assert r.total_receipts == D("12585.00")
    assert (r.total("receipts", U), r.total("receipts", R), r.total("receipts", E)) == (
        D("2285.00"), D("4300.00"), D("6000.00"))


def test_every_payment_heading_by_column(books):
    r = receipts_payments(*books, *Y2024)
    assert [x.key for x in r.payments] == [
        "raising", "legal", "comms", "grants", "investments", "other", "returned"]
    assert by_key(r.payments) == {
        "raising": (0, D("50.00"), 0),  # the platform's fee on the pledges
        # INV-1 (case's) paid in June, the payment naming no fund; the appeal's 200
        "legal": (0, D("800.00"), 0),
        # leaflets 120 (general); INV-2, general's invoice, paid by the case fund: 90
        "comms": (D("120.00"), D("90.00"), 0),
        "grants": (D("80.00"), 0, 0),
        "investments": (0, 0, D("4000.00")),  # put on the deposit
        "other": (D("540.00"), 0, 0),  # 500 of the loan repaid, rent 40 on the last day
        "returned": (0, D("100.00"), 0),  # the appeal's leftover: a payment, not income
    }
    assert r.total_payments == D("5780.00")
    assert (r.total("payments", U), r.total("payments", R), r.total("payments", E)) == (
        D("740.00"), D("1040.00"), D("4000.00"))
    assert r.net == D("6805.00")  # 12,585 - 5,780


def test_transfers_exchange_and_cash_by_class(books):
    r = receipts_payments(*books, *Y2024)
    # 250 from general to the case; the 100 designated stays within unrestricted
    assert (r.transfers.key, r.transfers.label) == ("transfers", "Transfers between funds")
    assert (r.transfers.unrestricted, r.transfers.restricted, r.transfers.endowment,
            r.transfers.total) == (D("-250.00"), D("250.00"), 0, 0)
    # 100 USD booked at 0.80 (80.00), held at 0.75 on 31 December (75.00): 5.00 lost,
    # general's
    assert r.exchange_difference == D("-5.00")
    assert r.exchange_by_class == {U: D("-5.00"), R: 0, E: 0}
    # brought forward: the 1,000 of 31 December 2023 and the tin's 50 opening balance
    assert r.funds_brought_forward == {U: D("1050.00"), R: 0, E: 0}
    # U 1,050 + 2,285 - 740 - 250 - 5; R 4,300 - 1,040 + 250; E 6,000 - 4,000
    assert r.funds_carried_forward == {U: D("2340.00"), R: D("3510.00"), E: D("2000.00")}
    assert (r.cash_brought_forward, r.cash_carried_forward) == (D("1050.00"), D("7850.00"))
    assert r.cash_carried_forward - r.cash_brought_forward == r.net + r.exchange_difference
    assert r.foreign == {}
    assert r.endowment is True
    assert (r.title, r.currency, r.start, r.end) == ("Lines Trust", "GBP", *Y2024)


def test_each_money_account_brought_and_carried_forward(books):
    r = receipts_payments(*books, *Y2024)
    # the bank: 1,000 + 200 + 5 + 3,000 - 600 - 90 - 120 - 80 + 5,000 - 4,000 - 250
    # + 2,000 + 1,000 - 500 - 40; the firm: 950 + 300 - 200 + 250 - 100
    assert r.cash_accounts == {
        "Assets:Bank": (D("1000.00"), D("6525.00")),
        "Assets:Bank:USD": (0, D("75.00")),
        "Assets:Cash:Tin": (D("50.00"), D("50.00")),  # brought forward, never received
        "Assets:Held:Firm": (0, D("1200.00")),
    }


def test_the_statement_of_assets_and_liabilities_at_the_end(books):
    r = receipts_payments(*books, *Y2024)
    s = r.statement
    assert s.date == Y2024[1]
    assert s.assets == {"fixed_assets": D("3000.00"), "debtors": 0,
                        "cash_at_bank": D("6650.00"), "held_by_solicitors": D("1200.00")}
    # both invoices paid; 2,000 borrowed less 500 repaid
    assert s.liabilities == {"creditors_within_one_year": 0,
                             "creditors_after_one_year": D("1500.00")}


def test_the_prior_year_and_the_next(books):
    r = receipts_payments(*books, *Y2024)
    p = r.prior
    assert (p.start, p.end) == (day(2023, 1, 1), day(2023, 12, 31))
    assert by_key(p.receipts)["donations"] == (D("1000.00"), 0, 0)  # its last day
    assert (p.total_receipts, p.total_payments) == (D("1000.00"), 0)
    assert (p.cash_brought_forward, p.cash_carried_forward) == (0, D("1000.00"))
    assert p.prior is None
    nxt = receipts_payments(*books, day(2025, 1, 1), day(2025, 12, 31), prior=False)
    assert nxt.prior is None
    # this year's carried forward is the next year's brought forward, class by class
    assert nxt.cash_brought_forward == D("7850.00")
    assert nxt.funds_brought_forward == {U: D("2340.00"), R: D("3510.00"), E: D("2000.00")}
    assert by_key(nxt.receipts)["donations"] == (D("7.00"), 0, 0)  # the day after
    assert nxt.exchange_difference == 0  # no new rate since 31 December
    assert nxt.funds_carried_forward == {U: D("2347.00"), R: D("3510.00"), E: D("2000.00")}
    chosen = receipts_payments(*books, *Y2024, prior=(day(2024, 1, 1), day(2024, 1, 1)))
    assert (chosen.prior.start, chosen.prior.end) == (day(2024, 1, 1), day(2024, 1, 1))


def test_the_first_and_last_days_are_in_the_period(books):
    first = receipts_payments(*books, Y2024[0], Y2024[0], prior=False)
    assert first.total_receipts == D("200.00") and first.total_payments == 0
    assert (first.cash_brought_forward, first.cash_carried_forward) == (
        D("1000.00"), D("1200.00"))
    last = receipts_payments(*books, Y2024[1], Y2024[1], prior=False)
    assert (last.total_receipts, last.total_payments) == (0, D("40.00"))
    assert by_key(last.payments)["other"] == (D("40.00"), 0, 0)
    # the closing rate of 31 December counts on that day: 80 -> 75
    assert (last.exchange_difference, last.exchange_by_class[U]) == (D("-5.00"), D("-5.00"))
    assert (last.cash_brought_forward, last.cash_carried_forward) == (
        D("7895.00"), D("7850.00"))
    # an opening balance on the first day of a period is brought forward, not received
    tin = receipts_payments(*books, day(2024, 3, 15), day(2024, 3, 15), prior=False)
    assert (tin.total_receipts, tin.cash_accounts["Assets:Cash:Tin"]) == (
        0, (D("50.00"), D("50.00")))
    assert tin.funds_brought_forward[U] == tin.funds_carried_forward[U]


def test_cash_balances_at_the_end_of_a_day(books):
    entries, options = books
    at, difference = cash_balances(entries, options, day(2024, 12, 31))
    assert at == {"Assets:Bank": D("6525.00"), "Assets:Bank:USD": D("75.00"),
                  "Assets:Cash:Tin": D("50.00"), "Assets:Held:Firm": D("1200.00")}
    assert difference == {"total": D("-5.00")}
    before, _d = cash_balances(entries, options, day(2023, 12, 31))
    assert before == {"Assets:Bank": D("1000.00")}
    on_the_day, _d = cash_balances(entries, options, day(2024, 1, 1))
    assert on_the_day["Assets:Bank"] == D("1200.00")


def test_a_line_adds_its_columns():
    line = Line("k", "Label", D("1.00"), D("2.00"), D("4.00"))
    assert (line.total, line.column("restricted")) == (D("7.00"), D("2.00"))
    assert Line("k", "Label", D("1.00"), D("2.00")).total == D("3.00")


def test_a_period_that_ends_before_it_starts_is_refused(books):
    with pytest.raises(ReportError, match=r"the period starts \(2024-12-31\) after it ends "
                                          r"\(2024-01-01\)"):
        receipts_payments(*books, Y2024[1], Y2024[0])


# More of what a treasurer books, appended to the books above (each worked below):
MORE = """
2020-01-01 open Assets:Debtors:Grants GBP
2020-01-01 open Income:Gains:Investments GBP
2020-01-01 open Expenses:Fees:Bank GBP
2020-01-01 open Expenses:Legal:Counsel GBP
2020-01-01 open Assets:Bank:EUR EUR
2020-01-01 open Assets:Cash:Float GBP
2020-01-01 open Assets:Cash:Petty GBP
2020-01-01 open Expenses:FX GBP
2020-01-01 open Assets:PayPal USD
2020-01-01 open Liabilities:Card GBP
2024-02-20 * "Trust" "Second grant awarded, to be paid in March"
  fund: "case"
  Assets:Debtors:Grants        1000.00 GBP
  Income:Grants:Trust         -1000.00 GBP
2024-03-10 * "Bank" "Pounds changed into euros"
  fund: "general"
  Assets:Bank                   -80.00 GBP @@ 100.00 EUR
  Assets:Bank:EUR               100.00 EUR
2024-03-11 * "Printer" "Euro invoice paid"
  fund: "general"
  Assets:Bank:EUR              -100.00 EUR @ 0.80 GBP
  Expenses:Comms:Design          80.00 GBP
2024-03-20 * "Trust" "Second grant paid"
  fund: "case"
  Assets:Bank                  1000.00 GBP
  Assets:Debtors:Grants       -1000.00 GBP
2024-05-10 * "Firm" "Copying and counsel invoiced"
  fund: "case"
  invoice: "INV-3"
  Expenses:Fees:Bank            300.00 GBP
  Expenses:Legal:Counsel         20.00 GBP
  Liabilities:Creditors        -320.00 GBP
2024-06-10 * "Firm" "Pay INV-3"
  invoice: "INV-3"
  Liabilities:Creditors         320.00 GBP
  Assets:Bank                  -320.00 GBP
2024-08-05 * "Donor" "Gift paid straight onto the deposit"
  fund: "endow"
  Assets:Investments:Deposit    500.00 GBP
  Income:Donations:Bank        -500.00 GBP
2024-08-06 * "Bank" "Deposit fee taken from the deposit, paid by the general fund"
  fund: "general"
  Expenses:Fees:Bank              5.00 GBP
  Assets:Investments:Deposit     -5.00 GBP
2024-09-30 * "Broker" "Deposit revalued"
  fund: "endow"
  Assets:Investments:Deposit     25.00 GBP
  Income:Gains:Investments      -25.00 GBP
2024-03-16 * "Balance brought forward"
  fund: "general"
  Assets:Cash:Float              20.00 GBP
  Equity:Funds:Opening          -20.00 GBP
2024-03-16 * "Balance brought forward"
  fund: "case"
  Assets:Cash:Petty              30.00 GBP
  Equity:Funds:Opening          -30.00 GBP
2024-09-20 * "Trustees" "Top up the case to pay the firm"
  Equity:Funds:Transfers         50.00 GBP
    fund: "general"
  Equity:Funds:Transfers        -50.00 GBP
    fund: "case"
  Expenses:Legal:Solicitors      50.00 GBP
    fund: "case"
  Assets:Bank                   -50.00 GBP
    fund: "case"
2024-10-20 * "Bank" "Exchange loss on a payment"
  fund: "general"
  Expenses:FX                     3.00 GBP
  Assets:Bank                    -3.00 GBP
2024-06-20 * "PayPal" "Dollar gift"
  fund: "general"
  Assets:PayPal                  20.00 USD
  Income:Donations:Bank         -20.00 USD
2024-06-21 * "PayPal" "Dollar pledges"
  fund: "case"
  Assets:PayPal                  50.00 USD
  Income:Donations:Bank         -50.00 USD
2024-09-25 * "Bank" "Interest credited to the deposit"
  fund: "general"
  Assets:Investments:Deposit      0.75 GBP
  Income:Interest                -0.75 GBP
2024-12-01 * "Bank" "Card balance cleared"
  fund: "general"
  Liabilities:Card                0.90 GBP
  Assets:Bank                    -0.90 GBP
2024-11-20 * "Lender" "Repaid, no fund named"
  Liabilities:Loans:LongTerm    100.00 GBP
  Assets:Bank                  -100.00 GBP
"""


def test_a_deposit_a_debtor_a_conversion_and_an_invoice_of_two_headings(tmp_path):
    entries, options = load(write_rp(tmp_path / "more", MORE))
    r = receipts_payments(entries, options, *Y2024)
    assert by_key(r.receipts) == {
        # + the gift paid straight onto the deposit (500, the endowment's); dollars at
        # 0.80: general's 20 (16.00), the case's 50 (40.00)
        "donations": (D("296.00"), D("1340.00"), D("5500.00")),
        # + the second grant, received in March for the debtor booked in February: a
        # grant receipt, not "other"
        "charitable": (0, D("4000.00"), 0),
        # + 0.75 interest credited to the deposit
        "investments": (D("5.75"), 0, 0),
        # + the fee taken off the deposit (general's); the revaluation moved no money
        "investments_sold": (D("5.00"), 0, D("1000.00")),
        "other": (D("2000.00"), 0, 0),
    }
    assert by_key(r.payments) == {
        # + the fee taken off the deposit (5, general's); INV-3 under the heading of the
        # biggest of its expenses, the copying's 300 (raising), all 320 of it, the case's
        "raising": (D("5.00"), D("370.00"), 0),
        # + the 50 paid by the case with the 50 transferred to it
        "legal": (0, D("850.00"), 0),
        # + the euro invoice: 100 EUR at 0.80, general's
        "comms": (D("200.00"), D("90.00"), 0),
        "grants": (D("80.00"), 0, 0),
        # + the gift put on it (500) and the interest credited to it (0.75, general's)
        "investments": (D("0.75"), 0, D("4500.00")),
        # + 100 of the loan repaid by a transaction that names no fund (unrestricted), an
        # exchange loss of 3 paid from the bank, a card's 0.90 cleared
        "other": (D("643.90"), 0, 0),
        "returned": (0, D("100.00"), 0),
    }
    # the euros bought and spent in March count at their transactions' own rate (the
    # books have no EUR price at all): the change moved no money, the invoice 80.00
    # dollars held at 0.75 on 31 December: the bank's 100 (80.00 -> 75.00) and PayPal's
    # 20 (16.00 -> 15.00), general's; PayPal's 50 (40.00 -> 37.50), the case's
    assert (r.exchange_difference, r.foreign) == (D("-8.50"), {})
    assert r.exchange_by_class == {"unrestricted": D("-6.00"), "restricted": D("-2.50"),
                                   "endowment": 0}
    assert (r.total_receipts, r.total_payments) == (D("14146.75"), D("6839.65"))
    # -250 and -50 transferred to the case
    assert (r.transfers.unrestricted, r.transfers.restricted) == (D("-300.00"), D("300.00"))
    # two more opening balances brought forward, by class: the tin's 50 and the float's
    # 20 (general's), the petty cash's 30 (the case's)
    assert r.funds_brought_forward == {"unrestricted": D("1070.00"), "restricted": D("30.00"),
                                       "endowment": 0}
    assert r.cash_brought_forward == D("1100.00")
    # 7,850 + 1,000 (the grant) - 80 (pounds changed) - 320 (INV-3) - 100 (the loan)
    # - 50 (the firm) - 3 (the loss) + 50 (opening balances) - 0.90 (the card) + 15.00
    # and 37.50 (PayPal's dollars)
    assert r.cash_carried_forward == D("8398.60")
    assert r.cash_carried_forward - r.cash_brought_forward == r.net + r.exchange_difference


def test_books_kept_in_euros_give_the_same_figures_in_euros(tmp_path):
    path = write_rp(tmp_path / "eur")
    path.write_text(path.read_text().replace("GBP", "EUR"))
    r = receipts_payments(*load(path), *Y2024)
    assert (r.currency, r.statement.currency) == ("EUR", "EUR")
    # the figures of the books in pounds (above), each now in euros
    assert by_key(r.receipts)["donations"] == (D("280.00"), D("1300.00"), D("5000.00"))
    assert (r.total_receipts, r.total_payments) == (D("12585.00"), D("5780.00"))
    assert (r.exchange_difference, r.exchange_by_class[U]) == (D("-5.00"), D("-5.00"))
    assert r.cash_accounts["Assets:Bank:USD"] == (0, D("75.00"))
    assert r.cash_accounts["Assets:Cash:Tin"] == (D("50.00"), D("50.00"))
    assert (r.cash_brought_forward, r.cash_carried_forward) == (D("1050.00"), D("7850.00"))
    assert r.statement.assets["cash_at_bank"] == D("6650.00")
    assert r.prior.cash_carried_forward == D("1000.00")
