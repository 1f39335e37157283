"""An independent examiner's checks (issue 28) on books built for each case
(tests/examiner_books.py), every expected figure worked by hand here: receipts and
payments that add up with an endowment and an investment deposit, a transfer line and
the prior year; an opening balance that is brought forward, never received; an accrued
grant's tranches as grant receipts; a donated leftover as a grant made."""

from __future__ import annotations

import datetime
from decimal import Decimal

from reports.balance_sheet import balance_sheet
from reports.receipts_payments import receipts_payments
from reports.sofa import sofa
from tests import test_accruals
from tests.examiner_books import write_first_year
from tests.statements_books import load

D = Decimal
day = datetime.date
FY2024 = (day(2023, 4, 1), day(2024, 3, 31))
FY2025 = (day(2024, 4, 1), day(2025, 3, 31))


def columns(line):
    return (line.unrestricted, line.restricted, line.endowment, line.total)


def test_receipts_and_payments_keep_the_endowment_and_the_deposit(tmp_path):
    entries, options = load(write_first_year(tmp_path / "b", "receipts"))
    r = receipts_payments(entries, options, *FY2024)
    got = {x.key: columns(x) for x in [*r.receipts, *r.payments] if x.total}
    assert got == {
        # general 2,000; the crowdfunder 3,000; the endowment gift 10,000
        "donations": (D("2000.00"), D("3000.00"), D("10000.00"), D("15000.00")),
        "legal": (0, D("1200.00"), 0, D("1200.00")),
        # the gift moved on to the deposit is paid out of cash, in the endowment column
        "investments": (0, 0, D("10000.00"), D("10000.00")),
        "other": (D("100.00"), 0, 0, D("100.00")),  # rent
    }
    # 15,000 - 11,300 = 3,700
    assert (r.total_receipts, r.total_payments, r.net) == (
        D("15000.00"), D("11300.00"), D("3700.00"))
    # the 300.00 top-up: out of unrestricted, into restricted, nothing in total
    assert columns(r.transfers) == (D("-300.00"), D("300.00"), 0, 0)
    # brought forward: the 5,000 opening balance, general's; carried forward by class:
    # unrestricted 5,000 + 2,000 - 100 - 300 = 6,600; restricted 3,000 - 1,200 + 300 =
    # 2,100; endowment 10,000 - 10,000 = 0; total 8,700 = 5,000 + 3,700
    assert r.funds_brought_forward == {"unrestricted": D("5000.00"), "restricted": 0,
                                       "endowment": 0}
    assert r.funds_carried_forward == {"unrestricted": D("6600.00"),
                                       "restricted": D("2100.00"), "endowment": 0}
    assert (r.cash_brought_forward, r.cash_carried_forward) == (D("5000.00"), D("8700.00"))
    # the bank 5,000 + 2,000 + 10,000 - 10,000 - 300 - 100; the firm 3,000 - 1,200 + 300
    assert r.cash_accounts == {"Assets:Bank": (D("5000.00"), D("6600.00")),
                               "Assets:Held:Firm": (0, D("2100.00"))}
    assert r.statement.assets["fixed_assets"] == D("10000.00")


def test_an_opening_balance_is_brought_forward_never_received(tmp_path):
    entries, options = load(write_first_year(tmp_path / "b", "receipts"))
    r = receipts_payments(entries, options, *FY2024)
    assert next(x for x in r.receipts if x.key == "other").total == 0
    # the prior year (to 31 March 2023) ends holding it: the books' first statement
    # brought it forward from there
    assert r.prior is not None and r.prior.end == day(2023, 3, 31)
    assert (r.prior.total_receipts, r.prior.cash_carried_forward) == (0, D("5000.00"))
    nxt = receipts_payments(entries, options, *FY2025)
    assert nxt.cash_brought_forward == D("8700.00")
    assert nxt.total_receipts == D("7.00") and nxt.cash_carried_forward == D("8707.00")


def test_the_sofa_and_balance_sheet_show_the_opening_balance_in_the_prior_year(tmp_path):
    entries, options = load(write_first_year(tmp_path / "b"))
    s = sofa(entries, options, *FY2024)
    general = next(m for m in s.funds if m.fund == "general")
    # 5,000 brought forward + 2,000 - 100 - 300 = 6,600
    assert (general.brought_forward, general.carried_forward) == (D("5000.00"), D("6600.00"))
    assert s.row("income.donations").total == D("15000.00")  # the opening is not income
    prior = next(m for m in s.prior.funds if m.fund == "general")
    assert prior.carried_forward == D("5000.00")
    assert s.row("cf").prior_total == s.row("bf").total == D("5000.00")
    b = balance_sheet(entries, options, FY2024[1], prior=FY2024[0] - datetime.timedelta(1))
    assert (b.prior.position.assets["cash_at_bank"], b.prior.funds["unrestricted"]) == (
        D("5000.00"), D("5000.00"))
    # 6,600 at the bank, 2,100 at the firm, 10,000 on deposit; funds: general 6,600,
    # case 2,100, endowment 10,000
    assert (b.position.net_assets, b.funds["unrestricted"], b.funds["restricted"],
            b.funds["endowment"]) == (D("18700.00"), D("6600.00"), D("2100.00"),
                                      D("10000.00"))


def test_an_accrued_grants_tranches_are_grant_receipts(tmp_path):
    """tests/test_accruals.py's books: 10,000 EUR awarded at 0.95; 5,000 EUR arrive for
    4,400 GBP in 2022 and 5,000 EUR for 4,600 GBP in 2023."""
    path = tmp_path / "main.beancount"
    path.write_text(test_accruals.BOOKS)
    entries, options = load(path)
    r = receipts_payments(entries, options, day(2022, 1, 1), day(2022, 12, 31))
    got = {x.key: columns(x) for x in r.receipts if x.total}
    assert got == {"charitable": (0, D("4400.00"), 0, D("4400.00"))}
    r = receipts_payments(entries, options, day(2023, 1, 1), day(2023, 12, 31))
    assert {x.key: x.total for x in r.receipts if x.total} == {"charitable": D("4600.00")}
    assert r.cash_carried_forward - r.cash_brought_forward == D("2300.00")  # 4,600 - 2,300


# A crowdfunder whose terms give its leftover to a named charity: 500.00 raised, 325.00
# spent, 175.00 given on closing; trustees' expenses 40.00, staff 1,000.00 (general);
# one declared note for FY2024 and one for FY2023 (which must not count for FY2024).
DONATING = """
2023-04-01 open Expenses:Grants:Charities GBP
2023-04-01 open Expenses:Trustees:Travel GBP
2023-04-01 open Expenses:Staff:Salaries GBP
2023-04-01 custom "fund" "appeal" "restricted"
  title: "Appeal crowdfunder"
  description: "The costs of the Court of Appeal hearing"
  purpose: "Expenses:Legal"
  terms: "donate-to-charity"
  charity: "Access to Justice Foundation"
2023-11-01 * "CF" "Pledges"
  fund: "appeal"
  Assets:Bank                   500.00 GBP
  Income:Crowdfunding:CF       -500.00 GBP
2023-12-01 * "Firm" "Appeal work"
  fund: "appeal"
  Expenses:Legal:Solicitors     325.00 GBP
  Assets:Bank                  -325.00 GBP
2024-01-10 * "Trustee" "Train fare to the hearing" #related-party
  fund: "general"
  Expenses:Trustees:Travel       40.00 GBP
  Assets:Bank                   -40.00 GBP
2024-01-12 * "Payroll" "Salaries"
  fund: "general"
  Expenses:Staff:Salaries      1000.00 GBP
  Assets:Bank                 -1000.00 GBP
2024-01-15 * "Access to Justice Foundation" "Leftover of appeal donated under its terms"
  fund: "appeal"
  leftover: "donated"
  Expenses:Grants:Charities     175.00 GBP
  Assets:Bank                  -175.00 GBP
2024-01-15 custom "fund-close" "appeal"
2024-06-30 custom "fundledger-note" "contingent-liabilities" "An adverse costs order of up to 20,000 is possible if the appeal fails."
  year: 2024
2023-06-30 custom "fundledger-note" "reserves-policy" "Three months' running costs."
"""


def test_a_donated_leftover_is_a_grant_made_with_a_grants_payable_note(tmp_path):
    from reports.notes import notes

    entries, options = load(write_first_year(tmp_path / "b", extra=DONATING))
    s = sofa(entries, options, *FY2024)
    # 500 - 325 = 175 given to the charity the terms name: charitable activities
    assert (s.row("expenditure.grants").restricted, s.row("expenditure.other").restricted) == (
        D("175.00"), 0)
    # general's other expenditure: rent 100 + trustees' travel 40 + salaries 1,000
    assert s.row("expenditure.other").unrestricted == D("1140.00")
    n = notes(entries, options, *FY2024)
    grants = n.section("grants-payable")
    assert grants.rows == [[day(2024, 1, 15), "Access to Justice Foundation", "appeal",
                            D("175.00")]]
    assert "in the year: 175.00 GBP" in grants.words[0] and "payable" in grants.words[0]
    funds = {r[0]: r[2] for r in n.section("funds").rows}
    assert funds["appeal: Appeal crowdfunder"] == (
        "The costs of the Court of Appeal hearing [may be spent on: Expenses:Legal]")
    assert any("fund general in words" in m for m in n.missing)
    assert not any("fund appeal" in m for m in n.missing)
    related = n.section("related-parties")
    assert "reimbursed (Expenses:Trustees): 40.00 GBP" in related.words[0]
    assert related.rows == [[day(2024, 1, 10), "Train fare to the hearing", D("40.00")]]
    assert "in the year (Expenses:Staff): 1,000.00 GBP" in n.section("staff").words[0]
    # general: 5,000 + 2,000 - 100 - 300 - 40 - 1,000 = 5,560, none designated
    assert "free reserves 5,560.00 GBP" in n.section("reserves").words[0]
    # the trustees' words for FY2024 are shown; FY2023's reserves policy is not this year's
    assert n.section("contingent-liabilities").words == [
        "An adverse costs order of up to 20,000 is possible if the appeal fails."]
    assert not any(m.startswith("Contingent liabilities") for m in n.missing)
    assert any(m.startswith("Reserves policy") for m in n.missing)
    assert any(m.startswith("Independent examiner's report") for m in n.missing)
    assert n.section("examiner-report").words == ["Not yet declared by the trustees."]
    # by class at 31 March 2024 and 2023: general 5,560 (5,000 brought forward); case
    # 3,000 - 1,200 + 300 = 2,100, the appeal closed at nil; the endowment 10,000
    assert n.section("comparatives").rows == [
        ["unrestricted", D("5560.00"), D("5000.00")], ["designated", 0, 0],
        ["restricted", D("2100.00"), 0], ["endowment", D("10000.00"), 0],
        ["total", D("17660.00"), D("5000.00")]]


def test_the_prior_year_by_fund_class_is_in_the_table_and_the_html(tmp_path):
    from reports import sofa_render

    entries, options = load(write_first_year(tmp_path / "b"))
    s = sofa(entries, options, *FY2025)
    header, rows = sofa_render.comparatives(s)
    assert header == ["Prior year 2023-04-01 to 2024-03-31", "Unrestricted", "Restricted",
                      "Endowment", "Total"]
    got = {r[0].strip(): r[1:] for r in rows}
    # FY2024 by class: gifts 2,000 / 3,000 / 10,000; funds carried forward 6,600 / 2,100
    # / 10,000 (the deposit is still the endowment's)
    assert got["Donations and legacies"] == [D("2000.00"), D("3000.00"), D("10000.00"),
                                             D("15000.00")]
    assert got["Total funds carried forward"] == [D("6600.00"), D("2100.00"), D("10000.00"),
                                                  D("18700.00")]
    assert "Comparatives: the prior year by fund class" in sofa_render.to_table(s)
    html = sofa_render.to_html(s)
    assert "Prior year 2023-04-01 to 2024-03-31" in html and "18,700.00" in html


INVOICED = """
2023-04-01 open Liabilities:Creditors:Firm GBP
2024-03-20 * "Firm" "Invoice C-7: hearing preparation"
  fund: "case"
  invoice: "C-7"
  Expenses:Legal:Solicitors    1500.00 GBP
  Liabilities:Creditors:Firm  -1500.00 GBP
2024-04-20 * "Firm" "Pay invoice C-7"
  invoice: "C-7"
  Liabilities:Creditors:Firm   1500.00 GBP
  Assets:Held:Firm            -1500.00 GBP
"""


def test_legal_as_of_a_date_is_what_was_invoiced_and_unpaid_then(tmp_path):
    import json

    from conftest import run_cli

    from reports.legal import legal_spend

    path = write_first_year(tmp_path / "b", extra=INVOICED)
    entries, options = load(path)
    # at 31 March 2024: 1,200 paid in August, C-7's 1,500 invoiced and owed
    at_year_end = legal_spend(entries, options, as_of=FY2024[1])
    assert (at_year_end.total, at_year_end.unpaid) == (D("2700.00"), D("1500.00"))
    # paid on 20 April: owed nothing at the end of April, and nothing now
    assert legal_spend(entries, options, as_of=day(2024, 4, 30)).unpaid == 0
    assert legal_spend(entries, options).unpaid == 0
    # before the invoice: only August's 1,200
    assert legal_spend(entries, options, as_of=day(2024, 3, 19)).total == D("1200.00")
    r = run_cli("legal", "--books", str(path), "--as-of", "2024-03-31", "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert (data["as_of"], data["unpaid"]) == ("2024-03-31", "1500.00 GBP")


def test_a_conditional_award_is_income_when_its_conditions_are_met(tmp_path):
    """tests/test_accruals.py's books with the award conditional on permission to appeal,
    met on 1 March 2023: nothing is income in 2022 but the tranche received (4,400); in
    2023 the 5,000 EUR still due is income at 0.95 (4,750), and the second tranche of
    4,600 settles it (a 150 loss). The pack's policy note says so."""
    from reports.notes import notes

    path = tmp_path / "main.beancount"
    path.write_text(test_accruals.BOOKS.replace(
        'conditions: "none"', 'conditions: "permission to appeal"\n  conditions-met: 2023-03-01'))
    entries, options = load(path)
    s = sofa(entries, options, day(2022, 1, 1), day(2022, 12, 31), prior=False)
    assert s.row("income.charitable").restricted == D("4400.00")
    s = sofa(entries, options, day(2023, 1, 1), day(2023, 12, 31), prior=False)
    assert s.row("income.charitable").restricted == D("4750.00")
    assert s.row("gains").restricted == D("-150.00")
    policy = notes(entries, options, day(2023, 1, 1), day(2023, 12, 31)).section("policies")
    assert policy.rows[0][3:] == ["permission to appeal", "conditions met on 2023-03-01"]


def test_a_euro_grants_raised_is_the_funds_notes_income_and_its_loss_a_line(tmp_path):
    """tests/test_accruals.py's books over the grant's life: 10,000 EUR awarded at 0.95 is
    9,500 of income; the tranches came to 4,400 + 4,600 = 9,000, so 500 of exchange
    losses (350 + 150); 2,300 spent on solicitors; 9,500 - 500 - 2,300 = 6,700 left."""
    from reports.funds import reconcile

    path = tmp_path / "main.beancount"
    path.write_text(test_accruals.BOOKS)
    entries, options = load(path)
    s = sofa(entries, options, day(2022, 1, 1), day(2023, 12, 31), prior=False)
    note = next(m for m in s.funds if m.fund == "grant")
    assert (note.income, note.gains, note.expenditure) == (
        D("9500.00"), D("-500.00"), D("2300.00"))
    grant = next(f for f in reconcile(entries, options) if f.fund == "grant")
    assert (grant.raised_total, grant.gains, grant.legal_total, grant.other_spend) == (
        D("9500.00"), D("-500.00"), D("2300.00"), 0)
    assert grant.raised_total + grant.gains - grant.legal_total == grant.balance == D("6700.00")
    assert grant.to_json()["gains"] == "-500.00 GBP"


def test_the_fund_page_shows_the_exchange_loss_and_its_journal_adds_up(tmp_path):
    """The same grant on Fava's Funds page: raised 9,500 and a loss of 500 on its own row,
    each linking to a journal whose postings add up to it."""
    import html
    import re
    from urllib.parse import parse_qs, urlparse

    from fava.core.filters import AdvancedFilter
    from fava_support import EXTENSION_LINE, fava_app

    from ledger import funds as fundmodel
    from reports.classify import is_gain_or_loss
    from reports.fava_ext import trail

    path = tmp_path / "main.beancount"
    path.write_text(test_accruals.BOOKS + EXTENSION_LINE)
    entries, _options = load(path)
    app, slug = fava_app(path)
    page = app.test_client().get(f"/{slug}/extension/Funds/?fund=grant") \
        .get_data(as_text=True)
    row = re.search(r'<tr class="" data-field="gains">(.*?)</tr>', page, re.DOTALL).group(1)
    assert "500.00" in row
    link = html.unescape(re.search(r'href="([^"]+)"', row.split("</td>", 1)[1]).group(1))
    assert parse_qs(urlparse(link).query)["filter"] == [trail.journal_filter("gains", "grant")]

    def behind(field, counts):
        kept = AdvancedFilter(trail.journal_filter(field, "grant")).apply(entries)
        return sum((fundmodel.weight(p).number for e in kept for p in e.postings
                    if counts(p.account) and fundmodel.posting_fund(p, e) == "grant"), 0)

    assert behind("gains", is_gain_or_loss) == D("500.00")  # debits: a loss
    assert -behind("raised", lambda a: a.startswith("Income:") and not is_gain_or_loss(a)) \
        == D("9500.00")


def test_receipts_and_payments_by_class_add_up_with_an_exchange_difference(tmp_path):
    """tests/test_fx.py's books, first quarter of 2024: the general fund receives 500.00
    and 150 USD at 0.74 (111.00), pays 100 USD at 0.80 (80.00); the 50 USD left (31.00 as
    booked) is worth 40.00 at 31 March: 9.00 gained, the general fund's, so unrestricted
    cash goes 0 -> 500 + 111 - 80 + 9 = 540.00."""
    from tests import test_fx

    path = tmp_path / "main.beancount"
    path.write_text(test_fx.BOOKS)
    entries, options = load(path)
    r = receipts_payments(entries, options, *test_fx.Q1)
    assert r.exchange_by_class == {"unrestricted": D("9.00"), "restricted": 0,
                                   "endowment": 0}
    assert r.funds_carried_forward == {"unrestricted": D("540.00"), "restricted": 0,
                                       "endowment": 0}
    assert sum(r.funds_carried_forward.values()) == r.cash_carried_forward


def test_euros_banked_at_their_own_rate_count_once_at_the_closing_rate(tmp_path):
    """100 EUR given on 1 May 2023, booked @@ 85.00 GBP, into a euro account; the books'
    rate at 31 March 2024 is 0.90: the euros are worth 90.00, a 5.00 gain, and cash
    carried forward is the 5,000 opening balance's books plus 90.00, not plus 175.00."""
    euros = """
2023-04-01 open Assets:Bank:Euro EUR
2023-05-01 * "Bank" "Gift in euros"
  fund: "general"
  Assets:Bank:Euro              100.00 EUR @@ 85.00 GBP
  Income:Donations:Bank         -85.00 GBP
2024-03-31 price EUR 0.90 GBP
"""
    entries, options = load(write_first_year(tmp_path / "b", "receipts", extra=euros))
    r = receipts_payments(entries, options, *FY2024)
    assert next(x for x in r.receipts if x.key == "donations").unrestricted == D("2085.00")
    assert r.exchange_difference == D("5.00")
    assert r.cash_accounts["Assets:Bank:Euro"] == (0, D("90.00"))
    # 8,700 (the books without the euros) + 85 received + 5 gained
    assert r.cash_carried_forward == sum(r.funds_carried_forward.values()) == D("8790.00")


def test_the_sofa_workbook_has_the_prior_year_by_class_and_funds_that_add_up(tmp_path):
    """The first-year books, FY2025 (to 31 March 2025): the "SOFA (prior)" sheet is FY2024
    by class (gifts 2,000 / 3,000 / 10,000); tests/test_accruals.py's grant books, 2023:
    the funds note's row adds up with its 150.00 loss on its own column."""
    import openpyxl

    from reports import xlsx

    entries, options = load(write_first_year(tmp_path / "b"))
    path = xlsx.sofa_workbook(sofa(entries, options, *FY2025), tmp_path / "sofa.xlsx")
    wb = openpyxl.load_workbook(path)
    rows = {str(r[0]).strip(): r[1:] for r in wb["SOFA (prior)"].iter_rows(
        min_row=5, values_only=True) if r[0]}
    assert [D(str(v)) for v in rows["Donations and legacies"]] == [
        D("2000"), D("3000"), D("10000"), D("15000")]

    grant = tmp_path / "grant" / "main.beancount"
    grant.parent.mkdir()
    grant.write_text(test_accruals.BOOKS)
    entries, options = load(grant)
    path = xlsx.sofa_workbook(sofa(entries, options, day(2023, 1, 1), day(2023, 12, 31)),
                              tmp_path / "grant.xlsx")
    note = openpyxl.load_workbook(path)["Funds note"]
    header = [c.value for c in note[2]]
    row = next(dict(zip(header, r, strict=True)) for r in note.iter_rows(
        min_row=3, values_only=True) if r[0] == "grant")
    # 9,150 brought forward (9,500 awarded less the 350 lost on the first tranche), the
    # second tranche's 150 lost, 2,300 spent: 6,700
    assert {k: D(str(row[k])) for k in ("Brought forward", "Income", "Expenditure",
                                        "Gains/(losses)", "Carried forward")} == {
        "Brought forward": D("9150"), "Income": D("0"), "Expenditure": D("2300"),
        "Gains/(losses)": D("-150"), "Carried forward": D("6700")}


def test_a_note_for_no_year_or_an_unknown_note_is_refused_naming_its_line(tmp_path, cli):
    """The pack writes nothing and names the declaration's line."""
    bad = '2024-06-30 custom "fundledger-note" "reserves-policy" "Three months."\n  year: "next"\n'
    path = write_first_year(tmp_path / "b", extra=bad)
    out = tmp_path / "pack"
    r = cli("report", "pack", "--books", path, "--year", "2024", "-o", out)
    assert r.returncode == 1 and "main.beancount:" in r.stderr
    assert "year: 'next' is not a year like 2024" in r.stderr and not out.exists()
    path.write_text(path.read_text().replace('"reserves-policy"', '"reserve-policy"')
                    .replace('  year: "next"\n', ""))
    r = cli("report", "pack", "--books", path, "--year", "2024", "-o", out)
    assert r.returncode == 1 and "'reserve-policy' is not one of reserves-policy" in r.stderr
