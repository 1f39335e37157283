"""Workbooks (openpyxl) for the funder report and the SOFA. Rendering only: the figures come
from reports.funder and reports.sofa. Money cells are numbers (never text) formatted
'#,##0.00'; every text cell goes through render.safe_cell; totals are written as values,
except the Transactions sheet's totals, which are SUBTOTAL formulas so that filtering it by
budget line shows that line's total.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.funder import FunderReport
from reports.funder_public import WITHHELD
from reports.render import safe_cell
from reports.sofa import FundMovement, Sofa

MONEY = "#,##0.00"
RATE = "0.0000"
PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
OVER_FILL = PatternFill("solid", fgColor="F8D7DA")
WRAP = Alignment(wrap_text=True, vertical="top")


def _put(ws: Worksheet, row: int, col: int, value, fmt: str | None = None, bold=False):
    cell = ws.cell(row=row, column=col, value=safe_cell(value))
    if isinstance(value, Decimal) and fmt is None:
        fmt = MONEY
    if fmt:
        cell.number_format = fmt
    if bold:
        cell.font = BOLD
    return cell


def _row(ws: Worksheet, row: int, values, fmts=None, bold=False) -> None:
    for col, value in enumerate(values, start=1):
        fmt = fmts[col - 1] if fmts else None
        _put(ws, row, col, value, fmt, bold)


def _header(ws: Worksheet, row: int, names) -> None:
    for col, name in enumerate(names, start=1):
        cell = _put(ws, row, col, name, bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")


def _widths(ws: Worksheet, widths) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _note(ws: Worksheet, row: int, text: str, cols: int) -> None:
    _put(ws, row, 1, text).alignment = WRAP
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=cols)
    ws.row_dimensions[row].height = 15 * (1 + len(text) // 110)


def funder_workbook(report: FunderReport, path: str | Path | BinaryIO) -> Path | BinaryIO:
    r, cur, gbp = report, report.currency, report.gbp
    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    _put(ws, 1, 1, f"Funder report: {r.title}").font = TITLE
    ws.freeze_panes = "A2"
    award_note = "declared on the fund" if r.award_declared else "sum of the budget lines"
    rows = [
        ("Grant (fund)", r.fund, None),
        ("Period", f"{r.start.isoformat()} to {r.end.isoformat()}", None),
        (f"Amount awarded ({cur})", r.award, award_note),
        (f"Award-date rate ({gbp} per {cur})", r.award_rate, r.award_rate_source),
        (f"Award at award-date rate ({gbp})", r.award_gbp, None),
    ]
    row = 3
    for label, value, note in rows:
        _put(ws, row, 1, label, bold=True)
        _put(ws, row, 2, value, RATE if "rate (" in label else None)
        if note:
            _put(ws, row, 3, note)
        row += 1

    row += 1
    _put(ws, row, 1, "Tranches received").font = TITLE
    row += 1
    _header(ws, row, ["Date", "Description", f"Received ({cur})", f"Received ({gbp})",
                      f"Rate obtained ({gbp} per {cur})", f"Rate obtained ({cur} per {gbp})"])
    row += 1
    for t in r.tranches:
        inverse = (t.amount / t.gbp).quantize(Decimal("0.000001")) if t.gbp else None
        _row(ws, row, [t.date, t.description, t.amount, t.gbp, t.rate, inverse],
             [DATE, None, MONEY, MONEY, RATE, RATE])
        row += 1
    # From the totals, as each tranche's is: not the inverse of the rounded rate beside it.
    inverse = ((r.received / r.received_gbp).quantize(Decimal("0.000001"))
               if r.rate and r.received_gbp else None)
    _row(ws, row, ["Total", None, r.received, r.received_gbp, r.rate, inverse],
         [None, None, MONEY, MONEY, RATE, RATE], bold=True)
    _put(ws, row, 2, "rate over the period's tranches", bold=True)
    row += 2

    _put(ws, row, 1, "Budget against actual").font = TITLE
    row += 1
    _header(ws, row, ["Budget line", f"Budget ({cur})", f"Spent ({cur})", f"Variance ({cur})",
                      "% of budget used", f"Spent ({gbp})", f"Spent to date ({cur})"])
    row += 1
    for line in r.lines:
        label = line.line if line.budgeted or line.line.startswith("Not mapped") else (
            f"{line.line} (not in the budget)")
        _row(ws, row, [label, line.budget, line.spent, line.variance, line.used, line.spent_gbp,
                       line.spent_to_date], [None, MONEY, MONEY, MONEY, PERCENT, MONEY, MONEY])
        if line.budget and line.over:  # over budget to date: the row a funder looks for
            for col in range(1, 8):
                ws.cell(row=row, column=col).fill = OVER_FILL
            _put(ws, row, 8, "over budget")
        row += 1
    used = (r.spent / r.budget_total).quantize(Decimal("0.0001")) if r.budget_total else None
    _row(ws, row, ["Total", r.budget_total, r.spent, r.budget_total - r.spent, used,
                   r.spent_gbp, r.spent_to_date],
         [None, MONEY, MONEY, MONEY, PERCENT, MONEY, MONEY], bold=True)
    row += 2

    for label, value in [
        (f"Spent from the start of the grant to {r.end.isoformat()} ({cur})", r.spent_to_date),
        (f"Spent from the start of the grant to {r.end.isoformat()} ({gbp})",
         r.spent_to_date_gbp),
        (f"Remaining of the award ({cur}): awarded less spent to date", r.remaining),
        (f"Remaining in {gbp}: received less spent, to date", r.remaining_gbp),
        ((f"Add: the award accrued and not yet received (debtor at the award-date rate, "
         f"{gbp})"), r.accrued_gbp),
        (f"Add: other income and transfers in/(out), to date ({gbp})", r.other_to_date_gbp),
        (f"Fund balance at {r.end.isoformat()} ({gbp}): remaining plus the two lines above",
         r.balance_gbp),
        (f"Other income and transfers in/(out) of the fund in the period ({gbp})",
         r.other_gbp),
        (f"Exchange difference ({gbp})", r.fx_difference),
    ]:
        _put(ws, row, 1, label, bold=True)
        gifts = "other income" in label.lower() or label.startswith("Fund balance")
        _put(ws, row, 2, WITHHELD if value is None and gifts else value)
        row += 1
    row += 1
    _put(ws, row, 1, "How the figures are worked out", bold=True)
    row += 1
    _note(ws, row, f"Conversion: {r.rate_method}", 6)
    row += 1
    _note(ws, row, r.fx_method, 6)
    row += 1
    _note(ws, row, "Spend is counted against the budget line named on the posting "
          "(budget-line), else on the transaction, else by the books' budget-map; spend "
          "with none is shown as 'Not mapped to a budget line'. Negative variance is overspend.",
          6)
    _widths(ws, [44, 34, 18, 18, 18, 18, 18, 14])

    tx = wb.create_sheet("Transactions")
    names = ["Date", "Payee", "Description", "Invoice", "Budget line", "Account",
             f"Amount ({gbp})", f"Amount ({cur})"]
    _header(tx, 1, names)
    tx.freeze_panes = "A2"
    for i, s in enumerate(r.spend, start=2):
        _row(tx, i, [s.date, s.payee, s.description, s.invoice, s.line, s.account, s.gbp,
                     s.amount], [DATE, None, None, None, None, None, MONEY, MONEY])
    last = len(r.spend) + 1
    total = last + 1
    _put(tx, total, 1, "Total", bold=True)
    for col in (7, 8):
        letter = get_column_letter(col)
        # SUBTOTAL(9, ...) sums only the rows a filter leaves visible.
        cell = tx.cell(row=total, column=col, value=f"=SUBTOTAL(9,{letter}2:{letter}{last})")
        cell.number_format, cell.font = MONEY, BOLD
    tx.auto_filter.ref = f"A1:{get_column_letter(len(names))}{max(last, 2)}"
    _widths(tx, [12, 24, 44, 12, 28, 28, 16, 16])
    _print_setup(tx, landscape=True, title_rows="1:1")
    return _save(wb, path)


def _print_setup(ws: Worksheet, landscape: bool, title_rows: str | None = None) -> None:
    """Print on A4, one page wide, repeating the header row: a grants officer prints it."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if title_rows:
        ws.print_title_rows = title_rows


def _save(wb: Workbook, path: str | Path | BinaryIO) -> Path | BinaryIO:
    for ws in wb.worksheets:
        if ws.page_setup.orientation is None:
            _print_setup(ws, landscape=ws.max_column > 6)
    wb.properties.creator = "fundledger"
    if hasattr(path, "write"):  # an in-memory stream: the Fava extension's downloads
        wb.save(path)
        return path
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    tmp.replace(path)  # a reader never sees half a workbook
    return path


def sofa_workbook(s: Sofa, path: str | Path | BinaryIO) -> Path | BinaryIO:
    """The SOFA with the prior year's total beside each line; the prior year by fund
    class on its own sheet (SORP's comparatives); the funds note of each year."""
    wb = Workbook()
    ws = wb.active
    ws.title = "SOFA"
    _sofa_sheet(ws, s, s.prior)
    if s.prior:
        _sofa_sheet(wb.create_sheet("SOFA (prior)"), s.prior, None, s.endowment)
    _funds_sheet(wb.create_sheet("Funds note"), s.funds, s)
    if s.prior:
        _funds_sheet(wb.create_sheet("Funds note (prior)"), s.prior.funds, s.prior)
    return _save(wb, path)


def _sofa_sheet(ws: Worksheet, s: Sofa, prior: Sofa | None, endowment: bool | None = None
                ) -> None:
    """One year's SOFA by fund class; with `prior`, its total in a last column."""
    endowment = s.endowment if endowment is None else endowment
    _put(ws, 1, 1, f"{s.title} Statement of financial activities".strip()).font = TITLE
    _put(ws, 2, 1, f"for the period {s.start.isoformat()} to {s.end.isoformat()}, "
         f"in {s.currency}")
    last = ([f"Total {prior.start.isoformat()} to {prior.end.isoformat()}"] if prior
            else [])
    _header(ws, 4, ["", "Unrestricted funds", "Restricted funds",
                    *(["Endowment funds"] if endowment else []),
                    f"Total {s.start.isoformat()} to {s.end.isoformat()}", *last])
    ws.freeze_panes = "B5"
    row = 5
    section = None
    titles = {"income": "Income from:", "expenditure": "Expenditure on:",
              "funds": "Reconciliation of funds:"}
    for r in s.rows:
        if r.section != section:
            section = r.section
            if section in titles:
                _put(ws, row, 1, titles[section], bold=True)
                row += 1
        _row(ws, row, [r.label if r.is_total else f"  {r.label}", r.unrestricted, r.restricted,
                       *([r.endowment] if endowment else []), r.total,
                       *([r.prior_total] if prior else [])], bold=r.is_total)
        row += 1
    row += 1
    _note(ws, row, "Unrestricted funds include designated funds (SORP). Grants for specific "
          "litigation are income from charitable activities.", 5)
    _widths(ws, [42, 18, 18, 26, 26])


def _funds_sheet(ws: Worksheet, funds: list[FundMovement], s: Sofa) -> None:
    _put(ws, 1, 1, f"Movements in funds, {s.start.isoformat()} to {s.end.isoformat()}, "
         f"in {s.currency}").font = TITLE
    # Gains/(losses) only where a fund has any (as the other renderings), so that each
    # row adds up: brought forward + income - expenditure + gains + transfers.
    gains = any(m.gains for m in funds)
    keys = ("brought_forward", "income", "expenditure", *(["gains"] if gains else []),
            "transfers", "carried_forward")
    _header(ws, 2, ["Fund", "Title", "Class", "Brought forward", "Income", "Expenditure",
                    *(["Gains/(losses)"] if gains else []), "Transfers", "Carried forward"])
    ws.freeze_panes = "A3"
    row = 3
    for m in funds:
        _row(ws, row, [m.fund, m.title, m.fund_class, *(getattr(m, k) for k in keys)])
        row += 1
    totals = [sum((getattr(m, k) for m in funds), Decimal(0)) for k in keys]
    _row(ws, row, ["Total", None, None, *totals], bold=True)
    _widths(ws, [20, 44, 14, 16, 16, 16, 16, 16, 16])


def tables_workbook(heading: str, tables, path: str | Path | BinaryIO) -> Path | BinaryIO:
    """One sheet of statement tables (reports.statement_render.Table), one under another:
    the balance sheet, receipts and payments accounts, trial balance."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Statement"
    _put(ws, 1, 1, heading).font = TITLE
    row = 3
    width = max(len(t.header) for t in tables)
    for t in tables:
        _put(ws, row, 1, t.title).font = BOLD
        row += 1
        _header(ws, row, t.header)
        row += 1
        for i, cells in enumerate(t.rows):
            _row(ws, row, cells, bold=i in t.totals)
            row += 1
        row += 1
    _widths(ws, [52] + [18] * (width - 1))
    return _save(wb, path)
