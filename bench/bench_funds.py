"""How long the fund reconciliation takes on large books, beside a baseline.

Baseline: beanquery summing every fund's Income/Expenses/Equity:Funds weights (one GROUP
BY over the same loaded entries), i.e. the balance column alone. The reconciliation
computes that and everything else (fees, legal by firm, holdings, unpaid invoices).

    .venv/bin/python bench/bench_funds.py [N_TRANSACTIONS]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from beanquery.query import run_query

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import gen_books
from ledger import books
from reports import funds, legal


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    with tempfile.TemporaryDirectory() as tmp:
        # The same realistic books every bench uses (pledges, grants, invoices, transfers).
        path = gen_books.generate(Path(tmp), n)
        t = time.perf_counter()
        entries, errors, options = books.load(path)
        load = time.perf_counter() - t
        assert not errors, errors[:3]
    query = ("SELECT meta('fund'), sum(weight) WHERE account ~ '^(Income|Expenses|Equity:Funds)' "
             "GROUP BY 1")
    base = timed(lambda: run_query(entries, options, query))
    rec = timed(lambda: funds.reconcile(entries, options))
    leg = timed(lambda: legal.legal_spend(entries, options))
    print(f"{n} transactions, loaded (beancount + fund plugin) in {load:.2f} s")
    print(f"{'baseline: beanquery fund balances':<40} {base * 1000:>9.1f} ms")
    print(f"{'funds.reconcile (all columns)':<40} {rec * 1000:>9.1f} ms  ({rec / base:.1f}x)")
    print(f"{'legal.legal_spend (by firm)':<40} {leg * 1000:>9.1f} ms  ({leg / base:.1f}x)")


if __name__ == "__main__":
    main()
