"""How long a checked public transparency statement takes on large books, beside a draft.

Baseline: the internal draft (`statement(..., draft=True)`), one statement with its own
rules and no check against others: what the statement cost before disclosure control.
The public statement also builds the statement of all funds at every year end and every
published one, and audits them together (reports/disclosure.py); the second public call
on the same loaded books finds those statements remembered.

    .venv/bin/python bench/transparency_bench.py [BOOKS | N_TRANSACTIONS]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import gen_books
from ledger import books
from reports import transparency


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    arg = sys.argv[1] if len(sys.argv) > 1 else "100000"
    if arg.isdigit():
        folder = Path(tempfile.mkdtemp(prefix="fundledger-bench-"))
        main_file = gen_books.generate(folder, int(arg))
    else:
        main_file = books.resolve(arg)
    entries, _errors, options = books.load(main_file)
    n = sum(1 for e in entries if type(e).__name__ == "Transaction")
    draft = timed(lambda: transparency.statement(entries, options, draft=True))
    first = timed(lambda: transparency.statement(entries, options))
    again = timed(lambda: transparency.statement(entries, options))
    ends = len(transparency._published(entries, options, None).ends)
    print(f"{n} transactions, {ends} year ends")
    print(f"draft (baseline)        {draft:8.2f} s")
    print(f"public statement        {first:8.2f} s  ({first / draft:.1f}x)")
    print(f"public, same books      {again:8.2f} s  ({again / draft:.1f}x)")


if __name__ == "__main__":
    main()
