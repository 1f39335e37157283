"""Legal spend: small books figured by hand, the demo books against beanquery, the CLI."""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal

import beanquery
import pytest

from fundledger import demo_books
from reports import legal as report
from tests.funds_books import PAY_F2, load_clean, write_books

D = Decimal


@pytest.fixture
def small(tmp_path):
    return load_clean(write_books(tmp_path / "books"))


def totals(data):
    return {g.key: g.total for g in data.groups}


def test_by_firm_with_invoices_and_unpaid(small):
    data = report.legal_spend(*small, since=datetime.date(2017, 1, 1), by="firm")
    # Firm LLP: F-1 500 + 100 VAT, F-2 100; Chambers: counsel 200 on F-1; Other Firm: 600.
    assert totals(data) == {"Firm LLP": D("700.00"), "Other Firm": D("600.00"),
                            "Chambers": D("200.00")}
    firm = next(g for g in data.groups if g.key == "Firm LLP")
    assert firm.invoices == ("F-1", "F-2") and firm.unpaid == D("100.00")
    assert data.total == D("1500.00") and data.unpaid == D("100.00")


def test_by_year_category_fund_and_since(small):
    assert totals(report.legal_spend(*small, by="year")) == {"2018": D("900.00"),
                                                             "2019": D("600.00")}
    assert totals(report.legal_spend(*small, by="category")) == {
        "profit costs": D("1200.00"), "counsel": D("200.00"), "VAT": D("100.00")}
    assert totals(report.legal_spend(*small, by="fund")) == {"case": D("900.00"),
                                                             "grant": D("600.00")}
    later = report.legal_spend(*small, since=datetime.date(2019, 1, 1), by="firm")
    assert totals(later) == {"Other Firm": D("600.00")}


def test_paid_invoice_is_no_longer_unpaid(tmp_path):
    data = report.legal_spend(*load_clean(write_books(tmp_path / "b", PAY_F2)))
    assert data.unpaid == 0 and all(line.paid for line in data.lines)


def _bq(query):
    conn = beanquery.connect("beancount:" + str(demo_books.MAIN))
    return {str(k): inv.get_currency_units("GBP").number.quantize(D("0.01"))
            for k, inv in conn.execute(query).fetchall()}


@pytest.mark.parametrize("by,key", [
    ("firm", "coalesce(str(meta('firm')), payee)"),
    ("year", "year(date)"),
    ("fund", "str(meta('fund'))"),
])
def test_demo_totals_agree_with_beanquery(by, key):
    entries, options = load_clean(demo_books.MAIN)
    since = datetime.date(2017, 1, 1)
    data = report.legal_spend(entries, options, since=since, by=by)
    court = "account = 'Expenses:Legal:CourtFees'"
    expected = _bq(f"SELECT {key} AS k, sum(weight) AS w WHERE account ~ '^Expenses:Legal' "
                   f"AND date >= {since} {f'AND NOT {court}' if by == 'firm' else ''} "
                   "GROUP BY k")
    if by == "firm":  # court fees are the court's, whoever paid them over
        expected["Not paid to a firm: court fees"] = next(iter(_bq(
            f"SELECT 'all' AS k, sum(weight) AS w WHERE {court} AND date >= {since} "
            "GROUP BY k").values()))
    assert expected and totals(data) == expected
    assert data.total == sum(expected.values())


def test_cli_json_csv_table(cli, tmp_path):
    main = write_books(tmp_path / "b", """
2019-03-01 * "=HYPERLINK(\\"http://x\\")" "Injected payee"
  fund: "grant"
  Expenses:Legal:Solicitors         10.00 GBP
  Assets:Bank:Current              -10.00 GBP
""")
    js = cli("legal", "--books", main, "--format", "json")
    assert js.returncode == 0, js.stderr
    data = json.loads(js.stdout)
    assert data["total"] == "1510.00 GBP" and data["unpaid"] == "100.00 GBP"
    assert {g["key"]: g["total"] for g in data["groups"]}["Firm LLP"] == "700.00 GBP"
    out = cli("legal", "--books", main, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert sum(D(r["amount"]) for r in rows) == D("1510.00")
    assert any(r["firm"].startswith("'=HYPERLINK") for r in rows)
    assert not any(r["firm"].startswith("=") for r in rows)
    table = cli("legal", "--books", main, "--by", "year")
    assert table.returncode == 0 and "F-2" in table.stdout and "Total" in table.stdout
