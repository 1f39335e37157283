from __future__ import annotations

import click

from fundledger.commands._statement import csv_out, output_option, year_option
from fundledger.options import books_option


@click.command("entries-behind")
@books_option
@year_option
@output_option
def command(books, year, out) -> None:
    """The entries behind every SOFA and balance-sheet line of financial year YEAR, as
    CSV: one row per posting with the statement, line and column it counts on, its fund,
    amount (as the line counts it) and the file:line it was booked on. Filter on a line
    and sum the amounts to get the statement's figure."""
    from reports.statement_render import entries_behind_csv
    from reports.trial_balance import entries_behind

    csv_out(books, year, out, entries_behind, entries_behind_csv, "entries behind the statements")
