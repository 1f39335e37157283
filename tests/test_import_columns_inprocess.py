"""The column-wise path (importers.columns) and the generic one write the same text, in
this process so `make mutate` sees it reach Columns.block: for a download whose ids hold a
quote and a backslash, with gifts, a refund and rows with no donor; and for rows the
column-wise path groups (the same amounts, date or donor) that must still differ where
their rule, currency, gross, net or refund differ. Each entry is also worked by hand.
(The demo-wide comparison is tests/test_import_columns.py, through the CLI's exports.)"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from beancount.parser import parser

from importers import run
from importers.pseudonym import Pseudonymiser
from importers.settings import from_entries
from importers.txn import render
from tests.importers_support import FIXTURES, load_clean, write_books
from tests.test_import_inprocess import ANY_SIGN_GIFT, ZOOM_RULE, paypal_rows, postings


def rendered(main: Path, path: Path, columnwise: bool) -> str:
    settings = from_entries(load_clean(main), main.parent)
    imp = run.identify(str(path), run.importers_for(settings, Pseudonymiser(b"columns")))
    return "".join(render(t) + "\n" for t in imp.txns(str(path), settings, columnwise))


QUOTE = ('"5PP00002"', '"5PP""00002"', 'import-id: "paypal:5PP\\"00002"')
BACKSLASH = ('"5PP00003"', '"5PP\\00003"', 'import-id: "paypal:5PP\\\\00003"')


@pytest.mark.parametrize("marks", [(QUOTE, BACKSLASH), (QUOTE,), (BACKSLASH,)],
                         ids=["both", "quote", "backslash"])
def test_both_ways_write_the_same_text_for_ids_that_need_escaping(tmp_path, marks):
    text = (FIXTURES / "paypal_uk.csv").read_text("utf-8-sig")
    # A quote (doubled inside a CSV field) or a backslash in an id (and in the reference
    # of the refund that names it); and the first gift from nobody named.
    for plain, marked, _written in marks:
        text = text.replace(plain, marked)
    text = text.replace('"Alice Fixture"', '""').replace('"alice.fixture@example.org"', '""')
    export = tmp_path / "paypal.csv"
    export.write_text(text, "utf-8-sig")
    main = write_books(tmp_path / "books")
    columns, generic = rendered(main, export, True), rendered(main, export, False)
    assert columns == generic
    for _plain, _marked, written in marks:
        assert written in columns
    assert 'import-id: "paypal:5PP00001"' in columns and 'donor: ""' not in columns


D = Decimal


def both_ways(tmp_path: Path, export: Path, extra: str = "") -> dict[str, object]:
    """The export's entries, written column-wise, after checking the generic path writes
    the same text; by import-id."""
    main = write_books(tmp_path / "books", extra)
    columns, generic = rendered(main, export, True), rendered(main, export, False)
    assert columns == generic
    entries, errors, _ = parser.parse_string(columns)
    assert not errors, errors
    return {e.meta["import-id"]: e for e in entries if hasattr(e, "postings")}


def written(tmp_path: Path, name: str, header: list[str], rows: list[list[str]]) -> Path:
    path = tmp_path / name
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


TWO_SUPPLIERS = ZOOM_RULE + """\
2017-01-01 open Expenses:Running:Office
2017-01-01 custom "fundledger-rule" "bank"
  pattern: "staples"
  sign: "debit"
  account: "Expenses:Running:Office"
  payee: "Staples"
"""


def test_the_same_amount_on_one_day_under_two_rules_keeps_each_rules_accounts(tmp_path):
    """Rows are grouped by their amounts and by their day; the rule must stay in both
    groups, or the second supplier's bill is booked to the first's account and payee."""
    export = written(tmp_path, "statement.csv", ["Date", "Description", "Paid in", "Paid out",
                                                 "Balance"],
                     [["02/03/2023", "DD ZOOM.US 4412", "", "14.39", "85.61"],
                      ["02/03/2023", "DD STAPLES UK 4412", "", "14.39", "71.22"]])
    got = sorted(both_ways(tmp_path, export, TWO_SUPPLIERS).values(), key=lambda e: e.payee)
    assert [(e.payee, postings(e)) for e in got] == [
        ("Staples", {"Assets:Bank:Current": D("-14.39"), "Expenses:Running:Office": D("14.39")}),
        ("Zoom", {"Assets:Bank:Current": D("-14.39"), "Expenses:Running:Hosting": D("14.39")})]


GRANT_BY_PAYPAL = """\
2017-01-01 custom "fundledger-rule" "paypal"
  column: "Item Title"
  values: "Grant"
  sign: "credit"
  account: "Income:Grants:Lumen"
"""


def test_the_same_figures_under_two_rules_keep_each_rules_income_account(tmp_path):
    """Rows are grouped by their amounts: the rule must stay in that group, or a grant
    paid in the same sum as a gift is booked as a donation."""
    money = {"Gross": "25.00", "Fee": "-0.79", "Net": "24.21", "Balance": "24.21"}
    export = paypal_rows(tmp_path, [{"Transaction ID": "5PP-D1", "Item Title": "Donation"} | money,
                                    {"Transaction ID": "5PP-D2", "Item Title": "Grant"} | money])
    got = both_ways(tmp_path, export, GRANT_BY_PAYPAL)
    fees_and_net = {"Assets:PayPal": D("24.21"), "Expenses:Fees:Payment": D("0.79")}
    assert postings(got["paypal:5PP-D1"]) == fees_and_net | {
        "Income:Donations:PayPal": D("-25.00")}
    assert postings(got["paypal:5PP-D2"]) == fees_and_net | {"Income:Grants:Lumen": D("-25.00")}


def test_the_same_figures_in_two_currencies_are_two_currencies(tmp_path):
    export = paypal_rows(tmp_path, [
        {"Transaction ID": "5PP-C1", "Currency": "GBP", "Gross": "25.00", "Fee": "-0.79",
         "Net": "24.21", "Balance": "24.21"},
        {"Transaction ID": "5PP-C2", "Currency": "EUR", "Gross": "25.00", "Fee": "-0.79",
         "Net": "24.21", "Balance": "24.21"}])
    got = both_ways(tmp_path, export)
    for import_id, currency in (("paypal:5PP-C1", "GBP"), ("paypal:5PP-C2", "EUR")):
        assert {p.units.currency for p in got[import_id].postings} == {currency}
        assert postings(got[import_id]) == {"Assets:PayPal": D("24.21"),
                                            "Expenses:Fees:Payment": D("0.79"),
                                            "Income:Donations:PayPal": D("-25.00")}


# Two rows alike but for the one amount a source gives beside its fees. Enthuse gives the
# gross and the fee, no net; GoCardless the net and the fees, no gross.
ONE_AMOUNT_APART = {
    "gross": ("enthuse.csv", {
        "enthuse:ENT-G-1": (["Website", "10/04/2023", "Donation", "ENT-G-1", "30.00", "0.72",
                             "ES-1", "", "", "", "", "", ""],
                            {"Assets:Platforms:Enthuse": D("29.28"),
                             "Expenses:Fees:Payment": D("0.72"),
                             "Income:Donations:Enthuse": D("-30.00")}),
        "enthuse:ENT-G-2": (["Website", "10/04/2023", "Donation", "ENT-G-2", "50.00", "0.72",
                             "ES-2", "", "", "", "", "", ""],
                            {"Assets:Platforms:Enthuse": D("49.28"),
                             "Expenses:Fees:Payment": D("0.72"),
                             "Income:Donations:Enthuse": D("-50.00")})}),
    "net": ("gocardless.csv", {
        "gocardless:PO-N1": (["PO-N1", "97.60", "GBP", "2023-04-01T09:00:00.000Z", "DD-APR",
                              "paid", "2023-04-03", "2.40", "0.00", "2.40"],
                             {"Assets:Transfers": D("97.60"),
                              "Expenses:Fees:Payment": D("2.40"),
                              "Income:Donations:GoCardless": D("-100.00")}),
        "gocardless:PO-N2": (["PO-N2", "47.60", "GBP", "2023-04-01T09:00:00.000Z", "DD-APR",
                              "paid", "2023-04-03", "2.40", "0.00", "2.40"],
                             {"Assets:Transfers": D("47.60"),
                              "Expenses:Fees:Payment": D("2.40"),
                              "Income:Donations:GoCardless": D("-50.00")})}),
}


@pytest.mark.parametrize("amount", list(ONE_AMOUNT_APART))
def test_rows_with_the_same_fees_keep_their_own_amount(tmp_path, amount):
    """Rows are grouped by their amounts: a group that left out the gross (or the net)
    would give the second row the first one's."""
    fixture, rows = ONE_AMOUNT_APART[amount]
    header = (FIXTURES / fixture).read_text("utf-8").splitlines()[0].split(",")
    got = both_ways(tmp_path, written(tmp_path, fixture, header, [r for r, _ in rows.values()]))
    assert {i: postings(e) for i, e in got.items()} == {i: p for i, (_, p) in rows.items()}


def test_refunds_under_the_gifts_rule_name_what_they_refund_and_gifts_their_donor(tmp_path):
    """A refund booked by the gifts' own rule sits in the gifts' groups: its refund-of
    line must never be shared with a gift's donor line, nor one refund's with another's."""
    donors = [("Ann", "ann.fixture@example.org"), ("Ben", "ben.fixture@example.org"),
              ("Cat", "cat.fixture@example.org")]
    gifts = [{"Transaction ID": f"5PP-G{n}", "Name": name, "From Email Address": email,
              "Gross": "10.00", "Fee": "-0.50", "Net": "9.50", "Balance": "0.00"}
             for n, (name, email) in enumerate(donors, 1)]
    refunds = [{"Transaction ID": f"5PP-R{n}", "Name": donors[n - 1][0],
                "From Email Address": donors[n - 1][1], "Gross": "-10.00", "Fee": "0.50",
                "Net": "-9.50", "Reference Txn ID": f"5PP-G{n}", "Balance": "0.00"}
               for n in (1, 2)]
    # Cat's gift last: the donor parsed last holds the highest number the grouping gives
    # a donor, next to the numbers it gives refunds.
    rows = [*gifts[:2], *refunds, gifts[2]]
    got = both_ways(tmp_path, paypal_rows(tmp_path, rows), ANY_SIGN_GIFT)
    for n, (_name, email) in enumerate(donors, 1):
        gift = got[f"paypal:5PP-G{n}"]
        assert gift.meta["donor"] == Pseudonymiser(b"columns").donor(email)
        assert "refund-of" not in gift.meta
    for n in (1, 2):
        refund = got[f"paypal:5PP-R{n}"]
        assert refund.meta["refund-of"] == f"paypal:5PP-G{n}" and "donor" not in refund.meta
        assert postings(refund) == {"Assets:PayPal": D("-9.50"),
                                    "Expenses:Fees:Payment": D("-0.50"),
                                    "Income:Donations:PayPal": D("10.00")}
