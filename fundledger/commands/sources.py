from __future__ import annotations

import difflib
from pathlib import Path

import click

from fundledger.loaded import loaded
from fundledger.options import BOOKS_HELP, BooksPath


@click.command("sources")
@click.argument("name", required=False)
@click.option("--books", "books", type=BooksPath(), default=None,
              help=BOOKS_HELP.replace("Default: the embedded demo books.",
                                      "Default: none, the built-in sources only."))
@click.option("--all", "everything", is_flag=True,
              help="Describe every source in full (with --format markdown: the reference "
                   "section of docs/importing.md).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text",
              show_default=True)
def command(name: str | None, books: Path | None, everything: bool, fmt: str) -> None:
    """The import sources fundledger knows: each one's columns, an example row, its rules.

    Without NAME, one line per source; with NAME, the whole description: what identifies
    the file, its columns (which are required), date formats and number style, the rows
    skipped, the rules (kind of row -> account, fund) and an example in the source's own
    layout. With --books, also the books' own sources (`custom "fundledger-profile"`),
    and the accounts, funds and rules the books set (`fundledger-source`,
    `fundledger-rule`).

    \b
        fundledger sources
        fundledger sources casefunder
        fundledger sources paypal --books ~/books --format markdown
    """
    from importers import describe
    from importers import describe_render as render
    from importers.errors import Problem
    from importers.settings import from_entries

    settings = None
    if books is not None:
        entries, _options = loaded(books)
        settings = from_entries(entries, books.parent)
    try:
        found = describe.sources(settings, books.parent if books is not None else None)
    except (OSError, ValueError, Problem) as e:  # a books profile or rule that is wrong
        raise click.ClickException(f"a source cannot be read: {e}") from None
    if name is not None:
        named = [s for s in found if s.name == name]
        if not named:
            near = [s.name for s in found if name.casefold() in s.name.casefold()]
            near = near or difflib.get_close_matches(name, [s.name for s in found], n=3)
            hint = f" (did you mean {', '.join(near)}?)" if near else ""
            listed = "" if books is None else f" --books {books}"
            raise click.UsageError(f"no source named {name!r}{hint}; `fundledger "
                                   f"sources{listed}` lists them")
        found = named
    markdown = fmt == "markdown"
    if name is None and not everything:
        click.echo((render.list_markdown if markdown else render.list_text)(found), nl=False)
    elif name is None and markdown:
        click.echo(render.all_markdown(found), nl=False)
    else:
        click.echo("\n".join((render.markdown if markdown else render.text)(s) for s in found),
                   nl=False)
