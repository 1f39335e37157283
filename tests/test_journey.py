"""The treasurer's year, end to end, in a real browser (issue 25: the test that would have
caught it).

Books made by `fundledger init`; Fava as `fundledger serve` runs it, driven in Debian's
chromium. The treasurer types the fund declarations, two rules and the grant tranche in
Fava's editor, uploads four exports written from published layouts (tests/fixtures/
journey/SOURCES.md: a Lloyds statement with payments out, a UK PayPal download with a USD
payment and its currency conversion, a crowdfunder export, a solicitors' invoices file),
Extracts and Saves each on the Import page, classifies the USD payment with a rule, then
reads the Funds page and the Statements page (the SOFA, balance sheet and receipts
and payments, on a desktop and a phone), downloads the funder report, and closes, locks and
publishes from the CLI. The same year done with the CLI alone gives identical books.

Worked by hand (GBP):
  Lloyds: balance before the statement 1,000.00 (opening funds, general) - 5.00 fee
    + 8,600.00 grant tranche (10,000.00 EUR, typed; the statement row skipped by a rule)
    - 528.00 court fees (grant, by a rule) - 8.50 charges + 200.00 from PayPal = 9,258.50.
  PayPal: gifts 50 + 80 + 60 + 70 + 40 = 300.00 from five donors, fees 1.65 + 2.42 +
    2.00 + 2.21 + 1.52 = 9.80, - 19.20 (USD 24.00 hosting, converted at 0.80) - 200.00 to
    the bank = 71.00.
  Crowdfunder: pledges 100 + 240 + 60 + 40 + 60 = 500.00; platform fees 25.00, payment
    fees 7.50; the 467.50 paid out to Harbour & Vale's client account pays invoice HV-J1
    (300.00 + 107.50 court fee + 60.00 VAT = 467.50): balance 0.00, closable.
  general: 1,000.00 + 300.00 - 9.80 - 5.00 - 8.50 - 19.20 = 1,257.50
  lumen-grant: 8,600.00 - 528.00 = 8,072.00; in EUR the 528.00 is 528.00 / 0.86 = 613.95.
  Total funds 9,329.50 = 9,258.50 + 71.00. 2024: income 300.00 + 500.00 + 8,600.00 =
  9,400.00, expenditure 42.50 (9.80 + 13.50 + 19.20) + 500.00 + 528.00 = 1,070.50;
  receipts and payments the same, cash brought forward 1,000.00 (the statement's balance
  brought forward, not a receipt), carried forward 9,329.50.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from browser_support import OUTSIDE, browser, fava_server, screenshot_path
from conftest import ROOT, cli_env, run_cli
from fava_support import funds_table, statement_tables

EXPORTS = ROOT / "tests" / "fixtures" / "journey"
FILES = ["lloyds-2024.csv", "paypal-2024.csv", "casefunder-jr-2024.csv",
         "harbour-vale-invoices.csv"]

# What the treasurer types in Fava's editor, file by file (appended to what init wrote).
FUNDS = """\
2024-01-01 custom "fund" "crowdfunder" "restricted"
  title: "Judicial review crowdfunder"
  purpose: "Expenses:Legal, Expenses:Fees"
  terms: "return-to-platform"
2024-01-01 custom "fund" "lumen-grant" "restricted"
  title: "Lumen Foundation litigation grant"
  purpose: "Expenses:Legal, Expenses:Fees"
  currency: "EUR"
  terms: "release-to-unrestricted"
2024-01-01 custom "fund-budget" "lumen-grant" "Solicitors" 10000.00 EUR
2024-01-01 custom "fundledger-source" "casefunder" "crowdfunder"
  campaign: "jr-2024"
  transfer: "Assets:Held:Harbour-Vale"
"""
BANK_RULES = """\
2024-01-01 custom "fundledger-rule" "bank-lloyds"
  pattern: "LUMEN FOUNDATION"
  sign: "credit"
  kind: "skip"
2024-01-01 custom "fundledger-rule" "bank-lloyds"
  pattern: "HMCTS"
  sign: "debit"
  account: "Expenses:Legal:CourtFees"
  fund: "lumen-grant"
"""
TRANCHE = """\
2017-01-01 open Assets:Bank:Lloyds
2017-01-01 open Income:Grants:Lumen
2024-02-01 * "Lumen Foundation" "Grant tranche 1 of the litigation grant"
  fund: "lumen-grant"
  Assets:Bank:Lloyds        8600.00 GBP
  Income:Grants:Lumen     -10000.00 EUR @@ 8600.00 GBP
"""
PAYPAL_RULE = """\
2024-01-01 custom "fundledger-rule" "paypal"
  column: "Type"
  values: "PreApproved Payment Bill User Payment"
  sign: "debit"
  account: "Expenses:Running:Hosting"
"""
# The solicitors' client-account statement and the platform's statement at the year end.
STATEMENTS = """\
2024-12-31 balance Assets:Held:Harbour-Vale      0.00 GBP
2024-12-31 balance Assets:Platforms:CaseFunder   0.00 GBP
"""
BALANCES = {"general": Decimal("1257.50"), "crowdfunder": Decimal("0.00"),
            "lumen-grant": Decimal("8072.00")}
# 2024 on the receipts basis: the statement's 1,000.00 brought forward is cash brought
# forward, not a receipt; 1,000.00 + 9,400.00 - 1,070.50 = 9,329.50 carried forward.
RECEIPTS_PAYMENTS = {"Total receipts": Decimal("9400.00"),
                     "Total payments": Decimal("1070.50"),
                     "Cash brought forward": Decimal("1000.00"),
                     "Cash carried forward": Decimal("9329.50")}


def init(folder: Path, env: dict) -> Path:
    made = run_cli("init", folder, "--name", "Test Group", "--start", "2017-01-01", env=env)
    assert made.returncode == 0, made.stderr
    return folder


def typed(folder: Path, rel: str, text: str) -> None:
    """The CLI treasurer's way of typing: the same text at the end of the same file."""
    path = folder / rel
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).parts[0] not in ("exports", "site")
            and "__pycache__" not in p.parts}


def type_in_editor(page, base: str, path: Path, text: str) -> None:
    """Open the file in Fava's editor, go to its end, paste the text, save (Ctrl+S)."""
    page.goto(f"{base}/editor/?file_path={path}")
    page.locator(".cm-content").wait_for()
    page.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.insert_text(text)
    page.keyboard.press("Control+s")
    page.get_by_role("button", name="Save").and_(page.locator("[disabled]")).wait_for()
    assert path.read_text(encoding="utf-8").endswith(text)


def extract(page, name: str) -> None:
    """On the Import page, Extract the uploaded file `name` with the importer offered."""
    page.locator(".header", has_text=name).first.wait_for()
    row = page.locator(f"xpath=//div[contains(@class, 'header')][button[text()='{name}']]"
                       "/following-sibling::div[1]")
    row.get_by_role("button", name=re.compile("^(Extract|Continue)$")).first.click()
    page.locator("dialog[open]").wait_for()


def shown_accounts(page) -> list[str]:
    """The accounts of the entry the Import dialog is showing."""
    return [v for v in page.locator("dialog[open] input[placeholder='Account']").evaluate_all(
        "els => els.map(e => e.value)") if v]


def walk_and_save(page) -> list[str]:
    """Next through every entry (the browser checks each form, accounts included), then
    Save; returns every account shown on the way."""
    seen: list[str] = []
    for _ in range(60):
        seen += shown_accounts(page)
        if page.get_by_role("button", name="Save", exact=True).count():
            break
        page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Save", exact=True).click()
    said = page.get_by_text(re.compile(r"^(Stored \d+ entries|Saving failed)"))
    said.first.wait_for()
    assert said.first.inner_text().startswith("Stored"), said.first.inner_text()
    said.first.click()  # dismiss it
    return seen


@pytest.fixture
def env(tmp_path, monkeypatch):
    key = tmp_path / "donor.key"
    monkeypatch.setenv("FUNDLEDGER_DONOR_KEY", str(key))  # the server's and the CLI's
    return dict(cli_env(), FUNDLEDGER_DONOR_KEY=str(key))


def test_the_treasurers_year_in_fava_gives_the_books_the_cli_gives(tmp_path, env):
    books = init(tmp_path / "fava", env)
    with fava_server(str(books)) as server, browser() as chromium:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        base = server.base
        # Declare the funds, the bank's rules and the grant tranche, typed in Fava's editor.
        type_in_editor(page, base, books / "funds.beancount", FUNDS)
        type_in_editor(page, base, books / "rules.beancount", BANK_RULES)
        type_in_editor(page, base, books / "main.beancount", TRANCHE)

        # Upload the four exports on the Import page.
        page.goto(f"{base}/import/")
        page.locator("input[type=file]").set_input_files([str(EXPORTS / f) for f in FILES])
        page.get_by_role("button", name="Upload").click()
        for name in FILES:
            page.locator(".header", has_text=name).first.wait_for()

        # The bank statement: the court fee classified by the rule, the tranche's row
        # skipped (the typed entry books it), the statement's balances asserted.
        extract(page, "lloyds-2024.csv")
        seen = walk_and_save(page)
        assert "Expenses:Legal:CourtFees" in seen and "Expenses:Unclassified" not in seen
        assert (books / "imports" / "bank-lloyds" / "2024.beancount").exists()

        # PayPal: the USD payment is one no rule knows. The treasurer sees it as
        # Unclassified, closes the dialog, writes a rule, and Extracts again.
        page.goto(f"{base}/import/")
        extract(page, "paypal-2024.csv")
        first = []
        for _ in range(40):
            first += shown_accounts(page)
            if "Expenses:Unclassified" in first:
                break
            page.get_by_role("button", name="Next").click()
        assert "Expenses:Unclassified" in first
        page.locator("dialog[open] button.close").click()
        type_in_editor(page, base, books / "rules.beancount", PAYPAL_RULE)
        page.goto(f"{base}/import/")
        extract(page, "paypal-2024.csv")
        seen = walk_and_save(page)
        assert "Expenses:Running:Hosting" in seen and "Expenses:Unclassified" not in seen

        for name in FILES[2:]:
            page.goto(f"{base}/import/")
            extract(page, name)
            walk_and_save(page)

        # A second upload of the same statement adds nothing.
        before = tree(books)
        page.goto(f"{base}/import/")
        extract(page, "lloyds-2024.csv")
        assert page.get_by_text(re.compile(r"\(0\s+to import\)")).count() == 1
        assert tree(books) == before

        # The Funds page: each fund's balance as worked by hand.
        page.goto(server.funds_url)
        page.locator("tr[data-fund='lumen-grant']").wait_for()
        page.screenshot(path=screenshot_path("journey-funds"), full_page=True)
        table = funds_table(page.content())
        assert {f: table[f]["balance"] for f in BALANCES} == BALANCES
        assert table["general"]["raised"] == Decimal("300.00")
        assert table["crowdfunder"]["raised"] == Decimal("500.00")

        # The grant's page flags the court fees, which its budget never had.
        page.goto(f"{server.funds_url}?fund=lumen-grant")
        flagged = page.locator("table.budget tr.unbudgeted")
        assert flagged.locator(".over-flag").inner_text() == "not in the budget"
        assert "528.00" in flagged.inner_text() and "613.95" in flagged.inner_text()

        # On a phone (390 px), every fund's page fits the screen.
        phone = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                     has_touch=True).new_page()
        for fund in BALANCES:
            phone.goto(f"{server.funds_url}?fund={fund}")
            phone.locator(".fl h2").first.wait_for()
            phone.screenshot(path=screenshot_path(f"journey-phone-{fund}"), full_page=True)
            assert phone.evaluate(OUTSIDE, ".fl *") == [], fund
            assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390, fund

        # The SOFA for 2024 on the Statements page.
        page.goto(f"{base}/extension/Statements/?year=2024")
        sofa = page.locator("main, article").first.inner_text()
        page.screenshot(path=screenshot_path("journey-sofa"), full_page=True)
        assert "9,400.00" in sofa and "1,070.50" in sofa and "9,329.50" in sofa
        # The balance sheet and the receipts and payments account, below it: the figures
        # the CLI gives further down.
        shown = page.content()
        sheet = statement_tables(shown, "balance-sheet")
        at_end = {k: v["At 2024-12-31"] for k, v in
                  sheet["Balance sheet at 2024-12-31 (GBP)"].items()}
        assert at_end["Total net assets"] == Decimal("9329.50")  # 9,258.50 + 71.00
        assert at_end["Total funds"] == Decimal("9329.50")
        assert at_end["Cash at bank and in hand"] == Decimal("9329.50")
        assert {f: v["Balance at 2024-12-31"] for f, v in sheet["Funds of the charity"].items()
                if f in BALANCES} == BALANCES
        account = statement_tables(shown, "receipts-payments")[
            "Receipts and payments accounts, 2024-01-01 to 2024-12-31 (GBP)"]
        assert {line: account[line]["Total"] for line in RECEIPTS_PAYMENTS} == RECEIPTS_PAYMENTS
        # On a phone the whole page fits the screen (each line a card, no sideways scroll).
        phone.goto(f"{base}/extension/Statements/?year=2024")
        phone.locator("section.statement h2").first.wait_for()
        phone.screenshot(path=screenshot_path("journey-phone-statements"), full_page=True)
        assert phone.evaluate(OUTSIDE, ".fl *") == []
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390

        # The grant's funder report, downloaded from the Funds page.
        page.goto(server.funds_url)
        with page.expect_download() as info:
            page.locator("tr[data-fund='lumen-grant'] a.funder-report").click()
        workbook_path = tmp_path / "funder.xlsx"
        info.value.save_as(workbook_path)

        # Reconcile: the bank and PayPal agree with their statements to the penny; the
        # client account and the platform have no statement in the books until the
        # treasurer types the balances the firm's and the platform's statements give.
        first = run_cli("reconcile", "--books", books, env=env)
        assert first.returncode == 1, first.stdout + first.stderr
        for account, balance in (("Assets:Bank:Lloyds", "9,258.50"), ("Assets:PayPal", "71.00")):
            (line,) = [x for x in first.stdout.splitlines()
                       if x.startswith(account) and " GBP " in x]
            assert line.split()[3:7] == [balance, balance, "0.00", "0"], line
            assert line.endswith(" reconciled"), line
        assert "Assets:Held:Harbour-Vale has no statement balance" in first.stdout
        type_in_editor(page, base, books / "main.beancount", STATEMENTS)
        reconciled = run_cli("reconcile", "--books", books, env=env)
        assert reconciled.returncode == 0, reconciled.stdout + reconciled.stderr
    cells = [c for ws in openpyxl.load_workbook(workbook_path, data_only=True).worksheets
             for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    numbers = {Decimal(str(c)).quantize(Decimal("0.01")) for c in cells
               if isinstance(c, (int, float, Decimal))}
    assert {Decimal("10000.00"), Decimal("613.95"), Decimal("528.00")} <= numbers

    # The balance sheet and the receipts and payments account for 2024.
    sheet = run_cli("report", "balance-sheet", "--year", "2024", "--books", books, "--format",
                    "json", env=env)
    assert sheet.returncode == 0, sheet.stderr
    figures = json.loads(sheet.stdout)
    assert Decimal(figures["net_assets"]) == Decimal("9329.50")  # 9,258.50 + 71.00
    assert Decimal(figures["total_funds"]) == Decimal("9329.50")
    rp = run_cli("report", "receipts-payments", "--year", "2024", "--books", books,
                 "--format", "json", env=env)
    assert rp.returncode == 0, rp.stderr
    rp = json.loads(rp.stdout)
    # The Lloyds statement's 1,000.00 brought forward is cash brought forward, not a receipt.
    assert {line: Decimal(rp[line.lower().replace(" ", "_")]) for line in RECEIPTS_PAYMENTS} \
        == RECEIPTS_PAYMENTS  # the same figures the Statements page showed

    # Close the spent crowdfunder, lock the year, publish the statement.
    after_fava = steps_after_import(books, tmp_path / "site", env)

    # The same year with the CLI alone.
    cli = init(tmp_path / "cli", env)
    typed(cli, "funds.beancount", FUNDS)
    typed(cli, "rules.beancount", BANK_RULES)
    typed(cli, "main.beancount", TRANCHE)
    typed(cli, "rules.beancount", PAYPAL_RULE)
    for name in FILES:
        done = run_cli("import", EXPORTS / name, "--books", cli, env=env)
        assert done.returncode == 0, done.stderr
    typed(cli, "main.beancount", STATEMENTS)
    after_cli = steps_after_import(cli, tmp_path / "cli-site", env)
    assert after_fava == after_cli
    fava_tree, cli_tree = tree(books), tree(cli)
    assert sorted(fava_tree) == sorted(cli_tree)
    for rel in fava_tree:
        assert fava_tree[rel] == cli_tree[rel], rel


def steps_after_import(books: Path, site: Path, env: dict) -> list[str]:
    """Close the crowdfunder, lock 2024, publish the year's statement; returns what each
    printed that does not depend on the folder."""
    out = []
    closed = run_cli("close", "crowdfunder", "--books", books, "--date", "2024-12-31", env=env)
    assert closed.returncode == 0, closed.stdout + closed.stderr
    locked = run_cli("lock", "--books", books, "--through", "2024-12-31", env=env)
    assert locked.returncode == 0, locked.stderr
    published = run_cli("report", "transparency", "--books", books, "-o", site, "--publish",
                        env=env)
    assert published.returncode == 0, published.stderr
    page = next(site.glob("*.html")).read_text(encoding="utf-8")
    for donor in ("Testdonor", "Testpledger", "donor.example", "07700"):
        assert donor not in page
    funds = run_cli("funds", "--books", books, "--format", "json", env=env)
    assert funds.returncode == 0, funds.stderr
    out.append(funds.stdout)
    return out
