"""The Funds page in a real browser: `fundledger serve` in a subprocess, Playwright driving
Debian's chromium. Loads the Funds page, opens a fund, downloads a report and checks it
against reports.funds.reconcile on the same books; screenshots at desktop and phone widths
go to test-output/screenshots/."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from browser_support import OUTSIDE, SCREENSHOTS, browser, fava_server, screenshot_path
from fava_support import amount

from ledger import books as ledger_books
from ledger import funds as fundmodel
from reports.funds import reconcile

D = Decimal

DESKTOP = {"width": 1280, "height": 800}
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


def shoot(page, name: str, part: str | None = None) -> None:
    """Save the whole page, or one part of it (a CSS selector): Fava scrolls inside its
    <article>, so a full-page screenshot would stop at the window (and a part scrolled
    into view would sit under Fava's floating phone buttons); the window is made as tall
    as the article first."""
    size = page.viewport_size
    height = page.evaluate("() => { const a = document.querySelector('article');"
                           " return a.getBoundingClientRect().top + a.scrollHeight; }")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"],
                                                                   int(height) + 20)})
    if part is None:
        page.screenshot(path=screenshot_path(name), full_page=True)
    else:
        page.locator(part).screenshot(path=screenshot_path(name))
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

    # Open the fund with the most legal spend, through Fava's own client-side router.
    fund = max(summaries, key=lambda s: s.legal_total)
    page.locator(f"tr[data-fund='{fund.fund}'] a").first.click()  # its name; a grant has a funder-report link too
    page.locator("h2", has_text=fund.title).wait_for()
    assert f"fund={fund.fund}" in page.url
    balance = page.locator("tr[data-field=balance] td.num").last.inner_text()
    assert amount(balance) == fund.balance
    firms = page.locator("table.legal-by-year tbody tr td:first-child").all_inner_texts()
    assert set(firms) == {*fund.legal_by_firm, "Total"}
    assert page.locator(".charts svg").count() >= 2

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


# ---- widths: a phone and a desktop (issue 18) ----------------------------------------


def assert_fits(page, scope: str) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    article = page.evaluate("() => { const a = document.querySelector('article');"
                            " return [a.scrollWidth, a.clientWidth]; }")
    assert article[0] <= article[1], article
    assert page.evaluate(OUTSIDE, scope) == []


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    return (locator.is_visible() and box is not None and box["x"] >= 0
            and box["x"] + box["width"] <= width)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_step_at_desktop_and_phone_width(chromium, served, demo, size):
    """Funds page, each fund's page, the funder report and the Import page at 1280x800
    and 390x844: on a phone each fund's name, status and balance are on screen with no
    sideways scroll and nothing on any of the pages is clipped; on a desktop the Funds
    page is still one table with every column on screen. Screenshots of each step go
    to test-output/screenshots/."""
    server, summaries = served
    phone = size == "phone"
    context = chromium.new_context(viewport=PHONE if phone else DESKTOP,
                                   is_mobile=phone, has_touch=phone, accept_downloads=True)
    page = context.new_page()
    page.goto(server.funds_url)
    page.locator("table.funds-table").wait_for()
    assert set(_rows(page)) == {s.fund for s in summaries}
    for s in summaries:
        row = page.locator(f"tr[data-fund='{s.fund}']")
        for cell in ("td.fund-name a >> nth=0", "td.fund-status .status",
                     "td[data-field=balance]"):
            assert in_view(page, row.locator(cell)), (s.fund, cell)
    header = page.evaluate("() => getComputedStyle("
                           "document.querySelector('table.funds-table thead')).display")
    if phone:
        assert header == "none"  # each fund is a card of label/value pairs
        assert_fits(page, ".fl *")
    else:
        assert header == "table-header-group"  # the desktop still reads one table
        assert page.evaluate(OUTSIDE, "table.funds-table th") == []
    shoot(page, f"fava-funds-{size}")

    # The funder report is offered on the Funds page, and is the grant's workbook.
    grant = next(b.fund for b in fundmodel.declarations(ledger_books.load(demo)[0])[1])
    link = page.locator(f"tr[data-fund='{grant}'] a.funder-report")
    assert in_view(page, link)
    with page.expect_download() as info:
        link.click()
    assert info.value.suggested_filename == f"funder-{grant}.xlsx"

    for s in summaries:
        page.goto(server.funds_url + f"?fund={s.fund}")
        page.locator("h2", has_text=s.title).wait_for()
        if phone:
            assert_fits(page, ".fl *")
        else:
            assert page.evaluate(OUTSIDE, ".fl table") == []
        if s.fund == grant:
            shoot(page, f"fava-fund-{size}")
            shoot(page, f"fava-funder-report-{size}", "#budget")
            assert page.locator("table.budget .over-flag").count() >= 1

    page.goto(server.base + "/import/")
    page.locator("article h2", has_text="Importable Files").wait_for()
    page.locator("article form").first.wait_for()
    assert_fits(page, "article *")
    shoot(page, f"fava-import-{size}")
    context.close()
