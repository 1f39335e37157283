"""What Fava's import page needs: a CONFIG list of beangulp importers (Fava 1.30 runs the
books' import-config file with runpy and reads CONFIG and, optionally, HOOKS).

The books' import config (see the demo's books/import_config.py) is two lines:

    from importers.fava import config_for
    CONFIG, HOOKS = config_for(__file__), []
"""

from __future__ import annotations

from pathlib import Path

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
    return importers_for(Settings(profiles=profiles), Pseudonymiser())


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
            return json_err(str(error), HTTPStatus.INTERNAL_SERVER_ERROR)
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
