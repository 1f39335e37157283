"""The import's books check: ledger.quick over entry objects against the full staging load
it replaces (ledger.books.check_in_full), on the same planned import, one process.

Books: new books (import_bench.BOOKS) into which the first --books-rows rows of a realistic
PayPal download are imported for real (`fundledger import`, timed with its peak memory:
the "real import into new books" figure). Then the download's next --rows rows (whose
balances follow on) are planned against them and both checks are timed on the changes,
best of --repeat, with the 1-minute load average. Both must accept.

    python bench/check_bench.py [--books-rows N] [--rows N] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[0:0] = [str(HERE.parent), str(HERE)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--books-rows", type=int, default=50_000)
    ap.add_argument("--rows", type=int, default=5_000)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()

    import import_bench
    import paypal_shapes

    with tempfile.TemporaryDirectory(prefix="check-bench-") as tmp:
        books = Path(tmp) / "books"
        books.mkdir()
        (books / "main.beancount").write_text(import_bench.BOOKS)
        # One download split in two, so the second part's balances follow on the first's.
        whole = Path(tmp) / "whole.csv"
        paypal_shapes.write(whole, "realistic", args.books_rows + args.rows)
        lines = whole.read_text(encoding="utf-8-sig").splitlines(keepends=True)
        cut = 1 + args.books_rows  # moved on to a new day: a day's statement balance is
        while cut < len(lines) and lines[cut][:12] == lines[cut - 1][:12]:  # all its rows'
            cut += 1
        first, second = Path(tmp) / "first.csv", Path(tmp) / "second.csv"
        first.write_text("".join(lines[:cut]), encoding="utf-8-sig")
        second.write_text("".join(lines[:1] + lines[cut:]), encoding="utf-8-sig")
        env = dict(os.environ, FUNDLEDGER_CACHE_DIR=str(Path(tmp) / "cache"),
                   FUNDLEDGER_DONOR_KEY=str(Path(tmp) / "donor.key"))
        load = os.getloadavg()[0]
        with tempfile.NamedTemporaryFile("r", suffix=".peak") as out:
            subprocess.run([sys.executable, str(HERE / "peak.py"), out.name, sys.executable,
                            "-m", "fundledger", "import", "--books", str(books), str(first)],
                           env=env, check=True, capture_output=True)
            seconds, kb, _code = out.read().split()
        print(f"real import of {args.books_rows:,} realistic rows into new books: "
              f"{float(seconds):.1f} s, peak {int(kb) // 1024} MB (load {load:.1f})")
        os.environ.update(env)
        from importers.pseudonym import Pseudonymiser
        from importers.run import plan
        from ledger import books as ledger_books
        from ledger import cache, quick

        main_file = (books / "main.beancount").resolve()
        planned = plan(main_file, [str(second)], "", Pseudonymiser())
        changes = planned.changes(main_file)
        loaded = cache.current(main_file)
        n = sum(1 for e in loaded[0] if type(e).__name__ == "Transaction")
        best: dict[str, tuple[float, float]] = {}
        for _ in range(args.repeat):
            for name, check in (("quick", lambda: quick.proven_clean(main_file, changes,
                                                                     loaded)),
                                ("full", lambda: not ledger_books.check_in_full(main_file,
                                                                                changes))):
                load = os.getloadavg()[0]
                t0 = time.perf_counter()
                ok = check()
                took = time.perf_counter() - t0
                if not ok:  # say why, and what the other check says, then stop
                    print(f"{name} check refused: "
                          + (_why(main_file, changes, loaded) if name == "quick" else
                             "; ".join(ledger_books.check_in_full(main_file, changes)[:3])))
                    if name == "quick":
                        errors = ledger_books.check_in_full(main_file, changes)
                        print(f"full load: {len(errors)} error(s) {errors[:3]}")
                    sys.exit(1)
                if name not in best or took < best[name][0]:
                    best[name] = (took, load)
        print(f"checking {planned.added:,} new entries against books of {n:,} transactions "
              f"(best of {args.repeat}):")
        for name, (took, load) in best.items():
            print(f"  {name:5} {took:6.2f} s (load {load:.1f})")
        print(f"  quick/full: {best['quick'][0] / best['full'][0]:.2f}")


def _why(main_file, changes, loaded) -> str:
    from ledger import quick

    try:
        quick._prove(main_file, changes, loaded)
    except quick.NotProven as e:
        return str(e)
    return "(proven on a second try)"


if __name__ == "__main__":
    main()
