"""What Fava's import page needs: a CONFIG list of beangulp importers (Fava 1.30 runs the
books' import-config file with runpy and reads CONFIG and, optionally, HOOKS).

The books' import config (see the demo's books/import_config.py) is two lines:

    from importers.fava import config_for
    CONFIG, HOOKS = config_for(__file__), []
"""

from __future__ import annotations

from pathlib import Path

from beancount.core.data import Transaction

from importers.base import importers_for
from importers.pseudonym import Pseudonymiser
from importers.settings import Settings, own_profiles
from ledger import books, cache


def config_for(config_file: str | Path) -> list:
    """Importers for the books beside `config_file`: their own profiles, then built-ins.

    Only the books' profile declarations are read here (the rules, funds and what is
    already booked come from the entries Fava passes to each extract). Fava runs this
    file after each load of the books: the entries it has just loaded are read (a
    second load of 100k transactions would take as long as Fava's own), else, under a
    plain beangulp script, the books through their content-keyed cache."""
    folder = Path(config_file).resolve().parent
    main = folder / "main.beancount"
    loaded = cache.recent(main)
    if loaded is not None:
        profiles = own_profiles(loaded, folder)
    elif main.exists():
        profiles = books.derived(main, _own_profiles, str(folder))
    else:
        profiles = []
    pseudo = Pseudonymiser()
    # As `fundledger import`: the key is checked against these books when first needed
    # (a missing key for books holding pseudonyms is refused, not replaced).
    pseudo.for_books(folder, lambda: _holds_pseudonyms(main))
    return importers_for(Settings(profiles=profiles), pseudo)


def _holds_pseudonyms(main: Path) -> bool:
    entries = cache.recent(main)
    if entries is None:
        entries = books.load(main)[0] if main.exists() else []
    return any("donor" in e.meta for e in entries if isinstance(e, Transaction))


def _own_profiles(entries, _errors, _options, folder: str) -> list[Path]:
    return own_profiles(entries, Path(folder))


def plain_import_errors(app) -> None:
    """On Fava's import page, a file the importer refuses (a bad row, rows no rule claims)
    answers with fundledger's own `FILE:ROW: problem` message as a 400, not Fava's
    "Error calling method on importer" 500 with a Python traceback."""
    from http import HTTPStatus

    from fava.core.ingest import ImporterExtractError
    from fava.json_api import json_err

    from importers.errors import Problem

    def handler(error: ImporterExtractError):
        cause = error.__cause__
        while cause is not None and not isinstance(cause, Problem):
            cause = cause.__cause__
        if cause is None:
            # Fava's message carries the Python traceback (and with it cells of the file):
            # that goes to the server's log, the page gets one plain line.
            app.logger.error("import failed", exc_info=error)
            kind = type(error.__cause__ or error).__name__
            return json_err(f"this file could not be imported ({kind}); nothing was "
                            "extracted. The details are in the server's log.",
                            HTTPStatus.INTERNAL_SERVER_ERROR)
        return json_err(str(cause), HTTPStatus.BAD_REQUEST)

    # Fava's JSON API answers its own errors from its blueprint, which Flask asks before the
    # app: the handler goes beside Fava's, wherever Fava registered one.
    from fava.helpers import FavaAPIError

    app.register_error_handler(ImporterExtractError, handler)
    for spec in app.error_handler_spec.values():
        handlers = spec.get(None)
        if handlers is not None and FavaAPIError in handlers:
            handlers[ImporterExtractError] = handler


def no_raw_exports(app) -> None:
    """Fava serves any file in its import folders as a document (`/<books>/document/
    ?filename=...`): a raw export holds donors' names, emails and messages, so under
    fundledger serve a file in an import folder is never sent, only imported."""
    from pathlib import Path

    from flask import abort, g, request

    @app.before_request
    def refuse_exports():
        if request.endpoint != "document":
            return
        ledger = getattr(g, "ledger", None)
        target = Path(request.args.get("filename", "")).resolve()
        dirs = ledger.fava_options.import_dirs if ledger is not None else []
        root = Path(ledger.beancount_file_path).parent if ledger is not None else Path("/")
        for folder in dirs:
            folder = (root / folder).resolve()
            if target == folder or folder in target.parents:
                abort(404)
        return


def saves_imports(app) -> None:
    """Extract on Fava's import page makes the accounts the file's entries would open
    known to the page (Fava's form refuses an account it does not know), and Save writes
    the imported entries the way `fundledger import` does: through importers.run under the books' lock, to imports/<source>/<year>.beancount,
    opening the accounts they use (on the books' start date) in imports/accounts.beancount,
    with the balance assertions and exactly the text the CLI writes. Fava's own save
    (`PUT /api/add_entries`) would append them to main.beancount, and cannot: it refuses an
    `open`, and its JSON round trip turns metadata into values beancount does not print.

    An entry that carries `import-file` (its export's sha256) is found again among the
    files in the books' import folders and re-extracted there, keeping just the import-ids
    the treasurer saved (an entry left as a duplicate is not saved). Entries without it
    (the add-entry form, a hand-made entry on the page) go on to Fava's own save."""
    from http import HTTPStatus

    from fava.json_api import json_err, json_success
    from fava.serialisation import deserialise
    from flask import g, request

    from importers import arrowcsv, filerows, run
    from importers.errors import Problem

    @app.before_request
    def accounts_known_on_extract():
        # Fava's entry form accepts only accounts in the page's account list: on Extract,
        # the accounts the file's entries would open are added to that list (nothing is
        # written: Save opens them, as the CLI does), and Fava's mtime moved on so the
        # page, seeing a newer one in the answer, fetches the list again. A file the
        # importer refuses adds nothing, and Fava's own extract answers with the refusal.
        if request.method != "GET" or request.endpoint != "json_api.get_extract":
            return
        ledger = getattr(g, "ledger", None)
        filename = request.args.get("filename", "")
        if ledger is None or not filename:
            return
        _remember_extracts(ledger)
        main = Path(ledger.beancount_file_path)
        inside = [(main.parent / d).resolve() for d in ledger.fava_options.import_dirs]
        path = Path(filename).resolve()
        if not any(d in path.parents for d in inside):
            return
        try:
            opening = run.would_open(main, [str(path)])
        except (Problem, books.BooksError):
            return
        known = list(ledger.attributes.accounts)
        new = [a for a in opening if a not in known]
        if new:
            ledger.attributes.accounts = known + new
            ledger.watcher.last_checked += 1  # the answer's mtime: the page refetches

    @app.before_request
    def save_imported():
        if request.method != "PUT" or request.endpoint != "json_api.put_add_entries":
            return None
        ledger = getattr(g, "ledger", None)
        body = request.get_json(silent=True) or {}
        given = body.get("entries") if isinstance(body, dict) else None
        if ledger is None or not isinstance(given, list):
            return None
        imported = [e for e in given if isinstance(e, dict) and _imported(e)]
        if not imported:
            return None
        _remember_extracts(ledger)
        main = Path(ledger.beancount_file_path)
        exports = _exports(main.parent, ledger.fava_options.import_dirs, filerows.sha256)
        files, missing = {}, []
        for e in imported:
            sha = str(e["meta"]["import-file"])
            if sha in exports:
                files[sha] = exports[sha]
            else:
                missing.append(str(e["meta"].get("filename", sha)))
        if missing:
            return json_err(f"{missing[0]}: the export these entries came from is no longer "
                            "in the import folder; upload it again and Extract",
                            HTTPStatus.BAD_REQUEST)
        only = frozenset(str(e["meta"]["import-id"]) for e in imported)
        edited = _edited(ledger, imported, files)
        if edited:
            return json_err(edited, HTTPStatus.BAD_REQUEST)
        try:
            paths = sorted(files.values())
            with arrowcsv.reading_ahead(paths):  # parsed while the books load
                result = run.run(main, paths, suspense=True, only=only)
        except Problem as e:
            return json_err(str(e), HTTPStatus.BAD_REQUEST)
        except books.BooksError as e:
            return json_err("\n".join(e.lines), HTTPStatus.BAD_REQUEST)
        _forget_extracts(ledger)  # the books changed: what Extract gave is history now
        others = [deserialise(e) for e in given if isinstance(e, dict) and not _imported(e)]
        if others:
            ledger.file.insert_entries(others)
        _reload(ledger, [main, main.parent / run.ACCOUNTS,
                         *(main.parent / rel for rel in result.parts)])
        return json_success(f"Stored {result.added + len(others)} entries "
                            f"({result.summary()}).")


def _remember_extracts(ledger) -> None:
    """Make Fava's extract for this ledger keep its last answer, for the Save that follows.
    Save checks the page's entries against what the importer gives (_edited): extracting
    a 20,000-row download a second time was a quarter of the Save. The answer is reused
    only for the same file and importer while the export, every file of the books and the
    import config are as they were at Extract (size and modification time); else the
    file is extracted again."""
    ingest = ledger.ingest
    if getattr(ingest, "_fundledger_remembers", False):
        return
    extract = ingest.extract
    last: dict = {}

    def remembering(filename: str, importer_name: str):
        key = (str(Path(filename).resolve()), importer_name, _files_now(ledger, filename))
        if last.get("key") == key and last.get("config") is ingest.loaded_config:
            return last["entries"]
        last.clear()
        entries = extract(filename, importer_name)
        last.update(key=key, config=ingest.loaded_config, entries=entries)
        return entries

    ingest.extract = remembering
    ingest._fundledger_remembers = True
    ingest._fundledger_last = last


def _forget_extracts(ledger) -> None:
    """Let go of the remembered Extract (a big download's entries) once it was Saved."""
    last = getattr(ledger.ingest, "_fundledger_last", None)
    if last is not None:
        last.clear()


def _files_now(ledger, export: str) -> tuple:
    """(path, size, mtime) of the export and of every file the books were loaded from."""
    out = []
    for path in (export, *ledger.options.get("include", ())):
        try:
            st = Path(path).stat()
            out.append((str(path), st.st_size, st.st_mtime_ns))
        except OSError:
            out.append((str(path), None, None))
    return tuple(out)


def _reload(ledger, written) -> None:
    """Fava reloads the books now, and its answer carries their new mtime: the page then
    fetches the books' data again (the account list its form checks against)."""
    for path in written:
        ledger.watcher.notify(path)
    ledger.changed()


def _accounts(entry) -> list[str]:
    """The accounts of an entry, extracted (beancount) or as the page sends it (JSON)."""
    if isinstance(entry, dict):
        posts = entry.get("postings") or [entry]
        return sorted(str(p.get("account", "")) for p in posts if p.get("account"))
    return sorted(p.account for p in getattr(entry, "postings", None) or [entry])


def _edited(ledger, imported: list[dict], files: dict[str, str]) -> str | None:
    """Save books each row as the import does: an entry whose accounts were changed on
    the page is refused (a rule says how to book it), never silently saved otherwise."""
    config = getattr(ledger.ingest, "loaded_config", None)
    if config is None:
        return None
    fresh: dict[str, object] = {}
    for path in files.values():
        for name, wrapped in config.importers.items():
            if wrapped.importer.identify(path):
                for e in ledger.ingest.extract(path, name):
                    fresh[str(e.meta.get("import-id"))] = e
                break
    for e in imported:
        iid = str(e["meta"]["import-id"])
        was = fresh.get(iid)
        if was is not None and _accounts(e) != _accounts(was):
            where = f"{files[str(e['meta']['import-file'])]}:{e['meta'].get('import-row', 0)}"
            return (f"{where}: the entry's accounts were changed on the page "
                    f"({', '.join(_accounts(e))} instead of {', '.join(_accounts(was))}); "
                    "Save books each row as `fundledger import` does: write a rule for it in "
                    "rules.beancount and Extract again")
    return None


def _imported(entry: dict) -> bool:
    meta = entry.get("meta")
    return isinstance(meta, dict) and "import-id" in meta and "import-file" in meta


def _exports(folder: Path, dirs, sha256) -> dict[str, str]:
    """sha256 -> path of every file in the books' import folders."""
    out: dict[str, str] = {}
    for d in dirs:
        root = (folder / d).resolve()
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                out.setdefault(sha256(str(path)), str(path))
    return out
