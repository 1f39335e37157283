"""The same figure on every surface: the balance sheet, the receipts and payments account
and the trial balance of generated books (one fixed draw of the generator in
tests/test_identities_property.py: every kind of entry it writes, euros with published
rates, a 31 March year) through `fundledger` as JSON, CSV and a workbook, each equal to
what the report function returns."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from conftest import run_cli

from ledger import options as ledger_options
from reports.balance_sheet import balance_sheet
from reports.receipts_payments import receipts_payments
from reports.trial_balance import trial_balance
from tests.test_identities_property import load, write

YEAR = 2020
OPS = [("gift", 10, "general", 120_000, 1), ("gift", 20, "case", 50_000, 2),
       ("euro-gift", 30, "reserve", 20_000, 17_500), ("refund", 40, "case", 2_500, 0),
       ("spend", 400, "case", 12_345, 0), ("owe", 410, "general", 7_000, 0),
       ("designate", 420, "general", 5_000, 0), ("gift", 430, "endow", 9_999, 0),
       ("tranche", 440, "general", 100_000, 88_000), ("grant-spend", 450, "general", 30_000, 0),
       ("settle", 900, "general", 1, 0), ("spend", 610, "general", 4_321, 1),
       ("euro-gift", 620, "general", 1_000, 905)]


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    folder = tmp_path_factory.mktemp("surfaces")
    entries, options = load(write("03-31", True, [30_000, 10_000], OPS), folder)
    first, last = ledger_options.fy_bounds(entries, YEAR)
    return folder, entries, options, first, last


def by_label(rows) -> dict[str, list[Decimal]]:
    """First column -> the amounts beside it, for every row of a CSV or sheet (a label
    met twice keeps its first row)."""
    out: dict[str, list[Decimal]] = {}
    for row in rows:
        if not row or row[0] in (None, ""):
            continue
        amounts = []
        for cell in row[1:]:
            try:
                amounts.append(Decimal(str(cell).replace(",", "")))
            except ArithmeticError:
                continue
        out.setdefault(str(row[0]).strip(), amounts)
    return out


def surfaces(folder, tmp_path, statement: str) -> tuple[dict, dict, dict]:
    args = ["report", statement, "--books", folder, "--year", str(YEAR)]
    as_json = run_cli(*args, "--format", "json")
    as_csv = run_cli(*args, "--format", "csv")
    out = tmp_path / f"{statement}.xlsx"
    as_xlsx = run_cli(*args, "--format", "xlsx", "-o", out)
    for r in (as_json, as_csv, as_xlsx):
        assert r.returncode == 0, r.stderr
    sheet = openpyxl.load_workbook(out).active
    return (json.loads(as_json.stdout),
            by_label(csv.reader(io.StringIO(as_csv.stdout.lstrip("\ufeff")))),
            by_label(sheet.iter_rows(values_only=True)))


def test_balance_sheet_on_every_surface(books, tmp_path):
    folder, entries, options, _first, last = books
    b = balance_sheet(entries, options, last)
    assert b.position.net_assets == b.total_funds != 0
    assert b.position.total_liabilities == Decimal("70.00")  # the invoice owed till later
    data, table, sheet = surfaces(folder, tmp_path, "balance-sheet")
    assert Decimal(data["net_assets"]) == Decimal(data["total_funds"]) == b.total_funds
    assert Decimal(data["assets"]["total"]) == b.position.total_assets
    assert Decimal(data["liabilities"]["total"]) == b.position.total_liabilities
    for got in (table, sheet):
        assert got["Total net assets"][0] == b.position.net_assets
        assert got["Total funds"][0] == b.total_funds
        assert got["Net current assets"][0] == b.net_current_assets
        assert got["Endowment funds"][0] == b.funds["endowment"]
        for f in b.fund_balances:
            assert got[f.fund][0] == f.balance, f.fund


def test_receipts_and_payments_on_every_surface(books, tmp_path):
    folder, entries, options, first, last = books
    r = receipts_payments(entries, options, first, last)
    data, table, sheet = surfaces(folder, tmp_path, "receipts-payments")
    assert Decimal(data["total_receipts"]) == r.total_receipts
    assert Decimal(data["total_payments"]) == r.total_payments
    assert Decimal(data["cash_carried_forward"]) == r.cash_carried_forward
    # A column per class of fund (endowment where the books have one), then the total.
    total = 3 if r.endowment else 2
    for got in (table, sheet):
        assert got["Total receipts"][total] == r.total_receipts
        assert got["Total payments"][total] == r.total_payments
        assert got["Cash brought forward"][total] == r.cash_brought_forward
        assert got["Cash carried forward"][total] == r.cash_carried_forward


def test_trial_balance_on_every_surface(books, tmp_path):
    folder, entries, options, first, last = books
    tb = trial_balance(entries, options, first, last)
    data, table, sheet = surfaces(folder, tmp_path, "trial-balance")
    assert Decimal(data["total_debit"]) == Decimal(data["total_credit"]) == tb.total_debit
    assert {x["account"]: (Decimal(x["debit"]), Decimal(x["credit"])) for x in data["lines"]
            } == {x.account: (x.debit, x.credit) for x in tb.lines}
    for got in (table, sheet):
        assert got["Total"] == [tb.total_debit, tb.total_credit]
        for x in tb.lines:
            assert got[x.account] == [x.debit, x.credit], x.account
