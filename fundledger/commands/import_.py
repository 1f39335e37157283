"""`fundledger import FILE...`: bring platform exports into the books, exactly once."""

from __future__ import annotations

import codecs
import gc
import os
import shutil
import sys
from pathlib import Path

import click

from fundledger import demo_books
from fundledger.options import books_option, shown
from ledger.folder import BooksError  # not ledger.books, which imports beancount

SHOWN = 20  # problems listed when the books would not load


@click.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@books_option
@click.option("--fund", default="", metavar="FUND",
              help="Book everything in these files to FUND (a fund id declared in the books), "
                   "instead of each source's declared default.")
@click.option("--unclassified", type=click.Choice(["refuse", "suspense"]), default="refuse",
              show_default=True,
              help="Rows no rule claims: refuse the import, listing them with rules to "
                   "paste into the books; or book them to Expenses:Unclassified / "
                   "Income:Unclassified in the default fund until you classify them.")
@click.option("--dry-run", is_flag=True,
              help="Check everything a real import checks and print the entries that would "
                   "be added, as beancount text; write nothing.")
@click.option("--new-donor-key", "new_key", is_flag=True,
              help="The donor key is lost for good: start a new one. Returning donors then "
                   "get new pseudonyms (counted again as new supporters); without this "
                   "flag, books holding pseudonyms refuse an import with no key.")
def command(files, books, fund, unclassified, dry_run, new_key) -> None:
    """Import exports (PayPal, Stripe, crowdfunders, bank statements, solicitors' invoices,
    grant budgets, GoCardless, JustGiving, Enthuse, Open Collective) into BOOKS.

    Each file is recognised by its header row, whatever its name. Income is booked gross
    with fees as expenses of the same fund; donors become pseudonyms (no names, emails or
    messages enter the books). An entry whose source id the books already hold is skipped,
    so importing the same file twice adds nothing. New entries go to
    imports/<source>/<year>.beancount, and only if the books then load with no error.
    """
    if not dry_run and Path(books).resolve() == demo_books.MAIN.resolve():
        raise click.UsageError("the embedded demo books are read-only: give --books BOOKS "
                               "(`fundledger demo DIR` writes a copy you can import into), "
                               "or use --dry-run")
    # A short-lived process building many small acyclic objects: the cyclic garbage
    # collector only rescans them (a third of the time on a large download).
    gc.disable()
    # The files start being read now, on a second thread, while the importers and the
    # books load: nothing imported before this point (click, the options) loads beancount
    # or the books code, which would hold the reading back by a tenth of a second.
    from importers import arrowcsv

    arrowcsv.without_pandas()  # this process imports, and does nothing else

    paths = [str(f) for f in files]
    with arrowcsv.reading_ahead(paths):  # whatever is read ahead and not taken goes
        result = _imported(books, paths, fund, dry_run, new_key, unclassified)
    if dry_run:
        _print(result)
    else:
        for rel in sorted(result.parts):
            click.echo(f"appended to {shown(Path(books).parent / rel)}", err=True)
        if result.opened:
            click.echo(f"opened {len(result.opened)} account(s) in "
                       f"{shown(Path(books).parent / 'imports/accounts.beancount')}: "
                       + ", ".join(result.opened), err=True)
    click.echo(("dry run: " if dry_run else "") + result.summary(), err=True)


def _raw(out):
    """stdout's binary stream where it takes UTF-8 with no newline translation (the
    dry run's entries then go out as the bytes they were made in), else None."""
    if not out.encoding or codecs.lookup(out.encoding).name != "utf-8" or os.linesep != "\n":
        return None
    return getattr(out, "buffer", None)


def _imported(books, paths, fund, dry_run, new_key, unclassified):
    """importers.run.run on the files, with a progress bar on a terminal; a bad file or
    books that would not load end the command with their lines."""
    # Imported here, not at the top: the importers need numpy and pyarrow, and every
    # fundledger command (a quick `funds` from the cache) would otherwise pay for them.
    from importers import run as import_run
    from importers.errors import Problem
    from importers.pseudonym import Pseudonymiser

    bar = None
    if sys.stderr.isatty() and sum(os.path.getsize(p) for p in paths) > 5_000_000:
        # Steps: each file identified, each file read and checked, the books verified.
        bar = click.progressbar(length=2 * len(paths) + 1, label="importing", file=sys.stderr)
        bar.__enter__()
    try:
        return import_run.run(books, paths, fund=fund, dry_run=dry_run,
                              pseudo=Pseudonymiser(new_key=new_key),
                              progress=(lambda _p: bar.update(1)) if bar else None,
                              suspense=unclassified == "suspense",
                              second_core=not dry_run
                              or _raw(click.get_text_stream("stdout")) is not None)
    except Problem as e:
        click.echo(str(e), err=True)  # one `FILE:ROW: problem` line; the books are untouched
        sys.exit(1)
    except BooksError as e:
        if len(e.lines) == 1 and e.lines[0].startswith(f"--fund {fund}: "):
            # a fund the books do not declare: the option is wrong, the books are fine
            raise click.BadParameter(f"{fund!r}: " + e.lines[0].split(": ", 1)[1],
                                     param_hint="'--fund'") from None
        for line in e.lines[:SHOWN]:
            click.echo(line, err=True)
        if len(e.lines) > SHOWN:  # one cause (a fund or account opened too late) can
            click.echo(f"... and {len(e.lines) - SHOWN:,} more", err=True)  # hit every row
        raise click.ClickException(
            "dry run: a real import would be refused: the books would not load cleanly"
            if dry_run else "nothing imported: the books would not load cleanly") from None
    finally:
        if bar:
            bar.__exit__(None, None, None)

def _print(result) -> None:
    """The dry run's text: what each books file would get. As UTF-8 bytes made in Arrow
    (importers.written) where stdout takes them: staged in a file while the books were
    checked (copied out now the check passed), or made now; else as str."""
    from importers import written

    out = click.get_text_stream("stdout")
    raw = _raw(out)
    if raw is None:
        for heading, entries in written.sections(result):
            out.write(heading)
            if entries is not None:
                for chunk in entries.chunks():  # a large download is never held as one text
                    out.write(chunk)
                out.write("\n")
        return
    out.flush()
    if result.staged is not None:
        raw.flush()
        _copy_out(result.staged, raw)
        result.staged.close()
        return
    written.dry_run(result, raw)
    raw.flush()


def _copy_out(staged, raw) -> None:
    """The staged text to stdout, by the kernel where it can (sendfile), else read and
    written a megabyte at a time: never held whole."""
    size = os.fstat(staged.fileno()).st_size
    offset = 0
    try:
        while offset < size:
            sent = os.sendfile(raw.fileno(), staged.fileno(), offset, size - offset)
            if not sent:
                break
            offset += sent
    except OSError:
        pass  # not a file descriptor sendfile writes to: copied below from where it stopped
    if offset < size:
        staged.seek(offset)
        shutil.copyfileobj(staged, raw, 1 << 20)
        raw.flush()
