from __future__ import annotations

import click

from fundledger.commands._statement import (
    emit,
    format_option,
    output_option,
    year_bounds,
    year_option,
)
from fundledger.loaded import loaded
from fundledger.options import books_option


@click.command("trial-balance")
@books_option
@year_option
@format_option
@output_option
def command(books, year, fmt, out) -> None:
    """The trial balance for financial year YEAR: balance-sheet accounts at the year end,
    income, expenditure and fund accounts for the year, and the funds brought forward.
    Debits equal credits.

    The entries behind it: `fundledger report nominal-ledger` and
    `fundledger report entries-behind`.
    """
    from reports import statement_render as sr
    from reports.trial_balance import trial_balance

    entries, options = loaded(books)
    start, end = year_bounds(entries, year)
    t = trial_balance(entries, options, start, end)
    emit(fmt, out, f"Trial balance, {start} to {end}", sr.trial_balance_tables(t),
         sr.trial_balance_json(t), f"trial balance {start} to {end}")
