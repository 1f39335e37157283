"""What the legal and reconciliation reports print, line by line, called in the test
process (reports.legal_render, reports.reconcile_render) on books of a few lines worked by
hand: every figure computed must also be shown. Legal: the heading (since, as the books
stood, by what), each group's invoices, total and unpaid part, the total row, each line
(paid or NO), the fees not counted; the CSV's rows and the JSON's fields. Reconciliation:
each account's statement, books, difference, entries since and status, how many are
reconciled and every problem in words; the JSON's fields."""

from __future__ import annotations

import datetime
import json
import re

from beancount import loader

from reports import legal_render, reconcile_render
from reports.legal import legal_spend
from reports.reconcile import reconcile_accounts
from tests.test_legal_edges import BOOKS as LEGAL_BOOKS

day = datetime.date


def cells(line: str) -> list[str]:
    return re.split(r"\s{2,}", line.strip())


def legal(**kw):
    text = LEGAL_BOOKS + ('2019-02-20 * "US counsel" "Billed in yen, no rate"\n'
                          '  fund: "alpha"\n  Expenses:Legal:Counsel  500 JPY\n'
                          "  Assets:Bank  -500 JPY\n")
    entries, errors, options = loader.load_string(text)
    assert errors == []
    return legal_spend(entries, options, **kw)


def test_the_legal_table_as_the_books_stood():
    out = legal_render.table_text(legal(since=day(2019, 1, 1), as_of=day(2019, 2, 1),
                                        by="fund")).splitlines()
    assert out[0] == ("Legal fees since 2019-01-01, as the books stood at 2019-02-01, by fund "
                      "(amounts in GBP)")
    assert cells(out[2]) == ["Fund", "Invoices", "Total", "Unpaid"]
    assert [cells(x) for x in out[4:6]] == [["zulu", "S-1", "100.00", "100.00"],
                                           ["Total", "100.00", "100.00"]]
    lines = out[out.index("", 6) + 1:]
    assert cells(lines[0]) == ["Date", "Invoice", "Firm", "Fund", "Category", "Amount", "Paid"]
    assert cells(lines[2]) == ["2019-02-01", "S-1", "Smith & Co", "zulu", "other legal", "100.00",
                               "NO"]
    assert len(lines) == 3


def test_the_legal_table_of_every_fee_and_those_not_counted():
    out = legal_render.table_text(legal()).splitlines()
    assert out[0] == "Legal fees, by firm (amounts in GBP)"
    # Smith & Co 100.00 (paid by 2 February); US counsel 20.00 (40 USD at 0.50) + 2.00 (a
    # fee with no payee is paid to no firm: its category).
    assert [cells(x) for x in out[4:out.index("", 4)]] == [
        ["Smith & Co", "S-1", "100.00"], ["US counsel", "20.00"],
        ["Not paid to a firm: counsel", "2.00"], ["Total", "122.00"]]
    assert out[-1] == "Not counted: 500.00 JPY booked without a rate to GBP"
    paid = [cells(x)[-1] for x in out[out.index("", 4) + 3:-1]]
    assert paid == ["yes", "yes", "yes"]


def test_the_legal_csv_and_json():
    data = legal(as_of=day(2019, 2, 1))
    rows = legal_render.csv_text(data).splitlines()
    assert rows == ["date,invoice,firm,fund,category,account,description,amount,currency,paid",
                    "2019-02-01,S-1,Smith & Co,zulu,other legal,Expenses:Legal,Advice,100.00,GBP,no"]
    got = json.loads(legal_render.json_text(legal(since=day(2019, 2, 2))))
    assert (got["since"], got["as_of"], got["by"], got["currency"]) == (
        "2019-02-02", None, "firm", "GBP")
    assert (got["total"], got["unpaid"], got["foreign"]) == ("22.00 GBP", "0.00 GBP",
                                                           {"JPY": "500.00"})
    assert [x["amount"] for x in got["lines"]] == ["20.00 GBP", "2.00 GBP"]
    assert sum(g["lines"] for g in got["groups"]) == 2
    assert json.loads(legal_render.json_text(data))["as_of"] == "2019-02-01"
    assert json.loads(legal_render.json_text(data))["groups"] == [{
        "key": "Smith & Co", "total": "100.00 GBP", "unpaid": "100.00 GBP",
        "invoices": ["S-1"], "lines": 1}]


RECONCILE = """\
option "operating_currency" "GBP"
2019-01-01 open Assets:Bank:Current GBP
2019-01-01 open Assets:PayPal GBP
2019-01-01 open Assets:Stripe GBP
2019-01-01 open Income:Donations GBP
2019-01-02 * "Gift"
  Assets:Bank:Current  100.00 GBP
  Income:Donations  -100.00 GBP
2019-01-03 balance Assets:Bank:Current 100.00 GBP
2019-01-04 * "Gift after the statement"
  Assets:Bank:Current  25.00 GBP
  Income:Donations  -25.00 GBP
2019-01-02 * "Gift"
  Assets:PayPal  40.00 GBP
  Income:Donations  -40.00 GBP
2019-01-05 balance Assets:PayPal 45.00 GBP
2019-01-02 * "Refund, more than PayPal holds"
  Assets:Stripe  -5.00 GBP
  Income:Donations  5.00 GBP
"""


def test_the_reconciliation_table_and_json():
    entries, _errors, _options = loader.load_string(RECONCILE)
    rows = reconcile_accounts(entries)
    out = reconcile_render.table_text(rows).splitlines()
    assert cells(out[0]) == ["account", "cur", "statement", "statement bal", "books that day",
                             "difference", "since", "since total", "status"]
    assert [cells(x) for x in out[1:4]] == [
        ["Assets:Bank:Current", "GBP", "2019-01-03", "100.00", "100.00", "0.00", "1", "25.00",
         "NOT reconciled"],
        ["Assets:PayPal", "GBP", "2019-01-05", "45.00", "40.00", "-5.00", "0",
         "NOT reconciled"],
        ["Assets:Stripe", "GBP", "none", "1", "-5.00", "NOT reconciled"]]
    assert out[4:] == [
        "", "0 of 3 holding accounts reconciled:",
        "  - Assets:Bank:Current: 1 entry (£25.00) not yet on a statement (last 2019-01-03)",
        "  - Assets:PayPal differs from its statement of 2019-01-05 by -£5.00",
        ("  - Assets:Stripe is below zero (-£5.00): money cannot be taken from where there is "
        "none; an entry is missing or booked to the wrong account (two names for one "
        "account?)")]
    got = json.loads(reconcile_render.json_text(rows))
    assert got[0] == {
        "account": "Assets:Bank:Current", "currency": "GBP", "statement_date": "2019-01-03",
        "statement": "100.00", "import_id": None, "books": "100.00", "difference": "0.00",
        "since_entries": 1, "since_total": "25.00", "balance": "125.00", "reconciled": False,
        "problem": "Assets:Bank:Current: 1 entry (£25.00) not yet on a statement (last "
                   "2019-01-03)"}
    # Reconciled once the entry since is on a statement.
    entries, _e, _o = loader.load_string(
        RECONCILE + "2019-01-06 balance Assets:Bank:Current 125.00 GBP\n")
    out = reconcile_render.table_text(reconcile_accounts(entries)).splitlines()
    assert cells(out[1])[-1] == "reconciled" and out[5] == "1 of 3 holding accounts reconciled:"
