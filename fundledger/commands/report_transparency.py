from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from fundledger.loaded import loaded
from fundledger.options import books_option, shown
from reports import transparency, transparency_render

DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.command("transparency")
@click.argument("funds", nargs=-1, metavar="[FUND]...")
@books_option
@click.option("-o", "--output", "out", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write index.html, statement.md and statement.csv into "
                   "(created if missing).")
@click.option("--as-of", "as_of", type=DATE, default=None, metavar="DATE",
              help="Figures up to the end of this day (YYYY-MM-DD), e.g. a year end. "
                   "Default: everything in the books.")
@click.option("--force", is_flag=True,
              help="Replace index.html, statement.md or statement.csv in the folder even "
                   "if fundledger did not write them.")
def command(funds: tuple[str, ...], books: Path, out: Path, as_of, force: bool) -> None:
    """Write the public spend-transparency statement for FUND... (default: every fund).

    Three files go into the output folder: index.html (one self-contained page with
    charts, readable on a phone, that you can put on your website as it is),
    statement.md and statement.csv (the same figures).

    The statement shows totals only: what each fund was for, what it raised by channel
    and from how many supporters, what the platforms kept, what was paid to each law
    firm, court fees and other costs, transfers, what is left and what happens to it.
    It never names a donor or shows a single gift; any group of fewer than 5 donors is
    shown as "fewer than 5" or counted together with others.

    Other files in the folder are left alone. A statement file that fundledger did not
    write is not replaced unless you pass --force.
    """
    entries, options = loaded(books)
    try:
        statement = transparency.statement(entries, options, list(funds) or None,
                                           as_of.date() if as_of else None)
    except transparency.UnknownFund as e:
        raise click.UsageError(str(e)) from None
    except transparency.TooFewSupporters as e:
        raise click.ClickException(str(e)) from None
    files = transparency_render.outputs(statement)
    if out.exists() and not out.is_dir():
        raise click.ClickException(f"{shown(out)} is a file, not a folder")
    clash = [name for name in files
             if (out / name).exists() and not transparency_render.is_ours(out / name)]
    if clash and not force:
        raise click.ClickException(
            f"{shown(out)} already holds {', '.join(clash)} not written by fundledger; "
            "choose another folder or pass --force to replace")
    out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        _write(out / name, text, bom=name.endswith(".csv"))
    click.echo(f"transparency statement written to {shown(out)}: "
               f"{', '.join(files)} ({transparency.fund_count(statement)} fund(s))")
    if sys.stdout.isatty():
        click.echo(f"open {shown(out / 'index.html')} in a browser to check it")


def _write(path: Path, text: str, bom: bool) -> None:
    """Write beside the target, then rename: a reader never sees half a statement.

    The CSV gets a byte-order mark so spreadsheet programs read the £ and € right."""
    tmp = path.with_name(f".{path.name}.fundledger-new")
    tmp.write_text(text, encoding="utf-8-sig" if bom else "utf-8")
    os.replace(tmp, path)
