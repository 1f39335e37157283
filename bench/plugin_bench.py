"""What the fund rules and the period lock add to every real load of the books.

    python bench/plugin_bench.py [--n 100000] [--repeat 2] [--books DIR] [--lock-version 1]

Generates books of N transactions (bench/gen_books.py) in a temporary folder and locks
them through 2023 with `fundledger lock` (as a treasurer would after the year's accounts;
`--lock-version 1` or `2` writes the digest of older locks), or uses a copy of --books
as they are. Before each turn the newest year's file of the books is edited (a gift's
narration changed, as a treasurer's edit before Fava reloads). Then, in this process,
taking turns, best of --repeat, with the cyclic GC paused as fundledger's own loads
pause it:

- beancount's own load (parse, booking, validation) of the same books without the
  `plugin "ledger.plugin"` line: the baseline;
- the fund rules (`ledger.plugin.rules`) on those loaded entries, as the plugin runs them
  on these books (the funds written in place where only the fund rules are named);
- the period lock as the plugin checks it (`ledger.lock.check` on the padded entries),
  proven from the entries alone (the memo off: `verify`, FUNDLEDGER_NO_CACHE=1);
- the same with the memo warm (ledger.lock_memo, as the previous turn's load left it,
  before this turn's edit): the daily case of a version 3 lock, Fava reloading after
  the treasurer's edit;
- the same with no memo yet (the first load after fundledger or beancount is upgraded),
  filling it for the next turn;
- the same with every cache off (FUNDLEDGER_NO_CACHE=1: a fresh machine, CI), taking
  unchanged files' parts from the lock's file record (ledger.lock_record), which
  `fundledger lock` wrote beside the lock (given --books with a version 3 lock and no
  record, `fundledger lock --record` writes it on the copy first, as for books locked
  before the record existed);
- the digest of the locked period in each version (`ledger.lock_digest.period_digest`)
  on the same entries, taking turns: the versions' cost side by side in one process,
  which separate runs on a shared machine blur;
- with --steps, where the lock from the entries alone goes, step by step (STEPS), on
  the same entries, taking turns: what to shorten before trying a faster digest.

Timed with perf_counter, not cProfile (which inflates Python-heavy code such as the
plugin several times more than beancount's C parser). Target (issue 26): the rules and
the lock together under 10% of beancount's own load; the verdict is printed for the lock
from the entries alone (what `verify` and `lock` cost), with the memo warm and with the
record on a cold load. Loads served by ledger.cache do not run the plugin at all.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from beancount import loader
from beancount.core.data import Transaction
from beancount.parser import parser as parser_module

from ledger import lock as period_lock
from ledger import lock_digest, lock_text, plugin
from ledger.rates import operating_currency

THROUGH = datetime.date(2023, 12, 31)
PLUGIN_LINE = 'plugin "ledger.plugin"'
TARGET = 0.10


def timed(work) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds, result) of work() with the cyclic GC paused, as
    ledger.cache loads. CPU time is the steadier measure on a shared machine."""
    gc.collect()
    gc.disable()
    try:
        start, cpu = time.perf_counter(), time.process_time()
        result = work()
        return time.perf_counter() - start, time.process_time() - cpu, result
    finally:
        gc.enable()


def prepare(folder: Path, n: int, books: Path | None, version: str) -> Path:
    """Books in `folder` (generated and locked, or a copy of `books`) and a main file
    beside their main.beancount that names no plugin: beancount's own load."""
    env = dict(os.environ, FUNDLEDGER_NO_CACHE="1", PYTHONPATH=str(ROOT))
    if books is not None:
        shutil.copytree(books if books.is_dir() else books.parent, folder, dirs_exist_ok=True)
        if not list(folder.glob("locks/*.files")):  # locked before `lock` wrote a record
            subprocess.run([sys.executable, "-m", "fundledger", "lock", "--books",
                            str(folder), "--record"], check=False, env=env,
                           stdout=subprocess.DEVNULL)
    else:
        subprocess.run([sys.executable, str(HERE / "gen_books.py"), str(folder), "--n",
                        str(n)], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([sys.executable, "-m", "fundledger", "lock", "--books", str(folder),
                        "--through", str(THROUGH), "--digest-version", version],
                       check=True, env=env,
                       stdout=subprocess.DEVNULL)
    main = folder / "main.beancount"
    os.environ["FUNDLEDGER_CACHE_DIR"] = str(folder / ".memo")  # the memo, of these books
    text = main.read_text()
    if PLUGIN_LINE not in text:
        raise SystemExit(f"{main}: no {PLUGIN_LINE} line; nothing to measure apart")
    bare = folder / "bare.beancount"  # beside main, so every include still resolves
    bare.write_text(text.replace(PLUGIN_LINE, "", 1))
    # Books written an hour ago, as books are: the memo remembers no file changed in the
    # last ten minutes (ledger.lock_memo.SETTLED_NS), so only the edited file is recent.
    past = time.time() - 3600
    for path in folder.rglob("*.beancount"):
        os.utime(path, (past, past))
    return bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="transactions to generate")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each (best kept)")
    parser.add_argument("--books", type=Path, help="measure a copy of these books instead")
    parser.add_argument("--lock-version", choices=("1", "2", "3"), default="3",
                        help="the lock's digest on generated books (1, 2: older locks)")
    parser.add_argument("--steps", action="store_true",
                        help="also time each step of the lock from the entries alone")
    args = parser.parse_args()
    os.environ["BEANCOUNT_DISABLE_LOAD_CACHE"] = "1"
    wall = {name: float("inf") for name in ("load", "rules", "lock", "memo", "cold",
                                            "record", "v1", "v2", "v3", *STEPS)}
    cpu = dict(wall)
    loads = []
    with tempfile.TemporaryDirectory(prefix="plugin-bench-") as tmp:
        bare = prepare(Path(tmp), args.n, args.books, args.lock_version)
        plugins = parser_module.parse_file(str(bare.with_name("main.beancount")))[2]["plugin"]
        newest = newest_file(bare)
        for turn in range(args.repeat + 1):  # taking turns, so a busy moment hits all
            if turn:
                edit(newest, turn)
                loads.append(os.getloadavg()[0])
            *load_took, (entries, errors, options) = timed(
                lambda: loader._uncached_load_file(str(bare), None, None, None))
            if errors:
                raise SystemExit(f"{bare}: {len(errors)} load errors, e.g. {errors[0]}")
            options["plugin"] = plugins  # as the books name them: the lock covers them
            *took, (out, rule_errors) = timed(lambda e=entries, o=options: plugin.rules(
                e, in_place=plugin.alone(o), unit=operating_currency(o, None)))
            # as the plugin runs them on these books (fund_rules)
            if not turn:  # the memo as the load before the edit leaves it
                period_lock.check(plugin.padded(out, options), options, memo=True)
                continue
            best(wall, cpu, "load", load_took)
            best(wall, cpu, "rules", took)
            *took, lock_errors = timed(lambda o=out, m=options: period_lock.check(
                plugin.padded(o, m), m))
            best(wall, cpu, "lock", took)
            *took, memo_errors = timed(lambda o=out, m=options: period_lock.check(
                plugin.padded(o, m), m, memo=True))
            best(wall, cpu, "memo", took)
            shutil.rmtree(Path(os.environ["FUNDLEDGER_CACHE_DIR"]), ignore_errors=True)
            *took, cold_errors = timed(lambda o=out, m=options: period_lock.check(
                plugin.padded(o, m), m, memo=True))  # and the next turn's memo
            best(wall, cpu, "cold", took)
            was = os.environ.get("FUNDLEDGER_NO_CACHE")
            os.environ["FUNDLEDGER_NO_CACHE"] = "1"  # no memo: the record, as on CI
            try:
                *took, record_errors = timed(lambda o=out, m=options: period_lock.check(
                    plugin.padded(o, m), m, memo=True))
            finally:
                os.environ.pop("FUNDLEDGER_NO_CACHE")
                if was is not None:
                    os.environ["FUNDLEDGER_NO_CACHE"] = was
            best(wall, cpu, "record", took)
            if not memo_errors == cold_errors == record_errors == lock_errors:
                raise SystemExit("the lock with the memo or the record and without them "
                                 "disagree")
            for version in (1, 2, 3):
                *took, _digest = timed(lambda o=out, m=options, v=version:
                                       lock_digest.period_digest(o, THROUGH, m, v))
                best(wall, cpu, f"v{version}", took)
            if args.steps:
                steps(plugin.padded(out, options), wall, cpu)
            n_txn = sum(1 for e in out if type(e).__name__ == "Transaction")
            n_locked = sum(1 for e in out if e.date <= THROUGH)
            if rule_errors or lock_errors:
                raise SystemExit(f"the fund rules or the lock refused the books: "
                                 f"{(rule_errors + lock_errors)[0].message}")
            del entries, out, options
    locked = (f"locked through {THROUGH} (lock digest version {args.lock_version})"
              if args.books is None else "as given")
    print(f"{args.books or 'generated books'}: {n_txn} transactions, {locked} "
          f"({n_locked} entries on or before {THROUGH}); "
          f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, load average "
          f"{min(loads):.1f}-{max(loads):.1f}; best of {args.repeat}, GC paused")
    print(f"{'':56} {'wall s':>8} {'share':>7} {'CPU s':>8} {'share':>7}")
    rows = (("beancount's own load (no plugin)", ("load",)),
            ("fund rules (ledger.plugin.rules)", ("rules",)),
            ("lock, from the entries alone", ("lock",)),
            ("lock, memo warm, newest file edited", ("memo",)),
            ("lock, memo cold (filling it)", ("cold",)),
            ("lock, cold load with the books' file record (no cache)", ("record",)),
            ("rules and lock (entries alone)", ("rules", "lock")),
            ("rules and lock (memo warm)", ("rules", "memo")),
            ("rules and lock (file record, no cache)", ("rules", "record")),
            ("digest version 1 of the period", ("v1",)),
            ("digest version 2 of the period", ("v2",)),
            ("digest version 3 of the period", ("v3",)))
    if args.steps:
        rows += tuple((f"  {text}", (name,)) for name, text in STEPS.items())
    for name, parts in rows:
        w, c = sum(wall[p] for p in parts), sum(cpu[p] for p in parts)
        print(f"{name:56} {w:8.2f} {w / wall['load']:7.1%} {c:8.2f} {c / cpu['load']:7.1%}")
    for how, lock in (("the lock from the entries alone", "lock"),
                      ("the lock with the memo warm", "memo"),
                      ("the lock from the file record on a cold load", "record")):
        shares = [(d["rules"] + d[lock]) / d["load"] for d in (wall, cpu)]
        print(f"target, with {how}: under {TARGET:.0%} of beancount's own load: "
              + ("met" if max(shares) < TARGET else "NOT met"))


# The lock from the entries alone (lock.check, memo off), a step at a time: each step
# timed on its own, so they add up to about the whole, less check's few other scans.
STEPS = {"pick": "the locked entries picked out",
         "txns": "the locked transactions' texts",
         "postings": "  of which their postings' texts",
         "others": "the other locked entries' texts",
         "shake": "SHAKE-256 to 2048 bits, added up (v3)",
         "sha256": "a sha256 each, sorted, hashed (v1's form)"}


def steps(entries, wall: dict, cpu: dict) -> None:
    """Time each step of a version 3 lock proven from the entries (lock_digest.
    period_texts2 and part3), and the cheaper order-free combiner measured beside it."""
    def pick():
        txns = [e for e in entries if e.date <= THROUGH and type(e) is Transaction]
        return txns, [e for e in entries if e.date <= THROUGH and type(e) is not
                      Transaction and lock_digest.covered(e)]

    *took, (txns, others) = timed(pick)
    best(wall, cpu, "pick", took)
    *took, texts = timed(lambda: list(map(lock_text.txn_text2, txns)))
    best(wall, cpu, "txns", took)
    best(wall, cpu, "postings", timed(lambda: list(map(
        lock_text._postings_text, [t.postings for t in txns]))))
    *took, more = timed(lambda: list(map(lock_text.entry_text2, others)))
    best(wall, cpu, "others", took)
    texts += more
    best(wall, cpu, "shake", timed(lambda: lock_digest.part3(texts)))
    sha256 = hashlib.sha256
    best(wall, cpu, "sha256", timed(lambda: sha256(b"".join(sorted(
        sha256(t.encode()).digest() for t in texts))).digest()))


def newest_file(bare: Path) -> Path:
    """The books' file of gifts whose entries are the latest: the year a treasurer is
    editing."""
    last = {}
    for path in bare.parent.rglob("*.beancount"):
        text = path.read_text()
        dates = re.findall(r"^(\d{4}-\d\d-\d\d) \*", text, re.MULTILINE)
        if dates and "  Income:" in text:
            last[path] = max(dates)
    return max(last, key=last.get)


def edit(path: Path, turn: int) -> None:
    """Mark the narration of the file's last gift: an edit that changes the file's
    entries, not only its bytes, and leaves every balance and fund as it was."""
    text = path.read_text()
    starts = [m.start() for m in re.finditer(r"^\d{4}-\d\d-\d\d \* ", text, re.MULTILINE)]
    start = next(i for i in reversed(starts) if "  Income:" in text[i:text.find(
        "\n\n", i) if "\n\n" in text[i:] else len(text)])
    head = text.index("\n", start)
    line = re.sub(r'"([^"]*)"$', rf'"\1 (edit {turn})"', text[start:head])
    path.write_text(text[:start] + line + text[head:])


def best(wall: dict, cpu: dict, name: str, took: list[float]) -> None:
    wall[name] = min(wall[name], took[0])
    cpu[name] = min(cpu[name], took[1])


if __name__ == "__main__":
    main()
