"""Click parameters shared by the commands."""

from __future__ import annotations

from pathlib import Path

import click

from fundledger import demo_books
from ledger import books


class BooksPath(click.ParamType):
    """A main .beancount file or a folder holding main.beancount; resolves to the main file."""

    name = "BOOKS"

    def convert(self, value, param, ctx) -> Path:
        if isinstance(value, Path) and value.is_file():
            return value
        try:
            return books.resolve(value)
        except books.BooksError as e:
            self.fail(str(e), param, ctx)


BOOKS_HELP = ("The books: a main .beancount file or a folder holding main.beancount. "
              "Default: the embedded demo books.")


def books_argument(f):
    return click.argument("books", type=BooksPath(), required=False,
                          default=demo_books.MAIN)(f)


def books_option(f):
    return click.option("--books", "books", type=BooksPath(), default=demo_books.MAIN,
                        show_default="the embedded demo books", help=BOOKS_HELP)(f)


def shown(path: str | Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)
