from __future__ import annotations

import click

from fundledger.commands._statement import (
    emit,
    format_option,
    made,
    output_option,
    year_bounds,
    year_option,
)
from fundledger.loaded import loaded
from fundledger.options import books_option


@click.command("balance-sheet")
@books_option
@year_option
@format_option
@output_option
def command(books, year, fmt, out) -> None:
    """The balance sheet at the end of financial year YEAR, with the prior year beside it.

    Fixed assets; current assets (debtors, cash at bank and in hand, money held by
    solicitors in client account); creditors; net current assets; total net assets. Then
    the funds of the charity (unrestricted, with designated shown within it, restricted,
    endowment), each fund's balance, and the analysis of net assets between funds. Net
    assets always equal total funds, the sum of `fundledger funds --as-of` balances.
    """
    from reports import statement_render as sr
    from reports.balance_sheet import balance_sheet

    entries, options = loaded(books)
    _s, end = year_bounds(entries, year)
    _ps, prior = year_bounds(entries, year - 1)
    b = made(balance_sheet, entries, options, end, prior)
    heading = f"{b.title}: balance sheet at {end}" if b.title else f"Balance sheet at {end}"
    emit(fmt, out, heading, sr.balance_sheet_tables(b), sr.balance_sheet_json(b),
         f"balance sheet at {end}")
