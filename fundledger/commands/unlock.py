"""`fundledger unlock`: lift a period lock, visibly and with a reason."""

from __future__ import annotations

import datetime

import click

from fundledger.commands.lock import DATE, write
from fundledger.options import books_option, shown
from ledger import lock as period_lock


@click.command("unlock")
@books_option
@click.option("--reason", required=True, metavar="TEXT",
              help="Why, in a few words: e.g. the trustees' minute that allowed the "
              "correction.")
@click.option("--from", "since", type=DATE, default=None, metavar="DATE",
              help="Lift every lock covering this day. Default: the latest lock only.")
def command(books, reason, since) -> None:
    """Lift a period lock with an `unlock` entry that records the reason.

    The lock entry stays in the books; the unlock beside it names it. Lock the period
    again with `fundledger lock` once the correction is made.
    """
    day = since.date() if since else None
    write(books, lambda entries, _options: (period_lock.unlock_text(
        entries, reason, datetime.date.today(), day), {}))
    click.echo(f"Unlocked {shown(books)}; the reason is recorded in "
               f"{period_lock.LOCKS_FILE}.")
