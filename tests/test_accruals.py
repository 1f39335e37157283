"""Accrued grant income (issue 15): an unconditional award is income when awarded, with a
debtor in the grant's currency; each tranche settles it at its real rate and the
difference is a realised exchange gain or loss. Receipts-basis books ignore it. Worked by
hand: 10,000 EUR awarded at 0.95 (9,500 GBP); 5,000 EUR received for 4,400 GBP (worth
4,750 at the award rate: a 350 loss), then 5,000 EUR for 4,600 GBP (a 150 loss)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from conftest import run_cli

from reports.balance_sheet import balance_sheet
from reports.funder import funder_report
from reports.funds import reconcile
from reports.receipts_payments import receipts_payments
from reports.sofa import sofa
from tests.statements_books import load

D = Decimal
BOOKS = """\
option "operating_currency" "GBP"
plugin "ledger.accruals"
plugin "ledger.plugin"
2017-01-01 open Assets:Bank GBP
2017-01-01 open Income:Grants:Lumen EUR
2017-01-01 open Expenses:Legal:Solicitors GBP
2017-01-01 custom "fund" "general" "unrestricted"
2017-01-01 custom "fund" "grant" "restricted"
  purpose: "Expenses:Legal"
  currency: "EUR"
2022-06-01 custom "grant-award" "grant" 10000.00 EUR
  rate: 0.95
  conditions: "none"
2017-01-01 custom "fund-budget" "grant" "Lawyers" 10000.00 EUR

2022-07-01 * "Lumen" "Tranche 1"
  fund: "grant"
  Assets:Bank             4400.00 GBP
  Income:Grants:Lumen    -5000.00 EUR @@ 4400.00 GBP
2023-05-01 * "Lumen" "Tranche 2"
  fund: "grant"
  Assets:Bank             4600.00 GBP
  Income:Grants:Lumen    -5000.00 EUR @@ 4600.00 GBP
2023-06-01 * "Firm" "Claim"
  fund: "grant"
  Expenses:Legal:Solicitors 2300.00 GBP
    budget-line: "Lawyers"
  Assets:Bank             -2300.00 GBP
"""
Y2022 = (datetime.date(2022, 1, 1), datetime.date(2022, 12, 31))
Y2023 = (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))


def write(tmp_path, text: str):
    path = tmp_path / "main.beancount"
    path.write_text(text)
    return path, *load(path)


def test_an_unconditional_award_is_income_when_awarded(tmp_path):
    _p, entries, options = write(tmp_path, BOOKS)
    s = sofa(entries, options, *Y2022, prior=False)
    assert s.row("income.charitable").restricted == D("9500.00")
    assert s.row("gains").restricted == D("-350.00")  # realised, not a memo line
    assert s.row("cf").total == D("9150.00")
    b = balance_sheet(entries, options, Y2022[1])
    assert b.position.assets["debtors"] == D("4750.00")  # 5,000 EUR still due, at 0.95
    assert b.position.assets["cash_at_bank"] == D("4400.00")
    assert b.position.net_assets == b.total_funds == D("9150.00")
    s = sofa(entries, options, *Y2023, prior=False)
    assert s.row("income.total").total == 0
    assert s.row("gains").restricted == D("-150.00")
    assert s.row("cf").restricted == D("6700.00")
    b = balance_sheet(entries, options, Y2023[1])
    assert b.position.assets["debtors"] == 0
    assert b.position.net_assets == D("6700.00")
    grant = next(x for x in reconcile(entries, options) if x.fund == "grant")
    assert grant.balance == D("6700.00")
    # the funder report still sees the tranches as received, and converts spend by them
    r = funder_report(entries, options, "grant")
    assert [(t.amount, t.gbp) for t in r.tranches] == [(D("5000.00"), D("4400.00")),
                                                       (D("5000.00"), D("4600.00"))]
    assert r.spent == D("2613.64")


def test_receipts_basis_and_conditional_awards_are_not_accrued(tmp_path):
    receipts = BOOKS + '2017-01-01 custom "fundledger-option" "basis" "receipts"\n'
    _p, entries, options = write(tmp_path, receipts)
    assert sofa(entries, options, *Y2022, prior=False).row("income.total").total == (
        D("4400.00"))
    assert receipts_payments(entries, options, *Y2022).total_receipts == D("4400.00")
    conditional = BOOKS.replace('conditions: "none"', 'conditions: "permission granted"')
    (tmp_path / "c").mkdir()
    _p, entries, options = write(tmp_path / "c", conditional)
    assert sofa(entries, options, *Y2022, prior=False).row("income.total").total == (
        D("4400.00"))


def test_a_bad_award_is_a_load_error_with_its_line(tmp_path):
    path = tmp_path / "main.beancount"
    path.write_text(BOOKS.replace("  rate: 0.95\n", ""))
    r = run_cli("check", path)
    line = 1 + BOOKS.splitlines().index('2022-06-01 custom "grant-award" "grant" 10000.00 EUR')
    assert r.returncode == 1 and f"main.beancount:{line}" in r.stdout + r.stderr
    assert "rate" in r.stdout + r.stderr
