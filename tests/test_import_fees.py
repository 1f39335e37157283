"""The sign of every fee, for every source with a fee column, through the CLI.

Income is booked gross and each fee as an expense of the same fund (docs/importing.md):
a gift of 25.00 with a fee of 0.68 is Income -25.00, Expenses:Fees +0.68, and 24.32 into
the account that holds it. PayPal, Stripe, CaseFunder and GoCardless exports carry a net
column, so a fee with the wrong sign breaks "net = gross - fees" there; JustGiving, Enthuse
and Stripe's payments export have no net column and nothing else would notice. Each
expected entry below is worked by hand from one row of the export. The imports run through
`fundledger import` into fresh books, so these tests hold whatever the importers look like
inside.
"""

from __future__ import annotations

import csv
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import cli_env, run_cli
from importers_support import FIXTURES, load_clean, txns, write_books

D = Decimal
REAL = FIXTURES.parent / "real"  # exports in the platforms' published layouts

JUSTGIVING_HEADER = ["Donation Ref", "Donation Date", "Donation Amount", "Transaction Fee",
                     "Donor User Id", "Donor First Name", "Donor Last Name", "Donor Email",
                     "Message", "Gift Aid Amount"]
JUSTGIVING_ROWS = [
    ["JG-F-1", "01/07/2023 10:00:00", "25.00", "0.68", "u-1", "Uma", "Fixture",
     "uma.fixture@example.org", "", "6.25"],
    ["JG-F-2", "02/07/2023 10:00:00", "10.00", "", "u-2", "Viv", "Fixture",
     "viv.fixture@example.org", "", "0"],
]


def justgiving(tmp_path):
    path = tmp_path / "justgiving.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(JUSTGIVING_HEADER)
        writer.writerows(JUSTGIVING_ROWS)
    return path


# (export, import-id, the entry's postings summed by account), worked by hand from the row.
CASES = {
    "paypal gift (fee shown negative)": (
        "paypal_uk.csv", "paypal:5PP00001",
        {"Assets:PayPal": D("995.00"), "Expenses:Fees:Payment": D("30.00"),
         "Income:Donations:PayPal": D("-1025.00")}),
    "paypal refund (fee given back)": (
        "paypal_uk.csv", "paypal:5PP00004",
        {"Assets:PayPal": D("-24.21"), "Expenses:Fees:Payment": D("-0.79"),
         "Income:Donations:PayPal": D("25.00")}),
    "stripe charge": (
        "stripe.csv", "stripe:txn_1Fx0001",
        {"Assets:Stripe": D("49.05"), "Expenses:Fees:Payment": D("0.95"),
         "Income:Donations:Stripe": D("-50.00")}),
    "casefunder pledge (two fees)": (
        "casefunder.csv", "casefunder:CF-T-001",
        {"Assets:Platforms:CaseFunder": D("93.50"), "Expenses:Fees:Platform": D("5.00"),
         "Expenses:Fees:Payment": D("1.50"), "Income:Crowdfunding:CaseFunder": D("-100.00")}),
    "casefunder refund (fees given back)": (
        "casefunder.csv", "casefunder:CF-T-004",
        {"Assets:Platforms:CaseFunder": D("-46.75"), "Expenses:Fees:Platform": D("-2.50"),
         "Expenses:Fees:Payment": D("-0.75"), "Income:Crowdfunding:CaseFunder": D("50.00")}),
    "gocardless payout (net only, two fees)": (
        "gocardless.csv", "gocardless:PO000T2",
        {"Assets:Transfers": D("195.20"), "Expenses:Fees:Payment": D("4.80"),
         "Income:Donations:GoCardless": D("-200.00")}),
    "stripe payments export (no net column)": (
        REAL / "stripe-payments.csv", "stripe-payments:ch_3PqA0008NgFund08",
        {"Assets:Stripe": D("246.05"), "Expenses:Fees:Payment": D("3.95"),
         "Income:Donations:Stripe": D("-250.00")}),
    "stripe payments export, partly refunded": (
        REAL / "stripe-payments.csv", "stripe-payments:ch_3PqA0006NgFund06",
        {"Assets:Stripe": D("29.05"), "Expenses:Fees:Payment": D("0.95"),
         "Income:Donations:Stripe": D("-30.00")}),
    "open collective, fees as columns (net only, fee negative)": (
        REAL / "opencollective-fees.csv", "opencollective-fees:880100",
        {"Assets:OpenCollective": D("48.30"), "Expenses:Fees:Payment": D("1.70"),
         "Income:Donations:OpenCollective": D("-50.00")}),
    "open collective, pre-2024 export (fee negative)": (
        REAL / "opencollective-legacy.csv", "opencollective-legacy:a1b2c3d4",
        {"Assets:OpenCollective": D("48.30"), "Expenses:Fees:Payment": D("1.70"),
         "Income:Donations:OpenCollective": D("-50.00")}),
    "stripe legacy balance history": (
        REAL / "stripe-balance-history.csv", "stripe:txn_1EaB001NgHist01",
        {"Assets:Stripe": D("29.38"), "Expenses:Fees:Payment": D("0.62"),
         "Income:Donations:Stripe": D("-30.00")}),
    "open collective, pre-2024 readable export (host and platform fee columns)": (
        REAL / "opencollective-2021.csv", "opencollective-legacy:e5f6a7b8",
        {"Assets:OpenCollective": D("8.80"), "Expenses:Fees:Payment": D("1.20"),
         "Income:Donations:OpenCollective": D("-10.00")}),
    "open collective, an expense's payout fee (fee negative)": (
        REAL / "opencollective-2021.csv", "opencollective-legacy:d4e5f6a7",
        {"Assets:OpenCollective": D("-301.20"), "Expenses:Fees:Payment": D("1.20"),
         "Expenses:Unclassified": D("300.00")}),
    "open collective API CSV (no id column)": (
        REAL / "opencollective-api.csv", "opencollective-api:89cbf1b90391de1b-1",
        {"Assets:OpenCollective": D("48.25"), "Expenses:Fees:Payment": D("1.75"),
         "Income:Donations:OpenCollective": D("-50.00")}),
    "revolut business transfer in (fee column, none charged)": (
        REAL / "revolut-business.csv", "revolut-business:bfbeda9470555d11-1",
        {"Assets:Revolut": D("100.00"), "Income:Donations:Bank": D("-100.00")}),
    "enthuse donation (no net column)": (
        "enthuse.csv", "enthuse:ENT-T-1",
        {"Assets:Platforms:Enthuse": D("29.28"), "Expenses:Fees:Payment": D("0.72"),
         "Income:Donations:Enthuse": D("-30.00")}),
    "justgiving donation (no net column)": (
        justgiving, "justgiving:JG-F-1",
        {"Assets:Platforms:JustGiving": D("24.32"), "Expenses:Fees:Payment": D("0.68"),
         "Income:Donations:JustGiving": D("-25.00")}),
    "justgiving donation without a fee": (
        justgiving, "justgiving:JG-F-2",
        {"Assets:Platforms:JustGiving": D("10.00"), "Income:Donations:JustGiving": D("-10.00")}),
}


def by_account(txn) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    for p in txn.postings:
        assert p.units.currency == "GBP", p
        sums[p.account] = sums.get(p.account, D(0)) + p.units.number
    return sums


@pytest.mark.parametrize("case", list(CASES))
def test_fees_are_expenses_and_income_is_gross(tmp_path, case):
    export, import_id, expected = CASES[case]
    # FIXTURES / REAL / "x.csv" is REAL / "x.csv": pathlib keeps an absolute right-hand side.
    path = export(tmp_path) if callable(export) else FIXTURES / export
    main = write_books(tmp_path / "books")
    env = dict(cli_env(), FUNDLEDGER_DONOR_KEY=str(tmp_path / "donor.key"))
    # suspense: the payments out that no rule claims (Open Collective's expenses) are booked too
    result = run_cli("import", path, "--books", main, "--unclassified", "suspense", env=env)
    assert result.returncode == 0, result.stderr
    got = {t.meta["import-id"]: t for t in txns(load_clean(main))}
    assert by_account(got[import_id]) == expected


def test_every_source_with_a_fee_column_is_covered():
    # A new profile with fees must get a case above.
    profiles = Path(__file__).resolve().parent.parent / "importers" / "profiles"
    tables = [tomllib.loads(p.read_text()) for p in profiles.glob("*.toml")]
    # import-ids start with the profile's name, or the name it writes them under (ids_as)
    with_fees = {t.get("ids_as") or t["name"] for t in tables if t.get("fees")}
    with_fees |= {t["name"] for t in tables if t.get("fees") and not t.get("ids_as")}
    covered = {CASES[c][1].split(":")[0] for c in CASES}
    assert with_fees and with_fees <= covered, with_fees - covered
