"""One beangulp.Importer for every profile, so each source also works from Fava's import
page and from any beangulp script.

Deduplication is exact on `import-id`: beangulp's default date-and-amount heuristic would
throw away a second donation of the same amount on the same day.
"""

from __future__ import annotations

import datetime
import gc
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import beangulp
from beancount.core.data import Entries
from beancount.parser import parser

from importers import build, engine, read
from importers.profile import Profile
from importers.pseudonym import Pseudonymiser
from importers.settings import Settings, from_entries
from importers.txn import Built, Txn, render


def existing_ids(entries) -> set[str]:
    return {e.meta["import-id"] for e in entries or () if e.meta and "import-id" in e.meta}


class ProfileImporter(beangulp.Importer):
    def __init__(self, profile: Profile, pseudo: Pseudonymiser | None = None):
        self.profile = profile
        self.pseudo = pseudo or Pseudonymiser()

    @property
    def name(self) -> str:
        return f"fundledger.{self.profile.name}"

    def identify(self, filepath: str) -> bool:
        return read.header_at(read.head_rows(filepath), self.profile.signature) is not None

    def account(self, filepath: str) -> str:
        return self.profile.accounts.get("account", "Assets:Imports")

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
        """The file's entries, the common ones kept as columns (see txn.Block)."""
        # The file's hash (recorded on every entry) is worked out alongside the reading:
        # hashlib lets go of the interpreter while it hashes a large file.
        with ThreadPoolExecutor(1) as pool:
            sha = pool.submit(read.sha256, filepath)
            df = read.load(filepath, self.profile.signature)
            if df is None:
                from importers.errors import Problem

                raise Problem(filepath, 0, f"not a {self.profile.expects()}")
            parsed = engine.parse(filepath, df, self.profile, self.pseudo)
            b = build.Builder(self.profile, settings, filepath, sha.result())
        # Millions of small live objects and no cycles among them: the cyclic collector
        # would rescan them all again and again while the entries are built.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return b.build(parsed, columnwise)
        finally:
            if enabled:
                gc.enable()

    def extract(self, filepath: str, existing: Entries) -> Entries:
        txns = self.txns(filepath, from_entries(existing or []))
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
            if iid in seen:
                e.meta["__duplicate__"] = True
            seen.add(iid)
