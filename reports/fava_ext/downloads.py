"""The reports the Funds page offers for download: a fixed registry, nothing else.

A download is looked up by its name in `REPORTS`; an unknown name is a 404 before anything
runs. Each report is built in memory by the same renderer its CLI command uses, and sent
under a fixed file name (a fund id, already checked against the declared funds, is the
only part that varies). Nothing from the request reaches a filesystem path.

The funds reports show what the page shows (Fava's filters and period). The statements
(SOFA, funder report) are for sending out, so they always cover the whole books; Fava's
time filter only chooses their period.

Adding a report is one line: `REPORTS["name"] = Download(...)`.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import zipfile
from collections.abc import Callable

from beancount.core.data import Custom, Transaction

from ledger import funds as fundmodel
from ledger import options as ledger_options
from reports import funds_render
from reports.classify import ReportError
from reports.fava_ext.page import FundsView
from reports.funder import FunderReport, funder_report
from reports.funds import FundSummary
from reports.sofa import sofa


@dataclasses.dataclass(frozen=True)
class Request:
    """What a report builder gets: the page's data, the books, and the fund if one is asked."""

    view: FundsView
    entries: list  # every entry of the books (unfiltered): statements cover the whole books
    options: dict
    fund: FundSummary | None
    grant: FunderReport | None  # the fund's funder report, if it is a grant


@dataclasses.dataclass(frozen=True)
class Download:
    label: str  # the link text on the page
    filename: str  # "{fund}" is replaced by the (validated) fund id
    mimetype: str
    build: Callable[[Request], bytes]
    per_fund: bool = False  # offered on a fund's page (needs ?fund=)
    grant_only: bool = False  # only for a grant (a fund with budget lines or an award)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def grant_report(entries: list, options: dict, fund: str, view: FundsView) -> FunderReport | None:
    """The funder report for the page's period, as at the page's date, or None for a fund
    that is not a grant."""
    try:
        return funder_report(entries, options, fund, view.window.begin, view.as_at)
    except ReportError:
        return None


def grant_funds(entries: list) -> frozenset[str]:
    """The grants: funds with budget lines or an award, as funder_report requires."""
    _declared, budgets, _errors = fundmodel.declarations(entries)
    awarded = {e.values[0].value for e in entries
               if isinstance(e, Custom) and e.type == fundmodel.FUND and e.values
               and "award" in e.meta}
    return frozenset({b.fund for b in budgets} | awarded)


def sofa_period(entries: list, view: FundsView) -> tuple[datetime.date, datetime.date]:
    """Fava's time filter, else the financial year of the books' last transaction."""
    if view.window.begin and view.window.end:
        return view.window.begin, view.window.last_day
    last = next((e.date for e in reversed(entries) if isinstance(e, Transaction)),
                datetime.date.today())
    start, end = ledger_options.fy_bounds(entries, last.year)
    if last > end:
        start, end = ledger_options.fy_bounds(entries, last.year + 1)
    return start, end


# The workbook writer (openpyxl) and the public statement (its disclosure audit) are
# imported when a download asks for them: half a second off every server start.


def _workbook(write, report) -> bytes:
    out = io.BytesIO()
    write(report, out)
    return out.getvalue()


def _funder(req: Request) -> bytes:
    from reports import xlsx

    return _workbook(xlsx.funder_workbook, req.grant)


def _transparency(req: Request) -> bytes:
    """The public statement's three files (as `fundledger report transparency` writes
    them) in one ZIP, for the fund or for every fund: to the end of the period of Fava's
    time filter, else to the latest date a statement may be published. The same rules as
    the CLI's, against the same register of published statements: a period end that may
    not be published, or a fund that would give a small group away by subtraction, is
    refused (422, saying why)."""
    from reports import transparency, transparency_render

    funds = [req.fund.fund] if req.fund else None
    as_of = req.view.window.last_day if req.view.window.end else None
    files = transparency_render.outputs(
        transparency.statement(req.entries, req.options, funds, as_of))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text.encode("utf-8-sig" if name.endswith(".csv") else "utf-8"))
    return out.getvalue()


def _sofa(req: Request) -> bytes:
    from reports import xlsx

    start, end = sofa_period(req.entries, req.view)
    return _workbook(xlsx.sofa_workbook, sofa(req.entries, req.options, start, end, prior=True))


REPORTS: dict[str, Download] = {
    "funds.csv": Download("Funds (CSV)", "funds.csv", "text/csv",
                          lambda r: funds_render.csv_text(r.view.to_end).encode()),
    "funds.json": Download("Funds (JSON)", "funds.json", "application/json",
                           lambda r: funds_render.json_text(r.view.to_end).encode()),
    "sofa.xlsx": Download("SOFA and funds note (XLSX)", "sofa.xlsx", XLSX, _sofa),
    "transparency.zip": Download("Transparency statement (ZIP)", "transparency.zip",
                                 "application/zip", _transparency),
    "fund-transparency.zip": Download("Transparency statement (ZIP)",
                                      "transparency-{fund}.zip", "application/zip",
                                      _transparency, per_fund=True),
    "funder.xlsx": Download("Funder report (XLSX)", "funder-{fund}.xlsx", XLSX, _funder,
                            per_fund=True, grant_only=True),
}


def available(download: Download, fund: FundSummary | None, is_grant: bool) -> bool:
    """Whether a report can be made for this fund (or for the books, with no fund)."""
    if fund is None:
        return not download.per_fund
    return download.per_fund and (is_grant or not download.grant_only)


def offered(fund: FundSummary | None, is_grant: bool = False) -> list[tuple[str, Download]]:
    """The downloads to link: the books-wide ones, or the ones for this fund."""
    return [(name, d) for name, d in REPORTS.items() if available(d, fund, is_grant)]
