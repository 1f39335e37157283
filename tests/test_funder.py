"""Funder report: hand-worked small books, the demo grant against plain sums over the
books, the workbook reopened with openpyxl, and the CLI in a subprocess."""

from __future__ import annotations

import datetime
from decimal import Decimal

import openpyxl
import pytest

from fundledger import demo_books
from ledger import funds as fundmodel
from reports.funder import UNMAPPED, funder_report
from reports.xlsx import funder_workbook
from tests.conftest import OUTPUT
from tests.statements_books import cents, load, write_tiny

D = Decimal


@pytest.fixture
def tiny(tmp_path):
    path = write_tiny(tmp_path / "tiny")
    return path, *load(path)


def sheet_rows(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


def section(rows, title: str) -> list[tuple]:
    """The rows of a Summary table: after its title and header, up to the blank row."""
    i = next(n for n, r in enumerate(rows) if r[0] == title)
    out = []
    for r in rows[i + 2:]:
        if r[0] is None:
            break
        out.append(r)
    return out


def label_value(rows, prefix: str):
    return next(r[1] for r in rows if isinstance(r[0], str) and r[0].startswith(prefix))


def test_tiny_grant_hand_worked(tiny):
    _path, entries, options = tiny
    r = funder_report(entries, options, "grant")
    assert (r.currency, r.award, r.award_rate) == ("EUR", D("10000.00"), D("0.95"))
    assert [(t.amount, t.gbp, t.rate) for t in r.tranches] == [
        (D("5000.00"), D("4400.00"), D("0.880000")), (D("5000.00"), D("4600.00"), D("0.920000"))]
    assert r.rate == D("0.900000")  # 9,000 GBP for 10,000 EUR over the period's tranches
    lines = {x.line: (x.budget, x.spent, x.spent_gbp, x.variance, x.used) for x in r.lines}
    # all 2,990 GBP is paid from tranche 1 (5,000 EUR for 4,400 GBP), first in, first out:
    # 2300 * 5000/4400 = 2613.636.. ; 460 -> 522.73 (by budget-map) ; 230 -> 261.36 unmapped
    assert lines == {
        "Lawyers": (D("8000.00"), D("2613.64"), D("2300.00"), D("5386.36"), D("0.3267")),
        "Comms": (D("2000.00"), D("522.73"), D("460.00"), D("1477.27"), D("0.2614")),
        UNMAPPED: (0, D("261.36"), D("230.00"), D("-261.36"), None),
    }
    assert (r.spent, r.spent_gbp, r.uncovered_gbp) == (D("3397.73"), D("2990.00"), 0)
    assert (r.remaining, r.remaining_gbp) == (D("6602.27"), D("6010.00"))
    # 10,000 EUR at the award-date 0.95 = 9,500 GBP; 9,000 GBP received: 500 less
    assert (r.award_gbp, r.fx_difference) == (D("9500.00"), D("500.00"))
    assert (r.other_gbp, r.balance_gbp) == (0, D("6010.00"))


def test_tiny_period_and_unbudgeted_line(tiny, tmp_path):
    path, entries, options = tiny
    r = funder_report(entries, options, "grant", datetime.date(2023, 1, 1),
                      datetime.date(2023, 6, 30))
    assert [t.date for t in r.tranches] == [datetime.date(2023, 5, 1)]
    assert r.rate == D("0.920000")  # the period's one tranche, beside its own row
    assert {x.line for x in r.lines if x.spent} == {"Lawyers", "Comms"}
    # still paid from tranche 1, received in an earlier period
    assert (r.spent, r.spent_to_date, r.remaining) == (D("3136.37"), D("3136.37"),
                                                       D("6863.63"))
    r = funder_report(entries, options, "grant", datetime.date(2023, 7, 1),
                      datetime.date(2024, 4, 5))
    assert [(x.line, x.spent) for x in r.lines if x.spent] == [(UNMAPPED, D("261.36"))]
    assert (r.tranches, r.rate, r.spent, r.spent_gbp) == ([], None, D("261.36"), D("230.00"))
    # what remains counts everything spent since the grant began, not just this period
    assert (r.spent_to_date, r.remaining, r.remaining_gbp) == (
        D("3397.73"), D("6602.27"), D("6010.00"))
    # a line named on a posting but not budgeted is kept, with budget 0
    text = path.read_text().replace('"Extra work"\n  fund: "grant"',
                                    '"Extra work"\n  fund: "grant"\n  budget-line: "Experts"')
    other = tmp_path / "other" / "main.beancount"
    other.parent.mkdir()
    other.write_text(text + """
2024-04-01 * "Trustees" "Release part of the leftover"
  Equity:Funds:Transfers    10.00 GBP
    fund: "grant"
  Equity:Funds:Transfers   -10.00 GBP
    fund: "general"
""")
    r = funder_report(*load(other), "grant")
    assert (r.other_gbp, r.balance_gbp) == (D("-10.00"), D("6000.00"))
    experts = next(x for x in r.lines if x.line == "Experts")
    assert (experts.budget, experts.spent_gbp, experts.budgeted) == (0, D("230.00"), False)
    assert next(x for x in r.lines if x.line == UNMAPPED).spent == 0


def test_tiny_spend_straddling_two_tranches(tiny, tmp_path):
    """A payment bigger than what is left of tranche 1 is converted part at each rate."""
    path, _e, _o = tiny
    other = tmp_path / "straddle" / "main.beancount"
    other.parent.mkdir()
    other.write_text(path.read_text() + """
2023-10-01 * "Firm" "Appeal"
  fund: "grant"
  Expenses:Legal:Solicitors 2000.00 GBP
    budget-line: "Lawyers"
  Assets:Bank             -2000.00 GBP
""")
    r = funder_report(*load(other), "grant")
    appeal = next(s for s in r.spend if s.description == "Appeal")
    # 1,410 GBP left of tranche 1 at 5000/4400, the other 590 GBP from tranche 2 at 5000/4600:
    # 1602.2727.. + 641.3043.. = 2243.577..
    assert appeal.amount == D("2243.58")
    assert appeal.tranches == (datetime.date(2022, 7, 1), datetime.date(2023, 5, 1))
    # spend beyond every tranche received is converted at the latest rate, and said so
    # (topped up from general funds, so the restricted fund does not go below zero)
    other.write_text(other.read_text().replace("Solicitors 2000.00 GBP", "Solicitors 8000.00 GBP")
                     .replace("Bank             -2000.00", "Bank             -8000.00") + """
2023-09-30 * "Trustees" "Top up the grant"
  Equity:Funds:Transfers   2000.00 GBP
    fund: "general"
  Equity:Funds:Transfers  -2000.00 GBP
    fund: "grant"
""")
    r = funder_report(*load(other), "grant", end=datetime.date(2023, 12, 31))
    assert r.uncovered_gbp == D("1990.00")  # 10,990 GBP spent of 9,000 GBP received
    assert "1,990.00 GBP spent beyond every tranche" in r.rate_method


def test_demo_grant_periods_never_restated():
    """To date through 2019, plus the 2020 period, is to date through 2020, line by line:
    a figure reported for 2019 is not changed by the 2020 report (issue 15)."""
    entries, options = load(demo_books.MAIN)
    fund = fundmodel.declarations(entries)[1][0].fund
    d = datetime.date
    for year in range(2020, 2025):
        before = funder_report(entries, options, fund, end=d(year - 1, 12, 31))
        period = funder_report(entries, options, fund, d(year, 1, 1), d(year, 12, 31))
        after = funder_report(entries, options, fund, end=d(year, 12, 31))
        assert [x.line for x in before.lines] == [x.line for x in after.lines]
        for b, p, a in zip(before.lines, period.lines, after.lines, strict=True):
            assert b.spent_to_date + p.spent == a.spent_to_date, (year, b.line)
            assert p.spent_to_date == a.spent_to_date
        assert before.spent_to_date + period.spent == after.spent_to_date
        # the period's tranche rows and their total's rate are the period's alone
        if period.tranches:
            got = sum(t.gbp for t in period.tranches) / sum(t.amount for t in period.tranches)
            assert period.rate == got.quantize(D("0.000001"))


def test_tiny_workbook(tiny):
    _path, entries, options = tiny
    path = funder_workbook(funder_report(entries, options, "grant"),
                           OUTPUT / "funder-tiny.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Summary", "Transactions"]
    rows = sheet_rows(wb["Summary"])
    budget = {r[0]: [cents(v) if v is not None else None for v in r[1:6]]
              for r in section(rows, "Budget against actual")}
    assert budget["Lawyers"] == [D("8000"), D("2613.64"), D("5386.36"), D("0.33"), D("2300")]
    assert budget[UNMAPPED][1] == D("261.36")
    assert budget["Total"][:3] == [D("10000"), D("3397.73"), D("6602.27")]
    assert cents(label_value(rows, "Exchange difference")) == D("500")
    assert cents(label_value(rows, "Fund balance at")) == D("6010")
    tx = wb["Transactions"]
    assert tx.freeze_panes == "A2"
    data = sheet_rows(tx)[1:-1]
    # a narration that looks like a formula is written as text, never as a formula
    assert any(r[2] == "'=cmd|' /C calc'!A0" for r in data)
    assert all(not (isinstance(v, str) and v.startswith("=")) for r in data for v in r)


def test_demo_grant_against_the_books(tmp_path):
    entries, options = load(demo_books.MAIN)
    declared, budgets, _e = fundmodel.declarations(entries)
    fund = budgets[0].fund  # the demo's grant: the fund with a budget
    currency = declared[fund].currency
    # independent plain sums over the books
    received = received_gbp = D(0)
    spend_gbp: dict[str, Decimal] = {}
    spend_rows = 0
    for e in entries:
        if type(e).__name__ != "Transaction":
            continue
        for p in e.postings:
            if (p.meta or {}).get("fund") != fund:
                continue
            if p.account.startswith("Income:") and p.units.currency == currency:
                received -= p.units.number
                # `@@ 26610.00 GBP` is kept as a per-unit price: units x price, to the cent
                received_gbp += (-p.units.number * p.price.number).quantize(D("0.01"))
            if p.account.startswith("Expenses:"):
                line = (p.meta or {}).get("budget-line") or e.meta.get("budget-line") or UNMAPPED
                spend_gbp[line] = spend_gbp.get(line, D(0)) + p.units.number
                spend_rows += 1
    path = funder_workbook(funder_report(entries, options, fund),
                           OUTPUT / "funder-report-demo.xlsx")
    wb = openpyxl.load_workbook(path)
    rows = sheet_rows(wb["Summary"])
    tranches = section(rows, "Tranches received")
    total = tranches[-1]
    assert total[0] == "Total"
    assert (cents(total[2]), cents(total[3])) == (received, received_gbp)
    assert D(str(total[4])) == (received_gbp / received).quantize(D("0.000001"))
    rates = [D(str(r[2])) / D(str(r[3])) for r in tranches[:-1]]  # EUR per GBP, each
    budget = {r[0]: r for r in section(rows, "Budget against actual")}
    declared_lines = {b.line: b.amount.number for b in budgets if b.fund == fund}
    for line, amount in declared_lines.items():
        assert cents(budget[line][1]) == amount
        assert cents(budget[line][5]) == spend_gbp.get(line, 0)
        # grant-currency spend is the GBP at the rates of the tranches it was paid from
        gbp_spent = spend_gbp.get(line, 0)
        assert (gbp_spent * min(rates) - D("0.01") * spend_rows <= cents(budget[line][2])
                <= gbp_spent * max(rates) + D("0.01") * spend_rows)
    assert cents(budget[UNMAPPED][5]) == spend_gbp.get(UNMAPPED, 0)
    assert cents(budget["Total"][5]) == sum(spend_gbp.values())
    award = label_value(rows, "Amount awarded")
    assert cents(award) == sum(declared_lines.values())  # no award: declared on the demo fund
    tx = sheet_rows(wb["Transactions"])
    assert len(tx) == spend_rows + 2  # header, rows, total
    assert sum(cents(r[6]) for r in tx[1:-1]) == sum(spend_gbp.values())
    assert sum(cents(r[7]) for r in tx[1:-1]) == cents(budget["Total"][2])
    assert tx[-1][6] == f"=SUBTOTAL(9,G2:G{spend_rows + 1})"
    for r in tx[1:-1]:
        assert isinstance(r[6], (int, float)) and isinstance(r[7], (int, float))
    ws = wb["Summary"]
    money_cell = ws.cell(row=rows.index(budget["Total"]) + 1, column=2)
    assert money_cell.number_format == "#,##0.00" and money_cell.font.b


def test_cli(tiny, cli, tmp_path):
    path, _e, _o = tiny
    out = tmp_path / "report.xlsx"
    r = cli("report", "funder", "grant", "--books", path, "-o", out)
    assert r.returncode == 0, r.stderr
    assert "3,397.73 EUR of 10,000.00 EUR" in r.stdout
    assert "230.00 GBP of spending has no budget line" in r.stderr
    assert openpyxl.load_workbook(out)["Summary"]["A1"].value.endswith("Lumen grant")
    r = cli("report", "funder", "nope", "--books", path, "-o", out)
    assert r.returncode == 1 and "fund 'nope' is not declared" in r.stderr
    r = cli("report", "funder", "general", "--books", path, "-o", out)
    assert r.returncode == 1 and "no budget lines and no award" in r.stderr
    bad = tmp_path / "bad" / "main.beancount"
    bad.parent.mkdir()
    bad.write_text(path.read_text().replace("award-rate: 0.95", 'award-rate: "soon"'))
    r = cli("report", "funder", "grant", "--books", bad, "-o", out)
    line = 1 + bad.read_text().splitlines().index('2017-01-01 custom "fund" "grant" "restricted"')
    assert r.returncode == 1 and f"{bad}:{line}: award-rate" in r.stderr
    r = cli("report", "funder", "grant", "--books", path)
    assert r.returncode == 2
    r = cli("report", "funder", "grant", "--books", path, "-o", tmp_path / "x.csv")
    assert r.returncode == 2 and ".xlsx" in r.stderr
    entries, _options = load(demo_books.MAIN)
    grant = fundmodel.declarations(entries)[1][0].fund
    demo = cli("report", "funder", grant, "-o", tmp_path / "demo.xlsx")
    assert demo.returncode == 0, demo.stderr


def test_cli_json_contract_chains_periods(cli, tmp_path):
    """`report funder --format json`: the issue's contract, decimal strings in the grant's
    currency; to date through 2019 plus the 2020 period is to date through 2020, line by
    line; and the figures are the workbook's."""
    import json

    def get(*args):
        r = cli("report", "funder", "lumen-grant", "--format", "json", *args)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    to_2019 = get("--to", "2019-12-31")
    y2020 = get("--from", "2020-01-01", "--to", "2020-12-31")
    to_2020 = get("--to", "2020-12-31")
    for data in (to_2019, y2020, to_2020):
        assert {"fund", "currency", "from", "to", "lines", "period", "to_date"} <= set(data)
        assert data["currency"] == "EUR"
        for line in data["lines"]:
            assert {"line", "budget", "period", "to_date"} <= set(line)
            assert all(isinstance(line[k], str) for k in ("budget", "period", "to_date"))
    assert (y2020["from"], y2020["to"]) == ("2020-01-01", "2020-12-31")
    for a, p, b in zip(to_2019["lines"], y2020["lines"], to_2020["lines"], strict=True):
        assert a["line"] == p["line"] == b["line"]
        assert D(a["to_date"]) + D(p["period"]) == D(b["to_date"]), a["line"]
    assert D(to_2019["to_date"]) + D(y2020["period"]) == D(to_2020["to_date"])
    assert D(to_2020["to_date"]) == sum(D(x["to_date"]) for x in to_2020["lines"])
    out = tmp_path / "2020.xlsx"
    r = cli("report", "funder", "lumen-grant", "--from", "2020-01-01", "--to", "2020-12-31",
            "-o", out)
    assert r.returncode == 0, r.stderr
    budget = {r[0]: r for r in section(sheet_rows(openpyxl.load_workbook(out)["Summary"]),
                                       "Budget against actual")}
    for line in y2020["lines"]:
        if line["line"] in budget:
            assert cents(budget[line["line"]][2]) == D(line["period"])
            assert cents(budget[line["line"]][6]) == D(line["to_date"])
    r = cli("report", "funder", "lumen-grant")
    assert r.returncode == 2 and "-o FILE.xlsx" in r.stderr


def test_default_end_is_the_period_asked_for_or_today(tiny):
    """--from alone runs to the end of that financial year (31 March here); nothing asked,
    to the fund's close, else today; never just the books' last entry."""
    _path, entries, options = tiny
    r = funder_report(entries, options, "grant", datetime.date(2023, 4, 1))
    assert r.end == datetime.date(2024, 3, 31)
    today = datetime.date(2026, 1, 15)
    assert funder_report(entries, options, "grant", today=today).end == today
    assert funder_report(entries, options, "grant", end=datetime.date(2023, 6, 30),
                         today=today).end == datetime.date(2023, 6, 30)


# Counsel abroad paid from a dollar account, the dollars bought with the grant's pounds:
# no `@@` on the payment, the books' rate of its day (0.80) values it, as on the SOFA.
DOLLARS = """
2017-01-01 open Assets:Wise:USD
2017-01-01 open Expenses:Legal:Counsel
2023-06-04 * "Wise" "Dollars for counsel"
  fund: "grant"
  Assets:Bank               -80.00 GBP
  Assets:Wise:USD           100.00 USD @@ 80.00 GBP
2023-06-05 price USD 0.80 GBP
2023-06-05 * "Counsel (New York)" "Opinion"
  fund: "grant"
  Expenses:Legal:Counsel    100.00 USD
  Assets:Wise:USD          -100.00 USD
"""


def test_spend_in_dollars_is_valued_as_every_statement_values_it(tmp_path):
    path = write_tiny(tmp_path / "tiny")
    with path.open("a", encoding="utf-8") as f:
        f.write(DOLLARS)
    entries, options = load(path)
    r = funder_report(entries, options, "grant")
    lines = {x.line: (x.spent, x.spent_gbp) for x in r.lines}
    # 100 USD at 0.80 = 80.00 GBP, drawn from tranche 1 (5,000 EUR for 4,400 GBP) after
    # the 2,760 GBP before it: 80 * 5000/4400 = 90.909.. -> 90.91 EUR; beside the 230 GBP
    # (261.36 EUR) already unmapped: 352.27 EUR, 310.00 GBP.
    assert lines[UNMAPPED] == (D("352.27"), D("310.00"))
    assert r.spent_gbp == D("3070.00")
