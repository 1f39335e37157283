"""Real-layout exports (tests/fixtures/real): each is claimed by exactly the profile its
MANIFEST names, and imports into new books (`fundledger init`) with its money exact.

The fixtures copy the layouts banks and platforms really produce (SOURCES.md says where each
layout comes from), with payments out, refunds, fees, conversions, preambles, footers,
other languages, decimal commas and semicolons. The manifest's figures (net movement,
money in and out, closing balance) were worked out from the files, not from the importer.
"""

from __future__ import annotations

import csv
import io
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from conftest import cli_env, run_cli
from importers_support import snapshot

from importers import profile as profile_lib
from importers.profile import norm
from importers.pseudonym import Pseudonymiser
from importers.run import identify, importers_for
from importers.settings import Settings

REAL = Path(__file__).parent / "fixtures" / "real"
MANIFEST = tomllib.loads((REAL / "MANIFEST.toml").read_text(encoding="utf-8"))


def profile_files() -> dict[str, Path]:
    """Built-in profiles by name."""
    files = {}
    for path in sorted(profile_lib.BUILTIN.glob("*.toml")):
        with open(path, "rb") as f:
            files[tomllib.load(f)["name"]] = path
    return files


def raw(name: str) -> dict:
    with open(profile_files()[name], "rb") as f:
        return tomllib.load(f)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_the_named_profile_claims_the_file(name):
    path = str(REAL / name)
    imps = importers_for(Settings(), Pseudonymiser(b"real-exports-test"))
    assert identify(path, imps).profile.name == MANIFEST[name]["profile"]
    # Offered to exactly one importer, as Fava's import page offers it.
    assert [imp.profile.name for imp in imps if imp.identify(path)] == [MANIFEST[name]["profile"]]


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """Each fixture imported into its own new books, with --unclassified suspense."""
    done = {}

    def get(name: str):
        if name not in done:
            folder = tmp_path_factory.mktemp("real")
            books = folder / "books"
            env = dict(cli_env(), FUNDLEDGER_DONOR_KEY=str(folder / "donor.key"))
            made = run_cli("init", books, "--name", "Real Exports Test", env=env)
            assert made.returncode == 0, made.stderr
            r = run_cli("import", REAL / name, "--books", books, "--unclassified", "suspense",
                        env=env)
            done[name] = (books, env, r)
        return done[name]

    return get


def _account(profile: str) -> str:
    return raw(profile).get("accounts", {}).get("account", "")


# A statement-only source asserts balances of money other exports book, so it cannot go
# into new books alone: tests/test_statement_balances.py imports it into books holding that
# money. The tests of a file's own money below are for every other file.
BOOKING = sorted(name for name, entry in MANIFEST.items() if not entry.get("balances_only"))


@pytest.mark.parametrize("name", BOOKING)
def test_imports_into_new_books_with_its_money_exact(name, imported):
    entry = MANIFEST[name]
    books, env, r = imported(name)
    assert r.returncode == 0, r.stderr
    check = run_cli("check", books, env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    entries, errors, _ = loader.load_file(str(books / "main.beancount"))
    assert errors == []
    account = _account(entry["profile"])
    moved: dict[str, Decimal] = {}
    held: dict[str, Decimal] = {}
    for e in entries:
        if not isinstance(e, data.Transaction):
            continue
        opening = ":opening:" in str(e.meta.get("import-id", ""))
        for p in e.postings:
            if p.account == account:
                held[p.units.currency] = held.get(p.units.currency, 0) + p.units.number
                if not opening:
                    moved[p.units.currency] = moved.get(p.units.currency, 0) + p.units.number
        # Income is money received: an entry only ever reduces income when it gives a
        # gift back (a refund, naming the gift where the source says which).
        income = sum((p.units.number for p in e.postings if p.account.startswith("Income:")
                      and p.price is None), Decimal(0))
        if income > 0:
            assert "refund-of" in e.meta or "refund" in e.narration.casefold(), e
    # The statement account moved by exactly the file's own net, per currency.
    assert {c: n for c, n in moved.items() if n} == \
        {c: Decimal(n) for c, n in entry["net"].items() if Decimal(n)}
    for currency, closing in entry.get("closing_balance", {}).items():
        assert held.get(currency, 0) == Decimal(closing), currency


@pytest.mark.parametrize("name", BOOKING)
def test_a_second_import_changes_no_byte(name, imported):
    books, env, r = imported(name)
    assert r.returncode == 0, r.stderr
    before = snapshot(books)
    again = run_cli("import", REAL / name, "--books", books, "--unclassified", "suspense",
                    env=env)
    assert again.returncode == 0, again.stderr
    assert again.stderr.strip().splitlines()[-1].startswith("0 new")
    assert snapshot(books) == before


def test_every_fixture_has_a_manifest_entry_and_a_profile():
    files = {p.name for p in REAL.iterdir() if p.name not in ("MANIFEST.toml", "SOURCES.md")}
    assert files == set(MANIFEST)
    sources = (REAL / "SOURCES.md").read_text(encoding="utf-8")
    names = profile_files()
    for name, entry in MANIFEST.items():
        assert entry["profile"] in names, f"{name}: no profile {entry['profile']}"
        assert name in sources, f"{name} has no provenance in SOURCES.md"
        assert entry["source"] and entry["rows"] > 0


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_manifest_figures_add_up(name):
    entry = MANIFEST[name]
    for currency, net in entry["net"].items():
        money_in = Decimal(entry["money_in"][currency])
        money_out = Decimal(entry["money_out"][currency])
        assert money_in >= 0 >= money_out
        assert money_in + money_out == Decimal(net)
    assert set(entry["closing_balance"]) <= set(entry["net"])


def test_no_two_profiles_share_a_signature():
    """A file must be offered to one importer: equal signatures of one layout could never be
    told apart (Santander's text download and first direct's CSV share their columns)."""
    seen = {}
    for name in profile_files():
        key = (raw(name).get("layout", ""), frozenset(norm(c) for c in raw(name)["signature"]))
        assert key not in seen, f"{name} and {seen.get(key)} have the same signature"
        seen[key] = name


def header_of(path: Path) -> set[str]:
    """The file's header, found the plain way (any of the usual encodings and delimiters), to
    check a profile against its fixture without the import engine."""
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if path.suffix == ".txt":  # Santander's "Key: value" blocks
        return {norm(line.split(":")[0]) for line in text.splitlines() if ":" in line}
    best: set[str] = set()
    for delimiter in (",", ";", "\t"):
        for number, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)):
            if number > 30:  # the header is near the top, after any preamble (ING: 16 lines)
                break
            cells = {norm(c) for c in row if c.strip()}
            if len(cells) > len(best):
                best = cells
    return best


# OFX, camt.053 (XML) and MT940 have no header row: their readers make the columns.
@pytest.mark.parametrize("name", sorted(n for n in MANIFEST
                                        if not n.endswith((".ofx", ".xml", ".sta"))))
def test_the_profile_signature_is_in_the_fixture_header(name):
    """Every signature column (or one of its declared spellings) is in the fixture's header, so
    a profile and its fixture cannot drift apart while the engine catches up."""
    profile = raw(MANIFEST[name]["profile"])
    aliases = profile.get("aliases", {})
    header = header_of(REAL / name)
    for column in profile["signature"]:
        spellings = {norm(column), *(norm(a) for a in aliases.get(column, []))}
        assert spellings & header, f"{name}: no column {column} (or its aliases) in {sorted(header)}"
