"""Real-layout exports (tests/fixtures/real): each is claimed by exactly the profile its
MANIFEST names, and the manifest's own figures hold together.

The fixtures copy the layouts banks and platforms really produce (SOURCES.md says where each
layout comes from). Profiles that use keys the import engine does not know yet wait in
importers/profiles/pending/; the identification tests are expected to fail (xfail, not strict)
until the engine reads those keys and the pending profiles replace or join the built-in ones.
The manifest's net, money in/out and closing balances are for the full import assertions.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from importers import profile as profile_lib
from importers.base import ProfileImporter
from importers.profile import norm
from importers.pseudonym import Pseudonymiser
from importers.run import identify

REAL = Path(__file__).parent / "fixtures" / "real"
PENDING = profile_lib.BUILTIN / "pending"
MANIFEST = tomllib.loads((REAL / "MANIFEST.toml").read_text(encoding="utf-8"))
# Profile keys issue 14 adds; a profile using one the engine lacks cannot be loaded yet.
NEW_KEYS = {"aliases", "decimal", "thousands", "balance", "description", "payer", "footer"}
KNOWN_KEYS = {f.name for f in dataclasses.fields(profile_lib.Profile)}


def profile_files() -> dict[str, Path]:
    """Built-in profiles by name, the pending ones replacing any built-in of the same name."""
    files = {}
    for path in sorted(profile_lib.BUILTIN.glob("*.toml")) + sorted(PENDING.glob("*.toml")):
        with open(path, "rb") as f:
            files[tomllib.load(f)["name"]] = path
    return files


def raw(name: str) -> dict:
    with open(profile_files()[name], "rb") as f:
        return tomllib.load(f)


def missing(name: str, entry: dict) -> list[str]:
    """What the engine must learn before this file imports: the manifest's needs, and the
    profile's own keys the engine does not know."""
    keys = (set(raw(entry["profile"])) & NEW_KEYS) - KNOWN_KEYS
    return sorted(set(entry["needs"]) | keys)


def cases():
    for name, entry in MANIFEST.items():
        lacks = missing(name, entry)
        marks = [pytest.mark.xfail(strict=False, reason="engine lacks: " + ", ".join(lacks))] if lacks else []
        yield pytest.param(name, entry, id=name, marks=marks)


def importers() -> list[ProfileImporter]:
    """Every profile this engine can load, most specific signature first (as builtin() orders)."""
    pseudo = Pseudonymiser(b"real-exports-test")
    loaded = []
    for path in profile_files().values():
        try:
            loaded.append(profile_lib.load(path))
        except ValueError:  # a pending profile with keys this engine does not know yet
            continue
    loaded.sort(key=lambda p: (-len(p.signature), p.name))
    return [ProfileImporter(p, pseudo) for p in loaded]


@pytest.mark.parametrize(("name", "entry"), list(cases()))
def test_the_named_profile_claims_the_file(name, entry):
    path = str(REAL / name)
    imps = importers()
    assert identify(path, imps).profile.name == entry["profile"]
    claimants = [imp.profile for imp in imps if imp.identify(path)]
    rivals = [p.name for p in claimants
              if p.name != entry["profile"] and len(p.signature) >= len(claimants[0].signature)]
    assert not rivals, f"{name} is claimed as specifically by {rivals}"


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
    """A file must be offered to one importer: equal signatures could never be told apart."""
    seen = {}
    for name in profile_files():
        key = frozenset(norm(c) for c in raw(name)["signature"])
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
        for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter)):
            if number > 10:  # the header is near the top, after any preamble
                break
            cells = {norm(c) for c in row if c.strip()}
            if len(cells) > len(best):
                best = cells
    return best


@pytest.mark.parametrize("name", sorted(n for n in MANIFEST if not n.endswith(".ofx")))
def test_the_profile_signature_is_in_the_fixture_header(name):
    """Every signature column (or one of its declared spellings) is in the fixture's header, so
    a profile and its fixture cannot drift apart while the engine catches up."""
    profile = raw(MANIFEST[name]["profile"])
    aliases = profile.get("aliases", {})
    header = header_of(REAL / name)
    for column in profile["signature"]:
        spellings = {norm(column), *(norm(a) for a in aliases.get(column, []))}
        assert spellings & header, f"{name}: no column {column} (or its aliases) in {sorted(header)}"
