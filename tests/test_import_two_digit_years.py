"""Two-digit years (issue 27): `09/01/11` among a PayPal file's four-digit dates is read in
the order the other dates settle; a file of two-digit years only is refused, never guessed
between day-first and month-first."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli
from importers_support import init_books, snapshot

REAL = Path(__file__).parent / "fixtures" / "real"


def test_a_file_of_two_digit_years_only_is_refused_not_guessed(tmp_path):
    books, env = init_books(tmp_path)
    text = (REAL / "paypal-bank-deposit.csv").read_text(encoding="utf-8-sig")
    # every date as 08/01/11: day-first or month-first can no longer be told from the file
    short = tmp_path / "paypal.csv"
    short.write_text(text.replace("/2011", "/11"), encoding="utf-8-sig")
    before = snapshot(books)
    r = run_cli("import", short, "--books", books, "--unclassified", "suspense", env=env)
    assert r.returncode != 0
    assert "paypal.csv:2:" in r.stderr and "99/99/99" in r.stderr
    assert snapshot(books) == before


def test_one_two_digit_year_among_four_digit_ones_is_the_same_order(tmp_path):
    books, env = init_books(tmp_path)
    r = run_cli("import", REAL / "paypal-bank-deposit.csv", "--books", books,
                "--unclassified", "suspense", env=env)
    assert r.returncode == 0, r.stderr
    booked = (books / "imports" / "paypal" / "2011.beancount").read_text(encoding="utf-8")
    # 09/01/11 in a day-first file is 9 January 2011, the day of the bank deposit
    assert '2011-01-09 * "PayPal" "Deposit from bank or card"' in booked
