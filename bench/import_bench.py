"""Import throughput: `fundledger import` against beangulp's csvbase on one PayPal export.

    python bench/import_bench.py [--rows 20000] [--repeat 3]

Writes a PayPal activity download of ROWS donations (bench/out/), then times, best of
--repeat, with peak memory (bench/peak.py):

- beangulp's csvbase.Importer (a minimal PayPal mapping: date, narration, gross): only
  parses rows into entries; the reference for raw reading speed;
- `fundledger import --dry-run`: identify, validate every column, pseudonymise donors,
  deduplicate against the books, render entries;
- `fundledger import`: the same, then verify the changed books with beancount and the fund
  rules, and commit them all-or-nothing (into a fresh copy of the demo books each run).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.compare import PY, ROOT, run_once

HEADER = ["Date", "Time", "TimeZone", "Name", "Type", "Status", "Currency", "Gross", "Fee",
          "Net", "From Email Address", "To Email Address", "Transaction ID",
          "Reference Txn ID", "Receipt ID", "Balance", "Balance Impact"]


def export(path: Path, rows: int) -> None:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(HEADER)
    for i in range(rows):
        gross = 500 + (i * 37) % 5000  # pence: whole numbers, never floats
        fee = 20 + gross * 29 // 1000
        w.writerow([f"{1 + i % 28:02d}/{1 + i % 12:02d}/2024", "10:00:00", "Europe/London",
                    f"Donor {i}", "Donation Payment", "Completed", "GBP",
                    f"{gross // 100}.{gross % 100:02d}", f"-{fee // 100}.{fee % 100:02d}",
                    f"{(gross - fee) // 100}.{(gross - fee) % 100:02d}",
                    f"donor{i % 5000}@example.org", "t@example.org", f"BX{i:08d}", "", "",
                    "", "Credit"])
    path.write_text("\ufeff" + out.getvalue())


def csvbase_extract(path: str) -> None:
    """The beangulp reference: a csvbase importer for the same export."""
    from beangulp.importers import csvbase

    class PayPal(csvbase.Importer):
        encoding = "utf-8-sig"
        date = csvbase.Date("Date", "%d/%m/%Y")
        narration = csvbase.Column("Type")
        amount = csvbase.Amount("Gross", subs={",": ""})

        def identify(self, filepath):
            return True

    entries = PayPal("Assets:PayPal", "GBP").extract(path, [])
    assert entries


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--csvbase":
        csvbase_extract(sys.argv[2])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="fundledger-import-bench-"))
    data = work / "paypal.csv"
    export(data, args.rows)
    env = dict(os.environ, PYTHONPATH=str(ROOT), BEANCOUNT_DISABLE_LOAD_CACHE="1",
               FUNDLEDGER_NO_CACHE="1", FUNDLEDGER_DONOR_KEY=str(work / "donor.key"))
    (work / "donor.key").write_bytes(b"bench-key-not-secret-0123456789ab")
    demo = work / "demo"
    made = run_once([PY, "-m", "fundledger", "demo", str(demo)], env)
    assert made[2], "could not write the demo books"
    shutil.rmtree(demo / "exports", ignore_errors=True)

    def fresh() -> Path:
        target = work / "books"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(demo, target)
        return target / "main.beancount"

    runs = {
        "beangulp csvbase extract": lambda: [PY, str(Path(__file__)), "--csvbase", str(data)],
        "fundledger import --dry-run": lambda: [PY, "-m", "fundledger", "import", str(data),
                                                "--books", str(fresh()), "--dry-run"],
        "fundledger import (verified, committed)": lambda: [
            PY, "-m", "fundledger", "import", str(data), "--books", str(fresh())],
    }
    print(f"\nimport throughput: PayPal export of {args.rows} rows, best of {args.repeat}\n")
    print("| command | wall s | rows/s | peak MB |")
    print("| --- | ---: | ---: | ---: |")
    for name, cmd in runs.items():
        best, peak, ok = float("inf"), 0.0, True
        for _ in range(args.repeat):
            seconds, mb, good = run_once(cmd(), env)
            best, peak, ok = min(best, seconds), max(peak, mb), ok and good
        flag = "" if ok else " (failed)"
        print(f"| {name}{flag} | {best:.2f} | {args.rows / best:,.0f} | {peak:.0f} |",
              flush=True)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
