"""Books on disk: find them, load them, and change them all-or-nothing.

A books folder holds `main.beancount` and the files it includes. Every write to the books
(an import, a fund close) goes through `apply()`, which:

1. takes a lock on the folder, so two writers are serialised (readers take it shared, so
   no reader sees a commit half done);
2. builds the changed files in a private staging copy and loads it with beancount and the
   fund plugin; if that copy has any error, nothing in the books is touched;
3. commits with a journal: every new file is written beside its target and fsync'd, the
   journal naming them is written, then each is renamed over its target. A writer killed
   at any moment leaves either the old books or, once the journal exists, books that the
   next writer (or `recover()`) rolls forward to the new ones; never a half-written file.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import glob
import json
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path

from ledger import cache as load_cache
from ledger import quick
from ledger import second_core as second_core_
from ledger.folder import MAIN, BooksError, resolve  # noqa: F401 (the books' names, here too)
from ledger.lock_register import DETAIL_FOLDER
from ledger.quick_columns import Appended

Changes = Mapping[str, "str | Appended"]  # books path -> whole contents after a change

LOCK = ".fundledger.lock"  # older versions locked this file; now the folder itself is locked
JOURNAL = ".fundledger-journal.json"
NEW_SUFFIX = ".fundledger-new"


def load(path: str | os.PathLike, cache: bool = True):
    """Load books with beancount (plugins run). Returns (entries, errors, options).

    Read under a shared lock, after finishing any change a killed writer journaled, so a
    reader never sees books that are half old and half new. With `cache` (unless
    FUNDLEDGER_NO_CACHE=1) the result comes from ledger.cache when no included file and no
    plugin code changed. Either way the fund rules and the period lock are checked, even
    on books that no longer name the plugin (load_cache.real_load): the two paths must
    report the same errors."""
    main = resolve(path)
    with reading(main.parent):
        if cache:
            return load_cache.load_cached(main)
        with load_cache.paused_gc():
            return load_cache.real_load(main)


def derived(path: str | os.PathLike, compute, *args):
    """compute(entries, errors, options, *args) for these books, remembered by
    ledger.cache until the books or the code change (always computed with
    FUNDLEDGER_NO_CACHE=1). Read as load() reads."""
    main = resolve(path)
    with reading(main.parent):
        return load_cache.derived(main, compute, *args)


@contextlib.contextmanager
def reading(folder: Path) -> Iterator[None]:
    """Hold the books still while they are read: a shared lock, so no writer is between
    its first and last rename meanwhile (a writer holds the exclusive lock throughout).
    A journal left by a killed writer is rolled forward first, under the exclusive lock."""
    if folder in _held():  # this thread is the writer (an import plans under apply's lock)
        yield
        return
    while True:
        if (folder / JOURNAL).exists():
            with locked(folder):
                recover(folder)
        with locked(folder, shared=True):
            if not (folder / JOURNAL).exists():  # else a writer died meanwhile: go again
                yield
                return


def format_error(error, root: Path | None = None) -> str:
    """One `file:line: message` line for a beancount or fund-rule error."""
    source = error.source or {}
    filename = source.get("filename") or "<books>"
    if root is not None:
        with contextlib.suppress(ValueError):
            filename = str(Path(filename).relative_to(root))
    lineno = source.get("lineno")
    message = " ".join(str(error.message).split()) + _rounding_hint(str(error.message))
    return f"{filename}:{lineno}: {message}" if lineno else f"{filename}: {message}"


UNBALANCED = re.compile(r"Transaction does not balance: \((-?[0-9.]+(?:E-?[0-9]+)?) [A-Z]")


def _rounding_hint(message: str) -> str:
    """What to do about a remainder far below a penny: beancount turns each `@@` total
    into a price per unit and back, which leaves digits in the 27th place, and books with
    no tolerance for that currency refuse them. `fundledger init` sets the option."""
    found = UNBALANCED.search(message)
    if not found or abs(Decimal(found.group(1))) >= Decimal("1E-9"):
        return ""
    return ("; this is rounding, not a missing amount: beancount turns an @@ total into a "
            "price per unit and back. Allow it with "
            '`option "inferred_tolerance_default" "*:0.005"` in the main file '
            "(`fundledger init` writes it)")


# Folders whose lock this thread holds. flock is per open file, so a second lock by the
# same thread on a new descriptor would wait for itself: an import reads the books (load)
# while apply() holds the exclusive lock to plan under it. (Other threads lock for real.)
_LOCAL = threading.local()


def _held() -> set[Path]:
    if not hasattr(_LOCAL, "held"):
        _LOCAL.held = set()
    return _LOCAL.held


@contextlib.contextmanager
def locked(folder: Path, shared: bool = False) -> Iterator[None]:
    """A lock on the books folder: exclusive for a write (held throughout), shared for a
    read. Re-entering a lock this thread already holds is a no-op."""
    if folder in _held():
        yield
        return
    try:
        # The lock is on the books folder itself: reading (a dry run, a report) takes it
        # without leaving a lock file behind, and read-only books can still be locked.
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        if not shared:
            raise
        fd = None
    if fd is None:  # no such folder: nothing to hold still
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        _held().add(folder)
        yield
    finally:
        _held().discard(folder)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def recover(folder: Path) -> bool:
    """Finish a commit that a killed writer left journaled. Returns True if it did any."""
    journal = folder / JOURNAL
    if not journal.exists():
        _clean_strays(folder)
        return False
    try:
        targets = json.loads(journal.read_text())
    except (OSError, ValueError):
        # The journal is written atomically, so a torn one cannot exist; be safe anyway.
        targets = []
    for rel in targets:
        new = folder / (rel + NEW_SUFFIX)
        if new.exists():
            os.replace(new, folder / rel)
    # The renames must be on disk before the journal goes: fsync every folder they touched.
    for parent in sorted({(folder / rel).parent for rel in targets} | {folder}):
        _fsync_dir(parent)
    journal.unlink()
    _clean_strays(folder)
    return True


def _clean_strays(folder: Path) -> None:
    """New files written before a journal existed belong to an abandoned change."""
    for stray in folder.rglob("*" + NEW_SUFFIX):
        stray.unlink()
    with contextlib.suppress(FileNotFoundError):
        (folder / (JOURNAL + ".tmp")).unlink()


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write(path: Path, contents: str | Appended, durably: bool = False) -> None:
    """Write a file's new contents; an Appended piece by piece, never joined."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        if isinstance(contents, str):
            f.write(contents)
        else:
            f.write(contents.old)
            f.writelines(contents.pieces())
        if durably:
            f.flush()
            os.fsync(f.fileno())


def _write_durably(path: Path, contents: str | Appended) -> None:
    _write(path, contents, durably=True)


INCLUDE = re.compile(r'^\s*include\s+"((?:[^"\\]|\\.)*)"', re.MULTILINE)


def included(main: Path, changes: Changes | None = None) -> list[str]:
    """Every file the books include (main first), as paths relative to the books folder,
    reading `changes` in place of the files they replace. Raises BooksError for an
    include outside the folder or not named *.beancount: a write stages and checks exactly
    the books' files, so it must know them all."""
    folder = main.parent
    changes = changes or {}
    found: dict[str, None] = {}
    todo = [main.name]
    while todo:
        rel = todo.pop(0)
        if rel in found:
            continue
        found[rel] = None
        path = folder / rel
        if rel in changes:
            text = str(changes[rel])  # an Appended made whole
        elif path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
        else:
            continue  # beancount reports a missing include itself
        for m in INCLUDE.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            pattern = m.group(1)
            base = path.parent
            targets = sorted(glob.glob(str(base / pattern))) if glob.has_magic(pattern) \
                else [str(base / pattern)]
            for target in targets:
                resolved = Path(os.path.normpath(target))
                try:
                    inside = resolved.relative_to(folder)
                except ValueError:
                    inside = None
                if inside is None or ".." in inside.parts:
                    raise BooksError([(f"{path}:{line}: include \"{pattern}\" is outside "
                                       "the books folder; fundledger changes only books "
                                       "whose files all live in it")])
                if resolved.suffix != ".beancount":
                    raise BooksError([(f"{path}:{line}: include \"{pattern}\" is not a "
                                       ".beancount file; fundledger changes only books "
                                       "whose files are all named *.beancount")])
                todo.append(inside.as_posix())
    return list(found)


def check_changed(main: Path, changes: Changes) -> list[str]:
    """Errors of the books as they would be after `changes`: none when ledger.quick proves
    the appended entries leave the books clean over the entries already loaded, else those
    of a full load (`check_in_full`). Books that include a file outside their folder, or
    one not named *.beancount, always take the full path, which refuses them: the quick
    proof works from the loaded entries and never sees the includes."""
    loaded = load_cache.current(main)
    if _files_all_inside(main, loaded) and quick.proven_clean(main, changes, loaded):
        return []
    return check_in_full(main, changes)


def _files_all_inside(main: Path, loaded) -> bool:
    if loaded is None:
        return False
    folder = str(main.parent) + os.sep
    return all(os.path.normpath(f).startswith(folder) and f.endswith(".beancount")
               for f in loaded[2].get("include", ()))


def check_in_full(main: Path, changes: Changes) -> list[str]:
    """Load the books as they would be after `changes`, in a staging copy of exactly the
    files the books include, and the locks' detail files and records beside them (a load
    reads them: a lock that no longer holds names the entry from its detail). Returns
    errors."""
    folder = main.parent
    with tempfile.TemporaryDirectory(prefix="fundledger-stage-") as tmp:
        stage = Path(tmp)
        if (folder / DETAIL_FOLDER).is_dir():
            shutil.copytree(folder / DETAIL_FOLDER, stage / DETAIL_FOLDER)
        for rel in included(main, changes):
            src = folder / rel
            (stage / rel).parent.mkdir(parents=True, exist_ok=True)
            if rel not in changes and src.is_file():
                shutil.copyfile(src, stage / rel)
        for rel, contents in changes.items():
            _write(stage / rel, contents)
        with load_cache.paused_gc():
            _entries, errors, _options = load_cache.real_load(stage / main.name)
        return [format_error(err).replace(str(stage), str(folder)) for err in errors]


def apply(main: Path, changes: Changes | Callable[[Path], Changes],
          second_core: bool = False) -> None:
    """Replace whole files of the books (paths relative to the books folder), all or nothing.

    `changes` may be a function of the main file computing the new contents: it is called
    under the lock, so a change derived from the books as they are (an append) cannot
    overwrite what another writer committed meanwhile. Raises BooksError, with the books
    untouched, if the changed books would not load clean. With `second_core` (a process
    doing nothing else), a large import's `.new` files are written while a forked child
    checks (ledger.second_core); they are removed if the check fails.
    """
    main = resolve(main)
    folder = main.parent
    with locked(folder):
        recover(folder)
        if callable(changes):
            changes = changes(main)
        if not changes:
            return
        for rel in changes:
            if Path(rel).is_absolute() or ".." in Path(rel).parts:
                raise BooksError([f"{rel}: refusing to write outside the books folder"])
        news = [folder / (rel + NEW_SUFFIX) for rel in changes]
        made = sorted({d for n in news for d in n.parents if d.is_relative_to(folder)
                       and d != folder and not d.exists()}, key=lambda d: -len(d.parts))
        errors = second_core_.check_while(
            functools.partial(check_changed, main, changes),
            lambda: [_write_durably(n, t) for n, t in zip(news, changes.values(), strict=True)],
            drop=lambda: _unstage(news, made), aside=second_core and second_core_.worth_it(changes))
        if errors:
            raise BooksError(errors)
        journal_tmp = folder / (JOURNAL + ".tmp")
        _write_durably(journal_tmp, json.dumps(sorted(changes)))
        os.replace(journal_tmp, folder / JOURNAL)  # the commit point
        _fsync_dir(folder)
        recover(folder)


def _unstage(news: list[Path], made: list[Path]) -> None:
    """Remove staged files, and the folders made for them (deepest first), if empty."""
    for path in news:
        path.unlink(missing_ok=True)
    for folder in made:
        with contextlib.suppress(OSError):
            folder.rmdir()


def append(main: Path, additions: Mapping[str, str]) -> None:
    """Append text to books files (see appended()), all or nothing, under the lock."""
    apply(main, lambda m: appended(m, additions))


def appended(main: Path, additions: Mapping[str, str | Callable[[], Iterable[str]]],
             ) -> dict[str, str | Appended]:
    """Whole-file contents after appending text to books files, with includes added to main.

    `additions` maps a path relative to the books folder (e.g. imports/paypal/2019.beancount)
    to the text to append, or to a function giving that text in pieces (the file is then an
    Appended: its text is made as it is written). A file new to the books gets an `include`
    line in main.beancount.
    """
    main = resolve(main)
    folder = main.parent
    changes: dict[str, str | Appended] = {}
    main_text = main.read_text(encoding="utf-8")
    includes = []
    for rel, text in additions.items():
        target = folder / rel
        old = target.read_text(encoding="utf-8") if target.exists() else ""
        if old and not old.endswith("\n"):
            old += "\n"
        changes[rel] = old + text if isinstance(text, str) else Appended(old, text)
        if not target.exists():
            line = f'include "{rel}"'
            if line not in main_text:
                includes.append(line)
    if includes:
        if main_text and not main_text.endswith("\n"):
            main_text += "\n"
        changes[main.name] = main_text + "\n".join(sorted(includes)) + "\n"
    return changes
