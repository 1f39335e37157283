"""The entries one `fundledger import` run has taken so far, and their order in a books
file: what lets a later file of the same run see an earlier file's rows (one id twice is
the same row seen twice, unless the two differ), without a Python object per block entry;
and the statements' balances brought forward, of which the run books only the earliest.
"""

from __future__ import annotations

import datetime

import numpy as np
from beancount.core.data import Balance, Transaction

from importers.errors import Problem
from importers.txn import Block, Ordered, Post, Txn, render


class Batch:
    """The entries this run has taken so far, by import-id: each Txn, and each Block whole.
    A block's ids are put in a dict only when a later file asks about them (a 300k-row
    download imported on its own never pays for that)."""

    def __init__(self):
        self.one: dict[str, tuple[str, Txn]] = {}
        self.blocks: list[tuple[str, Block, np.ndarray]] = []
        self._index: list[dict[str, int]] = []  # per block, import-id -> its position

    def add(self, path: str, t: Txn) -> None:
        self.one[t.import_id] = (path, t)

    def add_block(self, path: str, block: Block, kept: np.ndarray) -> None:
        self.blocks.append((path, block, kept))

    def _indexes(self) -> list[dict[str, int]]:
        while len(self._index) < len(self.blocks):
            _, block, kept = self.blocks[len(self._index)]
            self._index.append({block.ids[i]: i for i in kept.tolist()})
        return self._index

    def first(self, iid: str) -> tuple[str, int, str | Txn] | None:
        """(file, row, entry) that first had iid in this run: a Txn, or a block entry's text."""
        got = self.one.get(iid)
        if got is not None:
            return got[0], got[1].row, got[1]
        for (path, block, _), index in zip(self.blocks, self._indexes() if self.blocks else []):
            i = index.get(iid)
            if i is not None:
                return path, int(block.rows[i]), block.render(np.array([i]))[0]
        return None

    def entry(self, iid: str) -> str | Txn | None:
        got = self.first(iid)
        return None if got is None else got[2]

    def alone(self, block: Block, txns: list[Txn]) -> bool:
        """No id of the block is another entry's in this run (then which row keeps the id
        depends on their order, and the row-by-row way settles it as it always has)."""
        ids = set(block.ids)
        return (len(ids) == len(block) and ids.isdisjoint(self.one)
                and all(ids.isdisjoint(index) for index in self._indexes())
                and ids.isdisjoint(t.import_id for t in txns))


def in_order(txns: list[Txn], pieces: list[tuple[Block, np.ndarray]]) -> Ordered:
    """The entries sorted by date, then row, then id."""
    if not pieces:
        txns.sort(key=lambda t: (t.date, t.row, t.import_id))
        return Ordered([], txns, None)
    days = np.concatenate([b.days[k] for b, k in pieces]
                          + [np.array([t.date.toordinal() for t in txns], dtype=np.int64)])
    rows = np.concatenate([b.rows[k] for b, k in pieces]
                          + [np.array([t.row for t in txns], dtype=np.int64)])
    order = np.lexsort((rows, days))
    d, r = days[order], rows[order]
    if ((d[1:] == d[:-1]) & (r[1:] == r[:-1])).any():  # same day and row: the id decides
        ids = [i for b, k in pieces for i in (b.ids[j] for j in k.tolist())]
        ids += [t.import_id for t in txns]
        order = np.array(sorted(range(len(ids)), key=lambda i: (days[i], rows[i], ids[i])),
                         dtype=np.int64)
    elif (np.diff(order) == 1).all():
        order = None
    return Ordered(pieces, txns, order)


def _booked(text: str) -> str:
    return "\n".join(line for line in text.splitlines()
                     if not line.lstrip().startswith(("import-file:", "import-row:")))


def same_or_fail(t: Txn, path: str, first: tuple[str, int, str | Txn]) -> None:
    """One id twice in a run is the same row seen twice (skipped), unless it differs."""
    where, row, entry = first
    if _booked(render(t)) != _booked(entry if isinstance(entry, str) else render(entry)):
        raise Problem(path, t.row, f"id {t.import_id} was already used by "
                      f"{where}:{row} for a different entry")


def held(t: Txn) -> tuple[str, str]:
    """The (account, currency) an opening balance or a balance assertion is about."""
    if t.balance:
        return t.balance[0], t.balance[2]
    return t.postings[0].account, t.postings[0].currency


def in_use(entries) -> tuple[dict[tuple[str, str], datetime.date], dict]:
    """Every (account, currency) the books post to or assert a balance of, with its first
    day; and the statement openings imported (importers.build), by (account, currency)."""
    first: dict[tuple[str, str], datetime.date] = {}
    opened: dict[tuple[str, str], Transaction] = {}
    for e in entries:  # in date order
        if isinstance(e, Transaction):
            for p in e.postings:
                if p.units:
                    first.setdefault((p.account, p.units.currency), e.date)
            if ":opening:" in str((e.meta or {}).get("import-id", "")) and e.postings:
                units = e.postings[0].units
                opened.setdefault((e.postings[0].account, units.currency), e)
        elif isinstance(e, Balance):
            first.setdefault((e.account, e.amount.currency), e.date)
    # Only an opening the account begins with can be moved back by an older statement.
    opened = {k: e for k, e in opened.items() if first.get(k) == e.date}
    return first, opened


def opening(t: Txn, booked: Transaction | None, seen: set[str]) -> list[Txn]:
    """The run's earliest statement's opening balance for an account (if not zero), and,
    where the books began the account with a later statement's opening, that opening
    withdrawn on its own day: the older statement now says what came before, and the
    books are only ever appended to."""
    out = [t] if t.postings[0].number and t.import_id not in seen else []
    if booked is None:
        return out
    iid = booked.meta["import-id"] + ":withdrawn"
    if iid in seen:
        return out
    back = Txn(booked.date, booked.payee or "", "Balance brought forward withdrawn: an earlier "
               "statement has been imported", [("import-id", iid),
                                               ("fund", booked.meta.get("fund", ""))],
               import_id=iid, row=t.row)
    back.postings = [Post(p.account, -p.units.number, p.units.currency)
                     for p in booked.postings]
    return [*out, back]
