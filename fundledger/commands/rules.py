"""`fundledger rules suggest FILE`: rules for the rows of an export that no rule claims."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from fundledger.options import books_option


@click.group("rules")
def command() -> None:
    """The treasurer's rules: what each kind of row of an export is (docs/importing.md)."""


@command.command("suggest")
@click.argument("export", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@books_option
def suggest_command(export: Path, books) -> None:
    """Propose rules for EXPORT's rows that no rule of BOOKS claims, as text to paste into
    the books: each kind of unclaimed row, with the account, fund and payee of a rule the
    books already have for another source that matches it (say, your PayPal rule for Zoom,
    met again on the bank statement), else an account to fill in. Writes nothing."""
    from importers import run, suggest
    from importers.errors import Problem
    from importers.pseudonym import Pseudonymiser
    from importers.settings import from_entries
    from ledger import books as ledger_books

    entries, _errors, _ = ledger_books.load(books)
    settings = from_entries(entries, Path(books).parent)
    try:
        opened, imp = run.recognise(str(export), run.importers_for(settings, Pseudonymiser()))
        found = suggest.suggest(str(export), imp, settings, opened)
    except Problem as e:
        click.echo(str(e), err=True)
        sys.exit(1)
    if not found:
        click.echo(f"every row of {export} is claimed by a rule: nothing to suggest", err=True)
        return
    click.echo(suggest.text(imp.profile.name, found))
