from __future__ import annotations

import datetime
from pathlib import Path

import click

from fundledger.loaded import loaded
from fundledger.options import DATE, books_option, shown
from reports import funder_public
from reports.classify import ReportError
from reports.funder import UNMAPPED, funder_report


@click.command("funder")
@click.argument("fund")
@books_option
@click.option("--from", "start", type=DATE, metavar="DATE",
              help="First day of the period (default: the fund's opening).")
@click.option("--to", "end", type=DATE, metavar="DATE",
              help="Last day of the period (default: the end of the financial year --from "
                   "starts; without --from, the fund's close, else today).")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "json"]), default="xlsx",
              show_default=True, help="xlsx: the workbook (needs -o); json: budget lines "
                                      "with period and to-date spend, for other tools.")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write (.xlsx for the workbook); json prints without it.")
@click.option("--every-figure", is_flag=True,
              help="Keep the fund's other income and balance even where the fund holds "
                   "gifts from supporters: for the trustees, never to send out.")
def command(fund, books, start, end, fmt, out, every_figure) -> None:
    """The funder's report for grant FUND: an Excel workbook of budget against actual.

    Summary sheet: the award, each tranche received and the rate obtained, spend per
    budget line against the budget in the grant's currency and in pounds, variance and
    % used (a line over budget is highlighted), what remains, and the exchange difference.
    Spend is converted at the rate of the tranche it was paid from (first in, first out),
    so a period's figures never change once reported. Transactions sheet: every payment
    behind the figures, with its budget line.

    Budget lines are the books' `budget` directives; a payment counts against the line in
    its `budget-line:` metadata, or a `custom "budget-map" FUND ACCOUNT LINE` in the books.
    Spending with no line is shown as "Not mapped to a budget line".

    Only the funder's money is listed as tranches. Where the grant's fund also took gifts
    from supporters, its other income and its balance are left out (a report of any dates
    would show a gift); --every-figure keeps them, for the trustees.

    Example:

    \b
        fundledger report funder lumen-grant -o lumen-report.xlsx
        fundledger report funder lumen-grant --from 2020-01-01 --to 2020-12-31 -o 2020.xlsx
        fundledger report funder lumen-grant --to 2020-12-31 --format json
    """
    if fmt == "xlsx" and out is None:
        raise click.UsageError("the workbook is written to a file: give it with -o FILE.xlsx "
                               "(or ask for --format json)")
    if fmt == "xlsx" and out.suffix.lower() != ".xlsx":
        raise click.UsageError(f"{shown(out)}: the funder report is a workbook; name it .xlsx")
    entries, options = loaded(books)
    try:
        report = funder_report(entries, options, fund, start and start.date(),
                               end and end.date(), today=datetime.date.today())
    except ReportError as err:
        raise click.ClickException(str(err)) from None
    if not every_figure:
        report = funder_public.published(entries, report)
    if fmt == "json":
        from reports import funder_render

        text = funder_render.json_text(report)
        if out is None:
            click.echo(text, nl=False)
        else:
            tmp = out.with_name(out.name + ".part")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(out)
            click.echo(f"funder report for {fund} written to {shown(out)}")
        return
    from reports import xlsx  # here: openpyxl would slow every other command's start

    xlsx.funder_workbook(report, out)
    unmapped = next(line for line in report.lines if line.line == UNMAPPED)
    click.echo(f"funder report for {fund}, {report.start} to {report.end}, written to "
               f"{shown(out)}: spent {report.spent:,.2f} {report.currency} of "
               f"{report.award:,.2f} {report.currency} awarded")
    if unmapped.spent_gbp:
        click.echo(f"warning: {unmapped.spent_gbp:,.2f} {report.gbp} of spending has no "
                   "budget line (see the Transactions sheet)", err=True)
