"""Imported entries as plain records, and their beancount text.

The engine builds these light records and renders them itself (fast, and a grant tranche
keeps its exact `@@` total); beangulp callers get beancount entries by parsing that same
text, so the CLI and Fava's import page can never disagree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal


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
    import_id: str = ""  # also in meta; kept here so dedup and sorting need no lookups
    row: int = 0
    # Set by importers.columns for the common kinds: the finished text (no postings kept)
    # and the (fund, currency, number) of its income postings, for Result.totals().
    text: str | None = None
    income: list[tuple[str, str, Decimal]] = field(default_factory=list)

    @property
    def fund(self) -> str | None:
        return next((str(v) for k, v in self.meta if k == "fund"), None)


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
    if t.custom:
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
