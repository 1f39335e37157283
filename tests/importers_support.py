"""Books and helpers for the importer tests (real files, real CLI, real beancount)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from beancount import loader

FIXTURES = Path(__file__).parent / "fixtures" / "imports"

BOOKS = """\
option "operating_currency" "GBP"
plugin "ledger.plugin"
2017-01-01 open Assets:PayPal
2017-01-01 open Assets:Stripe
2017-01-01 open Assets:Transfers
2017-01-01 open Assets:Bank:Current
2017-01-01 open Assets:Platforms:CaseFunder
2017-01-01 open Assets:Platforms:JustGiving
2017-01-01 open Assets:Platforms:Enthuse
2017-01-01 open Assets:OpenCollective
2017-01-01 open Assets:Held:Harbour-Vale
2017-01-01 open Liabilities:Creditors:Harbour-Vale
2017-01-01 open Income:Donations:PayPal
2017-01-01 open Income:Donations:Stripe
2017-01-01 open Income:Donations:Bank
2017-01-01 open Income:Donations:GoCardless
2017-01-01 open Income:Donations:JustGiving
2017-01-01 open Income:Donations:Enthuse
2017-01-01 open Income:Donations:OpenCollective
2017-01-01 open Income:Crowdfunding:CaseFunder
2017-01-01 open Income:Grants:Lumen
2017-01-01 open Expenses:Fees:Payment
2017-01-01 open Expenses:Fees:Platform
2017-01-01 open Expenses:Legal:Solicitors
2017-01-01 open Expenses:Legal:Counsel
2017-01-01 open Expenses:Legal:CourtFees
2017-01-01 open Expenses:Legal:VAT
2017-01-01 open Expenses:Running:Hosting
2017-01-01 custom "fund" "general" "unrestricted"
  title: "General"
2017-01-01 custom "fund" "case" "restricted"
  title: "A case"
  purpose: "Expenses:Legal, Expenses:Fees"
2017-01-01 custom "fundledger-source" "casefunder" "case"
  campaign: "the-case"
  transfer: "Assets:Held:Harbour-Vale"
"""


def demo_settings():
    """importers.settings for the demo books with this module's BOOKS added: what the
    in-process importer tests import with."""
    from importers.settings import from_entries

    demo = Path(__file__).resolve().parent.parent / "fundledger" / "demo" / "books"
    entries, _errors, _ = loader.load_file(str(demo / "main.beancount"))
    fixture_entries, _errors, _ = loader.load_string(BOOKS)
    return from_entries(list(entries) + list(fixture_entries), demo)


def write_books(folder: Path, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    main = folder / "main.beancount"
    main.write_text(BOOKS + extra)
    return main


def load_clean(main: Path):
    entries, errors, _ = loader.load_file(str(main))
    assert not errors, [e.message for e in errors]
    return entries


def txns(entries):
    return [e for e in entries if type(e).__name__ == "Transaction"]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of the books, byte for byte (lock files aside)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".fundledger" not in p.name}


def csv_rows(path: Path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def dec(text: str) -> Decimal:
    return Decimal(text.replace(",", "") or "0")


def write_xlsx(path: Path, rows: list[list], title: str | None = None) -> Path:
    """A real workbook, as a platform or a spreadsheet user would save it."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
        ws.append([])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def postings_sum(entries, account: str, **meta) -> Decimal:
    total = Decimal(0)
    for t in txns(entries):
        if all(t.meta.get(k) == v for k, v in meta.items()):
            total += sum((p.units.number for p in t.postings if p.account == account), Decimal(0))
    return total


def init_books(folder: Path, name: str = "Import Test") -> tuple[Path, dict[str, str]]:
    """New books made by `fundledger init` in folder/books, and the CLI environment with a
    donor key of their own: what a treasurer starts an import from."""
    from conftest import cli_env, run_cli

    env = dict(cli_env(), FUNDLEDGER_DONOR_KEY=str(folder / "donor.key"))
    made = run_cli("init", folder / "books", "--name", name, env=env)
    assert made.returncode == 0, made.stderr
    return folder / "books", env
