"""Statements of money the books already hold (a solicitors' client-account ledger, a
platform's statement of funds held, Stripe's balance summary): imported for their balances
only. Each day's closing balance is asserted; no transaction is added, so nothing the
crowdfunder and invoice exports booked is booked twice."""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

from beancount import loader
from beancount.core import data
from importers_support import snapshot

from fundledger import demo_books

REAL = Path(__file__).parent / "fixtures" / "real"
LEDGER = REAL / "client-ledger.csv"
SUMMARY = REAL / "stripe-balance-summary.csv"
D = Decimal

HEAD = """option "title" "Friends of the Court"
option "operating_currency" "GBP"
plugin "ledger.plugin"

2017-01-01 open Assets:Bank:Current GBP
2017-01-01 open Assets:Held:Harbour-Vale GBP
2017-01-01 open Assets:Stripe GBP
2017-01-01 open Assets:Transfers GBP
2017-01-01 open Income:Donations:Stripe GBP
2017-01-01 open Expenses:Legal:Solicitors GBP
2017-01-01 open Equity:Funds:Opening GBP
2017-01-01 custom "fund" "general" "unrestricted"
  title: "General"
2017-01-01 custom "fundledger-source" "client-ledger"
  campaign: "HV/FOC/0007"
  account: "Assets:Held:Harbour-Vale"
"""


def statement_lines(path: Path) -> list[dict]:
    """The client ledger's lines, read with the csv module (not the importer)."""
    text = path.read_text("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    at = next(i for i, r in enumerate(rows) if r[:2] == ["Date", "Matter"])
    return [dict(zip(rows[at], r, strict=True)) for r in rows[at + 1:] if r]


def amount(text: str) -> Decimal:
    return D(text.replace(",", "")) if text else D(0)


def books_holding_the_money(folder: Path) -> Path:
    """Books that already hold every movement the client ledger shows, booked as other
    exports would have (payouts in, invoices and disbursements out), and the Stripe money
    of 2024: what the statements must agree with, not add to."""
    entries = []
    for line in statement_lines(LEDGER):
        day = datetime.datetime.strptime(line["Date"], "%d/%m/%Y").date()
        moved = amount(line["Paid in"]) - amount(line["Paid out"])
        if not moved:  # the brought-forward balance: money held before these books
            moved = amount(line["Balance"])
            other = "Equity:Funds:Opening"
        else:
            other = "Assets:Transfers" if moved > 0 else "Expenses:Legal:Solicitors"
        entries.append(f'{day} * "Harbour & Vale" "{line["Reference"]}"\n  fund: "general"\n'
                       f"  Assets:Held:Harbour-Vale  {moved} GBP\n  {other}  {-moved} GBP\n")
    entries.append('2023-12-31 * "Stripe" "Brought forward"\n  fund: "general"\n'
                   "  Assets:Stripe  212.40 GBP\n  Equity:Funds:Opening  -212.40 GBP\n")
    entries.append('2024-06-30 * "Stripe" "Donations less payouts"\n  fund: "general"\n'
                   "  Assets:Stripe  -87.20 GBP\n  Assets:Transfers  1960.35 GBP\n"
                   "  Income:Donations:Stripe  -1873.15 GBP\n")
    folder.mkdir(parents=True)
    main = folder / "main.beancount"
    main.write_text(HEAD + "\n" + "\n".join(entries), encoding="utf-8")
    return main


def load(main: Path):
    entries, errors, _ = loader.load_file(str(main))
    assert errors == [], errors
    return entries


def test_a_client_ledger_asserts_each_days_balance_and_adds_no_transaction(tmp_path, cli):
    main = books_holding_the_money(tmp_path / "books")
    before = load(main)
    r = cli("import", LEDGER, "--books", main.parent)
    assert r.returncode == 0, r.stderr
    after = load(main)
    txns = [e for e in after if isinstance(e, data.Transaction)]
    assert txns == [e for e in before if isinstance(e, data.Transaction)]
    asserted = {(b.date, b.amount.number) for b in after if isinstance(b, data.Balance)}
    # One per statement day: the day's last balance, asserted the next morning.
    expected = {}
    for line in statement_lines(LEDGER):
        day = datetime.datetime.strptime(line["Date"], "%d/%m/%Y").date()
        expected[day + datetime.timedelta(days=1)] = amount(line["Balance"])
    assert asserted == set(expected.items())
    assert all(b.account == "Assets:Held:Harbour-Vale" for b in after
               if isinstance(b, data.Balance))
    assert f"{len(expected)} statement balance(s) asserted" in r.stderr
    # Running it again adds nothing.
    kept = snapshot(main.parent)
    again = cli("import", LEDGER, "--books", main.parent)
    assert again.returncode == 0, again.stderr
    assert again.stderr.strip().splitlines()[-1].startswith("0 new")
    assert snapshot(main.parent) == kept
    # And the client account now reconciles.
    rec = cli("reconcile", "--books", main.parent, "--format", "json")
    held = next(a for a in json.loads(rec.stdout) if a["account"] == "Assets:Held:Harbour-Vale")
    assert held["reconciled"] and D(held["statement"]) == 0


def test_stripes_balance_summary_asserts_the_years_ending_balance(tmp_path, cli):
    main = books_holding_the_money(tmp_path / "books")
    r = cli("import", SUMMARY, "--books", main.parent)
    assert r.returncode == 0, r.stderr
    balances = [e for e in load(main) if isinstance(e, data.Balance)]
    assert [(b.date, b.account, b.amount.number, b.amount.currency) for b in balances] == [
        (datetime.date(2025, 1, 1), "Assets:Stripe", D("125.20"), "GBP")]


def test_a_statement_the_books_disagree_with_is_refused_naming_file_and_row(tmp_path, cli):
    main = books_holding_the_money(tmp_path / "books")
    lines = LEDGER.read_bytes().decode("utf-8").split("\r\n")
    bad_row = next(n for n, line in enumerate(lines, 1) if '"LC-2406"' in line)
    lines[bad_row - 1] = lines[bad_row - 1].replace('"662.20"', '"626.20"')
    bad = tmp_path / "client-ledger.csv"
    bad.write_bytes("\r\n".join(lines).encode("utf-8"))
    kept = snapshot(main.parent)
    r = cli("import", bad, "--books", main.parent)
    assert r.returncode == 1
    assert f"{bad}:{bad_row}: Balance failed for 'Assets:Held:Harbour-Vale'" in r.stderr
    assert snapshot(main.parent) == kept


def test_a_matter_the_books_do_not_declare_is_refused(tmp_path, cli):
    main = books_holding_the_money(tmp_path / "books")
    main.write_text(main.read_text().replace('campaign: "HV/FOC/0007"', 'campaign: "HV/X/1"'))
    kept = snapshot(main.parent)
    r = cli("import", LEDGER, "--books", main.parent)
    assert r.returncode == 1
    # Refused where the campaign is read, as every undeclared campaign is (importers/build.py).
    assert "is none of those the books declare for client-ledger" in r.stderr
    assert snapshot(main.parent) == kept


def test_the_demo_reconciles_every_holding_account(cli):
    r = cli("reconcile", "--books", demo_books.MAIN, "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert {a["account"] for a in rows} >= {
        "Assets:Stripe", "Assets:Platforms:CaseFunder", "Assets:Held:Brightwater",
        "Assets:Held:Harbour-Vale", "Assets:Bank:Current", "Assets:PayPal"}
    assert [a["account"] for a in rows if not a["reconciled"]] == []
    # every account has a statement, but money in transit between our own accounts (nil)
    assert [a["account"] for a in rows if not a["statement_date"]] == ["Assets:Transfers"]
    table = cli("reconcile", "--books", demo_books.MAIN)
    assert f"{len(rows)} of {len(rows)} holding accounts reconciled." in table.stdout


def test_the_demos_statements_book_no_money():
    """The statement-only sources add balance assertions and nothing else to the demo."""
    entries = load(demo_books.MAIN)
    statement_only = {"client-ledger", "casefunder-statement", "stripe-balance-summary"}
    from_them = [e for e in entries if str((e.meta or {}).get("import-id", "")).split(":")[0]
                 in statement_only]
    assert from_them and all(isinstance(e, data.Balance) for e in from_them)
    assert {e.account for e in from_them} == {
        "Assets:Held:Harbour-Vale", "Assets:Held:Brightwater", "Assets:Platforms:CaseFunder",
        "Assets:Stripe"}
