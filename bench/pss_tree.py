"""Run a command and print the peak memory of it and every process it forks, summed:
`pss_tree.py CMD...`.

bench/peak.py reports ru_maxrss from wait4, the peak of the largest single process: a
child forked by the command (ledger.second_core) is not added, and a child's resident set
counts every page it shares with its parent. Here the whole tree is sampled every few
milliseconds from /proc (smaps_rollup) and summed: PSS, each shared page split between
the processes that map it (the honest sum), and RSS (shared pages counted in each). The
sampling costs CPU: use it for memory, never for time.
"""

import os
import subprocess
import sys
import time


def children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(x) for x in f.read().split()]
    except OSError:
        pass  # gone meanwhile
    return out


def memory(pid: int) -> tuple[int, int]:
    """(PSS, RSS) in KB, or zeros for a process gone meanwhile."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            lines = f.readlines()[1:]
    except OSError:
        return 0, 0
    kb = {line.split(":")[0]: int(line.split()[1]) for line in lines}
    return kb.get("Pss", 0), kb.get("Rss", 0)


def main() -> None:
    proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
    pss = rss = 0
    most = 1
    while proc.poll() is None:
        tree = [proc.pid]
        for pid in tree:  # grows as it is walked
            tree += children(pid)
        sampled = [memory(pid) for pid in tree]
        pss = max(pss, sum(p for p, _ in sampled))
        rss = max(rss, sum(r for _, r in sampled))
        most = max(most, len(tree))
        time.sleep(0.003)
    print(f"peak summed PSS {pss // 1024} MB, summed RSS {rss // 1024} MB, "
          f"processes at most {most}, exit {proc.returncode}")


if __name__ == "__main__":
    main()
