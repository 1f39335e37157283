"""Load books for a command, or stop with the books' own error lines."""

from __future__ import annotations

from pathlib import Path

import click

from fundledger.options import shown
from ledger import books as ledger_books


def loaded(books: Path):
    """(entries, options) of books that load clean; otherwise a ClickException listing
    every `file:line: problem`, since figures from broken books would mislead."""
    entries, errors, options = ledger_books.load(books)
    if errors:
        lines = [ledger_books.format_error(e) for e in errors]
        raise click.ClickException(
            f"the books do not load clean ({len(errors)} problem(s)); fix these first "
            f"(`fundledger check {shown(books)}`):\n" + "\n".join(lines))
    return entries, options


def echo_format(fmt: str, **renderers) -> None:
    """Print the report in the chosen format: renderers are table=, json=, csv= callables."""
    click.echo(renderers[fmt](), nl=False)
