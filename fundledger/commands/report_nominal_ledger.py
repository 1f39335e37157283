from __future__ import annotations

import click

from fundledger.commands._statement import csv_out, output_option, year_option
from fundledger.options import books_option


@click.command("nominal-ledger")
@books_option
@year_option
@output_option
def command(books, year, out) -> None:
    """The nominal ledger for financial year YEAR as CSV: every posting of the year,
    account by account, with the running balance and the file:line it was booked on."""
    from reports.statement_render import nominal_ledger_csv
    from reports.trial_balance import nominal_ledger

    csv_out(books, year, out, nominal_ledger, nominal_ledger_csv, "nominal ledger")
