"""`fundledger import`: identify each file, extract, drop what the books already hold,
and append the rest to imports/<source>/<year>.beancount, all or nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from importers import profile as profile_lib
from importers import read
from importers.base import ProfileImporter, existing_ids
from importers.errors import Problem
from importers.pseudonym import Pseudonymiser
from importers.settings import from_entries
from importers.txn import Txn, render
from ledger import books as ledger_books
from ledger import funds

HEADER = ("; Imported by `fundledger import` from {source} exports: do not edit by hand.\n"
          "; Each entry names its source file (sha256) and row; re-importing adds nothing.\n")


@dataclass
class Result:
    new: list[Txn] = field(default_factory=list)
    duplicates: int = 0
    files: dict[str, str] = field(default_factory=dict)  # file -> source
    text: dict[str, str] = field(default_factory=dict)  # books path -> appended text

    def totals(self) -> dict[str, dict[str, Decimal]]:
        """Income booked per fund and currency (gross), a priced posting at its price."""
        out: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
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

    def summary(self) -> str:
        by_fund = "; ".join(f"{f} " + ", ".join(f"{v:,} {c}" for c, v in sorted(cs.items()))
                            for f, cs in sorted(self.totals().items()))
        return (f"{len(self.new)} new, {self.duplicates} duplicate(s) skipped"
                + (f"; income by fund: {by_fund}" if by_fund else ""))


def importers_for(settings, pseudo: Pseudonymiser) -> list[ProfileImporter]:
    """The books' own profiles first (they may refine a built-in), then the built-in ones."""
    own = []
    for p in settings.profiles:
        try:
            own.append(profile_lib.load(p))
        except (OSError, ValueError) as e:
            raise Problem(str(p), 0, f"profile cannot be read: {e}") from None
    names = {p.name for p in own}
    return [ProfileImporter(p, pseudo)
            for p in own + [b for b in profile_lib.builtin() if b.name not in names]]


def identify(path: str, importers: Sequence[ProfileImporter]) -> ProfileImporter:
    for imp in importers:
        if imp.identify(path):
            return imp
    if not Path(path).is_file():
        raise Problem(path, 0, "no such file")
    with open(path, "rb") as f:
        if f.read(4) == read.XLSX_MAGIC:
            read.raw_rows(path)  # raises the workbook's own problem if it cannot be read
    tried = "\n".join(f"  {imp.profile.expects()}" for imp in importers)
    raise Problem(path, 0, "not an export any source recognises (headers are matched "
                  f"ignoring case, order and extra columns); tried:\n{tried}")


def target(t: Txn, source: str) -> str:
    return f"imports/{source}/{t.date.year}.beancount"


def run(main: Path, files: Sequence[str], fund: str = "", dry_run: bool = False,
        pseudo: Pseudonymiser | None = None,
        progress: Callable[[str], None] | None = None) -> Result:
    """Import files into the books. Raises Problem (bad file) or BooksError (books).

    The books are read, deduplicated against and appended to under the books' lock
    (ledger.books.apply with a function): two imports at once are serialised, and the
    second sees what the first added, so neither an append nor a deduplication is lost."""
    main = ledger_books.resolve(main)
    pseudo = pseudo or Pseudonymiser()
    result = Result()

    def changes(m: Path) -> dict[str, str]:
        planned = plan(m, files, fund, pseudo, progress)
        result.__dict__.update(planned.__dict__)
        return ledger_books.appended(m, planned.text) if planned.new else {}

    if dry_run:
        changes(main)
    else:
        ledger_books.apply(main, changes)
    if progress:
        progress("checked and written" if result.new and not dry_run else "done")
    return result


def plan(main: Path, files: Sequence[str], fund: str, pseudo: Pseudonymiser,
         progress: Callable[[str], None] | None = None) -> Result:
    """What importing files would append to the books as they are now."""
    # Books with errors are not refused here: the import may be what completes them (the
    # demo's closed fund needs its imported spending). apply() refuses any result that
    # does not load clean, so nothing broken is ever written.
    entries, _errors, _ = ledger_books.load(main)
    settings = from_entries(entries, main.parent, fund)
    if fund and fund not in _declared(entries):
        raise ledger_books.BooksError([f"--fund {fund}: no such fund is declared in the books"])
    importers = importers_for(settings, pseudo)
    seen = existing_ids(entries)
    batch: dict[str, tuple[str, Txn]] = {}  # import-id -> the file and entry that first had it
    result = Result()
    grouped: dict[str, list[Txn]] = defaultdict(list)
    found = []
    for path in files:
        found.append((str(path), identify(str(path), importers)))
        if progress:
            progress(f"identified {path}")
    # Budgets first: an invoice names its budget line only for a fund that has a budget.
    found.sort(key=lambda f: not any(r.kind == "budget" for r in f[1].profile.rules))
    new = result.new
    for path, imp in found:
        result.files[path] = imp.profile.name
        files: dict[int, list[Txn]] = {}  # year -> entries (the file name is made per year)
        for t in imp.txns(path, settings):
            iid = t.import_id
            if t.custom and t.custom[0] == funds.BUDGET:
                settings.budgeted.add(str(t.custom[1][0]))
            if iid in batch:
                _same_or_fail(t, path, batch[iid])
            if iid in seen:
                result.duplicates += 1
                continue
            batch[iid] = (path, t)
            seen.add(iid)
            settings.booked[iid] = t  # a later file's conversion may restate it
            new.append(t)
            year = t.date.year
            got = files.get(year)
            if got is None:
                got = files[year] = []
            got.append(t)
        for txns in files.values():
            grouped[target(txns[0], imp.profile.name)] += txns
        if progress:
            progress(f"read {path}")
    for rel, txns in sorted(grouped.items()):
        txns.sort(key=lambda t: (t.date, t.row, t.import_id))
        body = "\n".join(render(t) for t in txns)
        exists = (main.parent / rel).exists()
        source = rel.split("/")[1]
        result.text[rel] = ("\n" + body) if exists else HEADER.format(source=source) + "\n" + body
    return result


def _booked(t: Txn) -> str:
    return "\n".join(line for line in render(t).splitlines()
                     if not line.lstrip().startswith(("import-file:", "import-row:")))


def _same_or_fail(t: Txn, path: str, first: tuple[str, Txn]) -> None:
    """One id twice in a run is the same row seen twice (skipped), unless it differs."""
    if _booked(t) != _booked(first[1]):
        raise Problem(path, t.row, f"id {t.import_id} was already used by "
                      f"{first[0]}:{first[1].row} for a different entry")


def _declared(entries) -> set[str]:
    return {e.values[0].value for e in entries
            if type(e).__name__ == "Custom" and e.type == "fund" and e.values}


__all__ = ["Problem", "Result", "identify", "read", "run"]
