from __future__ import annotations

from pathlib import Path

import click

from fundledger import demo_books
from fundledger.options import shown


@click.command("demo")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
def command(dest: Path) -> None:
    """Write a fresh copy of the demo books into DEST (a new or empty folder).

    DEST/main.beancount is the books; DEST/exports holds the raw platform exports they
    were imported from, to try `fundledger import` on, with the demo's donor key (written,
    readable by you alone, to ~/.config/fundledger/demo-donor.key: the books already hold
    pseudonyms made with it, and your own key would give their donors new ones).
    """
    try:
        main = demo_books.copy_to(dest)
    except FileExistsError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"demo books written: {shown(main)}")
    key = demo_books.demo_key()
    click.echo(f"try: fundledger check {shown(main)}")
    click.echo("to import into them, with the demo's donor key: "
               f"FUNDLEDGER_DONOR_KEY={shown(key)} fundledger import "
               f"{shown(main.parent / 'exports')}/<file> --books {shown(main)}")
