"""`fundledger verify`: prove the books against a lock digest held outside them."""

from __future__ import annotations

import re
import sys

import click

from fundledger.options import DATE, books_option, shown
from ledger import books as ledger_books
from ledger import lock as period_lock

# What `fundledger lock` prints, in any version, or the hex alone.
DIGEST = re.compile(r"(sha256(v2|v3)?:)?[0-9a-f]{64}")


@click.command("verify")
@books_option
@click.option("--digest", "value", required=True, metavar="HEX",
              help="The digest `fundledger lock` printed (sha256v3:..., an older "
              "sha256v2:... or sha256:..., or the hex alone), "
              "as the trustees or the examiner kept it.")
@click.option("--through", type=DATE, default=None, metavar="DATE",
              help="The day that lock ran to (default: tried on each lock's day and each "
              "month end).")
def command(books, value, through) -> None:
    """Check that the books still hold exactly what was locked: every entry through the
    lock's day, the options and the later declarations that reach back, as they were.

    Needs no lock entry in the books: deleting the lock (or emptying locks.beancount)
    does not make changed books pass. Exits 1 if no day of the books has that digest.
    """
    if not DIGEST.fullmatch(value.strip()):  # a typo, or the "..." of the docs' example
        raise click.BadParameter(
            f"{value.strip()!r} is not a lock digest: copy the whole one `fundledger lock` "
            "printed, sha256v3: and 64 hex digits", param_hint="'--digest'")
    # Loaded even with load errors: books whose lock is broken are what this is for.
    entries, _errors, options = ledger_books.load(books)
    day = period_lock.verify(entries, options, value.strip(),
                             through.date() if through else None)
    if day is None:
        click.echo(f"{shown(books)}: NOT verified: no period of these books has the digest "
                   f"{value.strip()}; an entry, option or declaration it covered has "
                   "changed since it was locked", err=True)
        sys.exit(1)
    click.echo(f"{shown(books)}: verified: every entry through {day} is as locked.")
