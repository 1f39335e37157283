"""How fast the Funds page renders in Fava, beside Fava's own Income Statement.

    python bench/fava_bench.py [--n 100000] [--repeat 5] [--skip-large]

For the demo books and for generated books of N transactions (bench/gen_books.py, written
under bench/out/, reused when already there), prints:

- Fava's load of the books (beancount + plugin + Fava's own modules), once;
- the Funds page, a fund's page, and the same with a time filter: the first (cold) request
  and the median of the warm ones after it, through Fava's real Flask app;
- Fava's Income Statement, the baseline: its page plus the JSON the browser fetches for it.

Target: a warm Funds page under 1 s on both books. Timing is wall-clock on a shared
machine: run it twice and believe the smaller figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("BEANCOUNT_DISABLE_LOAD_CACHE", "1")

from fava.application import create_app

from fundledger import demo_books
from reports.funds import reconcile

OUT = ROOT / "bench" / "out"
EXTENSION = '2017-01-01 custom "fava-extension" "reports.fava_ext" "{}"\n'


def generated_books(n: int) -> Path:
    """Generated books of n transactions with the Funds page enabled (made once)."""
    import gen_books

    folder = OUT / f"fava-{n}"
    main = folder / "main.beancount"
    if not main.exists():
        print(f"generating {n} transactions in {folder} ...", flush=True)
        gen_books.generate(folder, n=n)
        (folder / "fava.beancount").write_text(EXTENSION)
        with main.open("a") as f:
            f.write('include "fava.beancount"\n')
    return main


def timed(client, url: str, repeat: int) -> tuple[float, float]:
    """(cold seconds, median warm seconds) for GET url."""
    times = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}\n{response.data[:500]!r}")
    return times[0], statistics.median(times[1:])


def timed_pair(client, urls: list[str], repeat: int) -> tuple[float, float]:
    """Like timed(), for a page made of several requests (summed)."""
    colds, warms = zip(*(timed(client, u, repeat) for u in urls), strict=True)
    return sum(colds), sum(warms)


def bench(label: str, main: Path, repeat: int) -> None:
    start = time.perf_counter()
    app = create_app([str(main.resolve())], load=True)
    load = time.perf_counter() - start
    ledger = app.config["LEDGERS"].ledgers[0]
    if ledger.extensions.errors:
        raise SystemExit(f"{main}: {ledger.extensions.errors[0].message}")
    n_txn = len(ledger.all_entries_by_type.Transaction)
    slug = app.config["LEDGERS"].first_slug()
    client = app.test_client()
    funds = f"/{slug}/extension/Funds/"
    summaries = reconcile(ledger.all_entries, ledger.options)
    busiest = max(summaries, key=lambda s: s.legal_total).fund
    last_year = ledger.all_entries_by_type.Transaction[-1].date.year
    rows = [
        ("Funds page", [funds]),
        ("a fund's page", [f"{funds}?fund={busiest}"]),
        (f"Funds page, time={last_year}", [f"{funds}?time={last_year}"]),
        ("Funds page, filter=#legal", [f"{funds}?filter=%23legal"]),
        ("Fava Income Statement (baseline)",
         [f"/{slug}/income_statement/", f"/{slug}/api/income_statement"]),
        (f"Fava Income Statement, time={last_year}",
         [f"/{slug}/income_statement/?time={last_year}",
          f"/{slug}/api/income_statement?time={last_year}"]),
    ]
    print(f"\n{label}: {n_txn} transactions; Fava load {load:.2f} s")
    print(f"  {'page':<40} {'cold':>9} {'warm':>9}")
    for name, urls in rows:
        cold, warm = timed_pair(client, urls, repeat)
        print(f"  {name:<40} {cold * 1000:>7.0f}ms {warm * 1000:>7.1f}ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="generated transactions")
    parser.add_argument("--repeat", type=int, default=5, help="warm requests to time")
    parser.add_argument("--skip-large", action="store_true", help="demo books only")
    args = parser.parse_args()
    bench("demo books", demo_books.MAIN, args.repeat)
    if not args.skip_large:
        bench(f"generated books (n={args.n})", generated_books(args.n), args.repeat)


if __name__ == "__main__":
    main()
