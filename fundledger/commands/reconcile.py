from __future__ import annotations

import sys

import click

from fundledger.loaded import echo_format, loaded
from fundledger.options import DATE, books_option
from reports import reconcile as report
from reports import reconcile_render


@click.command("reconcile")
@books_option
@click.option("--as-of", "as_of", type=DATE, default=None, metavar="DATE",
              help="Reconcile as at the end of this day (YYYY-MM-DD). Default: everything.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="table for reading, json for other tools.")
def command(books, as_of, fmt) -> None:
    """Every holding account against its last statement balance.

    For each bank account, PayPal, Stripe, platform and solicitors' client account: the
    last statement balance (a `balance` directive, written by an import from the
    statement's running balance or by hand), the books' balance that day, the
    difference, and the entries booked since that no statement has shown yet. Exits 1
    if any account is not reconciled.
    """
    entries, _options = loaded(books)
    rows = report.reconcile_accounts(entries, as_of.date() if as_of else None)
    echo_format(fmt, json=lambda: reconcile_render.json_text(rows),
                table=lambda: reconcile_render.table_text(rows))
    if not all(r.reconciled for r in rows):
        sys.exit(1)
