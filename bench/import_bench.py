"""Import speed: `fundledger import --dry-run` against beangulp's csvbase importer.

Generates a PayPal activity download of N rows (default 300,000) into bench/out/, then in
one run times, like against like:
  - whole commands, as a user runs them (subprocesses: Python start-up and imports
    included):
    - `fundledger import --dry-run` (reading, validation, fees, funds, pseudonyms, dedup
      against the books, beancount text to /dev/null);
    - a beangulp import script's `extract` command with csvbase (identify, extract,
      beangulp's deduplication, beancount text to a file). beangulp skips files over
      8 MiB as "too large"; the script lifts that limit;
  - the work alone, in this process after the modules are imported:
    - fundledger's importers.run.run(dry_run=True), its text written to /dev/null;
    - beangulp.importers.csvbase.Importer.extract() (one posting per row: no fees,
      funds, pseudonyms or dedup, and no text written);
and prints rows per second for each (best of --repeat runs, default 3, taking turns) and
fundledger's multiple of csvbase in each pair.

    python bench/import_bench.py [--rows N] [--repeat N]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from beangulp.importers import csvbase

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
HEADER = ["Date", "Time", "TimeZone", "Name", "Type", "Status", "Currency", "Gross", "Fee", "Net",
          "From Email Address", "To Email Address", "Transaction ID", "Shipping Address",
          "Item Title", "Reference Txn ID", "Receipt ID", "Balance", "Note", "Balance Impact"]
BOOKS = """option "operating_currency" "GBP"
plugin "ledger.plugin"
2010-01-01 open Assets:PayPal
2010-01-01 open Assets:Transfers
2010-01-01 open Income:Donations:PayPal
2010-01-01 open Expenses:Fees:Payment
2010-01-01 custom "fund" "general" "unrestricted"
  title: "General"
"""


def generate(path: Path, rows: int) -> None:
    rng = random.Random(7)
    names = [f"Donor {i}" for i in range(5000)]
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL)
        w.writerow(HEADER)
        for i in range(rows):
            day = 1 + i * 3000 // rows
            date = f"{1 + day % 28:02d}/{1 + day // 28 % 12:02d}/{2015 + day // 336}"
            gross = rng.choice([5, 10, 20, 25, 50, 100, 1000])
            fee = round(gross * 0.014 + 0.2, 2)
            who = rng.choice(names)
            w.writerow([date, "10:00:00", "Europe/London", who, "Donation Payment", "Completed",
                        "GBP", f"{gross:,.2f}", f"-{fee:.2f}", f"{gross - fee:,.2f}",
                        who.replace(" ", ".").lower() + "@example.org", "org@example.org",
                        f"BENCH{i:09d}", "1 High Street", "Donation", "", "", "0.00",
                        "", "Credit"])


class CsvbasePayPal(csvbase.Importer):
    encoding = "utf-8-sig"
    date = csvbase.Date("Date", "%d/%m/%Y")
    narration = csvbase.Column("Type")
    amount = csvbase.Amount("Gross", subs={",": ""})
    currency = csvbase.Column("Currency")

    def identify(self, filepath):
        return True


# A beangulp import script, as a beangulp user writes one, for the CsvbasePayPal above.
SCRIPT = """import sys
sys.path.insert(0, {bench!r})
import beangulp
import beangulp.identify
from import_bench import CsvbasePayPal

beangulp.identify.FILE_TOO_LARGE_THRESHOLD = 1 << 40  # else a 300k-row file is skipped
if __name__ == "__main__":
    beangulp.Ingest([CsvbasePayPal("Assets:PayPal", "GBP")])()
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=300_000)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each; the best is shown")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    data = OUT / f"paypal-{args.rows}.csv"
    if not data.exists():
        generate(data, args.rows)
    books = OUT / "books"
    books.mkdir(exist_ok=True)
    (books / "main.beancount").write_text(BOOKS)
    env = dict(os.environ, PYTHONPATH=str(ROOT), BEANCOUNT_DISABLE_LOAD_CACHE="1",
               FUNDLEDGER_DONOR_KEY=str(OUT / "donor.key"))
    os.environ["FUNDLEDGER_DONOR_KEY"] = env["FUNDLEDGER_DONOR_KEY"]
    from importers import run as import_run

    script = OUT / "csvbase_import.py"
    script.write_text(SCRIPT.format(bench=str(ROOT / "bench")))
    extracted = OUT / "csvbase-extract.beancount"
    got: dict[str, object] = {}

    def ours_cli() -> None:
        r = subprocess.run([sys.executable, "-m", "fundledger", "import", str(data), "--books",
                            str(books), "--dry-run"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True, env=env, check=False)
        if r.returncode:
            sys.exit(r.stderr)
        got["summary"] = r.stderr.strip().splitlines()[-1]

    def ours_work() -> None:
        result = import_run.run(books / "main.beancount", [str(data)], dry_run=True)
        with open(os.devnull, "w", encoding="utf-8") as out:
            for first, entries in result.parts.values():
                out.write(first)
                out.writelines(entries.chunks())
        got["added"] = result.added

    def theirs_work() -> None:
        entries = CsvbasePayPal("Assets:PayPal", "GBP").extract(str(data), [])
        assert len(entries) >= args.rows

    def theirs_cli() -> None:
        r = subprocess.run([sys.executable, str(script), "extract", "-e",
                            str(books / "main.beancount"), "-o", str(extracted), str(data)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                           check=False)
        if r.returncode or extracted.read_text().count("Assets:PayPal") < args.rows:
            sys.exit(f"the beangulp script failed: {r.stderr[-2000:]}")
        extracted.unlink()

    # Best of N for each, the four taking turns, so a busy moment of the machine does
    # not fall on one side only.
    times: dict[str, list[float]] = {f.__name__: [] for f in
                                     (ours_cli, theirs_cli, ours_work, theirs_work)}
    for _ in range(args.repeat):
        for f in (ours_cli, theirs_cli, ours_work, theirs_work):
            t0 = time.perf_counter()
            f()
            times[f.__name__].append(time.perf_counter() - t0)
    ours, theirs_cli, ours_in, theirs = (min(times[k]) for k in
                                         ("ours_cli", "theirs_cli", "ours_work", "theirs_work"))
    added = got["added"]

    n = args.rows
    if added != n:
        sys.exit(f"fundledger in-process added {added} entries, not {n}")
    print(f"rows: {n:,} ({data.stat().st_size / 1e6:.1f} MB PayPal download); "
          f"best of {args.repeat} each")
    print("whole commands (start-up and imports included):")
    print(f"  fundledger import --dry-run    : {ours:7.2f} s  {n / ours:>10,.0f} rows/s "
          "(fees, funds, pseudonyms, dedup, beancount text)")
    print(f"  beangulp extract with csvbase  : {theirs_cli:7.2f} s  {n / theirs_cli:>10,.0f} "
          "rows/s (one posting per row, beancount text)")
    print(f"  fundledger's throughput: {theirs_cli / ours:.2f}x csvbase's")
    print("the work alone (in-process, modules already imported):")
    print(f"  fundledger importers.run.run  : {ours_in:7.2f} s  {n / ours_in:>10,.0f} rows/s "
          "(the same, text to /dev/null)")
    print(f"  csvbase Importer.extract()     : {theirs:7.2f} s  {n / theirs:>10,.0f} rows/s "
          "(one posting per row, no text)")
    print(f"  fundledger's throughput: {theirs / ours_in:.2f}x csvbase's")
    print(got["summary"])


if __name__ == "__main__":
    main()
