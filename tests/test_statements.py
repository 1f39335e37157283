"""The statements an examiner expects beside the SOFA (issue 15): balance sheet with the
analysis of net assets between funds, receipts and payments accounts, trial balance,
nominal ledger and the entries behind every line; checked against independent sums over
the books (beanquery), small books worked by hand, and the CLI in a subprocess. The demo's
last-year pack is written to test-output/."""

from __future__ import annotations

import csv
import datetime
import io
import json
import shutil
from decimal import Decimal

import pytest
from conftest import OUTPUT, run_cli

from fundledger import demo_books
from ledger import funds as fundmodel
from ledger import options as ledger_options
from reports.balance_sheet import analysis_total, balance_sheet
from reports.receipts_payments import receipts_payments
from reports.sofa import sofa
from reports.trial_balance import entries_behind, nominal_ledger, trial_balance
from tests.statements_books import CENT, load, query, write_tiny

D = Decimal
YEARS = range(2017, 2025)


@pytest.fixture(scope="module")
def demo_loaded():
    return load(demo_books.MAIN)


def books_sum(entries, options, where: str) -> Decimal:
    """Sum of GBP weights of the postings `where` says, by beanquery."""
    rows = query(entries, options, f"SELECT sum(number(weight)) AS n WHERE {where} "
                                   "AND currency(weight) = 'GBP'")
    return D(rows[0][0] or 0).quantize(CENT)


def test_balance_sheet_every_demo_year(demo_loaded):
    """Net assets = total funds = sum of fund balances = assets - liabilities in the books."""
    entries, options = demo_loaded
    for year in YEARS:
        _s, end = ledger_options.fy_bounds(entries, year)
        b = balance_sheet(entries, options, end)
        in_books = books_sum(entries, options,
                             f"date <= {end} AND account ~ '^(Assets|Liabilities):'")
        fund_balances = sum((bal.get("GBP", D(0)) for bal in
                             fundmodel.balances(entries, until=end).values()), D(0))
        assert b.position.net_assets == b.total_funds == fund_balances == in_books, year
        assert b.position.total_assets == books_sum(
            entries, options, f"date <= {end} AND account ~ '^Assets:'"), year
        # the analysis: each column is its funds, and every line adds across to the sheet
        columns = {c: analysis_total(col) for c, col in b.analysis.items()}
        assert columns["unrestricted"] == b.funds["unrestricted"] + b.funds["designated"]
        assert columns["restricted"] == b.funds["restricted"]
        for line, n in b.position.assets.items():
            assert sum(col[line] for col in b.analysis.values()) == n, (year, line)
        assert sum(col["liabilities"] for col in b.analysis.values()) == (
            b.position.total_liabilities)
        assert sum(f.balance for f in b.fund_balances) == b.total_funds


def test_balance_sheet_cli_json_matches_funds_as_of(cli):
    r = cli("report", "balance-sheet", "--year", "2024", "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert {"date", "assets", "liabilities", "net_assets", "funds", "total_funds"} <= set(data)
    assert data["date"] == "2024-12-31"
    funds = json.loads(cli("funds", "--as-of", "2024-12-31", "--format", "json").stdout)
    as_of = sum(D(f["balance"].split()[0]) for f in funds["funds"])
    assert D(data["net_assets"]) == D(data["total_funds"]) == as_of
    assert D(data["total_funds"]) == sum(D(v) for v in data["funds"].values())
    assert D(data["assets"]["total"]) - D(data["liabilities"]["total"]) == D(data["net_assets"])


def test_receipts_and_payments_by_hand(tmp_path):
    """Tiny books, FY to 31 March 2023: receipts 100 donated (unrestricted), 1,000 pledged
    and 4,400 of grant (restricted); payments 50 platform fee (restricted), 30 rent
    (unrestricted); the designation of 20 moves no money. Cash 0 -> 5,420."""
    entries, options = load(write_tiny(tmp_path / "tiny"))
    start, end = ledger_options.fy_bounds(entries, 2023)
    r = receipts_payments(entries, options, start, end)
    got = {x.key: (x.unrestricted, x.restricted) for x in r.receipts}
    assert got == {"donations": (D("100.00"), D("1000.00")), "charitable": (0, D("4400.00")),
                   "investments": (0, 0), "investments_sold": (0, 0), "other": (0, 0)}
    paid = {x.key: (x.unrestricted, x.restricted) for x in r.payments if x.total}
    assert paid == {"raising": (0, D("50.00")), "other": (D("30.00"), 0)}
    assert (r.total_receipts, r.total_payments) == (D("5500.00"), D("80.00"))
    assert (r.cash_brought_forward, r.cash_carried_forward) == (0, D("5420.00"))


def test_receipts_and_payments_chain_every_demo_year(demo_loaded):
    entries, options = demo_loaded
    carried = D(0)
    for year in YEARS:
        start, end = ledger_options.fy_bounds(entries, year)
        r = receipts_payments(entries, options, start, end)
        assert r.cash_brought_forward == carried, year
        assert r.cash_carried_forward - r.cash_brought_forward == (
            r.total_receipts - r.total_payments), year
        money = "account ~ '^Assets:' AND NOT account ~ '^Assets:(Debtors|Fixed)'"
        assert r.cash_carried_forward == books_sum(entries, options,
                                                   f"date <= {end} AND {money}"), year
        carried = r.cash_carried_forward
    # an invoice is a payment when it is paid, not when it is booked: BW-2308, booked in
    # 2023 and unpaid, is in the SOFA's litigation but not in the payments
    start, end = ledger_options.fy_bounds(entries, 2023)
    r = receipts_payments(entries, options, start, end)
    s = sofa(entries, options, start, end, prior=False)
    litigation = next(x for x in r.payments if x.key == "legal")
    assert s.row("expenditure.legal").total - litigation.total == D("288.00")


def test_receipts_and_payments_cli_json(cli):
    before = json.loads(cli("report", "receipts-payments", "--year", "2023",
                            "--format", "json").stdout)
    after = json.loads(cli("report", "receipts-payments", "--year", "2024",
                           "--format", "json").stdout)
    for data in (before, after):
        assert {"receipts", "payments", "total_receipts", "total_payments",
                "cash_brought_forward", "cash_carried_forward"} <= set(data)
        assert D(data["total_receipts"]) == sum(D(v) for v in data["receipts"].values())
        assert D(data["cash_carried_forward"]) - D(data["cash_brought_forward"]) == (
            D(data["total_receipts"]) - D(data["total_payments"]))
    assert after["cash_brought_forward"] == before["cash_carried_forward"]


def test_trial_balance_and_the_entries_behind_every_line(demo_loaded):
    entries, options = demo_loaded
    for year in YEARS:
        start, end = ledger_options.fy_bounds(entries, year)
        t = trial_balance(entries, options, start, end)
        assert t.total_debit == t.total_credit > 0, year
        s = sofa(entries, options, start, end, prior=False)
        tb = {x.account: x.balance for x in t.lines}
        assert sum(n for a, n in tb.items() if a.startswith("Expenses:")) == (
            s.row("expenditure.total").total), year
        assert -sum(n for a, n in tb.items() if a.startswith("Income:")) == (
            s.row("income.total").total), year
        behind = entries_behind(entries, options, start, end)
        for row in s.rows:
            if row.section in ("income", "expenditure") and not row.is_total:
                for column in ("unrestricted", "restricted"):
                    assert sum((x.amount for x in behind if x.statement == "sofa"
                                and x.line == row.key and x.column == column), D(0)) == (
                        getattr(row, column)), (year, row.key, column)
        b = balance_sheet(entries, options, end)
        for line, n in b.position.assets.items():
            assert sum((x.amount for x in behind if x.statement == "balance sheet"
                        and x.line == line), D(0)) == n, (year, line)
        ledger = nominal_ledger(entries, options, start, end)
        last = {}
        for x in ledger:
            last[x.account] = x.balance
        for account, n in last.items():
            if account.startswith(("Assets:", "Liabilities:")):
                assert n == tb.get(account, 0), (year, account)


def test_basis_declared_in_the_books_heads_the_pack(demo, tmp_path):
    r = run_cli("report", "pack", "--books", demo, "--year", "2024", "-o", tmp_path / "a")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "a" / "1-sofa.html").exists()
    assert (tmp_path / "a" / "2-balance-sheet.html").exists()
    assert not (tmp_path / "a" / "1-receipts-payments.html").exists()
    with demo.open("a") as f:
        f.write('\n2017-01-01 custom "fundledger-option" "basis" "receipts"\n')
    r = run_cli("report", "pack", "--books", demo, "--year", "2024", "-o", tmp_path / "r")
    assert r.returncode == 0, r.stderr
    names = sorted(p.name for p in (tmp_path / "r").iterdir())
    assert "1-receipts-payments.html" in names and "1-sofa.html" not in names
    assert "receipts basis" in r.stdout
    # the policy note says which basis, and when income is recognised on it
    notes = (tmp_path / "r" / "6-notes.html").read_text()
    assert "Basis of preparation: receipts and payments accounts" in notes
    assert "Income is recognised when received" in notes
    assert "Basis of preparation: accruals" in (tmp_path / "a" / "6-notes.html").read_text()
    with demo.open("a") as f:
        f.write('\n2018-01-01 custom "fundledger-option" "basis" "cash"\n')
    r = run_cli("report", "pack", "--books", demo, "--year", "2024", "-o", tmp_path / "x")
    assert r.returncode == 1 and 'basis "cash" is not one of accruals, receipts' in r.stderr


@pytest.mark.parametrize("fmt", ["csv", "html", "xlsx"])
def test_statement_formats(tmp_path, fmt):
    import openpyxl

    out = tmp_path / f"bs.{fmt}"
    r = run_cli("report", "balance-sheet", "--year", "2024", "--format", fmt, "-o", out)
    assert r.returncode == 0, r.stderr
    if fmt == "xlsx":
        rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
        net = next(r for r in rows if r[0] == "Total net assets")
        funds = next(r for r in rows if r[0] == "Total funds")
        assert net[1] == funds[1] and isinstance(net[1], (int, float))
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
        net = next(r for r in rows if r and r[0] == "Total net assets")
        assert net[1] == next(r for r in rows if r and r[0] == "Total funds")[1]
    else:
        text = out.read_text()
        assert "Analysis of net assets between funds" in text and "<script" not in text
    r = run_cli("report", "balance-sheet", "--year", "2024", "--format", "html")
    assert r.returncode == 2 and "-o FILE" in r.stderr


def test_sample_pack_for_the_demo_s_last_year(cli):
    """The pack an examiner reads, for the demo's last year: test-output/pack-<year>/."""
    entries, _o = load(demo_books.MAIN)
    year = max(e.date for e in entries).year
    out = OUTPUT / f"pack-{year}"
    shutil.rmtree(out, ignore_errors=True)
    r = cli("report", "pack", "--year", str(year), "-o", out)
    assert r.returncode == 0, r.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == ["1-sofa.csv", "1-sofa.html", "2-balance-sheet.csv",
                     "2-balance-sheet.html", "3-trial-balance.csv", "3-trial-balance.html",
                     "4-nominal-ledger.csv", "5-entries-behind.csv", "6-notes.html",
                     "7-lock.txt"]  # the period lock's digest, to keep outside the books
    # every part an examiner expects beside the statements, and what is still missing
    notes = (out / "6-notes.html").read_text()
    for part in ("Accounting policies and basis of preparation", "Debtors and creditors",
                 "Funds by class, this year and the prior year",
                 "Funds note: each fund and its purpose", "Grants made and grants payable",
                 "Related-party transactions and trustees&#39; expenses", "Staff costs",
                 "Reserves", "Contingent liabilities (adverse costs orders)",
                 "Events after the balance sheet date", "Approval by the trustees",
                 "Independent examiner&#39;s report", "Still to be declared by the trustees"):
        assert part in notes, part
    assert "Still to be declared by the trustees" in r.stdout
    assert "Comparatives: the prior year by fund class" in (out / "1-sofa.html").read_text()
    sheet = (out / "2-balance-sheet.html").read_text()
    assert "Analysis of net assets between funds" in sheet and "Funds of the charity" in sheet
    assert "Funds note" in (out / "1-sofa.html").read_text()
    tb = list(csv.reader(io.StringIO((out / "3-trial-balance.csv").read_text("utf-8-sig"))))
    total = next(r for r in tb if r and r[0] == "Total")
    assert total[1] == total[2]
    assert datetime.date(year, 12, 31).isoformat() in sheet


def test_csv_listings_from_the_cli(cli, tmp_path):
    """entries-behind and nominal-ledger as a treasurer runs them: filter a line, sum it,
    and it is the SOFA's figure; the ledger's last balance is the trial balance's."""
    r = cli("report", "entries-behind", "--year", "2020")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    sofa_json = json.loads(cli("report", "sofa", "--year", "2020", "--format", "json").stdout)
    litigation = next(x for x in sofa_json["sofa"] if x["key"] == "expenditure.legal")
    assert sum(D(x["amount"]) for x in rows if x["line"] == "expenditure.legal") == D(
        litigation["total"])
    assert all(x["source"].count(":") >= 1 for x in rows)
    out = tmp_path / "ledger.csv"
    r = cli("report", "nominal-ledger", "--year", "2020", "-o", out)
    assert r.returncode == 0, r.stderr
    ledger = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    tb = json.loads(cli("report", "trial-balance", "--year", "2020", "--format", "json").stdout)
    bank = next(x for x in tb["lines"] if x["account"] == "Assets:Bank:Current")
    last = [x for x in ledger if x["account"] == "Assets:Bank:Current"][-1]
    assert D(last["balance"]) == D(bank["debit"]) - D(bank["credit"])
