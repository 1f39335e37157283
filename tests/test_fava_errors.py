"""Fava itself must find nothing wrong with the books a treasurer opens in it.

Fava interprets some custom directives (budget, fava-option, fava-extension) itself; a
directive of ours that collides with one shows up on Fava's Errors page even when
bean-check is clean. This is how `custom "budget"` was found to clash with Fava's
per-account budgets (ours is now `custom "fund-budget"`)."""

from __future__ import annotations

from fava.core import FavaLedger


def test_fava_reports_no_errors_on_the_demo_books(demo, monkeypatch, tmp_path):
    monkeypatch.setenv("FUNDLEDGER_DONOR_KEY", str(tmp_path / "donor.key"))
    ledger = FavaLedger(str(demo))
    assert [f"{e.source}: {e.message}" for e in ledger.errors] == []
    assert [d.name for d in ledger.extensions.extension_details] == ["Funds", "Statements"]


def test_fava_would_report_a_grant_budget_in_its_own_spelling(demo, monkeypatch, tmp_path):
    # The check above can fail: the old spelling does produce Fava errors.
    monkeypatch.setenv("FUNDLEDGER_DONOR_KEY", str(tmp_path / "donor.key"))
    (demo.parent / "old.beancount").write_text(
        '2019-05-01 custom "budget" "lumen-grant" "Solicitors" 38000.00 EUR\n')
    with demo.open("a") as f:
        f.write('include "old.beancount"\n')
    assert FavaLedger(str(demo)).errors
