"""The Funds page reads right (issue 18): one "as at" date for every table, budget lines
over 100% flagged in words, plain words instead of the books' codes, a fund in a state the
rules forbid shown as an error, and a funder-report link per grant on the Funds page.

Fava's real Flask app on real books (small books here, the demo's grant); the CLI in a
subprocess for its text output."""

from __future__ import annotations

import datetime
import html
import io
import re

import pytest
from beancount.core.data import Transaction
from fava_support import SMALL, fava_app, write_small
from openpyxl import load_workbook

from fundledger import demo_books
from ledger import books as ledger_books
from ledger import funds as fundmodel
from reports import words
from reports.funder import funder_report
from reports.funds import reconcile

# the leftover terms, a status and the fund page's old "case (restricted)"
CODES = ("return-to-platform", "release-to-unrestricted", "donate-to-charity", "closable",
         "(restricted)")

# Three more funds, one per leftover rule and class the small books do not have.
TERMS = SMALL + """
2018-01-01 custom "fund" "release" "restricted"
  title: "Released when done"
  purpose: "Expenses:Legal"
  terms: "release-to-unrestricted"
2018-01-01 custom "fund" "donate" "restricted"
  title: "Given away when done"
  purpose: "Expenses:Legal"
  terms: "donate-to-charity"
  charity: "Access to Justice Foundation"
2018-01-01 custom "fund" "reserve" "designated"
  title: "Reserve"
"""

# Books the fund rules forbid, as a mistaken edit would leave them: "gone" is closed at
# -20.00 (100 given, 120 paid, then closed); "short" is restricted and at -30.00.
BROKEN = SMALL + """
2018-01-01 custom "fund" "gone" "restricted"
  title: "Closed at minus twenty"
  purpose: "Expenses:Legal"
2018-01-01 custom "fund" "short" "restricted"
  title: "Below zero"
  purpose: "Expenses:Legal"

2018-03-01 * "PayPal" "Gift"
  fund: "gone"
  Assets:Bank:Current               100.00 GBP
  Income:Donations:PayPal          -100.00 GBP

2018-04-01 * "Firm LLP" "Fees"
  fund: "gone"
  Expenses:Legal:Solicitors         120.00 GBP
  Assets:Bank:Current              -120.00 GBP

2018-06-01 custom "fund-close" "gone"

2018-03-01 * "PayPal" "Gift"
  fund: "short"
  Assets:Bank:Current                50.00 GBP
  Income:Donations:PayPal           -50.00 GBP

2018-04-02 * "Firm LLP" "Fees"
  fund: "short"
  Expenses:Legal:Solicitors          80.00 GBP
  Assets:Bank:Current               -80.00 GBP
"""


def client_for(main):
    app, slug = fava_app(main)
    return app.test_client(), f"/{slug}/extension/Funds/"


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.data[:2000]
    return response.get_data(as_text=True)


def ours(page: str) -> str:
    """The extension's part of Fava's page, as text a person reads (no tags, unescaped)."""
    part = page.split('<div class="fl">', 1)[1]
    part = re.sub(r"<style>.*?</style>", "", part, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", part))


def as_at_dates(text: str) -> set[str]:
    return set(re.findall(r"as at (\d{4}-\d\d-\d\d)", text, re.IGNORECASE))


@pytest.fixture(scope="module")
def demo():
    entries, errors, options = ledger_books.load(demo_books.MAIN)
    assert errors == []
    grants = sorted({b.fund for b in fundmodel.declarations(entries)[1]})
    assert grants, "the demo books declare a grant with budget lines"
    return (*client_for(demo_books.MAIN), entries, options, grants)


# ---- one date -------------------------------------------------------------------------

def test_every_table_is_as_at_the_same_day_all_time(demo):
    client, page, entries, _options, grants = demo
    last = max(e.date for e in entries if isinstance(e, Transaction))
    day = max(datetime.date.today(), last).isoformat()
    assert as_at_dates(ours(get(client, page))) == {day}
    for fund in grants:
        text = ours(get(client, page + f"?fund={fund}"))
        # the figures, the closing check, the holdings and the budget: one date
        assert as_at_dates(text) == {day}
        assert f"Budget against actual, as at {day}" in " ".join(text.split())


@pytest.mark.parametrize("year", [2019, 2020])
def test_every_table_is_as_at_the_time_filter_end(demo, year):
    client, page, _entries, _options, grants = demo
    end = f"{year}-12-31"
    assert as_at_dates(ours(get(client, page + f"?time={year}"))) == {end}
    for fund in grants:
        text = " ".join(ours(get(client, page + f"?fund={fund}&time={year}")).split())
        assert as_at_dates(text) == {end}
        assert f"to {end}, in" in text  # the budget table's period ends there too


# ---- over budget ----------------------------------------------------------------------

def _budget_rows(page: str) -> dict[str, str]:
    """{budget line: the <tr ...> tag and its cells' text}."""
    table = page.split('class="budget"')[1].split("</table>")[0]
    return {html.unescape(m.group(1)): m.group(0) for m in
            re.finditer(r'<tr data-line="([^"]*)"[^>]*>.*?</tr>', table, re.DOTALL)}


def test_budget_lines_over_100_percent_are_flagged_in_words(demo):
    client, page, entries, options, grants = demo
    flagged = 0
    for fund in grants:
        rows = _budget_rows(get(client, page + f"?fund={fund}"))
        last = max(e.date for e in entries if isinstance(e, Transaction))
        report = funder_report(entries, options, fund, None,
                               max(datetime.date.today(), last))
        for line in report.lines:
            if not (line.budgeted or line.spent_gbp):
                continue
            over = bool(line.budget) and line.over
            row = rows[line.line]
            assert ('class="over"' in row) == over, line.line
            assert ("over budget" in row) == over, line.line
            flagged += over
    assert flagged, "the demo grant has a line spent beyond its budget"


# ---- words, not codes -----------------------------------------------------------------

def test_plain_words_replace_codes_on_the_funds_page_and_fund_pages(tmp_path):
    client, page = client_for(write_small(tmp_path / "b", TERMS))
    listed = ours(get(client, page))
    for code in CODES:
        assert code not in listed, code
    for code in fundmodel.FUND_CLASSES[:3]:  # the small books have no endowment
        assert words.fund_class(code) in listed, code
    expected = {"case": "If money is left returned to the crowdfunding platform",
                "release": "If money is left released to general funds",
                "donate": "If money is left given to Access to Justice Foundation"}
    for fund, sentence in expected.items():
        text = " ".join(ours(get(client, page + f"?fund={fund}")).split())
        for code in CODES:
            assert code not in text, (fund, code)
        assert sentence in text, fund


def test_cli_funds_table_prints_words_not_codes(tmp_path, cli):
    main = write_small(tmp_path / "b", TERMS)
    result = cli("funds", "--books", main)
    assert result.returncode == 0, result.stderr
    for code in ("return-to-platform", "release-to-unrestricted", "donate-to-charity"):
        assert code not in result.stdout
    assert "If money is left: released to general funds" in result.stdout
    assert "If money is left: given to Access to Justice Foundation" in result.stdout
    assert "set aside by the trustees (designated)" in result.stdout
    checked = cli("check", main)
    assert checked.returncode == 0, checked.stdout
    assert "set aside by the trustees (designated)" in checked.stdout
    # the machine outputs keep the codes other tools match on
    as_json = cli("funds", "--books", main, "--format", "json")
    assert '"terms": "release-to-unrestricted"' in as_json.stdout


# ---- impossible states ----------------------------------------------------------------

def test_a_fund_in_a_forbidden_state_is_an_error_not_closed(tmp_path):
    main = write_small(tmp_path / "b", BROKEN)
    entries, errors, options = ledger_books.load(main)
    assert errors, "the plugin refuses these books"
    by_id = {s.fund: s for s in reconcile(entries, options)}
    assert by_id["gone"].balance == -20 and by_id["gone"].status == "error"
    assert by_id["short"].balance == -30 and by_id["short"].status == "error"

    client, page = client_for(main)  # Fava still shows its pages, with the errors
    listing = get(client, page)
    for fund, balance in (("gone", "-20.00"), ("short", "-30.00")):
        row = re.search(rf'<tr data-fund="{fund}">.*?</tr>', listing, re.DOTALL).group(0)
        assert "status-error" in row and "error in the books" in row
        assert "status-closed" not in row and ">closed<" not in row
        assert balance in row
        text = " ".join(ours(get(client, page + f"?fund={fund}")).split())
        assert "This fund is in a state the books do not allow" in text
    text = " ".join(ours(get(client, page + "?fund=gone")).split())
    assert "closed on 2018-06-01 but its balance is -£20.00" in text
    assert "Closed on 2018-06-01." not in text


# ---- the funder report from the Funds page --------------------------------------------

def test_funds_page_links_each_grant_to_its_funder_report(demo):
    client, page, _entries, _options, grants = demo
    listing = get(client, page)
    rows = dict(re.findall(r'<tr data-fund="([^"]+)">(.*?)</tr>', listing, re.DOTALL))
    for fund, row in rows.items():
        links = re.findall(r'class="funder-report"[^>]*href="([^"]+)"', row)
        assert len(links) == (1 if fund in grants else 0), fund
    for fund in grants:
        href = html.unescape(re.search(r'class="funder-report"[^>]*href="([^"]+)"',
                                       rows[fund]).group(1))
        response = client.get(href)
        assert response.status_code == 200
        summary = load_workbook(io.BytesIO(response.data))["Summary"]
        assert any(fund in str(c.value) for row in summary.iter_rows() for c in row
                   if c.value), fund


def test_a_fund_in_another_currency_says_so_on_its_page(demo):
    """The Lumen grant is in euros and the books in pounds: its page says so before the
    figures (in pounds as received); a fund in pounds says nothing of it."""
    client, page, *_rest = demo
    grant = " ".join(ours(get(client, page + "?fund=lumen-grant")).split())
    assert "Fund currency EUR (amounts below in GBP as received)" in grant
    general = " ".join(ours(get(client, page + "?fund=general")).split())
    assert "Fund currency" not in general
