"""Fava on big books: its loads go through the content-keyed cache (ledger.cache), and what
it derives from unchanged books is read back instead of worked out again.

On 100k transactions a restarted Fava spends about 30 s in beancount's load, then seconds
more of its own: its account list (every account's last entry, a walk over every posting)
and its autocompletion lists (payees, accounts and currencies ranked over every posting).
All of it depends only on the books' content, so `fundledger serve` keeps it:

- the load: Fava calls `fava.core.load_uncached` for every load and reload; ledger.cache
  gives the same (entries, errors, options) when every included file, the plugin code and
  beancount are unchanged, and does the real load otherwise;
- the Funds view (and its unclassified note): started as soon as the entries exist
  (reports.fava_ext.warm), and remembered under the books' key;
- Fava's account list and autocompletion lists: remembered under the books' key and
  Fava's version (a new Fava may derive them differently).

And one thing Fava would otherwise miss: it reruns the books' import config only when
that file changes, but fundledger's importers depend on the books (the profiles they
declare), so the config is rerun on every load (a few milliseconds: it reads the
profiles through the cache).

Nothing else of Fava's is touched (its watcher, its filters, its extensions). An edit
changes the key, so everything is worked out afresh exactly as before.
"""

from __future__ import annotations

import threading

from beancount.core.data import Custom

EXTENSION_MODULE = "reports.fava_ext"
# Keys kept (each holds its list of entries, to keep the id unique): Fava's modules ask
# for the key right after the load, so the current books' and the one before suffice;
# more would keep superseded books in memory.
KEEP = 2

_lock = threading.Lock()
_keys: dict[int, tuple[list, str]] = {}  # id(entries) -> (entries, the books' key)


def load_through_cache() -> None:
    """Put Fava's loading on the cache (once per process)."""
    import fava.core

    original = fava.core.load_uncached
    if getattr(original, "fundledger_cached", False):
        return

    def load(path: str, *, is_encrypted: bool):
        if is_encrypted:  # an encrypted main file cannot be hashed as written: Fava's way
            return original(path, is_encrypted=True)
        from ledger import cache
        from reports.fava_ext import warm

        key, (entries, errors, options) = cache.load_keyed(path)
        if key is not None:
            with _lock:
                _keys[id(entries)] = (entries, key)  # holding entries keeps the id unique
                while len(_keys) > KEEP:
                    del _keys[next(iter(_keys))]
        if _enables_funds_page(entries):
            warm.start(entries, options, key)  # beside Fava's own work after the load
        return entries, errors, options

    load.fundledger_cached = True
    load.fava_original = original
    fava.core.load_uncached = load
    _remember_fava_lists()
    _import_config_follows_the_books()


def key_of(entries: list) -> str | None:
    """The books' key of exactly this list of entries, if it came from the cache."""
    with _lock:
        got = _keys.get(id(entries))
    return got[1] if got is not None and got[0] is entries else None


def _enables_funds_page(entries) -> bool:
    return any(e.type == "fava-extension" and e.values and e.values[0].value == EXTENSION_MODULE
               for e in entries if isinstance(e, Custom))


ATTRIBUTES = ("accounts", "currencies", "payees", "links", "tags", "years")


def _import_config_follows_the_books() -> None:
    from fava.core.ingest import IngestModule

    original = IngestModule.load_file
    if getattr(original, "fundledger_rerun", False):
        return

    def load_file(module: IngestModule) -> None:
        module.mtime = None  # Fava's "unchanged since last run" check: rerun it anyway
        original(module)

    load_file.fundledger_rerun = True
    IngestModule.load_file = load_file


def _remember_fava_lists() -> None:
    """Fava's account list (AccountDict) and autocompletion lists (AttributesModule) are
    each read back when the books' key and Fava's version match what computed them."""
    import fava
    from fava.core.accounts import AccountDict
    from fava.core.attributes import AttributesModule

    def account_list(module: AccountDict) -> dict:
        return dict(module)

    def restore_account_list(module: AccountDict, state: dict) -> None:
        module.clear()
        module.update(state)

    def attributes(module: AttributesModule) -> dict:
        return {name: getattr(module, name) for name in ATTRIBUTES}

    def restore_attributes(module: AttributesModule, state: dict) -> None:
        for name, value in state.items():
            setattr(module, name, value)

    for cls, state, restore in ((AccountDict, account_list, restore_account_list),
                                (AttributesModule, attributes, restore_attributes)):
        _remembered(cls, f"fava {fava.__version__} {cls.__name__}", state, restore)


def _remembered(cls, name: str, state, restore) -> None:
    """cls.load_file's result kept under the books' key, `name` and today's date (Fava's
    account list suggests balance directives dated today)."""
    from fava.util import date

    from ledger import cache

    original = cls.load_file
    if getattr(original, "fundledger_remembered", False):
        return

    def load_file(module) -> None:
        key = key_of(module.ledger.all_entries)
        if key is None:
            original(module)
            return

        def make():
            original(module)
            return state(module)

        restore(module, cache.remember(key, f"{name} {date.local_today()}", make))

    load_file.fundledger_remembered = True
    load_file.fava_original = original
    cls.load_file = load_file
