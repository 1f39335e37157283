"""Every real-layout export, one at a time, through Fava's Import page and through the CLI.

tests/test_fava_save.py saves groups of the common sources into one set of books; this
takes each of the other files in tests/fixtures/real (camt.053, MT940, the OFX dialects,
the European banks, Stripe's and Open Collective's other reports) into its own new `init`
books. A Save must write byte for byte what `fundledger import` writes; where the CLI
refuses the file (a statement of money no entry books, rows dated before the books
begin, a source the books have not declared), the page refuses it too, naming the same
problem, and the books are left as they were.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import cli_env, run_cli
from tests.test_fava_save import GROUPS, HERE, _books, _importer, _tree, kept, save

GROUPED = {path.name for group in GROUPS.values() for path in group}
EXPORTS = sorted(p for p in (HERE / "real").iterdir()
                 if p.suffix in (".csv", ".txt", ".ofx", ".xml", ".sta") and p.name not in GROUPED)


def test_every_real_layout_is_covered_here_or_in_the_grouped_save():
    formats = {p.suffix for p in EXPORTS}
    assert {".xml", ".sta", ".ofx", ".csv"} <= formats, formats
    assert len(EXPORTS) >= 25


@pytest.mark.parametrize("export", EXPORTS, ids=[p.name for p in EXPORTS])
def test_the_import_page_saves_what_the_cli_imports(tmp_path, monkeypatch, export: Path):
    key = tmp_path / "donor.key"
    monkeypatch.setenv("FUNDLEDGER_DONOR_KEY", str(key))
    env = dict(cli_env(), FUNDLEDGER_DONOR_KEY=str(key))
    fava_main, cli_main = _books(tmp_path / "fava", env), _books(tmp_path / "cli", env)
    upload = fava_main.parent / "exports" / export.name
    shutil.copy(export, upload)
    from fundledger.commands.serve import create_app

    app, _ledger = create_app(fava_main)
    app.testing = True
    client = app.test_client()
    slug = next(iter(app.config["LEDGERS"].ledgers_by_slug))
    done = run_cli("import", export, "--books", cli_main.parent, "--unclassified", "suspense",
                   env=env)
    before = _tree(fava_main.parent)
    got = client.get(f"/{slug}/api/extract", query_string={
        "filename": str(upload), "importer": _importer(client, slug, upload)})
    if got.status_code == 200:
        entries = got.get_json()["data"]
        assert entries and {e["t"] for e in entries} <= {"Transaction", "Balance"}
        answer = save(client, slug, kept(entries))
    else:
        answer = got
    if done.returncode == 0:
        assert answer.status_code == 200, answer.get_json()
        fava_tree, cli_tree = _tree(fava_main.parent), _tree(cli_main.parent)
        assert sorted(fava_tree) == sorted(cli_tree)
        for rel in fava_tree:
            assert fava_tree[rel] == cli_tree[rel], rel
        return
    # Refused: on the page as on the command line, for the same reason, naming the
    # file and its row, with nothing written.
    assert answer.status_code == 400, answer.get_json()
    error = answer.get_json()["error"]
    where, row, problem = error.split(":", 2)
    assert where == str(upload) and row.isdigit(), error
    assert problem.strip().splitlines()[0] in done.stderr, (error, done.stderr)
    assert "Traceback" not in error
    assert _tree(fava_main.parent) == before
