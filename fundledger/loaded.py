"""Load books for a command, or stop with the books' own error lines."""

from __future__ import annotations

from pathlib import Path

import click

from fundledger.options import shown
from ledger import books as ledger_books
from ledger import lock as period_lock


def _clean(entries, errors, options, report, *args):
    if errors:
        return [ledger_books.format_error(e) for e in errors], None
    return None, report(entries, options, *args)


def computed(books: Path, report, *args):
    """report(entries, options, *args) on books that load clean, else the same
    ClickException as loaded(). The result is remembered until the books or the code
    change (ledger.cache), so asking again is quick even for 100k transactions."""
    problems, value = ledger_books.derived(books, _clean, report, *args)
    if problems:
        _refuse(books, problems)
    return value


def _refuse(books: Path, lines: list[str]):
    raise click.ClickException(
        f"the books do not load clean ({len(lines)} problem(s)); fix these first "
        f"(`fundledger check {shown(books)}`):\n" + "\n".join(lines))


def loaded(books: Path):
    """(entries, options) of books that load clean; otherwise a ClickException listing
    every `file:line: problem`, since figures from broken books would mislead."""
    entries, errors, options = ledger_books.load(books)
    if errors:
        _refuse(books, [ledger_books.format_error(e) for e in errors])
    return entries, options


def proven(books: Path):
    """loaded(books), with every lock in force proven from the entries alone: a load may
    take unchanged files' parts of a lock's digest from the memo (ledger.lock_memo), but
    what writes a lock or an unlock, closes a fund or packs a year proves it afresh."""
    entries, options = loaded(books)
    errors = period_lock.check(entries, options)
    if errors:
        _refuse(books, [ledger_books.format_error(e) for e in errors])
    return entries, options


def echo_format(fmt: str, **renderers) -> None:
    """Print the report in the chosen format: renderers are table=, json=, csv= callables."""
    click.echo(renderers[fmt](), nl=False)
