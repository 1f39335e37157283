"""Run a command and write its wall seconds and peak memory: `peak.py OUT CMD...`.

A child's peak resident set (ru_maxrss) includes the memory of the process it was forked
from, so a large benchmark driver would inflate every figure. This small process forks the
command instead; OUT receives `<seconds> <peak KB> <exit code>`.
"""

import os
import subprocess
import sys
import time

out, cmd = sys.argv[1], sys.argv[2:]
started = time.perf_counter()
proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
_pid, status, usage = os.wait4(proc.pid, 0)
seconds = time.perf_counter() - started
with open(out, "w") as f:
    f.write(f"{seconds} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}\n")
