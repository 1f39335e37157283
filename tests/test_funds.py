"""Fund reconciliation: small books figured by hand, and the demo books against beanquery."""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal

import beanquery
import pytest

from fundledger import demo_books
from reports import funds as report
from tests.funds_books import PAY_F2, SPEND_REST_OF_CASE, load_clean, write_books

D = Decimal


def by_id(summaries):
    return {s.fund: s for s in summaries}


@pytest.fixture
def small(tmp_path):
    entries, options = load_clean(write_books(tmp_path / "books"))
    return by_id(report.reconcile(entries, options))


def test_case_figures_by_hand(small):
    case = small["case"]
    assert case.raised == {"crowdfunding": D("1000.00")}
    assert case.raised_total == D("1000.00")
    assert (case.platform_fees, case.payment_fees) == (D("40.00"), D("10.00"))
    # Firm LLP: 500 profit costs + 100 VAT (F-1) + 100 profit costs (F-2); counsel via firm:.
    assert case.legal_by_firm == {"Firm LLP": D("700.00"), "Chambers": D("200.00")}
    assert case.legal_by_category == {"profit costs": D("600.00"), "counsel": D("200.00"),
                                      "VAT": D("100.00")}
    assert case.legal_total == D("900.00")
    assert case.balance == D("50.00")
    held = {h.account: h.amount for h in case.holdings}
    assert held == {"Assets:Held:Firm": D("150.00"), "Liabilities:Creditors:Firm": D("-100.00")}
    assert [(i.number, i.amount) for i in case.unpaid_invoices] == [("F-2", D("100.00"))]
    assert case.status == "open"
    assert "£150.00 still held in Assets:Held:Firm (Firm client account)" in case.blockers
    assert "1 invoice unpaid: F-2 (£100.00)" in case.blockers


def test_eur_grant_paid_in_gbp_uses_the_booked_rate(small):
    grant = small["grant"]
    assert grant.currency == "EUR" and grant.unit == "GBP"
    assert grant.raised == {"grant": D("870.00")}
    assert grant.legal_by_firm == {"Other Firm": D("600.00")}
    assert grant.balance == D("270.00")
    assert [(h.account, h.amount) for h in grant.holdings] == [("Assets:Bank:Current",
                                                                D("270.00"))]
    assert grant.foreign == {}
    assert grant.raised_as_received == {"EUR": D("1000.00")}
    js = grant.to_json()
    assert js["balance"] == "270.00 GBP" and js["legal"] == {"Other Firm": "600.00 GBP"}


def test_holdings_add_up_to_balance(small):
    for s in small.values():
        assert sum((h.amount for h in s.holdings), D(0)) == s.balance, s.fund


def test_paying_the_invoice_leaves_only_the_held_money(tmp_path):
    entries, options = load_clean(write_books(tmp_path / "b", PAY_F2))
    case = by_id(report.reconcile(entries, options))["case"]
    assert case.unpaid_invoices == ()
    assert [(h.account, h.amount) for h in case.holdings] == [("Assets:Held:Firm", D("50.00"))]
    assert case.status == "open"
    assert not any("unpaid" in b for b in case.blockers)


def test_statuses(tmp_path):
    extra = SPEND_REST_OF_CASE + """
2019-03-01 * "Other Firm" "Rest of the grant"
  fund: "grant"
  Expenses:Legal:Solicitors        270.00 GBP
  Assets:Bank:Current             -270.00 GBP
2019-03-02 custom "fund-close" "grant"

2019-04-01 * "Landlord" "Rent beyond the general fund"
  fund: "general"
  Expenses:Running:Rent             90.00 GBP
  Assets:Bank:Current              -90.00 GBP
"""
    entries, options = load_clean(write_books(tmp_path / "b", extra))
    s = by_id(report.reconcile(entries, options))
    assert s["case"].status == "closable" and s["case"].blockers == ()
    assert s["grant"].status == "closed" and s["grant"].closed == datetime.date(2019, 3, 2)
    assert s["general"].status == "overspent"
    assert s["general"].balance == D("-20.00")
    assert any("overspent by £20.00" in b for b in s["general"].blockers)
    # As of before the last payments, the same books read differently.
    earlier = by_id(report.reconcile(entries, options, as_of=datetime.date(2019, 2, 15)))
    assert earlier["grant"].status == "open" and earlier["grant"].balance == D("270.00")
    assert earlier["grant"].closed is None
    assert earlier["general"].status == "open"


def test_transfer_without_money_moving_is_held_with_the_giver(tmp_path):
    extra = """
2019-05-01 * "Trustees" "Designate"
  Equity:Funds:Transfers            40.00 GBP
    fund: "general"
  Equity:Funds:Transfers           -40.00 GBP
    fund: "case"
"""
    entries, options = load_clean(write_books(tmp_path / "b", extra))
    s = by_id(report.reconcile(entries, options))
    assert s["case"].transfers_in == D("40.00") and s["general"].transfers_out == D("40.00")
    assert s["general"].balance == D("30.00")
    for f in s.values():
        assert sum((h.amount for h in f.holdings), D(0)) == f.balance
    assert any("held in general's accounts" in b for b in s["case"].blockers)


# ---- the demo books, every figure against an independent beanquery sum -----------------

def _bq(query: str) -> dict:
    conn = beanquery.connect("beancount:" + str(demo_books.MAIN))
    assert not conn.errors
    out = {}
    for key, inventory in conn.execute(query).fetchall():
        pos = inventory.get_currency_units("GBP")
        out[key] = pos.number.quantize(D("0.01"))
    return out


def _legal_by_fund_and_firm() -> dict:
    """{"fund|firm": legal spend}: the firm on the line, else the payee; court fees are the
    court's ("Court fees"), whoever paid them over."""
    out = _bq("SELECT str(meta('fund')) + '|' + coalesce(str(meta('firm')), payee) AS k, "
              "sum(weight) AS w WHERE account ~ '^Expenses:Legal' "
              "AND account != 'Expenses:Legal:CourtFees' GROUP BY k")
    court = _bq("SELECT str(meta('fund')) + '|Not paid to a firm: court fees' AS k, sum(weight) AS w "
                "WHERE account = 'Expenses:Legal:CourtFees' GROUP BY k")
    return {**out, **court}


def _sum(where: str, group: str = "meta('fund')") -> dict:
    return _bq(f"SELECT {group} AS k, sum(weight) AS w WHERE {where} GROUP BY k")


@pytest.fixture(scope="module")
def demo_summaries():
    entries, options = load_clean(demo_books.MAIN)
    return by_id(report.reconcile(entries, options))


def test_demo_balances_agree_with_beanquery(demo_summaries):
    expected = _sum("account ~ '^(Income|Expenses|Equity:Funds)'")
    for fid, s in demo_summaries.items():
        assert s.balance == -expected.get(fid, D(0)), fid
        assert sum((h.amount for h in s.holdings), D(0)) == s.balance, fid


def test_demo_raised_and_fees_agree_with_beanquery(demo_summaries):
    raised = _sum("account ~ '^Income'")
    platform = _sum("account = 'Expenses:Fees:Platform'")
    payment = _sum("account ~ '^Expenses:Fees:(Payment|Bank)$'")
    for fid, s in demo_summaries.items():
        assert s.raised_total == -raised.get(fid, D(0)), fid
        assert s.platform_fees == platform.get(fid, D(0)), fid
        assert s.payment_fees == payment.get(fid, D(0)), fid


def test_demo_legal_by_firm_agrees_with_beanquery(demo_summaries):
    rows = _legal_by_fund_and_firm()
    mine = {f"{fid}|{firm}": n for fid, s in demo_summaries.items()
            for firm, n in s.legal_by_firm.items()}
    assert rows and mine == rows


def test_demo_has_the_cases_the_issue_names(demo_summaries):
    # Shapes, not figures: the demo books are regenerated from raw exports.
    assert demo_summaries["jr-surveillance"].status == "closed"
    facial = demo_summaries["jr-facial"]
    assert facial.status == "open"
    assert any(i.number == "BW-2308" for i in facial.unpaid_invoices)
    assert any("Assets:Held:Brightwater" in b for b in facial.blockers)
    assert demo_summaries["lumen-grant"].currency == "EUR"


# ---- the command, as a treasurer runs it ------------------------------------------------

def test_cli_json_contract(cli, tmp_path):
    main = write_books(tmp_path / "b")
    result = cli("funds", "--books", main, "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = {f["fund"]: f for f in json.loads(result.stdout)["funds"]}
    for f in rows.values():
        assert {"fund", "title", "class", "currency", "balance", "legal", "status",
                "blockers"} <= f.keys()
    assert rows["case"]["balance"] == "50.00 GBP"
    assert rows["case"]["legal"] == {"Chambers": "200.00 GBP", "Firm LLP": "700.00 GBP"}
    assert rows["grant"]["currency"] == "EUR" and rows["grant"]["balance"] == "270.00 GBP"
    assert rows["case"]["status"] == "open" and rows["case"]["blockers"]


def test_cli_csv_neutralises_formulas_and_table_reads(cli, tmp_path):
    main = write_books(tmp_path / "b")
    text = main.read_text().replace('title: "A case"', 'title: "=cmd|\' /C calc\'!A0"')
    main.write_text(text)
    out = cli("funds", "--books", main, "--format", "csv")
    assert out.returncode == 0, out.stderr
    rows = {r["fund"]: r for r in csv.DictReader(io.StringIO(out.stdout))}
    assert rows["case"]["title"].startswith("'=")
    assert D(rows["case"]["balance"]) == D("50.00")
    assert D(rows["case"]["legal: Firm LLP"]) == D("700.00")
    table = cli("funds", "--books", main)
    assert "1 invoice unpaid: F-2 (£100.00)" in table.stdout
    assert "Assets:Held:Firm" in table.stdout


def test_cli_refuses_broken_books(cli, tmp_path):
    main = write_books(tmp_path / "b", """
2019-03-01 * "Nobody" "No fund"
  Expenses:Running:Rent              1.00 GBP
  Assets:Bank:Current               -1.00 GBP
""")
    result = cli("funds", "--books", main)
    assert result.returncode != 0
    assert "journal.beancount:" in result.stderr and "has no fund" in result.stderr


def test_cli_demo_json_agrees_with_beanquery(cli):
    result = cli("funds", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["funds"]
    balances = _sum("account ~ '^(Income|Expenses|Equity:Funds)'")
    legal = _legal_by_fund_and_firm()
    assert {r["fund"] for r in rows} >= {"general", "jr-surveillance", "lumen-grant"}
    for r in rows:
        number, unit = r["balance"].split()
        assert unit == "GBP" and D(number) == -balances.get(r["fund"], D(0)), r["fund"]
        for firm, text in r["legal"].items():
            assert D(text.split()[0]) == legal[f"{r['fund']}|{firm}"]
    assert sum(len(r["legal"]) for r in rows) == len(legal)


def test_money_in_another_currency_without_a_rate_is_the_funds_and_blocks_closing(tmp_path):
    """A USD gift never converted: the fund holds 23.80 USD (25.00 less a 1.20 fee), shown
    as the fund holds it, and closing waits until it has a pound value."""
    main = write_books(tmp_path / "books", """
        2017-01-01 open Assets:PayPal
        2017-01-01 open Income:Donations:PayPal
        2017-01-01 open Expenses:Fees:PayPal
        2018-05-01 * "PayPal" "Donation"
          fund: "case"
          Assets:PayPal                  23.80 USD
          Expenses:Fees:PayPal            1.20 USD
          Income:Donations:PayPal       -25.00 USD
        """)
    entries, options = load_clean(main)
    case = by_id(report.reconcile(entries, options))["case"]
    assert case.foreign == {"USD": D("23.80")}
    assert any(b.startswith("23.80 USD has no GBP value") for b in case.blockers)
    assert case.status == "open"
