"""A writer to be killed: appends many donations to books through ledger.books.

Run as a subprocess by tests/test_crash.py:

    python tests/crash_writer.py MAIN TAG COUNT [--kill-at K]

It appends COUNT transactions narrated TAG to imports/crash/<TAG>.beancount (a new file,
so main.beancount gains an include) and one to journal.beancount: three files change.
It prints `ready` just before the write starts and, at the end, `points N`: the number
of write steps it passed. With --kill-at K it sends itself SIGKILL at step K, where the
steps are: before, halfway through (a torn, unsynced file) and after each durable file
write; before and after each rename; before each folder fsync; before each unlink.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ledger import books


def donations(tag: str, count: int) -> str:
    lines = []
    for i in range(count):
        day = 1 + i % 28
        pence = 100 + (i * 37) % 9900
        lines.append(
            # 2025: after the demo's bank statements, whose balances these would contradict
            f'2025-01-{day:02d} * "Donor" "{tag} gift {i}"\n'
            f'  fund: "general"\n'
            f'  import-id: "crash:{tag}-{i}"\n'
            f"  Assets:Bank:Current           {pence // 100}.{pence % 100:02d} GBP\n"
            f"  Income:Donations:Bank        -{pence // 100}.{pence % 100:02d} GBP\n")
    return "\n".join(lines)


def additions(tag: str, count: int) -> dict[str, str]:
    return {f"imports/crash/{tag}.beancount": donations(tag, count),
            "journal.beancount": "\n" + donations(tag + "-j", 1)}


class Killer:
    """Counts write steps inside the books folder and SIGKILLs this process at one."""

    def __init__(self, folder: Path, kill_at: int | None):
        self.folder = str(folder)
        self.kill_at = kill_at
        self.step = 0

    def point(self, path) -> None:
        if not str(path).startswith(self.folder):
            return
        if self.step == self.kill_at:
            sys.stdout.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        self.step += 1

    def install(self) -> None:
        write, replace, unlink, fsync_dir = (books._write_durably, os.replace, os.unlink,
                                             books._fsync_dir)

        def write_durably(path, text):
            self.point(path)
            if self.step == self.kill_at:  # the next step: die with half a file on disk
                Path(path).parent.mkdir(parents=True, exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text[: len(text) // 2])
            self.point(path)
            write(path, text)
            self.point(path)

        def replace_(src, dst, *a, **kw):
            self.point(dst)
            replace(src, dst, *a, **kw)
            self.point(dst)

        def unlink_(path, *a, **kw):
            self.point(path)
            unlink(path, *a, **kw)

        def fsync_dir_(folder):
            self.point(folder)
            fsync_dir(folder)

        books._write_durably = write_durably
        books._fsync_dir = fsync_dir_
        os.replace = replace_
        os.unlink = unlink_


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("main", type=Path)
    parser.add_argument("tag")
    parser.add_argument("count", type=int)
    parser.add_argument("--kill-at", type=int, default=None)
    args = parser.parse_args()
    killer = Killer(args.main.resolve().parent, args.kill_at)
    killer.install()
    print("ready", flush=True)
    books.append(args.main, additions(args.tag, args.count))
    print(f"points {killer.step}", flush=True)


if __name__ == "__main__":
    main()
