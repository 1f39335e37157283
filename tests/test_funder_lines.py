"""The funder report field by field, on a euro grant (tests/funder_books.py) whose every
figure is worked by hand here: tranches drawn first in, first out (a payment straddling
two, a refund back to the tranche last drawn on, spend beyond every tranche at the latest
rate), budget lines by posting, transaction and the longest budget-map, a line declared
twice, money in and out of the fund, the exchange difference; the days either side of a
period; every refusal; and what the workbook, the JSON and the command show."""

from __future__ import annotations

import datetime
import io
import json
import re
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from fundledger.cli import cli
from ledger import funds as fundmodel
from reports import funder_render
from reports.classify import ReportError
from reports.funder import UNMAPPED, budget_maps, default_end, funder_report
from reports.xlsx import funder_workbook
from tests.funder_books import FUNDER_BOOKS, write_funder
from tests.statements_books import load

D = Decimal
day = datetime.date
Y2024 = (day(2024, 1, 1), day(2024, 12, 31))
T0, T1, T2, T3 = day(2023, 12, 1), day(2024, 1, 1), day(2024, 6, 30), day(2025, 1, 1)


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    return write_funder(tmp_path_factory.mktemp("funder"))


@pytest.fixture(scope="module")
def books(path):
    return load(path)


def report(books, *args, **kw):
    return funder_report(*books, "grant", *args, **kw)


def lines(r) -> dict:
    return {x.line: (x.budget, x.spent, x.spent_gbp, x.variance, x.used, x.budgeted,
                     x.spent_to_date, x.budget_to_date) for x in r.lines}


def test_the_year_worked_by_hand(books):
    r = report(books, *Y2024)
    assert (r.fund, r.title, r.currency, r.gbp, r.start, r.end) == (
        "grant", "Lumen grant", "EUR", "GBP", *Y2024)
    assert (r.award, r.award_declared, r.award_rate) == (D("12500.00"), True, D("0.92"))
    assert r.award_rate_source == "declared on the fund (award-rate)"
    # the period's tranches: tranche 0 (December 2023) is before it, tranche 3 after it
    assert [(t.date, t.description, t.amount, t.gbp, t.rate) for t in r.tranches] == [
        (T1, "Tranche 1", D("5000.00"), D("4400.00"), D("0.880000")),
        (T2, "Tranche 2", D("2000.00"), D("1800.00"), D("0.900000"))]
    # 6,200 GBP for 7,000 EUR = 0.885714...
    assert (r.received, r.received_gbp, r.rate) == (D("7000.00"), D("6200.00"),
                                                    D("0.885714"))
    assert r.uncovered_gbp == D("83.00")
    assert (r.budget_total, r.spent, r.spent_gbp) == (D("12000.00"), D("7580.60"),
                                                      D("6703.00"))
    # with the 440 GBP (511.63 EUR) of 31 December 2023
    assert (r.spent_to_date, r.spent_to_date_gbp) == (D("8092.23"), D("7143.00"))
    assert (r.remaining, r.remaining_gbp) == (D("4407.77"), D("-83.00"))
    # 12,500 EUR at 0.92; 8,000 EUR received to date at 0.92 = 7,360, less 7,060 GBP
    assert (r.award_gbp, r.fx_difference) == (D("11500.00"), D("300.00"))
    assert (r.other_gbp, r.other_to_date_gbp, r.accrued_gbp) == (D("100.00"), D("100.00"), 0)
    # received 7,060 - spent 7,143 + the 100 top-up
    assert r.balance_gbp == D("17.00")
    assert r.remaining_gbp + r.accrued_gbp + r.other_to_date_gbp == r.balance_gbp


def test_each_payment_drawn_from_its_tranches(books):
    r = report(books, *Y2024)
    got = [(s.date, s.payee, s.description, s.invoice, s.line, s.account, s.gbp, s.amount,
            s.tranches) for s in r.spend]
    assert got == [
        # tranche 0 (860 GBP for 1,000 EUR) has 420 left after 31 December: 88 / 0.86
        (T1, "Designer", "Leaflet", "", "Comms", "Expenses:Comms:Design", D("88.00"),
         D("102.33"), (T0,)),
        # 332 GBP left of tranche 0 (386.05 EUR), 1,428 of tranche 1 at 0.88 (1,622.73)
        (day(2024, 3, 1), "Counsel", "Opinion", "", "Counsel", "Expenses:Legal:Counsel",
         D("1760.00"), D("2008.77"), (T0, T1)),
        (day(2024, 5, 1), "Smith LLP", "Hearing", "S-1", "Lawyers",
         "Expenses:Legal:Solicitors", D("2200.00"), D("2500.00"), (T1,)),
        (day(2024, 7, 1), "Printer", "Posters", "", UNMAPPED, "Expenses:Comms:Print",
         D("45.00"), D("51.14"), (T1,)),
        # a refund goes back to the tranche last drawn on: 90 / 0.88
        (day(2024, 9, 1), "Smith LLP", "Refund", "", "Lawyers", "Expenses:Legal:Solicitors",
         D("-90.00"), D("-102.27"), (T1,)),
        # 817 GBP left of tranche 1 (928.41 EUR), all 1,800 of tranche 2 (2,000.00), and
        # 83 beyond them at the latest tranche's rate, 2,000/1,800 (92.22): 3,020.63
        (day(2024, 12, 31), "Smith LLP", "Trial", "", "Lawyers", "Expenses:Legal:Solicitors",
         D("2700.00"), D("3020.63"), (T1, T2)),
    ]


def test_each_budget_line_once_in_budget_order(books):
    r = report(books, *Y2024)
    assert [x.line for x in r.lines] == ["Lawyers", "Comms", "Counsel", UNMAPPED]
    assert lines(r) == {
        # 8,000 + 1,000 declared for one line; 2,500 - 102.27 + 3,020.63 in the year,
        # and the 511.63 of 2023 to date
        "Lawyers": (D("9000.00"), D("5418.36"), D("4810.00"), D("3581.64"), D("0.6020"),
                    True, D("5929.99"), D("3070.01")),
        "Comms": (D("3000.00"), D("102.33"), D("88.00"), D("2897.67"), D("0.0341"), True,
                  D("102.33"), D("2897.67")),
        # named by the longer budget-map, but not budgeted
        "Counsel": (0, D("2008.77"), D("1760.00"), D("-2008.77"), None, False,
                    D("2008.77"), D("-2008.77")),
        UNMAPPED: (0, D("51.14"), D("45.00"), D("-51.14"), None, False, D("51.14"),
                   D("-51.14")),
    }
    assert sum(x.budget for x in r.lines) == r.budget_total
    assert [x.over for x in r.lines] == [False, False, True, True]


def test_the_days_either_side_of_a_period(books):
    first = report(books, T1, T1)
    assert [t.date for t in first.tranches] == [T1]
    assert [s.description for s in first.spend] == ["Leaflet"]
    before = report(books, day(2023, 1, 1), day(2023, 12, 31))
    assert [t.date for t in before.tranches] == [T0]
    assert [(s.description, s.amount) for s in before.spend] == [("Early advice",
                                                                  D("511.63"))]
    assert (before.uncovered_gbp, before.balance_gbp) == (0, D("420.00"))
    # tranche 2 on the last day of the half-year; the posters on the first of the next
    half = report(books, day(2024, 1, 1), day(2024, 6, 30))
    assert [t.date for t in half.tranches] == [T1, T2]
    after = report(books, day(2024, 7, 1), day(2024, 12, 31))
    assert after.tranches == [] and after.received == 0 and after.rate is None
    assert [s.description for s in after.spend] == ["Posters", "Refund", "Trial"]
    assert after.spent_to_date == report(books, *Y2024).spent_to_date
    # the top-up on 1 August: in that day's period, only to date in the next
    assert report(books, day(2024, 8, 1), day(2024, 8, 1)).other_gbp == D("100.00")
    later = report(books, day(2024, 8, 2), day(2024, 12, 31))
    assert (later.other_gbp, later.other_to_date_gbp) == (0, D("100.00"))
    last = report(books, Y2024[1], Y2024[1])
    assert [s.description for s in last.spend] == ["Trial"]
    assert last.uncovered_gbp == D("83.00")


def test_the_next_tranche_covers_what_was_beyond_every_tranche(books):
    r = report(books, day(2025, 1, 1), day(2025, 12, 31))
    assert [t.date for t in r.tranches] == [T3] and r.spend == []
    assert r.uncovered_gbp == 0
    # the trial's 83 GBP now drawn from tranche 3 at 0.92 (90.22 EUR, not 92.22)
    assert r.spent_to_date == D("8090.23")
    assert r.fx_difference == D("300.00")  # 13,000 EUR at 0.92 = 11,960, less 11,660 GBP
    assert "beyond every tranche" not in r.rate_method


def test_the_methods_are_said(books):
    r = report(books, *Y2024)
    assert r.rate_method == (
        "Spend is converted from GBP to EUR at the rate of the tranche it was paid from, "
        "first in, first out: the grant's pounds are spent in the order the tranches "
        "arrived, so a period's figures never change once reported. A payment that "
        "straddles two tranches is converted part at each rate; each payment is then "
        "rounded to the cent. The rate on the tranches' total row is the period's tranches "
        "only. 83.00 GBP spent beyond every tranche received by 2024-12-31 is converted at "
        "the latest rate known and may change when the next tranche arrives.")
    assert r.fx_method == (
        "Exchange difference = EUR received up to 2024-12-31, valued at the award-date "
        "rate (0.92 GBP per EUR; declared on the fund (award-rate)), less the GBP actually "
        "received. Positive: fewer GBP were received than the award was worth when made (a "
        "loss); negative: a gain.")


def _books(tmp_path, old: str, new: str, count: int = 1):
    assert FUNDER_BOOKS.count(old) >= 1
    p = write_funder(tmp_path, FUNDER_BOOKS.replace(old, new, count))
    return load(p)



def test_a_budget_map_claims_its_own_accounts_not_those_only_named_like_it(tmp_path):
    """Expenses:Legal:CounselTravel is not under Expenses:Legal:Counsel: its 45.00 is the
    Lawyers' (Expenses:Legal), not Counsel's."""
    entries, options = _books(tmp_path, "Expenses:Comms:Print", "Expenses:Legal:CounselTravel",
                              count=2)
    r = funder_report(entries, options, "grant", *Y2024)
    assert [(s.account, s.gbp, s.line) for s in r.spend if s.date == day(2024, 7, 1)] == [
        ("Expenses:Legal:CounselTravel", D("45.00"), "Lawyers")]
    # Counsel keeps only the opinion: 1,760.00 GBP
    assert next(x.spent_gbp for x in r.lines if x.line == "Counsel") == D("1760.00")

def test_with_no_award_rate_the_first_tranche_gives_it(tmp_path):
    entries, options = _books(tmp_path, "  award-rate: 0.92\n", "")
    r = funder_report(entries, options, "grant", *Y2024)
    assert (r.award_rate, r.award_rate_source) == (D("0.86"),
                                                   "rate of the first tranche received")
    assert r.award_gbp == D("10750.00")  # 12,500 EUR at tranche 0's 0.86
    assert r.fx_difference == D("-180.00")  # 8,000 EUR at 0.86 = 6,880, less 7,060
    assert "(0.860000 GBP per EUR; rate of the first tranche received)" in r.fx_method



def test_with_no_award_rate_the_first_tranche_in_the_grants_currency_gives_it(tmp_path):
    """A gift of pounds to the grant's fund before its first tranche is no tranche: the
    award-date rate is still tranche 0's 0.86 GBP per EUR, not the gift's 1."""
    gift = ('2023-11-01 * "Bank" "A gift towards the case"\n  fund: "grant"\n'
            "  Assets:Bank  50.00 GBP\n  Income:Donations:Bank  -50.00 GBP\n")
    text = FUNDER_BOOKS.replace("  award-rate: 0.92\n", "").replace(
        '2023-12-01 * "Lumen" "Tranche 0"', gift + '2023-12-01 * "Lumen" "Tranche 0"')
    entries, options = load(write_funder(tmp_path / "gift", text))
    r = funder_report(entries, options, "grant", *Y2024)
    assert (r.award_rate, r.award_rate_source) == (D("0.86"),
                                                   "rate of the first tranche received")
    assert r.award_gbp == D("10750.00")  # 12,500 EUR at 0.86

def test_with_no_award_the_budget_is_the_award(tmp_path):
    entries, options = _books(tmp_path, "  award: 12500.00 EUR\n", "")
    r = funder_report(entries, options, "grant", *Y2024)
    assert (r.award, r.award_declared) == (D("12000.00"), False)  # 8,000 + 3,000 + 1,000
    assert r.remaining == D("3907.77")  # 12,000 - 8,092.23


def test_a_grant_in_pounds_needs_no_conversion(tmp_path):
    books = re.sub(r"-\d+\.00 EUR @@ (\d+\.00) GBP", r"-\1 GBP", FUNDER_BOOKS.replace(
        '  currency: "EUR"\n  award: 12500.00 EUR\n  award-rate: 0.92\n', "").replace(
        "Income:Grants:Lumen EUR", "Income:Grants:Lumen GBP")).replace(".00 EUR", ".00 GBP")
    entries, options = load(write_funder(tmp_path, books))
    r = funder_report(entries, options, "grant", *Y2024)
    assert (r.currency, r.award_rate, r.rate) == ("GBP", 1, 1)
    assert r.award_rate_source == "the grant is in the operating currency"
    assert r.rate_method == "The grant is in GBP: no conversion."
    assert [s.amount for s in r.spend] == [s.gbp for s in r.spend]
    # nothing is converted, so nothing waits on a tranche to come
    assert r.uncovered_gbp == 0
    assert funder_render.as_json(r)["uncovered_in_unit"] == "0.00"


@pytest.mark.parametrize("old, new, message", [
    ("  award: 12500.00 EUR\n", '  award: "lots"\n',
     r"main.beancount:\d+: award of fund 'grant' must be an amount like 60000.00 EUR"),
    ("  award-rate: 0.92\n", "  award-rate: 0\n",
     (r"main.beancount:\d+: award-rate of fund 'grant' must be a positive number of GBP per "
     r"EUR, like 0.8870")),
    ("  award-rate: 0.92\n", '  award-rate: "high"\n', r"award-rate of fund 'grant' must"),
    ('"Comms" 3000.00 EUR', '"Comms" 3000.00 USD',
     r"main.beancount:\d+: budget line 'Comms' is in USD, the grant in EUR"),
    ('"budget-map" "grant" "Expenses:Legal" "Lawyers"', '"budget-map" "grant" "Lawyers"',
     (r'main.beancount:\d+: a budget map is declared as: custom "budget-map" "<fund>" '
     r'"<account prefix>" "<line>"')),
])
def test_what_is_refused(tmp_path, old, new, message):
    entries, options = _books(tmp_path, old, new)
    with pytest.raises(ReportError, match=message):
        funder_report(entries, options, "grant", *Y2024)


EUROS = """
2020-01-01 open Assets:Bank:EUR EUR
2020-01-01 open Expenses:Legal:Euro EUR
2024-02-01 * "Lumen" "Tranche paid in euros"
  fund: "grant"
  Assets:Bank:EUR             500.00 EUR
  Income:Grants:Lumen        -500.00 EUR
2024-02-02 * "Avocat" "Advice in euros"
  fund: "grant"
  Expenses:Legal:Euro          50.00 EUR
  Assets:Bank:EUR             -50.00 EUR
"""


DOLLARS = """
2020-01-01 open Assets:Bank:USD USD
2020-01-01 open Income:Donations:USD USD
2020-01-01 open Expenses:Legal:Dollar USD
2024-02-01 * "Donor" "Gift in dollars"
  fund: "grant"
  Assets:Bank:USD             500.00 USD
  Income:Donations:USD       -500.00 USD
2024-02-02 * "Attorney" "Advice in dollars"
  fund: "grant"
  Expenses:Legal:Dollar        50.00 USD
  Assets:Bank:USD             -50.00 USD
"""


def test_grant_income_in_pounds_and_spend_valued_in_pounds(tmp_path):
    entries, options = load(write_funder(tmp_path / "a", FUNDER_BOOKS + EUROS))
    with pytest.raises(ReportError, match=r"main.beancount:\d+: grant income in EUR needs the "
                                          r"GBP received, e.g. `@@ 26610.00 GBP`"):
        funder_report(entries, options, "grant", *Y2024)
    # a gift in dollars to the grant's fund, spent in dollars: with no rate for the day,
    # refused, naming the line to add
    entries, options = load(write_funder(tmp_path / "b", FUNDER_BOOKS + DOLLARS))
    with pytest.raises(ReportError, match=r"main.beancount:\d+: spend in USD needs its value "
                                          r"in GBP: no rate from USD to GBP on or before "
                                          r"2024-02-02: .*`2024-02-02 price USD <rate> GBP`"):
        funder_report(entries, options, "grant", *Y2024)
    # with it, the 50 dollars count as 40.00 GBP (0.80), as on every other statement
    priced = FUNDER_BOOKS + DOLLARS + "2024-02-02 price USD 0.80 GBP\n"
    entries, options = load(write_funder(tmp_path / "c", priced))
    without = funder_report(*load(write_funder(tmp_path / "d", FUNDER_BOOKS)), "grant",
                            *Y2024)
    got = funder_report(entries, options, "grant", *Y2024)
    assert got.spent_gbp - without.spent_gbp == D("40.00")


def test_what_else_is_refused(books, tmp_path):
    with pytest.raises(ReportError, match=r"fund 'nope' is not declared in the books "
                                          r"\(funds: general, grant\)"):
        funder_report(*books, "nope")
    with pytest.raises(ReportError, match=r"fund 'general' has no budget lines and no award"):
        funder_report(*books, "general")
    with pytest.raises(ReportError, match=r"the period starts \(2024-12-31\) after it ends "
                                          r"\(2024-01-01\)"):
        report(books, Y2024[1], Y2024[0])
    entries, options = _books(tmp_path, "  award-rate: 0.92\n", "")
    with pytest.raises(ReportError, match=r"fund 'grant': no tranche in EUR received by "
                                          r"2023-11-30 and no award-rate declared"):
        funder_report(entries, options, "grant", day(2023, 1, 1), day(2023, 11, 30))


def test_the_report_ends_where_asked_else_the_year_the_close_or_today(books):
    entries, _o = books
    f = fundmodel.declarations(entries)[0]["grant"]
    assert default_end(entries, f, day(2024, 3, 1), None) == day(2024, 12, 31)
    assert default_end(entries, f, None, day(2024, 2, 2)) == day(2024, 2, 2)
    assert default_end(entries, f, None, None) == T3  # the last entry
    r = report(books, today=day(2024, 2, 2))
    assert (r.start, r.end) == (day(2023, 1, 1), day(2024, 2, 2))  # from the fund's opening
    closed = f._replace(closed=day(2024, 6, 1)) if hasattr(f, "_replace") else None
    if closed is not None:
        assert default_end(entries, closed, None, day(2030, 1, 1)) == day(2024, 6, 1)


def test_budget_maps_longest_first(books):
    assert budget_maps(books[0], "grant") == [("Expenses:Legal:Counsel", "Counsel"),
                                              ("Expenses:Legal", "Lawyers")]
    assert budget_maps(books[0], "general") == []


def _summary(r) -> tuple[dict, list, list]:
    stream = funder_workbook(r, io.BytesIO())
    stream.seek(0)
    wb = openpyxl.load_workbook(stream)
    rows = list(wb["Summary"].iter_rows(values_only=True))
    labelled = {}
    for row in rows:
        if isinstance(row[0], str):
            labelled.setdefault(row[0], row[1:])
    return labelled, rows, list(wb["Transactions"].iter_rows(values_only=True))


def n(v) -> Decimal:
    return D(str(v)).quantize(D("0.000001"))


def test_the_workbook_shows_every_figure(books):
    r = report(books, *Y2024)
    cells, rows, tx = _summary(r)
    assert rows[0][0] == "Funder report: Lumen grant"
    assert cells["Grant (fund)"][0] == "grant"
    assert cells["Period"][0] == "2024-01-01 to 2024-12-31"
    assert (n(cells["Amount awarded (EUR)"][0]), cells["Amount awarded (EUR)"][1]) == (
        n(12500), "declared on the fund")
    assert n(cells["Award-date rate (GBP per EUR)"][0]) == n("0.92")
    assert n(cells["Award at award-date rate (GBP)"][0]) == n(11500)
    # the tranches, with the rate both ways
    i = next(k for k, row in enumerate(rows) if row[0] == "Tranches received")
    assert [tuple(n(v) for v in row[2:6]) for row in rows[i + 2:i + 5]] == [
        (n(5000), n(4400), n("0.88"), n("1.136364")),
        (n(2000), n(1800), n("0.90"), n("1.111111")),
        # 7,000 / 6,200 = 1.1290322..., not the inverse of the rounded 0.885714
        (n(7000), n(6200), n("0.885714"), n("1.129032"))]
    assert rows[i + 4][:2] == ("Total", "rate over the period's tranches")
    # budget against actual: budget, spent, variance, used, spent GBP, spent to date
    assert tuple(n(v) for v in cells["Lawyers"][:6]) == (
        n(9000), n("5418.36"), n("3581.64"), n("0.602"), n(4810), n("5929.99"))
    assert tuple(n(v) for v in cells["Comms"][:6]) == (
        n(3000), n("102.33"), n("2897.67"), n("0.0341"), n(88), n("102.33"))
    assert cells["Counsel (not in the budget)"][1] == pytest.approx(2008.77)
    assert cells["Counsel (not in the budget)"][3] is None  # no % of no budget
    assert cells[UNMAPPED][1] == pytest.approx(51.14)
    total = next(row for row in rows if row[0] == "Total" and row[1] == 12000)
    assert tuple(n(v) for v in total[1:7]) == (
        n(12000), n("7580.60"), n("4419.40"), n("0.6317"), n(6703), n("8092.23"))
    for label, value in [
            ("Spent from the start of the grant to 2024-12-31 (EUR)", "8092.23"),
            ("Spent from the start of the grant to 2024-12-31 (GBP)", "7143"),
            ("Remaining of the award (EUR): awarded less spent to date", "4407.77"),
            ("Remaining in GBP: received less spent, to date", "-83"),
            (("Add: the award accrued and not yet received (debtor at the award-date rate, "
             "GBP)"), "0"),
            ("Add: other income and transfers in/(out), to date (GBP)", "100"),
            ("Fund balance at 2024-12-31 (GBP): remaining plus the two lines above", "17"),
            ("Other income and transfers in/(out) of the fund in the period (GBP)", "100"),
            ("Exchange difference (GBP)", "300")]:
        assert n(cells[label][0]) == n(value), label
    notes = [row[0] for row in rows if isinstance(row[0], str)]
    assert f"Conversion: {r.rate_method}" in notes
    assert r.fx_method in notes
    # the Transactions sheet: one row a payment, the period's
    assert tx[0][:8] == ("Date", "Payee", "Description", "Invoice", "Budget line", "Account",
                         "Amount (GBP)", "Amount (EUR)")
    assert [(row[2], row[3], row[4], n(row[6]), n(row[7])) for row in tx[1:-1]] == [
        ("Leaflet", None, "Comms", n(88), n("102.33")),
        ("Opinion", None, "Counsel", n(1760), n("2008.77")),
        ("Hearing", "S-1", "Lawyers", n(2200), n(2500)),
        ("Posters", None, UNMAPPED, n(45), n("51.14")),
        ("Refund", None, "Lawyers", n(-90), n("-102.27")),
        ("Trial", None, "Lawyers", n(2700), n("3020.63"))]
    assert tx[-1][6:8] == ("=SUBTOTAL(9,G2:G7)", "=SUBTOTAL(9,H2:H7)")


def test_a_line_over_its_budget_is_marked(tmp_path):
    entries, options = _books(tmp_path, '"Comms" 3000.00 EUR', '"Comms" 100.00 EUR')
    cells, _rows, _tx = _summary(funder_report(entries, options, "grant", *Y2024))
    assert cells["Comms"][6] == "over budget"  # 102.33 spent of 100.00 (column H)
    assert cells["Lawyers"][6] is None


def test_the_json_and_the_command(books, path, tmp_path):
    r = report(books, *Y2024)
    out = funder_render.as_json(r)
    assert out == {
        "fund": "grant", "currency": "EUR", "from": "2024-01-01", "to": "2024-12-31",
        "lines": [
            {"line": "Lawyers", "budget": "9000.00", "period": "5418.36",
             "to_date": "5929.99", "budgeted": True, "over_budget": False},
            {"line": "Comms", "budget": "3000.00", "period": "102.33", "to_date": "102.33",
             "budgeted": True, "over_budget": False},
            {"line": "Counsel", "budget": "0.00", "period": "2008.77", "to_date": "2008.77",
             "budgeted": False, "over_budget": False},
            {"line": UNMAPPED, "budget": "0.00", "period": "51.14", "to_date": "51.14",
             "budgeted": False, "over_budget": False}],
        "period": "7580.60", "to_date": "8092.23", "award": "12500.00",
        "remaining": "4407.77", "received_in_period": "7000.00", "unit": "GBP",
        "period_in_unit": "6703.00", "to_date_in_unit": "7143.00",
        "uncovered_in_unit": "83.00", "remaining_in_unit": "-83.00",
        "accrued_in_unit": "0.00", "other_to_date_in_unit": "100.00",
        "balance_in_unit": "17.00"}
    runner = CliRunner()
    done = runner.invoke(cli, ["report", "funder", "grant", "--books", str(path), "--from",
                               "2024-01-01", "--to", "2024-12-31", "--format", "json",
                               "--every-figure"], catch_exceptions=False)
    assert done.exit_code == 0 and json.loads(done.output) == out
    # As sent out: the 100.00 moved in from general is left out, and the balance with it.
    done = runner.invoke(cli, ["report", "funder", "grant", "--books", str(path), "--from",
                               "2024-01-01", "--to", "2024-12-31", "--format", "json"],
                         catch_exceptions=False)
    assert json.loads(done.output) == {**out, "other_to_date_in_unit": None,
                                       "balance_in_unit": None}
    xl = tmp_path / "grant.xlsx"
    done = runner.invoke(cli, ["report", "funder", "grant", "--books", str(path), "--from",
                               "2024-01-01", "--to", "2024-12-31", "-o", str(xl)],
                         catch_exceptions=False)
    assert done.exit_code == 0
    assert "spent 7,580.60 EUR of 12,500.00 EUR awarded" in done.output
    # the warning of spend with no budget line
    assert ("warning: 45.00 GBP of spending has no budget line (see the Transactions "
            "sheet)") in done.output
    assert openpyxl.load_workbook(xl)["Summary"].cell(1, 1).value == "Funder report: Lumen grant"


def test_an_accrued_awards_tranches_and_debtor_on_their_days(tmp_path):
    """tests/test_accruals.py's books: 10,000 EUR awarded on 1 June 2022 at 0.95 (a debtor
    of 9,500 GBP); tranches of 5,000 EUR on 1 July 2022 (4,400 GBP) and 1 May 2023 (4,600).
    The award-date rate declared on the fund too, so that a period before any tranche can
    be reported."""
    from tests import test_accruals

    books = test_accruals.BOOKS.replace('  currency: "EUR"\n',
                                        '  currency: "EUR"\n  award-rate: 0.95\n')
    _p, entries, options = test_accruals.write(tmp_path, books)
    award_day = funder_report(entries, options, "grant", day(2022, 6, 1), day(2022, 6, 1))
    # on the day it is awarded the whole award is still to come, at the award's rate
    assert (award_day.accrued_gbp, award_day.tranches, award_day.received) == (
        D("9500.00"), [], 0)
    assert award_day.balance_gbp == D("9500.00")
    before = funder_report(entries, options, "grant", day(2022, 1, 1), day(2022, 5, 31))
    assert (before.accrued_gbp, before.balance_gbp) == (0, 0)
    first = funder_report(entries, options, "grant", day(2022, 7, 1), day(2022, 7, 1))
    # the tranche settles half the debtor on its own day
    assert [(t.date, t.description, t.amount, t.gbp, t.rate) for t in first.tranches] == [
        (day(2022, 7, 1), "Tranche 1", D("5000.00"), D("4400.00"), D("0.880000"))]
    assert (first.received, first.received_gbp, first.accrued_gbp) == (
        D("5000.00"), D("4400.00"), D("4750.00"))
    later = funder_report(entries, options, "grant", day(2022, 7, 2), day(2023, 4, 30))
    assert later.tranches == [] and later.accrued_gbp == D("4750.00")
    last = funder_report(entries, options, "grant", day(2023, 5, 1), day(2023, 5, 1))
    assert [t.gbp for t in last.tranches] == [D("4600.00")] and last.accrued_gbp == 0
    # both tranches to date: 10,000 EUR at 0.95 = 9,500, less the 9,000 GBP received
    assert last.fx_difference == D("500.00")
    assert first.fx_difference == D("350.00")  # 5,000 EUR at 0.95 = 4,750, less 4,400


def test_books_kept_in_another_currency(tmp_path):
    # the same books kept in Swiss francs: every pound figure above, now in francs
    entries, options = load(write_funder(tmp_path, FUNDER_BOOKS.replace("GBP", "CHF")))
    r = funder_report(entries, options, "grant", *Y2024)
    assert (r.gbp, r.currency) == ("CHF", "EUR")
    assert (r.received_gbp, r.spent_gbp, r.uncovered_gbp, r.balance_gbp) == (
        D("6200.00"), D("6703.00"), D("83.00"), D("17.00"))
    assert r.rate_method.startswith("Spend is converted from CHF to EUR")


def test_the_grants_currency_without_a_declared_one(tmp_path):
    # no currency on the fund: the award's, else the first budget line's
    no_currency = FUNDER_BOOKS.replace('  currency: "EUR"\n', "")
    entries, options = load(write_funder(tmp_path / "a", no_currency))
    assert funder_report(entries, options, "grant", *Y2024).currency == "EUR"
    lines_only = no_currency.replace("  award: 12500.00 EUR\n", "")
    entries, options = load(write_funder(tmp_path / "b", lines_only))
    r = funder_report(entries, options, "grant", *Y2024)
    assert (r.currency, r.award, r.award_declared) == ("EUR", D("12000.00"), False)
    one_line = "\n".join(line for line in lines_only.splitlines()
                         if '"fund-budget" "grant" "Lawyers"' not in line
                         and '"budget-map"' not in line) + "\n"
    entries, options = load(write_funder(tmp_path / "c", one_line))
    r = funder_report(entries, options, "grant", *Y2024)
    assert (r.currency, r.budget_total) == ("EUR", D("3000.00"))  # Comms alone


def test_the_refusals_say_what_to_declare(tmp_path):
    entries, options = load(write_funder(tmp_path / "a", FUNDER_BOOKS))
    with pytest.raises(ReportError) as e:
        funder_report(entries, options, "general")
    assert str(e.value) == (
        "fund 'general' has no budget lines and no award: the funder report is for a grant "
        '(declare custom "fund-budget" "general" "<line>" <amount> <currency>, or award: on '
        "the fund)")
    bare = 'option "operating_currency" "GBP"\n'
    entries, options = load(write_funder(tmp_path / "b", bare))
    with pytest.raises(ReportError, match=r"^fund 'grant' is not declared in the books "
                                          r"\(funds: none\)$"):
        funder_report(entries, options, "grant")
    bad_year = FUNDER_BOOKS.replace('"fy-end" "12-31"', '"fy-end" "13-31"')
    entries, options = load(write_funder(tmp_path / "c", bad_year))
    with pytest.raises(ReportError, match=r'main.beancount:\d+: fy-end "13-31" is not a '
                                          r'month-day like "03-31"'):
        funder_report(entries, options, "grant", day(2024, 1, 1))


def test_with_no_transactions_the_report_ends_on_the_funds_opening(tmp_path):
    books = FUNDER_BOOKS.split("\n\n")[0] + "\n"  # the declarations alone
    entries, options = load(write_funder(tmp_path, books))
    f = fundmodel.declarations(entries)[0]["grant"]
    assert default_end(entries, f, None, None) == day(2023, 1, 1)
    r = funder_report(entries, options, "grant")
    assert (r.start, r.end, r.spent, r.received) == (day(2023, 1, 1), day(2023, 1, 1), 0, 0)
    out = funder_render.as_json(r)
    assert (out["to_date"], out["to_date_in_unit"]) == ("0.00", "0.00")
    assert [x["to_date"] for x in out["lines"]] == ["0.00", "0.00", "0.00"]


def test_a_period_with_nothing_in_it_shows_noughts_to_the_cent(books):
    quiet = report(books, day(2025, 2, 1), day(2025, 2, 28))
    out = funder_render.as_json(quiet)
    assert (out["received_in_period"], out["period"], out["period_in_unit"]) == (
        "0.00", "0.00", "0.00")
    assert [(x["line"], x["period"]) for x in out["lines"]] == [
        ("Lawyers", "0.00"), ("Comms", "0.00"), ("Counsel", "0.00"), (UNMAPPED, "0.00")]
    assert [x["to_date"] for x in out["lines"]] == ["5927.99", "102.33", "2008.77", "51.14"]
    # money to the cent even where nothing came or went (Decimal end to end, never 0)
    assert [str(v) for v in (quiet.received_gbp, *(x.spent_gbp for x in quiet.lines))] == [
        "0.00"] * 5


EARLY_SPEND = """
2023-06-01 * "Trustees" "Advance to the grant"
  Equity:Funds:Transfers       200.00 GBP
    fund: "general"
  Equity:Funds:Transfers      -200.00 GBP
    fund: "grant"
2023-06-02 * "Smith LLP" "Before any tranche"
  fund: "grant"
  Expenses:Legal:Solicitors     92.00 GBP
  Assets:Bank                  -92.00 GBP
"""


def test_spend_before_any_tranche_is_at_the_award_date_rate(tmp_path):
    entries, options = load(write_funder(tmp_path, FUNDER_BOOKS + EARLY_SPEND))
    r = funder_report(entries, options, "grant", day(2023, 1, 1), day(2023, 11, 30))
    # no tranche by 30 November: 92 GBP at 1 / 0.92 = 100.00 EUR, all of it uncovered
    assert [(s.gbp, s.amount, s.tranches) for s in r.spend] == [(D("92.00"), D("100.00"), ())]
    assert r.uncovered_gbp == D("92.00")


def test_an_award_alone_names_the_grants_currency(tmp_path):
    books = FUNDER_BOOKS.replace('  currency: "EUR"\n', "")
    books = "\n".join(line for line in books.splitlines()
                      if '"fund-budget"' not in line and '"budget-map"' not in line) + "\n"
    entries, options = load(write_funder(tmp_path, books))
    r = funder_report(entries, options, "grant", *Y2024)
    assert (r.currency, r.award, str(r.budget_total)) == ("EUR", D("12500.00"), "0.00")
    # no budget: the lines named on the spend, in order of name, then the unmapped
    assert [(x.line, x.budgeted) for x in r.lines] == [
        ("Comms", False), ("Lawyers", False), (UNMAPPED, False)]


def test_spend_with_no_payee_or_no_description(tmp_path):
    extra = """
2025-01-02 * "Court fee"
  fund: "grant"
  Expenses:Legal:Solicitors     46.00 GBP
  Assets:Bank                  -46.00 GBP
2025-01-03 * "Clerk" ""
  fund: "grant"
  Expenses:Legal:Solicitors     46.00 GBP
  Assets:Bank                  -46.00 GBP
"""
    entries, options = load(write_funder(tmp_path, FUNDER_BOOKS + extra))
    r = funder_report(entries, options, "grant", day(2025, 1, 2), day(2025, 1, 3))
    # 46 GBP from tranche 3 (4,600 GBP for 5,000 EUR, after the trial's 83): 50.00 EUR
    assert [(s.payee, s.description, s.amount) for s in r.spend] == [
        ("", "Court fee", D("50.00")), ("Clerk", "", D("50.00"))]


def test_a_tranche_of_nothing_has_a_rate_of_nothing(tmp_path):
    # a payment the funder announced and then cancelled, booked at nil
    extra = """
2025-02-01 * "Lumen" "Tranche 4, cancelled"
  fund: "grant"
  Assets:Bank                    0.00 GBP
  Income:Grants:Lumen            0.00 EUR @@ 0.00 GBP
"""
    entries, options = load(write_funder(tmp_path, FUNDER_BOOKS + extra))
    r = funder_report(entries, options, "grant", day(2025, 2, 1), day(2025, 2, 1))
    assert [(t.amount, t.gbp, t.rate) for t in r.tranches] == [(0, 0, 0)]
    assert (r.received, r.rate) == (0, None)



def test_a_postings_own_budget_line_comes_before_its_transactions(tmp_path):
    extra = """
2025-01-02 * "Smith LLP" "Advice and a leaflet"
  fund: "grant"
  budget-line: "Comms"
  Expenses:Legal:Solicitors     46.00 GBP
    budget-line: "Lawyers"
  Expenses:Comms:Print          46.00 GBP
  Assets:Bank                  -92.00 GBP
"""
    entries, options = load(write_funder(tmp_path, FUNDER_BOOKS + extra))
    r = funder_report(entries, options, "grant", day(2025, 1, 2), day(2025, 1, 2))
    assert sorted((s.account, s.line) for s in r.spend) == [
        ("Expenses:Comms:Print", "Comms"), ("Expenses:Legal:Solicitors", "Lawyers")]
