"""What the period lock costs a load: books of N transactions locked through 2023.

    python bench/lock_bench.py [--n 100000] [--repeat 3]

Generates the books (gen_books.py), loads them once with beancount, then times, best of
--repeat, in-process: beancount's load of the books without a lock (the baseline), and
ledger.lock.check() on the loaded entries with a lock through 2023-12-31 in force (the
extra work every load does once the books are locked). A lock is only checked when the
books are really loaded; ledger.cache serves repeated loads without running the plugin.
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from beancount import loader
from beancount.core.data import Custom
from beancount.parser.grammar import ValueType

from ledger import lock as period_lock

HERE = Path(__file__).resolve().parent
THROUGH = datetime.date(2023, 12, 31)


def best(repeat: int, work) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ["BEANCOUNT_DISABLE_LOAD_CACHE"] = "1"
    with tempfile.TemporaryDirectory(prefix="lock-bench-") as tmp:
        subprocess.run([sys.executable, str(HERE / "gen_books.py"), tmp, "--n", str(args.n)],
                       check=True)
        main_file = str(Path(tmp) / "main.beancount")
        result = {}

        def load():
            result["entries"], _errors, result["options"] = loader.load_file(main_file)

        load_s = best(args.repeat, load)
        entries, options = result["entries"], result["options"]
        # As `fundledger lock` writes it: the options and later declarations covered too.
        hashed = period_lock.hashes_through(entries, THROUGH, options)
        value = period_lock.digest(h for h, _e in hashed)
        lock = Custom({"filename": main_file, "lineno": 0, period_lock.COVERS: "options"},
                      THROUGH, "lock", [ValueType(value, str)])
        locked = sorted([*entries, lock], key=lambda e: e.date)
        assert period_lock.check(locked, options) == []
        check_s = best(args.repeat, lambda: period_lock.check(locked, options))
    print(f"{args.n} transactions, {len(hashed)} entries locked through {THROUGH}")
    print(f"beancount load (plugin included, no lock): {load_s:7.2f} s")
    print(f"lock check on every load:                  {check_s:7.2f} s "
          f"({check_s / load_s:.0%} of the load, {check_s / len(hashed) * 1e6:.0f} us/entry)")


if __name__ == "__main__":
    main()
