from __future__ import annotations

import sys

import click

from fundledger.loaded import computed
from fundledger.options import books_argument, shown
from ledger import books as ledger_books
from ledger import funds, unclassified
from reports import reconcile, words
from reports.funds import reconcile as fund_summaries


@click.command("check")
@books_argument
def command(books) -> None:
    """Check the books: beancount's own errors and the fund rules.

    Prints one `file:line: message` line per problem and exits 1 if there are any; on
    clean books prints a one-line summary per fund and exits 0, with a warning for each
    money account below zero (see `fundledger reconcile`).
    """
    entries, errors, _options = ledger_books.load(books)
    if errors:
        for err in errors:
            line = ledger_books.format_error(err)
            filename, sep, rest = line.partition(":")
            click.echo(f"{shown(filename)}{sep}{rest}")
        click.echo(f"{len(errors)} error(s) in {shown(books)}", err=True)
        sys.exit(1)
    declared, _budgets, _errs = funds.declarations(entries)
    # Each fund's balance as `funds`, Fava and the statements give it (one definition:
    # reports.funds.reconcile): money in another currency at the closing rate. Remembered
    # with the books, as `funds` remembers it, so either command makes the other quick.
    summaries = {s.fund: s for s in computed(books, fund_summaries, None)}
    n_txn = sum(1 for e in entries if type(e).__name__ == "Transaction")
    click.echo(f"{shown(books)}: OK, {n_txn} transaction{'' if n_txn == 1 else 's'}, "
               f"{len(declared)} fund{'' if len(declared) == 1 else 's'}")
    suspense = unclassified.find(entries)
    if suspense:  # a warning, not an error: the books are sound, just not finished
        click.echo(f"warning: {suspense.text()}", err=True)
    for problem in reconcile.overdrawn(entries):  # beancount allows it; money does not
        click.echo(f"warning: {problem}", err=True)
    width = max((len(words.fund_class(f.fund_class)) for f in declared.values()), default=0)
    for fund in declared.values():
        state = f"closed {fund.closed}" if fund.closed else "open"
        click.echo(f"  {fund.id:<24} {words.fund_class(fund.fund_class):<{width}} {state:<18} "
                   f"{_balance(summaries.get(fund.id)):>16}")


def _balance(summary) -> str:
    """`5,782.50 GBP`; with any money in a currency the books hold no rate for, that too;
    nil: `0`."""
    if summary is None:
        return "0"
    held = {summary.unit: summary.balance, **summary.foreign}
    return funds.format_balance({c: n for c, n in held.items() if n})
