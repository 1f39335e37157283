"""The balance sheet on the hand-worked books of tests/statements_books.py (SORP_JOURNAL)
with a few entries more: a debtor, an unpaid invoice, a long-term loan held by the
solicitors, dollars with no rate (refused by the balance sheet, translated once the
books hold a rate), and funds opened on and after the day. Every line, fund
and cell of the analysis of net assets worked by hand, in the test process (so mutation
testing sees each test reach the code it checks)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from reports.balance_sheet import (
    _clean,
    analysis_total,
    assets_and_liabilities,
    balance_sheet,
)
from reports.classify import ReportError
from tests.statements_books import SORP_HEADER, load, write_sorp

D = Decimal
day = datetime.date
YEAR_END = day(2023, 12, 31)

# At 31 December 2023 (SORP_JOURNAL's figures, then these):
#   general: 512.98, a gift of 80.00 promised and 20.00 Gift Aid claimed (debtors): 612.98
#   grant: 590.00, less 120.00 legal still owed (invoice G-1): 470.00
#   a loan of 200.00, paid into the solicitors' client account: no fund's money (general's
#     holding, net nothing), a creditor after one year
#   6.00 and 4.00 USD given to general with no rate: not in pounds anywhere
MORE = """
    2017-01-01 open Assets:PayPal
    2017-01-01 open Income:Donations:PayPal
    2017-01-01 open Assets:Debtors:GiftAid GBP
    2023-12-01 * "Supporter" "Gift promised"
      fund: "general"
      Assets:Debtors:Gift           80.00 GBP
      Income:Donations:Bank        -80.00 GBP
    2023-12-02 * "Firm" "Grant work, invoiced"
      fund: "grant"
      invoice: "G-1"
      Expenses:Legal:Solicitors    120.00 GBP
      Liabilities:Creditors:Firm  -120.00 GBP
    2023-12-03 * "Lender" "Loan over five years"
      Assets:Held:Firm             200.00 GBP
      Liabilities:Loans:LongTerm  -200.00 GBP
    2023-12-04 * "PayPal" "Gifts in dollars"
      fund: "general"
      Assets:PayPal                  6.00 USD
      Income:Donations:PayPal       -6.00 USD
    2023-12-05 * "PayPal" "Gifts in dollars"
      fund: "general"
      Assets:PayPal                  4.00 USD
      Income:Donations:PayPal       -4.00 USD
    2023-12-06 * "HMRC" "Gift Aid claimed"
      fund: "general"
      Assets:Debtors:GiftAid        20.00 GBP
      Income:Donations:Bank        -20.00 GBP
    2023-12-31 custom "fund" "late" "unrestricted"
    2024-01-01 custom "fund" "later" "unrestricted"
    """


@pytest.fixture
def books(tmp_path):
    return load(write_sorp(tmp_path / "sorp", MORE))


# The dollars at a rate the books hold: 6.00 + 4.00 USD at 0.80 = 8.00 GBP more for
# general, held in PayPal at the year end's rate (the same 0.80): no exchange difference.
PRICED = MORE.rstrip() + "\n    2023-12-04 price USD 0.80 GBP\n    "


@pytest.fixture
def priced(tmp_path):
    return load(write_sorp(tmp_path / "priced", PRICED))


def test_assets_and_liabilities_worked_by_hand(books):
    p = assets_and_liabilities(*books, YEAR_END)
    assert (p.date, p.currency) == (YEAR_END, "GBP")
    # the bank: 189.99 from 2022, then +300 +100 +40 +5 +3 +1000 +600 +7 -400 -10 -30.01
    # -15 -50 in 2023; the firm: 950 - 400 + 50 - 600 + the loan's 200
    assert p.assets == {"fixed_assets": D("525.00"), "debtors": D("100.00"),
                        "cash_at_bank": D("1739.98"), "held_by_solicitors": D("200.00")}
    assert p.liabilities == {"creditors_within_one_year": D("120.00"),
                             "creditors_after_one_year": D("200.00")}
    assert p.accounts == {"Assets:Bank": D("1739.98"), "Assets:Debtors:Gift": D("80.00"),
                          "Assets:Debtors:GiftAid": D("20.00"),
                          "Assets:Held:Firm": D("200.00"),
                          "Assets:Investments:Fund": D("525.00"),
                          "Liabilities:Creditors:Firm": D("-120.00"),
                          "Liabilities:Loans:LongTerm": D("-200.00")}
    assert p.foreign == {"USD": D("10.00")}
    assert (p.total_assets, p.total_liabilities, p.net_assets) == (
        D("2564.98"), D("320.00"), D("2244.98"))
    # a year earlier: nothing dated after it counts
    p = assets_and_liabilities(*books, day(2022, 12, 31))
    assert p.accounts == {"Assets:Bank": D("189.99"), "Assets:Held:Firm": D("950.00"),
                          "Assets:Investments:Fund": D("500.00")}
    assert (p.liabilities, p.foreign) == ({"creditors_within_one_year": 0,
                                           "creditors_after_one_year": 0}, {})


def test_dollars_with_no_rate_are_refused_not_left_out(books):
    with pytest.raises(ReportError, match=r"main\.beancount:\d+: Assets:PayPal holds USD: no "
                                          r"rate from USD to GBP on or before 2023-12-04: "
                                          r"add the rate to the books, e\.g\. `2023-12-04 "
                                          r"price USD <rate> GBP`"):
        balance_sheet(*books, YEAR_END)


def test_balance_sheet_worked_by_hand(priced):
    b = balance_sheet(*priced, YEAR_END, prior=day(2022, 12, 31))
    assert (b.title, b.currency, b.date) == ("Hand Worked Trust", "GBP", YEAR_END)
    assert b.funds == {"unrestricted": D("620.98"), "designated": D("30.00"),
                       "restricted": D("1077.00"), "endowment": D("525.00")}
    assert b.total_funds == b.position.net_assets == D("2252.98")
    assert b.position.accounts["Assets:PayPal"] == D("8.00")
    # debtors 100 + cash 1,739.98 + 8.00 + held 200 - owed within a year 120
    assert b.net_current_assets == D("1927.98")
    # the case closed in September at nil is gone; `late`, opened on the day, is there
    assert [(f.fund, f.title, f.fund_class, f.balance) for f in b.fund_balances] == [
        ("general", "General fund", "unrestricted", D("620.98")),
        ("reserve", "Reserve", "designated", D("30.00")),
        ("grant", "Litigation grant", "restricted", D("470.00")),
        ("core", "Core grant", "restricted", D("607.00")),
        ("endow", "Endowment", "endowment", D("525.00")),
        ("late", "late", "unrestricted", 0)]
    # where each column's funds sit: general's bank (542.98), the 30.00 set aside for
    # the reserve and held for it (out and back in the same column), its debtors, and the
    # loan's money at the firm against the loan; the grants' bank and the grant's creditor
    assert b.analysis == {
        "unrestricted": {"fixed_assets": 0, "debtors": D("100.00"),
                         "cash_at_bank": D("550.98"), "held_by_solicitors": D("200.00"),
                         "liabilities": D("200.00")},
        "restricted": {"fixed_assets": 0, "debtors": 0, "cash_at_bank": D("1197.00"),
                       "held_by_solicitors": 0, "liabilities": D("120.00")},
        "endowment": {"fixed_assets": D("525.00"), "debtors": 0, "cash_at_bank": 0,
                      "held_by_solicitors": 0, "liabilities": 0}}
    assert [analysis_total(b.analysis[c]) for c in ("unrestricted", "restricted",
                                                    "endowment")] == [
        D("650.98"), D("1077.00"), D("525.00")]
    p = b.prior
    assert (p.date, p.prior) == (day(2022, 12, 31), None)
    assert p.funds == {"unrestricted": D("189.99"), "designated": 0,
                       "restricted": D("950.00"), "endowment": D("500.00")}
    assert p.analysis["restricted"]["held_by_solicitors"] == D("950.00")
    assert balance_sheet(*priced, YEAR_END).prior is None


def test_a_fund_closed_on_the_day_is_still_shown(books):
    b = balance_sheet(*books, day(2023, 9, 1))
    assert ("case", D("0.00")) in [(f.fund, f.balance) for f in b.fund_balances]
    assert "case" not in [f.fund for f in balance_sheet(*books, day(2023, 9, 2)).fund_balances]


def test_money_one_fund_holds_for_another(books):
    """After the designation (no money moved) general's bank holds the reserve's 30.00:
    general shows 542.98 in the bank less 30.00 set aside, the reserve 30.00: both in cash,
    both in the unrestricted column."""
    b = balance_sheet(*books, day(2023, 8, 2))
    assert b.analysis["unrestricted"]["cash_at_bank"] == b.funds["unrestricted"] + b.funds[
        "designated"] == D("512.98") + D("30.00")



def test_money_held_for_a_fund_of_another_column_is_cash(tmp_path):
    """General gives the grant 25.00 without moving money: the 25.00 stays in general's
    bank, held there for the grant. The grant's column shows 25.00 more cash at bank, and
    general's 25.00 less; nobody owes anybody (debtors and liabilities as before)."""
    gift = """
    2023-08-01 * "Trustees" "Top up the grant from general funds"
      Equity:Funds:Transfers    25.00 GBP
        fund: "general"
      Equity:Funds:Transfers   -25.00 GBP
        fund: "grant"
    """
    before = balance_sheet(*load(write_sorp(tmp_path / "before", MORE)), day(2023, 8, 2))
    after = balance_sheet(*load(write_sorp(tmp_path / "after", MORE + gift)), day(2023, 8, 2))
    for column, change in (("unrestricted", D("-25.00")), ("restricted", D("25.00"))):
        was, now = before.analysis[column], after.analysis[column]
        assert now["cash_at_bank"] == was["cash_at_bank"] + change
        assert {k: v for k, v in now.items() if k != "cash_at_bank"} == {
            k: v for k, v in was.items() if k != "cash_at_bank"}
    assert after.position == before.position

def test_books_kept_in_euros(tmp_path):
    path = write_sorp(tmp_path / "eur", currency="EUR")
    b = balance_sheet(*load(path), YEAR_END, prior=day(2022, 12, 31))
    assert (b.currency, b.position.currency, b.total_funds, b.position.foreign) == (
        "EUR", "EUR", D("2264.98"), {})
    assert (b.prior.currency, b.prior.total_funds, b.prior.position.net_assets) == (
        "EUR", D("1639.99"), D("1639.99"))


def test_a_balance_sheet_never_shows_minus_zero():
    assert str(_clean(D("-0.00"))) == "0.00"
    assert str(_clean(D("-5.00"))) == "-5.00"


def test_no_title(tmp_path):
    path = write_sorp(tmp_path / "b", header=SORP_HEADER.replace('"Hand Worked Trust"', '""'))
    assert balance_sheet(*load(path), YEAR_END).title == ""
