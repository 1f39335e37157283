"""The demo books are what the importers make of the shipped raw exports."""

from __future__ import annotations

import runpy
import shutil

from conftest import run_cli
from importers_support import snapshot

from fundledger import demo_books


def _books_only(tmp_path):
    copy = tmp_path / "books"
    shutil.copytree(demo_books.BOOKS, copy,
                    ignore=shutil.ignore_patterns("__pycache__", ".fundledger*"))
    return copy


def test_shipped_books_equal_a_fresh_import(tmp_path):
    copy = _books_only(tmp_path)
    shutil.rmtree(copy / "imports")
    result = demo_books.regenerate(copy, demo_books.EXPORTS)
    assert result.added and result.duplicates == 0
    shipped = {k: v for k, v in snapshot(demo_books.BOOKS).items() if "__pycache__" not in k}
    assert snapshot(copy) == shipped


def test_importing_the_shipped_exports_again_adds_nothing(tmp_path, demo):
    before = snapshot(demo.parent)
    exports = sorted((demo.parent / "exports").iterdir())
    # The demo's key, as a treasurer keeps a key: theirs alone (an import refuses a key
    # other users can read).
    key = tmp_path / "donor.key"
    key.write_bytes(demo_books.KEY.read_bytes())
    key.chmod(0o600)
    env = dict(__import__("conftest").cli_env(), FUNDLEDGER_DONOR_KEY=str(key))
    r = run_cli("import", *exports, "--books", demo, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stderr.strip().startswith("0 new")
    assert snapshot(demo.parent) == before


def test_fava_import_config_lists_beangulp_importers():
    import beangulp

    mod = runpy.run_path(str(demo_books.BOOKS / "import_config.py"))
    names = [imp.name for imp in mod["CONFIG"]]
    assert all(isinstance(imp, beangulp.Importer) for imp in mod["CONFIG"])
    assert len(names) == len(set(names))
    bank = next(i for i in mod["CONFIG"] if i.name == "fundledger.northgate-bank")
    assert bank.identify(str(demo_books.EXPORTS / "bank-statement-2017-2024.csv"))


def test_favas_own_loader_and_extract_accept_the_config(tmp_path, monkeypatch):
    # The key the demo books were made with, kept as a treasurer keeps theirs (0600): the
    # books hold pseudonyms, so an import refuses to start a new key without being told.
    key = tmp_path / "donor.key"
    key.write_bytes(demo_books.KEY.read_bytes())
    key.chmod(0o600)
    monkeypatch.setenv("FUNDLEDGER_DONOR_KEY", str(key))
    from fava.core.ingest import extract_from_file, load_import_config

    from ledger import books

    copy = tmp_path / "books"
    shutil.copytree(demo_books.BOOKS, copy,
                    ignore=shutil.ignore_patterns("__pycache__", ".fundledger*"))
    config = load_import_config(copy / "import_config.py")
    entries, errors, _ = books.load(copy / "main.beancount")
    assert not errors
    export = demo_books.EXPORTS / "stripe-balance-change-2017-2024.csv"
    matching = [w for w in config.importers.values() if w.identify(export)]
    assert [w.name for w in matching] == ["fundledger.stripe"]
    extracted = extract_from_file(matching[0], export, entries)
    # Everything in the shipped export is already in the books: all marked duplicates.
    assert extracted and all(e.meta.get("__duplicate__") for e in extracted)


def test_demo_books_reconcile_with_the_statements():
    import csv
    import io
    from decimal import Decimal

    from ledger import books

    entries, errors, _ = books.load(demo_books.MAIN)
    assert not errors
    held: dict[str, Decimal] = {}
    for e in entries:
        for p in getattr(e, "postings", ()):
            held[p.account] = held.get(p.account, Decimal(0)) + p.units.number
    raw = (demo_books.EXPORTS / "bank-statement-2017-2024.csv").read_bytes().decode("cp1252")
    closing = next(r for r in csv.reader(io.StringIO(raw)) if r and r[0] == "Account Balance:")
    assert held["Assets:Bank:Current"] == Decimal(closing[1].strip("£").replace(",", ""))
    # Money in transit and at the platforms has all arrived.
    for account in ("Assets:Transfers", "Assets:PayPal", "Assets:Stripe",
                    "Assets:Platforms:CaseFunder"):
        assert held[account] == 0, account


def test_a_demo_copy_comes_with_a_private_copy_of_the_demo_key_to_import_with(tmp_path):
    import os
    import stat

    env = dict(__import__("conftest").cli_env(), HOME=str(tmp_path / "home"))
    env.pop("FUNDLEDGER_DONOR_KEY", None)
    made = run_cli("demo", tmp_path / "d", env=env)
    assert made.returncode == 0, made.stderr
    key = tmp_path / "home" / ".config" / "fundledger" / "demo-donor.key"
    assert f"FUNDLEDGER_DONOR_KEY={key}" in made.stdout
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert not (tmp_path / "home" / ".config" / "fundledger" / "donor.key").exists()
    export = tmp_path / "d" / "exports" / "stripe-balance-change-2017-2024.csv"
    r = run_cli("import", export, "--books", tmp_path / "d", env=dict(
        env, FUNDLEDGER_DONOR_KEY=str(key)))
    assert r.returncode == 0, r.stderr
    assert r.stderr.strip().startswith("0 new")
