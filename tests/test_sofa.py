"""SOFA and funds note: hand-worked small books, the demo books against beanquery sums,
the funds-note identity for every fund and year, and the CLI in a subprocess."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import openpyxl
import pytest

from fundledger import demo_books
from ledger import funds as fundmodel
from ledger import options as ledger_options
from reports import sofa_render, xlsx
from reports.classify import ReportError
from reports.sofa import sofa
from tests.conftest import OUTPUT
from tests.statements_books import cents, fund_sums, load, write_tiny

D = Decimal
FUND_KEYS = ("brought_forward", "income", "expenditure", "transfers", "carried_forward")


@pytest.fixture(scope="module")
def demo_loaded():
    return load(demo_books.MAIN)


@pytest.fixture
def tiny(tmp_path):
    path = write_tiny(tmp_path / "tiny")
    return path, *load(path)


def test_fy_end_is_read_from_the_books(tiny):
    _path, entries, _options = tiny
    assert ledger_options.fy_end(entries) == (3, 31)
    assert ledger_options.fy_bounds(entries, 2024) == (datetime.date(2023, 4, 1),
                                                       datetime.date(2024, 3, 31))
    assert ledger_options.fy_bounds([], 2023) == (datetime.date(2023, 1, 1),
                                                  datetime.date(2023, 12, 31))


def test_tiny_books_hand_worked(tiny):
    _path, entries, options = tiny
    start, end = ledger_options.fy_bounds(entries, 2024)
    s = sofa(entries, options, start, end, prior=ledger_options.fy_bounds(entries, 2023))

    def cols(key):
        r = s.row(key)
        return r.unrestricted, r.restricted, r.total, r.prior_total

    assert cols("income.donations") == (0, 0, 0, D("1100.00"))  # donation + gross pledges
    assert cols("income.charitable") == (0, D("4600.00"), D("4600.00"), D("4400.00"))
    assert cols("income.investments") == (D("5.00"), 0, D("5.00"), 0)
    assert cols("income.total") == (D("5.00"), D("4600.00"), D("4605.00"), D("5500.00"))
    assert cols("expenditure.raising") == (0, 0, 0, D("50.00"))
    assert cols("expenditure.legal") == (0, D("3430.00"), D("3430.00"), 0)
    assert cols("expenditure.comms") == (0, D("460.00"), D("460.00"), 0)
    assert cols("expenditure.other") == (0, 0, 0, D("30.00"))
    assert cols("expenditure.total") == (0, D("3890.00"), D("3890.00"), D("80.00"))
    assert cols("net") == (D("5.00"), D("710.00"), D("715.00"), D("5420.00"))
    assert cols("transfers") == (D("-10.00"), D("10.00"), 0, 0)
    assert cols("movement") == (D("-5.00"), D("720.00"), D("715.00"), D("5420.00"))
    # designated 'reserve' (20.00) sits in the unrestricted column, as SORP requires
    assert cols("bf") == (D("70.00"), D("5350.00"), D("5420.00"), 0)
    assert cols("cf") == (D("65.00"), D("6070.00"), D("6135.00"), D("5420.00"))
    note = {m.fund: tuple(getattr(m, k) for k in FUND_KEYS) for m in s.funds}
    assert note == {
        "general": (D("50.00"), D("5.00"), 0, D("-10.00"), D("45.00")),
        "reserve": (D("20.00"), 0, 0, 0, D("20.00")),
        "case": (D("950.00"), 0, D("900.00"), D("10.00"), D("60.00")),
        "grant": (D("4400.00"), D("4600.00"), D("2990.00"), 0, D("6010.00")),
    }


def test_funds_note_identity_every_fund_every_year(demo_loaded):
    check_identity_every_year(*demo_loaded)


def test_funds_note_identity_with_a_march_year_end(demo):
    with demo.open("a") as f:
        f.write('\n2017-01-01 custom "fundledger-option" "fy-end" "03-31"\n')
    entries, options = load(demo)
    assert ledger_options.fy_end(entries) == (3, 31)
    check_identity_every_year(entries, options)


def check_identity_every_year(entries, options):
    dates = [e.date for e in entries if type(e).__name__ == "Transaction"]
    years = range(min(dates).year, max(dates).year + 2)  # and the year after the last entry
    assert set(range(2017, 2025)) <= set(years)
    declared, _b, _e = fundmodel.declarations(entries)
    for year in years:
        start, end = ledger_options.fy_bounds(entries, year)
        s = sofa(entries, options, start, end, prior=False)
        balances = fundmodel.balances(entries, until=end)
        before = fundmodel.balances(entries, until=start - datetime.timedelta(days=1))
        shown = {m.fund for m in s.funds}
        # every fund with money or movement is in the note
        assert {f for f, b in balances.items() if b} <= shown, year
        for m in s.funds:
            assert (m.brought_forward + m.income - m.expenditure + m.transfers
                    == m.carried_forward), (year, m)
            assert m.carried_forward == balances.get(m.fund, {}).get("GBP", 0), (year, m)
            assert m.brought_forward == before.get(m.fund, {}).get("GBP", 0), (year, m)
            assert declared[m.fund].opened <= end
        # the reconciliation of funds agrees with the note
        assert s.row("bf").total == sum(m.brought_forward for m in s.funds)
        assert s.row("cf").total == sum(m.carried_forward for m in s.funds)
        assert s.row("transfers").total == 0


@pytest.mark.parametrize("year", [2017, 2020, 2023, 2024])
def test_demo_rows_match_beanquery(demo_loaded, year):
    entries, options = demo_loaded
    start, end = ledger_options.fy_bounds(entries, year)
    s = sofa(entries, options, start, end)
    declared, _b, _e = fundmodel.declarations(entries)
    sums = fund_sums(entries, options, start, end)
    # an independent, deliberately literal reading of docs/books.md
    income_map = {"Income:Donations": "donations", "Income:Crowdfunding": "donations",
                  "Income:Grants": "charitable", "Income:Interest": "investments"}
    expense_map = {"Expenses:Fees": "raising", "Expenses:Legal": "legal",
                   "Expenses:Comms": "comms"}
    expected: dict[tuple[str, str], Decimal] = {}
    for (account, fund), n in sums.items():
        column = "restricted" if declared[fund].fund_class == "restricted" else "unrestricted"
        head = ":".join(account.split(":")[:2])
        if account.startswith("Income:"):
            key, n = "income." + income_map.get(head, "other"), -n
        elif account.startswith("Expenses:"):
            key = "expenditure." + expense_map.get(head, "other")
        else:
            key, n = "transfers", -n
        expected[key, column] = expected.get((key, column), D(0)) + n
    for row in s.rows:
        if row.is_total or row.section == "funds":
            continue
        assert row.unrestricted == expected.get((row.key, "unrestricted"), 0), row.key
        assert row.restricted == expected.get((row.key, "restricted"), 0), row.key
    prior = sofa(entries, options, *ledger_options.fy_bounds(entries, year - 1), prior=False)
    assert [r.prior_total for r in s.rows] == [r.total for r in prior.rows]


def test_json_contract(demo_loaded):
    entries, options = demo_loaded
    s = sofa(entries, options, datetime.date(2020, 1, 1), datetime.date(2020, 12, 31))
    data = json.loads(sofa_render.to_json(s))
    balances = fundmodel.balances(entries, until=datetime.date(2020, 12, 31))
    assert data["funds"]
    for item in data["funds"]:
        assert set(item) == {"fund", *FUND_KEYS}
        n = {k: D(item[k]) for k in FUND_KEYS}
        assert n["income"] >= 0 and n["expenditure"] >= 0
        assert n["brought_forward"] + n["income"] - n["expenditure"] + n["transfers"] == (
            n["carried_forward"])
        assert n["carried_forward"] == balances.get(item["fund"], {}).get("GBP", 0)


def test_workbook_reopened(tiny):
    _path, entries, options = tiny
    start, end = ledger_options.fy_bounds(entries, 2024)
    s = sofa(entries, options, start, end)
    path = xlsx.sofa_workbook(s, OUTPUT / "sofa-tiny-fy2024.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["SOFA"]
    assert ws.freeze_panes == "B5"
    rows = {str(r[0]).strip(): r[1:5] for r in ws.iter_rows(min_row=5, values_only=True) if r[0]}
    assert [cents(v) for v in rows["Total income"]] == [D("5"), D("4600"), D("4605"), D("5500")]
    assert [cents(v) for v in rows["Total funds carried forward"]] == [
        D("65"), D("6070"), D("6135"), D("5420")]
    cell = next(c for c in ws["B"] if c.row > 4 and c.value is not None)
    assert cell.data_type == "n" and cell.number_format == "#,##0.00"
    note = wb["Funds note"]
    got = {r[0]: [cents(v) for v in r[3:8]] for r in note.iter_rows(min_row=3, values_only=True)
           if r[0] and r[0] != "Total"}
    assert got["case"] == [D("950"), D("0"), D("900"), D("10"), D("60")]
    assert "Funds note (prior)" in wb.sheetnames


def test_cli_formats(tiny, cli, tmp_path):
    path, _entries, _options = tiny
    out = cli("report", "sofa", "--year", "2024", "--books", path, "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert (data["start"], data["end"]) == ("2023-04-01", "2024-03-31")
    assert {f["fund"]: f["carried_forward"] for f in data["funds"]}["grant"] == "6010.00"
    table = cli("report", "sofa", "--from", "2023-04-01", "--to", "2024-03-31", "--books", path)
    assert table.returncode == 0, table.stderr
    assert "Total funds carried forward" in table.stdout and "6,135.00" in table.stdout
    csv_out = cli("report", "sofa", "--year", "2024", "--books", path, "--format", "csv")
    assert "income.investments,Investments,5.00,0.00,5.00,0.00" in csv_out.stdout
    html = tmp_path / "sofa.html"
    r = cli("report", "sofa", "--year", "2024", "--books", path, "--format", "html", "-o", html)
    assert r.returncode == 0, r.stderr
    text = html.read_text()
    assert "6,135.00" in text and "<script" not in text and "http" not in text.lower()
    xl = tmp_path / "sofa.xlsx"
    r = cli("report", "sofa", "--year", "2024", "--books", path, "--format", "xlsx", "-o", xl)
    assert r.returncode == 0, r.stderr
    assert openpyxl.load_workbook(xl)["SOFA"]["A1"].value.startswith("Tiny Trust")


def test_cli_errors(tiny, cli, tmp_path):
    path, _e, _o = tiny
    both = cli("report", "sofa", "--year", "2024", "--from", "2023-01-01", "--books", path)
    assert both.returncode == 2 and "either --year" in both.stderr
    half = cli("report", "sofa", "--from", "2023-01-01", "--books", path)
    assert half.returncode == 2
    no_out = cli("report", "sofa", "--year", "2024", "--books", path, "--format", "xlsx")
    assert no_out.returncode == 2 and "-o" in no_out.stderr
    bad = tmp_path / "bad" / "main.beancount"
    bad.parent.mkdir()
    bad.write_text(path.read_text().replace('"fy-end" "03-31"', '"fy-end" "31-03"'))
    r = cli("report", "sofa", "--year", "2024", "--books", bad)
    assert r.returncode == 1 and f"{bad}:4: fy-end" in r.stderr
    broken = tmp_path / "broken" / "main.beancount"
    broken.parent.mkdir()
    broken.write_text(path.read_text().replace('fund: "case"\n  Expenses:Legal', 'Expenses:Legal'))
    before = broken.read_bytes()
    r = cli("report", "sofa", "--year", "2024", "--books", broken)
    assert r.returncode == 1 and "main.beancount:" in r.stderr
    assert broken.read_bytes() == before


def test_income_without_a_pound_value_is_refused(books):
    path = books("""
        2017-01-01 open Assets:Euro EUR
        2019-03-01 * "Funder" "Grant kept in euros"
          fund: "case"
          Assets:Euro           100.00 EUR
          Income:Grants        -100.00 EUR
        """)
    entries, options = load(path)
    with pytest.raises(ReportError, match=r"main.beancount:\d+: Income:Grants is booked in EUR"):
        sofa(entries, options, datetime.date(2019, 1, 1), datetime.date(2019, 12, 31))


@pytest.mark.parametrize("year", [2019, 2024])
def test_demo_workbook_against_the_books(demo_loaded, year):
    entries, options = demo_loaded
    start, end = ledger_options.fy_bounds(entries, year)
    path = xlsx.sofa_workbook(sofa(entries, options, start, end),
                              OUTPUT / f"sofa-demo-{year}.xlsx")
    wb = openpyxl.load_workbook(path)
    balances = fundmodel.balances(entries, until=end)
    sums = fund_sums(entries, options, start, end)
    note = [r for r in wb["Funds note"].iter_rows(min_row=3, values_only=True) if r[0]]
    assert note[-1][0] == "Total"
    for fund, _title, _cls, bf, inc, exp, tr, cf in note[:-1]:
        assert cents(cf) == balances.get(fund, {}).get("GBP", 0)
        assert cents(bf) + cents(inc) - cents(exp) + cents(tr) == cents(cf)
        assert cents(inc) == -sum((n for (a, f), n in sums.items()
                                   if f == fund and a.startswith("Income:")), D(0))
        assert cents(exp) == sum((n for (a, f), n in sums.items()
                                  if f == fund and a.startswith("Expenses:")), D(0))
    rows = {str(r[0]).strip(): r for r in wb["SOFA"].iter_rows(min_row=5, values_only=True)
            if r[0]}
    total_income = -sum((n for (a, _f), n in sums.items() if a.startswith("Income:")), D(0))
    assert cents(rows["Total income"][3]) == total_income
    assert cents(rows["Total funds carried forward"][3]) == sum(
        (b.get("GBP", D(0)) for b in balances.values()), D(0))
