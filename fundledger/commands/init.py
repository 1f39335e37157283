"""`fundledger init DIR`: new, empty books that check clean and import at once."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from fundledger.options import DATE, shown
from ledger import skeleton


@click.command("init")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default="Our organisation", show_default=True,
              help="The organisation's name (the books' title in Fava).")
@click.option("--currency", default="GBP", show_default=True,
              help="The books' currency: what reports are in.")
@click.option("--fund", default="general", show_default=True,
              help="The id of the first (unrestricted) fund, which imports book to by default.")
@click.option("--start", type=DATE, default="2000-01-01", metavar="DATE",
              show_default=True,
              help="The day the books begin (YYYY-MM-DD): the funds and settings take effect, and "
                   "imports open the accounts they need, on it (so an entry you type may "
                   "come before imported ones). Before your oldest export.")
def command(dest: Path, name: str, currency: str, fund: str, start: datetime.datetime) -> None:
    """Write new, empty books into DEST (a new or empty folder).

    DEST gets main.beancount (options, the fund-rules plugin), funds.beancount (one
    unrestricted fund), Fava's settings (the Funds page and the Import page reading
    DEST/exports), a .gitignore that keeps raw exports out of git, and a README. Then:

        fundledger import EXPORT... --books DEST

    opens the accounts it needs (on the start date); `fundledger serve DEST` opens Fava on
    the Funds page, whose Import page does the same (Upload, Extract, Save).
    """
    try:
        main = skeleton.write(dest, name, currency, fund, start.date())
    except (ValueError, FileExistsError) as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"new books written: {shown(main)}")
    click.echo(f"next: put exports in {shown(dest / 'exports')} and run "
               f"`fundledger import {shown(dest / 'exports')}/* --books {shown(dest)}`")
