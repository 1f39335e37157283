"""Export loaded beancount books as a plain ledger/hledger journal.

    python bench/export_journal.py BOOKS OUT.journal

So `hledger -f OUT.journal bal` and `ledger -f OUT.journal bal` run on the same data as
fundledger: the differential tests compare their totals with ours, and bench/compare.py
times them. What is exported is the books *after* loading (the fund plugin has copied each
transaction's fund onto its postings, pads are expanded):

- `open` -> `account` declarations; `price` -> `P` lines;
- each transaction with its date, flag, payee | narration and every posting's units;
- a price is written as its total (`@@`), the cent-exact weight ledger.funds uses, so the
  journal balances exactly as beancount did; a cost `{...}` as a per-unit `@`;
- each posting's `fund:` as a posting tag (`; fund: <id>`), so `hledger bal tag:fund=<id>`
  selects one fund's postings.

Balance assertions, notes, documents and custom directives carry no amounts and are left
out. Amounts and text are written as they are; numbers are never floats.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

from beancount.core.data import Open, Price, Transaction

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ledger import funds


def number(n: Decimal) -> str:
    return format(n, "f")


def text(s: str | None) -> str:
    """Payees and narrations on one line; `;` starts a comment and `|` splits payee from
    note in hledger, so neither may appear inside them."""
    return " ".join((s or "").split()).replace(";", ",").replace("|", "/")


def posting_line(posting) -> str:
    units = posting.units
    line = f"    {posting.account}  {number(units.number)} {units.currency}"
    if posting.cost is not None and posting.cost.number is not None:
        line += f" @ {number(posting.cost.number)} {posting.cost.currency}"
    elif posting.price is not None:
        total = funds.weight(posting)
        line += f" @@ {number(abs(total.number))} {total.currency}"
    fund = posting.meta.get("fund") if posting.meta else None
    if fund:
        line += f"  ; fund: {fund}"
    return line


def export(entries: Iterable) -> Iterator[str]:
    """The journal, line by line (without newlines)."""
    for entry in entries:
        if isinstance(entry, Open):
            yield f"account {entry.account}"
        elif isinstance(entry, Price):
            yield (f"P {entry.date} {entry.currency} {number(entry.amount.number)} "
                   f"{entry.amount.currency}")
        elif isinstance(entry, Transaction):
            flag = "*" if entry.flag == "*" else "!"
            payee, narration = text(entry.payee), text(entry.narration)
            description = f"{payee} | {narration}" if payee else narration
            yield ""
            yield f"{entry.date} {flag} {description}".rstrip()
            for posting in entry.postings:
                yield posting_line(posting)


def write(entries: Iterable, out: Path) -> None:
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.writelines(line + "\n" for line in export(entries))


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    from ledger import books

    entries, errors, _ = books.load(argv[0])
    if errors:
        for err in errors:
            print(books.format_error(err), file=sys.stderr)
        return 1
    write(entries, Path(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
