"""One beangulp.Importer for every profile, so each source also works from Fava's import
page and from any beangulp script.

Deduplication is exact on `import-id`: beangulp's default date-and-amount heuristic would
throw away a second donation of the same amount on the same day.

The readers (pyarrow, numpy) are imported when a file is first read, not with
this module: Fava runs the books' import config, and so makes these importers, on every
start, and a server should not wait a second for libraries the Import page may not use.
"""

from __future__ import annotations

import datetime
import gc
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import beangulp
from beancount.core import data
from beancount.core.data import Entries
from beancount.parser import parser

from importers import profile as profile_lib
from importers.errors import Problem
from importers.profile import Profile
from importers.pseudonym import Pseudonymiser
from importers.settings import Settings, from_entries
from importers.txn import Built, Txn, render

if TYPE_CHECKING:
    from importers.bounded import Opened


def importers_for(settings, pseudo: Pseudonymiser) -> list[ProfileImporter]:
    """The books' own profiles first (they may refine a built-in), then the built-in ones."""
    own = []
    for p in settings.profiles:
        try:
            own.append(profile_lib.load(p))
        except (OSError, ValueError) as e:
            raise Problem(str(p), 0, f"profile cannot be read: {e}") from None
    names = {p.name for p in own}
    found = [ProfileImporter(p, pseudo)
             for p in own + [b for b in profile_lib.builtin() if b.name not in names]]
    for imp in found:
        imp.rivals = found
    return found


def existing_ids(entries) -> set[str]:
    return {e.meta["import-id"] for e in entries or () if e.meta and "import-id" in e.meta}


class ProfileImporter(beangulp.Importer):
    """One profile as a beangulp importer. Importers made together (importers.run's
    importers_for) know each other, so a file is claimed by exactly one: the one whose
    signature names the most of its columns (the books' own profiles first on a tie),
    on the CLI and on Fava's import page alike."""

    def __init__(self, profile: Profile, pseudo: Pseudonymiser | None = None):
        self.profile = profile
        self.pseudo = pseudo or Pseudonymiser()
        self.rivals: list[ProfileImporter] = []

    @property
    def name(self) -> str:
        return f"fundledger.{self.profile.name}"

    def matches(self, filepath: str, head=None) -> bool:
        """The file holds this profile's header (its own spellings or its aliases). head:
        the file's filerows.Head, if already read (identifying asks every profile)."""
        if head is None:
            from importers import bounded

            head = bounded.head(filepath, profile_lib.ways([self.profile]))
        return bool(profile_lib.claiming([self.profile], head))

    def identify(self, filepath: str) -> bool:
        from importers import bounded

        rivals = [imp.profile for imp in self.rivals or [self]]
        head = bounded.head(filepath, profile_lib.ways([self.profile, *rivals]))
        if not self.matches(filepath, head):
            return False
        try:
            got = profile_lib.claim(filepath, rivals, head)
        except Problem:  # two sources match equally: offered to neither
            return False
        return got is not None and got[0] is self.profile

    def account(self, filepath: str) -> str:
        """The account the export is a statement of (what Fava's import page shows and files
        the document under): the profile's `account`, else the first account it books to
        (for invoices, the creditors' root), else none."""
        accounts = self.profile.accounts
        for name in ["account", *accounts]:
            value = str(accounts.get(name, "")).split(":{", 1)[0]
            if value and ":" in value and "{" not in value:
                return value
        return ""

    def filename(self, filepath: str) -> str | None:
        return f"{self.profile.name}-{Path(filepath).name}"

    def date(self, filepath: str) -> datetime.date | None:
        try:
            # The date names the archived file: any fund will do to read the rows.
            return max(t.date for t in self.txns(filepath, Settings(general="general")))
        except Exception:  # noqa: BLE001 (beangulp's archive then uses the file's mtime)
            return None

    def txns(self, filepath: str, settings: Settings, columnwise: bool = True) -> list[Txn]:
        """The file's entries as Txn records; raises errors.Problem on a bad row.
        columnwise=False renders every row the generic way (tests compare the two)."""
        return self.entries(filepath, settings, columnwise).all()

    def entries(self, filepath: str, settings: Settings, columnwise: bool = True) -> Built:
        """The file's entries, the common ones kept as columns (see txn.Block), from its
        path alone (Fava's import page, a beangulp script): the file opened here, then
        read as an import reads it (built)."""
        from importers import read

        opened = read.opened_for(filepath, self.profile.signature, self.profile)
        return self.built(opened, settings, columnwise)

    def built(self, opened: Opened, settings: Settings,
              columnwise: bool = True) -> Built:
        """The entries of a file opened (importers.bounded.open_export) and claimed by
        this profile (opened.at: the row of its head holding the profile's header)."""
        from importers import build, classify, filerows, parse, read

        filepath = str(opened.path)
        # The file's hash (recorded on every entry) is worked out alongside the reading:
        # hashlib lets go of the interpreter while it hashes a large file.
        with ThreadPoolExecutor(1) as pool:
            sha = pool.submit(filerows.sha256, filepath)
            df = read.table_of(opened, self.profile.signature, self.profile)
            if df is None:
                raise Problem(filepath, 0, f"not a {self.profile.expects()}")
            rules = classify.rules_for(self.profile, settings.rules_for(self.profile.name))
            space = self.profile.namespace
            parsed = parse.parse(filepath, df, self.profile, self.pseudo, rules,
                                 lambda ref: settings.received(f"{space}:{ref}"),
                                 settings.suspense,
                                 lambda rid: settings.entry(f"{space}:{rid}") is not None)
            b = build.Builder(self.profile, settings, filepath, sha.result())
        skipped = list(df.skipped)
        del df  # the file's cells: parsing kept what it needs (a 300k-row file's 150 MB)
        # Millions of small live objects and no cycles among them: the cyclic collector
        # would rescan them all again and again while the entries are built.
        enabled = gc.isenabled()
        gc.disable()
        try:
            built = b.build(parsed, columnwise)
            built.skipped = skipped
            return built
        finally:
            if enabled:
                gc.enable()

    def extract(self, filepath: str, existing: Entries) -> Entries:
        """The file's entries for Fava's import page or a beangulp script. Rows no rule
        claims come as Unclassified entries (the treasurer sees each before saving it).
        No `open`s: Fava's save cannot write them, and fundledger's write path
        (importers.fava.saves_imports, importers.run) opens what the entries use, as the
        CLI does. Metadata are strings, Decimals and dates, which beancount prints."""
        settings = from_entries(existing or [])
        settings.suspense = True
        built = self.entries(filepath, settings)
        # A statement's balance brought forward, where the books hold nothing for the
        # account on or before its first day (importers.run books the same ones).
        first: dict[tuple[str, str], datetime.date] = {}
        for e in existing or []:
            if isinstance(e, data.Transaction):
                for p in e.postings:
                    if p.units:
                        key = (p.account, p.units.currency)
                        first[key] = min(first.get(key, e.date), e.date)
            elif isinstance(e, data.Balance):
                key = (e.account, e.amount.currency)
                first[key] = min(first.get(key, e.date), e.date)
        txns = [t for t in built.openings if t.postings[0].number and t.date < first.get(
            (t.postings[0].account, t.postings[0].currency), datetime.date.max)] + built.all()
        entries, errors, _ = parser.parse_string("".join(render(t) + "\n" for t in txns))
        if errors:  # the renderer only writes what the parser reads; say so loudly if not
            raise ValueError(f"{filepath}: internal error rendering entries: {errors[0].message}")
        for e in entries:
            e.meta["filename"], e.meta["lineno"] = filepath, int(e.meta.get("import-row", 0))
        return entries

    def deduplicate(self, entries: Entries, existing: Entries) -> None:
        seen = existing_ids(existing)
        for e in entries:
            iid = e.meta.get("import-id")
            if iid is None:  # an account's open: not a row of the export
                continue
            if iid in seen:
                e.meta["__duplicate__"] = True
            seen.add(iid)
