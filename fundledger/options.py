"""Click parameters shared by the commands."""

from __future__ import annotations

import functools
from pathlib import Path

import click

from fundledger import demo_books
from ledger import folder as books  # not ledger.books: see ledger.folder


class BooksPath(click.ParamType):
    """A main .beancount file or a folder holding main.beancount; resolves to the main file."""

    name = "BOOKS"

    def convert(self, value, param, ctx) -> Path:
        if isinstance(value, Path) and value.is_file():
            return value
        try:
            return books.resolve(value)
        except books.BooksError as e:  # a folder that is not books yet: say how to start
            self.fail(f"{e}; `fundledger init FOLDER` writes new books, `fundledger demo "
                      "FOLDER` a copy of the demo's", param, ctx)


# The years and days a command accepts: wide enough for any books, narrow enough that a
# year before it, a day after it and a financial year around it are still dates (Python's
# dates end at 9999-12-31), so a typo is a usage error, never a traceback.
FIRST_YEAR, LAST_YEAR = 1000, 9998
YEAR = click.IntRange(FIRST_YEAR, LAST_YEAR)


class Day(click.DateTime):
    """A YYYY-MM-DD date within FIRST_YEAR..LAST_YEAR."""

    def __init__(self):
        super().__init__(["%Y-%m-%d"])

    def convert(self, value, param, ctx):
        got = super().convert(value, param, ctx)
        if not FIRST_YEAR <= got.year <= LAST_YEAR:
            self.fail(f"{got:%Y-%m-%d} is not a date between {FIRST_YEAR}-01-01 and "
                      f"{LAST_YEAR}-12-31", param, ctx)
        return got


DATE = Day()


BOOKS_HELP = ("The books: a main .beancount file or a folder holding main.beancount. "
              "Default: the embedded demo books.")


def books_argument(f=None, *, default=demo_books.MAIN, help: str = ""):
    """BOOKS as a positional argument or as --books, like every other command: the
    commands that always took it positionally (check, serve) still do. Giving both, and
    different, is a usage error. The command receives `books`."""
    if f is None:
        return functools.partial(books_argument, default=default, help=help)

    @functools.wraps(f)
    def command(*args, books_arg=None, books_opt=None, **kwargs):
        if books_arg and books_opt and books_arg.resolve() != books_opt.resolve():
            raise click.UsageError(f"BOOKS given twice, differently: {shown(books_arg)} and "
                                   f"--books {shown(books_opt)}; give it once")
        return f(*args, books=books_arg or books_opt or default, **kwargs)

    command = click.option("--books", "books_opt", type=BooksPath(), default=None,
                           help=help or BOOKS_HELP + " Also accepted as the argument BOOKS.")(command)
    return click.argument("books_arg", metavar="[BOOKS]", type=BooksPath(),
                          required=False)(command)


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
