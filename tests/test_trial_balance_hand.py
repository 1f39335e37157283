"""The trial balance, the nominal ledger and the entries behind every line, field by field,
on books of a few entries worked by hand: a year before the period, the period (2020) and
a year after, with a grant held by the solicitors, an invoice owed, rent shared out as
support costs, a realised exchange gain, a transfer between funds and a leftover returned.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from ledger import books as ledger_books
from reports.trial_balance import (
    BROUGHT_FORWARD,
    BehindRow,
    LedgerRow,
    TrialLine,
    entries_behind,
    nominal_ledger,
    trial_balance,
)

D = Decimal
day = datetime.date
START, END = day(2020, 1, 1), day(2020, 12, 31)

BOOKS = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 open Assets:Bank:Current GBP
2017-01-01 open Assets:Held:Smith GBP
2017-01-01 open Liabilities:Creditors:Smith GBP
2017-01-01 open Income:Donations:Bank GBP
2017-01-01 open Income:Grants:Lumen GBP
2017-01-01 open Income:FX:Grants GBP
2017-01-01 open Expenses:Legal:Solicitors GBP
2017-01-01 open Expenses:Running:Rent GBP
2017-01-01 open Equity:Funds:Transfers GBP
2017-01-01 custom "fund" "general" "unrestricted"
2017-01-01 custom "fund" "case" "restricted"
  purpose: "Expenses:Legal"
2017-01-01 custom "support-costs" "Expenses:Running" "legal 70, raising 30"
2019-06-01 * "Donor" "Gift last year"
  fund: "general"
  Assets:Bank:Current  100.00 GBP
  Income:Donations:Bank  -100.00 GBP
2020-02-01 * "Lumen" "Grant"
  fund: "case"
  Assets:Held:Smith  500.00 GBP
  Income:Grants:Lumen  -500.00 GBP
2020-03-01 * "Smith & Co" "Invoice"
  fund: "case"
  invoice: "S-1"
  Expenses:Legal:Solicitors  120.00 GBP
  Liabilities:Creditors:Smith  -120.00 GBP
2020-04-01 * "Landlord" "Rent"
  fund: "general"
  Expenses:Running:Rent  30.00 GBP
  Assets:Bank:Current  -30.00 GBP
2020-05-01 * "Bank" "Exchange gain"
  fund: "general"
  Assets:Bank:Current  2.00 GBP
  Income:FX:Grants  -2.00 GBP
2020-06-01 * "Trustees" "Transfer"
  Equity:Funds:Transfers  10.00 GBP
    fund: "general"
  Equity:Funds:Transfers  -10.00 GBP
    fund: "case"
2020-07-01 * "Lumen" "Part of the grant returned"
  fund: "case"
  leftover: "returned"
  Income:Grants:Lumen  5.00 GBP
  Assets:Held:Smith  -5.00 GBP
2021-01-01 * "Donor" "Next year"
  fund: "general"
  Assets:Bank:Current  1000.00 GBP
  Income:Donations:Bank  -1000.00 GBP
"""


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    main = tmp_path_factory.mktemp("tb") / "main.beancount"
    main.write_text(BOOKS)
    entries, errors, options = ledger_books.load(main)
    assert errors == [], [ledger_books.format_error(e) for e in errors]
    return entries, options, str(main)


def line_of(text: str, after: str) -> int:
    """The line number of the posting `text` in the entry whose narration is `after`."""
    lines = BOOKS.splitlines()
    start = next(i for i, x in enumerate(lines) if f'"{after}"' in x)
    return next(i for i in range(start, len(lines)) if lines[i].strip().startswith(text)) + 1


def test_the_trial_balance_line_by_line(loaded):
    entries, options, _main = loaded
    tb = trial_balance(entries, options, START, END)
    assert (tb.currency, tb.start, tb.end) == ("GBP", START, END)
    assert tb.lines == [
        TrialLine("Assets:Bank:Current", D("72.00")),  # 100 - 30 + 2
        TrialLine("Assets:Held:Smith", D("495.00")),  # 500 - 5
        # Equity:Funds:Transfers nets to nothing (10.00 each way): no line.
        TrialLine("Expenses:Legal:Solicitors", D("120.00")),
        TrialLine("Expenses:Running:Rent", D("30.00")),
        TrialLine("Income:FX:Grants", D("-2.00")),
        TrialLine("Income:Grants:Lumen", D("-495.00")),  # 500 less 5 returned
        TrialLine("Liabilities:Creditors:Smith", D("-120.00")),
        TrialLine(BROUGHT_FORWARD, D("-100.00")),  # last year's gift
    ]
    assert [(x.debit, x.credit) for x in tb.lines] == [
        (D("72.00"), 0), (D("495.00"), 0), (D("120.00"), 0), (D("30.00"), 0),
        (0, D("2.00")), (0, D("495.00")), (0, D("120.00")), (0, D("100.00"))]
    assert tb.total_debit == tb.total_credit == D("717.00")


def test_the_nominal_ledger_row_by_row(loaded):
    entries, options, main = loaded

    def row(account, date, narration, fund, amount, balance, posting, entry):
        return LedgerRow(account, date, narration, fund, D(amount), D(balance),
                         f"{main}:{line_of(posting, entry)}")

    bf = LedgerRow("Assets:Bank:Current", START, "balance brought forward", "", D(0),
                   D("100.00"), "")
    assert nominal_ledger(entries, options, START, END) == [
        bf,
        row("Assets:Bank:Current", day(2020, 4, 1), "Rent", "general", "-30.00", "70.00",
            "Assets:Bank:Current", "Rent"),
        row("Assets:Bank:Current", day(2020, 5, 1), "Exchange gain", "general", "2.00",
            "72.00", "Assets:Bank:Current", "Exchange gain"),
        row("Assets:Held:Smith", day(2020, 2, 1), "Grant", "case", "500.00", "500.00",
            "Assets:Held:Smith", "Grant"),
        row("Assets:Held:Smith", day(2020, 7, 1), "Part of the grant returned", "case",
            "-5.00", "495.00", "Assets:Held:Smith", "Part of the grant returned"),
        row("Equity:Funds:Transfers", day(2020, 6, 1), "Transfer", "general", "10.00",
            "10.00", "Equity:Funds:Transfers  10.00", "Transfer"),
        row("Equity:Funds:Transfers", day(2020, 6, 1), "Transfer", "case", "-10.00",
            "0.00", "Equity:Funds:Transfers  -10.00", "Transfer"),
        row("Expenses:Legal:Solicitors", day(2020, 3, 1), "Invoice", "case", "120.00",
            "120.00", "Expenses:Legal:Solicitors", "Invoice"),
        row("Expenses:Running:Rent", day(2020, 4, 1), "Rent", "general", "30.00", "30.00",
            "Expenses:Running:Rent", "Rent"),
        row("Income:FX:Grants", day(2020, 5, 1), "Exchange gain", "general", "-2.00",
            "-2.00", "Income:FX:Grants", "Exchange gain"),
        row("Income:Grants:Lumen", day(2020, 2, 1), "Grant", "case", "-500.00", "-500.00",
            "Income:Grants:Lumen", "Grant"),
        row("Income:Grants:Lumen", day(2020, 7, 1), "Part of the grant returned", "case",
            "5.00", "-495.00", "Income:Grants:Lumen", "Part of the grant returned"),
        row("Liabilities:Creditors:Smith", day(2020, 3, 1), "Invoice", "case", "-120.00",
            "-120.00", "Liabilities:Creditors:Smith", "Invoice"),
    ]


def test_the_entries_behind_every_line(loaded):
    entries, options, main = loaded

    def row(statement, line, column, fund, date, account, amount, narration, posting):
        return BehindRow(statement, line, column, fund, date, account, D(amount), narration,
                         f"{main}:{line_of(posting, narration)}")

    got = entries_behind(entries, options, START, END)
    sofa_rows = [r for r in got if r.statement == "sofa"]
    assert sofa_rows == [
        row("sofa", "income.charitable", "restricted", "case", day(2020, 2, 1),
            "Income:Grants:Lumen", "500.00", "Grant", "Income:Grants:Lumen"),
        row("sofa", "expenditure.legal", "restricted", "case", day(2020, 3, 1),
            "Expenses:Legal:Solicitors", "120.00", "Invoice", "Expenses:Legal:Solicitors"),
        # Rent shared out as support costs: 70% to litigation, 30% to raising funds.
        row("sofa", "expenditure.legal", "unrestricted", "general", day(2020, 4, 1),
            "Expenses:Running:Rent", "21.00", "Rent", "Expenses:Running:Rent"),
        row("sofa", "expenditure.raising", "unrestricted", "general", day(2020, 4, 1),
            "Expenses:Running:Rent", "9.00", "Rent", "Expenses:Running:Rent"),
        row("sofa", "gains", "unrestricted", "general", day(2020, 5, 1), "Income:FX:Grants",
            "2.00", "Exchange gain", "Income:FX:Grants"),
        row("sofa", "expenditure.returned", "restricted", "case", day(2020, 7, 1),
            "Income:Grants:Lumen", "5.00", "Part of the grant returned",
            "Income:Grants:Lumen"),
    ]
    sheet = [r for r in got if r.statement == "balance sheet"]
    assert sheet == [
        row("balance sheet", "cash_at_bank", "", "", day(2019, 6, 1), "Assets:Bank:Current",
            "100.00", "Gift last year", "Assets:Bank:Current"),
        row("balance sheet", "held_by_solicitors", "", "", day(2020, 2, 1),
            "Assets:Held:Smith", "500.00", "Grant", "Assets:Held:Smith"),
        row("balance sheet", "creditors_within_one_year", "", "", day(2020, 3, 1),
            "Liabilities:Creditors:Smith", "120.00", "Invoice", "Liabilities:Creditors:Smith"),
        row("balance sheet", "cash_at_bank", "", "", day(2020, 4, 1), "Assets:Bank:Current",
            "-30.00", "Rent", "Assets:Bank:Current"),
        row("balance sheet", "cash_at_bank", "", "", day(2020, 5, 1), "Assets:Bank:Current",
            "2.00", "Exchange gain", "Assets:Bank:Current"),
        row("balance sheet", "held_by_solicitors", "", "", day(2020, 7, 1),
            "Assets:Held:Smith", "-5.00", "Part of the grant returned", "Assets:Held:Smith"),
    ]


DOLLARS = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 open Assets:PayPal
2017-01-01 open Assets:Bank:Euro
2017-01-01 open Income:Donations
2017-01-01 open Expenses:Running:Rent
2017-01-01 custom "fund" "general" "unrestricted"
2020-01-05 * "Donor" "Euros"
  fund: "general"
  Assets:Bank:Euro  50.00 EUR @@ 45.00 GBP
  Income:Donations  -45.00 GBP
2020-01-10 * "Donor" "Dollars changed at the bank's rate"
  fund: "general"
  Assets:PayPal  100.00 USD @@ 80.00 GBP
  Income:Donations  -80.00 GBP
2020-01-31 price USD 0.79 GBP
2020-02-01 * "Host" "Dollars spent, at the books' rate that day"
  fund: "general"
  Expenses:Running:Rent  10.00 USD
  Assets:PayPal  -10.00 USD
2020-12-31 price USD 0.70 GBP
2020-12-31 price EUR 0.80 GBP
"""


def test_money_held_in_dollars_at_the_closing_rate(tmp_path):
    """90.00 USD held at the end, booked at 80.00 - 7.90 = 72.10 GBP, worth 63.00 GBP at
    0.70: a loss of 9.10 on the PayPal balance; 50.00 EUR booked at 45.00 GBP, worth 40.00
    at 0.80: a loss of 5.00. The two losses, 14.10, on their own line."""
    main = tmp_path / "main.beancount"
    main.write_text(DOLLARS)
    entries, errors, options = ledger_books.load(main)
    assert errors == [], [ledger_books.format_error(e) for e in errors]
    tb = trial_balance(entries, options, START, END)
    assert tb.lines == [
        TrialLine("Assets:Bank:Euro", D("40.00")),
        TrialLine("Assets:PayPal", D("63.00")),
        TrialLine("Expenses:Running:Rent", D("7.90")),
        TrialLine("Income:Donations", D("-125.00")),
        TrialLine("Exchange differences (money in other currencies at the closing rate)",
                  D("14.10")),
    ]
    assert tb.total_debit == tb.total_credit == D("125.00")


def test_books_kept_in_euros(tmp_path):
    main = tmp_path / "main.beancount"
    main.write_text(BOOKS.replace('"operating_currency" "GBP"', '"operating_currency" "EUR"')
                    .replace("GBP", "EUR") + """
2017-01-01 open Assets:PayPal
2020-08-01 * "Donor" "Dollars, 10.00 USD for 9.00 EUR"
  fund: "general"
  Assets:PayPal  10.00 USD @@ 9.00 EUR
  Income:Donations:Bank  -9.00 EUR
2020-12-31 price USD 0.80 EUR
""")
    entries, errors, options = ledger_books.load(main)
    assert errors == [], [ledger_books.format_error(e) for e in errors]
    tb = trial_balance(entries, options, START, END)
    assert (tb.currency, tb.start, tb.end) == ("EUR", START, END)
    # The dollars, booked at 9.00 EUR, are worth 8.00 at the closing rate: a loss of 1.00.
    assert tb.lines[-1] == TrialLine(
        "Exchange differences (money in other currencies at the closing rate)", D("1.00"))
    assert tb.total_debit == tb.total_credit == D("726.00")
    rows = nominal_ledger(entries, options, START, END)
    assert len(rows) == 16 and rows[0].balance == D("100.00")
    # the dollars' account ends at the closing rate, as in the trial balance
    paypal = [r for r in rows if r.account == "Assets:PayPal"]
    assert [(r.amount, r.balance) for r in paypal] == [(D("9.00"), D("9.00")),
                                                      (D("-1.00"), D("8.00"))]
    behind = entries_behind(entries, options, START, END)
    assert len(behind) == 16
    # the 1.00 loss: off the balance sheet's cash and on the general fund's gains
    assert [(r.statement, r.line, r.fund, r.amount) for r in behind
            if r.account == "Assets:PayPal"] == [
        ("balance sheet", "cash_at_bank", "", D("9.00")),
        ("balance sheet", "cash_at_bank", "", D("-1.00")),
        ("sofa", "gains", "general", D("-1.00"))]


MIXED = """\
option "operating_currency" "GBP"
plugin "ledger.accruals"
plugin "ledger.plugin"
2017-01-01 open Assets:Bank:Current GBP
2017-01-01 open Assets:Bank:Savings GBP
2017-01-01 open Assets:Bank:Euro
2017-01-01 open Assets:PayPal
2017-01-01 open Liabilities:Creditors:Smith GBP
2017-01-01 open Income:Donations
2017-01-01 open Income:Grants:Lumen EUR
2017-01-01 open Expenses:Legal:Solicitors
2017-01-01 custom "fund" "general" "unrestricted"
2017-01-01 custom "fund" "grant" "restricted"
  purpose: "Expenses:Legal"
  sofa-income: "donations"
2019-06-01 * "Donor" "Savings, untouched in 2020"
  fund: "general"
  Assets:Bank:Savings  3.00 GBP
  Income:Donations  -3.00 GBP
2020-01-31 price USD 0.79 GBP
2020-03-01 custom "grant-award" "grant" 100.00 EUR
  rate: 0.90
  conditions: "none"
  account: "Income:Grants:Lumen"
2020-04-01 * "Donor" ""
  fund: "general"
  Assets:PayPal  10.00 USD
  Income:Donations  -10.00 USD
2020-04-02 * "Donor" "Tokens with no rate, then pounds, in one entry"
  fund: "general"
  Assets:PayPal  5.00 XYZ
  Income:Donations  -5.00 XYZ
  Assets:Bank:Current  1.00 GBP
  Income:Donations  -1.00 GBP
2020-04-03 * "Smith & Co" "Invoice"
  fund: "general"
  invoice: "S-9"
  Expenses:Legal:Solicitors  20.00 GBP
  Liabilities:Creditors:Smith  -20.00 GBP
2020-04-04 * "Smith & Co" "Invoice paid"
  invoice: "S-9"
  Liabilities:Creditors:Smith  20.00 GBP
  Assets:Bank:Current  -20.00 GBP
"""


def test_rows_of_entries_with_no_narration_no_fund_a_plugins_postings_and_dollars(tmp_path):
    """The award is written by the accruals plugin: its postings have no line of their own,
    so each row names the award's. The dollars are at the books' rate that day (0.79); the
    tokens have no rate and are left out, not the pounds beside them."""
    main = tmp_path / "main.beancount"
    main.write_text(MIXED)
    entries, errors, options = ledger_books.load(main)
    assert errors == [], [ledger_books.format_error(e) for e in errors]
    lines = MIXED.splitlines()

    def at(start: str, text: str = "") -> str:
        first = next(i for i, x in enumerate(lines) if x.startswith(start))
        return f"{main}:{next(i for i in range(first, len(lines)) if text in lines[i]) + 1}"

    award = at('2020-03-01 custom "grant-award"')
    got = {(r.account, r.date): r for r in nominal_ledger(entries, options, START, END)}
    assert got["Assets:Debtors:Grants", day(2020, 3, 1)] == LedgerRow(
        "Assets:Debtors:Grants", day(2020, 3, 1), "Grant awarded: 100.00 EUR at 0.90",
        "grant", D("90.00"), D("90.00"), award)
    assert got["Assets:PayPal", day(2020, 4, 1)] == LedgerRow(
        "Assets:PayPal", day(2020, 4, 1), "", "general", D("7.90"), D("7.90"),
        at("2020-04-01", "Assets:PayPal"))
    assert got["Assets:Bank:Current", day(2020, 4, 2)].amount == D("1.00")
    assert ("Assets:PayPal", day(2020, 4, 2)) not in got
    # An account with a balance brought forward and nothing in the year: that one row.
    assert [r for r in got.values() if r.account == "Assets:Bank:Savings"] == [LedgerRow(
        "Assets:Bank:Savings", START, "balance brought forward", "", 0, D("3.00"), "")]
    paid = [r for r in nominal_ledger(entries, options, START, END)
            if r.date == day(2020, 4, 4)]
    assert [(r.account, r.fund, r.amount) for r in paid] == [
        ("Assets:Bank:Current", "", D("-20.00")), ("Liabilities:Creditors:Smith", "", D("20.00"))]

    behind = entries_behind(entries, options, START, END)
    sofa_rows = [(r.line, r.column, r.fund, r.date, r.amount, r.narration, r.source)
                 for r in behind if r.statement == "sofa"]
    assert sofa_rows == [
        # a grant of a general nature, as its fund declares: donations
        ("income.donations", "restricted", "grant", day(2020, 3, 1), D("90.00"),
         "Grant awarded: 100.00 EUR at 0.90", award),
        ("income.donations", "unrestricted", "general", day(2020, 4, 1), D("7.90"), "",
         at("2020-04-01", "Income:Donations")),
        ("income.donations", "unrestricted", "general", day(2020, 4, 2), D("1.00"),
         "Tokens with no rate, then pounds, in one entry", at("2020-04-02", "-1.00 GBP")),
        ("expenditure.legal", "unrestricted", "general", day(2020, 4, 3), D("20.00"),
         "Invoice", at("2020-04-03", "Expenses:Legal")),
    ]
    sheet = [(r.line, r.date, r.amount, r.narration) for r in behind
             if r.statement == "balance sheet" and r.account == "Assets:PayPal"]
    assert sheet == [("cash_at_bank", day(2020, 4, 1), D("7.90"), "")]
