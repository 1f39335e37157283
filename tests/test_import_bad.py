"""Bad input: one line `FILE:ROW: problem`, a non-zero exit, the books byte-for-byte
unchanged; and the untidy-but-valid exports real platforms produce still import."""

from __future__ import annotations

import pytest
from conftest import cli_env, run_cli
from importers_support import FIXTURES, csv_rows, load_clean, snapshot, txns, write_books

BAD = FIXTURES / "bad"

FAILS = {
    "wrong_header.csv": (0, "not an export any source recognises"),
    "bad_date.csv": (2, "date in column 'created_utc' (shaped '9999-99-99 99:99:99') is not"),
    "bad_amount.csv": (2, "amount in column 'gross' (shaped 'aaa') is not a number"),
    "bad_currency.csv": (2, "currency in column 'currency' (shaped 'aaaaaa') is not a 3-letter code"),
    "duplicate_ids_differ.csv": (3, "id stripe:txn_b1 was already used by"),
    "unknown_type.csv": (3, "reporting_category 'refurb', money in is a kind of row no rule"),
    "net_mismatch.csv": (2, "net is not gross less fees"),
    "missing_column.csv": (0, "not an export any source recognises"),
    "empty.csv": (0, "not an export any source recognises"),
    "empty.xlsx": (0, "not an export any source recognises"),
    "too_many_values.csv": (2, "values under a header of 18 columns"),
}

OK = {"blank_lines.csv": 2, "footer_totals.csv": 2, "duplicate_ids_same.csv": 1,
      "header_only_bom.csv": 0}


@pytest.fixture
def env(tmp_path):
    return dict(cli_env(), FUNDLEDGER_DONOR_KEY=str(tmp_path / "donor.key"))


@pytest.mark.parametrize("name", sorted(FAILS))
def test_bad_file_one_line_books_untouched(tmp_path, env, name):
    main = write_books(tmp_path / "b")
    # A good file first: an error in a later file must stop the good one too.
    run_cli("import", FIXTURES / "paypal_us.csv", "--books", main, env=env)
    before = snapshot(main.parent)
    r = run_cli("import", FIXTURES / "stripe.csv", BAD / name, "--books", main, env=env)
    assert r.returncode == 1
    row, message = FAILS[name]
    first = r.stderr.strip().splitlines()[0]
    prefix = f"{BAD / name}:{row}: " if row else f"{BAD / name}: "
    assert first.startswith(prefix) and message in first, r.stderr
    assert snapshot(main.parent) == before


def test_a_pdf_or_an_empty_file_is_named_as_such(tmp_path, env):
    """The statement saved as PDF, or a download that came through empty: one line saying
    what the file is and what to download, not a list of every source's columns."""
    main = write_books(tmp_path / "b")
    pdf = tmp_path / "statement.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    empty = tmp_path / "Download.CSV"
    empty.write_bytes(b"")
    before = snapshot(main.parent)
    for path, words in ((pdf, ("a PDF, not an export any source recognises: download the "
                         "statement or report as CSV (or OFX, XLSX) instead")),
                        (empty, ("the file is empty, not an export any source recognises: "
                         "download the export again"))):
        r = run_cli("import", path, "--books", main, env=env)
        assert r.returncode == 1
        assert r.stderr.strip() == f"{path}: {words}", r.stderr
    assert snapshot(main.parent) == before


def test_an_unknown_export_says_how_to_describe_its_source(tmp_path, env):
    """A bank fundledger does not know: after the sources tried, the last line says how to
    teach it one (a profile), so the treasurer is not left with only a list of columns."""
    main = write_books(tmp_path / "b")
    export = tmp_path / "unknownbank.csv"
    export.write_text("Posting date,Narrative,Value,Running total\n"
                      "01/03/2025,GIFT FROM A,25.00,125.00\n")
    before = snapshot(main.parent)
    r = run_cli("import", export, "--books", main, env=env)
    assert r.returncode == 1
    assert r.stderr.startswith(f"{export}: not an export any source recognises"), r.stderr
    assert r.stderr.strip().splitlines()[-1] == (
        "A source fundledger does not know is described in a TOML profile named in the "
        'books: see docs/importing.md, "Your own source: a profile".')
    assert snapshot(main.parent) == before


@pytest.mark.parametrize("name", sorted(OK))
def test_untidy_but_valid(tmp_path, env, name):
    main = write_books(tmp_path / "b")
    r = run_cli("import", BAD / name, "--books", main, env=env)
    assert r.returncode == 0, r.stderr
    assert len(txns(load_clean(main))) == OK[name]


def test_corrupt_xlsx_named_as_such(tmp_path, env):
    main = write_books(tmp_path / "b")
    f = tmp_path / "broken.xlsx"
    f.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    r = run_cli("import", f, "--books", main, env=env)
    assert r.returncode == 1 and r.stderr.startswith(f"{f}: ")


def test_books_that_would_break_are_not_written(tmp_path, env):
    # The books constrain PayPal to pounds: a dollar download would break them, so nothing
    # is written, and each problem names the export's row, not a file never written.
    main = write_books(tmp_path / "b", "2017-01-01 open Assets:PayPal:Pounds GBP\n"
                       '2017-01-01 custom "fundledger-source" "paypal"\n'
                       '  account: "Assets:PayPal:Pounds"\n')
    before = snapshot(main.parent)
    for dry in ((), ("--dry-run",)):
        r = run_cli("import", FIXTURES / "paypal_us.csv", "--books", main, *dry, env=env)
        assert r.returncode != 0
        assert f"{FIXTURES / 'paypal_us.csv'}:2: Invalid currency USD" in r.stderr, r.stderr
        assert ("a real import would be refused" in r.stderr) == bool(dry)
        assert snapshot(main.parent) == before


def test_an_account_the_books_lack_is_opened_on_its_first_day(tmp_path, env):
    main = write_books(tmp_path / "b")
    main.write_text(main.read_text().replace("2017-01-01 open Assets:Stripe\n", ""))
    r = run_cli("import", FIXTURES / "stripe.csv", "--books", main, env=env)
    assert r.returncode == 0, r.stderr
    first = min(row["created_utc"][:10] for row in csv_rows(FIXTURES / "stripe.csv"))
    opened = (main.parent / "imports" / "accounts.beancount").read_text()
    assert f"{first} open Assets:Stripe\n" in opened  # no currency constraint
    assert 'include "imports/accounts.beancount"' in main.read_text()
    assert load_clean(main)
    before = snapshot(main.parent)
    assert run_cli("import", FIXTURES / "stripe.csv", "--books", main, env=env).returncode == 0
    assert snapshot(main.parent) == before
