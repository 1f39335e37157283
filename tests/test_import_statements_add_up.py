"""A statement whose own opening balance plus its entries does not give its own closing
balance is refused, naming both figures, and the books are left byte for byte (issue 27):
camt.053 and MT940, read by their own readers."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli
from importers_support import init_books, snapshot

REAL = Path(__file__).parent / "fixtures" / "real"


def _refused(tmp_path, name, text):
    books, env = init_books(tmp_path)
    bad = tmp_path / name
    bad.write_text(text, encoding="utf-8")
    before = snapshot(books)
    r = run_cli("import", bad, "--books", books, "--unclassified", "suspense", env=env)
    assert r.returncode != 0
    assert snapshot(books) == before
    return r.stderr


def test_a_camt053_that_does_not_add_up_is_refused_naming_both_balances(tmp_path):
    good = (REAL / "camt053.xml").read_text(encoding="utf-8")
    # by hand: 2450.00 + 8000.00 + 50.00 - 2520.00 - 6.10 = 7973.90; the bank says 7937.90
    err = _refused(tmp_path, "may.xml", good.replace(">7973.90<", ">7937.90<"))
    assert "2450.00" in err and "7973.90" in err and "7937.90" in err


def test_an_mt940_that_does_not_add_up_is_refused_naming_both_balances(tmp_path):
    good = (REAL / "mt940-sparkasse.sta").read_text(encoding="utf-8")
    # by hand: 3180.25 + 250.00 - 1190.00 - 4.95 = 2235.30; the bank says 2253.30
    err = _refused(tmp_path, "may.sta", good.replace("EUR2235,30", "EUR2253,30"))
    assert "3180.25" in err and "2235.30" in err and "2253.30" in err


def test_camt053_pending_entries_are_not_booked(tmp_path):
    books, env = init_books(tmp_path)
    r = run_cli("import", REAL / "camt053.xml", "--books", books, "--unclassified", "suspense",
                env=env)
    assert r.returncode == 0, r.stderr
    booked = "".join(p.read_text(encoding="utf-8")
                     for p in (books / "imports" / "camt053").glob("*.beancount"))
    assert "120.00 EUR" not in booked  # Jonas Weber's gift is pending (Sts PDNG)
    assert "8000.00 EUR" in booked
