"""How fast the Funds page renders in Fava, beside Fava's own Income Statement.

    python bench/fava_bench.py [--n 100000] [--repeat 5] [--skip-large]
                               [--parts pages,restart,edit,save] [--save-rows 20000]

For the demo books and for generated books of N transactions (bench/gen_books.py, written
under bench/out/, reused when already there), prints:

- Fava's load of the books (beancount + plugin + Fava's own modules), once;
- the Funds page, a fund's page, and the same with a time filter: the first (cold) request
  and the median of the warm ones after it, through Fava's real Flask app;
- Fava's Income Statement, the baseline: its page plus the JSON the browser fetches for it.

Then, for the generated books, what issue 18 targets for big books:

- a restarted server: from starting `fundledger serve BOOKS` (a real process) to the
  Funds page answering, with the load cache empty and then filled; beside Fava's own
  `fava BOOKS` to its Income Statement answering (the baseline, on the same books
  without fundledger's Fava settings: no Funds page, no import config);
- an edit: one entry appended to a file, then Fava's reload (timed) and the first Funds
  page after it (timed), as `fundledger serve` runs them (the view computed beside Fava's
  reload), beside computing the view on request after the reload (the way before).

And on books made by `fundledger init`, what issue 26 targets for the Import page
(`save`): a real `fundledger serve` process, a PayPal download of --save-rows rows
(bench/paypal_shapes.py, realistic shape) uploaded through the page's upload request,
then Extract and the Save request the page sends (every entry not marked a duplicate),
each timed over HTTP; the books must then hold every new entry and load clean.

Targets: a warm Funds page under 1 s on both books; a restarted server ready within 5 s
on unchanged 100k books; the first Funds view after an edit within 1 s of Fava finishing
its reload; Save of a 20,000-row extract under 10 s. Timing is wall-clock on a shared machine: run it twice and believe the
smaller figure; the load average is printed beside each.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("BEANCOUNT_DISABLE_LOAD_CACHE", "1")

from fava.application import create_app

from fundledger import demo_books
from reports.funds import reconcile

OUT = ROOT / "bench" / "out"
FAVA_FILES = ("fava.beancount", "import_config.py")  # as `fundledger init` writes them


def generated_books(n: int) -> Path:
    """Generated books of n transactions (made once), set up for Fava as `fundledger init`
    sets up new books: the Funds page, and the Import page with its importers (which Fava
    runs on every start, so a restart is measured with them)."""
    import datetime

    import gen_books

    from ledger import skeleton

    folder = OUT / f"fava-{n}"
    main = folder / "main.beancount"
    if not main.exists():
        print(f"generating {n} transactions in {folder} ...", flush=True)
        gen_books.generate(folder, n=n)
        with main.open("a") as f:
            f.write('include "fava.beancount"\n')
    made = skeleton.files("Generated", "GBP", "general", datetime.date(2017, 1, 1))
    for name in FAVA_FILES:
        if not (folder / name).exists() or (folder / name).read_text() != made[name]:
            (folder / name).write_text(made[name])
    (folder / "exports").mkdir(exist_ok=True)
    return main


def plain_books(main: Path) -> Path:
    """The same books without fundledger's Fava settings (fava.beancount), for Fava alone."""
    plain = main.with_name("plain.beancount")
    plain.write_text(main.read_text().replace('include "fava.beancount"\n', ""))
    return plain


def timed(client, url: str, repeat: int) -> tuple[float, float]:
    """(cold seconds, median warm seconds) for GET url."""
    times = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}\n{response.data[:500]!r}")
    return times[0], statistics.median(times[1:])


def timed_pair(client, urls: list[str], repeat: int) -> tuple[float, float]:
    """Like timed(), for a page made of several requests (summed)."""
    colds, warms = zip(*(timed(client, u, repeat) for u in urls), strict=True)
    return sum(colds), sum(warms)


def bench(label: str, main: Path, repeat: int) -> None:
    start = time.perf_counter()
    app = create_app([str(main.resolve())], load=True)
    load = time.perf_counter() - start
    ledger = app.config["LEDGERS"].ledgers[0]
    if ledger.extensions.errors:
        raise SystemExit(f"{main}: {ledger.extensions.errors[0].message}")
    n_txn = len(ledger.all_entries_by_type.Transaction)
    slug = app.config["LEDGERS"].first_slug()
    client = app.test_client()
    funds = f"/{slug}/extension/Funds/"
    summaries = reconcile(ledger.all_entries, ledger.options)
    busiest = max(summaries, key=lambda s: s.legal_total).fund
    last_year = ledger.all_entries_by_type.Transaction[-1].date.year
    rows = [
        ("Funds page", [funds]),
        ("a fund's page", [f"{funds}?fund={busiest}"]),
        (f"Funds page, time={last_year}", [f"{funds}?time={last_year}"]),
        ("Funds page, filter=#legal", [f"{funds}?filter=%23legal"]),
        ("Fava Income Statement (baseline)",
         [f"/{slug}/income_statement/", f"/{slug}/api/income_statement"]),
        (f"Fava Income Statement, time={last_year}",
         [f"/{slug}/income_statement/?time={last_year}",
          f"/{slug}/api/income_statement?time={last_year}"]),
    ]
    print(f"\n{label}: {n_txn} transactions; Fava load {load:.2f} s")
    print(f"  {'page':<40} {'cold':>9} {'warm':>9}")
    for name, urls in rows:
        cold, warm = timed_pair(client, urls, repeat)
        print(f"  {name:<40} {cold * 1000:>7.0f}ms {warm * 1000:>7.1f}ms")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ready_after(command: list[str], url_path: str, env: dict, then=None) -> float:
    """Seconds from starting `command` (a server on a free port) to url_path answering 200;
    then(base_url), if given, runs against the server before it is stopped."""
    port = _free_port()
    start = time.perf_counter()
    process = subprocess.Popen([*command, "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if process.poll() is not None:
                raise SystemExit(f"{command}: exited {process.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{url_path}",
                                            timeout=600) as response:
                    if response.status == 200:
                        ready = time.perf_counter() - start
                        break
            except OSError:
                time.sleep(0.1)
        if then is not None:
            then(f"http://127.0.0.1:{port}")
        return ready
    finally:
        process.terminate()
        process.wait(30)


def load_average() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def restart(main: Path) -> None:
    """A server restarted on unchanged books, ready when its main page answers."""
    bindir = Path(sys.executable).parent
    cache = OUT / "fava-cache"
    env = dict(os.environ, FUNDLEDGER_CACHE_DIR=str(cache), PYTHONPATH=str(ROOT))
    from fava.util import slugify

    title = next(line.split('"')[3] for line in main.read_text().splitlines()
                 if line.startswith('option "title"'))
    slug = slugify(title)  # Fava's URL for these books
    print(f"\n  {'restart on unchanged books (to first page answered)':<52} {'s':>7}")
    rows = [  # (name, command, page, whether the cache is emptied first)
        ("Fava's own `fava BOOKS` (baseline)", [str(bindir / "fava"), str(plain_books(main))],
         f"/{slug}/income_statement/", True),
        ("fundledger serve, load cache empty", [str(bindir / "fundledger"), "serve", str(main)],
         f"/{slug}/extension/Funds/", True),
        ("fundledger serve, load cache filled", [str(bindir / "fundledger"), "serve", str(main)],
         f"/{slug}/extension/Funds/", False),
    ]
    for name, command, path, empty in rows:
        if empty:  # (the books' import config reads through the cache, even under Fava)
            shutil.rmtree(cache, ignore_errors=True)
        seconds = ready_after(command, path, env)
        print(f"  {name:<52} {seconds:>7.2f}  ({load_average()})", flush=True)


def edit(main: Path) -> None:
    """Fava's reload after an edit, then the first Funds page: as `fundledger serve` runs
    them, and with the view computed on request after the reload (the way before)."""
    from fundledger.commands import serve
    from reports.fava_ext import warm

    target = main.parent / "imports" / "bank" / "2024.beancount"
    original = target.read_bytes()
    app, ledger = serve.create_app(main)
    slug = app.config["LEDGERS"].first_slug()
    client = app.test_client()
    print(f"\n  {'after an edit':<52} {'reload s':>9} {'first Funds page s':>19}")
    try:
        for name, background in (("view computed beside the reload (serve)", True),
                                 ("view computed on request (before)", False)):
            with target.open("a") as f:  # a new donation, different each time
                f.write(f'\n2024-12-31 * "Bank" "Donation {name[:4]}"\n'
                        f'  Assets:Bank:Current   1{len(name)}.00 GBP\n'
                        f'  Income:Donations:Bank  -1{len(name)}.00 GBP\n'
                        '    fund: "general"\n')
            if not background:
                start_view = warm.start
                warm.start = lambda *a: None
            start = time.perf_counter()
            ledger.load_file()
            reload = time.perf_counter() - start
            start = time.perf_counter()
            response = client.get(f"/{slug}/extension/Funds/")
            first = time.perf_counter() - start
            if not background:
                warm.start = start_view
            if response.status_code != 200:
                raise SystemExit(f"Funds page: HTTP {response.status_code}")
            print(f"  {name:<52} {reload:>9.2f} {first:>19.2f}  ({load_average()})",
                  flush=True)
    finally:
        target.write_bytes(original)


def _request(method: str, url: str, body: bytes | None = None,
             headers: dict | None = None) -> tuple[float, dict]:
    """(seconds, JSON answer) of one request to the server; an error answer stops the bench."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=3600) as response:
            answer = json.loads(response.read())
    except urllib.error.HTTPError as e:
        raise SystemExit(f"{method} {url}: HTTP {e.code}: {e.read()[:500]!r}") from e
    return time.perf_counter() - start, answer


def _upload(url: str, path: Path) -> float:
    """Fava's upload request (multipart, as the Import page's file picker sends it)."""
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{path.name}\"\r\nContent-Type: text/csv\r\n\r\n").encode() \
        + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    seconds, _answer = _request("PUT", f"{url}/api/upload_import_file", body,
                                {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    return seconds


def save(rows: int) -> None:
    """Upload, Extract and Save of a PayPal download on the Import page of a real server on
    books made by `fundledger init`, each timed over HTTP."""
    import import_bench
    from fava.util import slugify

    data, facts = import_bench.data_for("realistic", rows, 7)
    bindir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="fava-save-") as tmp:
        books = Path(tmp) / "books"
        env = dict(os.environ, PYTHONPATH=str(ROOT), FUNDLEDGER_CACHE_DIR=str(Path(tmp) / "cache"),
                   FUNDLEDGER_DONOR_KEY=str(Path(tmp) / "donor.key"))
        subprocess.run([str(bindir / "fundledger"), "init", str(books), "--name", "Save Bench",
                        "--start", "2010-01-01"], check=True, env=env, stdout=subprocess.DEVNULL)
        # As bench/import_bench.py's books: beancount leaves 1E-27 GBP in about one
        # converted gift in eighty without it (bench/README.md, "Import speed").
        main = books / "main.beancount"
        main.write_text(main.read_text() + TOLERANCE)
        slug = slugify("Save Bench")
        times: dict[str, float] = {}

        def page(base: str) -> None:
            url = f"{base}/{slug}"
            times["upload"] = _upload(url, data)
            _s, listed = _request("GET", f"{url}/api/imports")
            (found,) = [f for f in listed["data"] if Path(f["name"]).name == data.name]
            (importer,) = found["importers"]
            query = urllib.parse.urlencode({"filename": found["name"],
                                            "importer": importer["importer_name"]})
            times["extract"], extracted = _request("GET", f"{url}/api/extract?{query}")
            kept = [e for e in extracted["data"] if not e["meta"].get("__duplicate__")]
            times["entries"] = len(kept)
            body = json.dumps({"entries": kept}).encode()
            times["save"], answer = _request("PUT", f"{url}/api/add_entries", body,
                                             {"Content-Type": "application/json"})
            times["answer"] = answer["data"]

        start_load = os.getloadavg()[0]
        ready_after([str(bindir / "fundledger"), "serve", str(books)],
                    f"/{slug}/extension/Funds/", env, then=page)
        from ledger import books as ledger_books

        entries, errors, _options = ledger_books.load(books, cache=False)
        written = sum(1 for e in entries if "import-id" in (e.meta or {}))
    if errors or written < facts.entries:
        raise SystemExit(f"Save left {written} imported entries (expected {facts.entries}) "
                         f"and {len(errors)} load errors")
    print(f"\n  Import page on `init` books, realistic PayPal download of {rows:,} rows "
          f"({times['entries']:,} entries extracted; {times['answer']})")
    for name in ("upload", "extract", "save"):
        print(f"  {name:<52} {times[name]:>7.2f}  (load {start_load:.1f} at start, "
              f"{load_average()} now)")
    print(f"  Save of {rows:,} rows under 10 s: "
          + ("met" if times["save"] < 10 else "NOT met"), flush=True)


TOLERANCE = 'option "inferred_tolerance_default" "GBP:0.000001"\n'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="generated transactions")
    parser.add_argument("--repeat", type=int, default=5, help="warm requests to time")
    parser.add_argument("--skip-large", action="store_true", help="demo books only")
    parser.add_argument("--parts", default="pages,restart,edit,save",
                        help="which measurements: pages (both books), restart, edit, save")
    parser.add_argument("--save-rows", type=int, default=20_000,
                        help="rows of the PayPal download Saved on the Import page")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    if "pages" in parts:
        bench("demo books", demo_books.MAIN, args.repeat)
    if not args.skip_large:
        books = generated_books(args.n)
        if "pages" in parts:
            bench(f"generated books (n={args.n})", books, args.repeat)
        if "restart" in parts:
            restart(books)
        if "edit" in parts:
            edit(books)
    if "save" in parts:
        save(args.save_rows)


if __name__ == "__main__":
    main()
