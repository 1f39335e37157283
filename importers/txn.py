"""Imported entries as plain records, and their beancount text.

The engine builds these light records and renders them itself (fast, and a grant tranche
keeps its exact `@@` total); beangulp callers get beancount entries by parsing that same
text, so the CLI and Fava's import page can never disagree.
"""

from __future__ import annotations

import datetime
import heapq
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from ledger import quick_tails
from ledger.quick_columns import Columnar, Split


@dataclass
class Post:
    account: str
    number: Decimal
    currency: str
    price: tuple[Decimal, str] | None = None  # a total price (@@)
    meta: list[tuple[str, object]] = field(default_factory=list)


@dataclass
class Txn:
    date: datetime.date
    payee: str
    narration: str
    meta: list[tuple[str, object]]
    postings: list[Post] = field(default_factory=list)
    custom: tuple[str, list] | None = None  # a custom directive instead (budgets)
    # a balance assertion instead: (account, number, currency), from a statement's balance
    balance: tuple[str, Decimal, str] | None = None
    import_id: str = ""  # also in meta; kept here so dedup and sorting need no lookups
    row: int = 0
    # The finished text: set by importers.columns for the common kinds (no postings kept,
    # with the (fund, currency, number) of its income postings, for Result.totals()), and
    # by columnar() for the others once rendered for the books check.
    text: str | None = None
    income: list[tuple[str, str, Decimal]] = field(default_factory=list)

    @property
    def fund(self) -> str | None:
        return next((str(v) for k, v in self.meta if k == "fund"), None)


@dataclass
class Block:
    """One file's entries of the common kinds (importers.columns), kept as columns: what
    `fundledger import` needs to deduplicate, file and sort them without a Txn each, and
    each entry's text as five pieces, joined only when written (a 300k-row download's
    110 MB of text is then never held at once)."""

    ids: list[str]  # import-ids
    rows: np.ndarray  # spreadsheet rows, increasing
    dates: list[datetime.date]
    days: np.ndarray  # the dates as day numbers (date.toordinal()), to sort by
    years: np.ndarray  # and their years, to file by
    money: np.ndarray  # each entry's group of amounts: index into incomes
    # per group, as Txn.income: a list, or column_amounts.Incomes (the same, as columns)
    incomes: Sequence[list[tuple[str, str, Decimal]]]
    # An entry's text: lead, its id (quoted as in the text), its row, note, postings.
    leads: np.ndarray  # distinct date-and-narration parts, up to the id (object array)
    lead_of: np.ndarray
    quoted: list[str]
    file_line: str
    notes: np.ndarray  # distinct parts after the row: fund, meta, donor (object array)
    note_of: np.ndarray
    postings: np.ndarray  # and then the postings, one per group of amounts (money)
    # each entry's rule and campaign (its accounts, fund and metadata); a group of amounts
    # (money) lies within one
    context: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.intp))

    def __len__(self) -> int:
        return len(self.ids)

    def render(self, at: np.ndarray | None = None) -> list[str]:
        """The texts of the entries at these positions (all, in order, by default)."""
        if at is None:
            at, ids = np.arange(len(self)), self.quoted
        else:
            ids = [self.quoted[i] for i in at.tolist()]
        rows = self.rows[at].tolist()
        return [f'{lead}{iid}"\n{self.file_line}  import-row: {row}\n{note}{posts}'
                for lead, iid, row, note, posts in zip(
                    self.leads[self.lead_of[at]].tolist(), ids, rows,
                    self.notes[self.note_of[at]].tolist(),
                    self.postings[self.money[at]].tolist(), strict=True)]

    def heads(self, at: np.ndarray) -> list[str]:
        """Entries as written but for their postings: those of the entries at `at`."""
        return [f'{lead}{iid}"\n{self.file_line}  import-row: {row}\n{note}'
                for lead, iid, row, note in zip(
                    self.leads[self.lead_of[at]].tolist(), [self.quoted[i] for i in at.tolist()],
                    self.rows[at].tolist(), self.notes[self.note_of[at]].tolist(),
                    strict=True)]

    def txns(self) -> list[Txn]:
        """The same entries as Txns."""
        return [Txn(d, "", "", [], import_id=i, row=r, income=self.incomes[m], text=x)
                for i, r, d, x, m in zip(self.ids, self.rows.tolist(), self.dates,
                                         self.render(), self.money.tolist(), strict=True)]


class Ordered:
    """Entries to append to one books file, in their order, rendered a slice at a time:
    a block's positions and Txns, with order[k] the k-th entry's index (blocks' entries
    first, then the Txns), or None when that is already the order."""

    def __init__(self, pieces: list[tuple[Block, np.ndarray]], txns: list[Txn],
                 order: np.ndarray | None):
        self.pieces, self.txns, self.order = pieces, txns, order
        self.starts = np.cumsum([0] + [len(k) for _, k in pieces])

    def __len__(self) -> int:
        return int(self.starts[-1]) + len(self.txns)

    def parts(self, start: int, stop: int) -> tuple[int, list[tuple]]:
        """Entries start..stop-1 by where they are kept: how many, and for each block or
        the Txns among them (position in the slice, the block or None, the block's
        positions or the Txns' indexes)."""
        which = np.arange(start, min(stop, len(self))) if self.order is None \
            else self.order[start:stop]
        piece = np.searchsorted(self.starts, which, side="right") - 1
        out = []
        for p in np.unique(piece).tolist():
            mine = np.flatnonzero(piece == p)
            if p < len(self.pieces):
                block, kept = self.pieces[p]
                out.append((mine, block, kept[which[mine] - self.starts[p]]))
            else:
                out.append((mine, None, which[mine] - int(self.starts[-1])))
        return len(which), out

    def slice(self, start: int, stop: int) -> list[str]:
        """The texts of entries start..stop-1."""
        n, parts = self.parts(start, stop)
        texts = [block.render(at) if block is not None
                 else [render(self.txns[k]) for k in at.tolist()] for _, block, at in parts]
        if len(parts) == 1:  # one block or the Txns alone: already in order
            return texts[0]
        out: list[str | None] = [None] * n
        for (mine, _, _), got in zip(parts, texts, strict=True):
            for j, x in zip(mine.tolist(), got, strict=True):
                out[j] = x
        return out

    def chunks(self, size: int = 8192):
        """The text in pieces whose concatenation is the entries joined by blank lines."""
        for start in range(0, len(self), size):
            yield ("\n" if start else "") + "\n".join(self.slice(start, start + size))


def columnar(blocks: list[tuple[Block, np.ndarray]], txns: list[Txn]) -> Columnar:
    """An import's new entries as the books check takes them (ledger.quick_columns): each
    block's kept entries grouped by their amounts (one postings text and one fund each:
    importers.columns groups amounts within a rule and campaign), whatever books file
    (year) its entries go to, with one template per group: the first entry of its rule
    and campaign as written, with the group's postings (so the templates of one rule and
    campaign differ only in their numbers, and the check parses each such frame once),
    handed over as that entry's head and each group's postings (Split); and the Txns as
    text."""
    heads: list[str] = []
    head_of, tails = [np.zeros(0, dtype=np.int64)], []
    groups, days = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    count = 0
    for block, kept in blocks:
        if not len(kept):
            continue
        money = block.money[kept]
        distinct, first = np.unique(money, return_index=True)
        groups.append(np.searchsorted(distinct, money) + count)
        count += len(distinct)
        context = block.context[kept]
        contexts, earliest = np.unique(context, return_index=True)
        head_of.append(np.searchsorted(contexts, context[first]) + len(heads))
        heads += block.heads(kept[earliest])
        tails.append((block.postings, distinct))  # made a slice at a time (Tails)
        days.append(block.days[kept])
    others, balances, line = [], [], 1  # line: where an entry's text starts in others
    for t in txns:  # rendered once: the write then takes the same text (Ordered.slice)
        t.text = render(t)
        lines = t.text.count("\n")
        parts = balance_parts(t)
        if parts is None:
            others.append(t.text)
        else:  # handed over as parts; its lines kept, blank, so the others keep theirs
            others.append("\n" * lines)
            balances.append((line, *parts))
        line += lines + 1
    # Here, not at the top: this module comes with Fava's import page, which must start
    # without pyarrow (tests/test_fava_loading.py).
    from importers.tails import Tails

    tails = Tails(tails)  # each group's lines made a slice at a time, never all at once
    try:  # read once, for the accounts opened (importers.opened) and the books check:
        read = tails.read()  # from what the lines are made of, else from their texts
    except quick_tails.Unsummable:
        try:
            read = quick_tails.read(tails)
        except quick_tails.Unsummable:
            read = None  # the check says why it cannot vouch for them
    return Columnar("\n".join(others), Split(heads, np.concatenate(head_of), tails, read),
                    np.concatenate(groups), np.concatenate(days), balances)


# What beancount reads back from a statement balance's text exactly as it is written
# (render), more narrowly than its grammar: accounts and metadata keys in ASCII, a
# currency of three letters, a number as _num writes it, a string that _q leaves as it is.
ACCOUNT = re.compile(r"[A-Z][A-Za-z0-9-]*(?::[A-Z0-9][A-Za-z0-9-]*)+")
CURRENCY = re.compile(r"[A-Z]{3}")
NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
META_KEY = re.compile(r"[a-z][a-zA-Z0-9_-]+")
AS_IS = re.compile(r"[^\"\\\x00-\x1f\x7f]{0,1000}")


def balance_parts(t: Txn) -> tuple | None:
    """A statement balance as beancount's parser reads its text (render): (date, account,
    number, currency, metadata), each part checked to be read back as it is; None for
    any other entry, or a part not surely read so (its text is then parsed)."""
    if t.balance is None or t.custom is not None or t.postings \
            or type(t.date) is not datetime.date:
        return None
    account, number, currency = t.balance
    written = _num(number)
    if not (ACCOUNT.fullmatch(account) and CURRENCY.fullmatch(currency)
            and NUMBER.fullmatch(written)):
        return None
    meta: dict[str, object] = {}
    for k, v in t.meta:
        if not META_KEY.fullmatch(k) or k in meta or k in ("filename", "lineno"):
            return None
        if isinstance(v, str) and AS_IS.fullmatch(v):
            meta[k] = v
        elif type(v) is int:  # written as its digits: beancount reads a Decimal
            meta[k] = Decimal(v)
        else:
            return None
    return t.date, account, Decimal(written), currency, meta


@dataclass
class Built:
    """One file's entries: the common ones as a Block, the others as Txns in row order,
    then the entries made from several rows (currency conversions)."""

    block: Block | None
    txns: list[Txn]
    after: list[Txn] = field(default_factory=list)
    # the opening balances a statement implies (booked only where the books begin with it)
    openings: list[Txn] = field(default_factory=list)
    # footer lines the profile declares, dropped from the end of the file: (row, text)
    skipped: list[tuple[int, str]] = field(default_factory=list)

    def all(self) -> list[Txn]:
        """Every entry as a Txn, in the order of the rows they come from."""
        if self.block is None:
            return self.txns + self.after
        return list(heapq.merge(self.block.txns(), self.txns, key=lambda t: t.row)) + self.after


def _q(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _num(n: Decimal) -> str:
    return "0" if n == 0 else str(n)  # never "-0"


def _value(v) -> str:
    if isinstance(v, (int, Decimal)) and not isinstance(v, bool):
        return str(v)
    return _q(v)


def render(t: Txn) -> str:
    if t.text is not None:
        return t.text
    lines = []
    if t.balance:
        account, number, currency = t.balance
        lines.append(f"{t.date} balance {account:<34} {_num(number):>10} {currency}")
    elif t.custom:
        ctype, values = t.custom
        vals = " ".join(f"{_num(v[0])} {v[1]}" if isinstance(v, tuple) else _q(v) for v in values)
        lines.append(f"{t.date} custom {_q(ctype)} {vals}")
    else:
        lines.append(f"{t.date} * {_q(t.payee)} {_q(t.narration)}")
    lines += [f"  {k}: {_value(v)}" for k, v in t.meta]
    for p in t.postings:
        price = f" @@ {_num(p.price[0])} {p.price[1]}" if p.price else ""
        lines.append(f"  {p.account:<34} {_num(p.number):>10} {p.currency}{price}")
        lines += [f"    {k}: {_value(v)}" for k, v in p.meta]
    return "\n".join(lines) + "\n"
