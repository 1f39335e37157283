"""How Fava notices the books changed: its watcher, or polling where the system has no
file watcher left to give.

Fava watches the books with watchfiles, which asks Linux for inotify instances: two per
served books. They are limited per user (128 by default), and an editor, a sync client
or a test run can hold them all. Fava then starts anyway, but its watcher threads die
with "Too many open files", so it never sees an edit again: the treasurer's changes and
imports typed in another window stay invisible until a restart. `fundledger serve` asks
for two watchers first; if the system refuses, watchfiles is told to poll instead
(WATCHFILES_FORCE_POLLING, checked every 300 ms), and the treasurer is told why.
"""

from __future__ import annotations

import os
from pathlib import Path

POLL = "WATCHFILES_FORCE_POLLING"


def watchers_available(folder: Path) -> bool:
    """Whether the system gives two file watchers on `folder` now (each released at once)."""
    from watchfiles._rust_notify import RustNotify, WatchfilesRustInternalError

    made = []
    try:
        for _ in range(2):  # Fava's two: the files and the folders
            made.append(RustNotify([str(folder)], False, False, 300, False, True))
    except (WatchfilesRustInternalError, OSError):
        return False
    finally:
        for notify in made:
            notify.close()
    return True


def poll_if_needed(folder: Path) -> str | None:
    """Make Fava's watcher poll where no file watcher is left; what to tell the treasurer
    then, else None."""
    if os.environ.get(POLL) or watchers_available(folder):
        return None
    os.environ[POLL] = "1"
    return ("note: the system has no file watcher left for Fava (inotify's limit is "
            "reached), so it checks the books for changes every 300 ms instead")
