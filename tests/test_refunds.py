"""Refunds to donors in small books worked by hand: every statement nets them against what
was raised, in the period they were paid, and keeps the fees the platform did not give back.

The books (calendar financial years), as an importer writes them (a refund carries no
`donor:`, the donor being paid, not giving):

- case (restricted): 2019 gifts 200.00 (d-1, PayPal fee 6.00), 100.00 (d-2), 30.00 each from
  d-8, d-9, d-10; 150.00 legal fees; d-2's 100.00 refunded in full on 1 April 2019.
  Raised 200 + 100 + 90 - 100 = 290.00, spent 6.00 + 150.00, left 134.00.
- general (unrestricted): 2019 gifts 50.00 (d-3) and 10.00 each from d-4..d-7 (90.00);
  20.00 of d-3's gift refunded on 1 February 2020. Raised 70.00, left 70.00.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from ledger import books as ledger_books
from reports import funds as reconciliation
from reports import transparency as tr
from reports.sofa import sofa

D = Decimal

BOOKS = """\
option "title" "Refund Trust"
option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 open Assets:PayPal GBP
2017-01-01 open Income:Donations:PayPal GBP
2017-01-01 open Expenses:Fees:Payment GBP
2017-01-01 open Expenses:Legal:Solicitors GBP
2017-01-01 custom "fund" "general" "unrestricted"
  title: "General"
2018-01-01 custom "fund" "case" "restricted"
  title: "The case"
  purpose: "Expenses:Legal, Expenses:Fees"

2019-01-10 * "PayPal" "Donation"
  fund: "case"
  donor: "d-1"
  Assets:PayPal            194.00 GBP
  Expenses:Fees:Payment      6.00 GBP
  Income:Donations:PayPal -200.00 GBP

2019-02-01 * "PayPal" "Donation"
  fund: "case"
  donor: "d-2"
  Assets:PayPal            100.00 GBP
  Income:Donations:PayPal -100.00 GBP

2019-03-01 * "Firm LLP" "Advice"
  fund: "case"
  Expenses:Legal:Solicitors 150.00 GBP
  Assets:PayPal            -150.00 GBP

2019-04-01 * "PayPal" "Refund"
  fund: "case"
  Assets:PayPal            -100.00 GBP
  Income:Donations:PayPal   100.00 GBP
"""
BOOKS += "".join(f"""
2019-05-0{i} * "PayPal" "Donation"
  fund: "case"
  donor: "d-{i + 7}"
  Assets:PayPal             30.00 GBP
  Income:Donations:PayPal  -30.00 GBP
""" for i in (1, 2, 3))
BOOKS += """
2019-06-01 * "PayPal" "Donation"
  fund: "general"
  donor: "d-3"
  Assets:PayPal             50.00 GBP
  Income:Donations:PayPal  -50.00 GBP
"""
BOOKS += "".join(f"""
2019-06-0{i} * "PayPal" "Donation"
  fund: "general"
  donor: "d-{i + 2}"
  Assets:PayPal             10.00 GBP
  Income:Donations:PayPal  -10.00 GBP
""" for i in (2, 3, 4, 5))
BOOKS += """
2020-02-01 * "PayPal" "Partial refund"
  fund: "general"
  Assets:PayPal             -20.00 GBP
  Income:Donations:PayPal    20.00 GBP
"""


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    main = tmp_path_factory.mktemp("refunds") / "main.beancount"
    main.write_text(BOOKS)
    entries, errors, options = ledger_books.load(main)
    assert errors == [], [ledger_books.format_error(e) for e in errors]
    return entries, options


def test_the_reconciliation_nets_refunds_against_what_was_raised(loaded):
    got = {s.fund: s for s in reconciliation.reconcile(*loaded)}
    case, general = got["case"], got["general"]
    assert (case.raised, case.raised_total) == ({"donations": D("290.00")}, D("290.00"))
    assert (case.payment_fees, case.legal_total, case.returned) == (D(6), D(150), D(0))
    assert case.balance == D("134.00")
    assert (general.raised_total, general.balance) == (D("70.00"), D("70.00"))
    # As the books stood before the partial refund.
    before = {s.fund: s for s in reconciliation.reconcile(*loaded, datetime.date(2020, 1, 31))}
    assert before["general"].raised_total == before["general"].balance == D("90.00")


FUND_KEYS = ("brought_forward", "income", "expenditure", "transfers", "carried_forward")


def test_the_sofa_nets_a_refund_in_the_year_it_was_paid(loaded):
    s = sofa(*loaded, datetime.date(2019, 1, 1), datetime.date(2019, 12, 31), prior=False)
    assert {m.fund: tuple(getattr(m, k) for k in FUND_KEYS) for m in s.funds} == {
        "general": (0, D("90.00"), 0, 0, D("90.00")),
        "case": (0, D("290.00"), D("156.00"), 0, D("134.00"))}
    row = s.row("income.total")
    assert (row.unrestricted, row.restricted, row.total) == (D(90), D(290), D(380))
    row = s.row("expenditure.total")
    assert (row.unrestricted, row.restricted, row.total) == (0, D(156), D(156))

    s = sofa(*loaded, datetime.date(2020, 1, 1), datetime.date(2020, 12, 31))
    assert {m.fund: tuple(getattr(m, k) for k in FUND_KEYS) for m in s.funds} == {
        "general": (D("90.00"), D("-20.00"), 0, 0, D("70.00")),
        "case": (D("134.00"), 0, 0, 0, D("134.00"))}
    row = s.row("income.total")
    assert (row.unrestricted, row.total, row.prior_total) == (D(-20), D(-20), D(380))
    row = s.row("cf")
    assert (row.unrestricted, row.restricted, row.total) == (D(70), D(134), D(204))


def test_the_transparency_statement_nets_refunds_and_counts_givers_once(loaded):
    s = tr.statement(*loaded, draft=True)  # one statement's own rules
    f = {x.id: x for x in s.funds}
    assert [(i.label, i.amount, i.supporters) for i in f["case"].raised] == [
        ("Donations", D("290.00"), "5")]
    assert [(i.label, i.amount, i.supporters) for i in f["general"].raised] == [
        ("Donations", D("70.00"), "5")]
    assert (s.raised_total, s.spent_total, s.balance, s.supporters) == (
        D("360.00"), D("156.00"), D("204.00"), "10")
