"""Import speed and memory: `fundledger import --dry-run` against beangulp's csvbase importer,
on PayPal downloads of two shapes (bench/paypal_shapes.py): **realistic** (donors repeat
with a long tail, most gifts round but many distinct amounts and fees, ten years, a few
refunds, withdrawals and conversions) and **distinct** (every donor, amount and fee
different: the worst case for any per-distinct-value cache). `--shapes narrow` adds the
first bench's file (7 amounts, 5,000 donors), which flatters any such cache.

For each shape, like against like, every measurement a fresh process:
  - whole commands, as a user runs them (Python start-up and imports included):
    - `fundledger import --dry-run` (reading, validation, fees, funds, pseudonyms, dedup
      against the books, beancount text to /dev/null, and the books loaded with the new
      entries to check them, as a real import does);
    - a beangulp import script's `extract` command with csvbase (identify, extract,
      beangulp's deduplication, beancount text to a file). beangulp skips files over
      8 MiB as "too large"; the script lifts that limit;
  - the work alone, timed inside a child once its modules are imported:
    - fundledger's importers.run.run(dry_run=True), its text written to /dev/null;
    - beangulp.importers.csvbase.Importer.extract() (one posting per row: no fees,
      funds, pseudonyms or dedup, and no text written).

Each is run --repeat times (default 3), all of them taking turns so a busy moment of the
shared machine does not fall on one side only; the best time is shown with the 1-minute
load average when that run started, and the highest peak resident set (ru_maxrss of the
child, through bench/peak.py) over the runs. For the work alone, the peak is also shown
above what the child held once its modules were imported. Then the targets (issue 14):
realistic >= 10x csvbase's throughput, distinct >= 5x, peak memory <= 1.5x csvbase's.

`--into new` (the default) imports into new `init`-like books (BOOKS below), the downloads
starting in 2015. `--into demo` imports into a fresh copy of the demo books (`fundledger
demo`: eight years of every source, with statement balances asserted from its own PayPal
export), with the demo's donor key; the downloads then start the day after the demo's
last PayPal entry, their Balance column continuing from the demo's PayPal balance that
day (read from the demo with beancount), so the import's statement balances hold.
csvbase reads the same file, its `extract -e` given the same books.

    python bench/import_bench.py [--rows N] [--repeat N] [--shapes realistic,distinct]
                                 [--seed N] [--into new|demo] [--markdown]
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from import_report import SIDES, summed_lines, table, verdicts

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
PY = sys.executable
PACKAGES = ("fundledger", "importers", "ledger", "reports")
# No tolerance option: a converted gift's entry balances without one (importers.paypal).
BOOKS = """option "operating_currency" "GBP"
plugin "ledger.plugin"
2010-01-01 open Assets:PayPal
2010-01-01 open Assets:Transfers
2010-01-01 open Income:Donations:PayPal
2010-01-01 open Expenses:Fees:Payment
2010-01-01 custom "fund" "general" "unrestricted"
  title: "General"
"""

# A beangulp import script, as a beangulp user writes one, with the baseline importer.
SCRIPT = """import sys
sys.path.insert(0, {bench!r})
import beangulp
import beangulp.identify
from csvbase_paypal import CsvbasePayPal

beangulp.identify.FILE_TOO_LARGE_THRESHOLD = 1 << 40  # else a 300k-row file is skipped
if __name__ == "__main__":
    beangulp.Ingest([CsvbasePayPal("Assets:PayPal", "GBP")])()
"""


class Run(NamedTuple):
    seconds: float
    peak_kb: int
    load: float           # 1-minute load average as the run started
    base_kb: int = 0      # work alone: what the child held before the work began


def rss_kb() -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def work(side: str, data: str, books: str, report: str) -> None:
    """One in-process measurement, in this (fresh) process: import the modules, then time
    the work alone. Writes `seconds rss-before-KB entries` to report."""
    if side == "ours":
        from importers import arrowcsv
        from importers import run as import_run

        def go() -> int:
            with arrowcsv.reading_ahead([data]):  # as `fundledger import` runs it
                result = import_run.run(Path(books), [data], dry_run=True)
            with open(os.devnull, "w", encoding="utf-8") as out:
                for first, entries in result.parts.values():
                    out.write(first)
                    out.writelines(entries.chunks())
            return result.added - result.asserted  # entries, not the balance checks
    else:
        from csvbase_paypal import CsvbasePayPal

        def go() -> int:
            return len(CsvbasePayPal("Assets:PayPal", "GBP").extract(data, []))
    before = rss_kb()
    t0 = time.perf_counter()
    n = go()
    seconds = time.perf_counter() - t0
    Path(report).write_text(f"{seconds} {before} {n}\n")


def measured(cmd: list[str], env: dict[str, str]) -> tuple[Run, str]:
    """Wall seconds and peak RSS of one command (bench/peak.py forks it, so this driver's
    memory is not counted), and its stderr; exits on failure."""
    load = os.getloadavg()[0]
    with tempfile.NamedTemporaryFile("r", suffix=".peak") as out:
        proc = subprocess.run([PY, str(HERE / "peak.py"), out.name, *cmd], env=env,
                              stderr=subprocess.PIPE, text=True, check=False)
        seconds, kb, code = out.read().split()
    if int(code) or proc.returncode:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")
    return Run(float(seconds), int(kb), load), proc.stderr


def data_for(shape: str, rows: int, seed: int, since=None):
    """The download (made once per generator version, shape, rows, seed and start) and its
    Shape."""
    import paypal_shapes

    version = hashlib.sha256((HERE / "paypal_shapes.py").read_bytes()).hexdigest()[:8]
    if since is not None:  # after existing books: their day and balance name the file
        version += "-" + hashlib.sha256(repr(since).encode()).hexdigest()[:8]
    path = OUT / f"paypal-{shape}-{rows}-{seed}-{version}.csv"
    facts = path.with_suffix(".json")
    if path.exists() and facts.exists():
        return path, paypal_shapes.Shape(*json.loads(facts.read_text()))
    print(f"generating the {shape} download ({rows:,} rows) ...", file=sys.stderr, flush=True)
    shape_facts = paypal_shapes.write(path, shape, rows, seed, since)
    facts.write_text(json.dumps(shape_facts))
    return path, shape_facts


class Books(NamedTuple):
    main: Path
    key: Path           # the donor key imports into them use
    since: object       # paypal_shapes.Since, or None for new books
    described: str


def new_books() -> Books:
    folder = OUT / "books"
    folder.mkdir(exist_ok=True)
    main = folder / "main.beancount"
    main.write_text(BOOKS)
    return Books(main, OUT / "donor.key", None, "new books (import_bench.BOOKS)")


def demo_books() -> Books:
    """A fresh copy of the demo books, and a copy of its donor key readable by us alone
    (an import refuses a key others can read, and a new key would re-pseudonymise)."""
    sys.path.insert(0, str(ROOT))
    from fundledger import demo_books as demo

    folder = OUT / "demo-books"
    shutil.rmtree(folder, ignore_errors=True)
    main = demo.copy_to(folder)
    key = OUT / "demo-donor.key"
    key.unlink(missing_ok=True)
    fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(demo.KEY.read_bytes())
    since, held = paypal_since(main)
    return Books(main, key, since, f"the demo books ({held})")


def paypal_since(main: Path, account: str = "Assets:PayPal"):
    """(Since, what the books hold): the day after the books' last entry on the PayPal
    account and its balance per currency then, from the books as beancount loads them
    (plugins run)."""
    sys.path.insert(0, str(ROOT))
    import paypal_shapes
    from beancount.core import data

    from ledger.books import load

    entries, errors, _ = load(main, cache=False)
    if errors:
        sys.exit(f"{main} does not load cleanly: {errors[0].message}")
    last, balance = None, {}
    for e in entries:
        if isinstance(e, data.Transaction):
            ours = [p for p in e.postings if p.account == account]
            for p in ours:
                balance[p.units.currency] = balance.get(p.units.currency, 0) + p.units.number
        elif isinstance(e, data.Balance):
            ours = e.account == account
        else:
            continue
        if ours:
            last = e.date
    if last is None:
        sys.exit(f"{main} has no {account} history to continue")
    day = last + datetime.timedelta(days=1)
    held = sum(isinstance(e, data.Transaction) for e in entries)
    asserted = sum(isinstance(e, data.Balance) for e in entries)
    money = ", ".join(f"{n} {c}" for c, n in sorted(balance.items()))
    return paypal_shapes.Since(day, balance), (
        f"{held:,} transactions and {asserted:,} balance assertions to {entries[-1].date}; "
        f"{account} {money} after its last entry, the downloads start {day}")


def machine() -> str:
    sys.path.insert(0, str(HERE))
    from compare import machine as described

    return described()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=300_000)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each; the best is shown")
    ap.add_argument("--shapes", default="realistic,distinct",
                    help="comma-separated: realistic, distinct, narrow")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--into", choices=("new", "demo"), default="new",
                    help="new `init`-like books (downloads from 2015), or a copy of the demo "
                         "books (downloads after its PayPal history, balances continuing)")
    ap.add_argument("--markdown", action="store_true", help="print Markdown tables")
    ap.add_argument("--work", nargs=4, metavar=("SIDE", "DATA", "BOOKS", "REPORT"),
                    help=argparse.SUPPRESS)  # one in-process measurement (internal)
    args = ap.parse_args()
    if args.work:
        work(*args.work)
        return
    shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    OUT.mkdir(parents=True, exist_ok=True)
    into = demo_books() if args.into == "demo" else new_books()
    files = {s: data_for(s, args.rows, args.seed, into.since) for s in shapes}
    main_file = into.main
    books = main_file.parent
    script = OUT / "csvbase_import.py"
    script.write_text(SCRIPT.format(bench=str(HERE)))
    env = dict(os.environ, PYTHONPATH=str(ROOT), BEANCOUNT_DISABLE_LOAD_CACHE="1",
               FUNDLEDGER_DONOR_KEY=str(into.key))
    extracted = OUT / "csvbase-extract.beancount"
    report = OUT / "work.report"
    # Our modules compiled to bytecode once, as installing a wheel or any first run does:
    # an editable install under PYTHONDONTWRITEBYTECODE=1 would otherwise compile all of
    # them from source on every run (0.06 s), a cost of this machine, not of the command.
    subprocess.run([PY, "-m", "compileall", "-q", *(str(ROOT / p) for p in PACKAGES)],
                   check=True)
    started = machine()

    def commands(shape: str) -> dict[str, list[str]]:
        data = str(files[shape][0])
        return {"ours": [PY, "-m", "fundledger", "import", data, "--books", str(books),
                         "--dry-run"],
                "theirs": [PY, str(script), "extract", "-e", str(main_file), "-o",
                           str(extracted), data]}

    def once(shape: str, side: str) -> Run:
        data, facts = files[shape]
        if side == "ours_cli":
            run, err = measured(commands(shape)["ours"], env)
            summary = err.strip().splitlines()[-1]
            if not summary.startswith(f"dry run: {facts.entries} new,"):
                sys.exit(f"{shape}: expected {facts.entries} new entries, got: {summary}")
            return run
        if side == "theirs_cli":
            run, _ = measured(commands(shape)["theirs"], env)
            got = extracted.read_text().count("Assets:PayPal")
            extracted.unlink()
            if got < facts.rows:
                sys.exit(f"{shape}: the beangulp script extracted {got} postings, not "
                         f"{facts.rows}")
            return run
        run, _ = measured([PY, str(HERE / "import_bench.py"), "--work", side[:-5], str(data),
                           str(main_file), str(report)], env)
        seconds, before, n = report.read_text().split()
        want = facts.entries if side == "ours_work" else facts.rows
        if int(n) != want:
            sys.exit(f"{shape}: {side} gave {n} entries, not {want}")
        return Run(float(seconds), run.peak_kb, run.load, int(before))

    runs: dict[tuple[str, str], list[Run]] = {(s, k): [] for s in shapes for k, _ in SIDES}
    for n in range(args.repeat):
        for shape in shapes:
            for side, title in SIDES:
                got = once(shape, side)
                runs[shape, side].append(got)
                print(f"  run {n + 1}/{args.repeat} {shape:<9} {title:<32} {got.seconds:7.2f} s "
                      f"{got.peak_kb / 1024:6.0f} MB  load {got.load:.1f}", file=sys.stderr,
                      flush=True)
    best = {key: min(rs, key=lambda r: r.seconds) for key, rs in runs.items()}
    peak = {key: max(rs, key=lambda r: r.peak_kb) for key, rs in runs.items()}
    loads = [r.load for rs in runs.values() for r in rs]
    print(f"machine: {started}; load average over the runs {min(loads):.1f}-{max(loads):.1f}")
    print(f"into: {into.described}")
    print(f"best of {args.repeat} each (time, with the load average as that run began); "
          f"peak memory the highest of the {args.repeat}")
    for shape in shapes:
        _, f = files[shape]
        print(f"{shape}: {f.rows:,} rows ({f.size / 1e6:.1f} MB), {f.entries:,} entries, "
              f"{f.donors:,} donors, {f.amounts:,} distinct amounts, {f.fees:,} distinct fees")
    print()
    print(table(shapes, files, best, peak, args.markdown))
    print()
    print(verdicts(shapes, best, peak))
    print()
    print(summed_lines(summed(shapes, {s: commands(s) for s in shapes}, env)))


def summed(shapes, cmds, env) -> dict[str, tuple[int, int]]:
    """Peak memory of every process of each command added up (bench/pss_tree.py, PSS:
    shared pages split between the processes mapping them), one run each, untimed: the
    timed runs' figures are the largest process alone, which leaves out the children an
    import starts on a second core (the pseudonyms' helper, the books check's fork). Ours
    with the check forced onto the second core (FUNDLEDGER_SECOND_CORE=on): the most the
    import's processes hold together. shape -> (ours, csvbase's) in MB."""
    got = {}
    for s in shapes:
        mb = {}
        for side, extra in (("ours", {"FUNDLEDGER_SECOND_CORE": "on"}), ("theirs", {})):
            proc = subprocess.run([PY, str(HERE / "pss_tree.py"), *cmds[s][side]],
                                  env=dict(env, **extra), capture_output=True, text=True,
                                  check=False)
            words = proc.stdout.split()
            if not proc.stdout.startswith("peak summed PSS") or words[-1] != "0":
                sys.exit(f"{s}: {side} failed under pss_tree:\n{proc.stderr[-2000:]}")
            mb[side] = int(words[3])
        got[s] = mb["ours"], mb["theirs"]
    return got


if __name__ == "__main__":
    main()
