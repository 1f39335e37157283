"""`fundledger prices import FILE`: published daily exchange rates into the books."""

from __future__ import annotations

from pathlib import Path

import click

from fundledger import demo_books
from fundledger.loaded import loaded
from fundledger.options import books_option, shown
from importers import rates as published
from importers.errors import Problem
from ledger import books as ledger_books
from reports.classify import operating_currency

PRICES_FILE = "prices.beancount"


@click.group("prices")
def command() -> None:
    """Exchange rates in the books (`price` entries), which every report uses to put a
    foreign amount into the operating currency at the rate on its date."""


@command.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@books_option
@click.option("--currency", "currencies", multiple=True, metavar="CUR",
              help="Import only this currency's rates (repeatable). Default: every "
                   "currency the books hold or book in.")
def import_(file: Path, books, currencies) -> None:
    """Add the daily rates in FILE to the books as `price` entries (prices.beancount).

    FILE is a CSV as the Bank of England database (columns DATE, XUDLUSS, XUDLERS, ...:
    sterling books only) or the ECB (eurofxref-hist.csv or eurofxref.csv: Date, USD, JPY,
    ...) publishes it, downloaded by you: nothing is fetched. Rates the books already hold
    (same day, same currency) are not added again, so importing the same file twice adds
    nothing. A row that cannot be read is refused, naming the file and row, and nothing
    is written.

    \b
    Example:
        fundledger prices import eurofxref-hist.csv --books books/
    """
    entries, options = loaded(books)
    unit = operating_currency(options)
    try:
        text, count = published.new_prices(entries, unit, file,
                                            {c.upper() for c in currencies} or None)
    except Problem as e:
        raise click.ClickException(f"{e}; nothing was written") from None
    if not count:
        click.echo(f"No new rates in {shown(file)}: the books already hold them.")
        return
    main = ledger_books.resolve(books)
    if main == demo_books.MAIN.resolve():
        raise click.ClickException(
            "these are the embedded demo books, which are never changed: write a copy with "
            "`fundledger demo DIR` and import the rates there")
    try:
        ledger_books.append(main, {PRICES_FILE: text})
    except ledger_books.BooksError as e:
        raise click.ClickException("the books would not load clean; nothing was written:\n"
                                   + "\n".join(e.lines)) from None
    click.echo(f"Added {count} rates to {shown(main.parent / PRICES_FILE)}.")
