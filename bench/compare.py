"""fundledger side by side with bean-check, hledger and ledger, on the same generated books.

    python bench/compare.py [--n 100000] [--repeat 3] [--markdown] [--books DIR] [--cold-only]

Generates books of N transactions (bench/gen_books.py, kept in bench/out/ for the next
run), exports them as a journal for hledger and ledger (bench/export_journal.py), then
runs each command --repeat times and prints the best wall time and the peak memory (the
child's maximum resident set, from wait4) with both as ratios to bean-check:

- bean-check with beancount's own cache off: the baseline, loading the books once;
- `fundledger funds` with fundledger's cache off (target, issue 26: at most 1.0x
  bean-check); these two take turns, run by run, so a busy moment hits both;
- `fundledger funds` filling an empty cache (a first run);
- `fundledger check` reading the entries from the cache;
- `fundledger funds` repeated on unchanged books (target: faster than `ledger bal`);
- `hledger bal` and `ledger bal` on the exported journal (Debian's packages).

Memory target: every fundledger row at most 1.2x bean-check's peak. `--cold-only` runs
just the first two rows (no journal export, no import bench): the cold-load ratio alone. The machine (CPUs,
model, RAM, load average) is printed with the figures: on a shared machine, compare rows
of one run, not runs.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench import export_journal, gen_books

PY = sys.executable


@dataclass
class Row:
    name: str
    seconds: float
    peak_mb: float
    ok: bool


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float, bool]:
    """Wall seconds, peak RSS in MB, success of one run (measured by bench/peak.py)."""
    with tempfile.NamedTemporaryFile("r", suffix=".peak") as out:
        proc = subprocess.run([PY, str(HERE / "peak.py"), out.name, *cmd], env=env,
                              stderr=subprocess.PIPE, text=True, check=False)
        seconds, kb, code = out.read().split()
    if int(code) != 0 or proc.returncode != 0:
        print(f"  ! {' '.join(cmd)} exited {code}: {proc.stderr.strip()[:300]}",
              file=sys.stderr)
    return float(seconds), int(kb) / 1024, int(code) == 0


def measure(name: str, cmd: list[str], env: dict[str, str], repeat: int,
            before=None) -> Row:
    return taking_turns([(name, cmd, env)], repeat, before)[0]


def taking_turns(commands: list[tuple[str, list[str], dict[str, str]]], repeat: int,
                 before=None) -> list[Row]:
    """Best time and highest peak of each (name, cmd, env), the commands run in turn
    `repeat` times over, so that a busy moment on a shared machine hits each alike."""
    best = [float("inf")] * len(commands)
    peak = [0.0] * len(commands)
    ok = [True] * len(commands)
    for _ in range(repeat):
        for i, (_name, cmd, env) in enumerate(commands):
            if before:
                before()
            seconds, mb, good = run_once(cmd, env)
            best[i], peak[i], ok[i] = min(best[i], seconds), max(peak[i], mb), ok[i] and good
    rows = [Row(name, best[i], peak[i], ok[i]) for i, (name, _c, _e) in enumerate(commands)]
    for row in rows:
        print(f"  {row.name:<44} {row.seconds:8.2f} s {row.peak_mb:8.0f} MB", file=sys.stderr)
    return rows


def machine() -> str:
    model = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        kb = int(f.readline().split()[1])
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{os.cpu_count()} CPUs, {model}, {kb / 2**20:.0f} GB RAM, "
            f"Python {platform.python_version()}, load average {load}")


def versions() -> str:
    import beancount

    out = [f"beancount {beancount.__version__}"]
    for tool in ("hledger", "ledger"):
        path = shutil.which(tool)
        if path:
            first = subprocess.run([path, "--version"], capture_output=True, text=True,
                                   check=False).stdout.splitlines()
            out.append(first[0].split(",")[0] if first else tool)
    return ", ".join(out)


def books_for(n: int, seed: int, given: Path | None) -> Path:
    if given:
        return given / "main.beancount" if given.is_dir() else given
    folder = HERE / "out" / f"books-{n}-{seed}"
    main = folder / "main.beancount"
    if not main.exists():
        print(f"generating {n} transactions in {folder} ...", file=sys.stderr)
        shutil.rmtree(folder, ignore_errors=True)
        gen_books.generate(folder, n, seed)
    return main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="transactions to generate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per command (best kept)")
    parser.add_argument("--books", type=Path, help="use these books instead of generating")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--cold-only", action="store_true",
                        help="only bean-check against `fundledger funds` with its cache off")
    args = parser.parse_args(argv)

    main_file = books_for(args.n, args.seed, args.books)
    cache_dir = Path(tempfile.mkdtemp(prefix="fundledger-bench-cache-"))
    base = dict(os.environ, PYTHONPATH=str(ROOT), BEANCOUNT_DISABLE_LOAD_CACHE="1",
                FUNDLEDGER_CACHE_DIR=str(cache_dir))
    base.pop("FUNDLEDGER_NO_CACHE", None)
    no_cache = dict(base, FUNDLEDGER_NO_CACHE="1")
    journal = main_file.parent.with_suffix(".journal")
    from ledger import books

    entries, errors, _ = books.load(main_file, cache=False)
    if errors:
        print(f"{main_file}: the books do not load clean ({len(errors)} errors)",
              file=sys.stderr)
        return 1
    n_txn = sum(1 for e in entries if type(e).__name__ == "Transaction")
    if not args.cold_only:
        print("exporting the journal for hledger and ledger ...", file=sys.stderr)
        export_journal.write(entries, journal)
    del entries
    started = machine()

    def empty_cache() -> None:
        shutil.rmtree(cache_dir, ignore_errors=True)

    fl = [PY, "-m", "fundledger"]
    bean_check = shutil.which("bean-check", path=str(Path(PY).parent)) or "bean-check"
    rows = taking_turns([
        ("bean-check (cache off): baseline", [bean_check, str(main_file)],
         dict(no_cache)),
        ("fundledger funds, cache off", fl + ["funds", "--books", str(main_file)], no_cache)],
        args.repeat)
    if not args.cold_only:
        rows += more_rows(fl, main_file, journal, base, args.repeat, empty_cache)
    shutil.rmtree(cache_dir, ignore_errors=True)

    base_row = rows[0]
    today = datetime.date.today().isoformat()
    print(f"\n{n_txn} transactions, {main_file.parent}, {today}")
    print(f"machine: {started}")
    print(f"tools: {versions()}\n")
    if args.markdown:
        print(f"| command | wall s (best of {args.repeat}) | x bean-check | peak MB "
              "| x bean-check |")
        print("| --- | ---: | ---: | ---: | ---: |")
    for row in rows:
        t_ratio, m_ratio = row.seconds / base_row.seconds, row.peak_mb / base_row.peak_mb
        flag = "" if row.ok else "  (failed)"
        if args.markdown:
            print(f"| {row.name}{flag} | {row.seconds:.2f} | {t_ratio:.2f} | "
                  f"{row.peak_mb:.0f} | {m_ratio:.2f} |")
        else:
            print(f"{row.name:<44} {row.seconds:8.2f} s {t_ratio:6.2f}x "
                  f"{row.peak_mb:8.0f} MB {m_ratio:6.2f}x{flag}")
    print()
    print(targets(rows))
    if not args.cold_only:
        print("\nimport throughput (bench/import_bench.py):", flush=True)
        subprocess.run([PY, str(HERE / "import_bench.py")], env=base, check=False)
    return 0 if all(r.ok for r in rows) else 1


def more_rows(fl: list[str], main_file: Path, journal: Path, base: dict[str, str],
              repeat: int, empty_cache) -> list[Row]:
    """The cache's rows, then hledger's and ledger's."""
    rows = [measure("fundledger funds, filling an empty cache",
                    fl + ["funds", "--books", str(main_file)], base, repeat,
                    before=empty_cache),
            measure("fundledger check, entries from the cache",
                    fl + ["check", str(main_file)], base, repeat),
            measure("fundledger funds, repeated (warm)",
                    fl + ["funds", "--books", str(main_file)], base, repeat)]
    for tool in ("hledger", "ledger"):
        path = shutil.which(tool)
        if path:
            rows.append(measure(f"{tool} bal", [path, "-f", str(journal), "bal"], base,
                                repeat))
        else:
            print(f"  {tool} is not installed (make system-deps): skipped", file=sys.stderr)
    return rows


def targets(rows: list[Row]) -> str:
    by = {r.name: r for r in rows}
    base = rows[0]
    cold = by["fundledger funds, cache off"]
    lines = [f"cold funds / bean-check: {cold.seconds / base.seconds:.2f}x (target <= 1.0x) "
             + ("met" if cold.seconds <= base.seconds else "NOT met")]
    if "fundledger funds, repeated (warm)" not in by:
        return "\n".join(lines)
    warm = by["fundledger funds, repeated (warm)"]
    if "ledger bal" in by:
        led = by["ledger bal"]
        lines.append(f"warm funds {warm.seconds:.2f} s vs ledger bal {led.seconds:.2f} s "
                     + ("met" if warm.seconds < led.seconds else "NOT met"))
    worst = max((r for r in rows if r.name.startswith("fundledger")), key=lambda r: r.peak_mb)
    lines.append(f"largest fundledger peak / bean-check: {worst.peak_mb / base.peak_mb:.2f}x "
                 f"({worst.name}; target <= 1.20x) "
                 + ("met" if worst.peak_mb <= 1.2 * base.peak_mb else "NOT met"))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
