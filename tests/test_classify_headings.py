"""Where each account goes in the statements (`reports.classify`), written out from the
chart of accounts in docs/books.md and SORP's headings: every prefix, a sub-account of it,
and an account that only starts with the same letters (which is not under it)."""

from __future__ import annotations

import pytest

from reports import classify

INCOME = [
    ("Income:Donations", "donations"), ("Income:Donations:PayPal", "donations"),
    ("Income:Crowdfunding:CrowdJustice", "donations"), ("Income:Grants:Lumen", "charitable"),
    ("Income:Interest", "investments"), ("Income:Investments:Dividends", "investments"),
    ("Income:Trading:Shop", "trading"), ("Income:Events:Quiz", "trading"),
    ("Income:Sales:Books", "trading"), ("Income:Other", "other"),
    ("Income:DonationsBox", "other"), ("Income:GrantsX", "other"),
]
EXPENDITURE = [
    ("Expenses:Fees:Platform", "raising"), ("Expenses:Fees", "raising"),
    ("Expenses:Legal:Counsel", "legal"), ("Expenses:Comms:Design", "comms"),
    ("Expenses:Running:Rent", "other"), ("Expenses:LegalAid", "other"),
    ("Expenses:FeesX", "other"),
]
LINES = [
    ("Assets:Fixed:Computer", "fixed_assets"), ("Assets:Investments:Fund", "fixed_assets"),
    ("Assets:Debtors:Gift-Aid", "debtors"), ("Assets:Prepayments", "debtors"),
    ("Assets:Held:Smith", "held_by_solicitors"), ("Assets:Bank:Current", "cash_at_bank"),
    ("Assets:PayPal", "cash_at_bank"), ("Assets:HeldBack", "cash_at_bank"),
    ("Assets:DebtorsX", "cash_at_bank"),
    ("Liabilities:Creditors:Smith", "creditors_within_one_year"),
    ("Liabilities:Loans:LongTerm", "creditors_after_one_year"),
    ("Liabilities:Loans:LongTerm:Bank", "creditors_after_one_year"),
    ("Liabilities:LongTerm", "creditors_after_one_year"),
    ("Liabilities:Loans:Short", "creditors_within_one_year"),
    ("Liabilities:LongTermish", "creditors_within_one_year"),
]
CASH = [("Assets:Bank:Current", True), ("Assets:Held:Smith", True), ("Assets:Stripe", True),
        ("Assets:Debtors:Gift-Aid", False), ("Assets:Fixed:Computer", False),
        ("Liabilities:Creditors:Smith", False), ("Income:Donations", False)]
GAINS = [("Income:Gains:Shares", True), ("Expenses:Losses", True), ("Income:FX:Grants", True),
         ("Expenses:FX", True), ("Income:FXBank", False), ("Income:Donations", False)]
CHANNELS = [("Income:Crowdfunding:CJ", "crowdfunding"), ("Income:Grants:Lumen", "grant"),
            ("Income:Donations:Bank", "donations"), ("Income:Interest", "other"),
            ("Income:Donations", "other")]  # the channel is a sub-account's
LEGAL = [("Expenses:Legal:Solicitors", "profit costs"), ("Expenses:Legal:Counsel", "counsel"),
         ("Expenses:Legal:CourtFees", "court fees"), ("Expenses:Legal:VAT", "VAT"),
         ("Expenses:Legal:Counsel:Junior", "counsel"), ("Expenses:Legal:Experts", "other legal"),
         ("Expenses:Legal:VATX", "other legal")]
COLUMNS = [("unrestricted", "unrestricted"), ("designated", "unrestricted"),
           ("restricted", "restricted"), ("endowment", "endowment")]


@pytest.mark.parametrize(("account", "key"), INCOME)
def test_income_heading(account, key):
    assert classify.income_heading(account) == key


@pytest.mark.parametrize(("account", "key"), EXPENDITURE)
def test_expenditure_heading(account, key):
    assert classify.expenditure_heading(account) == key


@pytest.mark.parametrize(("account", "key"), LINES)
def test_balance_sheet_line(account, key):
    assert classify.balance_sheet_line(account) == key


@pytest.mark.parametrize(("account", "cash"), CASH)
def test_money_the_charity_holds(account, cash):
    assert classify.is_cash(account) is cash


@pytest.mark.parametrize(("account", "gain"), GAINS)
def test_gains_and_losses(account, gain):
    assert classify.is_gain_or_loss(account) is gain


@pytest.mark.parametrize(("account", "name"), CHANNELS)
def test_income_channel(account, name):
    assert classify.channel(account) == name


@pytest.mark.parametrize(("account", "name"), LEGAL)
def test_legal_category(account, name):
    assert classify.legal_category(account) == name


@pytest.mark.parametrize(("fund_class", "column"), COLUMNS)
def test_sofa_column(fund_class, column):
    assert classify.sofa_column(fund_class) == column
