from __future__ import annotations

import datetime
import sys

import click

from fundledger import demo_books
from fundledger.loaded import proven
from fundledger.options import DATE, books_option, shown
from ledger import books as ledger_books
from reports import closing

CLOSING_FILE = "closing.beancount"


def _refuse(fund: str, blockers: list[str]) -> None:
    click.echo(f"Cannot close {fund}; nothing was written:", err=True)
    for b in blockers:
        click.echo(f"  - {b}", err=True)
    sys.exit(1)


@click.command("close")
@click.argument("fund")
@books_option
@click.option("--date", "date", type=DATE, default=None, metavar="DATE",
              help="The closing day (YYYY-MM-DD). Default: today.")
@click.option("--leftover", type=click.Choice(sorted(closing.LEFTOVER)), default=None,
              help="What to do with money left in the fund: return it to the platform (its "
                   "donors), release it to unrestricted funds, or donate it to the charity "
                   "the fund's terms name. Default: the fund's terms.")
@click.option("--override-terms", is_flag=True,
              help="Knowingly do with the leftover something other than the fund's terms "
                   "say (needs --decision).")
@click.option("--decision", default=None, metavar="TEXT",
              help="The trustees' decision, written on the entries as given (e.g. 'Minute "
                   "2024/09: ...'). Required when money is left; for a grant it must also "
                   "say the funder agreed.")
@click.option("--dry-run", is_flag=True, help="Print the entries that would be written; "
                                              "write nothing.")
def command(fund, books, date, leftover, override_terms, decision, dry_run) -> None:
    """Close FUND: deal with any leftover under the fund's terms, then close it at zero.

    A fund closes when its balance is exactly zero and nothing is pending. If money is
    left (and no invoice is unpaid), the leftover is first returned to the platform or
    released to unrestricted funds or donated to the charity the terms name, as the
    fund's `terms` say, on the trustees' --decision (never worded for them); --leftover
    may choose otherwise only with --override-terms. Otherwise the close is refused, the
    reasons listed, and the books are left untouched. Entries go to closing.beancount,
    and the books must load clean afterwards or nothing is written. --dry-run dates the
    entries as the close would (--date, else today) and says so.
    """
    entries, options = proven(books)
    day = date.date() if date else datetime.date.today()
    try:
        got = closing.plan(entries, options, fund, day, leftover, override_terms, decision)
    except closing.UnknownFund as e:
        raise click.ClickException(f"no fund '{fund}' in {shown(books)} "
                                   f"(funds: {', '.join(e.declared)})") from None
    except closing.CannotClose as e:
        _refuse(fund, e.reasons)
    if leftover and got.leftover is None:
        click.echo(f"{fund} has no leftover; --leftover is not needed.", err=True)
    text = got.text
    main = ledger_books.resolve(books)
    if dry_run:
        click.echo(text, nl=False)
        when = "--date" if date else "today, as close would without --date"
        click.echo(f"dry run: these entries are dated {day} ({when}); nothing was written.",
                   err=True)
        problems = ledger_books.check_changed(
            main, ledger_books.appended(main, {CLOSING_FILE: "\n" + text}))
        if problems:
            _refuse(fund, ["the books would not load clean with these entries:", *problems])
        return
    if main == demo_books.MAIN.resolve():
        raise click.ClickException(
            "these are the embedded demo books, which are never changed: write a copy with "
            "`fundledger demo DIR` and close the fund there (or add --dry-run)")
    try:
        # append() works out the new file contents under the books' lock, so an import
        # running meanwhile is not overwritten; if it moved this fund's balance, the
        # plugin's zero-balance check refuses the close instead.
        ledger_books.append(main, {CLOSING_FILE: "\n" + text})
    except ledger_books.BooksError as e:
        _refuse(fund, ["the books would not load clean:", *e.lines])
    click.echo(f"Closed {fund} on {day}; entries appended to {shown(main.parent / CLOSING_FILE)}.")

