"""Which source claims a file (issue 27): only a profile whose every identifying column is
there; the most specific one; a tie refused naming both; an unrecognised file told which
source it comes closest to and what it lacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from importers.base import ProfileImporter
from importers.errors import Problem
from importers.profile import from_dict
from importers.pseudonym import Pseudonymiser
from importers.run import identify, importers_for
from importers.settings import Settings

REAL = Path(__file__).parent / "fixtures" / "real"


def _imps():
    return importers_for(Settings(), Pseudonymiser(b"matching-test"))


def _profile(name: str, signature: list[str]) -> ProfileImporter:
    return ProfileImporter(from_dict({
        "name": name, "title": name, "signature": signature, "date": signature[0],
        "date_formats": ["%d/%m/%Y"], "net": signature[-1], "fixed_currency": "GBP",
        "accounts": {"account": f"Assets:Bank:{name.title()}"}}, f"/books/{name}.toml"))


def test_first_direct_csv_is_never_taken_by_santander():
    imps = _imps()
    assert identify(str(REAL / "firstdirect.csv"), imps).profile.name == "bank-firstdirect"
    assert identify(str(REAL / "santander.txt"), imps).profile.name == "bank-santander"
    santander = next(i for i in imps if i.profile.name == "bank-santander")
    assert not santander.matches(str(REAL / "firstdirect.csv"))


def test_two_sources_matching_equally_are_refused_naming_both(tmp_path):
    export = tmp_path / "statement.csv"
    export.write_text("Date,Reference,Amount\n01/02/2025,X,1.00\n", encoding="utf-8")
    a, b = _profile("alpha", ["Date", "Amount"]), _profile("beta", ["Reference", "Amount"])
    a.rivals = b.rivals = [a, b]
    with pytest.raises(Problem) as e:
        identify(str(export), [a, b])
    assert "alpha" in str(e.value) and "beta" in str(e.value)
    # and Fava's import page offers it to neither
    assert not a.identify(str(export)) and not b.identify(str(export))


def test_the_most_specific_match_wins(tmp_path):
    export = tmp_path / "statement.csv"
    export.write_text("Date,Reference,Amount\n01/02/2025,X,1.00\n", encoding="utf-8")
    a, b = _profile("alpha", ["Date", "Amount"]), _profile("beta", ["Date", "Reference", "Amount"])
    assert identify(str(export), [a, b]) is b


def test_an_unrecognised_file_names_the_closest_source_and_what_it_lacks(tmp_path):
    export = tmp_path / "stripe-ish.csv"
    export.write_text("balance_transaction_id,created_utc,currency,gross,net,reporting_category\n"
                      "txn_1,2025-01-02 10:00:00,gbp,10.00,9.50,charge\n", encoding="utf-8")
    with pytest.raises(Problem) as e:
        identify(str(export), _imps())
    message = str(e.value)
    assert "closest is stripe " in message
    assert "lacks its column(s) fee" in message
