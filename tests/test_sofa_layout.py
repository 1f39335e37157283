"""The SOFA's layout as SORP sets it out (issue 15): an endowment column, other trading
activities, net gains/(losses), a grant's income heading declared per grant in the books,
and the funds note with each fund's prior-year figure. Small books worked by hand."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from conftest import run_cli

from reports.balance_sheet import analysis_total, balance_sheet
from reports.sofa import sofa
from tests.statements_books import load

D = Decimal
BOOKS = """\
option "title" "Layout Trust"
option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 open Assets:Bank GBP
2017-01-01 open Assets:Investments:Fund GBP
2017-01-01 open Income:Donations:Bank GBP
2017-01-01 open Income:Trading:Events GBP
2017-01-01 open Income:Grants:Core GBP
2017-01-01 open Income:Gains:Investments GBP
2017-01-01 open Expenses:Legal:Solicitors GBP
2017-01-01 open Expenses:FX GBP
2017-01-01 custom "fund" "general" "unrestricted"
2017-01-01 custom "fund" "endow" "endowment"
  title: "Permanent endowment"
2017-01-01 custom "fund" "grant" "restricted"
  title: "Core grant"
  purpose: "Expenses:Legal, Expenses:FX"
  sofa-income: "donations"

2022-06-01 * "Bank" "Donation"
  fund: "general"
  Assets:Bank                  50.00 GBP
  Income:Donations:Bank       -50.00 GBP

2023-02-01 * "Bank" "Donation"
  fund: "general"
  Assets:Bank                 100.00 GBP
  Income:Donations:Bank      -100.00 GBP
2023-03-01 * "Tickets" "Quiz night"
  fund: "general"
  Assets:Bank                  40.00 GBP
  Income:Trading:Events       -40.00 GBP
2023-04-01 * "Bank" "Endowment gift"
  fund: "endow"
  Assets:Bank                1000.00 GBP
  Income:Donations:Bank     -1000.00 GBP
2023-04-02 * "Broker" "Invest the endowment"
  fund: "endow"
  Assets:Investments:Fund    1000.00 GBP
  Assets:Bank               -1000.00 GBP
2023-05-01 * "Funder" "Core grant"
  fund: "grant"
  Assets:Bank                 500.00 GBP
  Income:Grants:Core         -500.00 GBP
2023-06-01 * "Firm" "Advice"
  fund: "grant"
  Expenses:Legal:Solicitors   200.00 GBP
  Assets:Bank                -200.00 GBP
2023-07-01 * "Bank" "Exchange loss on the grant"
  fund: "grant"
  Expenses:FX                  10.00 GBP
  Assets:Bank                 -10.00 GBP
2023-12-31 * "Broker" "Revaluation"
  fund: "endow"
  Assets:Investments:Fund      25.00 GBP
  Income:Gains:Investments    -25.00 GBP
"""


def test_sofa_columns_rows_and_declared_grant_heading(tmp_path):
    path = tmp_path / "main.beancount"
    path.write_text(BOOKS)
    entries, options = load(path)
    s = sofa(entries, options, datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))
    assert s.endowment

    def cols(key):
        r = s.row(key)
        return (r.unrestricted, r.restricted, r.endowment, r.total)

    # the core grant is declared donations (core funding), so charitable activities is 0
    assert cols("income.donations") == (D("100.00"), D("500.00"), D("1000.00"), D("1600.00"))
    assert cols("income.charitable") == (0, 0, 0, 0)
    assert cols("income.trading") == (D("40.00"), 0, 0, D("40.00"))
    assert cols("expenditure.legal") == (0, D("200.00"), 0, D("200.00"))
    assert cols("net") == (D("140.00"), D("300.00"), D("1000.00"), D("1440.00"))
    assert cols("gains") == (0, D("-10.00"), D("25.00"), D("15.00"))
    assert cols("movement") == (D("140.00"), D("290.00"), D("1025.00"), D("1455.00"))
    assert cols("bf") == (D("50.00"), 0, 0, D("50.00"))
    assert cols("cf") == (D("190.00"), D("290.00"), D("1025.00"), D("1505.00"))
    note = {m.fund: m for m in s.funds}
    assert (note["endow"].income, note["endow"].gains, note["endow"].carried_forward) == (
        D("1000.00"), D("25.00"), D("1025.00"))
    assert (note["grant"].expenditure, note["grant"].gains) == (D("200.00"), D("-10.00"))
    # the prior year is beside each fund (a per-fund comparative)
    assert {m.fund: m.carried_forward for m in s.prior.funds}["general"] == D("50.00")

    # the balance sheet: the endowment's money is its investments
    b = balance_sheet(entries, options, datetime.date(2023, 12, 31))
    assert b.funds["endowment"] == D("1025.00")
    assert b.analysis["endowment"]["fixed_assets"] == D("1025.00")
    assert analysis_total(b.analysis["endowment"]) == D("1025.00")
    assert b.position.net_assets == b.total_funds == D("1505.00")


def test_rendered_with_the_endowment_and_prior_columns(tmp_path):
    path = tmp_path / "main.beancount"
    path.write_text(BOOKS)
    r = run_cli("report", "sofa", "--books", path, "--year", "2023")
    assert r.returncode == 0, r.stderr
    header = next(line for line in r.stdout.splitlines() if "Unrestricted" in line)
    assert header.split() == ["Unrestricted", "Restricted", "Endowment", "Total", "Prior",
                              "2022"]
    assert "Net gains/(losses)" in r.stdout and "Other trading activities" in r.stdout
    assert "Prior year: carried forward at 2022-12-31" in r.stdout
    data = json.loads(run_cli("report", "sofa", "--books", path, "--year", "2023",
                              "--format", "json").stdout)
    endow = next(f for f in data["funds"] if f["fund"] == "endow")
    assert endow["gains"] == "25.00"
    bad = tmp_path / "bad.beancount"
    bad.write_text(BOOKS.replace('sofa-income: "donations"', 'sofa-income: "gifts"'))
    r = run_cli("report", "sofa", "--books", bad, "--year", "2023")
    assert r.returncode == 1 and 'sofa-income "gifts" is not one of' in r.stderr
    assert f"{bad}:" in r.stderr


def test_support_costs_are_shared_out_over_the_activities(tmp_path):
    """Running costs of 100.00, declared 70% litigation, 20% communications, 10% raising
    funds: 70.00 / 20.00 / 10.00, and 33.33.. shares add up to the penny."""
    from reports.sofa import allocate

    base = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 open Assets:Bank GBP
2017-01-01 open Income:Donations:Bank GBP
2017-01-01 open Expenses:Running:Rent GBP
2017-01-01 custom "fund" "general" "unrestricted"
2023-01-01 * "Bank" "Donation"
  fund: "general"
  Assets:Bank                 500.00 GBP
  Income:Donations:Bank      -500.00 GBP
2023-02-01 * "Landlord" "Rent"
  fund: "general"
  Expenses:Running:Rent       100.00 GBP
  Assets:Bank                -100.00 GBP
"""
    path = tmp_path / "main.beancount"
    path.write_text(base + '2017-01-01 custom "support-costs" "Expenses:Running" '
                    '"legal 70, comms 20, raising 10"\n')
    entries, options = load(path)
    s = sofa(entries, options, datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))
    got = {k: s.row(f"expenditure.{k}").total for k in ("legal", "comms", "raising", "other")}
    assert got == {"legal": D("70.00"), "comms": D("20.00"), "raising": D("10.00"),
                   "other": 0}
    assert s.row("expenditure.total").total == D("100.00")
    assert s.funds[0].expenditure == D("100.00")  # the fund's own figure is unchanged
    thirds = allocate(D("100.00"), [("legal", D(34)), ("comms", D(33)), ("raising", D(33))])
    assert sum(n for _k, n in thirds) == D("100.00")
    path.write_text(base + '2017-01-01 custom "support-costs" "Expenses:Running" '
                    '"legal 70, comms 20"\n')
    r = run_cli("report", "sofa", "--books", path, "--year", "2023")
    assert r.returncode == 1 and "adding up to 100" in r.stderr and f"{path}:" in r.stderr


def test_entries_behind_follow_the_layout(tmp_path):
    """Every SOFA line of the layout books, endowment and gains included, is the sum of
    the entries said to be behind it."""
    from reports.trial_balance import entries_behind

    path = tmp_path / "main.beancount"
    path.write_text(BOOKS + '2017-01-01 custom "support-costs" "Expenses:Legal" '
                    '"legal 60, comms 40"\n')
    entries, options = load(path)
    start, end = datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)
    s = sofa(entries, options, start, end, prior=False)
    behind = entries_behind(entries, options, start, end)
    assert s.row("expenditure.comms").total == D("80.00")  # 40% of the 200.00 advice
    for row in s.rows:
        if (row.section in ("income", "expenditure") or row.key == "gains") and not (
                row.is_total):
            for column in ("unrestricted", "restricted", "endowment"):
                assert sum((x.amount for x in behind if x.statement == "sofa"
                            and x.line == row.key and x.column == column), D(0)) == (
                    getattr(row, column)), (row.key, column)
