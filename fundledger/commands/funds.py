from __future__ import annotations

import click

from fundledger.loaded import computed, echo_format
from fundledger.options import DATE, books_option
from ledger import unclassified
from reports import funds as report
from reports import funds_render

FORMATS = click.Choice(["table", "json", "csv"])


@click.command("funds")
@books_option
@click.option("--as-of", "as_of", type=DATE, default=None, metavar="DATE",
              help="Reconcile as at the end of this day (YYYY-MM-DD). Default: everything.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True,
              help="table for reading, csv for a spreadsheet, json for other tools.")
@click.option("--brief", is_flag=True, help="Table format: the one-line-per-fund sheet only.")
def command(books, as_of, fmt, brief) -> None:
    """Reconcile every fund: what it raised, what the platforms kept, what each law firm
    was paid, what is left and where it is held, and whether it can be closed.

    Status is one of: open; closable (balance exactly zero and nothing pending);
    closed; overspent (an unrestricted fund below zero); error (a closed fund with a
    balance, or a restricted fund below zero: the books fail to load until it is put
    right). For a fund that is not closable, the reasons are listed.
    Amounts are in the books' operating currency at the rates booked.
    """
    summaries = computed(books, report.reconcile, as_of.date() if as_of else None)
    echo_format(fmt, json=lambda: funds_render.json_text(summaries),
                csv=lambda: funds_render.csv_text(summaries),
                table=lambda: funds_render.table_text(summaries, detail=not brief))
    suspense = computed(books, unclassified.report)
    if suspense:
        click.echo(f"warning: {suspense.text()}", err=True)
