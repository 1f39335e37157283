"""The accounts an import opens: each account its new entries post to that the books do
not open, in imports/accounts.beancount (importers.run, on the books' start date)."""

from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from beancount.core import account as beancount_account
from beancount.core.data import Open

from importers.errors import Problem
from ledger import lock as period_lock
from ledger import options
from ledger.quick_tails import SLICE

ACCOUNTS = "imports/accounts.beancount"
ACCOUNTS_HEADER = ("; Accounts opened by `fundledger import`, each on the day of its first entry.\n"
                   "; Open an account yourself elsewhere in the books to constrain its "
                   "currencies.\n")


def _first_use(result) -> dict[str, datetime.date]:
    """Each account the new entries post to, and the day of its first posting."""
    first: dict[str, datetime.date] = {}

    def seen(account: str, day: datetime.date) -> None:
        if account not in first or day < first[account]:
            first[account] = day

    for t in result.new:
        for p in t.postings:
            seen(p.account, t.date)
        if t.balance is not None:
            seen(t.balance[0], t.date)
    columns = getattr(result, "columns", None)
    read = columns.templates.read if columns is not None else None
    if read is not None:
        # Each group's first day, then each distinct tail's (its numbers written 0, as
        # importers.txn.columnar read them once), whose posting lines name the accounts.
        group_first = np.full(len(read.tail_of), np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(group_first, columns.group, columns.days)
        earliest = np.full(len(read.zeroed), np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(earliest, read.tail_of, group_first)
        for tail, k in zip(read.zeroed, earliest.tolist(), strict=True):
            for line in tail.splitlines():
                seen(line.split()[0], datetime.date.fromordinal(k))
        return first
    for block, kept in result.blocks:
        if not len(kept):
            continue
        money, days = block.money[kept], block.days[kept]
        order = np.lexsort((days, money))
        groups, at = np.unique(money[order], return_index=True)
        first_days = days[order][at]  # once: indexing inside the loop sorted it per group
        # Each group's posting lines, column-wise: a line's first word is its account. A
        # slice of groups at a time: each step copies what it reads, and a download of
        # 300,000 different amounts has as many groups.
        for start in range(0, len(groups), SLICE):
            texts = pa.array(block.postings[groups[start:start + SLICE]], pa.string())
            lines = pc.split_pattern(texts, "\n")
            which = pc.list_parent_indices(lines).to_numpy() + start
            accounts = pc.utf8_ltrim_whitespace(pc.list_flatten(lines))
            accounts = pc.extract_regex(accounts, r"^(?P<account>\S+)")
            used = pc.is_valid(accounts).to_numpy(zero_copy_only=False)
            named = accounts.field("account").filter(pc.is_valid(accounts)).dictionary_encode()
            earliest = np.full(len(named.dictionary), np.iinfo(np.int64).max, dtype=np.int64)
            np.minimum.at(earliest, named.indices.to_numpy(), first_days[which[used]])
            for account, k in zip(named.dictionary.to_pylist(), earliest.tolist(), strict=True):
                seen(account, datetime.date.fromordinal(int(k)))
    return first


def open_accounts(main: Path, entries, result) -> None:
    """Open every account the new entries use that the books do not, on the books' start
    date (ledger.options.start) or the day of its first entry if earlier or the books
    declare no start, in imports/accounts.beancount (an account opened there earlier is
    opened earlier still if an entry now needs it). No currency constraint: an account
    takes what the exports bring unless the treasurer opens it with one elsewhere.

    Never inside a locked period for entries after it: an open there would change what
    the lock proves, and the import be refused for an entry nobody added. Such an
    account opens the day after the lock (an entry inside the lock is refused anyway)."""
    if not result.added:
        return
    path = main.parent / ACCOUNTS
    ours = path.resolve() if path.exists() else None
    books_open = {e.account: e for e in entries if isinstance(e, Open)}
    begins = options.start(entries)
    lock = period_lock.head(entries)
    after_lock = lock.through + datetime.timedelta(days=1) if lock else None
    header = ACCOUNTS_HEADER if begins is None else ACCOUNTS_HEADER.replace(
        "each on the day of its first entry", "on the books' start date")
    text = path.read_text(encoding="utf-8") if ours else header
    lines = text.splitlines()
    changed = False
    for account, used in sorted(_first_use(result).items()):
        day = min(used, begins) if begins else used
        if after_lock and used >= after_lock:
            day = max(day, after_lock)
        if not beancount_account.is_valid(account):
            raise Problem(str(main), 0, f"an import would post to {account!r}, which is not "
                          "a beancount account name")
        opened = books_open.get(account)
        if opened is None:
            lines.append(f"{day} open {account}")
            result.opened.append(account)
            changed = True
        elif (day < opened.date and ours is not None
              and Path(opened.meta.get("filename", "")).resolve() == ours):
            old = f"{opened.date} open {account}"
            lines = [f"{day} open {account}" if line.strip() == old else line for line in lines]
            changed = True
    if changed:
        head = [line for line in lines if not line[:1].isdigit()]
        opens = sorted((line for line in lines if line[:1].isdigit()),
                       key=lambda line: (line.split()[2], line))
        result.accounts_text = "\n".join(head + opens) + "\n"
