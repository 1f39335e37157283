"""A source whose profile declares how its file is written (`encoding`, `delimiter`): the
file is identified as declared, not only read so. Detection guesses Windows-1252 for text
that is not UTF-8; a bank writing ISO-8859-15 puts its euro sign at 0xA4, which
Windows-1252 reads as a currency sign, so a header naming the euro never matched."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from beancount.parser import parser
from conftest import init_books, run_cli

from importers import bounded
from importers import profile as profile_lib
from importers import run as import_run
from importers.base import ProfileImporter
from importers.pseudonym import Pseudonymiser

PROFILE = """\
name = "eu-bank"
title = "A euro bank's statement, written in ISO-8859-15"
payee = "Bank"
signature = ["Buchungstag", "Verwendungszweck", "Betrag (€)", "Saldo (€)"]
date = "Buchungstag"
date_formats = ["%d.%m.%Y"]
id = ["Buchungstag", "Betrag (€)", "Saldo (€)"]
gross = "Betrag (€)"
balance = "Saldo (€)"
fixed_currency = "EUR"
decimal = ","
thousands = "."
donor = ["Verwendungszweck"]
description = "Verwendungszweck"
encoding = "iso-8859-15"
delimiter = ";"
[[rules]]
sign = "credit"
kind = "income"
narration = "Donation by bank transfer"
[[rules]]
sign = "debit"
kind = "expense"
accounts = { expense = "Expenses:Bank-Charges" }
narration = "Bank charges"
[accounts]
account = "Assets:Bank:Euro"
income = "Income:Donations:Bank"
"""

# As the bank writes it: a title line above the header (so the header is not the first
# row), semicolons, decimal commas, and text in ISO-8859-15 (the euro sign at 0xA4).
STATEMENT = (
    "Umsätze Girokonto 12345678 (€)\r\n"
    "Buchungstag;Verwendungszweck;Betrag (€);Saldo (€)\r\n"
    "03.03.2025;SPENDE KLAGE JÜRGEN MÜLLER;1.250,00;1.250,00\r\n"
    "04.03.2025;KONTOFÜHRUNG;-4,90;1.245,10\r\n"
    "05.03.2025;SPENDE ANNA SCHRÖDER;30,50;1.275,60\r\n"
)


@pytest.fixture
def books(tmp_path):
    books, env = init_books(tmp_path, "--name", "Test Org")
    (books / "eu-bank.toml").write_text(PROFILE, encoding="utf-8")
    with open(books / "main.beancount", "a", encoding="utf-8") as f:
        f.write('2000-01-01 custom "fundledger-profile" "eu-bank.toml"\n'
                "2000-01-01 open Assets:Bank:Euro EUR\n"
                "2000-01-01 open Expenses:Bank-Charges\n")
    return books, env


def export(tmp_path: Path) -> Path:
    path = tmp_path / "umsaetze.csv"
    path.write_bytes(STATEMENT.encode("iso-8859-15"))
    assert b"\xa4" in path.read_bytes()  # the euro sign as ISO-8859-15 writes it
    return path


def test_a_file_written_as_its_profile_declares_is_imported(tmp_path, books):
    books, env = books
    r = run_cli("import", export(tmp_path), "--books", books, env=env)
    assert r.returncode == 0, r.stderr
    entries, errors, _ = loader.load_file(str(books / "main.beancount"))
    assert errors == [], [e.message for e in errors]
    moved = sorted((e.date.isoformat(), p.account, p.units.number)
                   for e in entries if isinstance(e, data.Transaction)
                   and "import-id" in e.meta for p in e.postings
                   if p.account == "Assets:Bank:Euro")
    # Worked by hand from the three rows: 1.250,00 in, 4,90 out, 30,50 in.
    assert moved == [("2025-03-03", "Assets:Bank:Euro", Decimal("1250.00")),
                     ("2025-03-04", "Assets:Bank:Euro", Decimal("-4.90")),
                     ("2025-03-05", "Assets:Bank:Euro", Decimal("30.50"))]
    balances = [(e.date.isoformat(), e.amount.number) for e in entries
                if isinstance(e, data.Balance) and e.account == "Assets:Bank:Euro"]
    assert ("2025-03-06", Decimal("1275.60")) in balances
    written = b"".join(p.read_bytes() for p in (books / "imports").rglob("*.beancount"))
    for name in (b"M\xc3\x9cLLER", b"SCHR\xc3\x96DER", b"JURGEN", b"ANNA"):
        assert name not in written  # the donors' names never reach the books


def test_identifying_reads_the_head_as_the_profile_declares(tmp_path):
    path = export(tmp_path)
    (tmp_path / "p.toml").write_text(PROFILE, encoding="utf-8")
    eu = profile_lib.load(tmp_path / "p.toml")
    imp = ProfileImporter(eu)
    opened, got = import_run.recognise(str(path), [imp])
    assert got is imp
    assert opened.at == 1  # below the title line, in the rows as declared
    assert opened.columns == ("buchungstag", "verwendungszweck", "betrag (€)", "saldo (€)")
    assert opened.head.delimiter == ";"
    # Read as detection guesses, the header does not hold the profile's columns.
    guessed = bounded.open_export(path).head
    assert profile_lib.claim(str(path), [eu], guessed) is None
    assert imp.identify(str(path))  # Fava's import page asks the same way


def test_an_encoding_python_does_not_know_refuses_the_profile(tmp_path):
    (tmp_path / "p.toml").write_text(PROFILE.replace("iso-8859-15", "iso-8859-99"),
                                     encoding="utf-8")
    with pytest.raises(ValueError, match="encoding 'iso-8859-99' is not one Python knows"):
        profile_lib.load(tmp_path / "p.toml")


def test_fava_import_page_extracts_a_declared_file(tmp_path):
    """Fava's import page goes by path alone (ProfileImporter.extract): the head is read
    as the profile declares there too, so the same three rows come out."""
    path = export(tmp_path)
    (tmp_path / "p.toml").write_text(PROFILE, encoding="utf-8")
    imp = ProfileImporter(profile_lib.load(tmp_path / "p.toml"), Pseudonymiser(b"test-key"))
    books, _, _ = parser.parse_string('2017-01-01 custom "fund" "general" "unrestricted"\n')
    entries = imp.extract(str(path), books)
    moved = sorted(p.units.number for e in entries if isinstance(e, data.Transaction)
                   for p in e.postings if p.account == "Assets:Bank:Euro")
    assert moved == [Decimal("-4.90"), Decimal("30.50"), Decimal("1250.00")]
