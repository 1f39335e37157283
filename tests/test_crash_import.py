"""`fundledger import` killed at any moment, and two imports at once.

The real CLI imports a large PayPal export into a copy of the demo books and is SIGKILLed
at random moments; the books must then load clean and be byte-identical to the books
before the import or after a complete one. Two imports started together must both land
whole; the same export imported twice at once must land exactly once.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ledger import books

ROWS = 2000
KILLS = 12
ROOT = Path(__file__).resolve().parent.parent
PAYPAL = ["Date", "Time", "TimeZone", "Name", "Type", "Status", "Currency", "Gross", "Fee",
          "Net", "From Email Address", "To Email Address", "Transaction ID",
          "Reference Txn ID", "Receipt ID", "Balance", "Balance Impact"]


def paypal_export(path: Path, rows: int, prefix: str = "9KX") -> None:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(PAYPAL)
    for i in range(rows):
        gross = 500 + (i * 37) % 5000  # pence
        fee = 20 + gross * 29 // 1000
        day = 1 + i % 28
        # 2025: after the demo statements, whose balances these gifts would contradict
        w.writerow([f"{day:02d}/0{1 + i % 6}/2025", "10:00:00", "Europe/London",
                    f"Donor {i}", "Donation Payment", "Completed", "GBP",
                    f"{gross // 100}.{gross % 100:02d}",
                    f"-{fee // 100}.{fee % 100:02d}",
                    f"{(gross - fee) // 100}.{(gross - fee) % 100:02d}",
                    f"donor{i}@example.org", "t@example.org", f"{prefix}{i:07d}", "", "", "",
                    "Credit"])
    path.write_text("\ufeff" + out.getvalue())


def snapshot(folder: Path) -> dict[str, str]:
    """The books' files; the lock and an abandoned writer's leftovers are not the books."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != books.LOCK and not p.name.endswith(books.NEW_SUFFIX)
            and p.name != books.JOURNAL + ".tmp"}


def importer(main: Path, *files: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "fundledger", "import", *map(str, files),
                             "--books", str(main)], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    base = tmp_path_factory.mktemp("crash-import")
    from conftest import cli_env, run_cli

    env = cli_env()
    env.update(FUNDLEDGER_NO_CACHE="1", TMPDIR=str(base),
               FUNDLEDGER_DONOR_KEY=str(base / "donor.key"))  # one key: same pseudonyms
    (base / "donor.key").write_bytes(b"k" * 32)
    (base / "donor.key").chmod(0o600)  # an import refuses a key others can read
    made = run_cli("demo", base / "pristine", env=env)
    assert made.returncode == 0, made.stderr
    shutil.rmtree(base / "pristine" / "exports", ignore_errors=True)
    paypal, paypal2 = base / "paypal.csv", base / "paypal2.csv"
    paypal_export(paypal, ROWS)
    paypal_export(paypal2, ROWS, prefix="9KY")  # same size, same target file, other ids
    done = base / "done"
    shutil.copytree(base / "pristine", done)
    started = time.monotonic()
    proc = importer(done / "main.beancount", paypal, env=env)
    _out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    return {"base": base, "env": env, "paypal": paypal, "paypal2": paypal2,
            "before": snapshot(base / "pristine"), "after": snapshot(done),
            "duration": time.monotonic() - started}


def fresh(world, name: str) -> Path:
    folder = world["base"] / name
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(world["base"] / "pristine", folder)
    return folder / "main.beancount"


def import_ids(main: Path) -> list[str]:
    entries, errors, _ = books.load(main, cache=False)
    assert errors == [], [books.format_error(e) for e in errors]
    return [e.meta["import-id"] for e in entries
            if "import-id" in getattr(e, "meta", {})
            and e.meta["import-id"].startswith(("paypal:9KX", "paypal:9KY"))]


def test_the_import_changes_the_books(world):
    assert world["before"] != world["after"]


def test_killed_import_leaves_old_or_new_books(world):
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    outcomes = []
    for run in range(KILLS):
        main = fresh(world, f"kill{run}")
        proc = importer(main, world["paypal"], env=world["env"])
        # Scheduling only: where to kill. The write is the last moment of a run, so the
        # moments lean late; some land after the end (the import finished: new books).
        time.sleep(world["duration"] * rng.uniform(0.2, 1.1))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=600)
        ids = import_ids(main)  # loads (finishing a journaled change) and must be clean
        state = snapshot(main.parent)
        assert state in (world["before"], world["after"]), (seed, run)
        assert len(ids) in (0, ROWS)
        outcomes.append("after" if state == world["after"] else "before")
        shutil.rmtree(main.parent)
    print(f"seed {seed}: {outcomes}")


def test_two_imports_at_once_both_land(world):
    """Both append to imports/paypal/2024.beancount; planned outside the lock, the second
    would rewrite the file without the first's rows."""
    main = fresh(world, "both")
    procs = [importer(main, world["paypal"], env=world["env"]),
             importer(main, world["paypal2"], env=world["env"])]
    for proc in procs:
        _out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    ids = import_ids(main)
    assert len(ids) == len(set(ids)) == 2 * ROWS


def test_same_export_twice_at_once_lands_once(world):
    main = fresh(world, "twice")
    procs = [importer(main, world["paypal"], env=world["env"]) for _ in range(2)]
    for proc in procs:
        _out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    assert snapshot(main.parent) == world["after"]
    ids = import_ids(main)
    assert len(ids) == len(set(ids)) == ROWS
