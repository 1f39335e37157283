"""`fundledger import` with PayPal and Stripe: gross booking, exact dedup, all or nothing."""

from __future__ import annotations

import csv
import datetime
import decimal
import os
from decimal import Decimal

import pytest
from beancount.core import data
from beancount.parser import parser
from conftest import cli_env, run_cli
from importers_support import FIXTURES, csv_rows, dec, load_clean, snapshot, txns, write_books


@pytest.fixture
def env(tmp_path):
    e = cli_env()
    e["FUNDLEDGER_DONOR_KEY"] = str(tmp_path / "keys" / "donor.key")
    return e


def imp(env, main, *files, extra=()):
    return run_cli("import", *files, "--books", main, *extra, env=env)


def by_id(entries):
    return {e.meta["import-id"]: e for e in txns(entries) if "import-id" in e.meta}


def test_paypal_uk_booked_gross_with_fees(tmp_path, env):
    main = write_books(tmp_path / "books")
    r = imp(env, main, FIXTURES / "paypal_uk.csv")
    assert r.returncode == 0, r.stderr
    assert "created the donor pseudonym key" in r.stderr
    got = by_id(load_clean(main))
    rows = csv_rows(FIXTURES / "paypal_uk.csv")
    # Independent reading of the file: completed, non-memo donations and refunds, by currency.
    booked = [r for r in rows if r["Status"] == "Completed" and r["Balance Impact"] != "Memo"
              and r["Type"] in ("Donation Payment", "Payment Refund")]
    converted = {r["Reference Txn ID"] for r in rows if r["Type"] == "General Currency Conversion"}
    for row in booked:
        t = got[f"paypal:{row['Transaction ID']}"]
        income = [p for p in t.postings if p.account == "Income:Donations:PayPal"]
        # what PayPal kept and what it charged, in the row's own currency, make the gross
        held = sum((p.units.number for p in t.postings if p.account != income[0].account
                    and p.units.currency == row["Currency"]), Decimal(0))
        assert held == dec(row["Gross"])
        if row["Transaction ID"] in converted:  # income in pounds, what the rest is worth
            assert income[0].units.currency == "GBP" and income[0].price is None
            from ledger.funds import weight

            assert income[0].units.number == -sum(
                (weight(p).number for p in t.postings if p.price), Decimal(0))
        else:
            assert income[0].units.number == -dec(row["Gross"])
            assert income[0].units.currency == row["Currency"]
        fee = sum((p.units.number for p in t.postings if p.account == "Expenses:Fees:Payment"),
                  Decimal(0))
        assert fee == -dec(row["Fee"])
        assert t.meta["fund"] == "general"
    assert converted & {r["Transaction ID"] for r in booked}  # the fixture has one
    # Pending and Memo rows move no money.
    assert "paypal:5PP00005" not in got and "paypal:5PP00011" not in got
    # Two donations of the same amount on the same day are both kept.
    assert {"paypal:5PP00002", "paypal:5PP00003"} <= set(got)
    assert got["paypal:5PP00004"].meta["refund-of"] == "paypal:5PP00003"
    conv = got["paypal:5PP00007"]
    assert [(p.units.currency, p.units.number) for p in conv.postings] == [
        ("USD", Decimal("-18.92")), ("GBP", Decimal("14.50"))]
    assert conv.postings[0].price.currency == "GBP"
    # The converted donation is priced at the conversion's rate: the fund holds pounds.
    from ledger import funds

    rows_gbp = [r for r in booked if r["Currency"] == "GBP"]
    expected = sum(dec(r["Gross"]) + dec(r["Fee"]) for r in rows_gbp) + dec("14.50")
    assert funds.balances(load_clean(main))["general"] == {"GBP": expected}
    wd = got["paypal:5PP00010"]
    assert {p.account: p.units.number for p in wd.postings} == {
        "Assets:PayPal": Decimal("-1000.00"), "Assets:Transfers": Decimal("1000.00")}
    assert got["paypal:5PP00001"].date == datetime.date(2023, 2, 3)
    # Repeat giving gets the same pseudonym; different donors different ones.
    assert got["paypal:5PP00002"].meta["donor"] == got["paypal:5PP00003"].meta["donor"]
    assert got["paypal:5PP00001"].meta["donor"] != got["paypal:5PP00002"].meta["donor"]
    assert all(len(t.meta["import-file"]) == 64 for t in got.values())


def test_reimport_changes_no_byte(tmp_path, env):
    main = write_books(tmp_path / "books")
    assert imp(env, main, FIXTURES / "paypal_uk.csv", FIXTURES / "stripe.csv").returncode == 0
    before = snapshot(main.parent)
    r = imp(env, main, FIXTURES / "stripe.csv", FIXTURES / "paypal_uk.csv")
    assert r.returncode == 0, r.stderr
    assert "0 new" in r.stderr
    assert snapshot(main.parent) == before


def test_same_file_twice_in_one_run_books_once(tmp_path, env):
    main = write_books(tmp_path / "books")
    copy = tmp_path / "copy.csv"
    copy.write_bytes((FIXTURES / "stripe.csv").read_bytes())
    assert imp(env, main, FIXTURES / "stripe.csv", copy).returncode == 0
    ids = [t.meta["import-id"] for t in txns(load_clean(main))]
    assert len(ids) == len(set(ids)) == len(csv_rows(FIXTURES / "stripe.csv"))


def test_us_dates(tmp_path, env):
    main = write_books(tmp_path / "books")
    assert imp(env, main, FIXTURES / "paypal_us.csv").returncode == 0
    got = by_id(load_clean(main))
    assert got["paypal:7US00001"].date == datetime.date(2022, 12, 25)
    assert got["paypal:7US00001"].postings[-1].units.number == Decimal("-1500.00")


def test_stripe(tmp_path, env):
    main = write_books(tmp_path / "books")
    assert imp(env, main, FIXTURES / "stripe.csv").returncode == 0
    got = by_id(load_clean(main))
    for row in csv_rows(FIXTURES / "stripe.csv"):
        t = got[f"stripe:{row['balance_transaction_id']}"]
        stripe = sum(p.units.number for p in t.postings if p.account == "Assets:Stripe")
        assert stripe == dec(row["net"])
        assert {p.units.currency for p in t.postings} == {row["currency"].upper()}
    payout = got["stripe:txn_1Fx0005"]
    assert {p.account for p in payout.postings} == {"Assets:Stripe", "Assets:Transfers"}


def test_dry_run_prints_and_changes_nothing(tmp_path, env):
    main = write_books(tmp_path / "books")
    before = snapshot(main.parent)
    r = imp(env, main, FIXTURES / "stripe.csv", extra=("--dry-run",))
    assert r.returncode == 0, r.stderr
    assert snapshot(main.parent) == before
    entries, errors, _ = parser.parse_string(r.stdout)
    assert not errors
    assert len(txns(entries)) == len(csv_rows(FIXTURES / "stripe.csv"))


def test_bad_row_one_line_and_books_untouched(tmp_path, env):
    main = write_books(tmp_path / "books")
    bad = tmp_path / "bad.csv"
    lines = (FIXTURES / "stripe.csv").read_text().splitlines()
    lines[3] = lines[3].replace("100.00,1.70", "1OO.00,1.70", 1)
    bad.write_text("\n".join(lines) + "\n")
    before = snapshot(main.parent)
    r = imp(env, main, FIXTURES / "paypal_uk.csv", bad)
    assert r.returncode != 0
    assert r.stderr.strip().splitlines()[-1] == f"{bad}:4: amount in column 'gross' (shaped '9aa.99') is not a number"
    assert snapshot(main.parent) == before


def test_fund_option_overrides(tmp_path, env):
    main = write_books(tmp_path / "books")
    r = imp(env, main, FIXTURES / "stripe.csv", extra=("--fund", "case"))
    assert r.returncode == 0, r.stderr
    assert {t.meta["fund"] for t in txns(load_clean(main))} == {"case"}
    r = imp(env, main, FIXTURES / "paypal_us.csv", extra=("--fund", "nope"))
    assert r.returncode != 0 and "nope" in r.stderr


def test_source_default_declared_in_books(tmp_path, env):
    main = write_books(tmp_path / "books", '2017-01-01 custom "fundledger-source" "stripe"\n'
                       '  fund: "case"\n  income: "Income:Donations:Bank"\n')
    assert imp(env, main, FIXTURES / "stripe.csv").returncode == 0
    got = by_id(load_clean(main))
    t = got["stripe:txn_1Fx0001"]
    assert t.meta["fund"] == "case"
    assert "Income:Donations:Bank" in {p.account for p in t.postings}


def test_unrecognised_file_names_every_source(tmp_path, env):
    main = write_books(tmp_path / "books")
    odd = tmp_path / "odd.csv"
    odd.write_text("When,What,How much\n2023-01-01,x,1\n")
    r = imp(env, main, odd)
    assert r.returncode != 0
    assert "paypal" in r.stderr and "stripe" in r.stderr and "Transaction ID" in r.stderr


def test_key_is_stable_across_runs(tmp_path, env):
    a, b = write_books(tmp_path / "a"), write_books(tmp_path / "b")
    imp(env, a, FIXTURES / "paypal_uk.csv")
    imp(env, b, FIXTURES / "paypal_uk.csv")
    assert (a.parent / "imports/paypal/2023.beancount").read_text() == \
        (b.parent / "imports/paypal/2023.beancount").read_text()
    assert os.stat(env["FUNDLEDGER_DONOR_KEY"]).st_mode & 0o077 == 0


def test_beangulp_importer_extracts_and_dedups_exactly():
    from importers import profile as profile_lib
    from importers.base import ProfileImporter
    from importers.pseudonym import Pseudonymiser

    imp = ProfileImporter(profile_lib.load(profile_lib.BUILTIN / "stripe.toml"),
                          Pseudonymiser(b"test-key"))
    path = str(FIXTURES / "stripe.csv")
    assert imp.identify(path) and not imp.identify(str(FIXTURES / "paypal_uk.csv"))
    assert imp.account(path) == "Assets:Stripe"
    assert imp.date(path) == max(datetime.date.fromisoformat(r["created_utc"][:10])
                                 for r in csv_rows(FIXTURES / "stripe.csv"))
    books, _, _ = parser.parse_string('2017-01-01 custom "fund" "general" "unrestricted"\n')
    extracted = imp.extract(path, books)
    # No `open`s (Fava's save cannot write one: the save opens what the entries use), and
    # only metadata beancount prints (strings, Decimals, dates; not a bare int).
    assert not any(isinstance(e, data.Open) for e in extracted)
    entries = extracted
    assert all(isinstance(v, (str, decimal.Decimal, datetime.date, bool))
               for e in entries for k, v in e.meta.items() if k not in ("filename", "lineno"))
    assert len(entries) == len(csv_rows(FIXTURES / "stripe.csv"))
    first, second = entries[0], entries[1]
    # Same amount, same day, different donors: the second is not a duplicate of the first.
    assert (first.date, first.postings[-1].units) == (second.date, second.postings[-1].units)
    again = imp.extract(path, [*books, first])
    imp.deduplicate(again, [*books, first])
    marked = [e.meta["import-id"] for e in again if e.meta.get("__duplicate__")]
    assert marked == [first.meta["import-id"]]


def test_dry_run_to_a_stdout_that_is_not_utf8_prints_the_same_text(tmp_path, env):
    """Where stdout takes another encoding, the dry run writes str (not Arrow's UTF-8
    bytes): the same headings and entries, in that encoding."""
    import subprocess
    import sys

    main = write_books(tmp_path / "books")
    printed = {}
    for encoding in ("utf-8", "utf-16"):
        got = subprocess.run(
            [sys.executable, "-m", "fundledger", "import", str(FIXTURES / "paypal_uk.csv"),
             "--books", str(main), "--dry-run"],
            env=dict(env, PYTHONIOENCODING=encoding), capture_output=True, check=False)
        assert got.returncode == 0, got.stderr
        printed[encoding] = got.stdout.decode(encoding)
    assert printed["utf-16"] == printed["utf-8"]
    assert printed["utf-8"].startswith("; ---- imports/paypal/2023.beancount\n; Imported by")
    entries, errors, _ = parser.parse_string(printed["utf-16"])
    assert not errors and txns(entries)


def test_embedded_demo_is_never_written(env):
    from fundledger import demo_books

    before = snapshot(demo_books.BOOKS)
    # GoCardless: an account the demo's statements say nothing about (Stripe's balance
    # summaries would rightly refuse 2023 payments the demo's Stripe statement lacks).
    r = run_cli("import", FIXTURES / "gocardless.csv", env=env)
    assert r.returncode == 2 and "read-only" in r.stderr
    r = run_cli("import", FIXTURES / "gocardless.csv", "--dry-run", env=env)
    assert r.returncode == 0, r.stderr
    assert snapshot(demo_books.BOOKS) == before


def test_bank_ids_do_not_depend_on_the_donor_key(tmp_path, env):
    # A lost or new key must not turn a re-imported statement into duplicate entries.
    main = write_books(tmp_path / "books")
    assert imp(env, main, FIXTURES / "bank_cp1252.csv").returncode == 0
    before = snapshot(main.parent)
    # Another key (a missing one is refused for books holding pseudonyms, issue 29).
    another = tmp_path / "another.key"
    another.write_text("f" * 64 + "\n")
    another.chmod(0o600)
    other = dict(env, FUNDLEDGER_DONOR_KEY=str(another))
    r = imp(other, main, FIXTURES / "bank_cp1252.csv")
    assert r.returncode == 0, r.stderr
    assert snapshot(main.parent) == before


def test_summary_line_counts_and_totals(tmp_path, env):
    main = write_books(tmp_path / "books")
    rows = csv_rows(FIXTURES / "stripe.csv")
    income = sum(dec(r["gross"]) for r in rows if r["reporting_category"] in ("charge", "refund"))
    r = imp(env, main, FIXTURES / "stripe.csv")
    assert r.stderr.strip().splitlines()[-1] == (
        f"{len(rows)} new, 0 duplicate(s) skipped; income by fund: general {income:,} GBP")
    r = imp(env, main, FIXTURES / "stripe.csv")
    assert r.stderr.strip().splitlines()[-1] == f"0 new, {len(rows)} duplicate(s) skipped"


def late_fund_books(tmp_path):
    main = write_books(tmp_path / "books")
    main.write_text(main.read_text().replace('2017-01-01 custom "fund" "general"',
                                             '2024-01-01 custom "fund" "general"'))
    return main


def test_books_refusing_an_import_name_the_export_rows(tmp_path, env):
    """The books' errors point at entries never written: they are told as the export's
    FILE:ROW, once per row and problem, and the books stay as they were."""
    main = late_fund_books(tmp_path)
    before = snapshot(main.parent)
    export = FIXTURES / "paypal_uk.csv"
    r = imp(env, main, export)
    assert r.returncode == 1
    problems = [line for line in r.stderr.splitlines() if "before it opens" in line]
    assert f"{export}:2: fund 'general' is used on 2023-02-03, before it opens on " \
        "2024-01-01" in problems
    assert all(line.startswith(f"{export}:") for line in problems)
    assert len(problems) == len(set(problems))
    assert "paypal/2023.beancount" not in r.stderr  # a file never written
    assert "nothing imported" in r.stderr
    assert snapshot(main.parent) == before


def test_a_long_list_of_refusals_is_cut_short(tmp_path, env):
    main = late_fund_books(tmp_path)
    header, first = (FIXTURES / "paypal_uk.csv").read_text(encoding="utf-8-sig").splitlines()[:2]
    export = tmp_path / "many.csv"
    # 30 copies of one row, so no running balance: the Balance cells are left empty.
    head, row = csv.reader([header, first])
    row[head.index("Balance")] = ""
    with open(export, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([head] + [[c.replace("5PP00001", f"5PP1{i:04d}") for c in row]
                                          for i in range(30)])
    r = imp(env, main, export)
    assert r.returncode == 1
    lines = r.stderr.splitlines()
    assert sum(line.startswith(f"{export}:") for line in lines) == 20
    assert "... and 10 more" in lines
