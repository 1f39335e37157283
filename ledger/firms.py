"""Law firms, each declared once in the books, so that one firm has one name everywhere.

    2017-01-01 custom "firm" "smith" "Smith & Co Solicitors"
      client-account: "Assets:Held:Smith"     ; where a platform pays its payouts
      aliases: "Smith, SMITH & CO"            ; optional: other names exports use

A firm is known by its id, its name, its aliases, and the words of any of them without
the noise every firm's name carries ("LLP", "Solicitors", "&": `key`), so "Smith",
"Smith Solicitors" and "Smith Solicitors LLP" are one firm; other spellings are aliases.
Crowdfunder payouts and invoices paid from the client account (importers) use its
client-account; `legal`, `funds` and the transparency statement group legal spend by it.
A bank is never a firm: where the books declare firms, spend no declared firm claims is
listed by its category as not paid to a firm (reports.funds.firm_of), never by the payee
a bank statement gave it.

Pure functions over loaded entries; nothing here reads or writes files.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from beancount.core.data import Custom

FIRM = "firm"
NOISE = {"llp", "ltd", "limited", "law", "solicitors", "chambers", "&", "and", "the"}


class Firm(NamedTuple):
    id: str
    name: str
    client_account: str | None
    keys: frozenset[str]  # every way the books name it, as `key` gives them


def words(name: str) -> list[str]:
    """'Harbour & Vale LLP' -> ['Harbour', 'Vale']: a firm's name without the noise."""
    return [w for w in re.split(r"[^A-Za-z0-9&]+", name) if w and w.casefold() not in NOISE]


def key(name: str) -> str:
    return " ".join(w.casefold() for w in words(name))


def declarations(entries) -> dict[str, Firm]:
    firms: dict[str, Firm] = {}
    for e in entries:
        if not (isinstance(e, Custom) and e.type == FIRM and e.values):
            continue
        values = [str(v.value) for v in e.values]
        firm_id = values[0]
        name = values[1] if len(values) > 1 else firm_id
        aliases = [a.strip() for a in str(e.meta.get("aliases") or "").split(",") if a.strip()]
        account = e.meta.get("client-account")
        names = [firm_id, name, *aliases]
        if account:
            names.append(str(account).rsplit(":", 1)[-1])
        firms[firm_id] = Firm(firm_id, name, str(account) if account else None,
                              frozenset(k for k in map(key, names) if k))
    return firms


def find(firms: dict[str, Firm], text: str | None) -> Firm | None:
    """The declared firm `text` names (its id, name, an alias, in any spelling `key`
    equates), or None."""
    if not text or not firms:
        return None
    k = key(str(text))
    return next((f for f in firms.values() if k and k in f.keys), None)


def client_account_firm(firms: dict[str, Firm], account: str) -> Firm | None:
    return next((f for f in firms.values() if f.client_account and (
        account == f.client_account or account.startswith(f.client_account + ":"))), None)


def named_in(firms: dict[str, Firm], text: str | None) -> Firm | None:
    """The declared firm whose name a description holds as whole words ("SMITH SOLICITORS
    REF 77" holds "Smith"), as a bank statement describes a payment to it."""
    got = key(str(text or "")).split()
    for f in firms.values():
        for k in f.keys:
            w = k.split()
            if any(got[i:i + len(w)] == w for i in range(len(got) - len(w) + 1)):
                return f
    return None


def of_posting(posting, txn, firms: dict[str, Firm]) -> Firm | None:
    """The declared firm a legal posting paid: the posting's or transaction's `firm:`, else
    the firm whose client account the money came from, else the payee, else the firm the
    description names (a bank statement's payee is the bank)."""
    for meta in (posting.meta, txn.meta):
        if meta and meta.get(FIRM):
            return find(firms, meta[FIRM])
    for p in txn.postings:
        found = client_account_firm(firms, p.account)
        if found:
            return found
    return find(firms, txn.payee) or named_in(firms, txn.narration)
