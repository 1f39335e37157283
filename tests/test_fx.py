"""Money across currencies (DESIGN.md; FRS 102 s30) on books built for it, every figure
worked by hand below: a dollar gift and a dollar payment booked without a rate (the books'
`price` entries give it), a EUR award receivable booked at its own rate and retranslated
at the closing rate, then received at another. In the test process (mutation testing sees
each test reach the code it checks)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from reports import sofa_render
from reports.balance_sheet import balance_sheet
from reports.classify import ReportError
from reports.legal import legal_spend
from reports.receipts_payments import receipts_payments
from reports.sofa import sofa
from reports.trial_balance import RETRANSLATION, trial_balance
from tests.statements_books import load

D = Decimal
day = datetime.date
Q1 = (day(2024, 1, 1), day(2024, 3, 31))
Q2 = (day(2024, 4, 1), day(2024, 6, 30))

BOOKS = """\
option "title" "FX Trust"
option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 open Assets:Bank GBP
2017-01-01 open Assets:PayPal
2017-01-01 open Assets:Debtors:Grants
2017-01-01 open Income:Donations:Bank GBP
2017-01-01 open Income:Donations:PayPal
2017-01-01 open Income:Grants:Lumen
2017-01-01 open Expenses:Running:Hosting
2017-01-01 open Expenses:Legal:Solicitors
2017-01-01 custom "fund" "general" "unrestricted"
2017-01-01 custom "fund" "grant" "restricted"
  purpose: "Expenses:Legal"
  currency: "EUR"
2018-01-01 price USD 0.74 GBP

2024-01-10 * "Bank" "Gift"
  fund: "general"
  Assets:Bank                     500.00 GBP
  Income:Donations:Bank          -500.00 GBP
2024-01-15 * "Lumen" "Award, receivable"
  fund: "grant"
  Assets:Debtors:Grants         20000.00 EUR @ 0.86 GBP
  Income:Grants:Lumen          -17200.00 GBP
2024-02-01 * "PayPal" "Gift in dollars"
  fund: "general"
  Assets:PayPal                   150.00 USD
  Income:Donations:PayPal        -150.00 USD
2024-02-05 price USD 0.80 GBP
2024-02-10 * "Host" "Web hosting"
  fund: "general"
  Assets:PayPal                  -100.00 USD
  Expenses:Running:Hosting        100.00 USD
2024-03-31 price EUR 0.85 GBP
2024-05-01 * "Lumen" "Award received"
  fund: "grant"
  Assets:Bank                   17300.00 GBP
  Assets:Debtors:Grants        -20000.00 EUR @@ 17300.00 GBP
"""


@pytest.fixture
def books(tmp_path):
    path = tmp_path / "main.beancount"
    path.write_text(BOOKS)
    return load(path)


def test_foreign_amounts_at_the_rate_on_their_date(books):
    s = sofa(*books, *Q1, prior=False)
    # general: 500.00 + 150 USD at 0.74 (the latest rate on 1 Feb, from 2018) = 111.00;
    # hosting 100 USD at 0.80 (5 Feb) = 80.00. The grant: 20,000 EUR at its own 0.86.
    assert (s.row("income.donations").unrestricted, s.row("income.charitable").restricted,
            s.row("expenditure.other").unrestricted) == (D("611.00"), D("17200.00"),
                                                          D("80.00"))
    # At 31 March: PayPal holds 50 USD, booked at 111.00 - 80.00 = 31.00, worth 50 x 0.80
    # = 40.00: a gain of 9.00 for general. The debtor, 20,000 EUR booked at 17,200.00, is
    # worth 20,000 x 0.85 = 17,000.00: a loss of 200.00 for the grant.
    g = s.row("gains")
    assert (g.unrestricted, g.restricted, g.total) == (D("9.00"), D("-200.00"), D("-191.00"))
    got = {m.fund: (m.brought_forward, m.income, m.expenditure, m.gains, m.carried_forward)
           for m in s.funds}
    assert got == {"general": (0, D("611.00"), D("80.00"), D("9.00"), D("540.00")),
                   "grant": (0, D("17200.00"), 0, D("-200.00"), D("17000.00"))}
    assert [(r.currency, r.rate_date, r.rate) for r in s.rates] == [
        ("EUR", day(2024, 3, 31), D("0.85")), ("USD", day(2018, 1, 1), D("0.74")),
        ("USD", day(2024, 2, 5), D("0.80"))]
    # and the statement says so, as printed and in the pack's HTML
    assert "  1 USD = 0.74 GBP (price of 2018-01-01)" in sofa_render.to_table(s)
    assert "1 EUR = 0.85 GBP (price of 2024-03-31)" in sofa_render.to_html(s)


def test_the_balance_sheet_at_the_closing_rate(books):
    b = balance_sheet(*books, Q1[1])
    # debtors 17,000.00 (20,000 EUR x 0.85); cash: the bank's 500.00 and 50 USD x 0.80
    assert b.position.assets["debtors"] == D("17000.00")
    assert b.position.assets["cash_at_bank"] == D("540.00")
    assert b.position.accounts["Assets:PayPal"] == D("40.00")
    assert b.position.foreign == {}
    assert {f.fund: f.balance for f in b.fund_balances} == {
        "general": D("540.00"), "grant": D("17000.00")}
    assert b.total_funds == b.position.net_assets == D("17540.00")
    assert b.analysis["restricted"]["debtors"] == D("17000.00")
    assert b.analysis["unrestricted"]["cash_at_bank"] == D("540.00")


def test_the_next_period_brings_the_difference_forward(books):
    s = sofa(*books, *Q2, prior=False)
    # The grant was worth 17,000.00 at 31 March and arrived as 17,300.00: a gain of 300.00
    # this period; general's 50 USD still at 0.80, no change.
    grant = next(m for m in s.funds if m.fund == "grant")
    assert (grant.brought_forward, grant.gains, grant.carried_forward) == (
        D("17000.00"), D("300.00"), D("17300.00"))
    general = next(m for m in s.funds if m.fund == "general")
    assert (general.brought_forward, general.gains, general.carried_forward) == (
        D("540.00"), 0, D("540.00"))
    b = balance_sheet(*books, Q2[1])
    assert b.position.assets["debtors"] == 0
    assert b.position.assets["cash_at_bank"] == D("17840.00")  # 17,800.00 + 40.00
    assert b.total_funds == b.position.net_assets == D("17840.00")


def test_no_rate_at_all_is_refused_with_the_line_to_add(tmp_path):
    path = tmp_path / "main.beancount"
    path.write_text(BOOKS.replace("2018-01-01 price USD 0.74 GBP\n", ""))
    with pytest.raises(ReportError, match=r"main\.beancount:\d+: Income:Donations:PayPal is "
                                          r"booked in USD: no rate from USD to GBP on or "
                                          r"before 2024-02-01: add the rate to the books, "
                                          r"e\.g\. `2024-02-01 price USD <rate> GBP`"):
        sofa(*load(path), *Q1, prior=False)


def test_the_trial_balance_at_the_closing_rate(books):
    tb = trial_balance(*books, *Q1)
    lines = {x.account: x.balance for x in tb.lines}
    # the debtor at 17,000.00 and PayPal at 40.00, as on the balance sheet; the dollar
    # gift and hosting at their rates (111.00, 80.00); the net difference, 200.00 lost
    # less 9.00 gained, is a debit of 191.00
    assert lines == {
        "Assets:Bank": D("500.00"), "Assets:Debtors:Grants": D("17000.00"),
        "Assets:PayPal": D("40.00"), "Expenses:Running:Hosting": D("80.00"),
        "Income:Donations:Bank": D("-500.00"), "Income:Donations:PayPal": D("-111.00"),
        "Income:Grants:Lumen": D("-17200.00"), RETRANSLATION: D("191.00")}
    assert tb.total_debit == tb.total_credit == D("17811.00")


def test_receipts_and_payments_count_every_currency(books):
    r = receipts_payments(*books, *Q1)
    # received: 500.00 in the bank and 150 USD at 0.74 = 111.00; paid: 100 USD at 0.80
    # (the award is a debtor: no money moved)
    assert {x.key: x.unrestricted for x in r.receipts if x.total} == {"donations": D("611.00")}
    assert {x.key: x.unrestricted for x in r.payments if x.total} == {"other": D("80.00")}
    # the 50 USD left, booked at 31.00, is worth 40.00 at 31 March: 9.00 gained
    assert r.cash_accounts == {"Assets:Bank": (0, D("500.00")),
                               "Assets:PayPal": (0, D("40.00"))}
    assert (r.cash_brought_forward, r.exchange_difference, r.cash_carried_forward) == (
        0, D("9.00"), D("540.00"))
    assert r.foreign == {}
    assert r.statement.assets["debtors"] == D("17000.00")


def test_an_exchange_loss_booked_by_hand_is_allowed_in_a_restricted_fund(tmp_path):
    # The award arrives as 17,000.00, not the 17,200.00 it was booked at, and the
    # treasurer books the 200.00 lost to an exchange-loss account: the grant's purpose is
    # legal spend only, but a loss on money it holds is not spending, so the books load.
    path = tmp_path / "main.beancount"
    path.write_text(BOOKS.replace("""  Assets:Bank                   17300.00 GBP
  Assets:Debtors:Grants        -20000.00 EUR @@ 17300.00 GBP
""", """  Assets:Bank                   17000.00 GBP
  Assets:Debtors:Grants        -20000.00 EUR @@ 17200.00 GBP
  Expenses:FX:Realised            200.00 GBP
""") + "2017-01-01 open Expenses:FX:Realised\n")
    entries, options = load(path)
    # Q2: the 200.00 lost was already shown at 31 March (unrealised, -200.00); booked now
    # (-200.00) with the debtor gone (the unrealised loss reverses, +200.00): no change
    s = sofa(entries, options, *Q2, prior=False)
    grant = next(m for m in s.funds if m.fund == "grant")
    assert (grant.brought_forward, grant.expenditure, grant.gains, grant.carried_forward) == (
        D("17000.00"), 0, 0, D("17000.00"))
    assert s.row("expenditure.total").restricted == 0  # a loss, not spending


def test_legal_spend_in_dollars_at_the_rate_on_its_date(tmp_path):
    path = tmp_path / "main.beancount"
    path.write_text(BOOKS + """
2017-01-01 open Expenses:Legal:Counsel
2024-02-20 * "US counsel" "Opinion"
  fund: "general"
  Assets:PayPal                   -40.00 USD
  Expenses:Legal:Counsel           40.00 USD
""")
    # 40 USD at 0.80 (the rate of 5 February, the latest on or before 20 February)
    got = legal_spend(*load(path))
    assert ({g.key: g.total for g in got.groups}, got.foreign) == (
        {"US counsel": D("32.00")}, {})
