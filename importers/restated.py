"""A statement balance restated: an earlier download ended part-way through a day (taken
at noon, or a bank's export of today so far), so the closing balance it asserted for that
day was the balance at the time, not at the day's end. A later download holding the rest
of that day gives the same assertion (same import-id) with the day's true closing figure.

Skipping it as a duplicate would leave the books refusing every later import ("Balance
failed") over an entry the treasurer never wrote. The later figure replaces the earlier
one, in its place in imports/, only when the later download really adds entries on that
day: with nothing new that day, a different figure proves no day cut short, and the
books keep theirs (as the import always skipped it). The entry's import-file and
import-row then name the later download.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import NamedTuple

from beancount.core.data import Balance

from importers.txn import Txn, render
from ledger.quick_columns import Appended


class Restated(NamedTuple):
    rel: str  # the books file holding the earlier assertion (under imports/)
    line: int  # its first line there (1-based)
    old: list[str]  # its first line's date, directive and account, as they must still read
    new: Txn  # the later download's assertion


def earlier(entries) -> dict[str, Balance]:
    """The books' imported balance assertions, by import-id."""
    return {e.meta["import-id"]: e for e in entries
            if isinstance(e, Balance) and "import-id" in e.meta}


def restated(folder: Path, asserted: dict[str, Balance], seen_again: list[Txn],
             new_days: set[int]) -> list[Restated]:
    """Of a download's balance assertions the books already hold (`seen_again`), those
    whose day (the day before the assertion's date) gets new entries from this download
    (`new_days`, ordinals) and whose figure differs."""
    out = []
    for t in seen_again:
        before = asserted.get(t.import_id)
        day = (t.date - datetime.timedelta(days=1)).toordinal()
        if before is None or day not in new_days:
            continue
        _account, number, currency = t.balance
        if before.amount.number == number and before.amount.currency == currency:
            continue
        try:
            rel = Path(before.meta["filename"]).resolve().relative_to(folder.resolve())
        except (KeyError, ValueError):
            continue  # not in the books folder: left for the books check to report
        if rel.parts[:1] != ("imports",):
            continue  # written by hand: never rewritten
        out.append(Restated(rel.as_posix(), int(before.meta["lineno"]),
                            [str(before.date), "balance", before.account], t))
    return out


def rewrite(folder: Path, whole: dict, restatements: list[Restated]) -> None:
    """Each earlier assertion replaced by the later one, in the books files' new contents
    (`whole`: text or Appended, as ledger.books.appended gives them)."""
    by_file: dict[str, list[Restated]] = {}
    for r in restatements:
        by_file.setdefault(r.rel, []).append(r)
    for rel, found in by_file.items():
        now = whole.get(rel)
        old = now.old if isinstance(now, Appended) else now
        if old is None:
            old = (folder / rel).read_text(encoding="utf-8")
        lines = old.splitlines(keepends=True)
        for r in sorted(found, key=lambda r: -r.line):
            at = r.line - 1
            if at >= len(lines) or lines[at].split()[:3] != r.old:
                continue  # not where the load found it: left for the books check
            end = at + 1
            while end < len(lines) and lines[end].startswith("  "):
                end += 1  # its metadata
            lines[at:end] = [render(r.new)]
        text = "".join(lines)
        whole[rel] = Appended(text, now.pieces) if isinstance(now, Appended) else text
