"""fundledger: fund accounting for litigation crowdfunders, grants and donations.

This package is the shell: the CLI and `serve`. It composes `importers`, `reports` and
`ledger` and holds no accounting logic of its own.
"""

import os

__version__ = "0.1.0"

# numpy's OpenBLAS starts a thread per CPU when numpy is imported, and they spin waiting
# for matrix work no fundledger command ever gives them: on a 300,000-row import that
# was 5% of the CPU samples (perf), taken from the second core the import's own reading
# and books check use. One thread, unless whoever runs us says otherwise. Set here, in
# the first module every command runs, before anything imports numpy.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
