"""The audit trail from the SOFA and the funder report: in Fava (the extension's Statements
page), every figure links to Fava's journal of the entries behind it, and the postings
there add up to the figure. Each test follows the page's own links through real Fava."""

from __future__ import annotations

import datetime
import html
import json
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from beancount.core.data import Transaction
from click.testing import CliRunner
from fava_support import SMALL, fava_app, statement_tables, write_small

from fundledger import demo_books
from fundledger.cli import cli
from ledger import funds as fundmodel
from reports import classify
from reports.sofa import income_headings, income_line

D = Decimal
ZERO = D(0)


@pytest.fixture(scope="module")
def fava():
    app, slug = fava_app(demo_books.MAIN)
    return app, slug, app.test_client()


def figures(page: str, row_attr: str):
    """(row key, column, figure text, link or None) of every figure cell with a column."""
    for row, body in re.findall(rf'<tr {row_attr}="([^"]*)"[^>]*>(.*?)</tr>', page, re.DOTALL):
        for column, cell in re.findall(r'<td class="num" data-(?:column|field)="([^"]+)">(.*?)</td>',
                                       body, re.DOTALL):
            link = re.search(r'href="([^"]+)"', cell)
            text = re.sub(r"<[^>]+>", "", cell).strip()
            yield html.unescape(row), column, text, html.unescape(link.group(1)) if link else None


def amount(text: str) -> Decimal:
    return D(text.replace(",", ""))


def journal(fava, link: str):
    """Follow the link in Fava, then the transactions Fava's journal shows for it."""
    app, slug, client = fava
    assert client.get(link).status_code == 200
    args = {k: v[0] for k, v in parse_qs(urlparse(link).query).items()}
    assert urlparse(link).path == f"/{slug}/journal/"
    with app.test_request_context():
        ledger = app.config["LEDGERS"][slug]
        kept = ledger.get_filtered(filter=args.get("filter"), time=args.get("time"))
        return [e for e in kept.entries if isinstance(e, Transaction)], ledger.all_entries


def sofa_counts(section_key: str, column: str, posting, txn, fund_class: str, fund: str,
                headings) -> int:
    """+1 / -1 if the posting adds to / takes from this SOFA figure, 0 if not its own.
    Written from SORP's rules as the SOFA states them (income and expenditure positive,
    a returned leftover counted as expenditure), not from the page's filters."""
    if column != "total" and classify.sofa_column(fund_class) != column:
        return 0
    account = posting.account
    returned = txn.meta.get("leftover") == "returned"
    income = account.startswith("Income:") and not returned \
        and not classify.is_gain_or_loss(account)
    spent = account.startswith("Expenses:") or (account.startswith("Income:") and returned)
    section, _dot, heading = section_key.partition(".")
    if section == "income":
        return -1 if income and heading in ("total", income_line(account, fund, headings)) \
            else 0
    if section == "expenditure":
        if not spent:
            return 0
        own = classify.RETURNED_HEADING if returned and account.startswith("Income:") \
            else classify.expenditure_heading(account)
        return 1 if heading in ("total", own) else 0
    if section_key == "net":
        return -1 if income or spent else 0
    if section_key == "gains":
        return -1 if classify.is_gain_or_loss(account) else 0
    if section_key == "transfers":  # an opening balance is brought forward, not a transfer
        return -1 if account.startswith("Equity:Funds:") \
            and account != fundmodel.OPENING_ACCOUNT else 0
    return -1  # movement, funds brought and carried forward: every fund posting


def period_of(key: str, year: int) -> tuple[datetime.date, datetime.date]:
    """The days a figure of the calendar year's SOFA covers (the demo's year ends 31 Dec)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if key == "bf":
        return datetime.date.min, start - datetime.timedelta(days=1)
    if key == "cf":
        return datetime.date.min, end
    return start, end


def check_sofa_page(fava, year: int, unlinked=(), comparatives: bool = False) -> int:
    """Follow every figure's link on the year's SOFA page; returns how many were checked.
    unlinked: the (row, column) figures that may have no link though not nil.
    comparatives: check the prior year's table by fund class instead."""
    _app, slug, client = fava
    page = client.get(f"/{slug}/extension/Statements/?year={year}").get_data(as_text=True)
    assert f"{year}-01-01 to {year}-12-31" in page
    checked = 0
    if comparatives:
        year -= 1
    for key, column, text, link in figures(page, "data-prior-row" if comparatives
                                           else "data-row"):
        figure = amount(text)
        if link is None:
            # Only a nil figure goes without a trail, or one the test says has none.
            assert figure == 0 or (key, column) in unlinked, (year, key, column)
            continue
        txns, entries = journal(fava, link)
        declared, _b, _e = fundmodel.declarations(entries)
        headings = income_headings(entries)
        first, last = period_of(key, year - (column == "prior"))
        total = ZERO
        for txn in txns:
            if str(txn.meta.get("filename", "")).startswith("<"):
                continue  # Fava's own summary of the period's opening balances and conversions
            assert first <= txn.date <= last, (year, key, column, txn.date)
            own = False
            for p in txn.postings:
                fund = fundmodel.posting_fund(p, txn)
                if not fundmodel.is_fund_account(p.account) or fund not in declared:
                    continue
                sign = sofa_counts(key, "total" if column == "prior" else column, p, txn,
                                   declared[fund].fund_class, fund, headings)
                own = own or sign != 0
                w = fundmodel.weight(p)
                if w.currency == "GBP":  # a foreign amount restated in pounds nets to nothing
                    total += sign * w.number
            assert own, (year, key, column, txn)  # nothing shown that the figure leaves out
        assert total == figure, (year, key, column, link)
        checked += 1
    if comparatives:
        return checked
    for fund, key, text, link in figures(page, "data-fund"):  # the funds note
        figure = amount(text)
        if link is None:
            assert figure == 0 or (key, fund) in unlinked, (year, fund, key)
            continue
        txns, entries = journal(fava, link)
        declared, _b, _e = fundmodel.declarations(entries)
        first, last = period_of(key, year)
        total = ZERO
        for txn in txns:
            if str(txn.meta.get("filename", "")).startswith("<"):
                continue
            assert first <= txn.date <= last, (year, fund, key, txn.date)
            own = False
            for p in txn.postings:
                if fundmodel.posting_fund(p, txn) != fund \
                        or not fundmodel.is_fund_account(p.account):
                    continue
                sign = sofa_counts(key, "total", p, txn, declared[fund].fund_class, fund,
                                   income_headings(entries))
                own = own or sign != 0
                w = fundmodel.weight(p)
                if w.currency == "GBP":
                    total += sign * w.number
            assert own, (year, fund, key, txn)
        assert total == figure, (year, fund, key, link)
        checked += 1
    return checked


@pytest.mark.parametrize("year", [2017, 2019, 2022, 2024])
def test_every_sofa_figure_links_to_a_journal_that_adds_up_to_it(fava, year):
    assert check_sofa_page(fava, year) >= 12


@pytest.mark.parametrize("year", [2019, 2024])
def test_the_prior_year_by_fund_class_links_to_journals_that_add_up(fava, year):
    """The comparatives table: each class's figure of the year before, its journal."""
    assert check_sofa_page(fava, year, comparatives=True) >= 8


# A leftover returned under the fund's terms (expenditure, not negative income), and
# entries on the first and last days of the year and the day before it.
EDGES = SMALL + """
2018-12-31 * "PayPal" "Donation on the last day of 2018"
  fund: "general"
  Assets:Bank:Current                25.00 GBP
  Income:Donations:PayPal           -25.00 GBP

2019-01-01 * "Platform" "Pledges on the first day of 2019"
  fund: "case"
  Assets:Held:Firm                  190.00 GBP
  Expenses:Fees:Platform             10.00 GBP
  Income:Crowdfunding:Platform     -200.00 GBP

2019-12-31 * "Platform" "Unspent pledges returned under the fund's terms"
  fund: "case"
  leftover: "returned"
  Income:Crowdfunding:Platform      120.00 GBP
  Assets:Held:Firm                 -120.00 GBP
"""


def test_a_returned_leftover_and_the_years_edges_are_traced_exactly(tmp_path):
    app, slug = fava_app(write_small(tmp_path / "books", EDGES))
    fava = (app, slug, app.test_client())
    page = app.test_client().get(f"/{slug}/extension/Statements/?year=2019") \
        .get_data(as_text=True)
    returned = re.search(r'<tr data-row="expenditure.returned".*?data-column="restricted">'
                         r'<a href="[^"]+">([^<]+)</a>', page, re.DOTALL)
    assert returned and amount(returned.group(1)) == D("120.00")
    assert check_sofa_page(fava, 2019) >= 10


def test_an_opening_balance_inside_the_year_is_brought_forward_without_a_link(tmp_path):
    """Books that begin inside the year bring the statement's first balance forward on
    Equity:Funds:Opening: no journal of the days before the year holds it, so brought
    forward has no link; carried forward still adds up from its journal."""
    text = SMALL + """
2019-02-01 * "Bank" "Balance brought forward from the statement"
  fund: "general"
  Assets:Bank:Current               500.00 GBP
  Equity:Funds:Opening             -500.00 GBP
"""
    app, slug = fava_app(write_small(tmp_path / "books", text))
    fava = (app, slug, app.test_client())
    unlinked = {("bf", "unrestricted"), ("bf", "total"), ("bf", "general")}
    assert check_sofa_page(fava, 2019, unlinked) >= 8
    page = app.test_client().get(f"/{slug}/extension/Statements/?year=2019") \
        .get_data(as_text=True)
    carried = re.search(r'<tr data-row="cf".*?data-column="unrestricted"><a href', page,
                        re.DOTALL)
    assert carried is not None


def test_funder_report_figures_link_to_their_spend_and_tranches(fava):
    _app, slug, client = fava
    page = client.get(f"/{slug}/extension/Statements/?fund=lumen-grant").get_data(as_text=True)
    checked = 0
    for line, field, text, link in figures(page, "data-line"):
        assert field == "spent_gbp" and link, (line, text)
        txns, _entries = journal(fava, link)
        total = ZERO
        for txn in txns:
            for p in txn.postings:
                if not p.account.startswith("Expenses:") \
                        or fundmodel.posting_fund(p, txn) != "lumen-grant":
                    continue
                own = (p.meta or {}).get("budget-line") or txn.meta.get("budget-line")
                if not line or own == line:
                    total += fundmodel.weight(p).number
        assert total == amount(text), (line, link)
        checked += 1
    assert checked == 5  # four budget lines and the total
    received = re.search(r'data-field="received">\s*<a href="([^"]+)">([^<]+)</a>', page)
    txns, _entries = journal(fava, html.unescape(received.group(1)))
    got = sum((-p.units.number for t in txns for p in t.postings
               if p.account.startswith("Income:") and p.units.currency == "EUR"
               and fundmodel.posting_fund(p, t) == "lumen-grant"), ZERO)
    assert got == amount(received.group(2)) == D("60000.00")


def test_statements_page_refuses_what_is_not_a_grant_or_a_year(fava):
    _app, slug, client = fava
    assert client.get(f"/{slug}/extension/Statements/?fund=general").status_code == 404
    assert client.get(f"/{slug}/extension/Statements/?year=20x4").status_code == 404


def cli_json(books, name: str, year: int) -> dict:
    done = CliRunner().invoke(cli, ["report", name, "--books", str(books), "--year",
                                    str(year), "--format", "json"], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    return json.loads(done.output, parse_float=D)


def test_statements_page_shows_the_balance_sheet_and_receipts_and_payments_the_cli_gives(
        fava):
    """The Statements page's balance sheet and receipts and payments accounts for the
    demo's 2024 are the figures `fundledger report ... --format json` gives."""
    _app, slug, client = fava
    page = client.get(f"/{slug}/extension/Statements/?year=2024").get_data(as_text=True)
    bs = cli_json(demo_books.MAIN, "balance-sheet", 2024)
    sheet = statement_tables(page, "balance-sheet")
    lines = {k: v.get("At 2024-12-31") for k, v in
             sheet["Balance sheet at 2024-12-31 (GBP)"].items()}
    assert lines["Total net assets"] == D(bs["net_assets"])
    assert lines["Total funds"] == D(bs["total_funds"])
    assert lines["Cash at bank and in hand"] == D(bs["assets"]["cash_at_bank"])
    assert lines["Held by solicitors in client account"] == D(
        bs["assets"]["held_by_solicitors"])
    funds = sheet["Funds of the charity"]
    assert {f: v["Balance at 2024-12-31"] for f, v in funds.items() if f != "Total"} == {
        f["fund"]: D(f["balance"]) for f in bs["fund_balances"]}
    analysis = sheet["Analysis of net assets between funds"]["Net assets"]
    assert analysis["Total"] == D(bs["net_assets"])

    rp = cli_json(demo_books.MAIN, "receipts-payments", 2024)
    account = statement_tables(page, "receipts-payments")[
        "Receipts and payments accounts, 2024-01-01 to 2024-12-31 (GBP)"]
    assert account["Total receipts"]["Total"] == D(rp["total_receipts"])
    assert account["Total payments"]["Total"] == D(rp["total_payments"])
    assert account["Cash brought forward"]["Total"] == D(rp["cash_brought_forward"])
    assert account["Cash carried forward"]["Total"] == D(rp["cash_carried_forward"])
    assert account["Total receipts"]["Prior year to 2023-12-31"] == D(
        rp["prior"]["total_receipts"])


def test_a_refused_statement_is_shown_as_its_message_not_an_error_page(tmp_path):
    """Money held in a currency with no rate: the balance sheet refuses, and the page
    (200, not an error page) says why in its place, in the CLI's words."""
    text = SMALL + """
2019-01-01 open Assets:Bank:Dollars USD
2019-01-01 open Income:Donations:Dollars USD
2019-04-01 * "PayPal" "Donation in dollars"
  fund: "general"
  Assets:Bank:Dollars                40.00 USD
  Income:Donations:Dollars          -40.00 USD
"""
    books = write_small(tmp_path / "books", text)
    app, slug = fava_app(books)
    response = app.test_client().get(f"/{slug}/extension/Statements/?year=2019")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    done = CliRunner().invoke(cli, ["report", "balance-sheet", "--books", str(books),
                                    "--year", "2019"])
    assert done.exit_code == 1
    refusal = statement_tables(page, "balance-sheet")
    assert list(refusal) == ["refusal"]
    (message,) = refusal["refusal"]
    assert "USD" in message and message in done.output
