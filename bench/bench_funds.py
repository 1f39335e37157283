"""How long the fund reconciliation takes on large books, beside a baseline.

Baseline: beanquery summing every fund's Income/Expenses/Equity:Funds weights (one GROUP
BY over the same loaded entries), i.e. the balance column alone. The reconciliation
computes that and everything else (fees, legal by firm, holdings, unpaid invoices).

    .venv/bin/python bench/bench_funds.py [N_TRANSACTIONS]
"""

from __future__ import annotations

import datetime
import random
import sys
import tempfile
import time
from pathlib import Path

from beanquery.query import run_query

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ledger import books
from reports import funds, legal

START = datetime.date(2017, 1, 2)
HEADER = """option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 open Assets:Bank:Current GBP
2017-01-01 open Assets:Held:Firm GBP
2017-01-01 open Liabilities:Creditors:Firm GBP
2017-01-01 open Income:Crowdfunding:Platform GBP
2017-01-01 open Income:Donations:Bank GBP
2017-01-01 open Expenses:Fees:Platform GBP
2017-01-01 open Expenses:Legal:Solicitors GBP
2017-01-01 open Expenses:Legal:VAT GBP
2017-01-01 custom "fund" "general" "unrestricted"
  title: "General"
"""


def books_text(n: int, n_funds: int = 20) -> str:
    rnd = random.Random(7)
    out = [HEADER]
    for f in range(n_funds):
        out.append(f'2017-01-01 custom "fund" "case-{f}" "restricted"\n'
                   f'  title: "Case {f}"\n  purpose: "Expenses:Legal, Expenses:Fees"\n')
    for i in range(n):
        date = START + datetime.timedelta(days=i * 2900 // max(n, 1))
        fund = f"case-{i % n_funds if i < 4 * n_funds else rnd.randrange(n_funds)}"
        gross = rnd.randrange(1000, 100000)
        fee = gross // 20
        if i % 4 or i < 4 * n_funds:  # pledges first, so no case is ever overspent
            out.append(f'{date} * "Platform" "Pledges"\n  fund: "{fund}"\n'
                       f"  Assets:Held:Firm {(gross - fee) / 100:.2f} GBP\n"
                       f"  Expenses:Fees:Platform {fee / 100:.2f} GBP\n"
                       f"  Income:Crowdfunding:Platform -{gross / 100:.2f} GBP\n")
        else:
            cost, vat = gross // 4, gross // 20
            out.append(f'{date} * "Firm LLP" "Work"\n  fund: "{fund}"\n  invoice: "F-{i}"\n'
                       f"  Expenses:Legal:Solicitors {cost / 100:.2f} GBP\n"
                       f"  Expenses:Legal:VAT {vat / 100:.2f} GBP\n"
                       f"  Assets:Held:Firm -{(cost + vat) / 100:.2f} GBP\n")
    return "\n".join(out)


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
        path = Path(tmp) / "main.beancount"
        path.write_text(books_text(n))
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
