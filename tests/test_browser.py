"""The Funds page in a real browser: `fundledger serve` in a subprocess, Playwright driving
Debian's chromium. Loads the Funds page, opens a fund, downloads a report and checks it
against reports.funds.reconcile on the same books; screenshots at desktop and phone widths
go to test-output/screenshots/."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from browser_support import SCREENSHOTS, browser, fava_server, screenshot_path
from fava_support import amount

from ledger import books as ledger_books
from reports.funds import reconcile

D = Decimal

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


@pytest.fixture
def served(demo):
    """A fresh copy of the demo books served by `fundledger serve`, and their funds."""
    entries, errors, options = ledger_books.load(demo)
    assert errors == []
    with fava_server(str(demo)) as server:
        yield server, reconcile(entries, options)


def shoot(page, name: str) -> None:
    """Save the whole page: Fava scrolls inside its <article>, so a full-page screenshot
    would stop at the window; the window is made as tall as the article first."""
    size = page.viewport_size
    height = page.evaluate("() => { const a = document.querySelector('article');"
                           " return a.getBoundingClientRect().top + a.scrollHeight; }")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"],
                                                                   int(height) + 20)})
    page.screenshot(path=screenshot_path(name), full_page=True)
    page.set_viewport_size(size)


def _rows(page) -> dict[str, dict[str, Decimal]]:
    rows = {}
    for tr in page.locator("table.funds-table tbody tr").all():
        fund = tr.get_attribute("data-fund")
        rows[fund] = {field: amount(tr.locator(f"td[data-field={field}]").inner_text())
                      for field in ("raised", "legal", "balance")}
    return rows


def test_funds_page_fund_page_and_download(chromium, served, tmp_path):
    server, summaries = served
    context = chromium.new_context(viewport=DESKTOP, accept_downloads=True)
    page = context.new_page()
    page.goto(server.funds_url)
    page.locator("table.funds-table").wait_for()
    # Fava's own frame is around it: the sidebar links to the Funds page.
    assert page.locator("aside a", has_text="Funds").count() == 1
    rows = _rows(page)
    assert rows == {s.fund: {"raised": s.raised_total, "legal": s.legal_total,
                             "balance": s.balance} for s in summaries}
    shoot(page, "fava-funds-desktop")

    # Open the fund with the most legal spend, through Fava's own client-side router.
    fund = max(summaries, key=lambda s: s.legal_total)
    page.locator(f"tr[data-fund='{fund.fund}'] a").click()
    page.locator("h2", has_text=fund.title).wait_for()
    assert f"fund={fund.fund}" in page.url
    balance = page.locator("tr[data-field=balance] td.num").last.inner_text()
    assert amount(balance) == fund.balance
    firms = page.locator("table.legal-by-year tbody tr td:first-child").all_inner_texts()
    assert set(firms) == {*fund.legal_by_firm, "Total"}
    assert page.locator(".charts svg").count() >= 2
    shoot(page, "fava-fund-desktop")

    # Back to the list and download the funds report: it is what reconcile says.
    page.locator("a", has_text="All funds").click()
    page.locator("table.funds-table").wait_for()
    with page.expect_download() as info:
        page.locator(".downloads a", has_text="Funds (CSV)").click()
    download = info.value
    assert download.suggested_filename == "funds.csv"
    saved = SCREENSHOTS.parent / "downloads" / "funds.csv"
    download.save_as(saved)
    rows = {r["fund"]: r for r in csv.DictReader(io.StringIO(saved.read_text()))}
    assert {f: (D(r["raised total"]), D(r["legal total"]), D(r["balance"]))
            for f, r in rows.items()} == {
        s.fund: (s.raised_total, s.legal_total, s.balance) for s in summaries}
    context.close()


def test_time_filter_in_fava_header(chromium, served):
    """Typing a year into Fava's time filter reloads the Funds page for that year."""
    server, _summaries = served
    context = chromium.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(server.funds_url)
    page.locator("table.funds-table").wait_for()
    before = _rows(page)
    time_input = page.locator("header input[name=time], header input[placeholder*='ime']")
    time_input.first.fill("2018")
    time_input.first.press("Enter")
    page.wait_for_url("**time=2018**")
    page.locator("p.note", has_text="2018-12-31").wait_for()
    after = _rows(page)
    assert set(after) < set(before)  # funds opened after 2018 are not listed
    assert after != {f: before[f] for f in after}
    shoot(page, "fava-funds-2018-desktop")
    context.close()


def test_phone_width(chromium, served):
    server, summaries = served
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(server.funds_url)
    page.locator("table.funds-table").wait_for()
    assert set(_rows(page)) == {s.fund for s in summaries}
    shoot(page, "fava-funds-phone")
    fund = summaries[0]
    page.goto(server.funds_url + f"?fund={fund.fund}")
    page.locator("h2", has_text=fund.title).wait_for()
    shoot(page, "fava-fund-phone")
    context.close()
