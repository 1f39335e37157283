"""Save on Fava's Import page writes what `fundledger import` writes (issue 25, item 1).

Real Fava (its Flask app as `fundledger serve` makes it), real `init` books, real-layout
exports of every built-in source family; the CLI in a subprocess on a second copy of the
same books. The two books folders must then be identical, byte for byte.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data

from tests.conftest import cli_env, run_cli

HERE = Path(__file__).parent / "fixtures"
# Exports of every source family, in two sets of books (the CLI and Fava each read a
# set's files in this order; the second set's PayPal and Open Collective would meet the
# first's balances).
GROUPS = {
    "banks-platforms-invoices": [HERE / "real" / name for name in (
        "lloyds.csv", "nationwide.csv", "barclays.csv", "monzo.csv", "starling.csv",
        "natwest.csv", "santander.txt", "statement-v1.ofx", "paypal-en.csv", "paypal-fr.csv",
        "stripe-payments.csv", "opencollective-2024.csv")] + [
        HERE / "imports" / name for name in (
            "casefunder.csv", "solicitors.csv", "gocardless.csv", "enthuse.csv")],
    "more-layouts": [HERE / "real" / name for name in (
        "nationwide-midata.csv", "opencollective-legacy.csv", "opencollective-fees.csv",
        "paypal-de.csv")] + [HERE / "imports" / "stripe.csv"],
}
EXPORTS = [path for group in GROUPS.values() for path in group]
STATEMENT_ACCOUNTS = {"lloyds.csv": "Assets:Bank:Lloyds", "paypal-en.csv": "Assets:PayPal",
                      "casefunder.csv": "Assets:Platforms:CaseFunder",
                      "solicitors.csv": "Liabilities:Creditors", "stripe.csv": "Assets:Stripe"}

# The crowdfunder's campaign is a restricted fund whose payouts go to the firm's client
# account; invoices name the firm and are paid from there.
DECLARED = """
2017-01-01 custom "fund" "case" "restricted"
  title: "A case"
  purpose: "Expenses:Legal, Expenses:Fees"
2017-01-01 custom "fundledger-source" "casefunder" "case"
  campaign: "the-case"
  transfer: "Assets:Held:Harbour-Vale"
"""


def _books(folder: Path, env: dict) -> Path:
    made = run_cli("init", folder, "--name", "Test Org", "--start", "2017-01-01", env=env)
    assert made.returncode == 0, made.stderr
    with (folder / "funds.beancount").open("a", encoding="utf-8") as f:
        f.write(DECLARED)
    return folder / "main.beancount"


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and "exports" not in p.relative_to(folder).parts
            and "__pycache__" not in p.parts}


@pytest.fixture
def pair(tmp_path, monkeypatch):
    """(books saved through Fava, the same books imported by the CLI, the Fava client)."""
    key = tmp_path / "donor.key"
    monkeypatch.setenv("FUNDLEDGER_DONOR_KEY", str(key))
    env = dict(cli_env(), FUNDLEDGER_DONOR_KEY=str(key))
    fava_main, cli_main = _books(tmp_path / "fava", env), _books(tmp_path / "cli", env)
    for export in EXPORTS:
        shutil.copy(export, tmp_path / "fava" / "exports" / export.name)
    from fundledger.commands.serve import create_app

    app, _ledger = create_app(fava_main)
    app.testing = True
    slug = next(iter(app.config["LEDGERS"].ledgers_by_slug))
    return fava_main, cli_main, env, app.test_client(), slug


def _importer(client, slug: str, path: Path) -> str:
    files = client.get(f"/{slug}/api/imports").get_json()["data"]
    found = {Path(f["name"]).name: f["importers"] for f in files}
    (offered,) = found[path.name]  # exactly one importer claims each file
    # The account Fava shows is the one the export is a statement of.
    assert offered["account"] == STATEMENT_ACCOUNTS.get(path.name, offered["account"])
    assert offered["account"] != "Assets:Imports"
    return offered["importer_name"]


def extract(client, slug: str, path: Path) -> list[dict]:
    got = client.get(f"/{slug}/api/extract", query_string={
        "filename": str(path), "importer": _importer(client, slug, path)})
    assert got.status_code == 200, got.get_json()
    return got.get_json()["data"]


def save(client, slug: str, entries: list[dict]):
    return client.put(f"/{slug}/api/add_entries", json={"entries": entries})


def kept(entries: list[dict]) -> list[dict]:
    """What the page sends on Save: every entry not marked as a duplicate."""
    return [e for e in entries if not e["meta"].get("__duplicate__")]


@pytest.mark.parametrize("group", GROUPS)
def test_save_on_the_import_page_writes_what_the_cli_writes(pair, group):
    fava_main, cli_main, env, client, slug = pair
    folder = fava_main.parent / "exports"
    for export in GROUPS[group]:
        entries = extract(client, slug, folder / export.name)
        assert entries and {e["t"] for e in entries} <= {"Transaction", "Balance"}, export
        saved = save(client, slug, kept(entries))
        assert saved.status_code == 200, (export, saved.get_json())
        done = run_cli("import", export, "--books", cli_main.parent,
                       "--unclassified", "suspense", env=env)
        assert done.returncode == 0, done.stderr
    fava_tree, cli_tree = _tree(fava_main.parent), _tree(cli_main.parent)
    assert sorted(fava_tree) == sorted(cli_tree)
    for rel in fava_tree:
        assert fava_tree[rel] == cli_tree[rel], rel
    # Fava's own file was left alone: everything went to imports/, accounts opened there
    # on the books' start date, and the books load clean.
    assert "import-id" not in fava_main.read_text(encoding="utf-8")
    accounts = (fava_main.parent / "imports" / "accounts.beancount").read_text()
    opens = [line for line in accounts.splitlines() if line[:1].isdigit()]
    assert opens and all(line.startswith("2017-01-01 open ") for line in opens)
    entries, errors, _ = loader.load_file(str(fava_main))
    assert errors == [], [e.message for e in errors]
    assert any(isinstance(e, data.Balance) for e in entries)  # the statements' balances kept

    # A second upload of the same file adds nothing, whatever the page sends.
    before = _tree(fava_main.parent)
    again = extract(client, slug, folder / GROUPS[group][0].name)
    assert again and kept(again) == []
    assert save(client, slug, again).status_code == 200
    assert _tree(fava_main.parent) == before


def test_a_save_the_books_refuse_is_a_400_naming_file_and_row(pair):
    fava_main, _cli_main, _env, client, slug = pair
    export = fava_main.parent / "exports" / "lloyds.csv"
    entries = extract(client, slug, export)
    # An account changed on the page is refused, saying how to book the row instead.
    edited = [dict(e) for e in kept(entries)]
    unclassified = next(i for i, e in enumerate(edited) if any(
        p["account"] == "Expenses:Unclassified" for p in e.get("postings", [])))
    edited[unclassified] = dict(edited[unclassified], postings=[
        dict(p, account="Expenses:Legal:CourtFees" if p["account"] == "Expenses:Unclassified"
             else p["account"]) for p in edited[unclassified]["postings"]])
    before = _tree(fava_main.parent)
    refused = save(client, slug, edited)
    assert refused.status_code == 400
    row = edited[unclassified]["meta"]["import-row"]
    assert refused.get_json()["error"].startswith(f"{export}:{row}: the entry's accounts")
    assert "rules.beancount" in refused.get_json()["error"]
    assert _tree(fava_main.parent) == before
    # Between Extract and Save, the treasurer books by hand £100 the statement never saw:
    # the statement's closing balances no longer hold.
    with fava_main.open("a", encoding="utf-8") as f:
        f.write('\n2017-01-01 open Assets:Bank:Lloyds\n'
                '2025-03-10 * "Cash paid in" ""\n  fund: "general"\n'
                '  Assets:Bank:Lloyds  100.00 GBP\n  Equity:Funds:Opening\n')
    before = _tree(fava_main.parent)
    refused = save(client, slug, kept(entries))
    assert refused.status_code == 400
    message = refused.get_json()["error"]
    assert message.startswith(f"{export}:") and "Traceback" not in message, message
    assert message.split(":")[1].isdigit(), message  # the export's row
    assert _tree(fava_main.parent) == before
    # An export removed from the import folder after Extract: said so, nothing written.
    export.unlink()
    gone = save(client, slug, kept(entries))
    assert gone.status_code == 400 and "no longer in the import folder" in gone.get_json()["error"]
    assert _tree(fava_main.parent) == before


def test_an_entry_typed_on_the_page_still_goes_to_favas_own_save(pair):
    fava_main, _cli_main, _env, client, slug = pair
    hand = {"t": "Note", "date": "2020-01-02", "meta": {}, "account": "Equity:Funds:Opening",
            "comment": "Books taken over from the previous treasurer"}
    assert save(client, slug, [hand]).status_code == 200
    assert "Books taken over" in fava_main.read_text(encoding="utf-8")


def _counting_extracts(monkeypatch) -> list[str]:
    """Every file Fava's ingest really extracts (not answered from memory)."""
    from fava.core import ingest

    seen: list[str] = []
    original = ingest.extract_from_file

    def counted(wrapped, path, existing_entries):
        seen.append(Path(path).name)
        return original(wrapped, path, existing_entries)

    monkeypatch.setattr(ingest, "extract_from_file", counted)
    return seen


def test_save_right_after_extract_does_not_read_the_export_again(pair, monkeypatch):
    fava_main, _cli_main, _env, client, slug = pair
    seen = _counting_extracts(monkeypatch)
    export = fava_main.parent / "exports" / "lloyds.csv"
    entries = extract(client, slug, export)
    assert seen == ["lloyds.csv"]
    assert save(client, slug, kept(entries)).status_code == 200
    # Save checked the page's entries against the Extract it followed (the same file,
    # books unchanged): a 20,000-row download is not read and classified twice.
    assert seen == ["lloyds.csv"]


def test_books_changed_between_extract_and_save_are_extracted_again(pair, monkeypatch):
    """The remembered Extract is used only while the books are as they were at Extract:
    once any of their files changed (here the rules file), Save extracts again."""
    fava_main, _cli_main, _env, client, slug = pair
    seen = _counting_extracts(monkeypatch)
    export = fava_main.parent / "exports" / "lloyds.csv"
    entries = kept(extract(client, slug, export))
    with (fava_main.parent / "rules.beancount").open("a", encoding="utf-8") as f:
        f.write("\n; energy suppliers: to do\n")
    assert save(client, slug, entries).status_code == 200
    assert seen == ["lloyds.csv", "lloyds.csv"]
