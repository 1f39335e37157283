"""Stripe whole (issue 27): the reports Stripe gives, each claimed by its own source, and
the same payout in two reports booked once, as a transfer to the bank, never spending."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from beancount import loader
from beancount.core import data
from conftest import run_cli
from importers_support import init_books

REAL = Path(__file__).parent / "fixtures" / "real"


def _postings(books: Path):
    entries, errors, _ = loader.load_file(str(books / "main.beancount"))
    assert errors == []
    return [p for e in entries if isinstance(e, data.Transaction) for p in e.postings]


def test_a_payout_in_both_reports_is_booked_once_as_a_transfer(tmp_path):
    books, env = init_books(tmp_path)
    for name in ("stripe-activity-local.csv", "stripe-payouts.csv"):
        r = run_cli("import", REAL / name, "--books", books, env=env)
        assert r.returncode == 0, r.stderr
    postings = _postings(books)
    stripe = sum(p.units.number for p in postings if p.account == "Assets:Stripe")
    # by hand: activity 39.20 + 98.30 - 20.00 - 100.00 = 17.50; the payouts report adds
    # only the payout the activity report lacks (245.60); the failed one moves nothing
    assert stripe == Decimal("17.50") - Decimal("245.60")
    transfers = sorted(p.units.number for p in postings if p.account == "Assets:Transfers")
    assert transfers == [Decimal("100.00"), Decimal("245.60")]
    assert not [p for p in postings if p.account.startswith("Expenses:")
                and p.units.number in (Decimal("100.00"), Decimal("245.60"))]


def test_test_mode_charges_are_skipped_and_the_source_says_so(tmp_path):
    books, env = init_books(tmp_path)
    r = run_cli("import", REAL / "stripe-payments-fields.csv", "--books", books, env=env)
    assert r.returncode == 0, r.stderr
    income = sum(p.units.number for p in _postings(books)
                 if p.account == "Income:Donations:Stripe")
    # by hand: 29.40 received, 20.00 received less 5.00 refunded; the 1.00 test charge is not
    assert income == -(Decimal("29.40") + Decimal("20.00") - Decimal("5.00"))
    shown = run_cli("sources", "stripe-payments", env=env)
    assert shown.returncode == 0, shown.stderr
    assert "Mode" in shown.stdout and "Test" in shown.stdout
