"""What is unclassified is said wherever the treasurer looks: `fundledger check` and
`fundledger funds` warn of it on stderr, the Fava Funds page's note holds the same words
(computed in this process by reports.fava_ext.warm); an account whose suspense nets to
nothing is not listed, but its entries still count. Figures worked by hand."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from beancount import loader
from conftest import run_cli

from ledger import unclassified
from reports.fava_ext import warm

BOOKS = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
2019-01-01 open Assets:Bank GBP
2019-01-01 open Income:Donations GBP
2019-01-01 open Income:Unclassified GBP
2019-01-01 open Expenses:Unclassified GBP
2019-01-01 custom "fund" "general" "unrestricted"
2019-02-01 * "Donor" "Gift"
  fund: "general"
  Assets:Bank  100.00 GBP
  Income:Donations  -100.00 GBP
2019-03-01 * "Unclaimed row"
  fund: "general"
  Expenses:Unclassified  1234.50 GBP
  Assets:Bank  -1234.50 GBP
2019-03-02 * "Unclaimed row"
  fund: "general"
  Assets:Bank  1200.00 GBP
  Income:Unclassified  -1200.00 GBP
2019-03-03 * "Unclaimed row, paid back"
  fund: "general"
  Income:Unclassified  30.00 GBP
  Assets:Bank  -30.00 GBP
2019-12-31 * "Unclaimed row, the last"
  fund: "general"
  Expenses:Unclassified  0.50 GBP
  Assets:Bank  -0.50 GBP
"""
# Expenses:Unclassified 1234.50 + 0.50 = 1235.00; Income:Unclassified -1200.00 + 30.00 =
# -1170.00; four entries.
WORDS = ("4 entries unclassified (Expenses:Unclassified 1,235.00 GBP, Income:Unclassified "
         "-1,170.00 GBP): recategorise them by hand (importing the file again adds nothing: "
         "the books hold them already), and add rules to the books (custom "
         "\"fundledger-rule\"; see docs/importing.md) so that later imports classify such "
         "rows")


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    folder = tmp_path_factory.mktemp("suspense")
    (folder / "main.beancount").write_text(BOOKS)
    return folder


def test_the_words_of_the_check(books):
    entries, errors, options = loader.load_file(str(books / "main.beancount"))
    assert errors == []
    found = unclassified.find(entries)
    assert found.entries == 4
    assert found.text() == WORDS
    # The Fava Funds page's note, as served.
    assert warm.funds_page(entries, options).unclassified == WORDS


def test_an_account_netting_to_nothing_is_not_listed_but_its_entries_count():
    text = BOOKS.replace("Assets:Bank  1200.00 GBP\n  Income:Unclassified  -1200.00",
                         "Assets:Bank  30.00 GBP\n  Income:Unclassified  -30.00")
    entries, _errors, _options = loader.load_string(text)
    found = unclassified.find(entries)
    assert found.totals["Income:Unclassified"] == {"GBP": Decimal("0.00")}
    assert found.text().startswith(
        "4 entries unclassified (Expenses:Unclassified 1,235.00 GBP): recategorise")


@pytest.mark.parametrize("command", ["check", "funds"])
def test_the_cli_warns(books, command):
    result = run_cli(command, "--books", books)
    assert result.returncode == 0, result.stderr
    assert f"warning: {WORDS}\n" in result.stderr, result.stderr


def test_the_fava_funds_page_says_so(tmp_path):
    """Fava loading the books itself (not through `fundledger serve`, which computes the
    note beside the view): the Funds page holds the same words."""
    from fava_support import EXTENSION_LINE, fava_app

    main = tmp_path / "main.beancount"
    main.write_text(BOOKS + EXTENSION_LINE)
    app, slug = fava_app(main)
    page = app.test_client().get(f"/{slug}/extension/Funds/")
    assert page.status_code == 200
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.get_data(as_text=True))).split())
    assert f"Not yet classified: {WORDS}." in text


def test_a_rule_added_after_a_suspense_import_does_not_rebook_it(tmp_path):
    """The warning's advice holds: after `--unclassified suspense`, a rule and the same
    import again add nothing, the entry stays unclassified, and the warning does not send
    the treasurer to import again as the fix."""
    from conftest import init_books

    books, env = init_books(tmp_path)
    export = tmp_path / "statement.csv"
    export.write_text("Date,Description,Paid in,Paid out,Balance\n"
                      "03/06/2025,FPI PRIYA NAIR REF 0612,25.00,,1025.00\n"
                      "04/06/2025,OCTOPUS ENERGY,,40.00,985.00\n")
    first = run_cli("import", export, "--books", books, "--unclassified", "suspense", env=env)
    assert first.returncode == 0, first.stderr
    with (books / "rules.beancount").open("a") as f:
        f.write('2025-01-01 custom "fundledger-rule" "bank"\n  pattern: "OCTOPUS"\n'
                '  sign: "debit"\n  account: "Expenses:Running:Energy"\n')
    again = run_cli("import", export, "--books", books, env=env)
    assert again.returncode == 0, again.stderr
    assert "0 new" in again.stderr
    check = run_cli("check", books, env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "1 entry unclassified (Expenses:Unclassified 40.00 GBP)" in check.stderr
    assert "recategorise them by hand" in check.stderr
    assert "and import again" not in check.stderr


def test_rows_already_booked_to_suspense_need_no_rule_to_import_again(tmp_path):
    """The README's `fundledger import ~/books/exports/* --books ~/books`, run again after
    an `--unclassified suspense` import, adds nothing and is not refused for rows the
    books already hold; a new unclaimed row in a later statement is still refused, alone,
    and the books are byte for byte as they were."""
    from conftest import init_books
    from importers_support import snapshot

    books, env = init_books(tmp_path)
    lines = ["Date,Description,Paid in,Paid out,Balance",
             "03/06/2025,FPI PRIYA NAIR REF 0612,25.00,,1025.00",
             "04/06/2025,OCTOPUS ENERGY,,40.00,985.00"]
    export = tmp_path / "statement.csv"
    export.write_text("\n".join(lines) + "\n")
    first = run_cli("import", export, "--books", books, "--unclassified", "suspense", env=env)
    assert first.returncode == 0, first.stderr
    for dry in ((), ("--dry-run",)):
        again = run_cli("import", export, "--books", books, *dry, env=env)
        assert again.returncode == 0, again.stderr
        assert "0 new, 2 duplicate(s) skipped" in again.stderr, again.stderr
    later = tmp_path / "later.csv"
    later.write_text("\n".join([*lines, "05/06/2025,ZOOM.US,,12.00,973.00"]) + "\n")
    before = snapshot(books)
    refused = run_cli("import", later, "--books", books, env=env)
    assert refused.returncode == 1
    assert refused.stderr.startswith(f"{later}:4: Description 'ZOOM.US', money out is a kind "
                                     "of row no rule"), refused.stderr
    assert "(1 row(s) of 1 kind(s))" in refused.stderr and "OCTOPUS" not in refused.stderr
    assert snapshot(books) == before
