"""The funder workbook reconciles "Remaining in GBP" (received less spent) to the fund's
balance: on accruals books the award accrued and not yet received is the reconciling
item (issue 28, 12). The books of tests/test_accruals.py, worked by hand there: 10,000
EUR awarded at 0.95 (9,500 GBP); 5,000 EUR received for 4,400 GBP on 1 July 2022, 5,000
EUR for 4,600 GBP on 1 May 2023; 2,300 GBP spent on 1 June 2023."""

from __future__ import annotations

import datetime
from decimal import Decimal

from openpyxl import load_workbook
from test_accruals import BOOKS, write

from reports.funder import funder_report
from reports.xlsx import funder_workbook

D = Decimal


def _sheet_values(path) -> dict[str, object]:
    wb = load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            if row and isinstance(row[0], str) and len(row) > 1:
                out.setdefault(row[0], row[1])
    return out


def test_the_accrued_debtor_reconciles_remaining_to_the_fund_balance(tmp_path):
    _p, entries, options = write(tmp_path, BOOKS)
    r = funder_report(entries, options, "grant", end=datetime.date(2022, 12, 31))
    # At 31 December 2022: 4,400 received, nothing spent; the fund holds the 9,500
    # accrued less the 350 lost on tranche 1 = 9,150; still due: 5,000 EUR at 0.95 = 4,750
    assert (r.remaining_gbp, r.accrued_gbp, r.other_to_date_gbp, r.balance_gbp) == (
        D("4400.00"), D("4750.00"), 0, D("9150.00"))
    path = funder_workbook(r, tmp_path / "grant.xlsx")
    cells = _sheet_values(path)
    assert cells["Remaining in GBP: received less spent, to date"] == 4400
    assert cells["Add: the award accrued and not yet received (debtor at the award-date "
                 "rate, GBP)"] == 4750
    assert cells["Fund balance at 2022-12-31 (GBP): remaining plus the two lines above"] == (
        9150)
    # At 31 December 2023: all received (9,000), 2,300 spent: 6,700, nothing due
    r = funder_report(entries, options, "grant", end=datetime.date(2023, 12, 31))
    assert (r.remaining_gbp, r.accrued_gbp, r.other_to_date_gbp, r.balance_gbp) == (
        D("6700.00"), 0, 0, D("6700.00"))
