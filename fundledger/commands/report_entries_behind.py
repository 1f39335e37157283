from __future__ import annotations

import click

from fundledger.commands._statement import output_option, write_text, year_bounds, year_option
from fundledger.loaded import loaded
from fundledger.options import books_option, shown


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

    entries, options = loaded(books)
    start, end = year_bounds(entries, year)
    text = entries_behind_csv(entries_behind(entries, options, start, end))
    if out is None:
        click.echo(text, nl=False)
        return
    write_text(out, text, "csv")
    click.echo(f"entries behind the statements {start} to {end} written to {shown(out)}")
