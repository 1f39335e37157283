"""`fundledger import`: identify each file, extract, drop what the books already hold,
and append the rest to imports/<source>/<year>.beancount, all or nothing.
"""

from __future__ import annotations

import functools
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO

import numpy as np
from beancount.core.data import Transaction

from importers import bounded
from importers.base import ProfileImporter, existing_ids, importers_for
from importers.batch import Batch, held, in_order, in_use, opening, same_or_fail
from importers.errors import Problem
from importers.opened import ACCOUNTS, ACCOUNTS_HEADER, open_accounts
from importers.profile import claim, closest, columns_of, seen_by, ways
from importers.pseudonym import Pseudonymiser
from importers.restated import Restated, earlier, restated, rewrite
from importers.rows import at_rows
from importers.settings import from_entries
from importers.txn import Block, Ordered, Txn, columnar
from ledger import books as ledger_books
from ledger import funds
from ledger import second_core as second_core_
from ledger.quick_columns import Appended, Changes, Columnar

HEADER = ("; Imported by `fundledger import` from {source} exports: do not edit by hand.\n"
          "; Each entry names its source file (sha256) and row; re-importing adds nothing.\n")
@dataclass
class Result:
    new: list[Txn] = field(default_factory=list)
    blocks: list[tuple[Block, np.ndarray]] = field(default_factory=list)  # and the new ones
    duplicates: int = 0
    files: dict[str, str] = field(default_factory=dict)  # file -> source
    # books path -> (what comes first, the new entries): appended, joined by blank lines
    parts: dict[str, tuple[str, Ordered]] = field(default_factory=dict)
    # imports/accounts.beancount as it must be: the accounts the entries use opened
    # (None: unchanged), and the accounts newly opened or opened earlier
    accounts_text: str | None = None
    opened: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "FILE:ROW: text" of dropped footers
    # balances an earlier download asserted for a day it ended part-way through
    restated: list[Restated] = field(default_factory=list)
    # the new entries as the books check takes them (made once the entries are final)
    columns: Columnar | None = None
    # a dry run's text (importers.written.dry_run), made while the books were checked
    staged: IO[bytes] | None = None

    def pieces(self, rel: str) -> Iterator[str]:
        """The text appended to books path `rel`, piece by piece."""
        first, entries = self.parts[rel]
        yield first
        yield from entries.chunks()

    @property
    def text(self) -> dict[str, str]:
        """books path -> the text appended to it."""
        return {rel: "".join(self.pieces(rel)) for rel in self.parts}

    def changes(self, main: Path) -> Changes:
        """Whole-file contents of the books after this import (ledger.books.appended). The
        files the entries go to are Appended: their text is made only as it is written,
        never held whole (the books check reads the new entries from their columns)."""
        additions: dict = {rel: functools.partial(self.pieces, rel) for rel in self.parts}
        exists = (main.parent / ACCOUNTS).exists()
        if self.accounts_text is not None and not exists:
            additions = {ACCOUNTS: self.accounts_text, **additions}
        whole = ledger_books.appended(main, additions)
        if self.accounts_text is not None and exists:
            whole[ACCOUNTS] = self.accounts_text
        rewrite(main.parent, whole, self.restated)
        return Changes(whole, self.columns or columnar(self.blocks, self.new), set(self.parts))

    @property
    def added(self) -> int:
        return len(self.new) + sum(len(kept) for _, kept in self.blocks)

    def totals(self) -> dict[str, dict[str, Decimal]]:
        """Income booked per fund and currency (gross), a priced posting at its price."""
        out: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for block, kept in self.blocks:
            counts = np.bincount(block.money[kept], minlength=len(block.incomes))
            summed = getattr(block.incomes, "sums", None)  # kept as columns
            if summed is not None:
                for fund, cur, x in summed(counts):
                    out[fund][cur] -= x
                continue
            for income, n in zip(block.incomes, counts.tolist(), strict=True):
                for fund, cur, x in income if n else ():  # a group with no entry adds none
                    out[fund][cur] -= x * n
        for t in self.new:
            for fund, cur, n in t.income:
                out[fund][cur] -= n
            for p in t.postings:
                if p.account.startswith("Income:"):
                    fund = dict(p.meta).get("fund") or t.fund or "?"
                    if p.price:  # booked at its @@ value (a grant tranche, a restated gift)
                        out[fund][p.price[1]] -= p.price[0].copy_sign(p.number)
                    else:
                        out[fund][p.currency] -= p.number
        kept = {f: {c: n for c, n in cs.items() if n} for f, cs in out.items()}
        return {f: cs for f, cs in kept.items() if cs}

    @property
    def asserted(self) -> int:
        """New balance assertions (counted apart: they are checks, not money)."""
        return sum(1 for t in self.new if t.balance)

    def summary(self) -> str:
        by_fund = "; ".join(f"{f} " + ", ".join(f"{v:,} {c}" for c, v in sorted(cs.items()))
                            for f, cs in sorted(self.totals().items()))
        checks = self.asserted
        return ("".join(f"footer skipped, as its source declares: {s}\n" for s in self.skipped)
                + f"{self.added - checks} new, {self.duplicates} duplicate(s) skipped"
                + (f", {checks} statement balance(s) asserted" if checks else "")
                + (f", {len(self.restated)} restated (an earlier download ended part-way "
                   "through the day)" if self.restated else "")
                + (f"; income by fund: {by_fund}" if by_fund else ""))


def identify(path: str, importers: Sequence[ProfileImporter]) -> ProfileImporter:
    return recognise(path, importers)[1]


def recognise(path: str, importers: Sequence[ProfileImporter]
              ) -> tuple[bounded.Opened, ProfileImporter]:
    """The file as checked and read to tell (its head, and the row of it holding the
    header of the source that claims it), which reading its table then starts from, and
    the one source it is an export of: the file is opened once."""
    if not Path(path).exists():
        raise Problem(path, 0, "no such file")
    profiles = [imp.profile for imp in importers]
    opened = bounded.open_export(path, ways(profiles))
    got = claim(path, profiles, opened.head)
    if got is not None:
        source, at = got
        head = seen_by(source, opened.head)  # as the source reads it, header and all
        columns = columns_of(head.rows[at], source.spellings)
        return (opened._replace(head=head, at=at, columns=columns),
                next(imp for imp in importers if imp.profile is source))
    if opened.workbook and opened.head.problem is not None:
        raise opened.head.problem  # the workbook's own problem, read when it was opened
    with open(path, "rb") as f:  # what a treasurer may have downloaded instead
        start = f.read(5)
    if not start:
        raise Problem(path, 0, "the file is empty, not an export any source recognises: "
                      "download the export again")
    if start == b"%PDF-":
        raise Problem(path, 0, "a PDF, not an export any source recognises: download the "
                      "statement or report as CSV (or OFX, XLSX) instead")
    near = closest(opened.head.rows, [imp.profile for imp in importers])
    tried = "\n".join(f"  {imp.profile.expects()}" for imp in importers)
    raise Problem(path, 0, "not an export any source recognises (headers are matched "
                  f"ignoring case, order and extra columns){'; ' + near if near else ''}; "
                  f"tried:\n{tried}\n\n{UNKNOWN_HINT}")


# The last line of a refusal of a file no source recognises: what the treasurer can do.
UNKNOWN_HINT = ("A source fundledger does not know is described in a TOML profile named in "
                "the books: see docs/importing.md, \"Your own source: a profile\".")


def target(year: int, source: str) -> str:
    return f"imports/{source}/{year}.beancount"


def run(main: Path, files: Sequence[str], fund: str = "", dry_run: bool = False,
        pseudo: Pseudonymiser | None = None,
        progress: Callable[[str], None] | None = None, suspense: bool = False,
        only: frozenset[str] | None = None, second_core: bool = False) -> Result:
    """Import files into the books. Raises Problem (bad file) or BooksError (books).
    With `only`, just the entries of those import-ids (what Fava's import page saves).
    With `second_core` (a process doing nothing else: the CLI), a large import's books
    check runs in a forked child while its text is made (ledger.second_core): a dry
    run's into a temporary file, `staged` once the check passed.

    The books are read, deduplicated against and appended to under the books' lock
    (ledger.books.apply with a function): two imports at once are serialised, and the
    second sees what the first added, so neither an append nor a deduplication is lost.
    Whoever runs an import may have its files parsed while the books load
    (importers.arrowcsv.reading_ahead): the command and Fava's import page do."""
    main = ledger_books.resolve(main)
    pseudo = pseudo or Pseudonymiser()
    result = Result()

    whole: dict = {}  # what changes() last gave

    def changes(m: Path) -> Changes | dict:
        planned = plan(m, files, fund, pseudo, progress, suspense, only)
        result.__dict__.update(planned.__dict__)
        whole.clear()
        if not planned.added:
            return {}
        got = planned.changes(m)
        result.columns = None  # the check's now (Changes.columns): not kept past it
        whole.update(got)
        return got

    try:
        if dry_run:  # the same check as a real import, in a staging copy; nothing written
            planned = changes(main)
            errors = _dry_run(main, planned, result, second_core) if planned else []
            if errors:
                raise ledger_books.BooksError(errors)
        else:
            ledger_books.apply(main, changes, second_core=second_core)
    except ledger_books.BooksError as e:
        # books path -> (first new line, new text): worked out only for the errors
        appended = {rel: (w.old.count("\n") + 1, w.new_text())
                    for rel, w in whole.items() if isinstance(w, Appended)}
        raise ledger_books.BooksError(at_rows(e.lines, main.parent, appended,
                                               result.files)) from None
    if progress:
        progress("checked and written" if result.added and not dry_run else "done")
    return result


def _dry_run(main: Path, planned: Changes, result: Result, second_core: bool) -> list[str]:
    """The books check of a dry run; on a second core, with the text staged meanwhile
    in a temporary file (unlinked from the start: nothing is left however it ends)."""
    check = functools.partial(ledger_books.check_changed, main, planned)
    if not (second_core and second_core_.worth_it(planned)):
        return check()
    from importers import written  # pyarrow: not for Fava's server, which never prints

    staged = tempfile.TemporaryFile()  # noqa: SIM115 - handed on, closed once copied out
    errors = second_core_.check_while(check, lambda: written.dry_run(result, staged),
                                      drop=staged.close, aside=True)
    if not errors:
        staged.flush()
        result.staged = staged
    return errors


def would_open(main: Path, files: Sequence[str], pseudo: Pseudonymiser | None = None,
               suspense: bool = True) -> list[str]:
    """The accounts importing files would open now (nothing is written). Fava's import
    page asks on Extract: its form accepts only accounts it knows, so the accounts of the
    entries it shows must be known before the treasurer can save them."""
    main = ledger_books.resolve(main)
    return plan(main, files, "", pseudo or Pseudonymiser(), None, suspense).opened


def plan(main: Path, files: Sequence[str], fund: str, pseudo: Pseudonymiser,
         progress: Callable[[str], None] | None = None, suspense: bool = False,
         only: frozenset[str] | None = None) -> Result:
    """What importing files would append to the books as they are now (with `only`, just
    the entries of those import-ids: the ones the treasurer kept on Fava's import page)."""
    # Books with errors are not refused here: the import may be what completes them (the
    # demo's closed fund needs its imported spending). apply() refuses any result that
    # does not load clean, so nothing broken is ever written.
    entries, _errors, _ = ledger_books.load(main)
    pseudo.for_books(main.parent, lambda: any("donor" in e.meta for e in entries
                                              if isinstance(e, Transaction)))
    settings = from_entries(entries, main.parent, fund)
    settings.suspense = suspense
    if fund and fund not in (declared := _declared(entries)):
        known = ", ".join(sorted(declared)) or "none"
        hint = funds.did_you_mean(fund, declared)
        raise ledger_books.BooksError(
            [f"--fund {fund}: no such fund is declared in the books{hint} (funds: {known})"])
    importers = importers_for(settings, pseudo)
    seen = existing_ids(entries)  # the books'
    asserted = None  # the books' imported balances by id, found once one is seen again
    history, booked_openings = in_use(entries)
    openings: dict[tuple[str, str], tuple[str, Txn]] = {}
    batch = Batch()
    settings.in_run = batch.entry  # a later file's conversion may restate an entry
    result = Result()
    grouped: dict[str, list[Txn]] = defaultdict(list)
    blocks: dict[str, list[tuple[Block, np.ndarray]]] = defaultdict(list)
    found = []
    for path in files:
        opened, imp = recognise(str(path), importers)
        found.append((str(path), imp, opened))
        if progress:
            progress(f"identified {path}")
    # Budgets first: an invoice names its budget line only for a fund that has a budget.
    found.sort(key=lambda f: not any(r.kind == "budget" for r in f[1].profile.rules))
    new = result.new
    for path, imp, opened in found:
        source = result.files[path] = imp.profile.name
        built = imp.built(opened, settings)
        result.skipped += [f"{path}:{row}: {text[:120]}" for row, text in built.skipped]
        # A statement's opening balance is booked only where the books hold nothing for the
        # account on or before the statement's first day (an entry typed by hand later,
        # e.g. a grant tranche, does not make it a receipt), and only the earliest
        # statement's of this run (files come in any order): after that, balance
        # assertions prove each statement follows on.
        for t in built.openings:
            if only is not None and t.import_id not in only:
                continue
            key = held(t)
            first = history.get(key)
            if (first is None or t.date < first) and (
                    key not in openings or t.date < openings[key][1].date):
                openings[key] = (source, t)
        block, txns = built.block, built.txns + built.after
        if block is not None and not batch.alone(block, txns):
            block, txns = None, built.all()  # one id twice: the row-by-row way below
        seen_again, new_days = [], set()
        for t in txns:
            iid = t.import_id
            if t.balance is not None and iid in seen:
                seen_again.append(t)  # restated below if the day gets new entries
                continue
            if only is not None and iid not in only:
                continue
            if t.custom and t.custom[0] == funds.BUDGET:
                settings.budgeted.add(str(t.custom[1][0]))
            first = batch.first(iid)
            if first is not None:
                same_or_fail(t, path, first)
            if first is not None or iid in seen:
                result.duplicates += not t.balance
                continue
            batch.add(path, t)
            new.append(t)
            if t.balance is None:
                new_days.add(t.date.toordinal())
            grouped[target(t.date.year, source)].append(t)
        if block is not None:
            # books holding no import-id yet (new books) skip nothing: 16 ms of
            # lookups on a 300,000-row download, on the way to the books check
            kept = (np.flatnonzero([i not in seen for i in block.ids]) if seen
                    else np.arange(len(block), dtype=np.int64))
            result.duplicates += len(block) - len(kept)
            if only is not None:
                kept = np.array([k for k in kept.tolist() if block.ids[k] in only],
                                dtype=np.int64)
            batch.add_block(path, block, kept)
            result.blocks.append((block, kept))
            if seen_again:  # only a download overlapping the books' days looks
                new_days.update(np.unique(block.days[kept]).tolist())
            years = block.years[kept]
            for year in np.unique(years).tolist():
                blocks[target(year, source)].append((block, kept[years == year]))
        if seen_again and new_days:
            asserted = earlier(entries) if asserted is None else asserted
            result.restated += restated(main.parent, asserted, seen_again, new_days)
        if progress:
            progress(f"read {path}")
    for source, t in openings.values():
        for entry in opening(t, booked_openings.get(held(t)), seen):
            new.append(entry)
            grouped[target(entry.date.year, source)].append(entry)
    for rel in sorted(set(grouped) | set(blocks)):
        texts = in_order(grouped.get(rel, []), blocks.get(rel, []))
        exists = (main.parent / rel).exists()
        result.parts[rel] = ("\n" if exists else HEADER.format(source=rel.split("/")[1]) + "\n",
                             texts)
    result.columns = columnar(result.blocks, new)
    open_accounts(main, entries, result)
    return result


def _declared(entries) -> set[str]:
    return {e.values[0].value for e in entries
            if type(e).__name__ == "Custom" and e.type == "fund" and e.values}


__all__ = ["ACCOUNTS", "ACCOUNTS_HEADER", "Problem", "Result", "identify", "recognise", "run"]
