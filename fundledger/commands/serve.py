"""`fundledger serve`: Fava on the books, with the Funds page.

The Funds page is a Fava extension (reports.fava_ext) that the books enable with
`custom "fava-extension" "reports.fava_ext" "{}"`. With no BOOKS, a fresh copy of the
embedded demo books is served from a temporary folder, so Fava's editor and import page
write into that copy and never into the installed package.
"""

from __future__ import annotations

import functools
import importlib
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import click

from fundledger import demo_books, fava_watching
from fundledger.fava_loading import EXTENSION_MODULE, load_through_cache
from fundledger.options import books_argument, shown


def check_extension_importable() -> None:
    """The Funds page lives in our own package: fail clearly before Fava starts without it."""
    try:
        importlib.import_module(EXTENSION_MODULE)
    except Exception as e:  # any import failure means no Funds page: say which and why
        raise click.ClickException(
            f"the Funds page extension ({EXTENSION_MODULE}) does not import: {e}. "
            "Run `make setup` (or `pip install -e .`) in the fundledger checkout.") from e


def funds_page_enabled(ledger) -> bool:
    """Whether the books turn on the Funds page (Fava serves no extension they do not)."""
    return any(e.type == "fava-extension" and e.values
               and e.values[0].value == EXTENSION_MODULE
               for e in ledger.all_entries_by_type.Custom)


def create_app(main: Path):
    """Fava's Flask app on one books file, loaded now so problems show before serving."""
    from fava.application import create_app as fava_create_app

    from reports.fava_ext import writes

    load_through_cache()
    said = fava_watching.poll_if_needed(main.parent)
    if said:
        click.echo(said, err=True)
    app = fava_create_app([str(main)], load=True)
    from importers.fava import no_raw_exports, plain_import_errors, saves_imports

    plain_import_errors(app)
    no_raw_exports(app)
    saves_imports(app)
    ledger = app.config["LEDGERS"].ledgers[0]
    writes.guard(ledger)  # even on books that do not enable the Funds page
    if not funds_page_enabled(ledger):
        click.echo(f"note: {shown(main)} does not enable the Funds page; add the line\n"
                   f'  2017-01-01 custom "fava-extension" "{EXTENSION_MODULE}" "{{}}"\n'
                   "to it and start `fundledger serve` again to see the page in Fava's "
                   "sidebar.", err=True)
    for error in ledger.extensions.errors:
        raise click.ClickException(f"Fava could not load an extension: {error.message}")
    if ledger.errors:
        click.echo(f"note: the books have {len(ledger.errors)} error(s); Fava lists them "
                   "on its Errors page (`fundledger check` prints them).", err=True)
    return app, ledger


def _bindable(host: str, port: int) -> bool:
    """Whether a server could listen on host:port now (SO_REUSEADDR as cheroot sets it, so
    a port left in TIME_WAIT by a stopped server counts as free, as it is to cheroot)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return False
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(address)
        except OSError:
            return False
    return True


def check_port(host: str, port: int) -> None:
    """Fail before loading anything or printing the address when the port is taken, and
    suggest a free one nearby."""
    if _bindable(host, port):
        return
    free = next((p for p in range(port + 1, min(port + 100, 65536)) if _bindable(host, p)),
                None)
    hint = f"; try --port {free}" if free else ""
    raise click.ClickException(f"port {port} on {host} is in use{hint}")


def stop_on_signals() -> None:
    """SIGTERM (kill, systemd, a container stopping) stops the server as Ctrl-C does, so
    the with-blocks around it run and the temporary demo copy is removed. The first stop
    is the one obeyed: a second (an impatient Ctrl-C) must not cut the clean-up short.
    A stop the main thread loses is finished by _stop_anyway."""
    def stop(signum, _frame):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        threading.Thread(target=_stop_anyway, daemon=True, name="stop-anyway").start()
        raise KeyboardInterrupt(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)


# How long a stop waits for requests in flight before the process ends anyway.
STOP_WAIT = 1.0
# Folders the process's stop removes (the temporary demo copy), whichever way it stops.
TEMPORARY: list[str] = []


def _stop_anyway() -> None:
    """End the process if the stop raised in the main thread was lost. Python runs a
    signal's handler in whatever the main thread is running, and an exception raised in
    a weak reference's callback or an object's __del__ is printed ("Exception ignored
    in ...") and dropped: a SIGTERM landing there left the server serving, deaf to any
    further stop (seen in a CI run, within the import machinery's module-lock callback).
    A stop that was not lost ends the process within STOP_WAIT (serve, quit_now); if it
    is still running half a second after that, the temporary folders go and the Funds
    view's children are killed here, as the main thread's stop would have done."""
    time.sleep(STOP_WAIT + 0.5)
    for folder in TEMPORARY:
        shutil.rmtree(folder, ignore_errors=True)
    click.echo("stopped", err=True)
    quit_now()


def stops_quietly(command):
    """A stop (Ctrl-C, SIGTERM) that comes while the books load, before the server runs,
    ends the command as quietly as one that comes while serving: the with-blocks inside
    have cleaned up, nothing failed. Then the process ends at once (`quit_now`)."""
    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            command(*args, **kwargs)
        except KeyboardInterrupt:
            click.echo("stopped", err=True)
        quit_now()

    return run


def quit_now() -> None:
    """End the process now that the temporary copy is gone: kill the Funds view's forked
    children and skip Python's exit, which would wait for every thread still computing a
    page (cheroot's workers are not daemons) and every child."""
    warm = sys.modules.get("reports.fava_ext.warm")
    if warm is not None:
        warm.stop_children()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def serve(app, host: str, port: int) -> None:
    """Serve with cheroot, as the `fava` command does (a production WSGI server)."""
    from cheroot.wsgi import Server

    server = Server((host, port), app, shutdown_timeout=STOP_WAIT)
    try:
        server.start()
    except KeyboardInterrupt:
        click.echo("stopping", err=True)
        # cheroot's stop, once its timeout has run out, joins a busy worker with no limit
        # (a Funds page being computed holds it as long as that takes): wait STOP_WAIT.
        stopping = threading.Thread(target=server.stop, daemon=True, name="stop")
        stopping.start()
        stopping.join(STOP_WAIT)
    except OSError as e:
        raise click.ClickException(f"cannot listen on {host}:{port}: {e}") from e


@click.command("serve")
@books_argument(default=None, help="The books to open: a main .beancount file or a folder "
                "holding main.beancount (also accepted as the argument BOOKS). Default: a "
                "fresh temporary copy of the demo books.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Only this computer can connect to 127.0.0.1; "
                   "use 0.0.0.0 only on a network you trust (Fava has no login).")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535),
              help="Port to listen on.")
@stops_quietly
def command(books: Path | None, host: str, port: int) -> None:
    """Open the books in Fava, the web interface, with the Funds page in its sidebar.

    The Funds page lists every fund with its status and balance; each fund's page shows
    what was raised, the platforms' fees, legal spend by firm and year, transfers, where
    the balance is held, what blocks closing it, budget against actual for a grant, and
    downloads of the reports. Fava's time filter and filter bar apply to it.

    With no BOOKS, a fresh copy of the demo books is served (changes made in the browser
    go to that copy, which is thrown away when the server stops).
    """
    check_extension_importable()
    check_port(host, port)
    stop_on_signals()
    # (a stop the main thread lost removes it too, maybe first: _stop_anyway)
    with tempfile.TemporaryDirectory(prefix="fundledger-demo-",
                                     ignore_cleanup_errors=True) as tmp:
        TEMPORARY.append(tmp)
        if books is None:
            books = demo_books.copy_to(Path(tmp) / "books")
            click.echo(f"serving a fresh copy of the demo books in {books.parent} "
                       "(changes made in the browser go there, not into fundledger)")
        app, ledger = create_app(books)
        slug = next(iter(app.config["LEDGERS"].ledgers_by_slug))
        shown_host = f"[{host}]" if ":" in host else host
        base = f"http://{shown_host}:{port}/{slug}"
        click.echo(f"Fava on {shown(books)}: {base}/")
        if funds_page_enabled(ledger):
            click.echo(f"Funds page: {base}/extension/Funds/")
        else:  # its address would answer 404: say why instead (the note above)
            click.echo("no Funds page: the books do not enable it (see the note above)")
        click.echo("press Ctrl-C to stop")
        serve(app, host, port)
