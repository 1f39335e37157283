"""Rough edges of the treasurer's year (issue 25, item 6), each through the real CLI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import init_books, run_cli

REAL = Path(__file__).parent / "fixtures" / "real"


@pytest.fixture
def books(tmp_path):
    return init_books(tmp_path, "--start", "2017-01-01")


def proposed(stderr: str, account: str) -> str:
    """The rules the refusal proposes, with the treasurer's account for FIXME."""
    block = stderr.split("e.g.:\n\n", 1)[1].split("\nor import with", 1)[0]
    return re.sub(r"(Expenses|Income):FIXME", account, block)


def test_a_type_name_in_french_is_printed_as_written_and_its_rule_works(tmp_path, books):
    folder, env = books
    text = (REAL / "paypal-fr.csv").read_text(encoding="utf-8-sig")
    assert '"Paiement Express Checkout","Terminé","EUR","-45,90"' in text
    export = tmp_path / "Download.csv"
    export.write_text(text.replace('"Paiement Express Checkout","Terminé","EUR","-45,90"',
                                   '"Paiement préapprouvé","Terminé","EUR","-45,90"'),
                      encoding="utf-8-sig")
    refused = run_cli("import", export, "--books", folder, env=env)
    assert refused.returncode == 1
    assert "Type 'Paiement préapprouvé', money out" in refused.stderr, refused.stderr
    assert "\\xe9" not in refused.stderr
    assert 'values: "Paiement préapprouvé"' in refused.stderr
    with (folder / "rules.beancount").open("a", encoding="utf-8") as f:
        f.write(proposed(refused.stderr, "Expenses:Running:Stationery"))
    done = run_cli("import", export, "--books", folder, env=env)
    assert done.returncode == 0, done.stderr
    booked = (folder / "imports" / "paypal" / "2025.beancount").read_text(encoding="utf-8")
    assert "Expenses:Running:Stationery" in booked


def test_a_rule_proposed_for_descriptions_of_digits_only_claims_them(tmp_path, books):
    folder, env = books
    export = tmp_path / "statement.csv"
    export.write_text(
        "Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,"
        "Debit Amount,Credit Amount,Balance,\n"
        "12/03/2025,DEB,'30-91-74,02344812,100299,15.00,,470.00,\n"
        "11/03/2025,DEB,'30-91-74,02344812,100234,15.00,,485.00,\n"
        "10/03/2025,FPI,'30-91-74,02344812,A DONOR 0001,,100.00,500.00,\n", encoding="utf-8")
    refused = run_cli("import", export, "--books", folder, env=env)
    assert refused.returncode == 1
    assert "Transaction Description of digits and references only, money out: 2 row(s) " \
           "(rows 2, 3)" in refused.stderr, refused.stderr
    assert '"FIXME"' not in refused.stderr
    with (folder / "rules.beancount").open("a", encoding="utf-8") as f:
        f.write(proposed(refused.stderr, "Expenses:Running:Postage"))
    done = run_cli("import", export, "--books", folder, env=env)
    assert done.returncode == 0, done.stderr
    booked = (folder / "imports" / "bank-lloyds" / "2025.beancount").read_text()
    assert booked.count("Expenses:Running:Postage") == 2
    assert "A DONOR" not in booked  # the payer of money in is never written


def paypal_gifts(path: Path, gifts: list[tuple[str, str, str]]) -> Path:
    """A UK PayPal activity download of donations: (dd/mm/yyyy, donor, gross GBP)."""
    head = (REAL.parent / "journey" / "paypal-2024.csv").read_text(encoding="utf-8-sig")
    lines, balance = [head.splitlines()[0]], 0
    for n, (day, donor, gross) in enumerate(gifts):
        balance += int(gross)
        cells = [day, "10:00:00", "Europe/London", donor, "Donation Payment", "Completed",
                 "GBP", f"{gross}.00", "0.00", f"{gross}.00", f"{donor.lower()}@d.example",
                 "t@group.example", f"9TR{n:014d}", "", "", "Donation", "", "", "",
                 f"{balance}.00", "", "", "", "Credit"]
        lines.append(",".join(f'"{c}"' for c in cells))
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    return path


def test_transparency_says_which_period_it_chose_and_why_not_a_later_one(tmp_path, books):
    folder, env = books
    # 2023: five supporters (publishable); 2024: two (fewer than 5: not on its own).
    gifts = [(f"0{m}/06/2023", f"Donor{m}", "10") for m in range(1, 6)]
    gifts += [("01/03/2024", "Donor1", "10"), ("02/03/2024", "Donor2", "10")]
    export = paypal_gifts(tmp_path / "Download.CSV", gifts)
    done = run_cli("import", export, "--books", folder, env=env)
    assert done.returncode == 0, done.stderr
    made = run_cli("report", "transparency", "--books", folder, "-o", tmp_path / "site",
                   env=env)
    assert made.returncode == 0, made.stderr
    lines = made.stdout.splitlines()
    assert "period: 2023-06-01 (the books' first entry) to 2023-12-31" in lines
    assert any(line.startswith("  not to 2024-12-31: the gifts of the period that ends "
                               "then came from fewer than 5 supporters") for line in lines)
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "Since 2023 we raised" in page  # not 2017, the books' start date
    assert "Donor" not in page


def test_a_refused_download_on_the_funds_page_says_why(tmp_path, books):
    """A USD payment with no rate anywhere: the SOFA link answers 422; the page shows the
    reason beside the link instead of doing nothing."""
    from browser_support import browser, fava_server

    folder, _env = books
    with (folder / "main.beancount").open("a", encoding="utf-8") as f:
        f.write('\n2017-01-01 open Assets:PayPal\n2017-01-01 open Expenses:Running:Hosting\n'
                '2024-03-05 * "Hostsmith" "Hosting, paid in dollars"\n  fund: "general"\n'
                "  Expenses:Running:Hosting   24.00 USD\n  Assets:PayPal\n")
    with fava_server(str(folder)) as server, browser() as chromium:
        page = chromium.new_page()
        page.goto(server.funds_url)
        link = page.locator(".fl .downloads a", has_text="SOFA")
        link.click()
        note = page.locator(".fl .downloads .refused[role=alert]")
        note.wait_for()
        text = note.inner_text().strip()
    assert text.startswith("SOFA and funds note (XLSX): ") and "USD" in text, text


def test_an_unrecognised_export_names_the_closest_source_and_its_missing_columns(
        tmp_path, books):
    folder, env = books
    export = tmp_path / "statement.csv"  # a Lloyds download cut short of its Credit column
    export.write_text(
        "Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,"
        "Debit Amount,Balance\n12/03/2025,DEB,'30-91-74,02344812,HMCTS,15.00,470.00\n",
        encoding="utf-8")
    before = sorted(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    refused = run_cli("import", export, "--books", folder, env=env)
    assert refused.returncode == 1
    assert f"{export}: " in refused.stderr and "closest is bank-lloyds" in refused.stderr
    assert "lacks its column(s) Credit Amount" in refused.stderr, refused.stderr
    assert sorted(p.read_bytes() for p in folder.rglob("*") if p.is_file()) == before


def test_init_sets_favas_own_reports_to_read_as_the_funds_page(books):
    """Fava's Income Statement and Balance Sheet: income positive, the books' financial
    year, and a conversion to the books' currency on offer."""
    from fava.core import FavaLedger

    folder, _env = books
    options = FavaLedger(str(folder / "main.beancount")).fava_options
    assert options.invert_income_liabilities_equity is True
    assert (options.fiscal_year_end.month, options.fiscal_year_end.day) == (12, 31)
    assert options.conversion_currencies == ("GBP",)
    assert options.default_page == "extension/Funds/"
