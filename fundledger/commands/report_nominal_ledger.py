from __future__ import annotations

import click

from fundledger.commands._statement import output_option, write_text, year_bounds, year_option
from fundledger.loaded import loaded
from fundledger.options import books_option, shown


@click.command("nominal-ledger")
@books_option
@year_option
@output_option
def command(books, year, out) -> None:
    """The nominal ledger for financial year YEAR as CSV: every posting of the year,
    account by account, with the running balance and the file:line it was booked on."""
    from reports.statement_render import nominal_ledger_csv
    from reports.trial_balance import nominal_ledger

    entries, options = loaded(books)
    start, end = year_bounds(entries, year)
    text = nominal_ledger_csv(nominal_ledger(entries, options, start, end))
    if out is None:
        click.echo(text, nl=False)
        return
    write_text(out, text, "csv")
    click.echo(f"nominal ledger {start} to {end} written to {shown(out)}")
