from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path

import click

from fundledger import demo_books
from fundledger.loaded import loaded
from fundledger.options import DATE, books_option, shown
from ledger import books as ledger_books
from ledger import lock as period_lock
from reports import disclosure, transparency, transparency_render

REGISTER_FILE = "published.beancount"


@click.command("transparency")
@click.argument("funds", nargs=-1, metavar="[FUND]...")
@books_option
@click.option("-o", "--output", "out", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write index.html, statement.md and statement.csv into "
                   "(created if missing).")
@click.option("--as-of", "as_of", type=DATE, default=None, metavar="DATE",
              help="Figures up to the end of this financial year (or quarter) end, "
                   "YYYY-MM-DD. Default: the latest one that may be published. Any other "
                   "day only with --draft.")
@click.option("--draft", is_flag=True,
              help="An internal draft for any day (default: everything in the books), "
                   "marked \"not for publication\" in every file and not checked against "
                   "the statements already published.")
@click.option("--publish", is_flag=True,
              help="Record the statement in the books' register of published statements "
                   f"({REGISTER_FILE}), so that no later statement can be subtracted from "
                   "it to show a small group's gifts.")
@click.option("--force", is_flag=True,
              help="Replace index.html, statement.md or statement.csv in the folder even "
                   "if fundledger did not write them.")
def command(funds: tuple[str, ...], books: Path, out: Path, as_of, draft: bool,
            publish: bool, force: bool) -> None:
    """Write the public spend-transparency statement for FUND... (default: every fund).

    Three files go into the output folder: index.html (one self-contained page with
    charts, readable on a phone, that you can put on your website as it is),
    statement.md and statement.csv (the same figures).

    The statement shows totals only: what each fund was for, what it raised by channel
    and from how many supporters, what the platforms kept, what was paid to each law
    firm, court fees and other costs, transfers, what is left and what happens to it.
    It never names a donor or shows a single gift; any group of fewer than 5 donors is
    shown as "fewer than 5" or counted together with others.

    A public statement runs to the end of a financial year (or quarter, if the books
    say so). It is checked against the statement of all funds at every such date and
    against the register of published statements (--publish records one), and shows
    channels, periods or funds together until none of them can be subtracted from it to
    show what fewer than 5 supporters gave; a selection of funds that would is refused.

    Other files in the folder are left alone. A statement file that fundledger did not
    write is not replaced unless you pass --force.
    """
    if draft and publish:
        raise click.UsageError("a draft is not for publication: --draft and --publish "
                               "cannot go together")
    entries, options = loaded(books)
    main = ledger_books.resolve(books)
    if publish and main == demo_books.MAIN.resolve():
        raise click.ClickException(
            "these are the embedded demo books, which are never changed: write a copy with "
            "`fundledger demo DIR` and publish from there")
    try:
        statement = transparency.statement(entries, options, list(funds) or None,
                                           as_of.date() if as_of else None, draft)
    except transparency.UnknownFund as e:
        raise click.UsageError(str(e)) from None
    except transparency.ReportError as e:
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
               f"{', '.join(files)} ({transparency.fund_count(statement)} fund(s))"
               + (" -- INTERNAL DRAFT, not for publication" if draft else ""))
    for line in statement.choice:  # the period it covers, and why it ends there
        click.echo(line)
    if publish:
        text = disclosure.entry_text(datetime.date.today(), statement.as_of,
                                     list(funds) or None, statement.digest,
                                     statement.form.meta())
        # A receipt beside the register: an entry deleted from it is then noticed by
        # `check` (ledger.lock), as anyone holding the statement could still subtract it.
        receipt = period_lock.receipt(statement.as_of, statement.digest, text)
        try:
            ledger_books.apply(main, lambda m: {
                **ledger_books.appended(m, {REGISTER_FILE: "\n" + text}), **receipt})
        except ledger_books.BooksError as e:
            raise click.ClickException("the statement was written but not recorded as "
                                       "published: " + "; ".join(e.lines)) from None
        click.echo(f"recorded as published in {shown(main.parent / REGISTER_FILE)}")
    if sys.stdout.isatty():
        click.echo(f"open {shown(out / 'index.html')} in a browser to check it")


def _write(path: Path, text: str, bom: bool) -> None:
    """Write beside the target, then rename: a reader never sees half a statement.

    The CSV gets a byte-order mark so spreadsheet programs read the £ and € right."""
    tmp = path.with_name(f".{path.name}.fundledger-new")
    tmp.write_text(text, encoding="utf-8-sig" if bom else "utf-8")
    os.replace(tmp, path)
