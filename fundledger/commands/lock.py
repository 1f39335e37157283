"""`fundledger lock`: lock a finished period, so any later change to it fails the load."""

from __future__ import annotations

import datetime

import click

from fundledger import demo_books
from fundledger.loaded import loaded, proven
from fundledger.options import DATE, books_option, shown
from ledger import books as ledger_books
from ledger import lock as period_lock
from ledger import lock_record


def write(books, plan) -> None:
    """Append to LOCKS_FILE the text plan(entries) returns, with any whole files it
    returns beside it, computed under the books' lock (so nothing committed meanwhile is
    missed), all or nothing."""
    main = ledger_books.resolve(books)
    if main == demo_books.MAIN.resolve():
        raise click.ClickException(
            "these are the embedded demo books, which are never changed: write a copy with "
            "`fundledger demo DIR` and lock that")

    def changes(m):
        # Each file's bytes before the load the lock is proven from: a file saved during
        # the load is left out of the lock's file record (ledger.lock_record).
        before = lock_record.shas(m.parent, ledger_books.included(m))
        entries, options = proven(m)
        text, files = plan(entries, options)
        out = {**(ledger_books.appended(m, {period_lock.LOCKS_FILE: text}) if text else {}),
               **files}
        return {**out, **period_lock.record_files(entries, options, text, before, out)}

    try:
        ledger_books.apply(main, changes)
    except period_lock.Refused as e:
        raise click.ClickException(str(e)) from None
    except ledger_books.BooksError as e:
        raise click.ClickException("the books would not load clean; nothing was written:\n"
                                   + "\n".join(e.lines)) from None


@click.command("lock")
@books_option
@click.option("--through", type=DATE, default=None, metavar="DATE",
              help="The last day of the locked period (YYYY-MM-DD), e.g. a year end.")
@click.option("--upgrade", is_flag=True,
              help="Move each lock with an older digest (sha256:... or sha256v2:...) to "
              "the version 3 digest (sha256v3:..., which a load proves file by file), "
              "once its old digest is proven to hold. "
              "The old lock entry stays in the books and its digest still verifies.")
@click.option("--record", is_flag=True,
              help="Prove every lock in force from the entries, then write the file "
              "record of the newest sha256v3: lock beside its detail file in locks/ "
              "(each file's part of its digest, by the file's bytes), which a load "
              "without a cache uses in place of rebuilding every locked entry's text. "
              "`lock` and `lock --upgrade` write it themselves; use this for a lock "
              "made before they did.")
@click.option("--digest-version", type=click.Choice(["1", "2", "3"]), default="3",
              hidden=True, help="An older lock digest (for benchmarks only).")
def command(books, through, upgrade, record, digest_version) -> None:
    """Lock the books through DATE: from then on, adding, changing or removing any entry
    dated on or before DATE makes every load fail (check, bean-check, Fava), naming the
    lock and the entry.

    The lock (in locks.beancount) holds a digest of the entries' content, so reformatting
    or moving an entry between files keeps it; it also covers the books' options and
    any later year end, support-cost shares or budget that would reach back into the
    period. Lock a later date to extend it; lift it only with `fundledger unlock`, which
    leaves a visible entry with the reason.

    Prints the lock's digest: kept outside the books, `fundledger verify --digest`
    proves the books against it even if the lock entry is later deleted.

    With --upgrade (no --through): each lock in force with an older digest gets a
    lock of the same day with the version 3 digest, which loads check instead, after its
    old digest is proven to hold on the books as they are (else nothing is written).

    Each lock (and --upgrade) also writes, beside the lock's detail file in locks/, the
    file record of what it proved: each file's part of the digest, by the sha256 of the
    file's bytes. A load with no cache takes an unchanged file's part from it instead of
    rebuilding its locked entries' text; `verify` never reads it. --record (alone)
    proves every lock in force and writes the record for a lock made before this.
    """
    if upgrade + record + (through is not None) != 1:
        raise click.UsageError("give --through DATE to lock, or --upgrade or --record "
                               "alone")
    if record:
        write(books, lambda entries, options: ("", {}))
        lock = period_lock.head(loaded(ledger_books.resolve(books))[0])
        click.echo(f"Recorded each file's part of the lock through {lock.through} "
                   f"({lock.digest}) beside its detail file in {period_lock.DETAIL_FOLDER}/")
        return
    if upgrade:
        write(books, lambda entries, options: period_lock.upgrade_files(
            entries, datetime.date.today(), options))
        for lock in period_lock.in_force(period_lock.locks(
                loaded(ledger_books.resolve(books))[0])[0]):
            if lock.entry.meta.get(period_lock.REPLACES):
                    click.echo(f"Lock through {lock.through} now checked by its digest "
                           f"{lock.digest} (replacing "
                           f"{lock.entry.meta.get(period_lock.REPLACES)}; both verify the "
                           "books)")
        return
    day = through.date()
    write(books, lambda entries, options: period_lock.lock_files(
        entries, day, datetime.date.today(), options, int(digest_version)))
    lock = period_lock.head(loaded(ledger_books.resolve(books))[0])
    click.echo(f"Locked {shown(books)} through {day}; the lock is in "
               f"{period_lock.LOCKS_FILE}.")
    # Kept outside the books (the trustees' minutes, the examiner's file), the digest
    # proves them later even if the lock itself is deleted: `fundledger verify`.
    click.echo(f"Lock digest (keep it outside the books): {lock.through} {lock.digest}")
