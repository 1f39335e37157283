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


@click.command("receipts-payments")
@books_option
@year_option
@format_option
@output_option
def command(books, year, fmt, out) -> None:
    """Receipts and payments accounts for financial year YEAR, with a statement of assets
    and liabilities at its end.

    For a charity on the receipts basis (declare it in the books with
    `custom "fundledger-option" "basis" "receipts"`): only money that moved counts, in the
    SOFA's headings, by fund class. Cash carried forward less cash brought forward is
    receipts less payments, and each year's carried forward is the next year's brought
    forward.
    """
    from reports import statement_render as sr
    from reports.receipts_payments import receipts_payments

    entries, options = loaded(books)
    start, end = year_bounds(entries, year)
    r = made(receipts_payments, entries, options, start, end)
    heading = (f"{r.title}: receipts and payments accounts, {start} to {end}" if r.title
               else f"Receipts and payments accounts, {start} to {end}")
    emit(fmt, out, heading, sr.receipts_payments_tables(r), sr.receipts_payments_json(r),
         f"receipts and payments accounts {start} to {end}")
