from __future__ import annotations

import click

from fundledger.loaded import echo_format, loaded
from fundledger.options import DATE, books_option
from reports import legal as report
from reports import legal_render


@click.command("legal")
@books_option
@click.option("--since", type=DATE, default="2017-01-01", show_default=True, metavar="DATE",
              help="Count legal fees booked on or after this day (YYYY-MM-DD).")
@click.option("--by", type=click.Choice(report.GROUPINGS), default="firm", show_default=True,
              help="Total by law firm or chambers (spend paid to no firm, such as court fees, "
                   "after them as 'Not paid to a firm: <category>'), by financial year (the books' fy-end), by category (profit costs, "
                   "counsel, court fees, VAT) or by fund.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="table for reading, csv for a spreadsheet, json for "
                                      "other tools.")
@click.option("--as-of", "as_of", type=DATE, default=None, metavar="DATE",
              help="The books as they stood at the end of DATE: what was invoiced by then "
                   "and still unpaid then (a year end's legal creditors).")
@click.option("--brief", is_flag=True, help="Table format: the totals only, no invoice lines.")
def command(books, since, by, as_of, fmt, brief) -> None:
    """Legal fees since a date, with the invoice behind every figure and totals.

    The firm is the one named on the line (counsel paid through the solicitors), else
    the payee. Fees count from the day the invoice is booked; an invoice still owed is
    marked unpaid and totalled separately.
    """
    entries, options = loaded(books)
    data = report.legal_spend(entries, options, since.date() if since else None, by,
                              as_of.date() if as_of else None)
    echo_format(fmt, json=lambda: legal_render.json_text(data),
                csv=lambda: legal_render.csv_text(data),
                table=lambda: legal_render.table_text(data, lines=not brief))
