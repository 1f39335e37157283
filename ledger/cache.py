"""A load cache keyed by content, so repeated reports on large books are fast.

beancount's own pickle cache (`.main.beancount.picklecache`) trusts file modification
times and never notices a change to a plugin's code, so after editing the fund rules it
can serve entries checked by the old rules. This cache is keyed by what the result
depends on:

the bytes of every file beancount read (re-hashed on every use), of every module of the
`ledger` package (the fund rules) and any other plugin the books name; the names of the
files in the books' `documents` folders; the beancount and Python versions and the path
of the main file.

Any mismatch, or a cache that cannot be read, means a real load. One cache file per
books (named by the main file's path) lives in $FUNDLEDGER_CACHE_DIR, else
~/.cache/fundledger; it is written atomically, and only the most recent few are kept.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import beancount
from beancount import loader

from ledger import plugin
from ledger.cache_deps import dependencies as _dependencies
from ledger.cache_deps import documents as _documents
from ledger.cache_deps import sha as _sha

FORMAT = "fundledger-load-cache-2"
KEEP = 32  # cache files kept; the oldest beyond this are removed on each write
# A file whose mtime is this close to the load's start may have changed during it (a
# coarse clock): its hash might not be what beancount read, so the load is not cached.
RACY_NS = 50_000_000
# Entries are pickled in chunks: a pickler remembers every object it wrote (to share
# references), and for 100k transactions that memo alone outgrew the books in memory.
CHUNK = 2000

LEDGER_DIR = Path(__file__).resolve().parent
T = TypeVar("T")


def cache_dir() -> Path:
    env = os.environ.get("FUNDLEDGER_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "fundledger"


def disabled() -> bool:
    return os.environ.get("FUNDLEDGER_NO_CACHE", "") not in ("", "0")


def plugin_files() -> list[Path]:
    """The code of our own plugin: every module of the `ledger` package."""
    return sorted(LEDGER_DIR.glob("*.py"))


def _static_key(main: Path) -> str:
    """What the result depends on besides the books' own files."""
    h = hashlib.sha256()
    for part in (FORMAT, beancount.__version__, sys.version, str(main)):
        h.update(part.encode() + b"\0")
    for path in plugin_files():
        h.update(path.name.encode() + b"\0" + (_sha(path) or "missing").encode() + b"\0")
    return h.hexdigest()


def _cache_file(main: Path) -> Path:
    return cache_dir() / (hashlib.sha256(str(main).encode()).hexdigest()[:32] + ".pickle")


def _valid_header(f, main: Path, static: str) -> dict | None:
    """The header at the start of an open cache file, if every file it names still has
    the content it was cached with. Only a valid cache pays for unpickling the entries."""
    header = pickle.load(f)
    if (not isinstance(header, dict) or header.get("static") != static
            or not isinstance(header.get("deps"), dict)):
        return None
    if not _unchanged(header["deps"]):
        return None
    folders, digest = header["documents"]
    if _documents({"documents": folders}, main) != digest:
        return None
    return header


def _read(cache: Path, main: Path, static: str, entries: bool = True):
    """(header, (entries, errors, options)) from the cache, or (None, None) if missing,
    stale or unreadable; with entries=False only the header is read."""
    try:
        with open(cache, "rb") as f:
            header = _valid_header(f, main, static)
            if header is None:
                return None, None
            if not entries:
                return header, None
            with paused_gc():
                return header, _load_result(f)
    except Exception:  # noqa: BLE001 - a torn or foreign pickle fails in many ways
        return None, None


def _write(cache: Path, header: dict, result) -> None:
    entries, errors, options = result
    chunks = [entries[i:i + CHUNK] for i in range(0, len(entries), CHUNK)]
    _write_pickles(cache, header, (errors, options, len(chunks)), *chunks)


def _load_result(f):
    errors, options, count = pickle.load(f)
    entries = []
    for _ in range(count):
        entries.extend(pickle.load(f))
    return entries, errors, options


def _write_pickles(cache: Path, *objects) -> None:
    """Pickles written one after another to a temporary file renamed into place."""
    cache.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache.parent, prefix=".tmp-", suffix=".pickle")
    try:
        with os.fdopen(fd, "wb") as f:
            for obj in objects:
                pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _prune(cache.parent)


def _prune(folder: Path) -> None:
    """Keep the KEEP most recently written caches; a cache is only ever an optimisation."""
    with contextlib.suppress(OSError):
        files = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns)
        for old in files[:-KEEP]:
            with contextlib.suppress(OSError):
                old.unlink()


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Loading builds millions of objects and no garbage cycles: the collector would rescan
    them again and again (a third of beancount's load on 100k transactions). Pause it,
    then freeze what was built so later collections skip it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def real_load(main: Path):
    """beancount's load without its own mtime-keyed pickle cache (nothing written beside
    the books). `_uncached_load_file` is beancount 3.2's loader entry point under
    `load_file`; the version is pinned below 3.3.

    Books that no longer name the fund rules (`plugin "ledger.plugin"`) get them anyway:
    deleting one line must not switch off the fund rules and the period lock."""
    entries, errors, options = loader._uncached_load_file(str(main), None, None, None)
    if not any(name == PLUGIN for name, _config in options.get("plugin", [])):
        entries, more = plugin.fund_rules(entries, options)
        errors = [*errors, *more]
    return entries, errors, options


PLUGIN = "ledger.plugin"


def _share_tolerances(entries: list) -> None:
    """beancount gives every transaction its own `__tolerances__` (an immutable mapping
    of currency to tolerance), nearly always one of a handful of values. One shared
    object per value (kept exactly, exponent and all) means 100k fewer objects in memory,
    and about a fifth less time to read the entries back from the cache."""
    shared: dict = {}
    for entry in entries:
        meta = entry.meta
        tolerances = meta.get("__tolerances__") if meta else None
        if tolerances is None:
            continue
        key = (type(tolerances), str(getattr(tolerances, "default", None)),
               tuple(sorted((k, str(v)) for k, v in tolerances.items())))
        meta["__tolerances__"] = shared.setdefault(key, tolerances)


def load_cached(main: str | os.PathLike):
    """Load books like beancount's loader, from the cache when nothing they depend on
    changed. Returns (entries, errors, options), kept with the digest of every file read:
    an import checks its new entries against them (ledger.quick, through current())."""
    main = Path(main).resolve()
    if disabled():
        with paused_gc():
            result = real_load(main)
        deps = _dependencies(result[2], main)
    else:
        header, result = _load(main)
        deps = header and header["deps"]
    _last[:] = [(main, _static_key(main), deps, result)] if deps else []
    return result


_last: list = []  # the last books load_cached gave: (main, static key, deps, result)


def current(main: str | os.PathLike):
    """The (entries, errors, options) this process last loaded for these books, if no file
    they depend on has changed since (each is hashed again); else None."""
    main = Path(main).resolve()
    if _last and _last[0][0] == main and _last[0][1] == _static_key(main) \
            and _unchanged(_last[0][2]):
        return _last[0][3]
    return None


def _unchanged(deps: dict) -> bool:
    return all(d is not None and _sha(path) == d for path, d in deps.items())


def _load(main: Path, entries: bool = True):
    """(header, result): from the cache if valid, else a real load that refills it. The
    header is None when the load could not be cached; result is None only when
    entries=False and the cache was valid."""
    static = _static_key(main)
    cache = _cache_file(main)
    header, result = _read(cache, main, static, entries)
    if header is not None:
        return header, result
    start = time.time_ns()
    with paused_gc():
        result = real_load(main)
        _share_tolerances(result[0])
    options = result[2]
    deps = _dependencies(options, main)
    racy = any(_mtime(p) >= start - RACY_NS for p in deps)
    if racy or any(d is None for d in deps.values()):
        return None, result
    folders = list(options.get("documents", []))
    header = {"static": static, "deps": deps,
              "documents": (folders, _documents(options, main))}
    try:
        _write(cache, header, result)
    except OSError:
        return None, result
    return header, result


# The entries this process last loaded for each books' main file (a server keeps them in
# memory anyway), for what else runs during that load; only the last few books' are kept.
_recent: dict[Path, list] = {}
RECENT = 4


def recent(main: str | os.PathLike) -> list | None:
    """The entries the latest load_keyed of these books gave in this process, if any."""
    return _recent.get(Path(main).resolve())


def load_keyed(main: str | os.PathLike):
    """(key, (entries, errors, options)): load_cached's result and a key naming the exact
    content it was loaded from, for results derived from these entries (`remember`). The
    key is None when the load could not be cached (files changing while read, or the cache
    turned off): nothing derived from it is remembered."""
    main = Path(main).resolve()
    if disabled():
        with paused_gc():
            result = real_load(main)
        key = None
    else:
        header, result = _load(main)
        key = _books_key(header)
    _recent.pop(main, None)
    _recent[main] = result[0]
    while len(_recent) > RECENT:
        del _recent[next(iter(_recent))]
    return key, result


def _books_key(header: dict | None) -> str | None:
    if header is None:
        return None
    return hashlib.sha256(pickle.dumps((header["static"], sorted(header["deps"].items()),
                                        header["documents"]))).hexdigest()


def remember(key: str, name: str, make: Callable[[], T]) -> T:
    """make(), remembered under the books' key (`load_keyed`), a name saying what it is
    (with anything else it depends on, a version say), and the source of every project
    module (`_code_key`: whatever code computed it). A result that cannot be read back is
    computed again; one that cannot be written is still returned."""
    h = hashlib.sha256(f"{key}\0{name}\0{_code_key()}".encode())
    memo = cache_dir() / "derived" / (h.hexdigest()[:40] + ".pickle")
    with contextlib.suppress(Exception), open(memo, "rb") as f:
        return pickle.load(f)
    value = make()
    with contextlib.suppress(Exception):
        _write_pickles(memo, value)
    return value


def derived(main: str | os.PathLike, compute: Callable[..., T], *args) -> T:
    """compute(entries, errors, options, *args), remembered for these exact books.

    A report over 100k transactions is mostly the cost of having the entries in memory;
    its result is small. This keeps the result under the books' key, the name of
    `compute` and `args` (`remember`), so a repeated report reads a few KB instead of the
    whole books, and does not even read the entries when it was remembered. The result
    must pickle; args must have a stable repr.
    """
    main = Path(main).resolve()
    if disabled():  # a command asking for two reports still loads the books once
        return compute(*(current(main) or load_cached(main)), *args)
    header, loaded = _load(main, entries=False)
    if header is None:  # could not be cached: compute from what was just loaded
        return compute(*(loaded or load_cached(main)), *args)

    def make() -> T:
        return compute(*(loaded or current(main) or load_cached(main)), *args)

    name = f"{_name(compute)}{[_name(a) if callable(a) else a for a in args]!r}"
    return remember(_books_key(header), name, make)


def _name(function) -> str:
    """A function's stable name (its repr holds a memory address)."""
    return f"{function.__module__}.{function.__qualname__}"


PACKAGES = ("ledger", "reports", "importers", "fundledger")


def _code_key() -> str:
    """The source of every module of this project: whatever code a report ran. (All of
    it, not the modules loaded now: a real load imports the plugin, a cached one does not,
    and the key must not depend on that.)"""
    root = LEDGER_DIR.parent
    h = hashlib.sha256()
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            h.update(str(path.relative_to(root)).encode() + b"\0"
                     + (_sha(path) or "missing").encode())
    return h.hexdigest()


def _mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return sys.maxsize
