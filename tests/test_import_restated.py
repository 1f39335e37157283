"""A download taken part-way through a day, then one holding the rest of that day.

The first asserted the day's closing balance as it stood when it was taken; the second
asserts the same balance (same import-id) with the day's true figure. Skipped as a
duplicate, the stale figure made every later import fail ("Balance failed") over an
entry nobody wrote. The later figure now replaces it (importers/restated.py), on the
command line and on Fava's Import page alike, and only when the later download adds
entries on that day.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from tests.conftest import init_books, run_cli

JOURNEY = Path(__file__).parent / "fixtures" / "journey" / "paypal-2024.csv"
# A gift the noon download had not seen: 22 January, 15:00, after Zara's (balance
# 183.93): 10.00 less 0.55 fee, balance 193.38.
LATE = ('"22/01/2024","15:00:00","Europe/London","Late Testdonor","Donation Payment",'
        '"Completed","GBP","10.00","-0.55","9.45","late@donor.example",'
        '"treasurer@group.example","9JY99999ZZ999999Z","","","Donation","","","","193.38",'
        '"","","","Credit"\n')


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


def _downloads(tmp_path: Path) -> tuple[Path, Path]:
    lines = JOURNEY.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    noon, evening = tmp_path / "paypal-noon.csv", tmp_path / "paypal-evening.csv"
    noon.write_text("".join(lines[:4]), encoding="utf-8")  # 10, 20 and 22 January
    evening.write_text("".join(lines[:4]) + LATE, encoding="utf-8")
    return noon, evening


def _paypal(books: Path) -> str:
    return (books / "imports" / "paypal" / "2024.beancount").read_text(encoding="utf-8")


def test_the_later_download_restates_the_days_closing_balance(tmp_path):
    books, env = init_books(tmp_path, "--name", "Test Org", "--start", "2023-01-01")
    noon, evening = _downloads(tmp_path)
    assert run_cli("import", noon, "--books", books, env=env).returncode == 0
    assert "2024-01-23 balance Assets:PayPal" in _paypal(books)
    assert "183.93 GBP" in _paypal(books)

    dry = run_cli("import", evening, "--books", books, "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert "1 new, 3 duplicate(s) skipped, 1 restated" in dry.stderr

    done = run_cli("import", evening, "--books", books, env=env)
    assert done.returncode == 0, done.stderr
    text = _paypal(books)
    # One assertion for the day, with the evening's figure and the evening's file.
    assert text.count("2024-01-23 balance Assets:PayPal") == 1
    assert "183.93 GBP" not in text
    restated = text.split("2024-01-23 balance Assets:PayPal", 1)[1].split("\n\n", 1)[0]
    assert restated.split()[0:2] == ["193.38", "GBP"]  # 183.93 + 9.45, by hand
    sha = hashlib.sha256(evening.read_bytes()).hexdigest()
    assert f'import-file: "{sha}"' in restated and "import-row: 5" in restated
    checked = run_cli("check", books, env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    before = _tree(books)
    again = run_cli("import", evening, "--books", books, env=env)
    assert again.returncode == 0 and "0 new" in again.stderr and "restated" not in again.stderr
    assert _tree(books) == before


def test_a_different_figure_with_nothing_new_that_day_is_not_restated(tmp_path):
    """A later download whose balance for the day differs but which adds no entry on it
    (an export altered, or the platform's figure revised) proves no partial day: the
    books' assertion stays as it was."""
    books, env = init_books(tmp_path, "--name", "Test Org", "--start", "2023-01-01")
    noon, _evening = _downloads(tmp_path)
    assert run_cli("import", noon, "--books", books, env=env).returncode == 0
    altered = tmp_path / "paypal-altered.csv"
    altered.write_text(noon.read_text(encoding="utf-8").replace('"183.93"', '"190.00"'),
                       encoding="utf-8")
    before = _tree(books)
    done = run_cli("import", altered, "--books", books, env=env)
    assert "restated" not in done.stderr
    assert _tree(books) == before


def test_a_balance_typed_by_hand_is_never_rewritten(tmp_path):
    """The earlier assertion moved out of imports/ into a file the treasurer keeps: the
    import leaves it alone, and the books check refuses the import, naming it."""
    books, env = init_books(tmp_path, "--name", "Test Org", "--start", "2023-01-01")
    noon, evening = _downloads(tmp_path)
    assert run_cli("import", noon, "--books", books, env=env).returncode == 0
    path = books / "imports" / "paypal" / "2024.beancount"
    text = path.read_text(encoding="utf-8")
    start = text.index("2024-01-23 balance")
    end = text.find("\n\n", start)
    end = len(text) if end < 0 else end + 2  # it may be the file's last entry
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    (books / "statements.beancount").write_text(text[start:end], encoding="utf-8")
    with (books / "main.beancount").open("a", encoding="utf-8") as f:
        f.write('include "statements.beancount"\n')
    before = _tree(books)
    refused = run_cli("import", evening, "--books", books, env=env)
    assert refused.returncode != 0
    assert "statements.beancount" in refused.stderr and "Balance failed" in refused.stderr
    assert _tree(books) == before


def test_fava_saves_the_restatement_as_the_cli_does(tmp_path, monkeypatch):
    from tests.test_fava_save import _importer, kept, save

    fava_books, env = init_books(tmp_path / "fava", "--name", "Test Org", "--start",
                                 "2023-01-01")
    cli_books = tmp_path / "cli"
    noon, evening = _downloads(tmp_path)
    assert run_cli("import", noon, "--books", fava_books, env=env).returncode == 0
    shutil.copytree(fava_books, cli_books)
    monkeypatch.setenv("FUNDLEDGER_DONOR_KEY", env["FUNDLEDGER_DONOR_KEY"])
    upload = fava_books / "exports" / evening.name
    shutil.copy(evening, upload)
    from fundledger.commands.serve import create_app

    app, _ledger = create_app(fava_books / "main.beancount")
    app.testing = True
    client = app.test_client()
    slug = next(iter(app.config["LEDGERS"].ledgers_by_slug))
    got = client.get(f"/{slug}/api/extract", query_string={
        "filename": str(upload), "importer": _importer(client, slug, upload)})
    assert got.status_code == 200, got.get_json()
    # The page shows the day's balance as already in the books (a duplicate, unsent):
    # the new gift of that day is what restates it.
    saved = save(client, slug, kept(got.get_json()["data"]))
    assert saved.status_code == 200, saved.get_json()
    assert run_cli("import", evening, "--books", cli_books, env=env).returncode == 0
    (cli_books / "exports" / evening.name).write_bytes(evening.read_bytes())
    assert _tree(fava_books) == _tree(cli_books)
    assert "193.38 GBP" in _paypal(fava_books) and "183.93 GBP" not in _paypal(fava_books)
