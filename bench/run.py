"""`make bench`: every benchmark, side by side with its baseline, in one run.

    python bench/run.py [compare.py options, e.g. --n 20000]

Runs bench/compare.py (which ends with bench/import_bench.py), then bench/check_bench.py
(the import's books check, quick against full), then bench/plugin_bench.py (what the fund
rules and the lock add to a load), then bench/fava_bench.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    code = subprocess.run([sys.executable, str(HERE / "compare.py"), *sys.argv[1:]],
                          check=False).returncode
    code |= subprocess.run([sys.executable, str(HERE / "check_bench.py")],
                           check=False).returncode
    code |= subprocess.run([sys.executable, str(HERE / "plugin_bench.py")],
                           check=False).returncode
    fava = HERE / "fava_bench.py"
    if fava.exists():
        code |= subprocess.run([sys.executable, str(fava)], check=False).returncode
    return code


if __name__ == "__main__":
    sys.exit(main())
