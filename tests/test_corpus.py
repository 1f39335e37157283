"""Bad exports are refused with one clear line and leave the books byte-for-byte unchanged.

tests/corpus/ holds 50-odd malformed exports of every source (made by
tests/corpus/make_corpus.py: wrong, shuffled or swapped headers, BOM, cp1252, impossible
dates, amounts with letters, signs, commas or another currency, blank and footer rows,
duplicate ids, truncated files, formulas and merged cells in XLSX, a huge cell);
tests/corpus/expected.toml says which row each must name and what it must say (an unrecognised file may add indented hints: the
headers each source expects). Each is
imported with the real CLI into one copy of the demo books, which must never change.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent / "corpus"
EXPECTED = tomllib.loads((CORPUS / "expected.toml").read_text())


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".fundledger.lock"}


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """Demo books, their snapshot, and an environment with a donor key of its own (so no
    first-run notice about creating one joins the problem line)."""
    from conftest import cli_env, run_cli

    base = tmp_path_factory.mktemp("corpus")
    (base / "donor.key").write_bytes(b"corpus-test-key-0123456789abcdef")
    (base / "donor.key").chmod(0o600)  # an import refuses a key others can read
    env = dict(cli_env(), FUNDLEDGER_DONOR_KEY=str(base / "donor.key"))
    made = run_cli("demo", base / "books", env=env)
    assert made.returncode == 0, made.stderr
    return base / "books" / "main.beancount", snapshot(base / "books"), env


def test_corpus_is_large_and_covers_every_source():
    sources = {name.split("/")[0] for name in EXPECTED}
    assert len(EXPECTED) >= 40
    assert {"paypal", "stripe", "gocardless", "bank", "enthuse", "opencollective",
            "casefunder", "solicitors", "justgiving"} <= sources
    assert all((CORPUS / name).is_file() for name in EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_refused_with_one_line_and_books_unchanged(name, books, cli):
    main, before, env = books
    case = EXPECTED[name]
    path = CORPUS / name
    result = cli("import", path, "--books", main, env=env)
    assert result.returncode != 0
    # One problem line; indented lines after it may only add hints (the headers expected,
    # the kinds of row no rule claims). After a blank line may come rules to paste.
    told = result.stderr.split("\n\n")[0]
    lines = [ln for ln in told.splitlines() if ln.strip() and not ln[0].isspace()]
    assert len(lines) == 1, result.stderr
    where = f"{path}:{case['row']}: " if case["row"] else f"{path}: "
    assert lines[0].startswith(where), lines[0]
    assert case["problem"] in lines[0], lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert snapshot(main.parent) == before
