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
